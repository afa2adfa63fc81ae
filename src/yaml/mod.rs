//! YAML, in one place: reading text into data, where keys stand, the wording
//! of a syntax error, and writing objects back out. Every other module goes
//! through the functions here and never names a YAML crate.
//!
//! Three crates sit behind it, each for what it does best: the fast reader
//! ([`fast`]) takes the block YAML that templates print and values files
//! mostly are, serde_yaml (libyaml) reads everything else and words its
//! errors, yaml-rust2's event parser gives the line and column of each key
//! ([`KeyPositions`], read only when an error needs a place). The emitter
//! ([`emit`]) writes what kubectl's YAML 1.1 reader and YAML 1.2 readers read
//! alike. [`check_depth`] guards the parsers against deeply nested input.

mod depth;
mod emit;
mod fast;
mod path;
mod positions;
mod tree;

use serde::de::{Deserialize, DeserializeOwned};
use serde::Serialize;

pub use depth::{check as check_depth, MAX_DEPTH};
pub use emit::{one_line_string, to_yaml as emit};
pub use path::{KeyPath, PathSeg};
pub use positions::{DocumentPositions, KeyPositions, StreamText};
/// The data a values tree is made of (keys may be any YAML value).
pub use serde_yaml::{Mapping, Value};

use crate::error::{Error, Location, Result};
use tree::JsonTree;

/// The documents of a stream as JSON trees (Kubernetes objects), a `null`
/// for each empty document so that indexes are document indexes. Keys are
/// read as strings, as kubectl reads them; a repeated key or a tag is an
/// error, located.
pub fn json_documents(source: &str, text: &str) -> Result<Vec<serde_json::Value>> {
    if let Some(documents) = fast::read_stream(text) {
        return Ok(documents);
    }
    let escaped = json_breaks_escaped(text);
    let text = escaped.as_deref().unwrap_or(text);
    serde_yaml::Deserializer::from_str(text)
        .map(|doc| {
            JsonTree::deserialize(doc)
                .map(|t| t.0)
                .map_err(|e| error(source, text, &e))
        })
        .collect()
}

/// A JSON text with its raw U+0085, U+2028 and U+2029 written as `\u`
/// escapes, or None when it holds none or is not JSON. JSON (RFC 8259, 7)
/// and YAML 1.2 (5.4: only LF and CR break a line) take them raw in a
/// string, but libyaml, behind serde_yaml, reads YAML 1.1, where they are
/// line breaks: it folds a NEL in a quoted value to a space and refuses any
/// of them in a key. JSON holds them only inside strings, so the escapes
/// keep what the file says; a value left holding the C1 control U+0085 is
/// then refused by the plan's control-character check. Values files and
/// manifest streams alike.
fn json_breaks_escaped(text: &str) -> Option<String> {
    const BREAKS: [char; 3] = ['\u{85}', '\u{2028}', '\u{2029}'];
    if !text.contains(BREAKS) || serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if BREAKS.contains(&c) {
            out.push_str(&format!("\\u{:04X}", c as u32));
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The documents of a stream as YAML values (values files, whose keys may be
/// other than strings), a `null` for each empty document.
pub fn documents(source: &str, text: &str) -> Result<Vec<Value>> {
    if let Some(documents) = fast::read_stream(text) {
        return Ok(documents.iter().map(from_json).collect());
    }
    let escaped = json_breaks_escaped(text);
    let text = escaped.as_deref().unwrap_or(text);
    serde_yaml::Deserializer::from_str(text)
        .map(|doc| Value::deserialize(doc).map_err(|e| error(source, text, &e)))
        .collect()
}

/// One YAML document read as `T`; a syntax or type error is located in `text`.
pub fn from_str<T: DeserializeOwned>(source: &str, text: &str) -> Result<T> {
    serde_yaml::from_str(text).map_err(|e| error(source, text, &e))
}

/// `value` as a YAML value (for merging typed data as values are merged).
pub fn to_value<T: Serialize>(value: &T) -> std::result::Result<Value, String> {
    serde_yaml::to_value(value).map_err(|e| e.to_string())
}

/// A YAML value read as `T`; the error names the field and what it expected.
pub fn from_value<T: DeserializeOwned>(value: Value) -> std::result::Result<T, String> {
    serde_yaml::from_value(value).map_err(|e| e.to_string())
}

/// A JSON tree as a YAML value: its keys are strings and its numbers within
/// 64 bits, so nothing is lost (the fast reader's documents, `--set-json`).
pub fn from_json(value: &serde_json::Value) -> Value {
    use serde_json::Value as Json;
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Number(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.into(),
            (None, Some(i)) => i.into(),
            _ => n.as_f64().unwrap_or(f64::NAN).into(),
        }),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Sequence(items.iter().map(from_json).collect()),
        Json::Object(map) => Value::Mapping(
            map.iter()
                .map(|(k, v)| (Value::String(k.clone()), from_json(v)))
                .collect(),
        ),
    }
}

/// A YAML value as serde_yaml writes it (a document body, ending in a
/// newline): how keys and scalars of a values tree are quoted in messages.
pub fn to_string(value: &Value) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}

/// The 1-based line where each document of a YAML stream starts (its first
/// line that is not blank, a comment or the `---` opening it), by document
/// index as [`json_documents`] counts them: a `---` opens a document, except
/// that the first document needs none.
pub fn document_lines(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    // Whether the current document has content yet, and whether it was opened.
    let (mut content, mut opened) = (false, false);
    for (n, line) in text.lines().enumerate() {
        if is_document_marker(line) {
            // A document opened and closed without content is an empty one.
            if opened && !content {
                starts.push(n + 1);
            }
            opened = true;
            content = false;
            // `--- {a: 1}` holds content on the separator's line.
            let rest = line[3..].trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                starts.push(n + 1);
                content = true;
            }
            continue;
        }
        let blank = line.trim().is_empty() || line.trim_start().starts_with('#');
        if !blank && !content {
            starts.push(n + 1);
            content = true;
        }
    }
    starts
}

/// The 1-based lines of the `---` markers of a stream.
pub fn document_markers(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| is_document_marker(l))
        .map(|(i, _)| i + 1)
        .collect()
}

fn is_document_marker(line: &str) -> bool {
    line == "---" || line.starts_with("--- ") || line.starts_with("---\t")
}

/// A serde_yaml syntax error, located, without its own "at line" suffix.
fn error(source: &str, text: &str, e: &serde_yaml::Error) -> Error {
    let mut message = e.to_string();
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let location = e
        .location()
        .map(|l| Location::in_text(source, text, l.line(), l.column(), 1));
    let line_has_tab = location
        .as_ref()
        .and_then(|l| l.line_text.as_ref())
        .is_some_and(|l| l.contains('\t'));
    let hint = if line_has_tab || message.contains("tab") {
        "YAML indentation must use spaces, not tabs"
    } else if message.contains("duplicate entry") {
        "each key may appear once in a map; remove one of them"
    } else if message.contains("YAML tag") {
        "remove the tag: write the value as a plain string, number, list or map"
    } else if message.contains("as u128") || message.contains("as i128") {
        "integers must fit in 64 bits; quote the number to keep it as a string"
    } else if message.contains("recursion limit") || message.contains("repetition limit") {
        "the document nests or repeats too deeply to be a values file"
    } else {
        "check the YAML syntax near this place (indentation, a missing `:` or an unclosed quote)"
    };
    Error::input(format!("invalid YAML in `{source}`: {message}"))
        .at(location)
        .hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_lines_count_documents_as_the_reader_does() {
        let text = "# c\n---\napiVersion: v1\nkind: A\n---\n---\n\n# x\napiVersion: v1\nkind: B\n";
        let docs = json_documents("s", text).unwrap();
        assert_eq!(docs.len(), 3);
        assert!(docs[1].is_null());
        assert_eq!(document_lines(text), [3, 6, 9]);
        assert_eq!(document_lines("apiVersion: v1\n---\nkind: B\n"), [1, 3]);
        assert_eq!(document_lines("\n{\"kind\": \"List\"}"), [2]);
        assert_eq!(document_markers(text), [2, 5, 6]);
    }

    /// The fast path and serde_yaml give the same values, and the same
    /// error wording whichever reader the text reaches.
    #[test]
    fn documents_read_values_as_serde_yaml_does() {
        for text in ["a: 1\nb: [x, {c: 2}]\n", "a: &x 1\nb: *x\n", "1: one\n"] {
            let expected: Vec<Value> = serde_yaml::Deserializer::from_str(text)
                .map(|d| Value::deserialize(d).unwrap())
                .collect();
            assert_eq!(documents("t", text).unwrap(), expected, "{text}");
        }
        let err = documents("t.yaml", "a: 1\na: 2\n").unwrap_err();
        assert!(err
            .message
            .starts_with("invalid YAML in `t.yaml`: duplicate entry"));
        assert_eq!(
            err.location.as_ref().map(|l| l.source.as_str()),
            Some("t.yaml")
        );
        let err = json_documents("t.yaml", "a: [1\n").unwrap_err();
        assert!(!err.message.contains(" at line "), "{}", err.message);
        assert!(err.hint.unwrap().contains("unclosed quote"));
    }

    #[test]
    fn from_str_locates_type_errors() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            n: u8,
        }
        let err = from_str::<T>("t.yaml", "\nn: many\n").unwrap_err();
        assert!(err.message.contains("invalid type"), "{}", err.message);
        assert_eq!(err.location.map(|l| (l.line, l.column)), Some((2, 4)));
    }

    #[test]
    fn json_streams_keep_raw_line_separators() {
        // A manifest in JSON with U+2028 in a key and U+0085 in a value:
        // what JSON says, where libyaml alone refused the key.
        let text = "{\"kind\": \"ConfigMap\", \"data\": {\"k\u{2028}\": \"a\u{85}b\"}}";
        let docs = json_documents("cm.json", text).unwrap();
        assert_eq!(docs[0]["data"]["k\u{2028}"], "a\u{85}b");
        assert!(json_breaks_escaped("{\"k\": 1}").is_none());
        assert!(
            json_breaks_escaped("k: \"\u{2028}\"\n").is_none(),
            "YAML, not JSON"
        );
    }
}
