//! Per-object results of a `validate` run, the unit kubeconform reports in
//! (kubeconform v0.7.0, `pkg/validator`: Valid, Invalid, Error, Skipped), for
//! the summary line and the JUnit and TAP writers.

use super::{Diagnostic, ObjectRef, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Valid,
    /// Some check failed.
    Invalid,
    /// Not checkable: hubgw has no schema for its kind.
    Error,
    /// Of an unknown kind, skipped with `--allow-unknown-kinds`.
    Skipped,
}

/// One object and the diagnostics about it.
pub struct ObjectResult<'a> {
    pub object: &'a ObjectRef,
    pub status: Status,
    pub diagnostics: Vec<&'a Diagnostic>,
}

/// Whether `d` says its object's kind is unknown (validate's wording).
fn unknown_kind(d: &Diagnostic) -> bool {
    d.path.is_empty() && d.message.starts_with("unknown kind ")
}

/// Each object with its status, in stream order.
pub fn per_object<'a>(
    objects: &'a [ObjectRef],
    skipped: &[ObjectRef],
    diagnostics: &'a [Diagnostic],
) -> Vec<ObjectResult<'a>> {
    objects
        .iter()
        .map(|o| {
            let mine: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.object.is(o)).collect();
            let errors: Vec<&&Diagnostic> = mine
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            let status = if skipped.iter().any(|s| s.is(o)) {
                Status::Skipped
            } else if errors.is_empty() {
                Status::Valid
            } else if errors.iter().all(|d| unknown_kind(d)) {
                Status::Error
            } else {
                Status::Invalid
            };
            ObjectResult {
                object: o,
                status,
                diagnostics: mine,
            }
        })
        .collect()
}

/// kubeconform's summary line (v0.7.0, `pkg/output/text.go`, `Flush`):
/// `Summary: 3 resources found in 2 files - Valid: 1, Invalid: 1, Errors: 1, Skipped: 0`,
/// or `... found parsing stdin - ...` when standard input was the only input.
pub fn summary_line(results: &[ObjectResult]) -> String {
    let count = |s: Status| results.iter().filter(|r| r.status == s).count();
    let mut files: Vec<&str> = results.iter().map(|r| r.object.source.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let n = results.len();
    let found = if files == ["<stdin>"] {
        "parsing stdin".to_string()
    } else {
        format!("in {} file{}", files.len(), plural(files.len()))
    };
    format!(
        "Summary: {n} resource{} found {found} - Valid: {}, Invalid: {}, Errors: {}, Skipped: {}",
        plural(n),
        count(Status::Valid),
        count(Status::Invalid),
        count(Status::Error),
        count(Status::Skipped)
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn obj(source: &str, index: usize, kind: &str, name: &str) -> ObjectRef {
        ObjectRef {
            source: source.into(),
            index,
            kind: kind.into(),
            name: name.into(),
            namespace: String::new(),
            line: None,
            item: Vec::new(),
        }
    }

    pub fn diag(o: &ObjectRef, severity: Severity, path: &str, message: &str) -> Diagnostic {
        Diagnostic {
            severity,
            rule: None,
            object: o.clone(),
            path: path.into(),
            message: message.into(),
            help: None,
            values_location: None,
            location: None,
        }
    }

    /// a.yaml: a valid Service, an invalid Gateway (one error, one warning);
    /// b.yaml: an unknown kind, a skipped one.
    pub fn sample() -> (Vec<ObjectRef>, Vec<ObjectRef>, Vec<Diagnostic>) {
        let objects = vec![
            obj("a.yaml", 0, "Service", "web"),
            obj("a.yaml", 1, "Gateway", "gw"),
            obj("b.yaml", 0, "Foo", "x"),
            obj("b.yaml", 1, "Bar", "y"),
        ];
        let diagnostics = vec![
            diag(
                &objects[1],
                Severity::Error,
                "spec.listeners[0].port",
                "must be <= 65535 & <x>",
            ),
            diag(&objects[1], Severity::Warning, "", "no routes attach"),
            diag(
                &objects[2],
                Severity::Error,
                "",
                "unknown kind Foo in apiVersion v1: hubgw has no schema for it",
            ),
        ];
        let skipped = vec![objects[3].clone()];
        (objects, skipped, diagnostics)
    }

    #[test]
    fn statuses_and_summary() {
        let (objects, skipped, diagnostics) = sample();
        let results = per_object(&objects, &skipped, &diagnostics);
        let statuses: Vec<Status> = results.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Valid,
                Status::Invalid,
                Status::Error,
                Status::Skipped
            ]
        );
        assert_eq!(
            summary_line(&results),
            "Summary: 4 resources found in 2 files - Valid: 1, Invalid: 1, Errors: 1, Skipped: 1"
        );
        let stdin = [obj("<stdin>", 0, "Service", "web")];
        assert_eq!(
            summary_line(&per_object(&stdin, &[], &[])),
            "Summary: 1 resource found parsing stdin - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0"
        );
    }
}
