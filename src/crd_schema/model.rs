//! The reading of a (description-stripped) `openAPIV3Schema` JSON value into an owned
//! [`Schema`] tree: which keywords count and how absent, `null` and mistyped values are read.
//!
//! Shared by `build.rs` (through `#[path]`), which prints the tree as the static
//! [`Node`](super::node::Node) data the crate embeds, and by the crate's tests, which leak
//! it into a `&'static Node` ([`super::node::from_json`]). Only `serde_json` and `std` may be
//! used here: `build.rs` has no other dependency of the crate.
//!
//! The reading is the one of the serde model the schemas were once deserialized with:
//! unknown keywords are ignored, `null` reads as absent (and as empty for lists and maps,
//! which upstream CRDs sometimes spell `null`), and a keyword of the wrong type is an error.

use serde_json::{Map, Number, Value};

/// One schema node: the Kubernetes structural-schema subset.
#[derive(Debug, Default)]
pub struct Schema {
    pub ty: Option<String>,
    pub nullable: bool,
    /// Sorted by name.
    pub properties: Vec<(String, Schema)>,
    pub additional_properties: Option<Additional>,
    pub items: Option<Box<Schema>>,
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
    pub pattern: Option<String>,
    pub format: Option<String>,
    pub default: Option<Value>,
    pub one_of: Vec<Schema>,
    pub any_of: Vec<Schema>,
    pub all_of: Vec<Schema>,
    pub not: Option<Box<Schema>>,
    pub int_or_string: bool,
    pub preserve_unknown_fields: bool,
    pub list_type: Option<String>,
    pub list_map_keys: Vec<String>,
    pub validations: Vec<Rule>,
    /// Whether this node or one below it through `properties`, `additionalProperties`
    /// and `items` has CEL rules (CEL does not run inside junctors).
    pub has_rules: bool,
}

/// `additionalProperties`: a boolean or a schema for the map values.
#[derive(Debug)]
pub enum Additional {
    Allowed(bool),
    Schema(Box<Schema>),
}

/// One `x-kubernetes-validations` entry. `reason` is not read: the API server uses it to
/// pick the error type, which offline validation does not report.
#[derive(Debug)]
pub struct Rule {
    pub rule: String,
    pub message: Option<String>,
    pub message_expression: Option<String>,
    pub field_path: Option<String>,
    pub optional_old_self: bool,
}

impl Schema {
    /// Reads one schema node and everything below it. The error names the keyword.
    pub fn from_json(value: &Value) -> Result<Schema, String> {
        let map = object(value, "schema")?;
        let properties = match present(map, "properties") {
            None => Vec::new(),
            Some(v) => {
                let mut props = object(v, "properties")?
                    .iter()
                    .map(|(name, sub)| Ok((name.clone(), Schema::from_json(sub)?)))
                    .collect::<Result<Vec<_>, String>>()?;
                // Byte order, the order of the `BTreeMap` the properties were once read into.
                props.sort_by(|a, b| a.0.cmp(&b.0));
                props
            }
        };
        let additional_properties = match present(map, "additionalProperties") {
            None => None,
            Some(Value::Bool(b)) => Some(Additional::Allowed(*b)),
            Some(v) => Some(Additional::Schema(Box::new(Schema::from_json(v)?))),
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
                .map(Rule::from_json)
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("x-kubernetes-validations: not an array".into()),
        };
        let mut schema = Schema {
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
            pattern: string(map, "pattern")?,
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
        schema.has_rules = !schema.validations.is_empty()
            || schema.properties.iter().any(|(_, p)| p.has_rules)
            || matches!(&schema.additional_properties, Some(Additional::Schema(s)) if s.has_rules)
            || schema.items.as_ref().is_some_and(|i| i.has_rules);
        Ok(schema)
    }
}

impl Rule {
    fn from_json(value: &Value) -> Result<Rule, String> {
        let map = object(value, "x-kubernetes-validations")?;
        Ok(Rule {
            rule: string(map, "rule")?.ok_or("x-kubernetes-validations: no rule")?,
            message: string(map, "message")?,
            message_expression: string(map, "messageExpression")?,
            field_path: string(map, "fieldPath")?,
            optional_old_self: flag(map, "optionalOldSelf")?,
        })
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

fn sub_schema(map: &Map<String, Value>, key: &str) -> Result<Option<Box<Schema>>, String> {
    present(map, key)
        .map(|v| {
            Schema::from_json(v)
                .map(Box::new)
                .map_err(|e| format!("{key}: {e}"))
        })
        .transpose()
}

fn schemas(map: &Map<String, Value>, key: &str) -> Result<Vec<Schema>, String> {
    match present(map, key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(Schema::from_json).collect(),
        Some(_) => Err(format!("{key}: not an array")),
    }
}
