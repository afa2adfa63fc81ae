//! YAML text for one object that every YAML reader reads back as the same
//! JSON value: kubectl and `oc` (sigs.k8s.io/yaml over its go-yaml v2 fork,
//! YAML 1.1 rules), serde_yaml and other YAML 1.2 readers alike.
//!
//! Why its own emitter: kubectl resolves plain scalars by YAML 1.1 rules,
//! where `no`, `On`, `y`, `1_000`, `0777`, `1:20` or `.5` are booleans and
//! numbers, while serde_yaml quotes only what YAML 1.2 reads as a non-string.
//! A spoke called `no` then becomes the label value `false`, and kubectl
//! fails on the stream (`cannot unmarshal bool into ... of type string`).
//! Here any string that a YAML 1.1 or 1.2 reader could take for a
//! non-string is single-quoted, keys included (see [`yaml11_non_string`]).
//!
//! Every other string is written as serde_yaml (libyaml) writes it, byte for
//! byte: plain when it can be, single-quoted, a literal block (`|`, `|-`)
//! for multi-line text, double-quoted with escapes otherwise. It is also
//! quicker: serde_yaml runs its scalar resolver over every string and drives
//! libyaml event by event, a sixth of a 100-application render. Two
//! deliberate differences from serde_yaml, both to keep readers agreeing:
//! text with U+2028/U+2029 (line breaks to YAML 1.1, not to 1.2) and text
//! ending in two or more newlines (a `|+` block, after which libyaml writes
//! a `...` document end) are double-quoted. The tests below hold the two to
//! the same bytes elsewhere; tests/kubectl.rs checks kubectl's reading.

use serde_json::{Map, Number, Value};

/// Writes `value` (a map: a Kubernetes object) as a YAML document body.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::with_capacity(1024);
    match value {
        Value::Object(map) if !map.is_empty() => block_map(map, 0, false, &mut out),
        Value::Array(items) if !items.is_empty() => block_seq(items, 0, false, &mut out),
        // Not an object: no render makes one; written on one line.
        scalar => {
            inline_scalar(scalar, &mut out);
            out.push('\n');
        }
    }
    out
}

/// A string as a value on one line, quoted so that every YAML reader reads
/// it back as this string (never a literal block): for line-by-line output
/// such as `hubgw values`.
pub fn one_line_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    match style(s) {
        Style::Literal => double_quoted(s, &mut out),
        other => write_scalar(s, other, 0, &mut out),
    }
    out
}

/// A non-empty map in block style at `indent`; `inline`: its first key
/// continues a `- ` line.
fn block_map(map: &Map<String, Value>, indent: usize, inline: bool, out: &mut String) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline {
            pad(indent, out);
        }
        // libyaml writes keys over 128 bytes, and keys with line breaks, in
        // the explicit `? key` form; the value then follows `: `.
        if key.len() > 128 || key.chars().any(is_break) {
            out.push_str("? ");
            write_scalar(key, style(key), indent, out);
            out.push('\n');
            pad(indent, out);
            out.push(':');
            explicit_value(value, indent, out);
        } else {
            let key_style = match style(key) {
                Style::Literal => Style::Double,
                other => other,
            };
            write_scalar(key, key_style, indent, out);
            out.push(':');
            block_value(value, indent, true, out);
        }
    }
}

/// The value after an explicit key's `:`: a collection starts on that line.
fn explicit_value(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push(' ');
            block_map(map, indent + 2, true, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push(' ');
            block_seq(items, indent + 2, true, out);
        }
        scalar => block_value(scalar, indent, true, out),
    }
}

/// A non-empty list in block style, its `- ` at `indent`.
fn block_seq(items: &[Value], indent: usize, inline: bool, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline {
            pad(indent, out);
        }
        out.push('-');
        block_value(item, indent, false, out);
    }
}

/// What follows `key:` (`in_map`) or `-`: a scalar or empty collection on
/// the same line, or a nested collection. Lists in a map are not indented
/// further; maps are, by two; a collection in a list starts on the `- ` line.
fn block_value(value: &Value, indent: usize, in_map: bool, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            if in_map {
                out.push('\n');
                block_map(map, indent + 2, false, out);
            } else {
                out.push(' ');
                block_map(map, indent + 2, true, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            if in_map {
                out.push('\n');
                block_seq(items, indent, false, out);
            } else {
                out.push(' ');
                block_seq(items, indent + 2, true, out);
            }
        }
        Value::String(s) => {
            out.push(' ');
            write_scalar(s, style(s), indent, out);
            out.push('\n');
        }
        scalar => {
            out.push(' ');
            inline_scalar(scalar, out);
            out.push('\n');
        }
    }
}

/// A scalar that is not a string, or an empty collection.
fn inline_scalar(value: &Value, out: &mut String) {
    match value {
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => number(n, out),
        Value::String(s) => out.push_str(&one_line_string(s)),
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
fn number(n: &Number, out: &mut String) {
    use std::fmt::Write as _;
    match n.as_f64() {
        Some(f) if n.is_f64() => out.push_str(ryu::Buffer::new().format_finite(f)),
        _ => write!(out, "{n}").expect("writing to a String"),
    }
}

/// How a string is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    /// `|` block; only where a block may stand (not a simple key).
    Literal,
    Double,
}

/// libyaml's choice for a string that serde_yaml hands it (its
/// `yaml_emitter_analyze_scalar` and `select_scalar_style`), with plain
/// refused for anything a YAML 1.1 or 1.2 reader could read as a non-string.
fn style(s: &str) -> Style {
    if s.chars().all(is_inline) {
        let b = s.as_bytes();
        let spaced = b.first() == Some(&b' ') || b.last() == Some(&b' ');
        if spaced || !plain_allowed(b) || resolves_to_non_string(s) || yaml11_non_string(s) {
            Style::Single
        } else {
            Style::Plain
        }
    } else if literal_allowed(s) {
        Style::Literal
    } else {
        Style::Double
    }
}

/// A character that may stand as is in a plain or single-quoted scalar on
/// one line: libyaml's printable set less tab and the line breaks.
fn is_inline(c: char) -> bool {
    matches!(c, ' '..='~')
        || (c >= '\u{a0}'
            && !matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            ))
}

/// What YAML 1.1 (and so libyaml) counts as a line break.
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Multi-line text that a `|` block keeps exactly: only printable
/// characters and `\n`, no space before a line break or at the end
/// (libyaml's rule), and not ending in two line breaks (which needs `|+`).
fn literal_allowed(s: &str) -> bool {
    s.contains('\n')
        && s.chars().all(|c| c == '\n' || is_inline(c))
        && !s.contains(" \n")
        && !s.ends_with(' ')
        && !s.ends_with("\n\n")
        && s != "\n"
}

/// Writes `s` in `style`; a literal block's lines go at `indent + 2`.
fn write_scalar(s: &str, style: Style, indent: usize, out: &mut String) {
    match style {
        Style::Plain => out.push_str(s),
        Style::Single => {
            out.push('\'');
            for part in s.split_inclusive('\'') {
                out.push_str(part);
                if part.ends_with('\'') {
                    out.push('\'');
                }
            }
            out.push('\'');
        }
        Style::Literal => {
            out.push('|');
            if s.starts_with([' ', '\n']) {
                // The first line's indentation would be taken as the block's.
                out.push('2');
            }
            let body = match s.strip_suffix('\n') {
                Some(body) => body,
                None => {
                    out.push('-');
                    s
                }
            };
            for line in body.split('\n') {
                out.push('\n');
                if !line.is_empty() {
                    pad(indent + 2, out);
                    out.push_str(line);
                }
            }
        }
        Style::Double => double_quoted(s, out),
    }
}

/// `"…"` with libyaml's escapes: every character that is not printable,
/// a line break, a byte order mark, `"` and `\`.
fn double_quoted(s: &str, out: &mut String) {
    use std::fmt::Write as _;
    out.push('"');
    for c in s.chars() {
        let escape = match c {
            '\0' => "\\0",
            '\u{7}' => "\\a",
            '\u{8}' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\u{b}' => "\\v",
            '\u{c}' => "\\f",
            '\r' => "\\r",
            '\u{1b}' => "\\e",
            '"' => "\\\"",
            '\\' => "\\\\",
            '\u{85}' => "\\N",
            '\u{2028}' => "\\L",
            '\u{2029}' => "\\P",
            c if is_inline(c) => {
                out.push(c);
                continue;
            }
            c => {
                let code = u32::from(c);
                if code <= 0xff {
                    write!(out, "\\x{code:02X}")
                } else if code <= 0xffff {
                    write!(out, "\\u{code:04X}")
                } else {
                    write!(out, "\\U{code:08X}")
                }
                .expect("writing to a String");
                continue;
            }
        };
        out.push_str(escape);
    }
    out.push('"');
}

/// libyaml's test for a plain scalar in block context (its
/// `yaml_emitter_analyze_scalar`), for one line of printable text without
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

/// Whether a YAML 1.1 reader could read `s`, written plain, as something
/// other than a string. kubectl decodes with go-yaml v2's rules: kubectl
/// v1.32 (kubernetes/kubectl v0.32.0 `go.mod`; apimachinery v0.32.0
/// `pkg/util/yaml/decoder.go` calls `yaml.YAMLToJSON`) uses sigs.k8s.io/yaml
/// v1.4.0, whose `goyaml.v2` is a fork of gopkg.in/yaml.v2 v2.4.0. Its
/// `resolve.go` (`resolveMapList` and the `'D'`/`'S'`/`'.'` hints) gives
/// the bool words `y Y yes Yes YES n N no No NO
/// on On ON off Off OFF true … FALSE`, `~`/`null`, `.inf`/`.nan`, the merge
/// key `<<`, `strconv.ParseInt(s, 0, 64)` after dropping `_` (`1_000`,
/// `0b1`, `0o7`, `0x1F`, `0777`, `+1`), floats (`.5`, `1e3`) and dates
/// (`2001-12-14`). Other YAML 1.1 readers add base-60 numbers (`1:20`),
/// the value key `=` and, per the 1.1 float pattern, `1.2.3`.
///
/// Deliberately wider than any one reader: every letter case of the words,
/// and any string made of a number's characters, is quoted. A quoted string
/// that a reader would have taken as a string anyway costs two characters.
fn yaml11_non_string(s: &str) -> bool {
    const WORDS: [&str; 15] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "<<", "=", ".inf",
        "+.inf", "-.inf",
    ];
    let b = s.as_bytes();
    if b.is_empty() || (b.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))) {
        return true;
    }
    if s.eq_ignore_ascii_case(".nan") {
        return true;
    }
    // Dates: go-yaml's own quick check, four digits and a `-`.
    if b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        return true;
    }
    number_like(s)
}

/// What go-yaml v2's `resolve` (sigs.k8s.io/yaml v1.4.0
/// `goyaml.v2/resolve.go`, the fork kubectl v1.32 reads with) tries as a
/// number: a plain scalar that starts with a sign, a digit or `.`, read with every `_` dropped (so
/// `+_0` is 0 and `0_x1` is 1). After that: a digit or `.` and a digit,
/// then only what YAML 1.1 numbers are made of (digits, `:`, `.`, `,`, an
/// exponent), or a `0x`/`0o`/`0b` prefix and hex digits.
fn number_like(s: &str) -> bool {
    if s.starts_with('_') {
        return false;
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    // Most scalars are words: settle them before copying the bytes.
    let first = unsigned.bytes().find(|&c| c != b'_');
    if !first.is_some_and(|c| c.is_ascii_digit() || c == b'.') {
        return false;
    }
    let b: Vec<u8> = unsigned.bytes().filter(|&c| c != b'_').collect();
    let starts = match b.as_slice() {
        [d, ..] if d.is_ascii_digit() => true,
        [b'.', c, ..] => c.is_ascii_digit(),
        _ => false,
    };
    if !starts {
        return false;
    }
    let prefixed = b.len() > 2
        && b[0] == b'0'
        && matches!(b[1], b'x' | b'X' | b'o' | b'O' | b'b' | b'B')
        && b[2..].iter().all(u8::is_ascii_hexdigit);
    prefixed
        || b.iter().all(|c| {
            c.is_ascii_digit() || matches!(c, b':' | b'.' | b',' | b'e' | b'E' | b'+' | b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// serde_yaml reads the text back as `value`.
    fn reads_back(value: &Value) {
        let text = to_yaml(value);
        let back: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
        assert_eq!(&back, value, "{text}");
    }

    /// The same bytes as serde_yaml, and read back as `value`.
    fn same(value: &Value) {
        assert_eq!(
            to_yaml(value),
            serde_yaml::to_string(value).unwrap(),
            "{value}"
        );
        reads_back(value);
    }

    /// Strings written differently from serde_yaml by design: what YAML 1.1
    /// reads as a non-string, U+2028/U+2029, and text needing `|+`.
    fn deviates(s: &str) -> bool {
        yaml11_non_string(s)
            || s.contains(['\u{2028}', '\u{2029}'])
            || s.ends_with("\n\n")
            || s == "\n"
    }

    fn tree_deviates(value: &Value) -> bool {
        match value {
            Value::String(s) => deviates(s),
            Value::Array(items) => items.iter().any(tree_deviates),
            Value::Object(map) => map.iter().any(|(k, v)| deviates(k) || tree_deviates(v)),
            _ => false,
        }
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

    /// Every case of each word: `yes`, `yEs`, … `YES`.
    fn every_case(word: &str) -> Vec<String> {
        let n = word.len();
        (0..1u32 << n)
            .map(|mask| {
                word.chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if mask & (1 << i) != 0 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn quotes_what_yaml_1_1_reads_as_non_strings() {
        let mut strings: Vec<String> =
            ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]
                .iter()
                .flat_map(|w| every_case(w))
                .collect();
        strings.extend(
            [
                "1_000",
                "0b1",
                "-0b1",
                "0B1",
                "0o7",
                "0O7",
                "0777",
                "1:20",
                "190:20:30",
                "-1:20",
                ".5",
                "+.5",
                "-.5",
                "._5",
                "+1",
                "-1_0",
                "1e3",
                "1E3",
                "1.5e-3",
                "1.",
                "0x1F",
                "0X1f",
                "0x_1F",
                "+0x1",
                "+_0",
                "-__1",
                "+_.5",
                "0_x1",
                "0_b1",
                "1_e3",
                "~",
                "<<",
                "=",
                ".inf",
                ".Inf",
                "+.INF",
                "-.inf",
                ".nan",
                ".NaN",
                "2001-12-14",
                "2001-12-14t21:59:43.10-05:00",
                "2001-12-14 21:59:43.10 -5",
                "1.2.3",
                "10.0.0.1",
                "1,000",
                "",
            ]
            .map(String::from),
        );
        for s in &strings {
            assert!(yaml11_non_string(s), "{s}");
            let value = json!({ "k": s, s: "v", "l": [s] });
            let text = to_yaml(&value);
            let expected = format!("k: '{s}'\n'{s}': v\nl:\n- '{s}'\n");
            assert_eq!(text, expected, "{s}");
            reads_back(&value);
        }
    }

    #[test]
    fn leaves_other_strings_as_serde_yaml_writes_them() {
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
            "yesno",
            "only",
            "nope",
            "null",
            "Null",
            "~",
            "~a",
            "<",
            "<<a",
            "==",
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
            "30s",
            "128Mi",
            "100m",
            "1d",
            "v1.2.3",
            "9223372036854775808",
            "340282366920938463463374607431768211456",
        ];
        for s in strings {
            for value in [json!({ "k": s }), json!({ s: "v" }), json!([s])] {
                if deviates(s) {
                    reads_back(&value);
                } else {
                    same(&value);
                }
            }
        }
    }

    #[test]
    fn literal_blocks_escapes_and_long_keys_as_libyaml_writes_them() {
        for s in [
            " a",
            "a ",
            "a\nb",
            "a\n",
            " a\nb",
            "\na",
            "a\n\nb",
            "a\n b",
            "a \nb",
            "a\nb ",
            "#a\n- b\n",
            "no\n",
            "tab\there",
            "a\n\tb",
            "caf\u{e9}",
            "\u{e9}t\u{e9}: x",
            "\u{10000}",
            "\u{7f}",
            "\u{85}",
            "\u{a0}",
            "\u{feff}x",
            "\u{fffe}",
            "a\u{0}b\u{1b}",
            "x\r",
            "x\r\ny",
            "\\ \"",
        ] {
            same(&json!({ "k": s }));
            same(&json!({ s: 1 }));
            same(&json!({ "l": [s, {"m": s}], "p": {"o": s} }));
        }
        let long = "k".repeat(129);
        same(&json!({ &long: 1 }));
        same(&json!({ &long: {"a": 1, "b": [2, {"c": 3}]}, "d": [{&long: [4]}] }));
        same(&json!({ &long: [], "e": {} }));
        same(&json!({ "a\nb": {"c": "d\ne"} }));
        same(&json!({}));
        same(&json!([1, [2, 3], {"a": "b"}]));
    }

    #[test]
    fn double_quotes_what_readers_split_differently() {
        for (s, written) in [
            ("a\u{2028}b", "\"a\\Lb\""),
            ("a\u{2029}\nb", "\"a\\P\\nb\""),
            ("a\n\n", "\"a\\n\\n\""),
            ("\n", "\"\\n\""),
        ] {
            let value = json!({ "k": s });
            assert_eq!(to_yaml(&value), format!("k: {written}\n"));
            reads_back(&value);
        }
    }

    #[test]
    fn one_line_strings_never_span_lines() {
        assert_eq!(one_line_string("x"), "x");
        assert_eq!(one_line_string("no"), "'no'");
        assert_eq!(one_line_string("a\nb"), "\"a\\nb\"");
        assert_eq!(one_line_string("'a"), "'''a'");
    }

    mod prop {
        use super::{reads_back, same, tree_deviates};
        use proptest::prelude::*;
        use serde_json::Value;

        /// Strings made of the characters that change YAML's reading:
        /// indicators, digits, signs, spaces, quotes and the letters of
        /// `yes`, `on`, `null`, `true`, `0x`; `others` adds line breaks, a
        /// tab, a BOM, control and non-ASCII characters.
        fn tricky_string(others: bool) -> impl Strategy<Value = String> {
            let extra = if others {
                "\n\n\n\t\r\u{e9}\u{85}\u{2028}\u{feff}\u{7f}\u{1}"
            } else {
                ""
            };
            proptest::string::string_regex(&format!(
                "[-+.:#?*&!|>'\"%@`,<=\\[\\]{{}} 0-9a-fxobeEinftrulysTFNYO_~{extra}]{{0,8}}"
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
            /// Any tree reads back the same; one without the strings written
            /// differently by design has serde_yaml's bytes.
            #[test]
            fn reads_back_and_matches_serde_yaml_for_any_tree(
                others in any::<bool>(),
                root in proptest::collection::vec((tricky_string(false), tree(false)), 1..6),
                mixed in proptest::collection::vec((tricky_string(true), tree(true)), 1..6),
            ) {
                let root = Value::Object(if others { mixed } else { root }.into_iter().collect());
                if tree_deviates(&root) {
                    reads_back(&root);
                } else {
                    same(&root);
                }
            }
        }
    }
}
