//! `lint` and `validate` in `--format json|github`: every failure (values,
//! YAML, I/O, usage) reaches stdout in that form, with today's exit codes,
//! and every JSON report validates against `docs/report.schema.json`.

mod common;
use common::*;

const BASE: &str = "tests/fixtures/values/base.yaml";

fn fixture(name: &str) -> String {
    format!("tests/fixtures/values/{name}")
}

/// The report schema of the docs, compiled.
fn report_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo("docs/report.schema.json")).unwrap();
    jsonschema::draft7::new(&serde_json::from_str(&text).unwrap()).expect("a valid schema")
}

/// Runs `args`, checks the exit code, that stdout is one JSON report valid
/// against the documented schema, and returns it with stderr.
fn json_run(args: &[&str], code: i32) -> (serde_json::Value, String) {
    let r = hubgw_run(args);
    assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not one JSON document ({e}):\n{}",
            r.stdout
        )
    });
    let errors: Vec<String> = report_schema()
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{args:?}: {errors:?}\n{report:#}");
    (report, r.stderr)
}

/// The one failure of a failure report.
fn failure(report: &serde_json::Value) -> &serde_json::Value {
    assert_eq!(report["summary"]["errors"], 1, "{report:#}");
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 1);
    &report["diagnostics"][0]
}

#[test]
fn values_typo_is_a_located_failure() {
    let file = fixture("unknown-key.yaml");
    let (report, stderr) = json_run(&["lint", "-f", BASE, "-f", &file, "--format", "json"], 1);
    let d = failure(&report);
    assert_eq!(d["failure"], "input");
    assert_eq!(
        d["message"],
        "unknown key `maxConection` in `gateway.circuitBreaking.connectionPool.tcp`"
    );
    assert_eq!(d["help"], "did you mean `maxConnections`?");
    assert_eq!(
        d["location"],
        serde_json::json!({"file": file, "line": 5, "column": 9})
    );
    // The human text stays on stderr.
    assert!(
        stderr.starts_with("error: unknown key `maxConection`"),
        "{stderr}"
    );
}

#[test]
fn values_typo_is_a_github_annotation() {
    let file = fixture("unknown-key.yaml");
    let r = hubgw_run(&["lint", "-f", BASE, "-f", &file, "--format", "github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!("::error file={file},line=5,col=9,title=hubgw input error::unknown key `maxConection` in `gateway.circuitBreaking.connectionPool.tcp` (help: did you mean `maxConnections`?)\n")
    );
}

#[test]
fn missing_weight_and_bad_yaml_and_missing_file() {
    let (report, _) = json_run(
        &[
            "lint",
            "-f",
            BASE,
            "-f",
            &fixture("missing-weight.yaml"),
            "--format",
            "json",
        ],
        1,
    );
    let d = failure(&report);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("gives no weight for the enabled spoke `west`"),
        "{d}"
    );
    assert_eq!(d["location"]["line"], 2);

    let bad = TempFile::new("formats-bad.yaml", "gateway:\n  weights: [1\n");
    let (report, _) = json_run(&["lint", "-f", bad.arg(), "--format", "json"], 1);
    let d = failure(&report);
    assert_eq!(d["failure"], "input");
    assert_eq!(d["location"]["file"], bad.arg());

    let (report, _) = json_run(&["lint", "-f", "no/such.yaml", "--format", "json"], 1);
    let d = failure(&report);
    assert!(
        d["message"].as_str().unwrap().contains("no/such.yaml"),
        "{d}"
    );
}

#[test]
fn usage_errors_exit_2_in_every_form() {
    // Refused by clap: clap's text on stderr, the failure on stdout.
    let (report, stderr) = json_run(&["lint", "--format", "json", "--strcit"], 2);
    let d = failure(&report);
    assert_eq!(d["failure"], "usage");
    assert_eq!(d["message"], "unexpected argument '--strcit' found");
    assert!(stderr.contains("Usage: hubgw lint"), "{stderr}");
    let (report, _) = json_run(&["validate", "--strict", "--bogus", "--format=json"], 2);
    assert_eq!(failure(&report)["failure"], "usage");
    // Refused by hubgw.
    let (report, _) = json_run(&["validate", "--gateway-api", "v9", "--format", "json"], 2);
    let d = failure(&report);
    assert_eq!(
        d["message"],
        "unsupported Gateway API version `v9` for --gateway-api"
    );
    assert!(d["help"].as_str().unwrap().contains("v1.2.1"), "{d}");
    let r = hubgw_run(&["lint", "--explain", "HG999", "--format", "github"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout
            .starts_with("::error title=hubgw usage error::no lint rule `HG999`"),
        "{}",
        r.stdout
    );
    // Human form: stdout stays empty, as before.
    assert_eq!(
        fails(&["lint", "--strcit"], 2).lines().next(),
        Some("error: unexpected argument '--strcit' found")
    );
    // Help is still help.
    let r = hubgw_run(&["lint", "--format", "json", "--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Usage: hubgw lint"), "{}", r.stdout);
}

#[test]
fn validate_failures_in_json_and_github() {
    let bad = TempFile::new(
        "formats-stream.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: [\n",
    );
    let (report, stderr) = json_run(&["validate", bad.arg(), "--format", "json"], 1);
    assert_eq!(failure(&report)["location"]["file"], bad.arg());
    assert!(stderr.starts_with("error: "), "{stderr}");
    let r = hubgw_run(&["validate", "missing.yaml", "--format", "github"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.starts_with("::error title=hubgw input error::"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("missing.yaml"), "{}", r.stdout);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
}

#[test]
fn findings_and_clean_runs_match_the_schema_too() {
    let (report, _) = json_run(
        &["lint", "-f", &example("east-west.yaml"), "--format", "json"],
        0,
    );
    assert!(report["summary"]["objects"].as_u64().unwrap() > 0);
    let cb = TempFile::new(
        "formats-cb.yaml",
        "gateway:\n  circuitBreaking:\n    enabled: true\n    outlierDetection:\n      maxEjectionPercent: 50\n",
    );
    let (report, _) = json_run(
        &[
            "lint",
            "-f",
            &example("east-west.yaml"),
            "-f",
            cb.arg(),
            "--format",
            "json",
        ],
        0,
    );
    let d = &report["diagnostics"][0];
    assert_eq!(d["rule"], "HG005", "{report:#}");
    assert_eq!(d["values"]["file"], cb.arg());
    // A schema finding from validate (no rule, no values location).
    let svc = TempFile::new(
        "formats-svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 70000\n",
    );
    let (report, _) = json_run(&["validate", svc.arg(), "--format", "json"], 1);
    assert!(
        report["diagnostics"][0]["object"]["kind"] == "Service",
        "{report:#}"
    );
}

#[test]
fn the_schema_rejects_what_it_should() {
    // A test of the test: the schema is not `true`.
    let schema = report_schema();
    assert!(!schema.is_valid(&serde_json::json!({"version": 1})));
    assert!(!schema.is_valid(&serde_json::json!({
        "version": 1, "summary": {"objects": 0, "errors": 1, "warnings": 0},
        "diagnostics": [{"severity": "error", "failure": "oops", "message": "x"}]
    })));
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_a_usage_failure() {
    use std::os::unix::ffi::OsStrExt;
    let r = run(hubgw()
        .args(["lint", "--format", "json", "-f"])
        .arg(std::ffi::OsStr::from_bytes(b"v-\xff.yaml")));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["failure"], "usage");
}
