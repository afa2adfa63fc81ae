//! `hubgw diff`: values files and manifest streams, exit codes like diff's.

mod common;
use common::*;

const NEXT: &str = "clusterDomain: apps.hub.example.com
clusters:
  east:
    domain: apps.east.example.com
  north:
    domain: apps.north.example.com
gateway:
  weights:
    east: 80
    north: 20
";

#[test]
fn values_files_snapshot() {
    let next = TempFile::new("next.yaml", NEXT);
    let r = hubgw_run(&["diff", "values/examples/east-west.yaml", next.arg()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    snapshot!("diff-values-files", r.stdout);
}

#[test]
fn stream_against_json_list_from_stdin() {
    let old = hubgw_run(&["render", "-f", "values/examples/east-west.yaml"]);
    let old = TempFile::new("deployed.yaml", &old.stdout);
    let new = hubgw_run(&[
        "render",
        "-f",
        "values/examples/east-west.yaml",
        "--set",
        "gateway.weights.east=80,gateway.weights.west=20",
        "-o",
        "json",
    ]);
    let r = run(hubgw()
        .args(["diff", old.arg(), "-"])
        .write_stdin(new.stdout));
    assert_eq!(r.code, 1, "{}", r.stderr);
    snapshot!("diff-weights", r.stdout);
}

#[test]
fn equal_renders_exit_zero_silently() {
    let rendered = hubgw_run(&["render", "-f", "values/examples/chart-compat.yaml"]);
    let stream = TempFile::new("compat.yaml", &rendered.stdout);
    for (a, b) in [
        (
            "values/examples/east-west.yaml",
            "values/examples/chart-compat.yaml",
        ),
        ("values/examples/east-west.yaml", stream.arg()),
    ] {
        let r = hubgw_run(&["diff", a, b]);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (0, "", ""),
            "{a} {b}"
        );
    }
}

#[test]
fn trouble_exits_two() {
    let missing = fails(&["diff", "values/examples/east-west.yaml", "nope.yaml"], 2);
    let bad = fails(
        &[
            "diff",
            "tests/fixtures/values/unknown-key.yaml",
            "values/examples/east-west.yaml",
        ],
        2,
    );
    let usage = fails(&["diff", "values/examples/east-west.yaml"], 2);
    assert!(usage.contains("<NEW>"), "{usage}");
    snapshot!("diff-errors", format!("{missing}\n{bad}"));
}
