//! `hubgw values`: the merged values, and where each came from.

mod common;
use common::*;

#[test]
fn values_with_origin_snapshot() {
    let prod = TempFile::new(
        "prod.yaml",
        "gateway:\n  weights:\n    east: 80\n    west: 20\nlabels:\n  team: platform\n",
    );
    let r = hubgw_run(&[
        "values",
        "-f",
        "values/examples/east-west.yaml",
        "-f",
        prod.arg(),
        "--set",
        "app.name=shop",
        "-n",
        "hub-prod",
        "--origin",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    snapshot!("values-origin", r.stdout.replace(prod.arg(), "prod.yaml"));
}

#[test]
fn values_plain_reads_back_as_a_values_file() {
    let r = hubgw_run(&["values", "-f", "values/examples/three-spokes.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    snapshot!("values-three-spokes", &r.stdout);
    let copy = TempFile::new("effective.yaml", &r.stdout);
    let a = hubgw_run(&["render", "-f", "values/examples/three-spokes.yaml"]);
    let b = hubgw_run(&["render", "-f", copy.arg()]);
    assert_eq!(
        a.stdout, b.stdout,
        "rendering the printed values gives the same objects"
    );
}

#[test]
fn values_errors_like_render() {
    let err = fails(
        &["values", "-f", "tests/fixtures/values/unknown-key.yaml"],
        1,
    );
    assert!(err.contains("did you mean"), "{err}");
}

#[test]
fn values_piped_into_render_keeps_deletions_of_defaults() {
    let ew = "values/examples/east-west.yaml";
    let edits = ["--set", "clusters.west=null"];
    let shown = hubgw_run(&[&["values", "-f", ew][..], &edits[..]].concat());
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(
        shown.stdout.contains("\n  west: null\n"),
        "{}",
        shown.stdout
    );
    let direct = hubgw_run(&[&["render", "-f", ew][..], &edits[..]].concat());
    assert_eq!(direct.code, 0, "{}", direct.stderr);
    let piped = run(hubgw()
        .args(["render", "-f", "-"])
        .write_stdin(shown.stdout));
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(piped.stdout, direct.stdout);
    assert!(!piped.stdout.contains("west"));
}
