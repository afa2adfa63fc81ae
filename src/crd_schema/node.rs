//! A CRD `openAPIV3Schema` node: the Kubernetes structural-schema subset, read at run time
//! from the schema's (description-stripped) JSON. A cluster's CRD
//! ([`super::CrdRegistry::from_crd_files`]) is read whole; an embedded one is a [`Table`],
//! the lines `build.rs` writes (one node a line, sub-schemas by line number), and a node
//! is read when first looked at, so a render reads the nodes its objects reach (and their
//! properties), not the whole schema. Patterns and CEL programs are compiled on first use
//! and kept beside the node.
//!
//! The reading is the one of the serde model the schemas were once deserialized with:
//! unknown keywords are ignored, `null` reads as absent (and as empty for lists and maps,
//! which upstream CRDs sometimes spell `null`), and a keyword of the wrong type is an error.

use std::ops::Deref;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Number, Value};

pub(super) use super::cel::CelProgram;
use super::pattern::Pattern;

/// One schema node.
#[derive(Debug, Default)]
pub(super) struct Node {
    pub ty: Option<String>,
    pub nullable: bool,
    /// Sorted by name (byte order), for [`Node::declared`]'s binary search.
    pub properties: Vec<(String, Child)>,
    pub additional_properties: Option<AdditionalProperties>,
    pub items: Option<Child>,
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
    pub one_of: Vec<Child>,
    pub any_of: Vec<Child>,
    pub all_of: Vec<Child>,
    pub not: Option<Child>,
    pub int_or_string: bool,
    pub preserve_unknown_fields: bool,
    pub list_type: Option<String>,
    pub list_map_keys: Vec<String>,
    pub validations: Vec<ValidationRule>,
    /// Whether this node or one below it (through `properties`,
    /// `additionalProperties` and `items`: CEL does not run inside junctors)
    /// has CEL rules; worked out by the reading (for an embedded schema, by `build.rs`).
    pub has_rules: bool,
}

/// A sub-schema: read with its parent (a cluster's CRD), or a line of an embedded
/// schema's [`Table`], read when first looked at. It reads as the [`Node`] it is.
pub(super) enum Child {
    Parsed(Box<Node>),
    Line(&'static Table, usize),
}

impl Deref for Child {
    type Target = Node;

    fn deref(&self) -> &Node {
        match self {
            Child::Parsed(node) => node,
            Child::Line(table, n) => table.node(*n),
        }
    }
}

impl std::fmt::Debug for Child {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

/// An embedded schema as `build.rs` writes it: one JSON object a line (node), line 0 the root,
/// each sub-schema (of `properties`, `additionalProperties`, `items`, `not`, `oneOf`,
/// `anyOf`, `allOf`) replaced by its line number, and `x-hubgw-has-rules: true` on the
/// nodes that have CEL rules at or below them ([`Node::has_rules`]).
pub(super) struct Table {
    text: &'static str,
    /// Where each line of `text` starts.
    starts: &'static [u32],
    nodes: Vec<OnceLock<Box<Node>>>,
}

impl Table {
    /// `text`: the schema's lines, joined by `\n`; `starts`: where each begins.
    pub fn new((text, starts): (&'static str, &'static [u32])) -> Table {
        let nodes = starts.iter().map(|_| OnceLock::new()).collect();
        Table {
            text,
            starts,
            nodes,
        }
    }

    fn line(&self, n: usize) -> &'static str {
        let start = self.starts[n] as usize;
        let end = self
            .starts
            .get(n + 1)
            .map_or(self.text.len(), |&next| next as usize - 1);
        &self.text[start..end]
    }

    /// Node `n`, read on first use.
    pub fn node(&'static self, n: usize) -> &'static Node {
        self.nodes[n].get_or_init(|| {
            let raw: RawNode<usize> = serde_json::from_str(self.line(n))
                .unwrap_or_else(|e| panic!("embedded CRD schema, node {n}: {e}"));
            let has_rules = raw.has_rules;
            Box::new(Node::from_raw(
                raw,
                |line| Child::Line(self, line),
                |_| has_rules,
            ))
        })
    }

    /// Whether node `n` has been read.
    #[cfg(test)]
    pub fn is_read(&self, n: usize) -> bool {
        self.nodes[n].get().is_some()
    }
}

/// `additionalProperties`: a boolean or a schema for the map values.
#[derive(Debug)]
pub(super) enum AdditionalProperties {
    Allowed(bool),
    Schema(Child),
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

    /// Reads one schema node and everything below it. The error names the keyword's path.
    pub fn from_json(value: &Value) -> Result<Node, String> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            if path == "." {
                e.into_inner().to_string()
            } else {
                format!("{path}: {}", e.into_inner())
            }
        })
    }

    /// A node from its keywords, `child` making the sub-schemas, `has_rules` saying
    /// whether the node has CEL rules at or below it (given the node without it).
    fn from_raw<C>(
        raw: RawNode<C>,
        child: impl Fn(C) -> Child,
        has_rules: impl FnOnce(&Node) -> bool,
    ) -> Node {
        let mut node = Node {
            ty: raw.ty,
            nullable: raw.nullable,
            properties: (raw.properties.into_iter())
                .map(|(name, c)| (name, child(c)))
                .collect(),
            additional_properties: raw.additional_properties.map(|a| match a {
                RawAdditional::Allowed(b) => AdditionalProperties::Allowed(b),
                RawAdditional::Schema(s) => AdditionalProperties::Schema(child(s)),
            }),
            items: raw.items.map(&child),
            required: raw.required.unwrap_or_default(),
            enum_values: raw.enum_values,
            minimum: raw.minimum,
            maximum: raw.maximum,
            exclusive_minimum: raw.exclusive_minimum,
            exclusive_maximum: raw.exclusive_maximum,
            min_length: raw.min_length,
            max_length: raw.max_length,
            min_items: raw.min_items,
            max_items: raw.max_items,
            min_properties: raw.min_properties,
            max_properties: raw.max_properties,
            pattern: raw.pattern.map(Pattern::new),
            format: raw.format,
            default: raw.default,
            one_of: raw
                .one_of
                .unwrap_or_default()
                .into_iter()
                .map(&child)
                .collect(),
            any_of: raw
                .any_of
                .unwrap_or_default()
                .into_iter()
                .map(&child)
                .collect(),
            all_of: raw
                .all_of
                .unwrap_or_default()
                .into_iter()
                .map(&child)
                .collect(),
            not: raw.not.map(&child),
            int_or_string: raw.int_or_string,
            preserve_unknown_fields: raw.preserve_unknown_fields,
            list_type: raw.list_type,
            list_map_keys: raw.list_map_keys.unwrap_or_default(),
            validations: raw
                .validations
                .unwrap_or_default()
                .into_iter()
                .map(|r| ValidationRule {
                    rule: CelProgram::new(r.rule),
                    message: r.message,
                    message_expression: r.message_expression.map(CelProgram::new),
                    field_path: r.field_path,
                    optional_old_self: r.optional_old_self,
                })
                .collect(),
            has_rules: false,
        };
        node.has_rules = has_rules(&node);
        node
    }
}

/// The keywords as serde reads them: unknown ones ignored, `null` absent (or empty), a
/// keyword of the wrong type an error, except booleans, for which `null` is an error too.
/// `C` is a sub-schema: a node read at once, or a line number.
#[derive(Deserialize, Default)]
#[serde(default, bound(deserialize = "C: Deserialize<'de> + Default"))]
struct RawNode<C> {
    #[serde(rename = "type")]
    ty: Option<String>,
    nullable: bool,
    #[serde(deserialize_with = "properties")]
    properties: Vec<(String, C)>,
    #[serde(rename = "additionalProperties")]
    additional_properties: Option<RawAdditional<C>>,
    items: Option<C>,
    required: Option<Vec<String>>,
    #[serde(rename = "enum")]
    enum_values: Option<Vec<Value>>,
    minimum: Option<Number>,
    maximum: Option<Number>,
    #[serde(rename = "exclusiveMinimum")]
    exclusive_minimum: bool,
    #[serde(rename = "exclusiveMaximum")]
    exclusive_maximum: bool,
    #[serde(rename = "minLength")]
    min_length: Option<u64>,
    #[serde(rename = "maxLength")]
    max_length: Option<u64>,
    #[serde(rename = "minItems")]
    min_items: Option<u64>,
    #[serde(rename = "maxItems")]
    max_items: Option<u64>,
    #[serde(rename = "minProperties")]
    min_properties: Option<u64>,
    #[serde(rename = "maxProperties")]
    max_properties: Option<u64>,
    pattern: Option<String>,
    format: Option<String>,
    default: Option<Value>,
    #[serde(rename = "oneOf")]
    one_of: Option<Vec<C>>,
    #[serde(rename = "anyOf")]
    any_of: Option<Vec<C>>,
    #[serde(rename = "allOf")]
    all_of: Option<Vec<C>>,
    not: Option<C>,
    #[serde(rename = "x-kubernetes-int-or-string")]
    int_or_string: bool,
    #[serde(rename = "x-kubernetes-preserve-unknown-fields")]
    preserve_unknown_fields: bool,
    #[serde(rename = "x-kubernetes-list-type")]
    list_type: Option<String>,
    #[serde(rename = "x-kubernetes-list-map-keys")]
    list_map_keys: Option<Vec<String>>,
    #[serde(rename = "x-kubernetes-validations")]
    validations: Option<Vec<RawRule>>,
    /// Written by `build.rs` into embedded schemas; worked out for the others.
    #[serde(rename = "x-hubgw-has-rules")]
    has_rules: bool,
}

/// `properties` in byte order of the names, for `declared`'s binary search (as a
/// `BTreeMap` would give, without moving the nodes around a tree); `null` is none.
fn properties<'de, D, C>(d: D) -> Result<Vec<(String, C)>, D::Error>
where
    D: serde::Deserializer<'de>,
    C: Deserialize<'de>,
{
    struct Visitor<C>(std::marker::PhantomData<C>);
    impl<'de, C: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<C> {
        type Value = Vec<(String, C)>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of property schemas")
        }

        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out: Vec<(String, C)> = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some((name, node)) = map.next_entry::<String, C>()? {
                out.push((name, node));
            }
            // Upstream files list properties sorted, so this seldom moves anything.
            // (JSON read from a map has no repeated name.)
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(out)
        }
    }
    d.deserialize_any(Visitor(std::marker::PhantomData))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawAdditional<C> {
    Allowed(bool),
    Schema(C),
}

#[derive(Deserialize)]
struct RawRule {
    rule: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "messageExpression")]
    message_expression: Option<String>,
    #[serde(default, rename = "fieldPath")]
    field_path: Option<String>,
    #[serde(default, rename = "optionalOldSelf")]
    optional_old_self: bool,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        let raw = RawNode::<Box<Node>>::deserialize(d)?;
        Ok(Node::from_raw(raw, Child::Parsed, |node| {
            !node.validations.is_empty()
                || node.properties.iter().any(|(_, p)| p.has_rules)
                || matches!(&node.additional_properties, Some(AdditionalProperties::Schema(s)) if s.has_rules)
                || node.items.as_ref().is_some_and(|i| i.has_rules)
        }))
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
