//! Helpers shared by the CLI tests: run the real binary, read its streams.
#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;

pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

pub fn example(name: &str) -> String {
    repo(&format!("values/examples/{name}"))
        .to_string_lossy()
        .into_owned()
}

/// File names of every shipped example, sorted.
pub fn all_examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo("values/examples"))
        .expect("values/examples")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}

/// The binary, run from the repository root with no colour and no stdin.
pub fn hubgw() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("hubgw"));
    cmd.current_dir(repo(""))
        .env("NO_COLOR", "1")
        .write_stdin("");
    cmd
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("hubgw runs");
    Run {
        code: out.status.code().expect("exit code, not a signal"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

pub fn hubgw_run(args: &[&str]) -> Run {
    run(hubgw().args(args))
}

/// Runs a failing command and returns its stderr, after checking that it
/// failed with `code` and wrote nothing on stdout.
pub fn fails(args: &[&str], code: i32) -> String {
    let r = hubgw_run(args);
    assert_eq!(r.code, code, "exit code of {args:?}; stderr:\n{}", r.stderr);
    assert_eq!(r.stdout, "", "stdout must stay empty on error ({args:?})");
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r.stderr
}

/// The documents of a YAML stream.
pub fn docs(stream: &str) -> Vec<serde_yaml::Value> {
    serde_yaml::Deserializer::from_str(stream)
        .map(|d| serde::Deserialize::deserialize(d).expect("valid YAML document"))
        .collect()
}

pub fn kind_name(doc: &serde_yaml::Value) -> String {
    format!(
        "{}/{}",
        doc["kind"].as_str().unwrap_or(""),
        doc["metadata"]["name"].as_str().unwrap_or("")
    )
}

/// A temporary file holding `text`, deleted when dropped.
pub struct TempFile {
    pub path: PathBuf,
}

impl TempFile {
    pub fn new(name: &str, text: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("hubgw-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        TempFile { path }
    }

    pub fn arg(&self) -> &str {
        self.path.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[allow(unused_macros)]
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}
#[allow(unused_imports)]
pub(crate) use snapshot;
