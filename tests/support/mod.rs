//! What the Rust integration tests share: the real `authlens lab`, started on a free port.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use authlens::exchange::{Exchange, Header};

/// A running lab (killed on drop) and its `host:port`.
pub struct Lab(pub std::process::Child, pub String);

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `authlens lab --addr 127.0.0.1:0` and reads the address it prints first.
pub fn start_lab() -> Lab {
    let mut child = Command::new(env!("CARGO_BIN_EXE_authlens"))
        .args(["lab", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the lab starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a first line");
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_owned();
    Lab(child, addr)
}

/// One request to the lab over HTTP/1.0 (the lab closes the connection after its answer),
/// read back into the exchange a browser's HAR would hold.
#[allow(dead_code)] // not every test file sends requests
pub fn send(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) -> Exchange {
    let mut stream = TcpStream::connect(addr).expect("connect");
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\n");
    for (n, v) in headers {
        request.push_str(&format!("{n}: {v}\r\n"));
    }
    if let Some(b) = body {
        request.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, text) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let response_headers: Vec<Header> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| Header {
            name: n.trim().to_owned(),
            value: v.trim().to_owned(),
        })
        .collect();
    Exchange {
        method: method.into(),
        url: format!("http://{addr}{path}"),
        status,
        request_headers: headers
            .iter()
            .map(|(n, v)| Header {
                name: n.clone(),
                value: v.clone(),
            })
            .collect(),
        response_headers,
        request_body: body.map(str::to_owned),
        response_body: (!text.is_empty()).then(|| text.to_owned()),
        started_ms: Some(1_795_435_200_000),
        ..Exchange::default()
    }
}
