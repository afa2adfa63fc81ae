//! `--format github`: GitHub Actions workflow commands (`::error file=...`),
//! which annotate the file and line in a pull request.

use super::{Diagnostic, Severity};
use crate::error::Error;

/// `::error file=F,line=L,col=C,title=HG003::message` (GitHub Actions).
pub fn write(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = Vec::new();
    match d.values_location.as_ref().or(d.location.as_ref()) {
        Some(loc) => {
            props.push(format!("file={}", escape_prop(&loc.source)));
            props.push(format!("line={}", loc.line));
            props.push(format!("col={}", loc.column));
        }
        None => {
            props.push(format!("file={}", escape_prop(&d.object.source)));
            if let Some(line) = d.object.line {
                props.push(format!("line={line}"));
            }
        }
    }
    let title = d.rule.clone().unwrap_or_else(|| "schema".into());
    props.push(format!("title={}", escape_prop(&title)));
    let mut message = d.one_line();
    if let Some(help) = &d.help {
        message.push_str(&format!(" (help: {help})"));
    }
    format!("::{level} {}::{}\n", props.join(","), escape_data(&message))
}

/// A failure that stopped the run: one `::error` annotation.
pub fn failure(err: &Error, failure: &str) -> String {
    let mut props = Vec::new();
    if let Some(loc) = &err.location {
        props.push(format!("file={}", escape_prop(&loc.source)));
        props.push(format!("line={}", loc.line));
        props.push(format!("col={}", loc.column));
    }
    props.push(format!(
        "title={}",
        escape_prop(&format!("hubgw {failure} error"))
    ));
    let mut message = err.message.clone();
    if let Some(help) = &err.hint {
        message.push_str(&format!(" (help: {help})"));
    }
    format!("::error {}::{}\n", props.join(","), escape_data(&message))
}

/// Workflow-command data: `%`, CR and LF escaped (GitHub's toolkit,
/// `packages/core/src/command.ts`, `escapeData`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow-command property: `escape_data` plus `:` and `,` (`escapeProperty`).
fn escape_prop(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
