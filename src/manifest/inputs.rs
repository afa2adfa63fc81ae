//! Manifest inputs as kubeconform takes them: files, `-` for standard input,
//! and folders, walked for `*.yaml`, `*.yml` and `*.json` files (hidden
//! folders skipped, files in sorted order) so a whole repository can be
//! checked in one run.

use std::path::Path;

use crate::error::{Error, Result};

/// Extensions read from folders, in any case (kubeconform v0.7.0,
/// `pkg/resource/files.go`, `isYAMLFile`/`isJSONFile`, takes the same three).
const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// `paths` with each folder replaced by the manifest files under it, sorted.
/// A folder holding none is an error: checking nothing must not pass.
pub fn expand(paths: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for path in paths {
        let p = Path::new(path);
        if path == "-" || !p.is_dir() {
            out.push(path.clone());
            continue;
        }
        let mut found = Vec::new();
        walk(p, &mut found)?;
        if found.is_empty() {
            return Err(Error::input(format!(
                "folder `{path}` holds no *.yaml, *.yml or *.json file"
            ))
            .hint("pass the folder that holds the manifests (hidden folders are skipped)"));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

fn walk(dir: &Path, found: &mut Vec<String>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::input(format!("cannot read folder `{}`: {e}", dir.display())))?;
    for entry in entries {
        let entry = entry
            .map_err(|e| Error::input(format!("cannot read folder `{}`: {e}", dir.display())))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Symlinked folders are not followed (a loop would never end), as
        // Go's filepath.Walk, which kubeconform uses, does not follow them.
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir {
            if !name.starts_with('.') {
                walk(&path, found)?;
            }
        } else if path.is_file()
            && path
                .extension()
                .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
        {
            found.push(path.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_expand_sorted_skipping_hidden_and_other_files() {
        let dir = std::env::temp_dir().join(format!("hubgw-inputs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for f in [
            "b.yaml",
            "a/c.yml",
            "a/D.JSON",
            "a/e.txt",
            ".git/f.yaml",
            "a/.h/g.yaml",
        ] {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        // A symlink loop is not followed.
        #[cfg(unix)]
        std::os::unix::fs::symlink(&dir, dir.join("a/loop")).unwrap();
        let d = dir.to_string_lossy().into_owned();
        let got = expand(&[d.clone(), "-".into()]).unwrap();
        let want: Vec<String> = ["a/D.JSON", "a/c.yml", "b.yaml"]
            .iter()
            .map(|f| dir.join(f).to_string_lossy().into_owned())
            .chain(["-".to_string()])
            .collect();
        assert_eq!(got, want);
        std::fs::create_dir_all(dir.join("empty/.x")).unwrap();
        std::fs::write(dir.join("empty/.x/a.yaml"), "").unwrap();
        let err = expand(&[dir.join("empty").to_string_lossy().into_owned()]).unwrap_err();
        assert!(err.message.contains("holds no"), "{}", err.message);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
