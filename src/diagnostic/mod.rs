//! Diagnostics: one problem found in a manifest stream, by schema validation
//! or by a lint rule, and the ways to print it for people and for CI. Also
//! the machine forms (JSON, GitHub annotations) of an [`Error`] that stopped
//! a command before it had objects to check, so that `--format json|github`
//! never leaves stdout empty. One file per output format (`human`, `json`,
//! `github`, `junit`, `tap`), each with the form of a diagnostic and of a
//! failure; the JSON schema: `docs/output-formats.md`.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod results;
pub mod tap;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Location};
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
    /// 1-based line where the object's document starts in its source, when
    /// the source text was at hand (`hubgw validate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// For an item of a List, its index in each enclosing List's `items`.
    #[serde(skip)]
    pub item: Vec<usize>,
}

impl ObjectRef {
    pub fn of(m: &Manifest) -> Self {
        ObjectRef {
            source: m.source.clone(),
            index: m.index,
            kind: m.kind().to_string(),
            name: m.name().to_string(),
            namespace: m.namespace().to_string(),
            line: m.line,
            item: m.item.clone(),
        }
    }

    /// Whether both name the same object: the same document of the same
    /// source and, inside a List, the same item.
    pub fn is(&self, other: &ObjectRef) -> bool {
        self.source == other.source && self.index == other.index && self.item == other.item
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
    /// Where in the object's source the field (or its nearest written
    /// parent) is, when the source text was at hand (`hubgw validate`).
    #[serde(skip)]
    pub location: Option<Location>,
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
            location: None,
        }
    }

    /// `<source>:<index> <Kind>/<name>: <path>: <message>`, or with the
    /// field's place, `<source>:<line>:<column> <Kind>/<name>: ...`; lint
    /// findings add their severity and rule: `...: warning[HG005]: <message>`.
    pub fn one_line(&self) -> String {
        let o = &self.object;
        let mut line = format!("{} {}/{}: ", self.place(), o.kind, o.name);
        if !self.path.is_empty() {
            line.push_str(&self.path);
            line.push_str(": ");
        }
        if let Some(rule) = &self.rule {
            line.push_str(&format!("{}[{rule}]: ", self.severity.as_str()));
        }
        line.push_str(&self.message);
        line
    }

    /// `file:line:column` of the field (`hubgw validate`), else
    /// `source:index` (render's own check, whose source is a template).
    fn place(&self) -> String {
        match &self.location {
            Some(l) => l.to_string(),
            None => format!("{}:{}", self.object.source, self.object.index),
        }
    }
}

/// `--strict`: warnings become errors. Says whether the run is clean.
pub fn apply_strict(diagnostics: &mut [Diagnostic], strict: bool) -> bool {
    if strict {
        for d in diagnostics.iter_mut() {
            d.severity = Severity::Error;
        }
    }
    !diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// How `lint` and `validate` print diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// For people: colour when allowed, values snippets.
    Human,
    /// One JSON document; its schema is docs/report.schema.json.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
    /// JUnit XML, one test case per object (kubeconform's shape).
    Junit,
    /// TAP version 13, one test point per object (kubeconform's shape).
    Tap,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub objects: usize,
    pub errors: usize,
    pub warnings: usize,
}

pub fn summarize(objects: usize, diagnostics: &[Diagnostic]) -> Summary {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    Summary {
        objects,
        errors,
        warnings: diagnostics.len() - errors,
    }
}

impl Summary {
    /// `15 objects, 0 errors, 1 warning`.
    pub fn line(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut text = format!(
            "{}, {}",
            plural(self.objects, "object"),
            plural(self.errors, "error")
        );
        if self.warnings > 0 {
            text.push_str(&format!(", {}", plural(self.warnings, "warning")));
        }
        text
    }
}

/// Writes every diagnostic in `format`; `color` only affects Human.
pub fn report(
    diagnostics: &[Diagnostic],
    objects: usize,
    format: ReportFormat,
    color: bool,
) -> String {
    match format {
        ReportFormat::Human => diagnostics.iter().map(|d| human::write(d, color)).collect(),
        ReportFormat::Json => json::write(diagnostics, summarize(objects, diagnostics)),
        ReportFormat::Github => diagnostics.iter().map(github::write).collect(),
        // Without the list of objects, the ones diagnostics name stand for it.
        ReportFormat::Junit | ReportFormat::Tap => {
            let mut objects: Vec<ObjectRef> = Vec::new();
            for d in diagnostics {
                if !objects.contains(&d.object) {
                    objects.push(d.object.clone());
                }
            }
            object_report(&objects, &[], diagnostics, format, color)
        }
    }
}

/// [`report`] for a run that knows every object it checked and which it
/// skipped: JUnit and TAP list each object, clean ones included.
pub fn object_report(
    objects: &[ObjectRef],
    skipped: &[ObjectRef],
    diagnostics: &[Diagnostic],
    format: ReportFormat,
    color: bool,
) -> String {
    match format {
        ReportFormat::Junit => junit::write(&results::per_object(objects, skipped, diagnostics)),
        ReportFormat::Tap => tap::write(&results::per_object(objects, skipped, diagnostics)),
        _ => report(diagnostics, objects.len(), format, color),
    }
}

/// `err` in `format`, for standard output: in JSON one report (the same
/// `version` and `summary` as [`report`]'s) whose only diagnostic is the
/// failure; in GitHub form one `::error` annotation. Human form is the
/// error's own text, which belongs on standard error: this returns "".
pub fn failure_report(err: &Error, format: ReportFormat) -> String {
    let failure = match err.kind {
        ErrorKind::Input => "input",
        ErrorKind::Usage => "usage",
    };
    match format {
        ReportFormat::Human => String::new(),
        ReportFormat::Junit => junit::failure(err, failure),
        ReportFormat::Tap => tap::failure(err, failure),
        ReportFormat::Json => json::failure(err, failure),
        ReportFormat::Github => github::failure(err, failure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            rule: Some("HG005".into()),
            object: ObjectRef {
                source: "50-destinationrules.yaml".into(),
                index: 2,
                kind: "DestinationRule".into(),
                name: "cb-a".into(),
                namespace: "ns".into(),
                line: None,
                item: Vec::new(),
            },
            path: "spec.x".into(),
            message: "50, not 100".into(),
            help: Some("set it to 100".into()),
            values_location: None,
            location: None,
        }
    }

    #[test]
    fn one_line_format() {
        assert_eq!(
            sample().one_line(),
            "50-destinationrules.yaml:2 DestinationRule/cb-a: spec.x: warning[HG005]: 50, not 100"
        );
    }

    #[test]
    fn a_placed_field_leads_the_line_and_the_annotation() {
        let mut d = sample();
        d.object.line = Some(1);
        d.location = Some(Location::in_text("m.yaml", "a:\n  x: 1\n", 2, 3, 1));
        assert_eq!(
            d.one_line(),
            "m.yaml:2:3 DestinationRule/cb-a: spec.x: warning[HG005]: 50, not 100"
        );
        assert!(github::write(&d).starts_with("::warning file=m.yaml,line=2,col=3,title=HG005::"));
        assert!(human::write(&d, false).contains(" --> m.yaml:2:3\n"));
        let json = report(&[d], 1, ReportFormat::Json, false);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let at = &v["diagnostics"][0]["location"];
        assert_eq!(
            (&at["file"], &at["line"], &at["column"]),
            (&"m.yaml".into(), &2.into(), &3.into())
        );
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(human::write(&sample(), true).contains("\x1b[1;33mwarning[HG005]\x1b[0m"));
        assert!(!human::write(&sample(), false).contains('\x1b'));
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let mut d = sample();
        d.message = "a, b: 100%\nnext".into();
        assert_eq!(
            github::write(&d),
            "::warning file=50-destinationrules.yaml,title=HG005::50-destinationrules.yaml:2 DestinationRule/cb-a: spec.x: warning[HG005]: a, b: 100%25%0Anext (help: set it to 100)\n"
        );
    }

    #[test]
    fn failures_in_machine_forms() {
        let text = "gateway:\n  wieghts: 1\n";
        let err = Error::input("unknown key `wieghts`, here")
            .at(Some(Location::in_text("v:1.yaml", text, 2, 3, 7)))
            .hint("did you mean `weights`?");
        assert_eq!(
            failure_report(&err, ReportFormat::Github),
            "::error file=v%3A1.yaml,line=2,col=3,title=hubgw input error::unknown key `wieghts`, here (help: did you mean `weights`?)\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&failure_report(&err, ReportFormat::Json)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "version": 1,
                "summary": {"objects": 0, "errors": 1, "warnings": 0},
                "diagnostics": [{
                    "severity": "error", "failure": "input",
                    "message": "unknown key `wieghts`, here",
                    "help": "did you mean `weights`?",
                    "location": {"file": "v:1.yaml", "line": 2, "column": 3},
                }],
            })
        );
        let usage = Error::usage("bad flag\nsecond line");
        assert_eq!(
            failure_report(&usage, ReportFormat::Github),
            "::error title=hubgw usage error::bad flag%0Asecond line\n"
        );
        let json = failure_report(&usage, ReportFormat::Json);
        assert!(json.contains("\"failure\": \"usage\""), "{json}");
        assert!(
            !json.contains("location") && !json.contains("help"),
            "{json}"
        );
        assert_eq!(failure_report(&usage, ReportFormat::Human), "");
    }

    #[test]
    fn summary_line() {
        let mut error = sample();
        error.severity = Severity::Error;
        assert_eq!(
            summarize(3, &[sample(), error]).line(),
            "3 objects, 1 error, 1 warning"
        );
        assert_eq!(summarize(1, &[]).line(), "1 object, 0 errors");
    }
}
