//! A CRD `openAPIV3Schema` node as static data: the Kubernetes structural-schema subset,
//! written as Rust by `build.rs` (from the reading in `model.rs`) so that nothing is
//! parsed at run time and the schemas cost no heap; plus the compiled `pattern` regexes,
//! cached beside the data.

use std::sync::OnceLock;

use regex_automata::dfa::{dense, Automaton};
use regex_automata::Input;
use serde_json::{Number, Value};

pub(super) use super::cel::CelProgram;

/// One schema node. Every field is plain data, so the generated schemas are `static`s.
#[derive(Debug)]
pub(super) struct Node {
    pub ty: Option<&'static str>,
    pub nullable: bool,
    /// Sorted by name (byte order), for [`Node::declared`]'s binary search.
    pub properties: &'static [(&'static str, Node)],
    pub additional_properties: Option<AdditionalProperties>,
    pub items: Option<&'static Node>,
    pub required: &'static [&'static str],
    pub enum_values: Option<&'static [Json]>,
    pub minimum: Option<Num>,
    pub maximum: Option<Num>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub pattern: Option<&'static Pattern>,
    pub format: Option<&'static str>,
    pub default: Option<&'static Json>,
    pub one_of: &'static [Node],
    pub any_of: &'static [Node],
    pub all_of: &'static [Node],
    pub not: Option<&'static Node>,
    pub int_or_string: bool,
    pub preserve_unknown_fields: bool,
    pub list_type: Option<&'static str>,
    pub list_map_keys: &'static [&'static str],
    pub validations: &'static [ValidationRule],
    /// Whether this node or one below it (through `properties`,
    /// `additionalProperties` and `items`: CEL does not run inside junctors)
    /// has CEL rules; worked out by the reading.
    pub has_rules: bool,
}

/// `additionalProperties`: a boolean or a schema for the map values.
#[derive(Debug)]
#[allow(dead_code)] // the embedded data need not use every variant
pub(super) enum AdditionalProperties {
    Allowed(bool),
    Schema(&'static Node),
}

/// One `x-kubernetes-validations` entry.
#[derive(Debug)]
pub(super) struct ValidationRule {
    pub rule: &'static CelProgram,
    pub message: Option<&'static str>,
    pub message_expression: Option<&'static CelProgram>,
    pub field_path: Option<&'static str>,
    pub optional_old_self: bool,
}

/// A JSON number, as `serde_json` holds one (so comparisons and printing stay its own).
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)] // the embedded data need not use every variant
pub(super) enum Num {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

/// A JSON literal (`enum` values, `default`).
#[derive(Debug)]
#[allow(dead_code)] // the embedded data need not use every variant
pub(super) enum Json {
    Null,
    Bool(bool),
    Number(Num),
    String(&'static str),
    Array(&'static [Json]),
    /// In the order of the schema's JSON.
    Object(&'static [(&'static str, Json)]),
}

/// A `pattern` (or a literal pattern of CEL `matches`) and its matcher, made on first use:
/// the DFA `build.rs` serialized, read in place, or else the pattern compiled. One `static`
/// per distinct pattern: nodes share it, and the matcher cannot sit in the nodes, which are
/// immutable data.
pub(super) struct Pattern {
    pub source: &'static str,
    dfa: Option<&'static [u8]>,
    matcher: OnceLock<Result<Matcher, String>>,
}

// Held in the pattern's `static`, so a small Regex variant would save nothing.
#[allow(clippy::large_enum_variant)]
enum Matcher {
    Dfa(dense::DFA<&'static [u32]>),
    Regex(regex::Regex),
}

impl Node {
    /// A node without keywords, for `..Node::EMPTY` in the generated data.
    pub const EMPTY: Node = Node {
        ty: None,
        nullable: false,
        properties: &[],
        additional_properties: None,
        items: None,
        required: &[],
        enum_values: None,
        minimum: None,
        maximum: None,
        exclusive_minimum: false,
        exclusive_maximum: false,
        min_length: None,
        max_length: None,
        min_items: None,
        max_items: None,
        min_properties: None,
        max_properties: None,
        pattern: None,
        format: None,
        default: None,
        one_of: &[],
        any_of: &[],
        all_of: &[],
        not: None,
        int_or_string: false,
        preserve_unknown_fields: false,
        list_type: None,
        list_map_keys: &[],
        validations: &[],
        has_rules: false,
    };

    /// The schema of the declared property `name` (in `properties`).
    pub fn declared(&self, name: &str) -> Option<&'static Node> {
        let i = self
            .properties
            .binary_search_by(|(k, _)| (*k).cmp(name))
            .ok()?;
        Some(&self.properties[i].1)
    }

    /// The schema for the value of property `name`, from `properties` or a schema-valued
    /// `additionalProperties`.
    pub fn property(&self, name: &str) -> Option<&'static Node> {
        self.declared(name).or(match self.additional_properties {
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
}

impl Pattern {
    /// `dfa`: the serialized DFA of `source`, in the target's byte order and 4-aligned.
    pub const fn new(source: &'static str, dfa: Option<&'static [u8]>) -> Pattern {
        Pattern {
            source,
            dfa,
            matcher: OnceLock::new(),
        }
    }

    /// Whether `haystack` has a match, as `regex::Regex::is_match` answers (the DFA is
    /// built by the same engine; `patterns_match_as_with_regex` holds them together).
    /// The error is the pattern's compile error.
    pub fn is_match(&self, haystack: &str) -> Result<bool, &str> {
        let matcher = self.matcher.get_or_init(|| {
            // `from_bytes` checks the data; a DFA that does not read (it never
            // should) falls back to compiling the pattern.
            let dfa = self
                .dfa
                .and_then(|bytes| dense::DFA::from_bytes(bytes).ok())
                .map(|(dfa, _)| Matcher::Dfa(dfa));
            match dfa {
                Some(m) => Ok(m),
                None => regex::Regex::new(self.source)
                    .map(Matcher::Regex)
                    .map_err(|e| e.to_string()),
            }
        });
        match matcher {
            Ok(Matcher::Dfa(dfa)) => {
                let input = Input::new(haystack).earliest(true);
                // The DFAs have no quit bytes, so the search cannot give up.
                Ok(dfa.try_search_fwd(&input).is_ok_and(|m| m.is_some()))
            }
            Ok(Matcher::Regex(re)) => Ok(re.is_match(haystack)),
            Err(e) => Err(e),
        }
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

impl Num {
    pub fn as_f64(self) -> f64 {
        match self {
            Num::PosInt(u) => u as f64,
            Num::NegInt(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    pub fn to_number(self) -> Number {
        match self {
            Num::PosInt(u) => Number::from(u),
            Num::NegInt(i) => Number::from(i),
            // JSON has no NaN or infinity, so `from_f64` does not fail.
            Num::Float(f) => Number::from_f64(f).unwrap_or_else(|| Number::from(0)),
        }
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.to_number().fmt(f)
    }
}

impl Json {
    pub fn to_value(&self) -> Value {
        match *self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => Value::Number(n.to_number()),
            Json::String(s) => Value::String(s.to_owned()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// `self.to_value() == *value`, without building the value.
    pub fn eq_value(&self, value: &Value) -> bool {
        match (self, value) {
            (Json::Null, Value::Null) => true,
            (Json::Bool(a), Value::Bool(b)) => a == b,
            (Json::Number(a), Value::Number(b)) => a.to_number() == *b,
            (Json::String(a), Value::String(b)) => a == b,
            (Json::Array(a), Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_value(y))
            }
            // As maps compare: the same entries in any order.
            (Json::Object(a), Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.get(*k).is_some_and(|w| v.eq_value(w)))
            }
            _ => false,
        }
    }
}

/// Test-only: a `&'static Node` from schema JSON, leaked as [`super::model`] reads it.
#[cfg(test)]
pub(super) fn from_json(schema: &Value) -> &'static Node {
    use super::model::{Additional, Schema};

    fn leak<T>(value: T) -> &'static T {
        Box::leak(Box::new(value))
    }
    fn text(s: &str) -> &'static str {
        Box::leak(s.to_owned().into_boxed_str())
    }
    fn opt_text(s: &Option<String>) -> Option<&'static str> {
        s.as_deref().map(text)
    }
    fn texts(v: &[String]) -> &'static [&'static str] {
        v.iter().map(|s| text(s)).collect::<Vec<_>>().leak()
    }
    fn num(n: &Number) -> Num {
        match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Num::PosInt(u),
            (None, Some(i)) => Num::NegInt(i),
            _ => Num::Float(n.as_f64().unwrap_or(f64::NAN)),
        }
    }
    fn json(v: &Value) -> Json {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(num(n)),
            Value::String(s) => Json::String(text(s)),
            Value::Array(items) => Json::Array(items.iter().map(json).collect::<Vec<_>>().leak()),
            Value::Object(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| (text(k), json(v)))
                    .collect::<Vec<_>>()
                    .leak(),
            ),
        }
    }
    fn nodes(v: &[Schema]) -> &'static [Node] {
        v.iter().map(node).collect::<Vec<_>>().leak()
    }
    fn node(s: &Schema) -> Node {
        Node {
            ty: opt_text(&s.ty),
            nullable: s.nullable,
            properties: s
                .properties
                .iter()
                .map(|(k, p)| (text(k), node(p)))
                .collect::<Vec<_>>()
                .leak(),
            additional_properties: s.additional_properties.as_ref().map(|a| match a {
                Additional::Allowed(b) => AdditionalProperties::Allowed(*b),
                Additional::Schema(s) => AdditionalProperties::Schema(leak(node(s))),
            }),
            items: s.items.as_deref().map(|i| leak(node(i))),
            required: texts(&s.required),
            enum_values: s
                .enum_values
                .as_ref()
                .map(|v| &*v.iter().map(json).collect::<Vec<_>>().leak()),
            minimum: s.minimum.as_ref().map(num),
            maximum: s.maximum.as_ref().map(num),
            exclusive_minimum: s.exclusive_minimum,
            exclusive_maximum: s.exclusive_maximum,
            min_length: s.min_length,
            max_length: s.max_length,
            min_items: s.min_items,
            max_items: s.max_items,
            min_properties: s.min_properties,
            max_properties: s.max_properties,
            pattern: s
                .pattern
                .as_deref()
                .map(|p| leak(Pattern::new(text(p), None))),
            format: opt_text(&s.format),
            default: s.default.as_ref().map(|d| leak(json(d))),
            one_of: nodes(&s.one_of),
            any_of: nodes(&s.any_of),
            all_of: nodes(&s.all_of),
            not: s.not.as_deref().map(|n| leak(node(n))),
            int_or_string: s.int_or_string,
            preserve_unknown_fields: s.preserve_unknown_fields,
            list_type: opt_text(&s.list_type),
            list_map_keys: texts(&s.list_map_keys),
            validations: s
                .validations
                .iter()
                .map(|r| ValidationRule {
                    rule: leak(CelProgram::new(text(&r.rule), None)),
                    message: opt_text(&r.message),
                    message_expression: opt_text(&r.message_expression)
                        .map(|m| leak(CelProgram::new(m, None))),
                    field_path: opt_text(&r.field_path),
                    optional_old_self: r.optional_old_self,
                })
                .collect::<Vec<_>>()
                .leak(),
            has_rules: s.has_rules,
        }
    }
    let schema = Schema::from_json(schema).unwrap_or_else(|e| panic!("test schema: {e}"));
    leak(node(&schema))
}

#[cfg(test)]
mod tests {
    use super::super::registry::CEL_MATCHES;
    use super::Pattern;
    use crate::crd_schema::CrdRegistry;

    /// Every embedded `pattern`, and every literal pattern of a CEL `matches`, has a DFA
    /// from the build that matches as `regex` does.
    #[test]
    fn patterns_match_as_with_regex() {
        let mut all: Vec<&'static Pattern> = Vec::new();
        CrdRegistry::embedded().for_each_node(&mut |n| all.extend(n.pattern));
        all.extend(CEL_MATCHES);
        all.sort_by_key(|p| p.source);
        all.dedup_by_key(|p| p.source);
        assert!(all.len() > 15, "{}", all.len());
        let without_dfa: Vec<&str> = all
            .iter()
            .filter(|p| p.dfa.is_none())
            .map(|p| p.source)
            .collect();
        assert!(without_dfa.is_empty(), "{without_dfa:?}");
        assert!(
            CEL_MATCHES.windows(2).all(|w| w[0].source < w[1].source),
            "CEL_MATCHES is searched by pattern"
        );
        assert!(!CEL_MATCHES.is_empty());

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
            // The literal patterns of CEL `matches` (paths, header formats).
            "/path%2Fto",
            "/bad%zz",
            "%[req.hdr(X-Forwarded-For)]",
            "%{+Q}[ssl_c_der,base64]",
            "%[res.hdr(Server),lower]",
            "plain text",
            "100%",
            "a%%b",
            "example.com/Name_1",
            "Name_",
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
        let mut matched = 0;
        for p in &all {
            let full = regex::Regex::new(p.source).unwrap();
            for s in &samples {
                let by_dfa = p
                    .is_match(s)
                    .unwrap_or_else(|e| panic!("{}: {e}", p.source));
                matched += usize::from(by_dfa);
                if by_dfa != full.is_match(s) {
                    differ.push(format!("{} on {s:?}", p.source));
                }
            }
        }
        assert!(differ.is_empty(), "{differ:#?}");
        assert!(matched > 100, "{matched}");
    }
}
