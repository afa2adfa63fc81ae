//! Values files as they were at a git revision (`hubgw diff --base-ref`):
//! resolves each `-f` path against the repository root and reads it with the
//! `git` binary (`git show REV:PATH`), within the size limit of values files.

use std::path::{Component, Path};
use std::process::{Command, Stdio};

use super::{io_reason, read_limited, ValuesSource, MAX_VALUES_BYTES};
use crate::error::{Error, Result};

/// The files at `rev`, named `REV:PATH` in errors; `None` when one of them
/// does not exist at `rev` (the base side then renders nothing: a new
/// environment is all additions). The path it lacks is returned instead.
pub fn read_at_revision(
    rev: &str,
    files: &[String],
) -> Result<std::result::Result<Vec<ValuesSource>, String>> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(
            Error::usage(format!("--base-ref `{rev}` is not a git revision"))
                .hint("name a branch, tag or commit, for example --base-ref origin/main"),
        );
    }
    let top = git(&["rev-parse", "--show-toplevel"]).map_err(|e| {
        Error::input(format!(
            "--base-ref needs a git repository: {}",
            first_line(&e)
        ))
        .hint("run hubgw diff --base-ref inside the repository's checkout, or compare two files: hubgw diff OLD NEW")
    })?;
    let prefix = git(&["rev-parse", "--show-prefix"]).map_err(|e| Error::input(first_line(&e)))?;
    let commit = format!("{rev}^{{commit}}");
    git(&["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
        Error::input(format!("--base-ref: unknown revision `{rev}` in {top}"))
            .hint("fetch it first (git fetch origin main); a shallow CI clone needs its base branch fetched (actions/checkout: fetch-depth: 0)")
    })?;
    let mut out = Vec::new();
    for file in files {
        if file == "-" {
            return Err(
                Error::usage("standard input (`-f -`) has no version at a git revision")
                    .hint("with --base-ref, pass values files of the repository"),
            );
        }
        let path = repo_path(Path::new(&top), &prefix, file)?;
        let spec = format!("{rev}:{path}");
        let name = spec.clone();
        // The tree entry says file, folder or link; none: absent at `rev`.
        let entry = git(&[
            "--literal-pathspecs",
            "ls-tree",
            "--full-tree",
            rev,
            "--",
            &path,
        ])
        .map_err(|e| Error::input(format!("cannot read `{name}`: {}", first_line(&e))))?;
        match entry.split_whitespace().next() {
            None => return Ok(Err(name)),
            Some("100644" | "100755") => {}
            // `git show` would print where the link points, not the file.
            Some("120000") => {
                return Err(Error::input(format!(
                    "cannot read values file `{name}`: it is a symbolic link at {rev}"
                ))
                .hint("pass the file the link points to"))
            }
            Some(_) => {
                return Err(Error::input(format!(
                    "cannot read values file `{name}`: it is not a file"
                ))
                .hint("pass a YAML file with -f"))
            }
        }
        let size: u64 = git(&["cat-file", "-s", &spec])
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        if size > MAX_VALUES_BYTES {
            return Err(Error::input(format!(
                "cannot read values file `{name}`: {}",
                io_reason(&super::too_large("it", Some(size), MAX_VALUES_BYTES))
            ))
            .hint("values files hold settings, not data: is this the right file?"));
        }
        let bytes = show(&spec).map_err(|e| {
            Error::input(format!("cannot read values file `{name}`: {e}"))
                .hint("check the revision and the path")
        })?;
        let values = super::InputKind::Values;
        let text = super::utf8_text(bytes, &values.name(&name), values.text_hint())?;
        out.push(ValuesSource { name, text });
    }
    Ok(Ok(out))
}

/// `file` (relative to the current directory, or absolute) as a path from
/// the repository root, `/`-separated, as `git show REV:PATH` wants it.
fn repo_path(top: &Path, prefix: &str, file: &str) -> Result<String> {
    let given = Path::new(file);
    let from_root = if given.is_absolute() {
        // The root git prints is resolved; so must the path be.
        let real = std::fs::canonicalize(given).unwrap_or_else(|_| given.to_path_buf());
        real.strip_prefix(top)
            .or_else(|_| given.strip_prefix(top))
            .map(Path::to_path_buf)
            .map_err(|_| outside(file))?
    } else {
        Path::new(prefix.trim_end_matches('\n')).join(given)
    };
    let mut parts: Vec<String> = Vec::new();
    for c in from_root.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err(outside(file));
                }
            }
            Component::RootDir | Component::Prefix(_) => return Err(outside(file)),
        }
    }
    Ok(parts.join("/"))
}

fn outside(file: &str) -> Error {
    Error::input(format!(
        "values file `{file}` is outside the git repository, so it has no version at --base-ref"
    ))
    .hint("with --base-ref, every -f file must be inside the repository of the current directory")
}

/// Runs git; its stdout, or its stderr (or why it could not start) as the error.
fn git(args: &[&str]) -> std::result::Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {}", io_reason(&e)))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout)
            .trim_end_matches('\n')
            .to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// `git show SPEC`, read within the values size limit (the blob may have
/// changed since `cat-file -s`).
fn show(spec: &str) -> std::result::Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        .args(["show", spec])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {}", io_reason(&e)))?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let bytes = read_limited(&mut stdout, MAX_VALUES_BYTES, "it", 0);
    drop(stdout);
    let out = child.wait_with_output().map_err(|e| io_reason(&e))?;
    let bytes = bytes.map_err(|e| io_reason(&e))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(bytes)
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("git failed").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_resolved_from_the_repository_root() {
        let top = Path::new("/repo");
        assert_eq!(repo_path(top, "", "hubgw.yaml").unwrap(), "hubgw.yaml");
        assert_eq!(
            repo_path(top, "apps/hub/", "./../../envs/prod.yaml").unwrap(),
            "envs/prod.yaml"
        );
        assert_eq!(
            repo_path(top, "", "/repo/envs/prod.yaml").unwrap(),
            "envs/prod.yaml"
        );
        let err = repo_path(top, "apps/", "../../x.yaml").unwrap_err();
        assert!(
            err.to_string().contains("outside the git repository"),
            "{err}"
        );
        assert!(repo_path(top, "", "/elsewhere/x.yaml").is_err());
    }
}
