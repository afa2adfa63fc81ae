//! Values: load the built-in defaults, the user's files (`-f`) and flags
//! (`--set-json`, `--set`, `--set-string`, `-n`), merge them with Helm's rules, and turn the
//! result into typed [`Values`]. Remembers which source set each key
//! ([`Origins`]) so that every later error can point into the right file.

pub mod merge;
pub mod model;
pub mod nulls;
pub mod show;
pub mod strvals;

use std::io::Read;

use crate::yaml::{self, Value};

use crate::error::{closest, Error, Location, Result};
use crate::input::read_files;
pub use crate::input::ValuesSource;
pub use crate::yaml::{KeyPath, KeyPositions, PathSeg};
pub use model::Values;

/// The built-in defaults, compiled into the binary.
pub const DEFAULT_VALUES: &str = include_str!("../../values/values.yaml");
const DEFAULTS_SOURCE: &str = "values/values.yaml (built-in defaults)";

/// What the user asked for on the command line, in Helm's terms.
#[derive(Debug, Clone, Default)]
pub struct ValuesInput {
    /// Values files in order; `-` is standard input.
    pub files: Vec<String>,
    /// `--set-json` arguments in order (applied before every `--set`, as
    /// Helm's `MergeValues` in `pkg/cli/values/options.go` does at v3.19.5).
    pub set_json: Vec<String>,
    /// `--set` arguments in order.
    pub set: Vec<String>,
    /// `--set-string` arguments in order (applied after every `--set`).
    pub set_string: Vec<String>,
    /// `-n/--namespace`, applied last.
    pub namespace: Option<String>,
}

/// The merged values, typed, with where each key came from.
#[derive(Debug, Clone)]
pub struct LoadedValues {
    pub tree: Value,
    pub values: Values,
    pub origins: Origins,
}

/// Which source set each key: the last source that wrote a path is the one
/// that decides its merged value.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    sources: Vec<KeyPositions>,
}

impl Origins {
    /// Where `path` was set: by the last source that wrote it or a key below
    /// it; failing that, where its nearest written ancestor was set.
    pub fn locate(&self, path: &KeyPath) -> Option<Location> {
        let mut probe = Some(path.clone());
        while let Some(p) = probe {
            if p.is_root() {
                return None;
            }
            if let Some(src) = self.sources.iter().rev().find(|s| s.touches(&p)) {
                return src.location_within(&p);
            }
            probe = p.parent();
        }
        None
    }

    /// Who set `path`, for people: `prod.yaml:5`, `--set a.b=1`,
    /// `--namespace x` or `default`. Keys inside a list belong to the source
    /// that wrote the list.
    pub fn describe(&self, path: &KeyPath) -> Option<String> {
        let mut probe = Some(path.clone());
        while let Some(p) = probe {
            if let Some(src) = self.sources.iter().rev().find(|s| s.contains(&p)) {
                let name = src.source();
                return Some(if name == DEFAULTS_SOURCE {
                    "default".to_string()
                } else if name.starts_with("--") {
                    if src.text().starts_with("--") {
                        src.text().to_string()
                    } else {
                        format!("{name} {}", src.text())
                    }
                } else {
                    let line = src.location(&p).map_or(0, |l| l.line);
                    format!("{name}:{line}")
                });
            }
            probe = p.parent().filter(|p| !p.is_root());
        }
        None
    }

    /// The name of the source that set `path`.
    pub fn source_of(&self, path: &KeyPath) -> Option<&str> {
        self.sources
            .iter()
            .rev()
            .find(|s| s.contains(path))
            .map(KeyPositions::source)
    }
}

/// Reads every file of `input` (standard input from `stdin`) and loads them.
pub fn load(input: &ValuesInput, stdin: &mut dyn Read) -> Result<LoadedValues> {
    let files = read_files(&input.files, stdin)?;
    load_sources(&files, input)
}

/// Merges the defaults, `files` and the flags of `input`, then types them.
pub fn load_sources(files: &[ValuesSource], input: &ValuesInput) -> Result<LoadedValues> {
    let mut tree = default_tree();
    let mut origins = Origins::default();
    origins
        .sources
        .push(KeyPositions::of_yaml(DEFAULTS_SOURCE, DEFAULT_VALUES));

    for file in files {
        // A byte-order mark may open a YAML stream (YAML 1.2, 5.2); it is not content.
        let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
        let parsed = parse_values_yaml(&file.name, text)?;
        let positions = KeyPositions::of_yaml(&file.name, text);
        for path in nulls::null_paths(&parsed) {
            nulls::check(&tree, &path, true)
                .map_err(|p| null_error(&path, p, |at| positions.location(at)))?;
        }
        merge::merge_into(&mut tree, parsed);
        origins.sources.push(positions);
    }

    let flags = input
        .set_json
        .iter()
        .map(|e| ("--set-json", e.as_str(), strvals::SetKind::Json))
        .chain(
            input
                .set
                .iter()
                .map(|e| ("--set", e.as_str(), strvals::SetKind::Typed)),
        )
        .chain(
            input
                .set_string
                .iter()
                .map(|e| ("--set-string", e.as_str(), strvals::SetKind::String)),
        );
    let mut entries_added = 0;
    for (flag, expr, kind) in flags {
        let assignments = strvals::parse(expr, kind).map_err(|e| {
            let loc = Location::in_text(flag, expr, 1, e.column, 1);
            let mut err =
                Error::usage(format!("invalid {flag} \"{expr}\": {}", e.message)).at(Some(loc));
            if let Some(hint) = e.hint {
                err = err.hint(hint);
            }
            err
        })?;
        let mut paths = Vec::with_capacity(assignments.len());
        let mut laid = Vec::new();
        for mut assignment in assignments {
            // The keys a JSON object names are this flag's, not the
            // defaults' laid under them.
            let mut named = Vec::new();
            if kind == strvals::SetKind::Json {
                key_paths(&assignment.path, &assignment.value, &mut named);
                assignment = json_over_defaults(&tree, assignment, flag, expr)?;
                key_paths(&assignment.path, &assignment.value, &mut laid);
            }
            entries_added += assignment.entries_added(&tree);
            if entries_added > strvals::MAX_ADDED_ENTRIES {
                return Err(Error::usage(format!(
                    "the --set flags add more than {} list entries in all",
                    strvals::MAX_ADDED_ENTRIES
                ))
                .at(Some(Location::in_text(flag, expr, 1, 1, expr.chars().count())))
                .hint("a list index pads the list up to it: set list items from 0 up, or give the list in a values file"));
            }
            if assignment.deletes() {
                nulls::check(&tree, &assignment.path, false).map_err(|p| {
                    null_error(&assignment.path, p, |_| {
                        Some(Location::in_text(flag, expr, 1, 1, expr.chars().count()))
                    })
                })?;
            }
            paths.push(assignment.apply(&mut tree));
            paths.extend(named);
        }
        // The defaults under a JSON object that it does not name stay the
        // defaults' (`values --origin`, error locations).
        laid.retain(|p| !paths.contains(p));
        origins
            .sources
            .push(KeyPositions::single(flag, expr, paths));
        if !laid.is_empty() {
            origins.sources.push(KeyPositions::of_yaml_only(
                DEFAULTS_SOURCE,
                DEFAULT_VALUES,
                &laid,
            ));
        }
    }

    if let Some(ns) = &input.namespace {
        let flag = format!("--namespace {ns}");
        if let Value::Mapping(map) = &mut tree {
            map.insert("namespace".into(), Value::String(ns.clone()));
        }
        origins.sources.push(KeyPositions::single(
            &flag,
            &flag,
            [KeyPath::root().key("namespace")],
        ));
    }

    let values = typed(&tree, &origins)?;
    Ok(LoadedValues {
        tree,
        values,
        origins,
    })
}

/// Every map key under `at` in `value` (not inside lists: a list belongs
/// to whoever wrote it).
fn key_paths(at: &KeyPath, value: &Value, out: &mut Vec<KeyPath>) {
    if let Value::Mapping(map) = value {
        for (key, child) in map {
            if let Some(key) = key.as_str() {
                let path = at.key(key);
                key_paths(&path, child, out);
                out.push(path);
            }
        }
    }
}

/// A `--set-json` object replaces what the files set at its key, but Helm
/// coalesces the chart's defaults under it afterwards (`chartutil`'s
/// `CoalesceValues`), so here it is laid over the defaults at that key.
/// A `null` inside it deletes a default, and is checked like one in a file.
fn json_over_defaults(
    tree: &Value,
    mut assignment: strvals::Assignment,
    flag: &str,
    expr: &str,
) -> Result<strvals::Assignment> {
    let whole = || Some(Location::in_text(flag, expr, 1, 1, expr.chars().count()));
    for inner in nulls::null_paths(&assignment.value) {
        let path = KeyPath([assignment.path.0.clone(), inner.0].concat());
        nulls::check(tree, &path, true).map_err(|p| null_error(&path, p, |_| whole()))?;
    }
    if !assignment.value.is_mapping() {
        return Ok(assignment);
    }
    // Through a list index the defaults do not reach: Helm replaces lists whole.
    let mut base = Some(default_tree());
    for seg in &assignment.path.0 {
        base = match (seg, base) {
            (PathSeg::Key(key), Some(Value::Mapping(mut map))) => map.shift_remove(key.as_str()),
            _ => None,
        };
    }
    let mut merged = match base {
        Some(base @ Value::Mapping(_)) => base,
        _ => Value::Null,
    };
    merge::merge_into(&mut merged, std::mem::take(&mut assignment.value));
    assignment.value = merged;
    Ok(assignment)
}

/// The error for a `null` at `path` that deletes nothing; `locate` finds a
/// path in the source that wrote the `null`.
fn null_error(
    path: &KeyPath,
    problem: nulls::Problem,
    locate: impl Fn(&KeyPath) -> Option<Location>,
) -> Error {
    let location = locate(&problem.path()).or_else(|| locate(path));
    match problem {
        nulls::Problem::UnknownKey { at, key, known } => {
            unknown_key(&at.key(key), &known).at(location)
        }
        nulls::Problem::NoEntry { map, key, existing } => {
            let hint = match closest(&key, existing.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`?"),
                None if existing.is_empty() => format!("`{map}` is empty"),
                None => format!("`{map}` has: {}", existing.join(", ")),
            };
            Error::input(format!(
                "cannot remove `{path}`: `{map}` has no entry `{key}`"
            ))
            .at(location)
            .hint(hint)
        }
    }
}

/// "unknown key `x` in `a.b`" (or "at the top level"), with the nearest of
/// `expected` or the list of them as the hint; no location yet.
fn unknown_key(key_path: &KeyPath, expected: &[String]) -> Error {
    let field = key_path.last_key().unwrap_or_default();
    let parent = key_path.parent().unwrap_or_default();
    let within = if parent.is_root() {
        "at the top level".to_string()
    } else {
        format!("in `{parent}`")
    };
    let hint = match closest(field, expected.iter().map(String::as_str)) {
        Some(known) => format!("did you mean `{known}`?"),
        None => format!("known keys here: {}", expected.join(", ")),
    };
    Error::input(format!("unknown key `{field}` {within}")).hint(hint)
}

/// [`DEFAULT_VALUES`], parsed once per process (a test proves it parses);
/// each caller merges into its own copy.
fn default_tree() -> Value {
    static DEFAULTS: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DEFAULTS
        .get_or_init(|| {
            parse_values_yaml(DEFAULTS_SOURCE, DEFAULT_VALUES).expect("the built-in defaults parse")
        })
        .clone()
}

/// Parses one values document; an empty one is an empty map.
fn parse_values_yaml(source: &str, text: &str) -> Result<Value> {
    yaml::check_depth(source, text)?;
    let value = one_document(source, text, yaml::documents(source, text)?)?;
    if let Some((path, key)) = first_non_string_key(&value, &KeyPath::root()) {
        let positions = KeyPositions::of_yaml(source, text);
        let place = if path == KeyPath::root() {
            "at the top level".to_string()
        } else {
            format!("under `{path}`")
        };
        let fallback = || {
            positions
                .location_within(&path)
                .or_else(|| Some(Location::in_text(source, text, 1, 1, 1)))
        };
        let what = match key {
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::Null => "null",
            _ => {
                return Err(
                    Error::input(format!("a key {place} is a list or map, not a string"))
                        .at(fallback())
                        .hint("values keys are plain names, such as `east` or `gateway`"),
                )
            }
        };
        let written = yaml::to_string(&key);
        let written = written.trim_end();
        return Err(
            Error::input(format!("key `{written}` {place} is {what}, not a string"))
                .at(positions.location(&path.key(written)).or_else(fallback))
                .hint(format!(
                    "values keys are strings: quote it, as in `\"{written}\": ...`"
                )),
        );
    }
    match value {
        Value::Null => Ok(Value::Mapping(Default::default())),
        Value::Mapping(_) => Ok(value),
        other => Err(Error::input(format!(
            "values file `{source}` must be a map of keys, found {}",
            describe_value(&other)
        ))
        .at(Some(Location::in_text(source, text, 1, 1, 1)))
        .hint("a values file looks like `gateway:\\n  weights:\\n    east: 80`")),
    }
}

/// The one document of a values file. Empty documents (a trailing `---`)
/// are skipped; a second document with content is refused, at its `---`,
/// since which one counts would be a guess.
fn one_document(source: &str, text: &str, documents: Vec<Value>) -> Result<Value> {
    let mut found = None;
    let mut count = 0;
    let mut second = None;
    for value in documents {
        count += 1;
        if value.is_null() {
            continue;
        }
        if found.is_some() {
            second.get_or_insert(count - 1);
            continue;
        }
        found = Some(value);
    }
    let Some(index) = second else {
        return Ok(found.unwrap_or(Value::Null));
    };
    // Document `index` starts at its `---`: the index-th marker if the text
    // does not open with one, else the one after.
    let markers = yaml::document_markers(text);
    let opens_with_marker = markers.first() == Some(&1);
    let line = markers
        .get(if opens_with_marker { index } else { index - 1 })
        .copied()
        .unwrap_or(1);
    Err(Error::input(format!(
        "values file `{source}` holds {count} YAML documents; a values file is one map"
    ))
    .at(Some(Location::in_text(source, text, line, 1, 3)))
    .hint("merge them into one map, or pass each as its own `-f` file (later files override earlier ones)"))
}

/// The first map key (in document order) that is not a string, with the path
/// of the map that holds it.
fn first_non_string_key(value: &Value, path: &KeyPath) -> Option<(KeyPath, Value)> {
    match value {
        Value::Mapping(map) => map.iter().find_map(|(k, v)| match k {
            Value::String(key) => first_non_string_key(v, &path.key(key.clone())),
            other => Some((path.clone(), other.clone())),
        }),
        Value::Sequence(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| first_non_string_key(v, &path.index(i))),
        Value::Tagged(tagged) => first_non_string_key(&tagged.value, path),
        _ => None,
    }
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a map".into(),
        Value::Tagged(t) => format!("a value tagged {}", t.tag),
    }
}

/// The merged tree as [`Values`], with serde's errors made readable.
fn typed(tree: &Value, origins: &Origins) -> Result<Values> {
    let values: Values = serde_path_to_error::deserialize(tree)
        .map_err(|e| type_error(e.path(), e.inner().to_string(), origins))?;
    for key in values.global.others.keys() {
        if let Some(known) = closest(key, model::Global::KNOWN) {
            let path = KeyPath::root().key("global").key(key.clone());
            return Err(Error::input(format!("unknown key `{key}` in `global`"))
                .at(origins.locate(&path))
                .hint(format!("did you mean `{known}`?")));
        }
    }
    Ok(values)
}

fn to_key_path(path: &serde_path_to_error::Path) -> KeyPath {
    use serde_path_to_error::Segment;
    let mut out = KeyPath::root();
    for seg in path.iter() {
        out = match seg {
            Segment::Seq { index } => out.index(*index),
            Segment::Map { key } => out.key(key.clone()),
            Segment::Enum { .. } | Segment::Unknown => out,
        };
    }
    out
}

/// Rewrites serde's messages in the words of values files.
fn type_error(path: &serde_path_to_error::Path, message: String, origins: &Origins) -> Error {
    let mut key_path = to_key_path(path);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = split_ticked(rest);
        // serde_path_to_error records the unknown key itself as the last step.
        if key_path.last_key() != Some(field.as_str()) {
            key_path = key_path.key(field.clone());
        }
        return unknown_key(&key_path, &expected).at(origins.locate(&key_path));
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let (field, _) = split_ticked(rest);
        let full = key_path.key(field.clone());
        return Error::input(format!("`{full}` is missing"))
            .at(origins.locate(&full))
            .hint(format!(
                "`{full}` is required; was it deleted with `null` or an empty map? See values/values.yaml for its default"
            ));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (found, expected) = split_ticked(rest);
        let hint = match closest(&found, expected.iter().map(String::as_str)) {
            Some(known) => format!("did you mean `{known}`?"),
            None => format!("use one of: {}", expected.join(", ")),
        };
        return Error::input(format!(
            "`{key_path}` must be one of {}, found `{found}`",
            expected.join(", ")
        ))
        .at(origins.locate(&key_path))
        .hint(hint);
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            let expected = plain_expectation(expected);
            let found = match found {
                "sequence" => "a list",
                "map" => "a map",
                "unit value" => "nothing (null)",
                other => other,
            };
            let hint = if found.starts_with("string") && expected == "an integer" {
                "write a whole number, such as 50, without quotes".to_string()
            } else {
                format!("give `{key_path}` {expected}")
            };
            return Error::input(format!("`{key_path}` must be {expected}, found {found}"))
                .at(origins.locate(&key_path))
                .hint(hint);
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return Error::input(format!(
                "`{key_path}` must be {}, found {found}",
                plain_expectation(expected)
            ))
            .at(origins.locate(&key_path));
        }
    }
    Error::input(format!("`{key_path}`: {message}")).at(origins.locate(&key_path))
}

/// `x`, expected one of `a`, `b` -> ("x", ["a", "b"]).
fn split_ticked(rest: &str) -> (String, Vec<String>) {
    let (first, tail) = rest.split_once('`').unwrap_or((rest, ""));
    let expected = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    (first.to_string(), expected)
}

fn plain_expectation(expected: &str) -> String {
    match expected {
        "i64" | "i32" | "u64" | "u32" | "u16" | "u8" | "usize" => "an integer".into(),
        "a boolean" => "true or false".into(),
        "a string" => "a string".into(),
        "a sequence" => "a list".into(),
        e if e.starts_with("struct ") || e == "a map" => "a map of keys".into(),
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_defaults_parse_in_the_files_order() {
        // Keys in the file's order at every level, as `hubgw values` prints them.
        let text = yaml::to_string(&default_tree());
        assert!(
            text.starts_with("namespace: hub-gateway-system\n"),
            "{text}"
        );
        assert!(text.lines().count() > 40, "{text}");
    }

    fn source(name: &str, text: &str) -> ValuesSource {
        ValuesSource {
            name: name.into(),
            text: text.into(),
        }
    }

    fn load_with(files: &[(&str, &str)], set: &[&str]) -> Result<LoadedValues> {
        let files: Vec<_> = files.iter().map(|(n, t)| source(n, t)).collect();
        let input = ValuesInput {
            set: set.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        load_sources(&files, &input)
    }

    #[test]
    fn json_keeps_its_raw_line_separators_and_nel() {
        // What JSON says, in keys and values; libyaml alone folded the NEL
        // of a value to a space and refused a key holding any of them.
        let text = "{\"global\": {\"k\u{2028}\": \"a\u{85}b\", \"p\": \"c\u{2029}\u{feff}d\"}}";
        let parsed = parse_values_yaml("v.json", text).unwrap();
        let expected: Value = serde_json::from_str::<serde_json::Value>(text)
            .map(|j| yaml::from_json(&j))
            .unwrap();
        assert_eq!(parsed, expected);
        assert_eq!(parsed["global"]["k\u{2028}"], Value::from("a\u{85}b"));
        // YAML that is not JSON is read as before (libyaml's YAML 1.1).
        let yaml = parse_values_yaml("v.yaml", "global: {p: \"c\u{2029}d\"}\n").unwrap();
        assert_eq!(yaml["global"]["p"], Value::from("c\u{2029}d"));
        // A repeated key in JSON is still refused, where it stands.
        let err = parse_values_yaml("v.json", "{\"a\": \"\u{2028}\", \"a\": 1}").unwrap_err();
        assert!(err.to_string().contains("duplicate"), "{err}");
    }

    #[test]
    fn defaults_alone_are_typed() {
        let loaded = load_with(&[], &[]).unwrap();
        assert_eq!(loaded.values.namespace, "hub-gateway-system");
        assert_eq!(loaded.values.app.name, "industrial-edge");
        assert_eq!(
            loaded.values.clusters.keys().collect::<Vec<_>>(),
            ["east", "west"]
        );
        assert!(loaded.values.gateway.circuit_breaking.enabled);
    }

    #[test]
    fn origins_name_the_last_source_that_set_a_key() {
        let loaded = load_with(
            &[
                ("a.yaml", "app:\n  name: shop\nnamespace: one\n"),
                ("b.yaml", "namespace: two\n"),
            ],
            &["app.host=shop.example.com"],
        )
        .unwrap();
        let at = |p: &str| loaded.origins.locate(&KeyPath::parse(p)).unwrap();
        assert_eq!(at("namespace").to_string(), "b.yaml:1:1");
        assert_eq!(at("app.name").to_string(), "a.yaml:2:3");
        assert_eq!(at("app.host").source, "--set");
        assert_eq!(
            loaded.origins.source_of(&KeyPath::parse("route.name")),
            Some(DEFAULTS_SOURCE)
        );
        assert_eq!(loaded.values.namespace, "two");
    }

    #[test]
    fn set_json_applies_before_set_and_over_the_defaults() {
        let files = [ValuesSource {
            name: "hubgw.yaml".into(),
            text: "gateway:\n  circuitBreaking:\n    connectionPool: {tcp: {maxConnections: 7}}\n"
                .into(),
        }];
        let input = ValuesInput {
            set: vec!["app.name=from-set".into()],
            set_json: vec![
                r#"app.name="from-json",gateway.circuitBreaking={"outlierDetection":{"interval":"5s"}}"#.into(),
            ],
            ..Default::default()
        };
        let loaded = load_sources(&files, &input).unwrap();
        assert_eq!(loaded.values.app.name, "from-set");
        let cb = &loaded.tree["gateway"]["circuitBreaking"];
        // The file's connectionPool is replaced, the defaults stay under it.
        assert_eq!(cb["connectionPool"]["tcp"]["maxConnections"], 100);
        assert_eq!(cb["outlierDetection"]["interval"], "5s");
        assert_eq!(cb["outlierDetection"]["consecutive5xxErrors"], 3);
        assert_eq!(cb["enabled"], true);
        // `values --origin`: the flag for the keys it names, the defaults
        // for those laid under them.
        let who = |p: &str| loaded.origins.describe(&KeyPath::parse(p)).unwrap();
        let interval = who("gateway.circuitBreaking.outlierDetection.interval");
        assert!(interval.starts_with("--set-json app.name="), "{interval}");
        assert_eq!(
            who("gateway.circuitBreaking.outlierDetection.consecutive5xxErrors"),
            "default"
        );
        assert_eq!(
            who("gateway.circuitBreaking.connectionPool.tcp.maxConnections"),
            "default"
        );
        // A null inside the JSON is checked like one in a file.
        let input = ValuesInput {
            set_json: vec![r#"gateway={"circuitBreakng":null}"#.into()],
            ..Default::default()
        };
        let err = load_sources(&[], &input).unwrap_err().to_string();
        assert!(err.contains("circuitBreakng"), "{err}");
    }

    #[test]
    fn set_string_applies_after_set() {
        let files: Vec<ValuesSource> = Vec::new();
        let input = ValuesInput {
            set: vec!["app.name=from-set".into()],
            set_string: vec!["app.name=from-set-string".into()],
            namespace: Some("from-flag".into()),
            ..Default::default()
        };
        let loaded = load_sources(&files, &input).unwrap();
        assert_eq!(loaded.values.app.name, "from-set-string");
        assert_eq!(loaded.values.namespace, "from-flag");
    }

    #[test]
    fn empty_file_is_an_empty_map() {
        assert!(load_with(&[("empty.yaml", "")], &[]).is_ok());
        assert!(load_with(&[("comments.yaml", "# nothing\n")], &[]).is_ok());
    }

    #[test]
    fn unknown_key_error_carries_location_and_suggestion() {
        let err =
            load_with(&[("v.yaml", "route:\n  tls:\n    terminaton: edge\n")], &[]).unwrap_err();
        assert_eq!(err.message, "unknown key `terminaton` in `route.tls`");
        assert_eq!(err.location.unwrap().to_string(), "v.yaml:3:5");
        assert_eq!(err.hint.as_deref(), Some("did you mean `termination`?"));
    }

    #[test]
    fn unknown_key_far_from_any_lists_the_known_ones() {
        let err = load_with(&[("v.yaml", "waypoint:\n  zzz: 1\n")], &[]).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("known keys here: className"));
    }

    #[test]
    fn wrong_types_are_named_in_plain_words() {
        let err = load_with(&[("v.yaml", "route:\n  enabled: sometimes\n")], &[]).unwrap_err();
        assert_eq!(
            err.message,
            "`route.enabled` must be true or false, found string \"sometimes\""
        );
        let err = load_with(&[("v.yaml", "clusters: [east]\n")], &[]).unwrap_err();
        assert_eq!(
            err.message,
            "`clusters` must be a map of keys, found a list"
        );
    }

    #[test]
    fn split_ticked_reads_serde_lists() {
        assert_eq!(
            split_ticked("x`, expected one of `a`, `b`"),
            ("x".to_string(), vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(
            split_ticked("x`, expected `a`"),
            ("x".to_string(), vec!["a".to_string()])
        );
    }
}
