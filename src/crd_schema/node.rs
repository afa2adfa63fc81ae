//! A CRD `openAPIV3Schema` node: the Kubernetes structural-schema subset, read at run time
//! from the schema's (description-stripped) JSON, which `build.rs` extracts from the
//! embedded CRDs or [`super::CrdRegistry::from_crd_files`] from a cluster's. Patterns and CEL
//! programs are compiled on first use and kept beside the node.
//!
//! The reading is the one of the serde model the schemas were once deserialized with:
//! unknown keywords are ignored, `null` reads as absent (and as empty for lists and maps,
//! which upstream CRDs sometimes spell `null`), and a keyword of the wrong type is an error.

use std::sync::{Arc, OnceLock};

use serde_json::{Map, Number, Value};

pub(super) use super::cel::CelProgram;

/// One schema node.
#[derive(Debug, Default)]
pub(super) struct Node {
    pub ty: Option<String>,
    pub nullable: bool,
    /// Sorted by name (byte order), for [`Node::declared`]'s binary search.
    pub properties: Vec<(String, Node)>,
    pub additional_properties: Option<AdditionalProperties>,
    pub items: Option<Box<Node>>,
    pub required: Vec<String>,
    pub enum_values: Option<Vec<Value>>,
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub pattern: Option<Pattern>,
    pub format: Option<String>,
    pub default: Option<Value>,
    pub one_of: Vec<Node>,
    pub any_of: Vec<Node>,
    pub all_of: Vec<Node>,
    pub not: Option<Box<Node>>,
    pub int_or_string: bool,
    pub preserve_unknown_fields: bool,
    pub list_type: Option<String>,
    pub list_map_keys: Vec<String>,
    pub validations: Vec<ValidationRule>,
    /// Whether this node or one below it (through `properties`,
    /// `additionalProperties` and `items`: CEL does not run inside junctors)
    /// has CEL rules; worked out by the reading.
    pub has_rules: bool,
}

/// `additionalProperties`: a boolean or a schema for the map values.
#[derive(Debug)]
pub(super) enum AdditionalProperties {
    Allowed(bool),
    Schema(Box<Node>),
}

/// One `x-kubernetes-validations` entry. `reason` is not read: the API server uses it to
/// pick the error type, which offline validation does not report.
#[derive(Debug)]
pub(super) struct ValidationRule {
    pub rule: CelProgram,
    pub message: Option<String>,
    pub message_expression: Option<CelProgram>,
    pub field_path: Option<String>,
    pub optional_old_self: bool,
}

/// A `pattern` and its regex, compiled on first use (through the process-wide cache of
/// `cel.rs`, so nodes with the same pattern compile it once).
pub(super) struct Pattern {
    pub source: String,
    matcher: OnceLock<Result<Arc<regex::Regex>, String>>,
}

impl Node {
    /// The schema of the declared property `name` (in `properties`).
    pub fn declared(&self, name: &str) -> Option<&Node> {
        let i = self
            .properties
            .binary_search_by(|(k, _)| k.as_str().cmp(name))
            .ok()?;
        Some(&self.properties[i].1)
    }

    /// The schema for the value of property `name`, from `properties` or a schema-valued
    /// `additionalProperties`.
    pub fn property(&self, name: &str) -> Option<&Node> {
        self.declared(name).or(match &self.additional_properties {
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

    /// The node of field path `path` (`spec.rules[0].name`; indexes step into `items`),
    /// `None` when the schema does not declare it.
    pub fn at_path(&self, path: &str) -> Option<&Node> {
        let mut node = self;
        for part in path.split('.') {
            let (name, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if !name.is_empty() {
                node = node.property(name)?;
            }
            while let Some(close) = rest.find(']') {
                node = node.items.as_deref()?;
                rest = &rest[close + 1..];
            }
        }
        Some(node)
    }

    /// Reads one schema node and everything below it. The error names the keyword.
    pub fn from_json(value: &Value) -> Result<Node, String> {
        let map = object(value, "schema")?;
        let properties = match present(map, "properties") {
            None => Vec::new(),
            Some(v) => {
                let mut props = object(v, "properties")?
                    .iter()
                    .map(|(name, sub)| {
                        Ok((
                            name.clone(),
                            Node::from_json(sub).map_err(|e| format!("{name}: {e}"))?,
                        ))
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                // Byte order, the order of the `BTreeMap` the properties were once read into.
                props.sort_by(|a, b| a.0.cmp(&b.0));
                props
            }
        };
        let additional_properties = match present(map, "additionalProperties") {
            None => None,
            Some(Value::Bool(b)) => Some(AdditionalProperties::Allowed(*b)),
            Some(v) => Some(AdditionalProperties::Schema(Box::new(
                Node::from_json(v).map_err(|e| format!("additionalProperties: {e}"))?,
            ))),
        };
        let enum_values = match present(map, "enum") {
            None => None,
            Some(Value::Array(values)) => Some(values.clone()),
            Some(_) => return Err("enum: not an array".into()),
        };
        let validations = match present(map, "x-kubernetes-validations") {
            None => Vec::new(),
            Some(Value::Array(rules)) => rules
                .iter()
                .map(ValidationRule::from_json)
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("x-kubernetes-validations: not an array".into()),
        };
        let mut node = Node {
            ty: string(map, "type")?,
            nullable: flag(map, "nullable")?,
            properties,
            additional_properties,
            items: sub_schema(map, "items")?,
            required: strings(map, "required")?,
            enum_values,
            minimum: number(map, "minimum")?,
            maximum: number(map, "maximum")?,
            exclusive_minimum: flag(map, "exclusiveMinimum")?,
            exclusive_maximum: flag(map, "exclusiveMaximum")?,
            min_length: count(map, "minLength")?,
            max_length: count(map, "maxLength")?,
            min_items: count(map, "minItems")?,
            max_items: count(map, "maxItems")?,
            min_properties: count(map, "minProperties")?,
            max_properties: count(map, "maxProperties")?,
            pattern: string(map, "pattern")?.map(Pattern::new),
            format: string(map, "format")?,
            default: present(map, "default").cloned(),
            one_of: schemas(map, "oneOf")?,
            any_of: schemas(map, "anyOf")?,
            all_of: schemas(map, "allOf")?,
            not: sub_schema(map, "not")?,
            int_or_string: flag(map, "x-kubernetes-int-or-string")?,
            preserve_unknown_fields: flag(map, "x-kubernetes-preserve-unknown-fields")?,
            list_type: string(map, "x-kubernetes-list-type")?,
            list_map_keys: strings(map, "x-kubernetes-list-map-keys")?,
            validations,
            has_rules: false,
        };
        node.has_rules = !node.validations.is_empty()
            || node.properties.iter().any(|(_, p)| p.has_rules)
            || matches!(&node.additional_properties, Some(AdditionalProperties::Schema(s)) if s.has_rules)
            || node.items.as_ref().is_some_and(|i| i.has_rules);
        Ok(node)
    }
}

impl ValidationRule {
    fn from_json(value: &Value) -> Result<ValidationRule, String> {
        let map = object(value, "x-kubernetes-validations")?;
        Ok(ValidationRule {
            rule: CelProgram::new(string(map, "rule")?.ok_or("x-kubernetes-validations: no rule")?),
            message: string(map, "message")?,
            message_expression: string(map, "messageExpression")?.map(CelProgram::new),
            field_path: string(map, "fieldPath")?,
            optional_old_self: flag(map, "optionalOldSelf")?,
        })
    }
}

impl Pattern {
    pub fn new(source: String) -> Pattern {
        Pattern {
            source,
            matcher: OnceLock::new(),
        }
    }

    /// Whether `haystack` has a match, as `regex::Regex::is_match` answers.
    /// The error is the pattern's compile error.
    pub fn is_match(&self, haystack: &str) -> Result<bool, &str> {
        let matcher = self
            .matcher
            .get_or_init(|| super::cel::regex_for(&self.source).map_err(|e| e.to_string()));
        match matcher {
            Ok(re) => Ok(re.is_match(haystack)),
            Err(e) => Err(e),
        }
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

/// The keyword's value, `None` when absent or `null`.
fn present<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    map.get(key).filter(|v| !v.is_null())
}

fn object<'v>(value: &'v Value, what: &str) -> Result<&'v Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("{what}: not an object"))
}

fn string(map: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    present(map, key)
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or(format!("{key}: not a string"))
        })
        .transpose()
}

/// A boolean keyword; absent is false, `null` an error (as it was for serde's `bool`).
fn flag(map: &Map<String, Value>, key: &str) -> Result<bool, String> {
    match map.get(key) {
        None => Ok(false),
        Some(v) => v.as_bool().ok_or(format!("{key}: not a boolean")),
    }
}

fn number(map: &Map<String, Value>, key: &str) -> Result<Option<Number>, String> {
    present(map, key)
        .map(|v| match v {
            Value::Number(n) => Ok(n.clone()),
            _ => Err(format!("{key}: not a number")),
        })
        .transpose()
}

fn count(map: &Map<String, Value>, key: &str) -> Result<Option<u64>, String> {
    present(map, key)
        .map(|v| v.as_u64().ok_or(format!("{key}: not an unsigned integer")))
        .transpose()
}

fn strings(map: &Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
    match present(map, key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or(format!("{key}: not a string"))
            })
            .collect(),
        Some(_) => Err(format!("{key}: not an array")),
    }
}

fn sub_schema(map: &Map<String, Value>, key: &str) -> Result<Option<Box<Node>>, String> {
    present(map, key)
        .map(|v| {
            Node::from_json(v)
                .map(Box::new)
                .map_err(|e| format!("{key}: {e}"))
        })
        .transpose()
}

fn schemas(map: &Map<String, Value>, key: &str) -> Result<Vec<Node>, String> {
    match present(map, key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| Node::from_json(v).map_err(|e| format!("{key}: {e}")))
            .collect(),
        Some(_) => Err(format!("{key}: not an array")),
    }
}

/// Test-only: a node from schema JSON.
#[cfg(test)]
pub(super) fn from_json(schema: &Value) -> &'static Node {
    Box::leak(Box::new(
        Node::from_json(schema).unwrap_or_else(|e| panic!("test schema: {e}")),
    ))
}

#[cfg(test)]
mod tests {
    use crate::crd_schema::CrdRegistry;

    /// Every embedded `pattern` compiles, and matches as `regex` does.
    #[test]
    fn every_embedded_pattern_compiles() {
        let mut all: Vec<String> = Vec::new();
        CrdRegistry::for_each_embedded_node(&mut |n| {
            all.extend(n.pattern.as_ref().map(|p| p.source.clone()))
        });
        all.sort();
        all.dedup();
        assert!(all.len() > 15, "{}", all.len());
        for p in &all {
            let pattern = super::Pattern::new(p.clone());
            let full = regex::Regex::new(p).unwrap();
            for s in [
                "",
                "a",
                "app.example.com",
                "*.example.com",
                "/",
                "10s",
                "X-Header",
            ] {
                assert_eq!(pattern.is_match(s), Ok(full.is_match(s)), "{p} on {s:?}");
            }
        }
    }

    #[test]
    fn field_paths_step_into_items() {
        let n = super::from_json(&serde_json::json!({"type": "object", "properties": {
            "spec": {"type": "object", "properties": {"rules": {"type": "array",
                "items": {"type": "object", "properties": {"name": {"type": "string"}}}}}}}}));
        assert_eq!(
            n.at_path("spec.rules[0].name")
                .and_then(|n| n.ty.as_deref()),
            Some("string")
        );
        assert!(n.at_path("spec.rules[0].other").is_none());
        assert!(n.at_path("spec.rules.name").is_none());
    }
}
