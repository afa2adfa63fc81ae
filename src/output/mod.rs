//! Output: puts objects in apply order and writes them as one YAML stream, a
//! JSON `List`, or one file per object (`--output-dir`); picks objects out
//! (`--show-only`). Nothing is written until everything has succeeded, so a
//! failed run leaves stdout (and the output directory) untouched.

mod dir;
mod emit;

pub use dir::{file_name, write_dir};
pub use emit::{one_line_string, to_yaml};

use crate::error::{Error, Result};
use crate::manifest::Manifest;

/// Where an object stands in apply order: its kind's row in [`KINDS`](crate::kinds::KINDS).
fn rank(m: &Manifest) -> usize {
    crate::kinds::apply_rank(m.group(), m.kind())
}

/// Sorts into apply order; objects of one kind keep the order they came in.
pub fn sort_for_apply(manifests: &mut [Manifest]) {
    // Cached: a rank reads two fields, and a sort asks n log n times.
    manifests.sort_by_cached_key(rank);
}

/// The objects as a YAML stream, each document opening with `---`.
pub fn to_yaml_stream(manifests: &[Manifest]) -> Result<String> {
    let texts = crate::par::map(manifests, |m| emit::to_yaml(&m.object));
    // Sized once: the stream of a large render is megabytes.
    let mut out = String::with_capacity(texts.iter().map(|t| t.len() + 4).sum());
    for text in texts {
        out.push_str("---\n");
        out.push_str(&text);
    }
    Ok(out)
}

/// `-o`: what kubectl users expect from `-o yaml` and `-o json`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// One YAML stream, each document opening with `---`.
    #[default]
    Yaml,
    /// One `v1` `List` with `items` (what `kubectl get -o json` prints and
    /// `kubectl apply -f` accepts).
    Json,
}

/// How `hubgw render` writes its objects.
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    pub format: Format,
    /// `--show-only Kind/name` (repeatable); empty: every object.
    pub show_only: Vec<String>,
    /// `--output-dir DIR`: one file per object instead of standard output.
    pub output_dir: Option<String>,
}

/// The objects as one JSON `List`, pretty-printed, ending in a newline.
pub fn to_json_list(manifests: &[Manifest]) -> Result<String> {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct List<'a> {
        api_version: &'static str,
        kind: &'static str,
        items: Vec<&'a serde_json::Value>,
    }
    let list = List {
        api_version: "v1",
        kind: "List",
        items: manifests.iter().map(|m| &m.object).collect(),
    };
    let text = serde_json::to_string_pretty(&list).expect("a JSON value always serialises");
    Ok(text + "\n")
}

fn to_json(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).expect("a JSON value always serialises")
}

/// The objects in `format`, ready for standard output.
pub fn to_text(manifests: &[Manifest], format: Format) -> Result<String> {
    match format {
        Format::Yaml => to_yaml_stream(manifests),
        Format::Json => to_json_list(manifests),
    }
}

/// Keeps the objects `wanted` names (`Kind/name`, kind in any case), in apply
/// order. A name that matches nothing is an error listing what exists.
/// Returns each kept object with its position in the full list.
pub fn select<'m>(
    manifests: &'m [Manifest],
    wanted: &[String],
) -> Result<Vec<(usize, &'m Manifest)>> {
    let all = manifests.iter().enumerate();
    if wanted.is_empty() {
        return Ok(all.collect());
    }
    let mut keys = Vec::new();
    for w in wanted {
        match w.split_once('/') {
            Some((kind, name)) if !kind.is_empty() && !name.is_empty() => {
                keys.push((kind.to_lowercase(), name.to_string()));
            }
            _ => {
                return Err(
                    Error::usage(format!("--show-only expects Kind/name, found `{w}`"))
                        .hint("for example --show-only HTTPRoute/industrial-edge-lb"),
                )
            }
        }
    }
    let matches = |m: &Manifest, (kind, name): &(String, String)| {
        m.kind().to_lowercase() == *kind && m.name() == name
    };
    for (w, key) in wanted.iter().zip(&keys) {
        if !manifests.iter().any(|m| matches(m, key)) {
            let names: Vec<String> = manifests.iter().map(Manifest::display_name).collect();
            return Err(
                Error::input(format!("--show-only {w}: no such object in the output"))
                    .hint(format!("the objects are: {}", names.join(", "))),
            );
        }
    }
    Ok(all
        .filter(|(_, m)| keys.iter().any(|k| matches(m, k)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(api: &str, kind: &str, name: &str) -> Manifest {
        Manifest {
            source: "t".into(),
            index: 0,
            object: json!({"apiVersion": api, "kind": kind, "metadata": {"name": name}}),
        }
    }

    #[test]
    fn apply_order_is_by_kind_then_stable() {
        let mut list = vec![
            m("route.openshift.io/v1", "Route", "r"),
            m("v1", "Service", "b"),
            m("example.com/v1", "Widget", "w"),
            m("v1", "Service", "a"),
            m("v1", "Namespace", "n"),
        ];
        sort_for_apply(&mut list);
        let names: Vec<_> = list.iter().map(Manifest::display_name).collect();
        assert_eq!(
            names,
            [
                "Namespace/n",
                "Service/b",
                "Service/a",
                "Route/r",
                "Widget/w"
            ]
        );
    }

    #[test]
    fn stream_documents_open_with_dashes() {
        let text = to_yaml_stream(&[m("v1", "Namespace", "ns")]).unwrap();
        assert_eq!(
            text,
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n"
        );
    }

    #[test]
    fn json_is_one_v1_list() {
        let text = to_json_list(&[m("v1", "Namespace", "n")]).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["kind"], "List");
        assert_eq!(v["apiVersion"], "v1");
        assert_eq!(v["items"][0]["metadata"]["name"], "n");
    }

    #[test]
    fn select_keeps_apply_order_and_any_kind_case() {
        let list = vec![m("v1", "Namespace", "n"), m("v1", "Service", "a")];
        let kept = select(&list, &["service/a".into(), "Namespace/n".into()]).unwrap();
        assert_eq!(kept.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 1]);
        let err = select(&list, &["Service/b".into()]).unwrap_err();
        assert_eq!(err.hint.unwrap(), "the objects are: Namespace/n, Service/a");
        assert_eq!(
            select(&list, &["Service".into()]).unwrap_err().exit_code(),
            2
        );
    }
}
