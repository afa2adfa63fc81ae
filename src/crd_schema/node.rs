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
    pub pattern_regex: OnceLock<Result<regex::Regex, String>>,
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
    pub fn pattern_regex(&self) -> Option<&Result<regex::Regex, String>> {
        let pattern = self.pattern.as_deref()?;
        Some(
            self.pattern_regex
                .get_or_init(|| regex::Regex::new(pattern).map_err(|e| e.to_string())),
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
