//! What the Rust integration tests share: the real `authlens lab`, started on a free port.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

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
