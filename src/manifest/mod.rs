//! Manifests: a YAML stream split into documents, each an object with its
//! identity (apiVersion, kind, namespace, name) and where it came from.
//! Shared by `render` (template output) and `validate` (any stream).

use serde_json::Value;

pub(crate) mod generated;
pub mod host_rewrite;
pub mod inputs;
pub mod podmonitor;

use crate::error::{Error, Location, Result};

/// One Kubernetes object from a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// A template name, a file path or `<stdin>`.
    pub source: String,
    /// 0-based index of the document within its source.
    pub index: usize,
    /// For an item of a List, its index in each enclosing List's `items`,
    /// outermost first (so diagnostics can find it in the text); else empty.
    pub item: Vec<usize>,
    /// 1-based line where its document starts, when the source text is at
    /// hand (`hubgw validate`; a render's sources are template outputs).
    pub line: Option<usize>,
    pub object: Value,
}

impl Manifest {
    /// Where it stands, for messages that cite it: `file:line` when the
    /// line is known, else `source, document N` (counted from 0), and the
    /// item of a List (`, item 2`).
    pub fn place(&self) -> String {
        let mut place = match self.line {
            Some(line) => format!("{}:{line}", self.source),
            None => format!("{}, document {}", self.source, self.index),
        };
        for n in &self.item {
            place.push_str(&format!(", item {n}"));
        }
        place
    }

    /// A string field by path. Plain `get`s, not `Value::pointer`: lint asks
    /// for identities millions of times on large renders, and a pointer
    /// allocates per segment.
    fn field<'a>(&'a self, path: &[&str]) -> &'a str {
        let mut v = &self.object;
        for key in path {
            match v.get(key) {
                Some(next) => v = next,
                None => return "",
            }
        }
        v.as_str().unwrap_or("")
    }

    pub fn api_version(&self) -> &str {
        self.field(&["apiVersion"])
    }

    pub fn kind(&self) -> &str {
        self.field(&["kind"])
    }

    pub fn name(&self) -> &str {
        self.field(&["metadata", "name"])
    }

    pub fn namespace(&self) -> &str {
        self.field(&["metadata", "namespace"])
    }

    /// The API group (`""` for core).
    pub fn group(&self) -> &str {
        match self.api_version().rsplit_once('/') {
            Some((group, _)) => group,
            None => "",
        }
    }

    /// `Kind/name`, as kubectl prints it.
    pub fn display_name(&self) -> String {
        format!("{}/{}", self.kind(), self.name())
    }
}

/// Splits a YAML stream into objects; empty documents are skipped.
pub fn parse_stream(source: &str, text: &str) -> Result<Vec<Manifest>> {
    crate::yaml::json_documents(source, text)?
        .into_iter()
        .enumerate()
        .filter(|(_, object)| !object.is_null())
        .map(|(index, object)| manifest(source, text, index, object))
        .collect()
}

/// Replaces each `List` (`kind: List`, as `kubectl get -o yaml` and
/// `hubgw render -o json` print, or a typed `*List` such as `ServiceList`) by
/// its items, nested lists included, so each item is checked as an object.
/// An item keeps its list's source and document index; a typed list's items
/// may lack apiVersion and kind (the API server leaves them out), which the
/// list's own give them.
pub fn unwrap_lists(manifests: Vec<Manifest>) -> Result<Vec<Manifest>> {
    let mut out = Vec::with_capacity(manifests.len());
    for m in manifests {
        unwrap_into(m, &mut out)?;
    }
    Ok(out)
}

fn is_list(m: &Manifest) -> bool {
    m.kind().ends_with("List") && m.object.get("items").is_some()
}

fn unwrap_into(m: Manifest, out: &mut Vec<Manifest>) -> Result<()> {
    if !is_list(&m) {
        out.push(m);
        return Ok(());
    }
    let item_kind = m.kind().strip_suffix("List").unwrap_or("").to_owned();
    let api_version = m.api_version().to_owned();
    let Manifest {
        source,
        index,
        item: within,
        line,
        mut object,
    } = m;
    let items = match object.get_mut("items").map(Value::take) {
        Some(Value::Array(items)) => items,
        Some(Value::Null) => Vec::new(),
        _ => {
            return Err(Error::input(format!(
                "document {index} of `{source}` is a List whose `items` is not a list"
            ))
            .hint("a List holds its objects under `items:` as a sequence"))
        }
    };
    for (n, mut item) in items.into_iter().enumerate() {
        let Some(fields) = item.as_object_mut() else {
            return Err(Error::input(format!(
                "item {n} of the List in document {index} of `{source}` is not an object (a map with apiVersion and kind)"
            )));
        };
        if !item_kind.is_empty() {
            fields
                .entry("kind")
                .or_insert_with(|| Value::String(item_kind.clone()));
            fields
                .entry("apiVersion")
                .or_insert_with(|| Value::String(api_version.clone()));
        }
        let mut path = within.clone();
        path.push(n);
        unwrap_into(
            Manifest {
                source: source.clone(),
                index,
                item: path,
                line,
                object: item,
            },
            out,
        )?;
    }
    Ok(())
}

fn manifest(source: &str, text: &str, index: usize, object: Value) -> Result<Manifest> {
    if !object.is_object() {
        return Err(Error::input(format!(
            "document {index} of `{source}` is not an object (a map with apiVersion and kind)"
        ))
        .at(Some(Location::in_text(source, text, 1, 1, 1))));
    }
    Ok(Manifest {
        source: source.to_string(),
        index,
        item: Vec::new(),
        line: None,
        object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_lines_follow_parse_streams_indexes() {
        let text = "# c\n---\napiVersion: v1\nkind: A\n---\n---\n\n# x\napiVersion: v1\nkind: B\n";
        let lines = crate::yaml::document_lines(text);
        let docs = parse_stream("s", text).unwrap();
        assert_eq!(docs[1].index, 2);
        assert_eq!(lines[docs[0].index], 3);
        assert_eq!(lines[docs[1].index], 9);
    }

    #[test]
    fn lists_are_unwrapped_into_their_items() {
        let text = r#"{"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}},
            {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}]}
        ]}
---
apiVersion: v1
kind: ServiceList
items:
- metadata: {name: c}
---
apiVersion: v1
kind: Namespace
metadata: {name: d}
"#;
        let docs = unwrap_lists(parse_stream("s.yaml", text).unwrap()).unwrap();
        let names: Vec<_> = docs.iter().map(|m| (m.display_name(), m.index)).collect();
        assert_eq!(
            names,
            [
                ("Service/a".to_string(), 0),
                ("ConfigMap/b".to_string(), 0),
                ("Service/c".to_string(), 1),
                ("Namespace/d".to_string(), 2)
            ]
        );
        assert_eq!(docs[2].api_version(), "v1");
        let bad = parse_stream("s.yaml", "apiVersion: v1\nkind: List\nitems: {a: 1}\n").unwrap();
        let err = unwrap_lists(bad).unwrap_err().to_string();
        assert!(err.contains("`items` is not a list"), "{err}");
        let bad = parse_stream("s.yaml", "apiVersion: v1\nkind: List\nitems: [1]\n").unwrap();
        let err = unwrap_lists(bad).unwrap_err().to_string();
        assert!(err.contains("item 0 of the List"), "{err}");
    }

    #[test]
    fn splits_documents_and_reads_identity() {
        let text = "---\napiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: n}\n---\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g}\n";
        let docs = parse_stream("s.yaml", text).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].display_name(), "Service/a");
        assert_eq!(docs[0].namespace(), "n");
        assert_eq!(docs[0].group(), "");
        assert_eq!(docs[1].group(), "gateway.networking.k8s.io");
        assert_eq!(docs[1].index, 2);
    }

    #[test]
    fn a_repeated_key_is_an_error_with_its_place() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n";
        let err = parse_stream("s.yaml", text).unwrap_err().to_string();
        assert!(err.contains("duplicate entry with key \"name\""), "{err}");
        assert!(err.contains("s.yaml:"), "{err}");
    }

    #[test]
    fn keys_are_strings_and_numbers_keep_their_type() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {1: x, on: y}\nn: [1, -2, 1.5, .nan, ~]\n";
        let docs = parse_stream("s.yaml", text).unwrap();
        assert_eq!(
            docs[0].object["data"],
            serde_json::json!({"1": "x", "on": "y"})
        );
        assert_eq!(
            docs[0].object["n"],
            serde_json::json!([1, -2, 1.5, null, null])
        );
    }

    #[test]
    fn tags_and_integers_beyond_64_bits_are_errors() {
        let doc = |value: &str| {
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\ndata:\n  x: {value}\n")
        };
        let err = parse_stream("s.yaml", &doc("!custom hello"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("YAML tag `!custom` is not supported"), "{err}");
        assert!(err.contains("s.yaml:5:"), "{err}");
        assert!(err.contains("remove the tag"), "{err}");
        let err = parse_stream("s.yaml", &doc("123456789012345678901234567890"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("integer `123456789012345678901234567890`"),
            "{err}"
        );
    }

    #[test]
    fn a_scalar_document_is_an_error() {
        assert!(parse_stream("s", "just text").is_err());
    }
}
