//! `hubgw schema` and `hubgw init`.

mod common;
use common::*;

#[test]
fn schema_snapshot() {
    let r = hubgw_run(&["schema"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let _: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    snapshot!("schema", r.stdout);
}

#[test]
fn init_snapshot_renders() {
    let r = hubgw_run(&["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .starts_with("# yaml-language-server: $schema=./hubgw.schema.json\n"));
    snapshot!("init", &r.stdout);
    let file = TempFile::new("starter.yaml", &r.stdout);
    let out = hubgw_run(&["render", "-f", file.arg()]);
    assert_eq!(out.code, 0, "the starter file renders:\n{}", out.stderr);
}

#[test]
fn init_output_file_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("hubgw.yaml");
    let p = path.to_str().unwrap();
    let r = hubgw_run(&["init", "-o", p]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    std::fs::write(&path, "mine\n").unwrap();
    let err = fails(&["init", "-o", p], 1);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine\n");
    snapshot!("init-refuses-overwrite", err.replace(p, "hubgw.yaml"));
}
