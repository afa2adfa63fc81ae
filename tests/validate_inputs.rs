//! `hubgw validate` in kubeconform's terms, end to end: folders and `-` as
//! input, the `Summary:` line, and `--format junit|tap`, including the
//! failures (YAML, I/O, usage) that stop a run before it checks anything.

mod common;
use common::*;

use std::path::PathBuf;

const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: ns\nspec:\n  ports:\n  - port: 80\n";
const BAD_SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\n  namespace: ns\nspec:\n  ports:\n  - port: 70000\n";
const UNKNOWN: &str = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n";

/// A scratch folder tree, deleted when dropped.
struct Tree(PathBuf);

impl Tree {
    fn new(name: &str, files: &[(&str, &str)]) -> Self {
        let root = std::env::temp_dir().join(format!("hubgw-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        Tree(root)
    }
    fn arg(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
    fn file(&self, rel: &str) -> String {
        self.0.join(rel).to_string_lossy().into_owned()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn repo_tree(name: &str) -> Tree {
    Tree::new(
        name,
        &[
            ("b/svc.yaml", SERVICE),
            ("a/bad.yml", BAD_SERVICE),
            (
                "a/list.json",
                r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"ns"}}"#,
            ),
            ("c/widget.yaml", UNKNOWN),
            ("README.md", "not a manifest"),
            (".git/HEAD.yaml", "apiVersion: v1\nkind: Nope\n"),
            ("b/.hidden/x.yaml", "apiVersion: v1\nkind: Nope\n"),
        ],
    )
}

#[test]
fn a_folder_is_walked_in_sorted_order_skipping_hidden_folders() {
    let tree = repo_tree("walk");
    let r = hubgw_run(&["validate", "--summary", &tree.arg()]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(
        lines[0].starts_with(&format!(
            "{}:8:5 Service/bad: spec.ports[0].port",
            tree.file("a/bad.yml")
        )),
        "{}",
        r.stdout
    );
    // No field to point at: the document's first line.
    assert!(
        lines[1].starts_with(&format!(
            "{}:1:1 Widget/w: unknown kind",
            tree.file("c/widget.yaml")
        )),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("Nope"),
        "hidden folders are skipped: {}",
        r.stdout
    );
    assert!(
        r.stderr.contains(
            "Summary: 4 resources found in 4 files - Valid: 2, Invalid: 1, Errors: 1, Skipped: 0\n"
        ),
        "{}",
        r.stderr
    );
    let skip = hubgw_run(&[
        "validate",
        "--summary",
        "--allow-unknown-kinds",
        &tree.file("b"),
        &tree.file("c"),
    ]);
    assert_eq!(skip.code, 0, "{}{}", skip.stdout, skip.stderr);
    assert!(
        skip.stderr.contains(
            "Summary: 2 resources found in 2 files - Valid: 1, Invalid: 0, Errors: 0, Skipped: 1\n"
        ),
        "{}",
        skip.stderr
    );
}

#[test]
fn stdin_and_a_folder_together() {
    let tree = Tree::new("stdin", &[("svc.yaml", SERVICE)]);
    let r = run(hubgw()
        .args(["validate", "--summary", "-", &tree.arg()])
        .write_stdin(BAD_SERVICE));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with("<stdin>:8:5 Service/bad: "),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("Summary: 2 resources found in 2 files - Valid: 1, Invalid: 1"),
        "{}",
        r.stderr
    );
    // Without --summary, hubgw's own line only (as kubeconform without -summary).
    let plain = run(hubgw().args(["validate", "-"]).write_stdin(SERVICE));
    assert_eq!(plain.stderr, "1 object, 0 errors\n");
    let only = run(hubgw()
        .args(["validate", "--summary", "-"])
        .write_stdin(SERVICE));
    assert_eq!(only.code, 0, "{}", only.stderr);
    assert!(only.stderr.contains("Summary: 1 resource found parsing stdin - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0\n"), "{}", only.stderr);
}

#[test]
fn a_folder_without_manifests_is_an_error_not_a_pass() {
    let tree = Tree::new("empty", &[("notes.txt", "x"), (".git/a.yaml", SERVICE)]);
    let err = fails(&["validate", &tree.arg()], 1);
    assert!(
        err.contains("holds no *.yaml, *.yml or *.json file"),
        "{err}"
    );
}

#[test]
fn junit_lists_every_object_per_file() {
    let tree = repo_tree("junit");
    let r = hubgw_run(&["validate", "--summary", "--format", "junit", &tree.arg()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let x = &r.stdout;
    assert!(
        x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "),
        "{x}"
    );
    assert!(x.contains("tests=\"4\" failures=\"1\" errors=\"1\""), "{x}");
    assert_eq!(x.matches("<testsuite ").count(), 4, "{x}");
    assert_eq!(x.matches("<testcase ").count(), 4, "{x}");
    assert!(
        x.contains(&format!("<testsuite name=\"{}\"", tree.file("a/bad.yml"))),
        "{x}"
    );
    assert!(
        x.contains("<testcase name=\"ns/bad\" classname=\"Service\""),
        "{x}"
    );
    assert!(x.contains("<failure message="), "{x}");
    assert!(x.contains("<error message=\"unknown kind Widget"), "{x}");
    assert!(x.trim_end().ends_with("</testsuites>"), "{x}");
    assert!(
        !r.stderr.contains("Summary:"),
        "kubeconform ignores -summary for junit: {}",
        r.stderr
    );
    let clean = hubgw_run(&["validate", "--format", "junit", &tree.file("b")]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(
        clean
            .stdout
            .contains("tests=\"1\" failures=\"0\" errors=\"0\""),
        "{}",
        clean.stdout
    );
}

#[test]
fn tap_has_a_point_per_object_and_the_plan() {
    let tree = repo_tree("tap");
    let r = hubgw_run(&[
        "validate",
        "--format",
        "tap",
        "--allow-unknown-kinds",
        &tree.arg(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "TAP version 13");
    assert_eq!(*lines.last().unwrap(), "1..4", "{}", r.stdout);
    assert_eq!(
        lines[1..5]
            .iter()
            .map(|l| l.split(" - ").next().unwrap())
            .collect::<Vec<_>>(),
        ["not ok 1", "ok 2", "ok 3", "ok 4"],
        "{}",
        r.stdout
    );
    assert!(
        lines[1].contains(&format!(
            "{} (Service/bad): spec.ports[0].port",
            tree.file("a/bad.yml")
        )),
        "{}",
        r.stdout
    );
    assert!(
        lines[4].ends_with("(Widget/w) # skip unknown kind"),
        "{}",
        r.stdout
    );
}

/// Items of one List are objects of their own: each gets its own test
/// point, with only its own findings (they share a document index).
#[test]
fn items_of_a_list_are_reported_apart_in_tap_junit_and_summary() {
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n{}{}",
        indent_item(SERVICE),
        indent_item(BAD_SERVICE)
    );
    let tree = Tree::new("list-items", &[("list.yaml", &list)]);
    let tap = hubgw_run(&["validate", "--format", "tap", &tree.arg()]);
    assert_eq!(tap.code, 1, "{}", tap.stderr);
    let points: Vec<&str> = tap
        .stdout
        .lines()
        .filter(|l| l.starts_with("ok") || l.starts_with("not ok"))
        .collect();
    assert_eq!(points.len(), 2, "{}", tap.stdout);
    assert!(
        points[0].starts_with("ok 1 - ") && points[0].contains("(Service/web)"),
        "{}",
        tap.stdout
    );
    assert!(
        points[1].starts_with("not ok 2 - ") && points[1].contains("(Service/bad)"),
        "{}",
        tap.stdout
    );

    let junit = hubgw_run(&["validate", "--format", "junit", &tree.arg()]);
    assert_eq!(
        junit.stdout.matches("<failure").count(),
        1,
        "{}",
        junit.stdout
    );
    assert!(junit.stdout.contains("failures=\"1\""), "{}", junit.stdout);

    let summary = hubgw_run(&["validate", "--summary", &tree.arg()]);
    assert!(
        summary
            .stderr
            .contains("2 resources found in 1 file - Valid: 1, Invalid: 1, Errors: 0, Skipped: 0"),
        "{}",
        summary.stderr
    );
}

/// A manifest as an item of a YAML `items:` list.
fn indent_item(manifest: &str) -> String {
    manifest
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{}{l}\n", if i == 0 { "- " } else { "  " }))
        .collect()
}

#[test]
fn failures_in_junit_and_tap() {
    // Bad YAML on stdin: exit 1, the failure on stdout, the error on stderr.
    for (format, want) in [
        (
            "tap",
            "TAP version 13\nnot ok 1 - <stdin>:2:1: input error: invalid YAML",
        ),
        ("junit", "<error message=\"invalid YAML in `&lt;stdin&gt;`"),
    ] {
        let r = run(hubgw()
            .args(["validate", "--format", format, "-"])
            .write_stdin("a: [\n"));
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert!(r.stdout.contains(want), "{format}: {}", r.stdout);
        assert!(r.stderr.contains("invalid YAML"), "{}", r.stderr);
    }
    // A missing file, and a usage error (exit 2).
    let missing = hubgw_run(&["validate", "--format", "tap", "no/such/file.yaml"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stdout
            .contains("not ok 1 - input error: cannot read manifest file"),
        "{}",
        missing.stdout
    );
    assert!(missing.stdout.ends_with("1..1\n"), "{}", missing.stdout);
    let usage = hubgw_run(&["validate", "--format", "junit", "--bogus"]);
    assert_eq!(usage.code, 2);
    assert!(usage.stdout.contains("type=\"usage\""), "{}", usage.stdout);
    let version = hubgw_run(&["validate", "--format=tap", "--gateway-api", "v9"]);
    assert_eq!(version.code, 2);
    assert!(
        version
            .stdout
            .contains("not ok 1 - usage error: unsupported Gateway API version"),
        "{}",
        version.stdout
    );
    // lint keeps its own formats: junit is a usage error there, in human form.
    let lint = hubgw_run(&[
        "lint",
        "--format",
        "junit",
        "-f",
        &example("east-west.yaml"),
    ]);
    assert_eq!(lint.code, 2);
    assert_eq!(lint.stdout, "");
}
