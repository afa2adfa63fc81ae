//! The README and docs/ link to files and headings that exist: the README
//! was split into docs/ by section, and a moved heading must not leave a
//! dead link behind.

mod common;
use common::*;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// GitHub's anchor for a heading: lower case, punctuation other than `-`
/// and `_` dropped, spaces as `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file's headings, outside code fences.
fn anchors(text: &str) -> HashSet<String> {
    let mut fenced = false;
    let mut out = HashSet::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.insert(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

/// Every `[label](target)` outside code fences.
fn links(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![repo("README.md"), repo("CHANGELOG.md")];
    for entry in std::fs::read_dir(repo("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files
}

#[test]
fn every_link_in_the_readme_and_docs_reaches_a_file_and_heading() {
    let mut dead = Vec::new();
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let dir = file.parent().unwrap();
        for link in links(&text) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (path, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link.as_str(), None),
            };
            let target: PathBuf = if path.is_empty() {
                file.clone()
            } else {
                dir.join(path)
            };
            if !Path::new(&target).exists() {
                dead.push(format!("{}: {link} (no file)", file.display()));
                continue;
            }
            if let Some(fragment) = fragment {
                let body = std::fs::read_to_string(&target).unwrap_or_default();
                if !anchors(&body).contains(fragment) {
                    dead.push(format!("{}: {link} (no heading)", file.display()));
                }
            }
        }
    }
    assert!(dead.is_empty(), "dead links:\n{}", dead.join("\n"));
}

#[test]
fn the_anchor_of_a_heading_is_githubs() {
    assert_eq!(
        anchor(" Targets: the cluster decides"),
        "targets-the-cluster-decides"
    );
    assert_eq!(anchor(" `oc apply`"), "oc-apply");
    assert_eq!(
        anchor(" Validation: `hubgw validate`"),
        "validation-hubgw-validate"
    );
}
