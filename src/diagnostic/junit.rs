//! `--format junit`: JUnit XML in kubeconform's shape (v0.7.0,
//! `pkg/output/junit.go`): one `<testsuite>` per file, one `<testcase>` per
//! object (name `namespace/name`, classname its kind), `<failure>` per
//! error, `<error>` for an unknown kind, `<skipped/>`; warnings in
//! `<system-out>`.

use super::results::{ObjectResult, Status};
use super::{Error, Severity};

/// XML attribute and text escaping; control characters XML 1.0 forbids
/// become spaces so the document stays well formed.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push_str(&format!("&#{};", c as u32)),
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The report for a run that checked `results`.
pub fn write(results: &[ObjectResult]) -> String {
    let mut files: Vec<&str> = Vec::new();
    for r in results {
        if !files.contains(&r.object.source.as_str()) {
            files.push(&r.object.source);
        }
    }
    let count = |s: Status| results.iter().filter(|r| r.status == s).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"hubgw validate\" tests=\"{}\" failures=\"{}\" errors=\"{}\" disabled=\"0\" skipped=\"{}\">\n",
        results.len(),
        count(Status::Invalid),
        count(Status::Error),
        count(Status::Skipped)
    ));
    for (id, file) in files.iter().enumerate() {
        let cases: Vec<&ObjectResult> = results
            .iter()
            .filter(|r| r.object.source == *file)
            .collect();
        let n = |s: Status| cases.iter().filter(|r| r.status == s).count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" id=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" disabled=\"0\" skipped=\"{}\">\n",
            esc(file),
            id + 1,
            cases.len(),
            n(Status::Invalid),
            n(Status::Error),
            n(Status::Skipped)
        ));
        for r in cases {
            let o = r.object;
            let name = if o.namespace.is_empty() {
                o.name.clone()
            } else {
                format!("{}/{}", o.namespace, o.name)
            };
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"0\"",
                esc(&name),
                esc(&o.kind)
            ));
            let mut body = String::new();
            for d in &r.diagnostics {
                let tag = match (d.severity, r.status) {
                    (Severity::Warning, _) => continue,
                    (_, Status::Error) => "error",
                    _ => "failure",
                };
                let kind = d.rule.as_deref().unwrap_or("schema");
                body.push_str(&format!(
                    "      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>\n",
                    esc(&d.message),
                    esc(kind),
                    esc(&d.one_line())
                ));
            }
            if r.status == Status::Skipped {
                body.push_str("      <skipped message=\"unknown kind\"/>\n");
            }
            let warnings: Vec<String> = r
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .map(|d| esc(&d.one_line()))
                .collect();
            if !warnings.is_empty() {
                body.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    warnings.join("&#10;")
                ));
            }
            if body.is_empty() {
                out.push_str("/>\n");
            } else {
                out.push_str(">\n");
                out.push_str(&body);
                out.push_str("    </testcase>\n");
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// A failure that stopped the run (values, YAML, I/O, usage): one suite
/// named after the file (or `hubgw`) holding one errored case.
pub fn failure(err: &Error, failure: &str) -> String {
    let file = err
        .location
        .as_deref()
        .map_or("hubgw".to_string(), |l| l.source.clone());
    let mut text = err.message.clone();
    if let Some(loc) = &err.location {
        text = format!("{}:{}:{}: {text}", loc.source, loc.line, loc.column);
    }
    if let Some(hint) = &err.hint {
        text.push_str(&format!(" (help: {hint})"));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<testsuites name=\"hubgw validate\" tests=\"1\" failures=\"0\" errors=\"1\" disabled=\"0\" skipped=\"0\">\n  \
<testsuite name=\"{f}\" id=\"1\" tests=\"1\" failures=\"0\" errors=\"1\" disabled=\"0\" skipped=\"0\">\n    \
<testcase name=\"{failure} error\" classname=\"hubgw\" time=\"0\">\n      \
<error message=\"{m}\" type=\"{failure}\">{t}</error>\n    \
</testcase>\n  </testsuite>\n</testsuites>\n",
        f = esc(&file),
        m = esc(&err.message),
        t = esc(&text),
    )
}

#[cfg(test)]
mod tests {
    use super::super::results::{per_object, tests::sample};
    use super::*;

    /// A small well-formedness check (no XML parser is a dependency): tags
    /// nest and close, attribute values are quoted, and text and values hold
    /// no raw `<` or bare `&`. Returns the element names in document order.
    fn well_formed(xml: &str) -> Vec<String> {
        let body = xml
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .expect("XML declaration");
        let check_text = |t: &str| {
            assert!(!t.contains('<') && !t.contains('>'), "raw bracket in {t:?}");
            for (i, _) in t.match_indices('&') {
                let rest = &t[i..];
                let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"]
                    .iter()
                    .any(|e| rest.starts_with(e));
                assert!(ok && rest.contains(';'), "bare & in {t:?}");
            }
        };
        let (mut stack, mut names) = (Vec::<String>::new(), Vec::new());
        let mut rest = body;
        while let Some(start) = rest.find('<') {
            check_text(&rest[..start]);
            let end = start + rest[start..].find('>').expect("tag closes");
            let tag = &rest[start + 1..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
                continue;
            }
            let empty = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
            while let Some(eq) = attrs.find("=\"") {
                let after = &attrs[eq + 2..];
                let close = after.find('"').expect("attribute value closes");
                check_text(&after[..close]);
                attrs = &after[close + 1..];
            }
            assert!(!attrs.contains('='), "unquoted attribute in <{tag}>");
            names.push(name.to_string());
            if !empty {
                stack.push(name.to_string());
            }
        }
        assert!(rest.trim().is_empty(), "text after the root: {rest:?}");
        assert!(stack.is_empty(), "unclosed {stack:?}");
        names
    }

    #[test]
    fn one_suite_per_file_one_case_per_object() {
        let (objects, skipped, diagnostics) = sample();
        let xml = write(&per_object(&objects, &skipped, &diagnostics));
        let names = well_formed(&xml);
        assert_eq!(names.iter().filter(|n| *n == "testsuite").count(), 2);
        assert_eq!(names.iter().filter(|n| *n == "testcase").count(), 4);
        assert_eq!(names.iter().filter(|n| *n == "failure").count(), 1);
        assert_eq!(names.iter().filter(|n| *n == "error").count(), 1);
        assert_eq!(names.iter().filter(|n| *n == "skipped").count(), 1);
        assert!(xml.contains(
            "<testsuites name=\"hubgw validate\" tests=\"4\" failures=\"1\" errors=\"1\" disabled=\"0\" skipped=\"1\">"
        ), "{xml}");
        assert!(
            xml.contains("<testcase name=\"web\" classname=\"Service\" time=\"0\"/>"),
            "{xml}"
        );
        assert!(
            xml.contains("message=\"must be &lt;= 65535 &amp; &lt;x&gt;\""),
            "{xml}"
        );
        assert!(
            xml.contains("<system-out>a.yaml:1 Gateway/gw: no routes attach</system-out>"),
            "{xml}"
        );
    }

    #[test]
    fn failures_are_one_errored_case() {
        let err = Error::input("bad\nYAML <here> & \u{1}there").hint("fix it");
        let xml = failure(&err, "input");
        let names = well_formed(&xml);
        assert_eq!(names, ["testsuites", "testsuite", "testcase", "error"]);
        assert!(xml.contains("errors=\"1\""), "{xml}");
        assert!(
            xml.contains("bad&#10;YAML &lt;here&gt; &amp;  there (help: fix it)"),
            "{xml}"
        );
    }

    #[test]
    fn the_checker_catches_broken_xml() {
        let broken = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b></a></b>\n";
        assert!(std::panic::catch_unwind(|| well_formed(broken)).is_err());
        let raw = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1 & 2\"/>\n";
        assert!(std::panic::catch_unwind(|| well_formed(raw)).is_err());
    }
}
