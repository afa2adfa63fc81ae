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
