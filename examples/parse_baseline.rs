//! The HAR benchmark's baseline: parse a file with serde_json into `IgnoredAny`, reading
//! it the way `authlens diagnose` does (a buffered reader), or from memory with `--slice`.
//!
//! `cargo run --release --example parse_baseline -- FILE [--slice]`

use std::io::BufReader;

use serde::de::IgnoredAny;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: parse_baseline FILE [--slice]")?;
    let mode = args.next();
    if mode.as_deref() == Some("--entries") {
        // Not a baseline: AuthLens's reader alone (entries read, nothing diagnosed), to
        // split diagnose's time between reading and diagnosing.
        let file = std::fs::File::open(&path)?;
        let mut statuses = 0i64;
        authlens::har::stream::for_each_entry(file, |_, e| statuses += e.response.status, |_| {})
            .map_err(|e| e.to_string())?;
        println!("{statuses}");
    } else if mode.as_deref() == Some("--by-ref") {
        let mut reader = BufReader::with_capacity(1 << 16, std::fs::File::open(&path)?);
        serde_json::from_reader::<_, IgnoredAny>(&mut reader)?;
    } else if mode.as_deref() == Some("--slice") {
        let bytes = std::fs::read(&path)?;
        serde_json::from_slice::<IgnoredAny>(&bytes)?;
    } else {
        let reader = BufReader::with_capacity(1 << 16, std::fs::File::open(&path)?);
        serde_json::from_reader::<_, IgnoredAny>(reader)?;
    }
    Ok(())
}
