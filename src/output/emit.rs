//! YAML text for one object, byte for byte what `serde_yaml::to_string`
//! writes, for the objects hubgw renders.
//!
//! Why not only serde_yaml: it decides each string's quoting by running its
//! YAML scalar resolver over the string and then drives libyaml's emitter
//! event by event; on a 100-application render that was a sixth of all the
//! work. Objects whose strings are all printable ASCII on one line (every
//! object the shipped templates make) are written here; any other object is
//! handed to serde_yaml whole, so literal blocks, escapes and non-ASCII text
//! keep serde_yaml's exact form. The tests below, a property test over
//! trees of tricky strings among them, hold the two to the same bytes.

use serde_json::{Map, Number, Value};

/// Writes `value` (a map: a Kubernetes object) as a YAML document body, as
/// `serde_yaml::to_string` does.
pub fn to_yaml(value: &Value) -> Result<String, serde_yaml::Error> {
    let mut out = String::with_capacity(1024);
    match value {
        Value::Object(map) if !map.is_empty() && block_map(map, 0, false, &mut out) => Ok(out),
        _ => serde_yaml::to_string(value),
    }
}

/// A non-empty map in block style at `indent`; `inline`: its first key
/// continues a `- ` line. False when a string is outside the fast subset.
fn block_map(map: &Map<String, Value>, indent: usize, inline: bool, out: &mut String) -> bool {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline {
            pad(indent, out);
        }
        // libyaml writes keys over 128 bytes in the `? key` form.
        if key.len() > 128 || !scalar_string(key, out) {
            return false;
        }
        out.push(':');
        if !block_value(value, indent, true, out) {
            return false;
        }
    }
    true
}

/// A non-empty list in block style, its `- ` at `indent`.
fn block_seq(items: &[Value], indent: usize, inline: bool, out: &mut String) -> bool {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline {
            pad(indent, out);
        }
        out.push('-');
        if !block_value(item, indent, false, out) {
            return false;
        }
    }
    true
}

/// What follows `key:` (`in_map`) or `-`: a scalar or empty collection on
/// the same line, or a nested collection. Lists in a map are not indented
/// further; maps are, by two; a collection in a list starts on the `- ` line.
fn block_value(value: &Value, indent: usize, in_map: bool, out: &mut String) -> bool {
    match value {
        Value::Object(map) if !map.is_empty() => {
            if in_map {
                out.push('\n');
                block_map(map, indent + 2, false, out)
            } else {
                out.push(' ');
                block_map(map, indent + 2, true, out)
            }
        }
        Value::Array(items) if !items.is_empty() => {
            if in_map {
                out.push('\n');
                block_seq(items, indent, false, out)
            } else {
                out.push(' ');
                block_seq(items, indent + 2, true, out)
            }
        }
        scalar => {
            out.push(' ');
            let ok = match scalar {
                Value::Object(_) => {
                    out.push_str("{}");
                    true
                }
                Value::Array(_) => {
                    out.push_str("[]");
                    true
                }
                Value::Null => {
                    out.push_str("null");
                    true
                }
                Value::Bool(b) => {
                    out.push_str(if *b { "true" } else { "false" });
                    true
                }
                Value::Number(n) => number(n, out),
                Value::String(s) => scalar_string(s, out),
            };
            out.push('\n');
            ok
        }
    }
}

fn pad(indent: usize, out: &mut String) {
    // In one copy, not a push per space: indentation is a fifth of the output.
    const SPACES: &str = "                                                                ";
    let mut left = indent;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        left -= n;
    }
}

/// Numbers as serde_yaml writes them: integers as is, floats by ryu (JSON
/// numbers are always finite).
fn number(n: &Number, out: &mut String) -> bool {
    use std::fmt::Write as _;
    match n.as_f64() {
        Some(f) if n.is_f64() => out.push_str(ryu::Buffer::new().format_finite(f)),
        _ => write!(out, "{n}").expect("writing to a String"),
    }
    true
}

/// A string plain or single-quoted as serde_yaml chooses; false (nothing
/// written) when it is outside the fast subset.
fn scalar_string(s: &str, out: &mut String) -> bool {
    let bytes = s.as_bytes();
    let printable_line = bytes.iter().all(|b| (0x20..0x7f).contains(b));
    if !printable_line || bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    if resolves_to_non_string(s) || !plain_allowed(bytes) {
        out.push('\'');
        for part in s.split_inclusive('\'') {
            out.push_str(part);
            if part.ends_with('\'') {
                out.push('\'');
            }
        }
        out.push('\'');
    } else {
        out.push_str(s);
    }
    true
}

/// libyaml's test for a plain scalar in block context (its
/// `yaml_emitter_analyze_scalar`), for one line of printable ASCII without
/// leading or trailing spaces.
fn plain_allowed(b: &[u8]) -> bool {
    if b.starts_with(b"---") || b.starts_with(b"...") {
        return false;
    }
    let blank_or_end = |i: usize| b.get(i).is_none_or(|c| *c == b' ');
    for (i, &c) in b.iter().enumerate() {
        let indicator = if i == 0 {
            matches!(
                c,
                b'#' | b','
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'&'
                    | b'*'
                    | b'!'
                    | b'|'
                    | b'>'
                    | b'\''
                    | b'"'
                    | b'%'
                    | b'@'
                    | b'`'
            ) || (matches!(c, b'?' | b':' | b'-') && blank_or_end(1))
        } else {
            (c == b':' && blank_or_end(i + 1)) || (c == b'#' && b[i - 1] == b' ')
        };
        if indicator {
            return false;
        }
    }
    true
}

/// Whether serde_yaml would read `s`, written plain, as something other than
/// a string (null, a boolean, an integer or a float): then it quotes it.
/// Mirrors `serde_yaml::de::visit_untagged_scalar`.
fn resolves_to_non_string(s: &str) -> bool {
    let word = matches!(
        s,
        "" | "~"
            | "null"
            | "Null"
            | "NULL"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
    );
    // No number starts with a letter (`inf` and `nan` read as floats, but not
    // finite ones), so most strings need no number parsing.
    if word || s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return word;
    }
    is_int(s) || digits_but_not_number(s) || is_float(s)
}

/// Leading zeros before digits: a string in YAML 1.2, which serde_yaml
/// quotes all the same.
fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

fn is_int(s: &str) -> bool {
    unsigned_int(s) || negative_int(s)
}

fn radix_prefixed(rest: &str, radix: u32, negative: bool) -> bool {
    if negative {
        i128::from_str_radix(&format!("-{rest}"), radix).is_ok()
    } else {
        !rest.starts_with(['+', '-']) && u128::from_str_radix(rest, radix).is_ok()
    }
}

fn unsigned_int(s: &str) -> bool {
    let unpositive = s.strip_prefix('+').unwrap_or(s);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return false;
            }
            if radix_prefixed(rest, radix, false) {
                return true;
            }
        }
    }
    !unpositive.starts_with(['+', '-'])
        && !digits_but_not_number(s)
        && unpositive.parse::<u128>().is_ok()
}

fn negative_int(s: &str) -> bool {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if radix_prefixed(rest, radix, true) {
                return true;
            }
        }
    }
    !digits_but_not_number(s) && s.parse::<i128>().is_ok()
}

fn is_float(s: &str) -> bool {
    let unpositive = match s.strip_prefix('+') {
        Some(u) if u.starts_with(['+', '-']) => return false,
        Some(u) => u,
        None => s,
    };
    matches!(unpositive, ".inf" | ".Inf" | ".INF")
        || matches!(s, "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN")
        || unpositive.parse::<f64>().is_ok_and(f64::is_finite)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn same(value: &Value) {
        assert_eq!(
            to_yaml(value).unwrap(),
            serde_yaml::to_string(value).unwrap(),
            "{value}"
        );
    }

    #[test]
    fn same_bytes_as_serde_yaml() {
        same(&json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "a", "labels": {}, "annotations": {"argocd.argoproj.io/sync-wave": "2"}},
            "spec": {
                "ports": [{"name": "http", "port": 80, "targetPort": 8080}],
                "empty": [],
                "nested": [[1, 2], [], [{}], [{"a": [3, {"b": null}]}]],
                "floats": [1.5, 0.1, 1e300, -2.0],
                "flags": [true, false, null],
            }
        }));
    }

    #[test]
    fn quotes_what_serde_yaml_quotes() {
        let strings = [
            "",
            "0",
            "007",
            "-0",
            "+1",
            "1.5",
            "1e3",
            ".5",
            "5.",
            "0x1F",
            "0o17",
            "0b101",
            "-0x1",
            "+0x1",
            "0x",
            "0xZ",
            "1_000",
            "inf",
            ".inf",
            "-.inf",
            "+.inf",
            ".nan",
            "nan",
            "NaN",
            "true",
            "True",
            "TRUE",
            "tRue",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "null",
            "Null",
            "~",
            "*.example.com",
            "a*b",
            "-",
            "-a",
            "- a",
            "?",
            "?a",
            "? a",
            ":",
            ":a",
            "a:",
            "a:b",
            "a: b",
            "a #b",
            "a#b",
            "#a",
            "---",
            "--",
            "---a",
            "...",
            "a...",
            "it's",
            "'a",
            "\"a\"",
            "a\"b",
            "%a",
            "@a",
            "`a",
            "[a]",
            "a[b]",
            "{a}",
            "a,b",
            ",a",
            "&a",
            "!a",
            "|a",
            ">a",
            "a|b",
            "http://x:8080/p?q=1#f",
            "100%",
            "1:2",
            "12:30",
            "2001-12-14",
            "-.5",
            "+.5",
            "--1",
            "+-1",
            "1e",
            "e1",
            "0.0.1",
            "9223372036854775808",
            "340282366920938463463374607431768211456",
        ];
        for s in strings {
            same(&json!({ "k": s }));
            same(&json!({ s: "v" }));
            same(&json!([s]));
        }
    }

    #[test]
    fn hands_the_rest_to_serde_yaml() {
        for s in [
            " a",
            "a ",
            "a\nb",
            "a\n",
            "tab\there",
            "caf\u{e9}",
            "\u{7f}",
            "x\r",
        ] {
            same(&json!({ "k": s }));
        }
        same(&json!({ "k".repeat(129): 1 }));
        same(&json!({}));
        same(&json!([1, 2]));
    }

    mod prop {
        use super::same;
        use proptest::prelude::*;
        use serde_json::Value;

        /// Strings made of the characters that change YAML's reading:
        /// indicators, digits, signs, spaces and quotes; `others` adds a
        /// newline, a tab and non-ASCII, which go to serde_yaml.
        fn tricky_string(others: bool) -> impl Strategy<Value = String> {
            let extra = if others { "\n\t\u{e9}" } else { "" };
            proptest::string::string_regex(&format!(
                "[-+.:#?*&!|>'\"%@`,\\[\\]{{}} 0-9a-fxobeEinftrulTFN_~{extra}]{{0,8}}"
            ))
            .expect("a valid pattern")
        }

        fn tree(others: bool) -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::from),
                any::<f64>().prop_map(Value::from),
                tricky_string(others).prop_map(Value::String),
            ];
            leaf.prop_recursive(4, 48, 6, move |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                    proptest::collection::vec((tricky_string(others), inner), 0..5)
                        .prop_map(|kv| Value::Object(kv.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn same_bytes_as_serde_yaml_for_any_tree(
                others in any::<bool>(),
                root in proptest::collection::vec((tricky_string(false), tree(false)), 1..6),
                mixed in proptest::collection::vec((tricky_string(true), tree(true)), 1..6),
            ) {
                let root = if others { mixed } else { root };
                same(&Value::Object(root.into_iter().collect()));
            }
        }
    }
}
