//! Reading command inputs: a literal value, or `-` for standard input.

use std::io::Read;

/// Expands `-` into the field lines of standard input (obs-fold continuation lines kept
/// with their field); other values stay as given.
pub fn lines(values: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::with_capacity(values.len());
    for value in values {
        if value == "-" {
            let text = stdin()?;
            out.extend(
                authlens::challenge::split_field_lines(&text)
                    .into_iter()
                    .map(str::to_owned),
            );
        } else {
            out.push(value.clone());
        }
    }
    Ok(out)
}

/// Expands `-` into the lines of standard input, one value per line (CR/LF endings,
/// blank lines dropped), for headers that are never combined or folded (`Set-Cookie`).
pub fn plain_lines(values: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::with_capacity(values.len());
    for value in values {
        if value == "-" {
            let text = stdin()?;
            out.extend(
                text.lines()
                    .filter(|line| !line.trim().is_empty())
                    .map(str::to_owned),
            );
        } else {
            out.push(value.clone());
        }
    }
    Ok(out)
}

/// All of standard input as text; invalid UTF-8 is a clear error, not a panic.
pub fn stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "standard input is not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// One value: the argument itself, or all of standard input for `-` (without its final
/// line break, which a shell pipe adds).
pub fn value(value: &str) -> Result<String, String> {
    if value == "-" {
        let text = stdin()?;
        let trimmed = text.strip_suffix('\n').unwrap_or(&text);
        Ok(trimmed.strip_suffix('\r').unwrap_or(trimmed).to_owned())
    } else {
        Ok(value.to_owned())
    }
}
