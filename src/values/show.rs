//! `hubgw values`: the merged values written back out as YAML, optionally
//! with where each key came from (`--origin`) as a trailing comment. The
//! output reads back as a values file that gives the same values.

use crate::yaml::Value;

use super::{KeyPath, LoadedValues};

/// The merged values as YAML; with `origin`, each value line ends in a
/// comment naming the file and line, flag or default that set it.
pub fn to_yaml(loaded: &LoadedValues, origin: bool) -> String {
    let mut lines = Vec::new();
    let defaults = super::default_tree();
    emit_map_body(
        &loaded.tree,
        Some(&defaults),
        &KeyPath::root(),
        0,
        &mut lines,
        &|p| origin.then(|| loaded.origins.describe(p)).flatten(),
    );
    let width = lines
        .iter()
        .filter(|(_, c)| c.is_some())
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (line, comment) in lines {
        out.push_str(&line);
        if let Some(c) = comment {
            let pad = width - line.chars().count() + 2;
            out.push_str(&" ".repeat(pad));
            out.push_str("# ");
            out.push_str(&c);
        }
        out.push('\n');
    }
    out
}

type Lines = Vec<(String, Option<String>)>;

/// `defaults`: the built-in defaults at this place. A default key the
/// values deleted (`null`) is written as `key: null`, so that the output
/// read back over the defaults deletes it again.
fn emit_map_body(
    value: &Value,
    defaults: Option<&Value>,
    path: &KeyPath,
    indent: usize,
    out: &mut Lines,
    origin: &dyn Fn(&KeyPath) -> Option<String>,
) {
    let Value::Mapping(map) = value else { return };
    let defaults = match defaults {
        Some(Value::Mapping(d)) => Some(d),
        _ => None,
    };
    let pad = " ".repeat(indent);
    for (key, child) in map {
        let key_text = key_name(key);
        let child_path = path.key(key_text.clone());
        let key_text = scalar(&Value::String(key_text));
        emit_entry(
            &format!("{pad}{key_text}:"),
            child,
            defaults.and_then(|d| d.get(key)),
            &child_path,
            indent,
            out,
            origin,
        );
    }
    for key in defaults.into_iter().flat_map(|d| d.keys()) {
        if !map.contains_key(key) {
            let deleted = path.key(key_name(key));
            out.push((format!("{pad}{}: null", scalar(key)), origin(&deleted)));
        }
    }
}

/// A map key as the key paths spell it.
fn key_name(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => scalar(other),
    }
}

/// `head` is `key:` or `-`; a leaf goes on the same line, a collection below.
fn emit_entry(
    head: &str,
    value: &Value,
    defaults: Option<&Value>,
    path: &KeyPath,
    indent: usize,
    out: &mut Lines,
    origin: &dyn Fn(&KeyPath) -> Option<String>,
) {
    match value {
        // An empty map over a default one deleted its keys: they are named.
        Value::Mapping(map)
            if !map.is_empty() || matches!(defaults, Some(Value::Mapping(d)) if !d.is_empty()) =>
        {
            out.push((head.to_string(), None));
            emit_map_body(value, defaults, path, indent + 2, out, origin);
        }
        Value::Sequence(items) if !items.is_empty() => {
            out.push((head.to_string(), None));
            let pad = " ".repeat(indent + 2);
            for (i, item) in items.iter().enumerate() {
                emit_entry(
                    &format!("{pad}-"),
                    item,
                    None,
                    &path.index(i),
                    indent + 4,
                    out,
                    origin,
                );
            }
        }
        leaf => out.push((format!("{head} {}", scalar(leaf)), origin(path))),
    }
}

/// One value on one line. Strings (keys too) are quoted wherever a YAML 1.1
/// or 1.2 reader could take them for a non-string, and double-quoted with
/// escapes when they span lines; numbers, booleans and null as serde_yaml
/// writes them.
fn scalar(value: &Value) -> String {
    match value {
        Value::Mapping(m) if m.is_empty() => "{}".into(),
        Value::Sequence(s) if s.is_empty() => "[]".into(),
        // The output emitter's quoting: right for YAML 1.1 readers too.
        Value::String(s) => crate::yaml::one_line_string(s),
        other => {
            let text = crate::yaml::to_string(other);
            let text = text.trim_end_matches('\n');
            if text.contains('\n') {
                serde_json::to_string(other).unwrap_or_else(|_| text.replace('\n', " "))
            } else {
                text.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{load_sources, ValuesInput, ValuesSource};
    use super::*;

    fn load(files: &[(&str, &str)], set: &[&str]) -> LoadedValues {
        let files: Vec<_> = files
            .iter()
            .map(|(n, t)| ValuesSource {
                name: n.to_string(),
                text: t.to_string(),
            })
            .collect();
        let input = ValuesInput {
            set: set.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        load_sources(&files, &input).unwrap()
    }

    #[test]
    fn output_reads_back_as_the_same_values() {
        let loaded = load(
            &[(
                "a.yaml",
                "labels: {team: \"a\\nb\", 'x.y/z': 'true'}\nglobal: {other: [1, {k: v}, []]}\n",
            )],
            &["gateway.weights.east=80", "gateway.weights.west=20"],
        );
        for origin in [false, true] {
            let text = to_yaml(&loaded, origin);
            let back: Value = crate::yaml::from_str("test", &text).unwrap();
            assert_eq!(back, loaded.tree, "{text}");
        }
    }

    #[test]
    fn origins_name_file_and_line_flag_or_default() {
        let loaded = load(
            &[("prod.yaml", "namespace: prod\napp:\n  name: shop\n")],
            &["gateway.weights.east=80,gateway.weights.west=20"],
        );
        let text = to_yaml(&loaded, true);
        let line = |start: &str| {
            text.lines()
                .find(|l| l.trim_start().starts_with(start))
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(line("namespace:"), "namespace: prod # prod.yaml:1");
        assert_eq!(line("name: shop"), "name: shop # prod.yaml:3");
        assert_eq!(
            line("east: 80"),
            "east: 80 # --set gateway.weights.east=80,gateway.weights.west=20"
        );
        assert_eq!(line("className: istio"), "className: istio # default");
    }
}
