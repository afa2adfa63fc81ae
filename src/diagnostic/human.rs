//! `--format human` (the default): `error[HG003]: message`, where, the
//! values snippet and help, coloured when the terminal allows.

use super::{Diagnostic, Severity};

/// `error[HG003]: message`, the object and path, the values snippet, help.
pub fn write(d: &Diagnostic, color: bool) -> String {
    let paint = |style: &str, text: &str| {
        if color {
            format!("\x1b[{style}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let (word, style) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let head = match &d.rule {
        Some(rule) => format!("{word}[{rule}]"),
        None => word.to_string(),
    };
    let o = &d.object;
    let mut out = format!("{}: {}\n", paint(style, &head), paint("1", &d.message));
    let mut at = format!("{}:{} {}/{}", o.source, o.index, o.kind, o.name);
    if !d.path.is_empty() {
        at.push_str(&format!(" {}", d.path));
    }
    // The values line that caused it, else the field in the manifest.
    let snippet = d.values_location.as_ref().or(d.location.as_ref());
    // Line up with the snippet's own arrow, whose gutter is the line number.
    let gutter = snippet.map_or(1, |l| l.line.to_string().len());
    out.push_str(&format!(
        "{}{} {at}\n",
        " ".repeat(gutter),
        paint("1;34", "-->")
    ));
    if let Some(loc) = snippet {
        let err = crate::error::Error::input("").at(Some(loc.clone()));
        // Reuse the snippet layout of errors, without their first line.
        let snippet = err.to_string();
        for line in snippet.lines().skip(1) {
            out.push_str(line);
            out.push('\n');
        }
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("  {} {help}\n", paint("1;36", "= help:")));
    }
    out.push('\n');
    out
}
