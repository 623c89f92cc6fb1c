//! `authlens lab`: a local HTTP server with one endpoint per auth failure mode.
//!
//! The demo, the DevTools panel's manual testing and the browser e2e suite all use it.
//! Its index page lists the scenarios as buttons; each button makes the failing request
//! from the page, with the credentials the scenario needs, so the browser (and the
//! extension watching it) sees a real exchange.
//!
//! Requests are served concurrently (`server.rs`: hyper's HTTP/1 server, the routes on a
//! blocking pool), so that a handler that waits (a barrier, a slow endpoint) does not hold
//! up the others, and the load page (1,000 requests a second from a browser) is served by
//! several threads at once. The routes below are plain synchronous functions.

mod authz;
mod barrier;
mod hostile;
mod keys;
mod load;
mod scenarios;
mod server;

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use scenarios::Reply;
use server::LabRequest;

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
const LOAD_HTML: &str = include_str!("load.html");
const LOAD_JS: &str = include_str!("load.js");
/// Our own pages carry no inline script: the same policy we ask of the extension.
/// `connect-src` also allows the lab's other loopback name, for the cross-origin scenarios.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; connect-src 'self' http://127.0.0.1:* http://localhost:*";
/// Headers on every answer.
const DEFAULTS: &[(&str, &str)] = &[
    ("Content-Security-Policy", CSP),
    ("Cache-Control", "no-store"),
];

pub fn run(args: LabArgs) -> Result<ExitCode, String> {
    if !args.addr.ip().is_loopback() {
        return Err(format!(
            "the lab only listens on loopback addresses, not {}",
            args.addr
        ));
    }
    let www = args.www;
    let has_help = www.join("index.html").is_file();
    let listening = |bound: SocketAddr| {
        // Writes to stdout may fail (a test or a pipe that stopped reading): the server
        // must keep serving, so errors are ignored instead of panicking like println!.
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "AuthLens lab listening on http://{bound}/");
        if !has_help {
            let _ = writeln!(
                stdout,
                "  (no self-help page at {}: build it with `make build` to serve /help/)",
                www.display()
            );
        }
        let _ = stdout.flush();
    };
    server::serve(args.addr, www.clone(), listening, route, DEFAULTS)?;
    Ok(ExitCode::SUCCESS)
}

fn route(request: &LabRequest, www: &Path) -> Reply {
    let url = request.url.clone();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let method = request.method.clone();
    let header = |name: &'static str| request.header(name).map(str::to_owned);
    let host = header("Host").unwrap_or_default();
    let origin = header("Origin");
    match path {
        "/" => Reply::page(200, "text/html; charset=utf-8", INDEX_HTML),
        "/lab.js" => Reply::page(200, "text/javascript; charset=utf-8", LAB_JS),
        "/lab.css" => Reply::page(200, "text/css; charset=utf-8", LAB_CSS),
        "/scenarios.json" => Reply::json(200, &scenarios::catalogue(&host)),
        "/help" => Reply::redirect(301, "/help/"),
        "/load" => Reply::page(200, "text/html; charset=utf-8", LOAD_HTML),
        "/load.js" => Reply::page(200, "text/javascript; charset=utf-8", LOAD_JS),
        "/load/plan.json" => load::plan(url.split_once('?').map_or("", |(_, q)| q)),
        "/barrier" => barrier::barrier(url.split_once('?').map_or("", |(_, q)| q)),
        _ if path.starts_with("/help/") => static_file(www, &path["/help/".len()..]),
        "/as/.well-known/openid-configuration" => authz::discovery(&host),
        // An issuer that disagrees with its discovery URL (OIDC Discovery §4.3).
        "/as-mixed/.well-known/openid-configuration" => authz::discovery(&host),
        "/as/authorize" => authz::authorize(url.split_once('?').map_or("", |(_, q)| q), &host),
        "/app/callback" => authz::callback(),
        // RFC 7517 §5. `*`: the panel's "Fetch the issuer's keys" is a plain CORS fetch from
        // the extension page (docs/permissions.md), as a browser app's would be.
        "/as/jwks" => Reply::json(200, &keys::jwks()).with("Access-Control-Allow-Origin", "*"),
        "/as/token" if method == "POST" => {
            let authorization = header("Authorization");
            authz::token(&request.body_text(), authorization.as_deref(), &host)
        }
        "/oauth/token" if method == "POST" => scenarios::token_endpoint(&request.body_text()),
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
