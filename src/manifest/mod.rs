//! Manifests: a YAML stream split into documents, each an object with its
//! identity (apiVersion, kind, namespace, name) and where it came from.
//! Shared by `render` (template output) and `validate` (any stream).

use serde::Deserialize;
use serde_json::Value;

pub mod generated;
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
    pub object: Value,
}

impl Manifest {
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
    if let Some(documents) = crate::fastyaml::read_stream(text) {
        return documents
            .into_iter()
            .enumerate()
            .filter(|(_, object)| !object.is_null())
            .map(|(index, object)| manifest(source, text, index, object))
            .collect();
    }
    let mut out = Vec::new();
    for (index, doc) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let JsonTree(object) =
            JsonTree::deserialize(doc).map_err(|e| crate::values::yaml_error(source, text, &e))?;
        if !object.is_null() {
            out.push(manifest(source, text, index, object)?);
        }
    }
    Ok(out)
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
        object,
    })
}

/// A YAML document read straight into a JSON tree. Going through
/// `serde_yaml::Value` first built every object twice (a third of a large
/// render's parse time); this keeps what that detour checked: a repeated key
/// is an error, not a silent overwrite. Keys are read as strings, as
/// `kubectl` does when it turns YAML into JSON.
pub(crate) struct JsonTree(pub(crate) Value);

impl<'de> Deserialize<'de> for JsonTree {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(JsonTreeVisitor).map(JsonTree)
    }
}

struct JsonTreeVisitor;

impl<'de> serde::de::Visitor<'de> for JsonTreeVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    /// NaN and infinities have no JSON form: null, as before.
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        JsonTree::deserialize(d).map(|t| t.0)
    }

    /// serde_yaml hands a tagged value (`!custom x`) over as an enum.
    fn visit_enum<A: serde::de::EnumAccess<'de>>(
        self,
        data: A,
    ) -> std::result::Result<Value, A::Error> {
        let (tag, _) = data.variant::<String>()?;
        Err(serde::de::Error::custom(format_args!(
            "YAML tag `!{tag}` is not supported: an object holds only maps, lists and plain values"
        )))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(JsonTree(item)) = seq.next_element()? {
            items.push(item);
        }
        // Exact sizes: a large render holds every object at once.
        items.shrink_to_fit();
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let JsonTree(value) = map.next_value()?;
            entries.push((key, value));
        }
        let mut object = serde_json::Map::with_capacity(entries.len());
        for (key, value) in entries {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate entry with key {key:?}"
                )));
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The direct read gives the objects the old detour through
    /// `serde_yaml::Value` gave, for YAML's less common forms too.
    #[test]
    fn reads_what_the_serde_yaml_value_detour_read() {
        let text = [
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            "  name: odd",
            "  labels: &l",
            "    a: b",
            "data:",
            "  s: !!str 5",
            "  n: 0x1F",
            "  o: 0o17",
            "  neg: -0x10",
            "  f: .inf",
            "  e: 1e3",
            "  t: ~",
            "  z: 007",
            "  alias: *l",
            "  merge:",
            "    <<: *l",
            "    c: d",
            "  folded: >",
            "    one",
            "    two",
            "  quoted: 'it''s'",
            "  flow: {a: [1, 2.5, \"x\"], b: null}",
        ]
        .join("\n");
        let text = text.as_str();
        let old: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        let old = serde_json::to_value(&old).unwrap();
        let new = &parse_stream("odd.yaml", text).unwrap()[0].object;
        assert_eq!(new, &old);
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
