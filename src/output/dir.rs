//! `--output-dir`: one file per object, swapped in whole. The files are
//! written into a fresh sibling folder, which then takes the target's place,
//! so a failure at any point leaves the target as it was, and a reader (or a
//! second run) never sees a mix of two renders.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::{to_json, to_yaml_stream, Format};
use crate::error::{Error, Result};
use crate::manifest::Manifest;

/// The longest file name Linux and macOS file systems take (NAME_MAX).
const MAX_FILE_NAME: usize = 255;

/// The file name of the object at `index` (0-based) of `total`:
/// `NN-kind-name.yaml`, numbered in apply order. A name that would pass the
/// file system's limit is cut short; the number keeps it unique.
pub fn file_name(m: &Manifest, index: usize, total: usize, format: Format) -> String {
    let width = total.to_string().len().max(2);
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect()
    };
    let ext = match format {
        Format::Yaml => "yaml",
        Format::Json => "json",
    };
    let head = format!("{:0width$}-{}-", index + 1, clean(m.kind()));
    let mut name = clean(m.name());
    // `clean` leaves ASCII only, so any byte length is a char boundary.
    name.truncate(MAX_FILE_NAME.saturating_sub(head.len() + ext.len() + 1));
    format!("{head}{name}.{ext}")
}

/// Whether a file name is one `file_name` could have produced.
fn is_hubgw_file(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".json"))
    else {
        return false;
    };
    let Some((number, rest)) = stem.split_once('-') else {
        return false;
    };
    number.len() >= 2
        && number.bytes().all(|b| b.is_ascii_digit())
        && rest.contains('-')
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
}

/// Writes one file per object into `dir` and returns what `render` prints
/// (`wrote DIR/01-namespace-x.yaml` per file, like `helm template
/// --output-dir`). `dir` is created if missing. Files an earlier run wrote
/// (named `NN-kind-name.yaml|json`) are replaced, so objects that are gone do
/// not linger; anything else in `dir` makes it refuse, before writing.
pub fn write_dir(
    dir: &str,
    selected: &[(usize, &Manifest)],
    total: usize,
    format: Format,
) -> Result<String> {
    let mut files = Vec::new();
    for (index, m) in selected {
        let text = match format {
            Format::Yaml => to_yaml_stream(std::slice::from_ref(*m))?,
            Format::Json => to_json(&m.object) + "\n",
        };
        files.push((file_name(m, *index, total, format), text));
    }
    write_files(dir, &files)
}

fn io_err(what: &str, e: std::io::Error) -> Error {
    Error::input(format!("cannot {what}: {}", crate::input::io_reason(&e)))
}

/// Puts exactly `files` in `dir`: staged in a sibling folder, then renamed
/// over it, while a lock on the parent folder keeps a concurrent run out.
fn write_files(dir: &str, files: &[(String, String)]) -> Result<String> {
    if dir.is_empty() {
        return Err(Error::usage("--output-dir needs a directory name")
            .hint("name a folder for the files, e.g. --output-dir manifests"));
    }
    let target = resolve(dir)?;
    let (Some(parent), Some(leaf)) = (target.parent(), target.file_name()) else {
        return Err(Error::usage(format!(
            "--output-dir `{dir}` has no parent folder to write beside"
        ))
        .hint("name a folder below it, e.g. --output-dir manifests"));
    };
    std::fs::create_dir_all(parent)
        .map_err(|e| io_err(&format!("create `{}`", parent.display()), e))?;
    // flock on the parent folder: released when the file closes, even if
    // the process is killed, so it never goes stale.
    let lock =
        File::open(parent).map_err(|e| io_err(&format!("open `{}`", parent.display()), e))?;
    lock.lock()
        .map_err(|e| io_err(&format!("lock `{}`", parent.display()), e))?;

    let exists = check_target(dir, &target)?;
    let leaf = leaf.to_string_lossy();
    let pid = std::process::id();
    let staging = parent.join(format!(".{leaf}.hubgw-new-{pid}"));
    let _ = std::fs::remove_dir_all(&staging);
    let staged = stage(&staging, files);
    if let Err(e) = staged {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if exists {
        let old = parent.join(format!(".{leaf}.hubgw-old-{pid}"));
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(&target, &old).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staging);
            io_err(&format!("move `{dir}` aside"), e)
        })?;
        if let Err(e) = std::fs::rename(&staging, &target) {
            let _ = std::fs::rename(&old, &target);
            let _ = std::fs::remove_dir_all(&staging);
            return Err(io_err(&format!("replace `{dir}`"), e));
        }
        // The new files are in place; an old folder that cannot be removed
        // is only litter.
        let _ = std::fs::remove_dir_all(&old);
    } else if let Err(e) = std::fs::rename(&staging, &target) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(io_err(&format!("create `{dir}`"), e));
    }
    drop(lock);

    let shown = Path::new(dir);
    Ok(files
        .iter()
        .map(|(name, _)| format!("wrote {}\n", shown.join(name).display()))
        .collect())
}

/// `dir` as an absolute path with symlinks resolved (so a linked folder is
/// replaced where it lives, and the link stays). Refuses the current folder
/// and its parents: swapping them would leave the shell in a deleted folder.
fn resolve(dir: &str) -> Result<PathBuf> {
    let Ok(target) = std::fs::canonicalize(dir) else {
        return std::path::absolute(dir).map_err(|e| io_err(&format!("find `{dir}`"), e));
    };
    if let Ok(cwd) = std::env::current_dir() {
        if cwd.starts_with(&target) {
            return Err(Error::usage(format!(
                "--output-dir `{dir}` is the current folder or one of its parents"
            ))
            .hint(
                "hubgw replaces the whole folder; name a subfolder, e.g. --output-dir manifests",
            ));
        }
    }
    Ok(target)
}

/// Whether `target` exists; refuses one that is not a folder or holds a
/// file hubgw did not write.
fn check_target(dir: &str, target: &Path) -> Result<bool> {
    if !target.exists() {
        return Ok(false);
    }
    if !target.is_dir() {
        return Err(Error::input(format!(
            "--output-dir `{dir}` is not a directory"
        )));
    }
    let entries = std::fs::read_dir(target).map_err(|e| io_err(&format!("read `{dir}`"), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_err(&format!("read `{dir}`"), e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file || !is_hubgw_file(&name) {
            return Err(Error::input(format!(
                "--output-dir `{dir}` holds `{name}`, which hubgw did not write"
            ))
            .hint("use a new or empty directory; hubgw only replaces files named like `01-namespace-<name>.yaml` from an earlier run"));
        }
    }
    Ok(true)
}

fn stage(staging: &Path, files: &[(String, String)]) -> Result<()> {
    std::fs::create_dir(staging)
        .map_err(|e| io_err(&format!("create `{}`", staging.display()), e))?;
    for (name, text) in files {
        let path = staging.join(name);
        std::fs::write(&path, text)
            .map_err(|e| io_err(&format!("write `{}`", path.display()), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(kind: &str, name: &str) -> Manifest {
        Manifest {
            source: "t".into(),
            index: 0,
            item: Vec::new(),
            line: None,
            object: json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}}),
        }
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn file_names_are_numbered_and_recognised() {
        let svc = m("Service", "industrial-edge-east-api");
        let name = file_name(&svc, 3, 15, Format::Yaml);
        assert_eq!(name, "04-service-industrial-edge-east-api.yaml");
        assert!(is_hubgw_file(&name));
        assert_eq!(
            file_name(&svc, 3, 150, Format::Json),
            "004-service-industrial-edge-east-api.json"
        );
        for other in ["README.md", "kustomization.yaml", "1-a-b.yaml", "01-a.yaml"] {
            assert!(!is_hubgw_file(other), "{other}");
        }
    }

    #[test]
    fn long_names_are_cut_to_the_file_system_limit() {
        let long = "a".repeat(253);
        let name = file_name(&m("DestinationRule", &long), 0, 9, Format::Json);
        assert_eq!(name.len(), MAX_FILE_NAME);
        assert!(name.starts_with("01-destinationrule-aaa") && name.ends_with("a.json"));
        assert!(is_hubgw_file(&name));
    }

    #[test]
    fn a_failure_halfway_leaves_the_folder_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let d = dir.to_str().unwrap();
        let first = [("01-namespace-a.yaml".to_string(), "a\n".to_string())];
        write_files(d, &first).unwrap();
        // The second file cannot be written (its folder does not exist).
        let broken = [
            ("01-namespace-b.yaml".to_string(), "b\n".to_string()),
            ("02-x/y.yaml".to_string(), "y\n".to_string()),
        ];
        let err = write_files(d, &broken).unwrap_err();
        assert!(err.message.starts_with("cannot write"), "{}", err.message);
        assert_eq!(listing(&dir), ["01-namespace-a.yaml"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("01-namespace-a.yaml")).unwrap(),
            "a\n"
        );
        assert_eq!(listing(tmp.path()), ["out"], "no staging folder is left");
    }

    #[test]
    fn a_linked_folder_is_replaced_where_it_lives() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        std::fs::create_dir(&real).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let files = [("01-namespace-a.yaml".to_string(), "a\n".to_string())];
        write_files(link.to_str().unwrap(), &files).unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(listing(&real), ["01-namespace-a.yaml"]);
    }

    #[test]
    fn empty_names_and_the_current_folder_are_refused() {
        let files = [("01-namespace-a.yaml".to_string(), "a\n".to_string())];
        let empty = write_files("", &files).unwrap_err();
        assert_eq!(empty.exit_code(), 2);
        let cwd = write_files(".", &files).unwrap_err();
        assert_eq!(cwd.exit_code(), 2);
        assert!(cwd.message.contains("current folder"), "{}", cwd.message);
    }
}
