//! Typed form of a (description-stripped) CRD `openAPIV3Schema` node: the Kubernetes
//! structural-schema subset, deserialized with serde, plus lazily compiled regex patterns.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Number, Value};

/// One schema node. Unknown keywords are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Node {
    #[serde(rename = "type")]
    pub ty: Option<String>,
    #[serde(default)]
    pub nullable: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub properties: BTreeMap<String, Node>,
    pub additional_properties: Option<AdditionalProperties>,
    pub items: Option<Box<Node>>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub required: Vec<String>,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<Value>>,
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    #[serde(default)]
    pub exclusive_minimum: bool,
    #[serde(default)]
    pub exclusive_maximum: bool,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub pattern: Option<String>,
    #[serde(skip)]
    pub pattern_regex: OnceLock<Result<regex_lite::Regex, String>>,
    pub format: Option<String>,
    pub default: Option<Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub one_of: Vec<Node>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub any_of: Vec<Node>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub all_of: Vec<Node>,
    pub not: Option<Box<Node>>,
    #[serde(default, rename = "x-kubernetes-int-or-string")]
    pub int_or_string: bool,
    #[serde(default, rename = "x-kubernetes-preserve-unknown-fields")]
    pub preserve_unknown_fields: bool,
    #[serde(rename = "x-kubernetes-list-type")]
    pub list_type: Option<String>,
    #[serde(
        default,
        rename = "x-kubernetes-list-map-keys",
        deserialize_with = "null_as_default"
    )]
    pub list_map_keys: Vec<String>,
    #[serde(
        default,
        rename = "x-kubernetes-validations",
        deserialize_with = "null_as_default"
    )]
    pub validations: Vec<ValidationRule>,
    #[serde(skip)]
    has_rules: OnceLock<bool>,
}

/// `additionalProperties`: a boolean or a schema for the map values.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum AdditionalProperties {
    Allowed(bool),
    Schema(Box<Node>),
}

/// One `x-kubernetes-validations` entry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ValidationRule {
    pub rule: String,
    pub message: Option<String>,
    pub message_expression: Option<String>,
    pub field_path: Option<String>,
    #[allow(dead_code)] // kept for completeness: the API server uses it to pick the error type
    pub reason: Option<String>,
    #[serde(default)]
    pub optional_old_self: bool,
}

/// Upstream CRDs sometimes spell an empty list as `null` (e.g. OpenShift's `anyOf: null`).
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

impl Node {
    /// The schema for the value of property `name`, from `properties` or a schema-valued
    /// `additionalProperties`.
    pub fn property(&self, name: &str) -> Option<&Node> {
        self.properties
            .get(name)
            .or(match &self.additional_properties {
                Some(AdditionalProperties::Schema(s)) => Some(s),
                _ => None,
            })
    }

    /// Whether properties that are not declared are kept by the API server.
    pub fn allows_unknown_properties(&self) -> bool {
        self.preserve_unknown_fields
            || matches!(
                self.additional_properties,
                Some(AdditionalProperties::Allowed(true)) | Some(AdditionalProperties::Schema(_))
            )
    }

    /// True when this object node is a map (`additionalProperties` schema, no `properties`).
    pub fn is_map(&self) -> bool {
        self.properties.is_empty()
            && matches!(
                self.additional_properties,
                Some(AdditionalProperties::Schema(_))
            )
    }

    /// The compiled `pattern`, compiled on first use and cached in the node.
    /// `regex_lite` compiles ten times faster than `regex`, and the patterns are
    /// short and matched against short strings (the test `patterns_match_as_with_regex`
    /// proves both crates agree on the embedded ones).
    pub fn pattern_regex(&self) -> Option<&Result<regex_lite::Regex, String>> {
        let pattern = self.pattern.as_deref()?;
        Some(
            self.pattern_regex
                .get_or_init(|| regex_lite::Regex::new(pattern).map_err(|e| e.to_string())),
        )
    }

    /// Whether this node or one below it (through `properties`,
    /// `additionalProperties` and `items`: CEL does not run inside junctors)
    /// has CEL rules; cached in the node.
    pub fn has_rules(&self) -> bool {
        *self.has_rules.get_or_init(|| {
            !self.validations.is_empty()
                || self.properties.values().any(Node::has_rules)
                || matches!(&self.additional_properties, Some(AdditionalProperties::Schema(s)) if s.has_rules())
                || self.items.as_deref().is_some_and(Node::has_rules)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{AdditionalProperties, Node};
    use crate::crd_schema::CrdRegistry;

    fn patterns(n: &Node, out: &mut Vec<String>) {
        out.extend(n.pattern.clone());
        let children = n
            .properties
            .values()
            .chain(n.items.as_deref())
            .chain(match &n.additional_properties {
                Some(AdditionalProperties::Schema(s)) => Some(&**s),
                _ => None,
            })
            .chain(&n.one_of)
            .chain(&n.any_of)
            .chain(&n.all_of)
            .chain(n.not.as_deref());
        for child in children {
            patterns(child, out);
        }
    }

    /// `regex_lite` compiles every embedded `pattern` and matches like `regex`.
    #[test]
    fn patterns_match_as_with_regex() {
        let registry = CrdRegistry::embedded();
        let mut all = Vec::new();
        for s in registry.sources() {
            for v in &s.versions {
                let schema = registry
                    .schema_for(&format!("{}/{v}", s.group), &s.kind)
                    .unwrap();
                patterns(&schema.root, &mut all);
            }
        }
        all.sort();
        all.dedup();
        assert!(all.len() > 15, "{}", all.len());

        let mut samples: Vec<String> = [
            "",
            "a",
            "app.example.com",
            "app0.apps.hub.example.com",
            "*.example.com",
            "*.apps.s0.example.com",
            "web_app.example.com",
            "Not_A_Label",
            "-leading.example.com",
            "trailing-.example.com",
            "a..b",
            "hub-gateway",
            "istio-system",
            "Hostname",
            "IPAddress",
            "example.com/Custom",
            "example.com/",
            "kubernetes.io/h2c",
            "/",
            "/api/v1?x=1",
            "api",
            "http://example.com",
            "https://*.example.com:8443",
            "https://a-b.example.com:99999",
            "ftp://example.com",
            "*",
            "10s",
            "1h30m",
            "100ms",
            "5d",
            "X-Forwarded-For",
            "x-header_1",
            "Bad Header",
            "GET",
            "a:b,c_d",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "0123456789ABCDEF",
            "ümlaut.example.com",
            "日本",
            "tab\tchar",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        samples.push(format!("{}.com", "a".repeat(63)));
        samples.push(format!("{}.com", "a".repeat(64)));
        samples.extend((0x20u8..0x7f).map(|c| char::from(c).to_string()));
        let suffixed: Vec<String> = samples
            .iter()
            .flat_map(|s| [format!("{s}\n"), format!("{s}é"), format!("x{s}")])
            .collect();
        samples.extend(suffixed);

        let mut differ = Vec::new();
        for p in &all {
            let lite = regex_lite::Regex::new(p).unwrap_or_else(|e| panic!("{p}: {e}"));
            let full = regex::Regex::new(p).unwrap();
            for s in &samples {
                if lite.is_match(s) != full.is_match(s) {
                    differ.push(format!("{p} on {s:?}"));
                }
            }
        }
        assert!(differ.is_empty(), "{differ:#?}");
    }
}
