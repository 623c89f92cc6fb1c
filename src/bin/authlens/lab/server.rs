//! The lab's HTTP plumbing: hyper's HTTP/1 server on a small tokio runtime. Each request's
//! body is read (bounded), then its route runs on tokio's blocking pool, so that a handler
//! may wait (the barrier, a slow endpoint) without holding up the others, and requests are
//! served concurrently. The routes themselves are plain synchronous functions from a
//! [`LabRequest`] to a [`Reply`] (`super::route`).
//!
//! Why not tiny_http any more (issue #17): its connection pool hands a new connection to a
//! thread it counts as waiting before that thread has taken the previous one, so when a
//! browser opens several keep-alive connections at once, all but a few wait until another
//! connection closes, which a browser's keep-alive connection does not do for minutes.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

use super::scenarios::Reply;

/// A request as the routes read it.
pub struct LabRequest {
    pub method: String,
    /// The request target: path and query, as sent.
    pub url: String,
    headers: Vec<(String, String)>,
    /// At most [`MAX_BODY`] bytes: a lab request body is small.
    pub body: Vec<u8>,
}

const MAX_BODY: usize = 64 * 1024;
/// Threads of the runtime that reads and writes the connections (the routes run on its
/// blocking pool, which grows as handlers wait).
const IO_THREADS: usize = 2;

impl LabRequest {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text; not UTF-8 reads as empty, like a missing body.
    pub fn body_text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap_or_default()
    }
}

/// Binds `addr`, calls `listening` with the bound address, then serves until the process
/// ends. `route` answers every request.
pub fn serve(
    addr: SocketAddr,
    www: PathBuf,
    listening: impl FnOnce(SocketAddr),
    route: fn(&LabRequest, &std::path::Path) -> Reply,
    defaults: &'static [(&'static str, &'static str)],
) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(IO_THREADS)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the lab's runtime: {e}"))?;
    let listener =
        std::net::TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("the lab's socket has no address: {e}"))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    listening(bound);
    let www = Arc::new(www);
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(accepted) => accepted,
                // Out of file descriptors, a connection reset before it was accepted: the
                // next one may do; the lab keeps listening.
                Err(e) => {
                    eprintln!("lab: could not accept a connection: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            // Small answers, one write each: no Nagle delay between them.
            let _ = stream.set_nodelay(true);
            let www = Arc::clone(&www);
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let www = Arc::clone(&www);
                    async move { Ok::<_, Infallible>(answer(request, www, route, defaults).await) }
                });
                // A client that goes away mid-request is not the lab's error.
                let _ = hyper::server::conn::http1::Builder::new()
                    // The hostile page (lab/hostile.rs) sends a 1 MB JWT in Authorization;
                    // hyper's default buffer (~400 KB) answers 431 to it. Browsers send it.
                    .max_buf_size(2 << 20)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

async fn answer(
    request: hyper::Request<Incoming>,
    www: Arc<PathBuf>,
    route: fn(&LabRequest, &std::path::Path) -> Reply,
    defaults: &'static [(&'static str, &'static str)],
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    // A body over the limit, or one that breaks off, is answered like an empty body.
    let body = Limited::new(body, MAX_BODY)
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let lab_request = LabRequest {
        method: parts.method.as_str().to_owned(),
        url: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned()),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    // A handler bug costs its request a 500, never the lab.
    let reply = tokio::task::spawn_blocking(move || route(&lab_request, &www))
        .await
        .unwrap_or_else(|_| {
            Reply::json(500, &serde_json::json!({"error": "lab handler panicked"}))
        });
    response(reply, defaults)
}

fn response(
    reply: Reply,
    defaults: &'static [(&'static str, &'static str)],
) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = hyper::StatusCode::from_u16(reply.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in defaults
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .chain(reply.headers)
    {
        // Scenario headers are ours and valid; a bad one is a lab bug worth seeing.
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            // Appended, not inserted: a reply may set several cookies, and a scenario's
            // Content-Type comes after the default one of its kind and must win.
            (Ok(n), Ok(v)) => {
                if n == hyper::header::CONTENT_TYPE {
                    headers.insert(n, v);
                } else {
                    headers.append(n, v);
                }
            }
            _ => eprintln!("lab: invalid header {name}"),
        }
    }
    response
}
