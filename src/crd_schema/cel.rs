//! CEL evaluation of `x-kubernetes-validations` rules with the `cel` crate: the shared
//! environment (CEL standard library + strings/lists extensions, `matches` with a pattern
//! cache), the programs of the schemas' rules ([`CelProgram`], compiled on first use through
//! a per-rule-text cache), and the Kubernetes conversion of JSON values to CEL values (property-name
//! escaping, `number` as double, maps and lists as the crate's own, through its public API).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use cel::common::traits::Indexer;
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt,
};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::parser::Expression;
use cel::ExecutionError;
use cel::{Context, Env, Value as CelValue};
use serde_json::Value;

use super::node::Node;
use super::pattern::regex_for;

/// What happened when a rule was evaluated.
pub(super) enum Outcome {
    /// The rule evaluated to `true`.
    Passed,
    /// The rule evaluated to `false`; carries the message to report.
    Failed(String),
    /// The rule uses `oldSelf`: it only applies to updates.
    Transition,
    /// The rule could not be evaluated; carries the reason.
    Unevaluated(String),
}

enum Compiled {
    Ok {
        program: Expression,
        transition: bool,
    },
    Err(String),
}

/// foldhash, not SipHash: the program cache is looked up by the whole rule
/// text on every evaluation, and SipHash over it was most of the lookup.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

struct Runtime {
    env: Arc<Env>,
    programs: Mutex<FastMap<String, Arc<Compiled>>>,
}

fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        let mut env = Env::stdlib();
        // Both are part of the Kubernetes CEL environment (cel-go ext.Strings, ext.Lists).
        let _ = env.add_extension(cel::extensions::strings);
        let _ = env.add_extension(cel::extensions::lists);
        let _ = env.add_extension(add_matches);
        Runtime {
            env: Arc::new(env),
            programs: Mutex::new(FastMap::default()),
        }
    })
}

/// One CEL text of a schema (a rule or a `messageExpression`), compiled on first use.
/// Compiling goes through the process-wide cache by text, so the same rule in several
/// nodes or releases is compiled once.
pub(super) struct CelProgram {
    pub source: String,
    compiled: OnceLock<Arc<Compiled>>,
}

impl CelProgram {
    pub(super) fn new(source: String) -> Self {
        CelProgram {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| compiled(&self.source))
    }
}

impl fmt::Debug for CelProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CelProgram({:?})", self.source)
    }
}

impl Compiled {
    fn from_ast(rule: &str, program: Expression) -> Compiled {
        // A rule that never spells `oldSelf` cannot reference it: no
        // need to walk the AST for it.
        let transition = rule.contains("oldSelf") && program.references().has_variable("oldSelf");
        Compiled::Ok {
            program,
            transition,
        }
    }
}

fn compiled(rule: &str) -> Arc<Compiled> {
    let rt = runtime();
    let cached = |rule: &str| {
        let cache = rt.programs.lock().unwrap_or_else(|e| e.into_inner());
        cache.get(rule).map(Arc::clone)
    };
    if let Some(c) = cached(rule) {
        return c;
    }
    // Compiling is parsing (the cel crate does no type checking), so the fast
    // parser's AST is the program; the Env's parser has the last word when
    // the fast one refuses a rule.
    let parsed = fast_parser()
        .parse(rule)
        .or_else(|_| rt.env.compile(rule).map(|p| p.expression().clone()));
    let c = Arc::new(match parsed {
        Ok(program) => Compiled::from_ast(rule, program),
        Err(e) => Compiled::Err(format!("compile error: {}", first_line(&e.to_string()))),
    });
    // Compiled without the lock, so validation threads compile side by side;
    // if two compiled the same rule, the first stored wins.
    let mut cache = rt.programs.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(cache.entry(rule.to_owned()).or_insert(c))
}

/// Declares `matches` (global and member, string and pattern) as the cel
/// crate's `regex` feature would, with the same `regex` crate and the same
/// errors, but compiling each pattern once: compiling it was most of a call.
fn add_matches(env: &mut Env) -> Result<(), cel::DeclarationError> {
    cel::add_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>, id = "matches")?;
    cel::add_member_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>)
}

fn matches(this: &CelString<'_>, re: &CelString<'_>) -> Result<CelBool, ExecutionError> {
    let regex = regex_for(re.inner()).map_err(|err| ExecutionError::FunctionError {
        function: "matches".to_string(),
        message: format!("'{}' not a valid regex:\n{err}", re.inner()),
    })?;
    Ok(CelBool::from(regex.is_match(this.inner())))
}

/// The standard-macro Pratt parser of the `cel` crate, set up as the
/// runtime's `Env` parses (optional syntax on, identifier escapes off).
fn fast_parser() -> cel::parser::PrattParser {
    cel::parser::PrattParser::new().enable_optional_syntax(true)
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
}

/// `self` for the rules of one schema node: converted to CEL once, on first
/// use, and shared by every rule of the node (a node of an HTTPRoute has up
/// to a dozen rules, and the conversion copies the whole subtree). Below a
/// converted node, [`property`] and [`item`] hand out the parts of it, so an
/// object is converted at most once however deep its rules are.
pub(super) struct Scope<'s, 'a> {
    value: &'a Value,
    node: &'a Node,
    this: Option<CowVal<'s, 'a>>,
}

impl<'s, 'a> Scope<'s, 'a> {
    /// `converted`: `value` in CEL, when an ancestor's conversion holds it.
    pub(super) fn new(
        value: &'a Value,
        node: &'a Node,
        converted: Option<&'s (dyn Val + 'a)>,
    ) -> Self {
        Scope {
            value,
            node,
            this: converted.map(CowVal::Borrowed),
        }
    }

    fn this(&mut self) -> &(dyn Val + 'a) {
        let (value, node) = (self.value, self.node);
        let this = (self.this).get_or_insert_with(|| CowVal::Owned(to_cel(value, Some(node))));
        &**this
    }

    /// The value in CEL, if a rule needed it or it was handed in.
    pub(super) fn into_converted(self) -> Option<CowVal<'s, 'a>> {
        self.this
    }
}

/// Binds `self` by reference: the `Context`'s own variables would take a
/// deep copy of the value for every rule.
struct SelfVariable<'r, 'a>(&'r (dyn Val + 'a));

impl VariableResolver for SelfVariable<'_, '_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        (variable == "self").then_some(CowVal::Borrowed(self.0))
    }
}

/// Evaluates `rule` (with optional `message` / `messageExpression`) with `self` bound to
/// `value`, whose schema is `node`.
#[cfg(test)]
pub(super) fn evaluate(
    rule: &str,
    message: Option<&str>,
    message_expression: Option<&str>,
    optional_old_self: bool,
    value: &Value,
    node: &Node,
) -> Outcome {
    evaluate_in(
        &mut Scope::new(value, node, None),
        &CelProgram::new(rule.to_owned()),
        message,
        message_expression
            .map(|m| CelProgram::new(m.to_owned()))
            .as_ref(),
        optional_old_self,
    )
}

/// [`evaluate`] with `self` from `scope`.
pub(super) fn evaluate_in(
    scope: &mut Scope<'_, '_>,
    rule: &CelProgram,
    message: Option<&str>,
    message_expression: Option<&CelProgram>,
    optional_old_self: bool,
) -> Outcome {
    let program = match rule.compiled() {
        Compiled::Err(e) => return Outcome::Unevaluated(e.clone()),
        Compiled::Ok {
            transition: true, ..
        } if optional_old_self => {
            return Outcome::Unevaluated(
                "optionalOldSelf transition rule: not supported offline".into(),
            )
        }
        Compiled::Ok {
            transition: true, ..
        } => return Outcome::Transition,
        Compiled::Ok { program, .. } => program,
    };
    let this = SelfVariable(scope.this());
    let mut ctx = Context::with_env(Arc::clone(&runtime().env));
    ctx.set_variable_resolver(&this);
    let ctx = &ctx;
    match CelValue::resolve(program, ctx) {
        Ok(CelValue::Bool(true)) => Outcome::Passed,
        Ok(CelValue::Bool(false)) => {
            let msg = message_expression
                .and_then(|expr| match expr.compiled() {
                    Compiled::Ok { program, .. } => match CelValue::resolve(program, ctx) {
                        Ok(CelValue::String(s)) if !s.trim().is_empty() => Some(s.to_string()),
                        _ => None,
                    },
                    Compiled::Err(_) => None,
                })
                .or_else(|| message.map(str::to_owned))
                .unwrap_or_else(|| format!("failed rule: {}", rule.source));
            Outcome::Failed(msg)
        }
        Ok(other) => Outcome::Unevaluated(format!("rule returned {}, not a bool", other.type_of())),
        Err(e) => Outcome::Unevaluated(format!("evaluation error: {}", reason_of(&e))),
    }
}

/// A short, stable reason for an execution error (used to group unevaluated rules).
fn reason_of(e: &cel::ExecutionError) -> String {
    match e {
        cel::ExecutionError::NoSuchKey(k) => format!("no such key: {k}"),
        cel::ExecutionError::UndeclaredReference(r) => {
            format!("unsupported function or variable: {r}")
        }
        cel::ExecutionError::NoSuchOverload(o) => format!("unsupported function overload: {o}"),
        other => first_line(&other.to_string()).to_owned(),
    }
}

/// Converts a JSON value into the CEL value Kubernetes binds for a schema node: declared
/// property names are escaped (`namespace` -> `__namespace__`, `-` -> `__dash__`, ...;
/// names that cannot be escaped are not visible), map keys are kept as is, and `type: number`
/// values are doubles. Strings borrow from `value`.
fn to_cel<'a>(value: &'a Value, node: Option<&Node>) -> Box<dyn Val + 'a> {
    match value {
        Value::Null => Box::new(CelNull),
        Value::Bool(b) => Box::new(CelBool::from(*b)),
        Value::Number(n) => {
            let is_number = node.is_some_and(|n| n.ty.as_deref() == Some("number"));
            match (n.as_i64(), n.as_u64(), is_number) {
                (Some(i), _, false) => Box::new(CelInt::from(i)),
                (None, Some(u), false) => Box::new(CelUInt::from(u)),
                _ => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
            }
        }
        Value::String(s) => Box::new(CelString::from(s.as_str())),
        Value::Array(items) => {
            let item_node = node.and_then(|n| n.items.as_deref());
            Box::new(CelList::from(
                items
                    .iter()
                    .map(|v| to_cel(v, item_node))
                    .collect::<Vec<_>>(),
            ))
        }
        Value::Object(map) => {
            let escape = node.is_some_and(|n| !n.is_map());
            let mut out = HashMap::with_capacity(map.len());
            for (k, v) in map {
                let key = if escape {
                    match escape_property_name(k) {
                        Some(k) => k,
                        None => continue,
                    }
                } else {
                    Cow::Borrowed(k.as_str())
                };
                out.insert(
                    CelMapKey::String(CelString::from(key)),
                    to_cel(v, node.and_then(|n| n.property(k))),
                );
            }
            Box::new(CelMap::from(out))
        }
    }
}

/// Property `name` of `object` (schema `node`), out of `object`'s conversion:
/// the same value [`to_cel`] gives for the property alone. `None` when the name is
/// not visible in CEL.
pub(super) fn property<'b, 'a>(
    object: &'b (dyn Val + 'a),
    node: &Node,
    name: &str,
) -> Option<&'b (dyn Val + 'a)> {
    let map = object.downcast_ref::<CelMap>()?;
    let key = if node.is_map() {
        Cow::Borrowed(name)
    } else {
        escape_property_name(name)?
    };
    match map.get(&CelString::from(key)) {
        Ok(CowVal::Borrowed(v)) => Some(v),
        _ => None,
    }
}

/// Item `index` of `list`, out of its conversion.
pub(super) fn item<'b, 'a>(list: &'b (dyn Val + 'a), index: usize) -> Option<&'b (dyn Val + 'a)> {
    let items = list.downcast_ref::<CelList>()?;
    items.inner().get(index).map(|v| v.as_ref())
}

const CEL_RESERVED: &[&str] = &[
    "true",
    "false",
    "null",
    "in",
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

/// Kubernetes' escaping of property names for CEL access; `None` if not accessible.
fn escape_property_name(name: &str) -> Option<Cow<'_, str>> {
    if CEL_RESERVED.contains(&name) {
        return Some(Cow::Owned(format!("__{name}__")));
    }
    // Bytes, not chars: every allowed character is ASCII, and a byte of a
    // non-ASCII one is refused as the character would be. This runs for
    // every property converted; the str searches cost more than the rest.
    let bytes = name.as_bytes();
    let punct = |b: u8| matches!(b, b'_' | b'.' | b'-' | b'/');
    let first_ok = bytes
        .first()
        .is_some_and(|&b| b.is_ascii_alphabetic() || punct(b));
    if !first_ok || !bytes.iter().all(|&b| b.is_ascii_alphanumeric() || punct(b)) {
        return None;
    }
    if !bytes.iter().any(|b| matches!(b, b'.' | b'-' | b'/'))
        && !bytes.windows(2).any(|w| w == b"__")
    {
        return Some(Cow::Borrowed(name));
    }
    Some(Cow::Owned(
        name.replace("__", "__underscores__")
            .replace('.', "__dot__")
            .replace('-', "__dash__")
            .replace('/', "__slash__"),
    ))
}

#[cfg(test)]
mod tests {
    use super::escape_property_name;

    #[test]
    fn escapes_like_kubernetes() {
        assert_eq!(
            escape_property_name("namespace").as_deref(),
            Some("__namespace__")
        );
        assert_eq!(
            escape_property_name("a-b.c/d").as_deref(),
            Some("a__dash__b__dot__c__slash__d")
        );
        assert_eq!(
            escape_property_name("a__b").as_deref(),
            Some("a__underscores__b")
        );
        assert_eq!(escape_property_name("port").as_deref(), Some("port"));
        assert_eq!(escape_property_name("1abc"), None);
        assert_eq!(escape_property_name(""), None);
        assert_eq!(escape_property_name("_x").as_deref(), Some("_x"));
        assert_eq!(escape_property_name("a_b").as_deref(), Some("a_b"));
        assert_eq!(
            escape_property_name("a___b").as_deref(),
            Some("a__underscores___b")
        );
        assert_eq!(escape_property_name("-a").as_deref(), Some("__dash__a"));
        assert_eq!(escape_property_name("é"), None);
        assert_eq!(escape_property_name("aé"), None);
        assert_eq!(escape_property_name("a b"), None);
    }
}

#[cfg(test)]
mod evaluate_tests {
    use super::super::node::Node;
    use super::{evaluate, Outcome};
    use serde_json::json;

    fn node(schema: serde_json::Value) -> &'static Node {
        super::super::node::from_json(&schema)
    }

    #[test]
    fn outcomes() {
        let n = node(json!({"type": "object", "properties": {"a": {"type": "integer"}}}));
        let v = json!({"a": 3});
        assert!(matches!(
            evaluate("self.a == 3", None, None, false, &v, n),
            Outcome::Passed
        ));
        match evaluate("self.a == 4", Some("a must be 4"), None, false, &v, n) {
            Outcome::Failed(m) => assert_eq!(m, "a must be 4"),
            _ => panic!("expected failure"),
        }
        match evaluate(
            "self.a == 4",
            None,
            Some("'a is ' + string(self.a)"),
            false,
            &v,
            n,
        ) {
            Outcome::Failed(m) => assert_eq!(m, "a is 3"),
            _ => panic!("expected failure"),
        }
        match evaluate("self.a == 4", None, None, false, &v, n) {
            Outcome::Failed(m) => assert_eq!(m, "failed rule: self.a == 4"),
            _ => panic!("expected failure"),
        }
        assert!(matches!(
            evaluate("self.a == oldSelf.a", None, None, false, &v, n),
            Outcome::Transition
        ));
        for (rule, expected) in [
            ("self.a ==", "compile error"),
            ("[1, 2].isSorted()", "unsupported function"),
            ("self.b == 1", "no such key: b"),
            ("self.a", "rule returned int, not a bool"),
        ] {
            match evaluate(rule, None, None, false, &v, n) {
                Outcome::Unevaluated(reason) => {
                    assert!(reason.contains(expected), "{rule}: {reason}")
                }
                _ => panic!("{rule}: expected unevaluated"),
            }
        }
    }

    /// Durations and UTC timestamps work; a named zone is not embedded
    /// (`.cargo/config.toml`, `CHRONO_TZ_TIMEZONE_FILTER`), so a rule naming
    /// one is reported as not evaluated rather than answered (cel 0.15.0
    /// `src/common/types/timestamp.rs`, `in_time_zone`, parses it with chrono-tz).
    #[test]
    fn durations_and_utc_evaluate_other_zones_are_unevaluated() {
        let n = node(json!({"type": "object"}));
        let v = json!({});
        for rule in [
            "duration('1m30s') == duration('90s')",
            "duration('1ms') <= duration('0.5s')",
            "timestamp('2024-01-01T10:00:00Z').getHours() == 10",
            "timestamp('2024-01-01T10:00:00Z').getHours('UTC') == 10",
        ] {
            assert!(
                matches!(evaluate(rule, None, None, false, &v, n), Outcome::Passed),
                "{rule}"
            );
        }
        match evaluate(
            "timestamp('2024-01-01T10:00:00Z').getHours('Europe/Paris') == 11",
            None,
            None,
            false,
            &v,
            n,
        ) {
            Outcome::Unevaluated(reason) => {
                assert!(
                    reason.contains("unknown time zone Europe/Paris"),
                    "{reason}"
                )
            }
            _ => panic!("a zone outside the filter is not evaluated"),
        }
    }

    #[test]
    fn every_embedded_rule_compiles() {
        use super::super::registry::CrdRegistry;

        let mut rules = Vec::new();
        CrdRegistry::for_each_embedded_node(&mut |n| {
            rules.extend(n.validations.iter().map(|v| v.rule.source.to_owned()));
        });
        rules.sort();
        rules.dedup();
        // The fast parser and the Env's (ANTLR) parser agree on every rule.
        let env = &super::runtime().env;
        let differ: Vec<&String> = rules
            .iter()
            .filter(|r| {
                let antlr = env.parser().parse(r).map(|e| format!("{e:?}"));
                let pratt = super::fast_parser().parse(r).map(|e| format!("{e:?}"));
                match (antlr, pratt) {
                    (Ok(a), Ok(p)) => a != p,
                    (a, p) => a.is_ok() != p.is_ok(),
                }
            })
            .collect();
        assert!(
            differ.is_empty(),
            "{} of {}: {differ:#?}",
            differ.len(),
            rules.len()
        );
        let failed: Vec<String> = rules
            .iter()
            .filter_map(|r| match &*super::compiled(r) {
                super::Compiled::Err(e) => Some(format!("{r}: {e}")),
                super::Compiled::Ok { .. } => None,
            })
            .collect();
        assert!(rules.len() > 80, "{}", rules.len());
        assert!(failed.is_empty(), "{failed:#?}");
    }
}

#[cfg(test)]
mod program_tests {
    use super::super::registry::CrdRegistry;
    use super::{CelProgram, Compiled};

    /// The same text is compiled once however many nodes (and releases) use it, and a
    /// program is compiled when first evaluated, not when its schema is read.
    #[test]
    fn each_text_is_compiled_once() {
        let mut all: Vec<&'static CelProgram> = Vec::new();
        CrdRegistry::for_each_embedded_node(&mut |n| {
            all.extend(n.validations.iter().map(|v| &v.rule));
        });
        assert!(all.len() > 80, "{}", all.len());
        let fresh = all.iter().find(|p| p.compiled.get().is_none());
        assert!(
            fresh.is_some(),
            "reading a schema compiles none of its rules"
        );
        let first: *const Compiled = all[0].compiled();
        assert!(std::ptr::eq(first, all[0].compiled()));
        for p in all.iter().filter(|p| p.source == all[0].source) {
            assert!(std::ptr::eq(first, p.compiled()), "{}", p.source);
        }
    }
}

#[cfg(test)]
mod cache_tests {
    use super::{compiled, evaluate, fast_parser, Compiled, Outcome};
    use cel::{Context, Value as CelValue};
    use serde_json::{json, Value};
    use std::sync::Arc;

    fn describe(outcome: Outcome) -> String {
        match outcome {
            Outcome::Passed => "passed".into(),
            Outcome::Failed(m) => format!("failed: {m}"),
            Outcome::Transition => "transition".into(),
            Outcome::Unevaluated(r) => format!("unevaluated: {r}"),
        }
    }

    #[test]
    fn a_cached_program_is_the_fresh_parse() {
        for rule in [
            "self.a == 3",
            "self.all(x, x.matches('^[a-z]+$'))",
            "self.a == 'oldSelf'",
            "oldSelf == self",
        ] {
            let first = compiled(rule);
            let again = compiled(rule);
            assert!(Arc::ptr_eq(&first, &again), "{rule}: not cached");
            let fresh = fast_parser().parse(rule).unwrap();
            match &*again {
                Compiled::Ok {
                    program,
                    transition,
                } => {
                    assert_eq!(format!("{program:?}"), format!("{fresh:?}"), "{rule}");
                    assert_eq!(
                        *transition,
                        fresh.references().has_variable("oldSelf"),
                        "{rule}"
                    );
                }
                Compiled::Err(e) => panic!("{rule}: {e}"),
            }
        }
        // Spelled in a string, `oldSelf` is no transition.
        let n = crate::crd_schema::node::from_json(&json!({"type": "object"}));
        let v = json!({"a": "oldSelf"});
        for _ in 0..2 {
            assert!(matches!(
                evaluate("self.a == 'oldSelf'", None, None, false, &v, n),
                Outcome::Passed
            ));
        }
    }

    #[test]
    fn matches_answers_as_the_cel_crate_does() {
        let n = crate::crd_schema::node::from_json(&json!({"type": "object"}));
        let v = json!({"a": "abc", "n": 1});
        for (rule, expected) in [
            ("self.a.matches('^[a-z]+$')", "passed"),
            ("self.a.matches('^[0-9]+$')", "failed: failed rule: self.a.matches('^[0-9]+$')"),
            ("matches(self.a, 'b')", "passed"),
            ("matches(self.a, '^b')", "failed: failed rule: matches(self.a, '^b')"),
            // The cel crate's own message for a bad pattern.
            (
                "self.a.matches('(foo')",
                "unevaluated: evaluation error: Error executing function 'matches': '(foo' not a valid regex:",
            ),
            (
                "self.n.matches('1')",
                "unevaluated: evaluation error: unsupported function overload: found no matching overload for 'matches' applied to 'int.(string)'",
            ),
        ] {
            let got = describe(evaluate(rule, None, None, false, &v, n));
            assert!(got.starts_with(expected), "{rule}: {got}");
        }
    }

    /// `json` as the cel crate converts it itself: plain maps and lists.
    fn plain(json: &Value) -> CelValue {
        match json {
            Value::Null => CelValue::Null,
            Value::Bool(b) => CelValue::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => CelValue::Int(i),
                (None, Some(u)) => CelValue::UInt(u),
                _ => CelValue::Float(n.as_f64().unwrap()),
            },
            Value::String(s) => CelValue::String(Arc::new(s.clone())),
            Value::Array(items) => CelValue::List(Arc::new(items.iter().map(plain).collect())),
            Value::Object(map) => CelValue::Map(
                map.iter()
                    .map(|(k, v)| (k.as_str().into(), plain(v)))
                    .collect::<std::collections::HashMap<cel::objects::Key, CelValue>>()
                    .into(),
            ),
        }
    }

    #[test]
    fn shared_values_answer_as_plain_ones() {
        let n = crate::crd_schema::node::from_json(&json!({
            "type": "object",
            "properties": {
                "m": {"type": "object", "additionalProperties": {"type": "integer"}},
                "l": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "port": {"type": "integer"}}}},
                "s": {"type": "array", "items": {"type": "string"}},
            }
        }));
        let v = json!({
            "m": {"a": 1, "b": 2},
            "l": [{"name": "x", "port": 1}, {"name": "y", "port": 2}, {"name": "x", "port": 3}],
            "s": ["p", "q"],
        });
        let rules = [
            "self.m == {'a': 1, 'b': 2}",
            "{'a': 1, 'b': 2} == self.m",
            "self.l[0] == {'name': 'x', 'port': 1}",
            "self.l[0] != self.l[2]",
            "self.s == ['p', 'q']",
            "['p', 'q'] == self.s",
            "self.s + ['r'] == ['p', 'q', 'r']",
            "(['r'] + self.s)[1] == 'p'",
            "self.l.all(l1, self.l.exists_one(l2, l1.port == l2.port))",
            "self.l.all(l1, self.l.exists_one(l2, l1.name == l2.name))",
            "self.l.filter(x, x.name == 'x').size() == 2",
            "self.l.filter(x, x.name == 'x')[1].port == 3",
            "self.l.map(x, x)[1] == self.l[1]",
            "[self.l[1]][0].name == 'y'",
            "[self.m, self.m][1].b == 2",
            "self.l.map(x, x.port).exists(p, p == 3)",
            "'a' in self.m && !('c' in self.m)",
            "self.l[0] in self.l",
            "self.m.all(k, self.m[k] > 0)",
            "size(self.m) == 2 && self.l.size() == 3",
            "type(self.m) == map && type(self.l) == list",
            "has(self.l[0].name) && !has(self.l[0].other)",
            "self.l[0].other == 1",
            "self.l[5].name == 'x'",
            "self.m.c == 1",
            "self.m",
            "self.l",
            "self.l[1]",
            "self.l + self.l",
            "self.l.exists(x, x.port == 'a')",
            "self.l[0]['name'] == 'x'",
            "{'k': self.l}.k[2].port == 3",
            "optional.of(self.m).value().a == 1",
            "self.?m.?a.orValue(0) == 1",
            "self.l[?7].orValue(self.l[0]).port == 1",
        ];
        let shared: Vec<String> = rules
            .iter()
            .map(|rule| describe(evaluate(rule, None, None, false, &v, n)))
            .collect();
        let env = Arc::clone(&super::runtime().env);
        let plain_self = plain(&v);
        let by_plain: Vec<String> = rules
            .iter()
            .map(|rule| {
                let mut ctx = Context::with_env(Arc::clone(&env));
                ctx.add_variable_from_value("self", plain_self.clone());
                let program = fast_parser().parse(rule).unwrap();
                describe(match CelValue::resolve(&program, &ctx) {
                    Ok(CelValue::Bool(true)) => Outcome::Passed,
                    Ok(CelValue::Bool(false)) => Outcome::Failed(format!("failed rule: {rule}")),
                    Ok(other) => Outcome::Unevaluated(format!(
                        "rule returned {}, not a bool",
                        other.type_of()
                    )),
                    Err(e) => {
                        Outcome::Unevaluated(format!("evaluation error: {}", super::reason_of(&e)))
                    }
                })
            })
            .collect();
        for ((rule, s), p) in rules.iter().zip(&shared).zip(&by_plain) {
            assert_eq!(s, p, "{rule}");
        }
        assert!(
            shared.iter().filter(|s| *s == "passed").count() > 20,
            "{shared:#?}"
        );
    }
}
