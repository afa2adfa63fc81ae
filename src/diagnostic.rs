//! Diagnostics: one problem found in a manifest stream, by schema validation
//! or by a lint rule, and the ways to print it for people and for CI.

use serde::Serialize;

use crate::error::Location;
use crate::manifest::Manifest;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Which object of which stream a diagnostic is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    pub source: String,
    /// 0-based index of the document in its source.
    pub index: usize,
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

impl ObjectRef {
    pub fn of(m: &Manifest) -> Self {
        ObjectRef {
            source: m.source.clone(),
            index: m.index,
            kind: m.kind().to_string(),
            name: m.name().to_string(),
            namespace: m.namespace().to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A lint rule id such as `HG001`; None for schema findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub object: ObjectRef,
    /// Field path inside the object, such as `spec.rules[0].backendRefs[1].weight`.
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Where in a values file the cause is, when known.
    #[serde(skip)]
    pub values_location: Option<Location>,
}

impl Diagnostic {
    pub fn error(m: &Manifest, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            rule: None,
            object: ObjectRef::of(m),
            path: path.into(),
            message: message.into(),
            help: None,
            values_location: None,
        }
    }

    /// `<source>:<index> <Kind>/<name>: <path>: <message>`.
    pub fn one_line(&self) -> String {
        let o = &self.object;
        let mut line = format!("{}:{} {}/{}: ", o.source, o.index, o.kind, o.name);
        if !self.path.is_empty() {
            line.push_str(&self.path);
            line.push_str(": ");
        }
        line.push_str(&self.message);
        line
    }
}
