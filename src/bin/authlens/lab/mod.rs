//! `authlens lab`: a local HTTP server with one endpoint per auth failure mode.
//!
//! The demo, the DevTools panel's manual testing and the browser e2e suite all use it.
//! Its index page lists the scenarios as buttons; each button makes the failing request
//! from the page, with the credentials the scenario needs, so the browser (and the
//! extension watching it) sees a real exchange.
//!
//! Built on `tiny_http`: a small, synchronous, long-maintained server crate. The lab
//! serves a handful of requests on loopback; it needs no async runtime.

mod authz;
mod hostile;
mod scenarios;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use tiny_http::{Header, Request, Response, Server};

use scenarios::Reply;

#[derive(Args)]
pub struct LabArgs {
    /// Address to listen on. Port 0 picks a free port (the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:8401")]
    addr: SocketAddr,
    /// Folder of the built self-help page, served under /help/.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/dist/www"))]
    www: PathBuf,
}

const INDEX_HTML: &str = include_str!("index.html");
const LAB_JS: &str = include_str!("lab.js");
const LAB_CSS: &str = include_str!("lab.css");
/// Our own pages carry no inline script: the same policy we ask of the extension.
/// `connect-src` also allows the lab's other loopback name, for the cross-origin scenarios.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; connect-src 'self' http://127.0.0.1:* http://localhost:*";

pub fn run(args: LabArgs) -> Result<ExitCode, String> {
    if !args.addr.ip().is_loopback() {
        return Err(format!(
            "the lab only listens on loopback addresses, not {}",
            args.addr
        ));
    }
    let server =
        Server::http(args.addr).map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let bound = server
        .server_addr()
        .to_ip()
        .ok_or("the server has no IP address")?;
    // Writes to stdout may fail (a test or a pipe that stopped reading): the server
    // must keep serving, so errors are ignored instead of panicking like println!.
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "AuthLens lab listening on http://{bound}/");
    if !args.www.join("index.html").is_file() {
        let _ = writeln!(
            stdout,
            "  (no self-help page at {}: build it with `make build` to serve /help/)",
            args.www.display()
        );
    }
    let _ = stdout.flush();
    for mut request in server.incoming_requests() {
        let reply = route(&mut request, &args.www);
        respond(request, reply);
    }
    Ok(ExitCode::SUCCESS)
}

fn route(request: &mut Request, www: &Path) -> Reply {
    let url = request.url().to_owned();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let method = request.method().as_str().to_owned();
    let header = |name: &'static str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_owned())
    };
    let host = header("Host").unwrap_or_default();
    let origin = header("Origin");
    match path {
        "/" => Reply::page(200, "text/html; charset=utf-8", INDEX_HTML),
        "/lab.js" => Reply::page(200, "text/javascript; charset=utf-8", LAB_JS),
        "/lab.css" => Reply::page(200, "text/css; charset=utf-8", LAB_CSS),
        "/scenarios.json" => Reply::json(200, &scenarios::catalogue()),
        "/help" => Reply::redirect(301, "/help/"),
        _ if path.starts_with("/help/") => static_file(www, &path["/help/".len()..]),
        "/as/.well-known/openid-configuration" => authz::discovery(&host),
        // An issuer that disagrees with its discovery URL (OIDC Discovery §4.3).
        "/as-mixed/.well-known/openid-configuration" => authz::discovery(&host),
        "/as/authorize" => authz::authorize(url.split_once('?').map_or("", |(_, q)| q), &host),
        "/app/callback" => authz::callback(),
        "/as/token" if method == "POST" => {
            let authorization = header("Authorization");
            let mut body = String::new();
            // A lab request body is small; a read error is answered like an empty body.
            let _ = request
                .as_reader()
                .take(64 * 1024)
                .read_to_string(&mut body);
            authz::token(&body, authorization.as_deref(), &host)
        }
        "/oauth/token" if method == "POST" => {
            let mut body = String::new();
            // A lab request body is small; a read error is answered like an empty body.
            let _ = request
                .as_reader()
                .take(64 * 1024)
                .read_to_string(&mut body);
            scenarios::token_endpoint(&body)
        }
        // Hostile answers and a slow one (issue #17): lab/hostile.rs.
        _ if path.starts_with("/hostile/") || path == "/slow" => {
            hostile::route(path, url.split_once('?').map_or("", |(_, q)| q)).unwrap_or_else(|| {
                Reply::json(404, &serde_json::json!({"error": "no such lab endpoint"}))
            })
        }
        _ => scenarios::route(&method, path, &host, origin.as_deref()).unwrap_or_else(|| {
            Reply::json(404, &serde_json::json!({"error": "no such lab endpoint"}))
        }),
    }
}

fn static_file(root: &Path, relative: &str) -> Reply {
    let relative = if relative.is_empty() {
        "index.html"
    } else {
        relative
    };
    let rel = Path::new(relative);
    // No `..`, no absolute paths: the lab serves only what is below its folder.
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Reply::json(400, &serde_json::json!({"error": "bad path"}));
    }
    let path = root.join(rel);
    let content_type = match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    match std::fs::read(&path) {
        Ok(body) => Reply {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        },
        Err(_) => Reply::json(
            404,
            &serde_json::json!({"error": "not found", "path": relative}),
        ),
    }
}

fn respond(request: Request, reply: Reply) {
    let mut response = Response::from_data(reply.body).with_status_code(reply.status);
    let defaults = [
        ("Content-Security-Policy", CSP),
        ("Cache-Control", "no-store"),
    ];
    for (name, value) in defaults
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .chain(reply.headers)
    {
        // Scenario headers are ours and valid; a bad one is a lab bug worth seeing.
        match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            Ok(h) => response.add_header(h),
            Err(()) => eprintln!("lab: invalid header {name}"),
        }
    }
    if let Err(e) = request.respond(response) {
        eprintln!("lab: could not send a response: {e}");
    }
}
