//! `--format tap`: TAP version 13 in kubeconform's shape (v0.7.0,
//! `pkg/output/tap.go`): one test point per object, `ok N - file (Kind/name)`,
//! `not ok N - file (Kind/name): message`, `# skip`, then the plan `1..N`.

use super::results::{ObjectResult, Status};
use super::{Error, Severity};

/// A test point's description must stay on one line, and `#` starts a
/// directive in TAP: escape it as the TAP 13 spec says (`\#`).
fn line(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('#', "\\#")
        .replace(['\n', '\r'], " ")
}

/// The report for a run that checked `results`.
pub fn write(results: &[ObjectResult]) -> String {
    let mut out = String::from("TAP version 13\n");
    for (i, r) in results.iter().enumerate() {
        let o = r.object;
        let what = line(&format!("{} ({}/{})", o.source, o.kind, o.name));
        let n = i + 1;
        let errors: Vec<String> = r
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                // The file is the point's: the field's line and column follow its path.
                let at = d
                    .location
                    .as_ref()
                    .map(|l| format!(" at {}:{}", l.line, l.column))
                    .unwrap_or_default();
                let m = if d.path.is_empty() {
                    d.message.clone()
                } else {
                    format!("{}{at}: {}", d.path, d.message)
                };
                line(&m)
            })
            .collect();
        match r.status {
            Status::Valid => out.push_str(&format!("ok {n} - {what}\n")),
            Status::Skipped => out.push_str(&format!("ok {n} - {what} # skip unknown kind\n")),
            Status::Invalid | Status::Error => {
                out.push_str(&format!("not ok {n} - {what}: {}\n", errors.join("; ")))
            }
        }
        for d in r
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
        {
            out.push_str(&format!("# warning: {}\n", line(&d.one_line())));
        }
    }
    out.push_str(&format!("1..{}\n", results.len()));
    out
}

/// A failure that stopped the run: one failing test point.
pub fn failure(err: &Error, failure: &str) -> String {
    let mut text = format!("{failure} error: {}", err.message);
    if let Some(loc) = &err.location {
        text = format!("{}:{}:{}: {text}", loc.source, loc.line, loc.column);
    }
    if let Some(hint) = &err.hint {
        text.push_str(&format!(" (help: {hint})"));
    }
    format!("TAP version 13\nnot ok 1 - {}\n1..1\n", line(&text))
}

#[cfg(test)]
mod tests {
    use super::super::results::{per_object, tests::sample};
    use super::*;

    #[test]
    fn one_point_per_object_then_the_plan() {
        let (objects, skipped, diagnostics) = sample();
        let tap = write(&per_object(&objects, &skipped, &diagnostics));
        assert_eq!(
            tap,
            "TAP version 13\n\
             ok 1 - a.yaml (Service/web)\n\
             not ok 2 - a.yaml (Gateway/gw): spec.listeners[0].port: must be <= 65535 & <x>\n\
             # warning: a.yaml:1 Gateway/gw: no routes attach\n\
             not ok 3 - b.yaml (Foo/x): unknown kind Foo in apiVersion v1: hubgw has no schema for it\n\
             ok 4 - b.yaml (Bar/y) # skip unknown kind\n\
             1..4\n"
        );
        assert_eq!(write(&[]), "TAP version 13\n1..0\n");
    }

    #[test]
    fn failures_are_one_failing_point_on_one_line() {
        let err = Error::usage("bad # flag\nmore");
        assert_eq!(
            failure(&err, "usage"),
            "TAP version 13\nnot ok 1 - usage error: bad \\# flag more\n1..1\n"
        );
    }
}
