//! Helm-compatible `--set` / `--set-string` / `--set-json` parsing (the
//! syntax of Helm 3's `pkg/strvals`) and its application to a values tree,
//! one flag argument at a time. This module owns only the flag syntax and the in-place edits it
//! makes; merging values files and decoding the tree into typed values live
//! elsewhere.
//!
//! Syntax, in short: `a.b=v,c[0]=x,d={x,y}`. Keys are split on `.` and
//! `[N]`; a value runs from the first unescaped `=` to the next unescaped
//! `,`; a value starting with `{` is a list literal; `\` makes the next
//! character literal everywhere.
//!
//! `--set-json` (Helm 3.10+, `ParseJSON` in `pkg/strvals/parser.go` at
//! v3.19.5) takes the same keys, but each value is one JSON document that
//! runs to its own end, so commas inside it need no escape:
//! `a=[1,2],b={"x":"y"}`. An empty value is `null`. Helm also accepts a
//! second key glued to a value (`a=1b=2`); here a value must be followed by
//! `,` or the end, since that is almost always a missing comma.

use std::fmt;

use crate::yaml::{Mapping, Value};

use crate::yaml::{KeyPath, PathSeg};

/// Largest list index accepted (inclusive), as in Helm.
pub const MAX_INDEX: usize = 65536;
/// Most `.` separators one key may have, as in Helm (`MaxNestedNameLevel`).
pub const MAX_DOTS: usize = 30;
/// Most `[N]` parts one key may have; Helm has no such limit, but an
/// unbounded one lets a single argument build a tree deep enough to overflow
/// the stack when it is dropped.
pub const MAX_INDEXES: usize = 30;
/// Most list entries all the flags of one run may add. One index up to
/// [`MAX_INDEX`] is fine, but each pads its list with nulls: without a total,
/// a hundred `a[65535]=1` build millions of entries (issue 18's cost model).
pub const MAX_ADDED_ENTRIES: usize = 2 * MAX_INDEX;

/// Which flag an expression came from: `--set` infers types, `--set-string`
/// keeps strings, `--set-json` reads JSON values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    Typed,
    String,
    Json,
}

/// A syntax error in one flag argument.
///
/// `Display` gives one line without the flag name, e.g.
/// `"a..b=1": empty key at column 3`; callers print
/// `format!("{flag} {err}")` (or use [`SetError::render`]) and show `hint`,
/// when present, on its own line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetError {
    /// The whole argument, as given.
    pub expr: String,
    pub message: String,
    /// 1-based character (not byte) column in `expr`; one past the end when
    /// the problem is that the argument stops too early.
    pub column: usize,
    pub hint: Option<String>,
}

impl SetError {
    /// The full report for `flag` (`--set`, `--set-string`): the `Display`
    /// line prefixed by the flag, plus an indented `hint:` line if any.
    pub fn render(&self, flag: &str) -> String {
        let mut out = format!("{flag} {self}");
        if let Some(hint) = &self.hint {
            out.push_str("\n  hint: ");
            out.push_str(&one_line(hint));
        }
        out
    }
}

impl fmt::Display for SetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\"{}\": {} at column {}",
            one_line(&self.expr),
            one_line(&self.message),
            self.column
        )
    }
}

/// Escapes control characters so a report stays on one line; everything else
/// is kept as typed so columns still line up with what the user sees.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl std::error::Error for SetError {}

/// Parses one flag argument (e.g. `a.b=1,c[0]=x`) and applies it to `root`,
/// assignment by assignment, in order. Returns the key path of every
/// assignment, in order (repeats included; a list literal yields the path of
/// the list, not of its elements).
///
/// The whole argument is parsed before anything is applied, so on error
/// `root` is untouched. A `root` that is not a mapping (e.g. the null of an
/// empty values file) is replaced by an empty mapping.
pub fn apply(expr: &str, kind: SetKind, root: &mut Value) -> Result<Vec<KeyPath>, SetError> {
    let assignments = parse(expr, kind)?;
    let mut paths = Vec::with_capacity(assignments.len());
    for assignment in assignments {
        paths.push(assignment.apply(root));
    }
    Ok(paths)
}

/// Parses one flag argument into its assignments, in order, without applying
/// them: for a caller that checks each one against the tree before it
/// applies it.
pub fn parse(expr: &str, kind: SetKind) -> Result<Vec<Assignment>, SetError> {
    Parser::new(expr, kind).parse_all()
}

/// One `key=value` of a flag argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub path: KeyPath,
    pub value: Value,
}

impl Assignment {
    /// Whether this assignment deletes a map key (`key=null`) rather than
    /// setting a value. A `null` list item is set, not deleted.
    pub fn deletes(&self) -> bool {
        self.value.is_null() && self.path.last_key().is_some()
    }

    /// How many list entries applying it to `root` adds (the padding of
    /// lists up to its indexes).
    pub fn entries_added(&self, root: &Value) -> usize {
        let mut added = 0;
        let mut cur = Some(root);
        for seg in &self.path.0 {
            cur = match (seg, cur) {
                (PathSeg::Key(key), Some(Value::Mapping(map))) => map.get(key.as_str()),
                (PathSeg::Index(i), Some(Value::Sequence(seq))) => {
                    added += (i + 1).saturating_sub(seq.len());
                    seq.get(*i)
                }
                (PathSeg::Index(i), _) => {
                    added += i + 1;
                    None
                }
                (PathSeg::Key(_), _) => None,
            };
        }
        added
    }

    /// Applies it to `root` (a `root` that is not a mapping becomes an empty
    /// one first) and returns its path.
    pub fn apply(self, root: &mut Value) -> KeyPath {
        if !root.is_mapping() {
            *root = Value::Mapping(Mapping::new());
        }
        assign(root, &self.path.0, self.value);
        self.path
    }
}

struct Parser<'a> {
    expr: &'a str,
    chars: Vec<char>,
    pos: usize,
    kind: SetKind,
}

impl<'a> Parser<'a> {
    fn new(expr: &'a str, kind: SetKind) -> Self {
        Parser {
            expr,
            chars: expr.chars().collect(),
            pos: 0,
            kind,
        }
    }

    fn err(&self, at: usize, message: impl Into<String>, hint: Option<String>) -> SetError {
        SetError {
            expr: self.expr.to_string(),
            message: message.into(),
            column: at + 1,
            hint,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.chars
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .collect()
    }

    fn parse_all(mut self) -> Result<Vec<Assignment>, SetError> {
        if self.chars.is_empty() {
            return Err(self.err(
                0,
                "empty expression",
                Some("use KEY=VALUE, e.g. image.tag=v1".into()),
            ));
        }
        let mut out = Vec::new();
        // Each assignment consumes its trailing `,`, so one trailing comma
        // (`a=1,`) is accepted, as Helm does.
        while self.pos < self.chars.len() {
            out.push(self.assignment()?);
        }
        Ok(out)
    }

    fn assignment(&mut self) -> Result<Assignment, SetError> {
        let start = self.pos;
        let mut segs = Vec::new();
        let mut dots = 0;
        let mut indexes = 0;
        loop {
            let key = self.key_text()?;
            if key.is_empty() {
                let hint = if segs.is_empty() && self.peek() == Some('=') {
                    "put a key before '=', e.g. name=VALUE"
                } else {
                    "every part of a key needs a name; write a literal dot in a key as \\."
                };
                return Err(self.err(self.pos, "empty key", Some(hint.into())));
            }
            segs.push(PathSeg::Key(key));
            while self.peek() == Some('[') {
                let open = self.pos;
                segs.push(PathSeg::Index(self.index()?));
                indexes += 1;
                if indexes > MAX_INDEXES {
                    return Err(self.err(
                        open,
                        format!("key has more than {MAX_INDEXES} list indexes"),
                        None,
                    ));
                }
                if let Some(c) = self.peek() {
                    if !matches!(c, '[' | '.' | '=' | ',') {
                        return Err(self.err(
                            self.pos,
                            format!("unexpected '{c}' after ']'"),
                            Some("a list index can be followed only by '.', '[' or '='".into()),
                        ));
                    }
                }
            }
            match self.peek() {
                Some('.') => {
                    dots += 1;
                    if dots > MAX_DOTS {
                        return Err(self.err(
                            self.pos,
                            format!("key nests more than {MAX_DOTS} levels"),
                            None,
                        ));
                    }
                    self.pos += 1;
                }
                Some('=') => {
                    self.pos += 1;
                    break;
                }
                // End of input or ','.
                _ => return Err(self.no_value(start)),
            }
        }
        let value = self.value()?;
        Ok(Assignment {
            path: KeyPath(segs),
            value,
        })
    }

    fn no_value(&self, start: usize) -> SetError {
        let key = self.text(start, self.pos);
        let mut hint = format!("use {key}=VALUE");
        if start > 0 {
            hint.push_str("; to put a comma in the previous value, write it as \\,");
        }
        self.err(self.pos, format!("key \"{key}\" has no value"), Some(hint))
    }

    /// Reads one key segment up to an unescaped `.`, `[`, `=`, `,` or the end.
    fn key_text(&mut self) -> Result<String, SetError> {
        let mut key = String::new();
        while let Some(c) = self.peek() {
            match c {
                '.' | '[' | '=' | ',' => break,
                '\\' => key.push(self.escaped()?),
                _ => {
                    key.push(c);
                    self.pos += 1;
                }
            }
        }
        Ok(key)
    }

    /// At a backslash: consumes it and the character it escapes.
    fn escaped(&mut self) -> Result<char, SetError> {
        let at = self.pos;
        match self.chars.get(at + 1).copied() {
            Some(c) => {
                self.pos += 2;
                Ok(c)
            }
            None => Err(self.err(
                at,
                "trailing backslash escapes nothing",
                Some("write a literal backslash as \\\\".into()),
            )),
        }
    }

    /// At `[`: reads `[N]` and returns N.
    fn index(&mut self) -> Result<usize, SetError> {
        let open = self.pos;
        let first = open + 1;
        let Some(len) = self
            .chars
            .get(first..)
            .and_then(|rest| rest.iter().position(|&c| c == ']'))
        else {
            return Err(self.err(
                open,
                "unclosed '['",
                Some("close the list index with ']', e.g. hosts[0]=x; write a literal '[' in a key as \\[".into()),
            ));
        };
        let close = first + len;
        let text = self.text(first, close);
        self.pos = close + 1;
        if text.is_empty() {
            return Err(self.err(
                close,
                "empty list index",
                Some("put a number between the brackets, e.g. hosts[0]=x".into()),
            ));
        }
        if !text.chars().all(|c| c.is_ascii_digit()) {
            let hint = if text.starts_with('-') {
                "list indexes start at 0"
            } else {
                "a list index is a number, e.g. hosts[0]=x; write a literal '[' in a key as \\["
            };
            return Err(self.err(
                first,
                format!("list index \"{text}\" is not a non-negative integer"),
                Some(hint.into()),
            ));
        }
        // Saturate rather than overflow: anything past the limit is an error.
        let index = text.bytes().fold(0usize, |n, d| {
            n.saturating_mul(10).saturating_add(usize::from(d - b'0'))
        });
        if index > MAX_INDEX {
            return Err(self.err(
                first,
                format!("list index {text} is above the maximum of {MAX_INDEX}"),
                None,
            ));
        }
        Ok(index)
    }

    /// Reads a value after `=` and consumes the `,` that ends it, if any.
    fn value(&mut self) -> Result<Value, SetError> {
        if self.kind == SetKind::Json {
            return self.json_value();
        }
        if self.peek() == Some('{') {
            return self.list_literal();
        }
        let mut text = String::new();
        while let Some(c) = self.peek() {
            match c {
                ',' => {
                    self.pos += 1;
                    break;
                }
                '\\' => text.push(self.escaped()?),
                _ => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        Ok(self.scalar(text))
    }

    /// Skips whitespace and one `,`; true at a `,` or the end (Helm's
    /// `emptyVal`).
    fn json_gap(&mut self) -> bool {
        while let Some(c) = self.peek() {
            if c == ',' {
                self.pos += 1;
                return true;
            }
            if !c.is_whitespace() {
                return false;
            }
            self.pos += 1;
        }
        true
    }

    /// After `=` in `--set-json`: one JSON document (empty means null), then
    /// `,` or the end.
    fn json_value(&mut self) -> Result<Value, SetError> {
        if self.json_gap() {
            return Ok(Value::Null);
        }
        let start = self.pos;
        let byte_start: usize = self.chars[..start].iter().map(|c| c.len_utf8()).sum();
        let rest = &self.expr[byte_start..];
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
        let parsed = stream.next();
        let consumed = stream.byte_offset();
        let json = match parsed {
            Some(Ok(json)) => json,
            Some(Err(e)) => return Err(self.json_error(start, rest, &e)),
            None => return Ok(Value::Null),
        };
        self.pos = start + rest[..consumed].chars().count();
        if !self.json_gap() {
            let c = self.peek().unwrap_or_default();
            return Err(self.err(
                self.pos,
                format!("unexpected '{c}' after the JSON value"),
                Some("separate assignments with ','; a value is one JSON document, e.g. a=[1,2],b={\"x\":\"y\"}".into()),
            ));
        }
        Ok(crate::yaml::from_json(&json))
    }

    /// A JSON syntax error, located at its character in `expr`.
    fn json_error(&self, start: usize, rest: &str, e: &serde_json::Error) -> SetError {
        // serde_json counts lines from 1 and columns in bytes from 1.
        let line_start: usize = rest
            .split_inclusive('\n')
            .take(e.line().saturating_sub(1))
            .map(str::len)
            .sum();
        let mut at = (line_start + e.column().saturating_sub(1)).min(rest.len());
        while !rest.is_char_boundary(at) {
            at -= 1;
        }
        if e.is_eof() {
            // One past the end, as for every argument that stops too early.
            at = rest.len();
        }
        let column = start + rest[..at].chars().count();
        let text = e.to_string();
        let message = match text.rfind(" at line ") {
            Some(i) => &text[..i],
            None => &text,
        };
        let first = rest.chars().next().unwrap_or_default();
        let hint = if first.is_alphabetic()
            && !rest.starts_with("true")
            && !rest.starts_with("false")
            && !rest.starts_with("null")
        {
            "a JSON string needs double quotes, e.g. name=\"canary\" (in a shell: --set-json 'name=\"canary\"'); --set takes plain strings"
        } else {
            "the value after '=' must be JSON, e.g. gateway.rules=[{\"name\":\"canary\"}]"
        };
        self.err(
            column,
            format!("invalid JSON: {message}"),
            Some(hint.into()),
        )
    }

    /// At `{`: reads `{a,b,...}` and the `,` after it, if any.
    fn list_literal(&mut self) -> Result<Value, SetError> {
        let open = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        // Helm turns `{}` into `[""]`; an empty list is what anyone means.
        if self.peek() == Some('}') {
            self.pos += 1;
        } else {
            let mut item = String::new();
            loop {
                match self.peek() {
                    None => {
                        return Err(self.err(
                            open,
                            "list literal is not closed with '}'",
                            Some("write a list as {x,y}; write a literal '{' at the start of a value as \\{".into()),
                        ))
                    }
                    Some('\\') => item.push(self.escaped()?),
                    Some(',') => {
                        self.pos += 1;
                        items.push(self.scalar(std::mem::take(&mut item)));
                    }
                    Some('}') => {
                        self.pos += 1;
                        items.push(self.scalar(item));
                        break;
                    }
                    Some(c) => {
                        item.push(c);
                        self.pos += 1;
                    }
                }
            }
        }
        match self.peek() {
            None => {}
            Some(',') => self.pos += 1,
            Some(c) => {
                return Err(self.err(
                    self.pos,
                    format!("unexpected '{c}' after list literal"),
                    Some(
                        "separate assignments with ','; escape a '}' inside the list as \\}".into(),
                    ),
                ))
            }
        }
        Ok(Value::Sequence(items))
    }

    fn scalar(&self, text: String) -> Value {
        match self.kind {
            SetKind::String => Value::String(text),
            // Json values never reach here; typed is the closest fallback.
            SetKind::Typed | SetKind::Json => typed_value(text),
        }
    }
}

/// Helm's `typedVal`: bools and null case-insensitively, `0`, and integers
/// that fit an i64 and don't start with `0`; everything else is a string.
fn typed_value(text: String) -> Value {
    if fold_eq(&text, "true") {
        return Value::Bool(true);
    }
    if fold_eq(&text, "false") {
        return Value::Bool(false);
    }
    if fold_eq(&text, "null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::Number(0.into());
    }
    // Leading zeros stay strings so `007` or a zip code survive as written.
    if !text.is_empty() && !text.starts_with('0') {
        if let Ok(n) = text.parse::<i64>() {
            return Value::Number(n.into());
        }
    }
    Value::String(text)
}

/// Go's `strings.EqualFold` against a lowercase ASCII word; besides ASCII
/// case it folds U+017F (long s) to `s`, the only non-ASCII letter that
/// folds onto the letters of `true`, `false` and `null`.
fn fold_eq(text: &str, word: &str) -> bool {
    let mut folded = text.chars().map(|c| match c {
        '\u{17f}' => 's',
        _ => c.to_ascii_lowercase(),
    });
    word.chars().all(|w| folded.next() == Some(w)) && folded.next().is_none()
}

fn assign(root: &mut Value, path: &[PathSeg], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    if let (Value::Null, PathSeg::Key(key)) = (&value, last) {
        delete(root, parents, key);
        return;
    }
    let mut cur = root;
    for seg in parents {
        cur = child(cur, seg);
    }
    *child(cur, last) = value;
}

/// The slot for `seg` under `cur`, creating it. Whatever is in the way is
/// replaced by a container of the right kind: later flags override earlier
/// ones, whatever their shape.
fn child<'v>(cur: &'v mut Value, seg: &PathSeg) -> &'v mut Value {
    match seg {
        PathSeg::Key(key) => {
            if !cur.is_mapping() {
                *cur = Value::Mapping(Mapping::new());
            }
            match cur {
                Value::Mapping(map) => map.entry(Value::String(key.clone())).or_insert(Value::Null),
                _ => unreachable!("replaced by a mapping above"),
            }
        }
        PathSeg::Index(index) => {
            if !cur.is_sequence() {
                *cur = Value::Sequence(Vec::new());
            }
            match cur {
                Value::Sequence(seq) => {
                    if seq.len() <= *index {
                        seq.resize(index + 1, Value::Null);
                    }
                    &mut seq[*index]
                }
                _ => unreachable!("replaced by a sequence above"),
            }
        }
    }
}

/// `key=null`: removes the key if the path to it exists; creates nothing.
fn delete(root: &mut Value, parents: &[PathSeg], key: &str) {
    let mut cur = root;
    for seg in parents {
        let next = match seg {
            PathSeg::Key(k) => cur.as_mapping_mut().and_then(|m| m.get_mut(k.as_str())),
            PathSeg::Index(i) => cur.as_sequence_mut().and_then(|s| s.get_mut(*i)),
        };
        match next {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(map) = cur.as_mapping_mut() {
        // shift_remove keeps the order of the remaining keys.
        map.shift_remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        crate::yaml::from_str("test", text).unwrap()
    }

    fn set_on(base: &str, expr: &str, kind: SetKind) -> Value {
        let mut root = yaml(base);
        apply(expr, kind, &mut root).unwrap_or_else(|e| panic!("{e}"));
        root
    }

    /// Applies a `--set` expression to an empty root and compares with YAML.
    #[track_caller]
    fn check(expr: &str, expected: &str) {
        assert_eq!(set_on("{}", expr, SetKind::Typed), yaml(expected), "{expr}");
    }

    #[track_caller]
    fn check_string(expr: &str, expected: &str) {
        assert_eq!(
            set_on("{}", expr, SetKind::String),
            yaml(expected),
            "{expr}"
        );
    }

    #[track_caller]
    fn check_on(base: &str, expr: &str, expected: &str) {
        assert_eq!(set_on(base, expr, SetKind::Typed), yaml(expected), "{expr}");
    }

    #[track_caller]
    fn error(expr: &str) -> SetError {
        let mut root = yaml("{keep: 1}");
        let err = apply(expr, SetKind::Typed, &mut root).unwrap_err();
        assert_eq!(root, yaml("{keep: 1}"), "root changed by failing {expr:?}");
        err
    }

    #[track_caller]
    fn check_error(expr: &str, message: &str, column: usize) -> SetError {
        let err = error(expr);
        assert_eq!(
            (err.message.as_str(), err.column),
            (message, column),
            "{expr:?}"
        );
        err
    }

    #[test]
    fn nested_maps_are_created() {
        check("a.b.c=v", "a: {b: {c: v}}");
        check("a=1,b=2", "{a: 1, b: 2}");
        check("a.b=1,a.c=2", "a: {b: 1, c: 2}");
    }

    #[test]
    fn existing_maps_are_extended_in_place() {
        check_on(
            "{a: {x: 1, y: 2}, z: 3}",
            "a.y=5,a.w=6",
            "{a: {x: 1, y: 5, w: 6}, z: 3}",
        );
    }

    #[test]
    fn non_map_in_the_way_is_replaced() {
        check_on("a: 1", "a.b=2", "a: {b: 2}");
        check_on("a: [1, 2]", "a.b=2", "a: {b: 2}");
        check_on("a: {b: 1}", "a[1]=x", "a: [null, x]");
        check("a=1,a.b=2", "a: {b: 2}");
        check("a.b=2,a=1", "a: 1");
    }

    #[test]
    fn non_mapping_root_becomes_a_mapping() {
        assert_eq!(set_on("null", "a=1", SetKind::Typed), yaml("a: 1"));
        assert_eq!(set_on("[1]", "a=1", SetKind::Typed), yaml("a: 1"));
    }

    #[test]
    fn list_indexes() {
        check("a[0]=x", "a: [x]");
        check("a[2]=y", "a: [null, null, y]");
        check("a[0].b=x", "a: [{b: x}]");
        check("a[1].b=x,a[1].c=y", "a: [null, {b: x, c: y}]");
        check("a[0][1]=x", "a: [[null, x]]");
        check("a[0][1].b[0]=x", "a: [[null, {b: [x]}]]");
        check(
            "a[007]=x",
            "a: [null, null, null, null, null, null, null, x]",
        );
        check("list[0]=foo,list[1]=bar,list[0]=baz", "list: [baz, bar]");
    }

    #[test]
    fn list_assignment_is_in_place() {
        check_on("hosts: [a, b, c]", "hosts[1]=x", "hosts: [a, x, c]");
        check_on("hosts: [a]", "hosts[2]=x", "hosts: [a, null, x]");
        check_on("a: [{b: 1, c: 2}]", "a[0].b=3", "a: [{b: 3, c: 2}]");
        check_on("a: [[1, 2]]", "a[0][0]=3", "a: [[3, 2]]");
        // An element of the wrong shape is replaced, like Helm's out-of-order indexes.
        check_on("a: [s]", "a[0].b=1", "a: [{b: 1}]");
    }

    #[test]
    fn index_limit() {
        let mut root = yaml("{}");
        apply("a[65536]=x", SetKind::Typed, &mut root).unwrap();
        assert_eq!(root["a"].as_sequence().unwrap().len(), 65537);
        assert_eq!(root["a"][65536], yaml("x"));
        let err = check_error(
            "a[65537]=x",
            "list index 65537 is above the maximum of 65536",
            3,
        );
        assert_eq!(err.hint, None);
        check_error(
            "a[99999999999999999999999999]=x",
            "list index 99999999999999999999999999 is above the maximum of 65536",
            3,
        );
    }

    #[test]
    fn list_literals() {
        check("a={x,y,z}", "a: [x, y, z]");
        check("a={}", "a: []");
        check("a={x}", "a: [x]");
        check("a={x,}", "a: [x, '']");
        check("a={,}", "a: ['', '']");
        check("a[0]={x,y}", "a: [[x, y]]");
        check(
            "a={1,true,007,null,1.5}",
            "a: [1, true, '007', null, '1.5']",
        );
        check("a={x},b=1", "{a: [x], b: 1}");
        check("a={x=y.z[0]}", "a: ['x=y.z[0]']");
        check("a={x\\,y,z\\}}", "a: ['x,y', 'z}']");
        check("a={x,{y}", "a: [x, '{y']");
        check("a=x{y}", "a: 'x{y}'");
        check_on("a: [1, 2, 3]", "a={9}", "a: [9]");
    }

    #[test]
    fn list_literal_in_string_mode_keeps_strings() {
        check_string("a={1,true,null,}", "a: ['1', 'true', 'null', '']");
    }

    #[test]
    fn escapes() {
        check(
            "nodeSelector.kubernetes\\.io/role=master",
            "nodeSelector: {kubernetes.io/role: master}",
        );
        check("a=x\\,y", "a: 'x,y'");
        check("a=b\\\\c", "a: 'b\\c'");
        check("a\\=b=c", "'a=b': c");
        check("a\\[0\\]=c", "'a[0]': c");
        check("a\\,b=c", "'a,b': c");
    }

    #[test]
    fn escaped_value_characters_are_kept_literally() {
        check("a=\\{x\\,y}", "a: '{x,y}'");
        check("a=x\\y", "a: xy");
        check("a=\\=", "a: '='");
        check("a=\\1", "a: 1");
        // Escaping the `{` makes it a plain value, so the comma ends it.
        check_error("a=\\{x,y}", "key \"y}\" has no value", 9);
    }

    #[test]
    fn value_runs_to_the_next_unescaped_comma() {
        check("a=b=c", "a: b=c");
        check("a=x.y[0]", "a: 'x.y[0]'");
        check("a= spaced ", "a: ' spaced '");
        check("a=ünï,b=☃", "{a: ünï, b: ☃}");
        check("a=1,", "a: 1");
    }

    #[test]
    fn empty_value_is_an_empty_string() {
        check("a=", "a: ''");
        check("a=,b=1", "{a: '', b: 1}");
        check("a[0]=", "a: ['']");
        check_string("a=", "a: ''");
    }

    #[test]
    fn type_inference() {
        for (text, expected) in [
            ("true", "true"),
            ("TRUE", "true"),
            ("tRuE", "true"),
            ("false", "false"),
            ("False", "false"),
            ("fal\u{17f}e", "false"),
            ("0", "0"),
            ("-0", "0"),
            ("1", "1"),
            ("-5", "-5"),
            ("+5", "5"),
            ("9223372036854775807", "9223372036854775807"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("007", "'007'"),
            ("00", "'00'"),
            ("1.5", "'1.5'"),
            ("1e3", "'1e3'"),
            ("0x10", "'0x10'"),
            ("1_000", "'1_000'"),
            (" 1", "' 1'"),
            ("9223372036854775808", "'9223372036854775808'"),
            ("yes", "yes"),
            ("~", "'~'"),
            ("Null", "null"),
        ] {
            let expr = format!("a[0]={text}");
            check(&expr, &format!("a: [{expected}]"));
        }
    }

    #[test]
    fn set_string_keeps_strings() {
        check_string(
            "a=true,b=null,c=0,d=-5,e=1.5,f=",
            "{a: 'true', b: 'null', c: '0', d: '-5', e: '1.5', f: ''}",
        );
    }

    #[test]
    fn null_deletes_a_key() {
        let mut root = yaml("{a: {b: 1, c: 2, d: 3}, e: 4}");
        let paths = apply("a.c=null,e=NULL", SetKind::Typed, &mut root).unwrap();
        assert_eq!(root, yaml("a: {b: 1, d: 3}"));
        assert_eq!(paths, vec![KeyPath::parse("a.c"), KeyPath::parse("e")]);
        // Nothing is created for a key that isn't there.
        check_on("{a: 1}", "x.y=null", "{a: 1}");
        check_on("{a: 1}", "a.y=null", "{a: 1}");
        check_on("{a: [{b: 1, c: 2}]}", "a[0].b=null", "a: [{c: 2}]");
        check_on("{a: []}", "a[3].b=null", "a: []");
        check("a.b=1,a.b=null", "a: {}");
        // A list element becomes null instead.
        check_on("{a: [x, y]}", "a[0]=null", "a: [null, y]");
        check("a[1]=null", "a: [null, null]");
    }

    #[test]
    fn returns_paths_in_order() {
        let mut root = yaml("{}");
        let paths = apply(
            "a.b=1,c[0]=x,d={1},k\\.x=2,a.b=3",
            SetKind::Typed,
            &mut root,
        )
        .unwrap();
        let shown: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        assert_eq!(shown, ["a.b", "c[0]", "d", "k\\.x", "a.b"]);
        assert_eq!(
            paths[1].0,
            vec![PathSeg::Key("c".into()), PathSeg::Index(0)]
        );
    }

    #[test]
    fn nesting_limits() {
        let ok = format!("{}=1", vec!["k"; MAX_DOTS + 1].join("."));
        apply(&ok, SetKind::Typed, &mut yaml("{}")).unwrap();
        let too_deep = format!("{}=1", vec!["k"; MAX_DOTS + 2].join("."));
        check_error(&too_deep, "key nests more than 30 levels", 62);
        let ok = format!("a{}=1", "[0]".repeat(MAX_INDEXES));
        apply(&ok, SetKind::Typed, &mut yaml("{}")).unwrap();
        let too_deep = format!("a{}=1", "[0]".repeat(MAX_INDEXES + 1));
        check_error(&too_deep, "key has more than 30 list indexes", 92);
    }

    #[test]
    fn error_empty_expression() {
        let err = check_error("", "empty expression", 1);
        assert!(err.hint.is_some());
    }

    #[test]
    fn error_missing_value() {
        let err = check_error("a.b", "key \"a.b\" has no value", 4);
        assert_eq!(err.hint.as_deref(), Some("use a.b=VALUE"));
        let err = check_error("a=x,y", "key \"y\" has no value", 6);
        assert_eq!(
            err.hint.as_deref(),
            Some("use y=VALUE; to put a comma in the previous value, write it as \\,")
        );
        check_error("a,b=1", "key \"a\" has no value", 2);
        check_error("a[0]", "key \"a[0]\" has no value", 5);
        check_error("a[0],b=1", "key \"a[0]\" has no value", 5);
        check_error("k\\.x", "key \"k\\.x\" has no value", 5);
    }

    #[test]
    fn error_empty_key() {
        let err = check_error("=1", "empty key", 1);
        assert_eq!(
            err.hint.as_deref(),
            Some("put a key before '=', e.g. name=VALUE")
        );
        check_error("a..b=1", "empty key", 3);
        check_error("a.=1", "empty key", 3);
        check_error(".a=1", "empty key", 1);
        check_error("a.", "empty key", 3);
        check_error("[0]=1", "empty key", 1);
        check_error("a[0].=1", "empty key", 6);
        check_error(",", "empty key", 1);
        check_error("a=1,,b=2", "empty key", 5);
        check_error("a=1,=2", "empty key", 5);
    }

    #[test]
    fn error_bad_index() {
        let err = check_error("a[1=x", "unclosed '['", 2);
        assert!(err.hint.is_some());
        check_error("a[", "unclosed '['", 2);
        check_error(
            "a[x]=1",
            "list index \"x\" is not a non-negative integer",
            3,
        );
        let err = check_error(
            "a[-1]=1",
            "list index \"-1\" is not a non-negative integer",
            3,
        );
        assert_eq!(err.hint.as_deref(), Some("list indexes start at 0"));
        check_error(
            "a[+1]=1",
            "list index \"+1\" is not a non-negative integer",
            3,
        );
        check_error(
            "a[ 1]=1",
            "list index \" 1\" is not a non-negative integer",
            3,
        );
        check_error(
            "a[1.5]=1",
            "list index \"1.5\" is not a non-negative integer",
            3,
        );
        check_error("a[]=1", "empty list index", 3);
        check_error(
            "a[0][x]=1",
            "list index \"x\" is not a non-negative integer",
            6,
        );
    }

    #[test]
    fn error_after_index() {
        let err = check_error("a[0]b=1", "unexpected 'b' after ']'", 5);
        assert!(err.hint.is_some());
        check_error("a[0]]=1", "unexpected ']' after ']'", 5);
        check_error("a[0]\\.b=1", "unexpected '\\' after ']'", 5);
    }

    #[test]
    fn error_unclosed_list_literal() {
        let err = check_error("a={x,y", "list literal is not closed with '}'", 3);
        assert!(err.hint.is_some());
        check_error("a={", "list literal is not closed with '}'", 3);
        check_error("b=1,a={x\\}", "list literal is not closed with '}'", 7);
        check_error("a={x}y", "unexpected 'y' after list literal", 6);
        check_error("a={x}}", "unexpected '}' after list literal", 6);
    }

    #[test]
    fn error_trailing_backslash() {
        let err = check_error("a=x\\", "trailing backslash escapes nothing", 4);
        assert_eq!(
            err.hint.as_deref(),
            Some("write a literal backslash as \\\\")
        );
        check_error("\\", "trailing backslash escapes nothing", 1);
        check_error("a.b\\", "trailing backslash escapes nothing", 4);
        check_error("a={x\\", "trailing backslash escapes nothing", 5);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        check_error("é.ü..x=1", "empty key", 5);
    }

    #[test]
    fn error_display() {
        let err = error("a..b=1");
        assert_eq!(err.to_string(), "\"a..b=1\": empty key at column 3");
        assert_eq!(
            err.render("--set"),
            "--set \"a..b=1\": empty key at column 3\n  hint: every part of a key needs a name; write a literal dot in a key as \\."
        );
        let err = error("a\nb");
        assert_eq!(
            err.to_string(),
            "\"a\\nb\": key \"a\\nb\" has no value at column 4"
        );
        assert!(!error("a[x]=1").render("--set").is_empty());
    }

    fn json(base: &str, expr: &str) -> Value {
        set_on(base, expr, SetKind::Json)
    }

    #[track_caller]
    fn json_error(expr: &str, message: &str, column: usize) -> SetError {
        let err = parse(expr, SetKind::Json).expect_err(expr);
        assert!(err.message.contains(message), "{err}");
        assert_eq!(err.column, column, "{err}");
        assert!(err.hint.is_some(), "{err}");
        err
    }

    // The cases of Helm's TestParseJSON (pkg/strvals/parser_test.go, v3.19.5).
    #[test]
    fn json_scalars_replace_and_keep_their_types() {
        assert_eq!(
            json(
                "{outer: {inner1: overwrite, inner2: value2}}",
                r#"outer.inner1="1",outer.inner3=3,outer.inner4=true,outer.inner5="true""#
            ),
            yaml("{outer: {inner1: '1', inner2: value2, inner3: 3, inner4: true, inner5: 'true'}}")
        );
    }

    #[test]
    fn json_objects_and_arrays_replace_whole() {
        assert_eq!(
            json(
                "{outer: {inner1: {x: overwrite}, inner2: value2, inner3: [overwrite]}}",
                r#"outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["new value 1","new value 2"],outer.inner5=[{"A":"1","B":2.5}]"#
            ),
            yaml("{outer: {inner1: {a: '1', b: 2, c: [1, 2, 3]}, inner2: value2, inner3: [new value 1, new value 2], inner5: [{A: '1', B: 2.5}]}}")
        );
    }

    #[test]
    fn json_empty_is_null_and_null_deletes() {
        assert_eq!(
            json(
                "{outer: {inner1: {x: 1}, inner2: value2}}",
                r#"outer.inner1=,outer.inner3={"cc":[1,2,3]},outer.inner3.cc[1]=null"#
            ),
            yaml("{outer: {inner2: value2, inner3: {cc: [1, null, 3]}}}")
        );
        assert_eq!(json("{a: 1, b: 2}", "a= ,b=null"), yaml("{}"));
    }

    #[test]
    fn json_commas_inside_a_value_need_no_escape() {
        let parsed = parse(r#"rules=[{"name":"a,b","w":[1, 2]}] ,x="y""#, SetKind::Json).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].value, yaml("[{name: 'a,b', w: [1, 2]}]"));
        assert_eq!(parsed[1].path, KeyPath::parse("x"));
        // Keys are --set keys: indexes, escapes and their limits.
        assert_eq!(json("{}", r#"a[1]={"b":1}"#), yaml("{a: [null, {b: 1}]}"));
        assert_eq!(json("{}", r#"a\.b=1"#), yaml("{'a.b': 1}"));
        assert!(parse(&format!("a[{}]=1", MAX_INDEX + 1), SetKind::Json).is_err());
    }

    #[test]
    fn json_errors_point_at_the_bad_character() {
        // Column of the `}` that should be `]` (Helm's syntax-error case).
        json_error(r#"a=[1,2},b=1"#, "invalid JSON", 7);
        json_error("name=canary", "invalid JSON", 6);
        let err = json_error("name=canary", "invalid JSON", 6);
        assert!(err.hint.unwrap().contains("double quotes"));
        json_error(r#"a=[1,"#, "invalid JSON", 6);
        // Columns count characters, also across lines of the JSON.
        json_error("é=[\n1,\n}", "invalid JSON", 8);
        let err = json_error(r#"a=1 b=2"#, "after the JSON value", 5);
        assert!(err.hint.unwrap().contains("separate assignments"));
        json_error(r#"a={"x":1}}"#, "after the JSON value", 10);
    }

    #[test]
    fn never_panics() {
        let alphabet = [
            'a', '0', '.', '[', ']', '{', '}', '=', ',', '\\', 'é', '-', '\n',
        ];
        let mut inputs: Vec<String> = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for prefix in &frontier {
                for c in alphabet {
                    let mut s = prefix.clone();
                    s.push(c);
                    next.push(s);
                }
            }
            inputs.extend(next.iter().cloned());
            frontier = next;
        }
        for odd in [
            "\u{0}=\u{0}",
            "🦀.🦀[0]=🦀",
            "a[0]={🦀,\\🦀}",
            "a[65536][65536]=x",
            "a[18446744073709551616]=1",
            "a[0].b[1].c={x,y},d=\\,",
            "a={{{{}}}}",
            "}{][=,\\",
            "a=null,a[0]=null,a.b=null",
        ] {
            inputs.push(odd.to_string());
        }
        inputs.push("a.".repeat(10_000));
        inputs.push(format!("a{}=1", "[0]".repeat(10_000)));
        inputs.push(format!("a={}", "x,".repeat(10_000)));
        inputs.push(format!("a={}", "[".repeat(10_000)));
        inputs.push("a=\"é\u{1F980}\",b=[1,".to_string());
        let base = yaml("{a: [1, {b: [2]}, x], 'a\\': {b: 1}, é: null}");
        for input in &inputs {
            for kind in [SetKind::Typed, SetKind::String, SetKind::Json] {
                let mut root = base.clone();
                match apply(input, kind, &mut root) {
                    Ok(paths) => assert!(!paths.is_empty(), "{input:?}"),
                    Err(err) => {
                        assert_eq!(root, base, "{input:?}");
                        assert!(err.column >= 1, "{input:?}");
                        assert!(err.column <= input.chars().count() + 1, "{input:?}");
                        assert!(!err.to_string().contains('\n'), "{input:?}");
                    }
                }
            }
        }
    }
}
