//! A fast reader for the YAML that templates print and values files mostly
//! are: block maps and lists, one entry per line, whose values are plain
//! words, numbers or one-line JSON (the render formatter prints every value
//! as JSON), with comments. libyaml spent 40% of a large render reading
//! exactly this.
//!
//! It only ever answers "these are the documents" or "not mine": at anything
//! else (anchors, tags, single-quoted keys, block or multi-line scalars,
//! tabs, text beyond printable ASCII, a repeated key, a misplaced indent) it
//! gives up and the caller reads the text with serde_yaml, which also words
//! every error. So a stream never means something different here: the tests
//! hold it to serde_yaml on every shipped example, on a table of edge cases
//! and on mutated streams.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

/// Deeper than this goes to serde_yaml, which has its own limit and message.
const MAX_DEPTH: usize = 64;

/// One non-blank, non-comment line: its indent and the text after it, with
/// trailing spaces removed.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

/// The documents of `text`, a `null` for each empty one, as serde_yaml's
/// document iterator yields them; `None` when `text` is not in the subset.
pub(crate) fn read_stream(text: &str) -> Option<Vec<Value>> {
    if !text
        .bytes()
        .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return None;
    }
    let mut documents = Vec::new();
    // Lines of the current document; `None` before the first `---` until a line is seen.
    let mut current: Option<Vec<Line>> = None;
    for raw in text.split('\n') {
        let trimmed = raw.trim_end_matches(' ');
        let body = trimmed.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = trimmed.len() - body.len();
        if indent == 0 && (body.starts_with("---") || body.starts_with("...")) {
            if body != "---" {
                return None;
            }
            if let Some(lines) = current.take() {
                documents.push(read_document(lines)?);
            }
            current = Some(Vec::new());
            continue;
        }
        if indent == 0 && body.starts_with('%') {
            return None;
        }
        current
            .get_or_insert_with(Vec::new)
            .push(Line { indent, text: body });
    }
    if let Some(lines) = current {
        documents.push(read_document(lines)?);
    }
    if documents.is_empty() {
        // serde_yaml reads a stream without documents as one empty document.
        documents.push(Value::Null);
    }
    Some(documents)
}

fn read_document(mut lines: Vec<Line>) -> Option<Value> {
    if lines.is_empty() {
        return Some(Value::Null);
    }
    let mut reader = Reader {
        lines: &mut lines,
        pos: 0,
    };
    let first_indent = reader.lines[0].indent;
    let value = reader.node(first_indent, 0)?;
    // Anything left was not nested where YAML allows it.
    (reader.pos == reader.lines.len()).then_some(value)
}

struct Reader<'l, 'a> {
    lines: &'l mut Vec<Line<'a>>,
    pos: usize,
}

impl<'a> Reader<'_, 'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    /// The block node whose first line is the current one, at `indent`.
    fn node(&mut self, indent: usize, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let line = self.peek()?;
        if line.indent != indent {
            return None;
        }
        if is_sequence_entry(line.text) {
            self.sequence(indent, depth, false)
        } else if split_key(line.text).is_some() {
            self.mapping(indent, depth)
        } else {
            None
        }
    }

    /// The value after `key:` or `-` with nothing on its line: the lines
    /// indented deeper than `parent`, or null when there are none. A key's
    /// list may also sit at the key's own indent (`under_key`).
    fn nested(&mut self, parent: usize, depth: usize, under_key: bool) -> Option<Value> {
        match self.peek() {
            Some(next) if next.indent > parent => self.node(next.indent, depth + 1),
            Some(next) if under_key && next.indent == parent && is_sequence_entry(next.text) => {
                self.sequence(parent, depth + 1, true)
            }
            _ => Some(Value::Null),
        }
    }

    /// After a value written on its own line, nothing may follow deeper.
    fn end_of_entry(&self, indent: usize) -> Option<()> {
        match self.peek() {
            Some(next) if next.indent > indent => None,
            _ => Some(()),
        }
    }

    fn mapping(&mut self, indent: usize, depth: usize) -> Option<Value> {
        let mut entries: Vec<(String, Value)> = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let (key, rest) = split_key(line.text)?;
            self.pos += 1;
            let value = if rest.is_empty() || rest.starts_with('#') {
                self.nested(indent, depth, true)?
            } else {
                let value = inline_value(rest)?;
                self.end_of_entry(indent)?;
                value
            };
            entries.push((key.into_owned(), value));
        }
        let mut map = Map::with_capacity(entries.len());
        for (key, value) in entries {
            if map.insert(key, value).is_some() {
                return None; // a repeated key: serde_yaml says where
            }
        }
        Some(Value::Object(map))
    }

    /// A list at `indent`; one at its key's indent ends at the next key.
    fn sequence(&mut self, indent: usize, depth: usize, under_key: bool) -> Option<Value> {
        let mut items = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            if !is_sequence_entry(line.text) {
                if under_key {
                    break;
                }
                return None;
            }
            let rest = line.text[1..].trim_start_matches(' ');
            if rest.is_empty() || rest.starts_with('#') {
                self.pos += 1;
                items.push(self.nested(indent, depth, false)?);
            } else if is_sequence_entry(rest) || split_key(rest).is_some() {
                // `- key: value` / `- - x`: the entry is a block node that starts
                // at the column of `rest`; read the line again as that node.
                let column = indent + (line.text.len() - rest.len());
                self.lines[self.pos] = Line {
                    indent: column,
                    text: rest,
                };
                items.push(self.node(column, depth + 1)?);
            } else {
                self.pos += 1;
                items.push(inline_value(rest)?);
                self.end_of_entry(indent)?;
            }
        }
        items.shrink_to_fit();
        Some(Value::Array(items))
    }
}

fn is_sequence_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// `key:` or `key: rest` with a plain word key or a one-line JSON string
/// key (templates print a label's key quoted); `None` for anything else.
fn split_key(text: &str) -> Option<(Cow<'_, str>, &str)> {
    if text.starts_with('"') {
        let mut flow = Flow {
            text: text.as_bytes(),
            pos: 0,
        };
        // A quoted key is a string whatever it says, `"null"` too.
        let key = flow.string()?;
        let after = text.get(flow.pos..)?.strip_prefix(':')?;
        if !(after.is_empty() || after.starts_with(' ')) {
            return None;
        }
        return Some((Cow::Owned(key), after.trim_start_matches(' ')));
    }
    let colon = text.find(':')?;
    let (key, after) = (&text[..colon], &text[colon + 1..]);
    if !(after.is_empty() || after.starts_with(' ')) || !is_plain_word(key) {
        return None;
    }
    // Keys are read as strings; a key that reads as null or a bool is left to
    // serde_yaml. A plain word is a string but for those (see `plain_scalar`).
    if is_null_or_bool(key) {
        return None;
    }
    Some((Cow::Borrowed(key), after.trim_start_matches(' ')))
}

/// A letter followed by letters, digits and `._/-`: a plain scalar in any
/// YAML context, with no comment, indicator or space to think about.
fn is_plain_word(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) && has_word_bytes_only(s)
}

fn has_word_bytes_only(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-'))
}

/// A value written after `key: ` or `- ` on the same line: JSON, or a plain
/// scalar; either may be followed by a comment.
fn inline_value(text: &str) -> Option<Value> {
    let (value, rest) = match *text.as_bytes().first()? {
        b'{' | b'[' | b'"' => {
            let mut flow = Flow {
                text: text.as_bytes(),
                pos: 0,
            };
            let value = flow.value(0)?;
            (value, &text[flow.pos..])
        }
        _ => {
            let end = text.find(' ').unwrap_or(text.len());
            (plain_scalar(&text[..end])?, &text[end..])
        }
    };
    let comment = rest.trim_start_matches(' ');
    (comment.is_empty() || (comment.len() < rest.len() && comment.starts_with('#')))
        .then_some(value)
}

/// What serde_yaml makes of a plain scalar, for the forms read here: null and
/// bool words, JSON numbers, and words of letters, digits and `._/-`. `None`
/// for every other form.
fn plain_scalar(s: &str) -> Option<Value> {
    match s {
        "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    if is_plain_word(s) {
        return Some(Value::String(s.to_owned()));
    }
    if let Some(number) = number(s) {
        return Some(number);
    }
    // A word that starts with a digit (`10s`, `2000m`, `1.2.3`) is a string
    // unless some base or float syntax reads it as a number; those are left
    // to serde_yaml.
    let word = s.as_bytes().first().is_some_and(u8::is_ascii_digit) && has_word_bytes_only(s);
    let numeric = ["0x", "0o", "0b"].iter().any(|p| s.starts_with(p))
        || s.bytes().all(|b| b.is_ascii_digit())
        || s.parse::<f64>().is_ok();
    (word && !numeric).then(|| Value::String(s.to_owned()))
}

/// The plain words [`plain_scalar`] reads as null or a boolean.
fn is_null_or_bool(s: &str) -> bool {
    matches!(
        s,
        "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    )
}

/// A JSON number, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, read
/// as serde_yaml reads it: an integer within 64 bits, else a finite double.
fn number(s: &str) -> Option<Value> {
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(e) => (&unsigned[..e], Some(&unsigned[e + 1..])),
        None => (unsigned, None),
    };
    let (int, fraction) = match mantissa.split_once('.') {
        Some((int, fraction)) => (int, Some(fraction)),
        None => (mantissa, None),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    if !digits(int)
        || (int.len() > 1 && int.starts_with('0'))
        || !fraction.is_none_or(digits)
        || !exponent_ok
    {
        return None;
    }
    if fraction.is_none() && exponent.is_none() {
        return if s.starts_with('-') {
            s.parse::<i64>().ok().map(Value::from)
        } else {
            s.parse::<u64>().ok().map(Value::from)
        };
    }
    let float: f64 = s.parse().ok()?;
    Number::from_f64(float).map(Value::Number)
}

/// One line of JSON (as serde_json prints it, or as a template writes it
/// with spaces between tokens) inside YAML flow context.
struct Flow<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Flow<'_> {
    /// Skips spaces, then takes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_spaces();
        let found = self.text.get(self.pos) == Some(&byte);
        self.pos += usize::from(found);
        found
    }

    fn skip_spaces(&mut self) {
        while self.text.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_spaces();
        match *self.text.get(self.pos)? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Value::String),
            _ => {
                let start = self.pos;
                while self
                    .text
                    .get(self.pos)
                    .is_some_and(|b| !matches!(b, b',' | b']' | b'}'))
                {
                    self.pos += 1;
                }
                let token = std::str::from_utf8(&self.text[start..self.pos]).ok()?;
                let token = token.trim_end_matches(' ');
                match token {
                    "null" => Some(Value::Null),
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    _ => number(token),
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<Value> {
        self.pos += 1;
        let mut entries: Vec<(String, Value)> = Vec::new();
        if !self.eat(b'}') {
            loop {
                self.skip_spaces();
                if self.text.get(self.pos) != Some(&b'"') {
                    return None;
                }
                let key = self.string()?;
                if !self.eat(b':') {
                    return None;
                }
                entries.push((key, self.value(depth + 1)?));
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        let mut map = Map::with_capacity(entries.len());
        for (key, value) in entries {
            if map.insert(key, value).is_some() {
                return None;
            }
        }
        Some(Value::Object(map))
    }

    fn array(&mut self, depth: usize) -> Option<Value> {
        self.pos += 1;
        let mut items = Vec::new();
        if !self.eat(b']') {
            loop {
                items.push(self.value(depth + 1)?);
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        items.shrink_to_fit();
        Some(Value::Array(items))
    }

    /// A double-quoted string with the escapes serde_json writes; each means
    /// the same in YAML. `\u` escapes of surrogates are left to serde_yaml.
    fn string(&mut self) -> Option<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while self
                .text
                .get(self.pos)
                .is_some_and(|b| !matches!(b, b'"' | b'\\'))
            {
                self.pos += 1;
            }
            // The whole line is printable ASCII, so any slice of it is UTF-8.
            out.push_str(std::str::from_utf8(&self.text[start..self.pos]).ok()?);
            match *self.text.get(self.pos)? {
                b'"' => {
                    self.pos += 1;
                    return Some(out);
                }
                _ => {
                    let escaped = *self.text.get(self.pos + 1)?;
                    self.pos += 2;
                    out.push(match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => {
                            let hex = self.text.get(self.pos..self.pos + 4)?;
                            self.pos += 4;
                            // from_str_radix alone would take a sign: `\u+041`.
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            let code =
                                u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                            char::from_u32(code)?
                        }
                        _ => return None,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
