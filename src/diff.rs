//! `hubgw diff OLD NEW`: compares two renders object by object and says what
//! moved (`HTTPRoute/x: spec.rules[1].backendRefs[0].weight: 50 -> 80`), what
//! was added and what was removed. Each side is a values file (rendered with
//! the built-in templates) or a manifest stream (YAML documents or a JSON
//! `List`): a document with `apiVersion` and `kind` is a manifest.
//! `hubgw diff --base-ref REV -f ...` renders one `-f`/`--set` stack twice:
//! with the files as they are at REV (read with git) and as they are now.

use std::io::Read;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::manifest::{self, Manifest};
use crate::values::ValuesSource;

/// One difference inside an object: where, and the old and new values
/// (`None`: absent on that side).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// Every difference between `old` and `new`, in document order. Maps are
/// compared key by key, lists item by item.
pub fn diff_values(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk(old, new, String::new(), &mut out);
    out
}

fn walk(old: &Value, new: &Value, path: String, out: &mut Vec<Change>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = join_key(&path, k);
                match b.get(k) {
                    Some(vb) => walk(va, vb, p, out),
                    None => out.push(Change {
                        path: p,
                        old: Some(va.clone()),
                        new: None,
                    }),
                }
            }
            for (k, vb) in b {
                if !a.contains_key(k) {
                    out.push(Change {
                        path: join_key(&path, k),
                        old: None,
                        new: Some(vb.clone()),
                    });
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let p = format!("{path}[{i}]");
                match (a.get(i), b.get(i)) {
                    (Some(va), Some(vb)) => walk(va, vb, p, out),
                    (va, vb) => out.push(Change {
                        path: p,
                        old: va.cloned(),
                        new: vb.cloned(),
                    }),
                }
            }
        }
        _ if old == new => {}
        _ => out.push(Change {
            path,
            old: Some(old.clone()),
            new: Some(new.clone()),
        }),
    }
}

/// `a.b`, or `a["x.y/z"]` for a key that is not a plain word.
fn join_key(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (plain, path.is_empty()) {
        (true, true) => key.to_string(),
        (true, false) => format!("{path}.{key}"),
        (false, _) => format!("{path}[{}]", serde_json::to_string(key).expect("string")),
    }
}

fn show(value: &Option<Value>) -> String {
    match value {
        None => "(none)".into(),
        Some(v) => serde_json::to_string(v).expect("JSON serialises"),
    }
}

/// The identity of an object in a cluster: group, kind, namespace, name.
fn identity(m: &Manifest) -> (String, String, String, String) {
    (
        m.group().to_string(),
        m.kind().to_string(),
        m.namespace().to_string(),
        m.name().to_string(),
    )
}

/// The report of two object lists; empty when they are the same.
pub fn report(old: &[Manifest], new: &[Manifest]) -> String {
    let find =
        |list: &[Manifest], m: &Manifest| list.iter().find(|o| identity(o) == identity(m)).cloned();
    // `Kind/name`, unless another object shares it: then group and namespace too.
    let label = |m: &Manifest| {
        let short = m.display_name();
        let clash = old
            .iter()
            .chain(new)
            .any(|o| o.display_name() == short && identity(o) != identity(m));
        if !clash {
            return short;
        }
        let group = if m.group().is_empty() {
            String::new()
        } else {
            format!(".{}", m.group())
        };
        let ns = if m.namespace().is_empty() {
            String::new()
        } else {
            format!(" -n {}", m.namespace())
        };
        format!("{}{group}/{}{ns}", m.kind(), m.name())
    };
    let mut out = String::new();
    let (mut changed, mut added, mut removed) = (0, 0, 0);
    for m in new {
        match find(old, m) {
            None => {
                added += 1;
                out.push_str(&format!("+ {} (added)\n", label(m)));
            }
            Some(before) => {
                let changes = diff_values(&before.object, &m.object);
                if !changes.is_empty() {
                    changed += 1;
                }
                for c in changes {
                    out.push_str(&format!(
                        "{}: {}: {} -> {}\n",
                        label(m),
                        c.path,
                        show(&c.old),
                        show(&c.new)
                    ));
                }
            }
        }
    }
    for m in old {
        if find(new, m).is_none() {
            removed += 1;
            out.push_str(&format!("- {} (removed)\n", label(m)));
        }
    }
    if !out.is_empty() {
        let plural = |n: usize| if n == 1 { "object" } else { "objects" };
        out.push_str(&format!(
            "{changed} {} changed, {added} added, {removed} removed\n",
            plural(changed)
        ));
    }
    out
}

/// Reads one side: a manifest stream as it is, a values file rendered.
pub fn load_side(path: &str, stdin: &mut dyn Read) -> Result<Vec<Manifest>> {
    let files = crate::input::read_inputs(
        &[path.to_string()],
        stdin,
        crate::input::InputKind::ValuesOrManifests,
    )?;
    let source = &files[0];
    crate::yaml::check_depth(&source.name, &source.text)?;
    if let Some(objects) = as_manifests(source)? {
        return check_unique(path, objects);
    }
    // Rendered objects are already in apply order.
    Ok(crate::render_sources(
        std::slice::from_ref(source),
        &crate::RenderRequest::default(),
    )?
    .manifests)
}

/// The objects of a manifest stream, or None if `source` is a values file.
fn as_manifests(source: &ValuesSource) -> Result<Option<Vec<Manifest>>> {
    let docs = crate::yaml::json_documents(&source.name, &source.text)?;
    let docs: Vec<_> = docs.into_iter().filter(|d| !d.is_null()).collect();
    let is_object =
        |d: &serde_json::Value| d.get("apiVersion").is_some() && d.get("kind").is_some();
    if docs.is_empty() || !docs.iter().all(is_object) {
        return Ok(None);
    }
    // Lists (kubectl's, `hubgw render -o json`) are compared item by item,
    // unwrapped as `validate` unwraps them.
    let out = manifest::unwrap_lists(manifest::parse_stream(&source.name, &source.text)?)?;
    Ok(Some(out))
}

fn check_unique(path: &str, objects: Vec<Manifest>) -> Result<Vec<Manifest>> {
    for (i, m) in objects.iter().enumerate() {
        if objects[..i].iter().any(|o| identity(o) == identity(m)) {
            return Err(
                Error::input(format!("`{path}` holds {} twice", m.display_name()))
                    .hint("each object may appear once in a stream"),
            );
        }
    }
    Ok(objects)
}

/// `hubgw diff`: the report of `old` against `new` (empty when equal).
pub fn diff_files(old: &str, new: &str, stdin: &mut dyn Read) -> Result<String> {
    let before = load_side(old, stdin)?;
    let after = load_side(new, stdin)?;
    Ok(report(&before, &after))
}

/// What `hubgw diff --base-ref` compared: the report, and a note for stderr
/// when a file did not exist at the base revision.
pub struct BaseRefDiff {
    pub report: String,
    pub note: Option<String>,
}

/// `hubgw diff --base-ref REV`: `input` rendered at `rev` against `input`
/// rendered from the working tree. A `-f` file absent at `rev` makes the base
/// side empty (a new environment is all additions), and says so in `note`.
pub fn diff_base_ref(
    rev: &str,
    input: &crate::values::ValuesInput,
    stdin: &mut dyn Read,
) -> Result<BaseRefDiff> {
    if input.files.is_empty() {
        return Err(
            Error::usage("--base-ref needs the values files to compare (-f)").hint(
                "for example: hubgw diff --base-ref origin/main -f hubgw.yaml -f envs/prod.yaml",
            ),
        );
    }
    let request = crate::RenderRequest {
        values: input.clone(),
        ..crate::RenderRequest::default()
    };
    let base = crate::input::git::read_at_revision(rev, &input.files)?;
    // The working tree is read even when the base is empty: its errors count.
    let current = crate::input::read_files(&input.files, stdin)?;
    let after = crate::render_sources(&current, &request)?.manifests;
    let (before, note) = match base {
        Ok(files) => (crate::render_sources(&files, &request)?.manifests, None),
        Err(missing) => (
            Vec::new(),
            Some(format!(
                "note: `{missing}` does not exist, so nothing is rendered at {rev}: every object is added"
            )),
        ),
    };
    Ok(BaseRefDiff {
        report: report(&before, &after),
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_changes_have_paths() {
        let a = json!({"spec": {"rules": [{"w": 50}, {"backendRefs": [{"weight": 50}]}]}});
        let b = json!({"spec": {"rules": [{"w": 50}, {"backendRefs": [{"weight": 80}]}]}});
        assert_eq!(
            diff_values(&a, &b),
            [Change {
                path: "spec.rules[1].backendRefs[0].weight".into(),
                old: Some(json!(50)),
                new: Some(json!(80)),
            }]
        );
    }

    #[test]
    fn added_removed_keys_items_and_odd_keys() {
        let a = json!({"metadata": {"annotations": {"a.b/c": "1"}}, "l": [1, 2]});
        let b = json!({"metadata": {"labels": {"x": "y"}}, "l": [1]});
        let paths: Vec<_> = diff_values(&a, &b)
            .into_iter()
            .map(|c| format!("{}: {} -> {}", c.path, show(&c.old), show(&c.new)))
            .collect();
        assert_eq!(
            paths,
            [
                "metadata.annotations: {\"a.b/c\":\"1\"} -> (none)",
                "metadata.labels: (none) -> {\"x\":\"y\"}",
                "l[1]: 2 -> (none)",
            ]
        );
        assert_eq!(join_key("m", "a.b/c"), "m[\"a.b/c\"]");
    }

    #[test]
    fn type_changes_and_equal_values() {
        assert!(diff_values(
            &json!({"a": [1, {"b": null}]}),
            &json!({"a": [1, {"b": null}]})
        )
        .is_empty());
        assert_eq!(diff_values(&json!({"a": 1}), &json!({"a": "1"})).len(), 1);
    }

    fn m(kind: &str, name: &str, spec: Value) -> Manifest {
        Manifest {
            source: "t".into(),
            index: 0,
            item: Vec::new(),
            line: None,
            object: json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}, "spec": spec}),
        }
    }

    #[test]
    fn report_lists_changes_additions_and_removals() {
        let old = [m("Service", "a", json!(1)), m("Service", "gone", json!(0))];
        let new = [m("Service", "a", json!(2)), m("Service", "new", json!(0))];
        assert_eq!(
            report(&old, &new),
            "Service/a: spec: 1 -> 2\n+ Service/new (added)\n- Service/gone (removed)\n\
             1 object changed, 1 added, 1 removed\n"
        );
        assert_eq!(report(&old, &old), "");
    }
}
