//! The guide's first-run path (docs/guide.md) (between `<!-- first-run -->` and
//! `<!-- /first-run -->`), run as written in an empty folder with a clean
//! environment: every `sh` block but the install step and the cluster steps.

mod common;
use common::*;

use std::path::PathBuf;

/// The `sh` blocks between the markers, in order.
fn first_run_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(repo("docs/guide.md")).unwrap();
    let start = readme.find("<!-- first-run -->\n").expect("start marker");
    let end = readme.find("<!-- /first-run -->").expect("end marker");
    assert!(start < end);
    let mut rest = &readme[start..end];
    let mut blocks = Vec::new();
    while let Some(open) = rest.find("```sh\n") {
        let body = &rest[open + 6..];
        let close = body.find("\n```").expect("closed block");
        blocks.push(body[..=close].to_string());
        rest = &body[close + 4..];
    }
    blocks
}

#[test]
fn the_guide_first_run_path_runs_as_written() {
    let blocks = first_run_blocks();
    assert_eq!(blocks.len(), 3, "{blocks:#?}");
    // The install step: the test's own binary stands in for it.
    assert!(
        blocks[0].starts_with("cargo install --locked --path ."),
        "{}",
        blocks[0]
    );
    let cluster = &blocks[2];
    assert!(cluster.starts_with("# on the cluster"), "{cluster}");
    assert!(cluster.contains("oc apply -f hub.yaml"), "{cluster}");
    let local = &blocks[1];
    for word in local.split_whitespace() {
        assert!(
            !["oc", "kubectl", "cargo"].contains(&word),
            "the local steps run `{word}`:\n{local}"
        );
    }

    let home = tempfile::tempdir().unwrap();
    let bin: PathBuf = PathBuf::from(assert_cmd::cargo::cargo_bin!("hubgw"))
        .parent()
        .unwrap()
        .to_path_buf();
    let out = std::process::Command::new("bash")
        .args(["-e", "-o", "pipefail", "-c", local])
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("HOME", home.path())
        .env("NO_COLOR", "1")
        .current_dir(home.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{local}\n{stdout}{stderr}");
    // What the comments promise: a clean lint, a valid stream of 13 objects.
    assert!(stdout.ends_with("\n13\n") || stdout == "13\n", "{stdout}");
    assert!(stderr.contains("0 errors"), "{stderr}");
    let hub = home.path().join("my-hub");
    assert!(hub.join("hubgw.yaml").is_file());
    let stream = std::fs::read_to_string(hub.join("hub.yaml")).unwrap();
    assert_eq!(docs(&stream).len(), 13);
    // The stream is the one `render` prints for the starter.
    let again = hubgw_run(&["render", "-f", hub.join("hubgw.yaml").to_str().unwrap()]);
    assert_eq!(again.stdout, stream);
}
