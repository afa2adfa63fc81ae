//! `--format json`: one document, `{"version": 1, "summary": {...},
//! "diagnostics": [...]}`, whose schema is docs/report.schema.json.

use serde::Serialize;

use super::{Diagnostic, Severity, Summary};
use crate::error::{Error, Location};

/// The JSON report: `{"version": 1, "summary": {...}, "diagnostics": [...]}`.
#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
    #[serde(skip_serializing_if = "Option::is_none")]
    values: Option<JsonLocation<'a>>,
    /// Where the field is written in the object's source.
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<JsonLocation<'a>>,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    file: &'a str,
    line: usize,
    column: usize,
}

impl<'a> JsonLocation<'a> {
    fn of(l: &'a Location) -> Self {
        JsonLocation {
            file: &l.source,
            line: l.line,
            column: l.column,
        }
    }
}

/// A failure in the JSON report: no `object` or `path`, but what kind of
/// failure (its exit code) and where in a file it is, when known.
#[derive(Serialize)]
struct JsonFailure<'a> {
    severity: Severity,
    /// `input` (exit 1: values, YAML, files) or `usage` (exit 2: flags).
    failure: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<JsonLocation<'a>>,
}

#[derive(Serialize)]
struct JsonFailureReport<'a> {
    version: u32,
    summary: Summary,
    diagnostics: [JsonFailure<'a>; 1],
}

/// The diagnostics of a run, with its summary.
pub fn write(diagnostics: &[Diagnostic], summary: Summary) -> String {
    let report = JsonReport {
        version: 1,
        summary,
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                diagnostic: d,
                values: d.values_location.as_ref().map(JsonLocation::of),
                location: d.location.as_ref().map(JsonLocation::of),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).expect("plain data");
    text.push('\n');
    text
}

/// A failure that stopped the run: one report (the same `version` and
/// `summary` as [`write`]'s) whose only diagnostic is the failure.
pub fn failure(err: &Error, failure: &'static str) -> String {
    let report = JsonFailureReport {
        version: 1,
        summary: Summary {
            objects: 0,
            errors: 1,
            warnings: 0,
        },
        diagnostics: [JsonFailure {
            severity: Severity::Error,
            failure,
            message: &err.message,
            help: err.hint.as_deref(),
            location: err.location.as_deref().map(JsonLocation::of),
        }],
    };
    let mut text = serde_json::to_string_pretty(&report).expect("plain data");
    text.push('\n');
    text
}
