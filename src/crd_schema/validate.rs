//! Validation of a whole manifest against a [`CrdSchema`], the way the API server does for a
//! create with strict field validation: null pruning and defaulting first, then a pre-order walk
//! checking the OpenAPI v3 structural-schema keywords, unknown fields and CEL rules.
//!
//! Not checked: `format` other than `int32`, `int64`, `date-time`, `byte`, `ipv4`, `ipv6`
//! (the API server's other string formats are not used by the embedded CRDs), and the contents
//! of `metadata` beyond `name`/`generateName` presence (the API server validates metadata
//! separately).

use std::borrow::Cow;
use std::fmt;

use ::cel::common::value::{CowVal, Val};
use serde_json::{Map, Value};

use super::cel::{self, Outcome};
use super::node::Node;
use super::registry::CrdSchema;

/// One validation error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Field path, e.g. `spec.rules[0].backendRefs[1].weight`.
    pub path: String,
    /// API-server style message, e.g. `Required value`.
    pub message: String,
}

/// A CEL rule that could not be evaluated (neither passed nor failed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnevaluatedRule {
    /// Path of the schema node (value) the rule applies to.
    pub path: String,
    /// The CEL expression.
    pub rule: String,
    /// Why it was not evaluated (compile error, unsupported function, evaluation error, ...).
    pub reason: String,
}

/// The result of validating one object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaReport {
    /// Schema and CEL errors, in document (walk) order.
    pub findings: Vec<Finding>,
    /// Number of CEL rules that evaluated to true or false.
    pub cel_evaluated: usize,
    /// CEL rules that could not be evaluated.
    pub cel_unevaluated: Vec<UnevaluatedRule>,
    /// Transition rules (using `oldSelf`) skipped: they only apply to updates.
    pub transition_rules_skipped: usize,
}

impl SchemaReport {
    /// True when there are no findings (unevaluated rules do not count).
    pub fn is_valid(&self) -> bool {
        self.findings.is_empty()
    }
}

impl CrdSchema {
    /// Validates a whole manifest (`apiVersion`, `kind`, `metadata`, `spec`, `status`).
    pub fn validate(&self, object: &Value) -> SchemaReport {
        self.validate_stored(&self.defaulted(object))
    }

    /// [`CrdSchema::validate`] for an object already [`CrdSchema::defaulted`],
    /// so a caller that needs the stored form too prepares it once.
    pub fn validate_stored(&self, object: &Value) -> SchemaReport {
        let mut walker = Walker {
            report: SchemaReport::default(),
            junctor: false,
        };
        walker.node(self.root(), object, &Path::Root, true, None);
        walker.report
    }
}

impl CrdSchema {
    /// The object as the API server stores it: nulls of non-nullable fields
    /// dropped and the schema's defaults applied.
    pub fn defaulted(&self, object: &Value) -> Value {
        self.stored(object).into_owned()
    }

    /// [`CrdSchema::defaulted`], borrowing `object` when that changes nothing
    /// (as for most rendered objects, which spell their defaults out): the
    /// copy was most of the cost.
    pub fn stored<'v>(&self, object: &'v Value) -> Cow<'v, Value> {
        if !needs_prepare(object, self.root(), true) {
            return Cow::Borrowed(object);
        }
        let mut object = object.clone();
        prepare(&mut object, self.root(), true);
        Cow::Owned(object)
    }
}

/// Whether [`prepare`] would change `value`: a null it drops or a default it adds.
fn needs_prepare(value: &Value, node: &Node, root: bool) -> bool {
    match value {
        Value::Object(map) => {
            let drops_null = map.iter().any(|(name, v)| {
                v.is_null()
                    && !(root && name == "metadata")
                    && node.declared(name).is_some_and(|prop| !prop.nullable)
            });
            let adds_default = node.properties.iter().any(|(name, prop)| {
                prop.default.is_some() && !(root && name == "metadata") && !map.contains_key(name)
            });
            drops_null
                || adds_default
                || map.iter().any(|(name, v)| {
                    !(root && name == "metadata")
                        && node
                            .property(name)
                            .is_some_and(|prop| needs_prepare(v, prop, false))
                })
        }
        Value::Array(items) => node
            .items
            .as_deref()
            .is_some_and(|item| items.iter().any(|v| needs_prepare(v, item, false))),
        _ => false,
    }
}

/// API server pre-processing: drops `null` values of non-nullable properties and applies
/// `default`s of absent properties (recursively, inside list items and map values too).
pub(super) fn prepare(value: &mut Value, node: &Node, root: bool) {
    match value {
        Value::Object(map) => {
            // Nulls dropped first, then defaults added in property order: what
            // going property by property gave, but hashing only the fields
            // present or defaulted, not every declared one twice.
            map.retain(|name, v| {
                !(v.is_null()
                    && !(root && name == "metadata")
                    && node.declared(name).is_some_and(|prop| !prop.nullable))
            });
            for (name, prop) in &node.properties {
                let Some(default) = &prop.default else {
                    continue;
                };
                if (root && name == "metadata") || map.contains_key(name) {
                    continue;
                }
                map.insert(name.clone(), default.clone());
            }
            for (name, v) in map.iter_mut() {
                if root && name == "metadata" {
                    continue;
                }
                if let Some(prop) = node.property(name) {
                    prepare(v, prop, false);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = node.items.as_deref() {
                for v in items {
                    prepare(v, item, false);
                }
            }
        }
        _ => {}
    }
}

struct Walker {
    report: SchemaReport,
    /// Inside allOf/anyOf/oneOf/not: value validations only (no unknown fields, no CEL).
    junctor: bool,
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// A value's field path, e.g. `spec.rules[0].backendRefs[1].weight`, spelled
/// out only when a finding prints it.
enum Path<'p> {
    Root,
    Field(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    fn field<'p>(&'p self, name: &'p str) -> Path<'p> {
        Path::Field(self, name)
    }

    fn index(&self, i: usize) -> Path<'_> {
        Path::Index(self, i)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            // `join`: no dot after an empty parent (the root, or an empty key).
            Path::Field(parent, name) => f.write_str(&join(&parent.to_string(), name)),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// How the API server prints a value in `Invalid value: ...`.
fn show(value: &Value) -> String {
    match value {
        Value::Object(_) => "\"object\"".into(),
        Value::Array(_) => "\"array\"".into(),
        Value::Null => "\"null\"".into(),
        other => other.to_string(),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn is_integer(value: &Value) -> bool {
    match value {
        Value::Number(n) => {
            n.is_i64()
                || n.is_u64()
                || n.as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.is_finite())
        }
        _ => false,
    }
}

fn type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => is_integer(value),
        "number" => value.is_number(),
        _ => true,
    }
}

impl Walker {
    fn push(&mut self, path: impl fmt::Display, message: String) {
        self.report.findings.push(Finding {
            path: path.to_string(),
            message,
        });
    }

    /// Validates `value` against `node`; `path` is the value's field path, `cel`
    /// the value in CEL when an ancestor with rules has converted it.
    fn node<'a>(
        &mut self,
        node: &'a Node,
        value: &'a Value,
        path: &Path,
        root: bool,
        cel: Option<&(dyn Val + 'a)>,
    ) {
        if value.is_null() {
            if !node.nullable && !self.junctor && (node.ty.is_some() || node.int_or_string) {
                let ty = node.ty.as_deref().unwrap_or("integer or string");
                self.push(
                    path,
                    format!(
                        "Invalid value: \"null\": {path} in body must be of type {ty}: \"null\""
                    ),
                );
            }
            return;
        }
        if node.int_or_string {
            if !(is_integer(value) || value.is_string()) {
                self.push(
                    path,
                    format!("Invalid value: {}: {path} in body must be of type integer or string: \"{}\"", show(value), type_name(value)),
                );
                return;
            }
        } else if let Some(ty) = node.ty.as_deref() {
            if !type_matches(ty, value) {
                self.push(
                    path,
                    format!(
                        "Invalid value: \"{}\": {path} in body must be of type {ty}: {}",
                        type_name(value),
                        show(value)
                    ),
                );
                return;
            }
        }
        self.enumeration(node, value, path);
        match value {
            Value::Number(_) => self.number(node, value, path),
            Value::String(s) => self.string(node, s, path),
            Value::Array(items) => self.array_bounds(node, items, path),
            Value::Object(map) => self.object_bounds(node, map, path),
            _ => {}
        }
        self.junctors(node, value, path);
        let cel = if self.junctor {
            None
        } else {
            self.cel_rules(node, value, path, cel)
        };
        // Children with rules below them take their CEL value out of this one.
        let cel = cel.as_deref();
        match value {
            Value::Array(items) => {
                if let Some(item) = node.items.as_deref() {
                    let cel = cel.filter(|_| item.has_rules);
                    for (i, v) in items.iter().enumerate() {
                        let item_cel = cel.and_then(|c| cel::item(c, i));
                        self.node(item, v, &path.index(i), false, item_cel);
                    }
                }
            }
            Value::Object(map) => self.object_fields(node, map, path, root, cel),
            _ => {}
        }
    }

    fn enumeration(&mut self, node: &Node, value: &Value, path: &Path) {
        let Some(values) = &node.enum_values else {
            return;
        };
        let equal = |a: &Value, b: &Value| match (a, b) {
            (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
            _ => a == b,
        };
        if !values.iter().any(|v| equal(v, value)) {
            let supported: Vec<String> = values.iter().map(Value::to_string).collect();
            self.push(
                path,
                format!(
                    "Unsupported value: {}: supported values: {}",
                    value,
                    supported.join(", ")
                ),
            );
        }
    }

    fn number(&mut self, node: &Node, value: &Value, path: &Path) {
        let Value::Number(n) = value else { return };
        let x = n.as_f64().unwrap_or(f64::NAN);
        if let Some(max) = &node.maximum {
            let m = max.as_f64().unwrap_or(f64::NAN);
            if node.exclusive_maximum && x >= m {
                self.push(
                    path,
                    format!("Invalid value: {n}: {path} in body should be less than {max}"),
                );
            } else if x > m {
                self.push(
                    path,
                    format!(
                        "Invalid value: {n}: {path} in body should be less than or equal to {max}"
                    ),
                );
            }
        }
        if let Some(min) = &node.minimum {
            let m = min.as_f64().unwrap_or(f64::NAN);
            if node.exclusive_minimum && x <= m {
                self.push(
                    path,
                    format!("Invalid value: {n}: {path} in body should be greater than {min}"),
                );
            } else if x < m {
                self.push(path, format!("Invalid value: {n}: {path} in body should be greater than or equal to {min}"));
            }
        }
        let format = node.format.as_deref();
        let range = match format {
            Some("int32") => Some((i32::MIN as f64, i32::MAX as f64)),
            Some("int64") => Some((i64::MIN as f64, i64::MAX as f64)),
            _ => None,
        };
        if let Some((lo, hi)) = range {
            let fits = match (n.as_i64(), format) {
                (Some(i), Some("int32")) => i32::try_from(i).is_ok(),
                (Some(_), _) => true,
                (None, _) => n.as_f64().is_some_and(|f| f >= lo && f <= hi),
            };
            if !fits {
                let format = format.unwrap_or_default();
                self.push(
                    path,
                    format!("Invalid value: {n}: {path} in body must be of type {format}: \"{n}\""),
                );
            }
        }
    }

    fn string(&mut self, node: &Node, s: &str, path: &Path) {
        let len = s.chars().count() as u64;
        if let Some(max) = node.max_length {
            if len > max {
                self.push(path, format!("Too long: may not be more than {max} bytes"));
            }
        }
        if let Some(min) = node.min_length {
            if len < min {
                self.push(
                    path,
                    format!(
                        "Invalid value: {s:?}: {path} in body should be at least {min} chars long"
                    ),
                );
            }
        }
        if let Some(pattern) = &node.pattern {
            match pattern.is_match(s) {
                Ok(false) => {
                    let pattern = &pattern.source;
                    self.push(
                        path,
                        format!("Invalid value: {s:?}: {path} in body should match '{pattern}'"),
                    );
                }
                Ok(true) => {}
                Err(e) => self.push(
                    path,
                    format!("Internal error: pattern does not compile: {e}"),
                ),
            }
        }
        if let Some(format) = node.format.as_deref() {
            if !string_format_ok(format, s) {
                self.push(
                    path,
                    format!("Invalid value: {s:?}: {path} in body must be of type {format}: {s:?}"),
                );
            }
        }
    }

    fn array_bounds(&mut self, node: &Node, items: &[Value], path: &Path) {
        let n = items.len() as u64;
        if let Some(max) = node.max_items {
            if n > max {
                self.push(
                    path,
                    format!("Too many: {n}: must have at most {max} items"),
                );
            }
        }
        if let Some(min) = node.min_items {
            if n < min {
                self.push(
                    path,
                    format!("Invalid value: {n}: {path} in body should have at least {min} items"),
                );
            }
        }
        if self.junctor {
            return;
        }
        match node.list_type.as_deref() {
            Some("set") => {
                for (i, v) in items.iter().enumerate() {
                    if items[..i].contains(v) {
                        self.push(path.index(i), format!("Duplicate value: {v}"));
                    }
                }
            }
            Some("map") if !node.list_map_keys.is_empty() => {
                let key_of = |v: &Value| -> Map<String, Value> {
                    node.list_map_keys
                        .iter()
                        .filter_map(|k| v.get(k).map(|kv| (k.clone(), kv.clone())))
                        .collect()
                };
                let keys: Vec<Map<String, Value>> = items.iter().map(key_of).collect();
                for (i, k) in keys.iter().enumerate() {
                    if keys[..i].contains(k) {
                        self.push(
                            path.index(i),
                            format!("Duplicate value: {}", Value::Object(k.clone())),
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn object_bounds(&mut self, node: &Node, map: &Map<String, Value>, path: &Path) {
        let n = map.len() as u64;
        if let Some(max) = node.max_properties {
            if n > max {
                self.push(
                    path,
                    format!("Too many: {n}: must have at most {max} items"),
                );
            }
        }
        if let Some(min) = node.min_properties {
            if n < min {
                self.push(
                    path,
                    format!(
                        "Invalid value: {n}: {path} in body should have at least {min} properties"
                    ),
                );
            }
        }
    }

    /// Runs a sub-schema in junctor mode; true when it produced no findings.
    fn passes(&mut self, node: &Node, value: &Value, path: &Path) -> bool {
        let saved_findings = std::mem::take(&mut self.report.findings);
        let saved_junctor = std::mem::replace(&mut self.junctor, true);
        self.node(node, value, path, false, None);
        let ok = self.report.findings.is_empty();
        self.report.findings = saved_findings;
        self.junctor = saved_junctor;
        ok
    }

    fn junctors(&mut self, node: &Node, value: &Value, path: &Path) {
        for sub in &node.all_of {
            let saved = std::mem::replace(&mut self.junctor, true);
            self.node(sub, value, path, false, None);
            self.junctor = saved;
        }
        if !node.any_of.is_empty() && !node.any_of.iter().any(|sub| self.passes(sub, value, path)) {
            self.push(
                path,
                format!(
                    "Invalid value: {}: {path} in body must validate at least one schema (anyOf)",
                    show(value)
                ),
            );
        }
        if !node.one_of.is_empty() {
            let valid = node
                .one_of
                .iter()
                .filter(|sub| self.passes(sub, value, path))
                .count();
            if valid != 1 {
                let found = if valid == 0 {
                    "Found none valid".to_owned()
                } else {
                    format!("Found {valid} valid alternatives")
                };
                self.push(
                    path,
                    format!(
                        "Invalid value: {}: {path} in body must validate one and only one schema (oneOf). {found}",
                        show(value)
                    ),
                );
            }
        }
        if let Some(not) = node.not.as_deref() {
            if self.passes(not, value, path) {
                self.push(
                    path,
                    format!(
                        "Invalid value: {}: {path} in body must not validate the schema (not)",
                        show(value)
                    ),
                );
            }
        }
    }

    /// Evaluates the node's rules; returns the value in CEL if it has been
    /// converted (here or by an ancestor).
    fn cel_rules<'s, 'a>(
        &mut self,
        node: &'a Node,
        value: &'a Value,
        path: &Path,
        cel: Option<&'s (dyn Val + 'a)>,
    ) -> Option<CowVal<'s, 'a>> {
        if node.validations.is_empty() {
            return cel.map(CowVal::Borrowed);
        }
        let mut scope = cel::Scope::new(value, node, cel);
        for rule in &node.validations {
            match cel::evaluate_in(
                &mut scope,
                &rule.rule,
                rule.message.as_deref(),
                rule.message_expression.as_ref(),
                rule.optional_old_self,
            ) {
                Outcome::Passed => self.report.cel_evaluated += 1,
                Outcome::Failed(message) => {
                    self.report.cel_evaluated += 1;
                    let at = match rule.field_path.as_deref() {
                        Some(fp) if fp.starts_with('.') || fp.starts_with('[') => {
                            format!("{path}{fp}")
                        }
                        Some(fp) if !fp.is_empty() => join(&path.to_string(), fp),
                        _ => path.to_string(),
                    };
                    let at = at.trim_start_matches('.').to_owned();
                    self.push(at, message);
                }
                Outcome::Transition => self.report.transition_rules_skipped += 1,
                Outcome::Unevaluated(reason) => self.report.cel_unevaluated.push(UnevaluatedRule {
                    path: path.to_string(),
                    rule: rule.rule.source.clone(),
                    reason,
                }),
            }
        }
        scope.into_converted()
    }

    fn object_fields<'a>(
        &mut self,
        node: &'a Node,
        map: &'a Map<String, Value>,
        path: &Path,
        root: bool,
        cel: Option<&(dyn Val + 'a)>,
    ) {
        for name in &node.required {
            if !map.contains_key(name) {
                self.push(path.field(name), "Required value".into());
            }
        }
        for (name, v) in map {
            let child_path = path.field(name);
            if root && name == "metadata" {
                self.metadata(v, &child_path);
                continue;
            }
            // The API server accepts apiVersion/kind at the root even when the schema omits them.
            if root && (name == "apiVersion" || name == "kind") && node.declared(name).is_none() {
                if !v.is_string() {
                    self.push(
                        &child_path,
                        format!("Invalid value: \"{}\": {child_path} in body must be of type string: {}", type_name(v), show(v)),
                    );
                }
                continue;
            }
            match node.property(name) {
                Some(prop) => {
                    let prop_cel = cel
                        .filter(|_| prop.has_rules)
                        .and_then(|c| cel::property(c, node, name));
                    self.node(prop, v, &child_path, false, prop_cel);
                }
                None => {
                    if !self.junctor && !node.allows_unknown_properties() {
                        self.push(&child_path, format!("unknown field \"{child_path}\""));
                    }
                }
            }
        }
        if root && !map.contains_key("metadata") {
            self.push(
                "metadata.name",
                "Required value: name or generateName is required".into(),
            );
        }
    }

    fn metadata(&mut self, metadata: &Value, path: &Path) {
        let named = |k: &str| {
            metadata
                .get(k)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        };
        if !metadata.is_object() {
            self.push(
                path,
                format!("Invalid value: {}: must be an object", show(metadata)),
            );
        } else if !named("name") && !named("generateName") {
            self.push(
                path.field("name"),
                "Required value: name or generateName is required".into(),
            );
        }
    }
}

/// The string formats checked: `date-time` (RFC 3339), `byte` (standard base64), `ipv4`,
/// `ipv6`. Any other format is accepted.
fn string_format_ok(format: &str, s: &str) -> bool {
    match format {
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<std::net::Ipv6Addr>().is_ok(),
        "date-time" | "datetime" => is_rfc3339(s),
        "byte" => is_base64(s),
        _ => true,
    }
}

fn is_rfc3339(s: &str) -> bool {
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return false;
    }
    if !matches!(b[10], b'T' | b't' | b' ')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            b.len() == i + 6 && digits(i + 1..i + 3) && b[i + 3] == b':' && digits(i + 4..i + 6)
        }
        _ => false,
    }
}

fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    s.len().is_multiple_of(4)
        && s.len() - body.len() <= 2
        && body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}
