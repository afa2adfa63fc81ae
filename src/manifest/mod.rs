//! Manifests: a YAML stream split into documents, each an object with its
//! identity (apiVersion, kind, namespace, name) and where it came from.
//! Shared by `render` (template output) and `validate` (any stream).

use serde::Deserialize;
use serde_json::Value;

pub mod generated;
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
    let mut out = Vec::new();
    for (index, doc) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let value = serde_yaml::Value::deserialize(doc)
            .map_err(|e| crate::values::yaml_error(source, text, &e))?;
        if value.is_null() {
            continue;
        }
        let object = serde_json::to_value(&value).map_err(|e| {
            Error::input(format!(
                "document {index} of `{source}` cannot be read as an object: {e}"
            ))
            .hint("map keys must be strings")
        })?;
        if !object.is_object() {
            return Err(Error::input(format!(
                "document {index} of `{source}` is not an object (a map with apiVersion and kind)"
            ))
            .at(Some(Location::in_text(source, text, 1, 1, 1))));
        }
        out.push(Manifest {
            source: source.to_string(),
            index,
            object,
        });
    }
    Ok(out)
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
    fn a_scalar_document_is_an_error() {
        assert!(parse_stream("s", "just text").is_err());
    }
}
