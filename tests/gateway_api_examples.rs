//! Gateway API v1.6.1's own examples through `hubgw validate --gateway-api
//! v1.6.1`: every `examples/standard` file validates, every standard-channel
//! `hack/invalid-examples` file is rejected with a diagnostic naming its
//! object. The files are upstream's, see tests/fixtures/gateway-api-v1.6.1.

mod common;
use common::*;

use std::path::{Path, PathBuf};

const ROOT: &str = "tests/fixtures/gateway-api-v1.6.1";

/// `*.yaml` under `dir`, as paths relative to ROOT, sorted.
fn yaml_files(dir: &str) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("fixture folder") {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }
    let root = repo(ROOT);
    let mut found = Vec::new();
    walk(&root.join(dir), &mut found);
    let mut rel: Vec<String> = found
        .iter()
        .map(|p| {
            p.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    rel.sort();
    rel
}

fn validate(rel: &str, extra: &[&str]) -> Run {
    let path = format!("{ROOT}/{rel}");
    let mut args = vec!["validate", "--gateway-api", "v1.6.1"];
    args.extend_from_slice(extra);
    args.push(&path);
    hubgw_run(&args)
}

#[test]
fn every_standard_example_validates() {
    let files = yaml_files("examples/standard");
    assert_eq!(files.len(), 79, "upstream v1.6.1 has 79 standard examples");
    for rel in &files {
        let r = validate(rel, &[]);
        assert_eq!(r.code, 0, "{rel}:\n{}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(", 0 errors"), "{rel}: {}", r.stderr);
    }
}

/// Upstream's tests/crd/crd_test.go (v1.6.1, getInvalidExamplesFiles) runs
/// the `experimental` invalid examples only against the experimental CRDs;
/// hubgw embeds the standard channel, so they are left out here too.
#[test]
fn every_standard_invalid_example_is_rejected_naming_its_object() {
    let files = yaml_files("hack/invalid-examples/standard");
    assert_eq!(
        files.len(),
        32,
        "upstream v1.6.1 has 32 standard invalid examples"
    );
    for rel in &files {
        let text = std::fs::read_to_string(repo(&format!("{ROOT}/{rel}"))).unwrap();
        let objects: Vec<String> = docs(&text).iter().map(kind_name).collect();
        let r = validate(rel, &[]);
        assert_eq!(
            r.code, 1,
            "{rel} must be rejected:\n{}{}",
            r.stdout, r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{rel}: {}", r.stderr);
        assert!(
            objects.iter().any(|o| r.stdout.contains(&format!("{o}: "))),
            "{rel}: no diagnostic names {objects:?}:\n{}",
            r.stdout
        );
        // Rejected for its own fault, not because the kind is unknown.
        assert!(!r.stdout.contains("unknown kind"), "{rel}:\n{}", r.stdout);
    }
}
