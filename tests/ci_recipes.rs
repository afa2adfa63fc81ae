//! The guide's CI recipes (docs/guide.md) (docs/ci/*.yml), run as written: their shell steps
//! in a scratch git repository laid out as they assume, with the built
//! binary on PATH in place of the install step.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::repo;

const SHARED: &str = "gateway:\n  weights:\n    east: 50\n    west: 50\n";

fn env_file(west: &str) -> String {
    format!(
        "clusterDomain: apps.hub.example.com
clusters:
  east:
    domain: apps.east.example.com
  west:
    domain: apps.{west}.example.com
"
    )
}

/// A CI checkout: `origin` (bare) holds `main`; the clone's `main` is where
/// the pull request's commit goes.
struct Checkout {
    _dir: tempfile::TempDir,
    work: PathBuf,
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

impl Checkout {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let seed = dir.path().join("seed");
        std::fs::create_dir_all(seed.join("envs")).unwrap();
        git(&seed, &["init", "-q", "-b", "main"]);
        std::fs::write(seed.join("hubgw.yaml"), SHARED).unwrap();
        std::fs::write(seed.join("envs/prod.yaml"), env_file("west")).unwrap();
        std::fs::write(seed.join("envs/stage.yaml"), env_file("west")).unwrap();
        git(&seed, &["add", "-A"]);
        commit(&seed, "base");
        git(dir.path(), &["clone", "-q", "--bare", "seed", "origin.git"]);
        git(dir.path(), &["clone", "-q", "origin.git", "work"]);
        let work = dir.path().join("work");
        Checkout { _dir: dir, work }
    }

    /// The pull request: `files` written and committed.
    fn change(&self, files: &[(&str, &str)]) {
        for (path, text) in files {
            std::fs::write(self.work.join(path), text).unwrap();
        }
        git(&self.work, &["add", "-A"]);
        commit(&self.work, "change");
    }
}

fn commit(dir: &Path, message: &str) {
    git(
        dir,
        &[
            "-c",
            "user.name=hubgw test",
            "-c",
            "user.email=test@example.com",
            "commit",
            "-q",
            "-m",
            message,
        ],
    );
}

/// The shell steps of a recipe, install steps left out (checked: exactly
/// `installs` of them).
fn steps(file: &str, installs: usize) -> Vec<String> {
    let text = std::fs::read_to_string(repo(file)).unwrap();
    // The guide shows the file as it is.
    let readme = std::fs::read_to_string(repo("docs/guide.md")).unwrap();
    assert!(
        readme.contains(&text),
        "docs/guide.md must include {file} verbatim"
    );
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let mut all: Vec<String> = Vec::new();
    if let Some(jobs) = doc.get("jobs") {
        for step in jobs["hubgw"]["steps"].as_sequence().unwrap() {
            if let Some(run) = step.get("run") {
                all.push(run.as_str().unwrap().to_string());
            }
        }
    } else {
        for key in ["before_script", "script"] {
            for line in doc["hubgw"][key].as_sequence().unwrap() {
                all.push(line.as_str().unwrap().to_string());
            }
        }
    }
    let install = |s: &String| s.contains("cargo install") || s.contains("apt-get");
    assert_eq!(
        all.iter().filter(|s| install(s)).count(),
        installs,
        "{all:?}"
    );
    all.into_iter().filter(|s| !install(s)).collect()
}

struct Outcome {
    ok: bool,
    output: String,
}

/// Runs `steps` in order as the CI would (bash -eo pipefail, stop at the
/// first failing step), with the built hubgw first on PATH.
fn run_steps(checkout: &Checkout, steps: &[String], env: &[(&str, &str)]) -> Outcome {
    let bin = PathBuf::from(assert_cmd::cargo::cargo_bin!("hubgw"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut output = String::new();
    for step in steps {
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", step])
            .current_dir(&checkout.work)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .output()
            .expect("bash runs");
        output.push_str(&String::from_utf8_lossy(&out.stdout));
        output.push_str(&String::from_utf8_lossy(&out.stderr));
        if !out.status.success() {
            return Outcome { ok: false, output };
        }
    }
    Outcome { ok: true, output }
}

const PROD_CHANGE: &str = "DestinationRule/cb-industrial-edge-west: spec.host: \
    \"industrial-edge.apps.west.example.com\" -> \"industrial-edge.apps.south.example.com\"";

fn good_change_succeeds(file: &str, installs: usize, env: &[(&str, &str)]) {
    let checkout = Checkout::new();
    checkout.change(&[("envs/prod.yaml", &env_file("south"))]);
    let out = run_steps(&checkout, &steps(file, installs), env);
    assert!(out.ok, "{}", out.output);
    assert!(out.output.contains(PROD_CHANGE), "{}", out.output);
    for name in ["prod", "stage"] {
        assert!(checkout.work.join("rendered").join(name).is_dir(), "{name}");
    }
}

fn broken_env_fails_after_running_the_others(file: &str, installs: usize, env: &[(&str, &str)]) {
    let checkout = Checkout::new();
    // `a-broken` sorts first: the others must still be linted, rendered, diffed.
    checkout.change(&[
        ("envs/prod.yaml", &env_file("south")),
        ("envs/a-broken.yaml", "clustrs: {}\n"),
    ]);
    let out = run_steps(&checkout, &steps(file, installs), env);
    assert!(!out.ok, "{}", out.output);
    assert!(out.output.contains("clustrs"), "{}", out.output);
    assert!(out.output.contains(PROD_CHANGE), "{}", out.output);
    for name in ["prod", "stage"] {
        assert!(checkout.work.join("rendered").join(name).is_dir(), "{name}");
    }
}

const GITHUB: &[(&str, &str)] = &[("GITHUB_BASE_REF", "main")];
const GITLAB: &[(&str, &str)] = &[("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")];

#[test]
fn github_actions_good_change() {
    good_change_succeeds("docs/ci/github-actions.yml", 1, GITHUB);
}

#[test]
fn github_actions_broken_env() {
    broken_env_fails_after_running_the_others("docs/ci/github-actions.yml", 1, GITHUB);
}

#[test]
fn gitlab_ci_good_change() {
    good_change_succeeds("docs/ci/gitlab-ci.yml", 2, GITLAB);
}

#[test]
fn gitlab_ci_broken_env() {
    broken_env_fails_after_running_the_others("docs/ci/gitlab-ci.yml", 2, GITLAB);
}
