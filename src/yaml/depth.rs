//! A nesting guard run before a YAML parser sees untrusted text.
//!
//! serde_yaml (libyaml) scans a whole document before its recursion limit
//! (128) applies, and both libyaml and yaml-rust2 scan flow collections in
//! time quadratic in their depth: 100,000 `[` took 40 s. This single linear
//! pass over the bytes bounds the flow depth first.
//!
//! The count may only err upwards, never miss real nesting: quotes are
//! recognised only where YAML must start a quoted scalar (right after `[`,
//! `{` or `,` inside a flow collection), comments wherever `#` follows a
//! space. Brackets inside other strings count, so a file of many unbalanced
//! brackets in strings could be refused; no values file looks like that.

use crate::error::{Error, Location, Result};

/// serde_yaml's own limit: deeper documents fail there anyway.
pub const MAX_DEPTH: usize = 128;

enum State {
    Plain,
    Comment,
    Single,
    Double,
}

/// Fails when flow collections (`[...]`, `{...}`) in `text` may nest deeper
/// than [`MAX_DEPTH`].
pub fn check(source: &str, text: &str) -> Result<()> {
    let bytes = text.as_bytes();
    let (mut depth, mut state, mut token_start) = (0usize, State::Plain, false);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match state {
            State::Comment if c == b'\n' => state = State::Plain,
            State::Comment => {}
            // '' is a quote inside a single-quoted scalar.
            State::Single if c == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            State::Single if c == b'\'' => state = State::Plain,
            State::Single => {}
            State::Double if c == b'\\' => i += 1,
            State::Double if c == b'"' => state = State::Plain,
            State::Double => {}
            State::Plain => match c {
                b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => state = State::Comment,
                b'\'' if depth > 0 && token_start => state = State::Single,
                b'"' if depth > 0 && token_start => state = State::Double,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(too_deep(source, text, i));
                    }
                    token_start = true;
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    token_start = false;
                }
                b',' if depth > 0 => token_start = true,
                c if c.is_ascii_whitespace() => {}
                _ => token_start = false,
            },
        }
        i += 1;
    }
    Ok(())
}

fn too_deep(source: &str, text: &str, at: usize) -> Error {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |n| n + 1)..]
        .chars()
        .count()
        + 1;
    Error::input(format!(
        "invalid YAML in `{source}`: lists and maps nest deeper than {MAX_DEPTH} levels"
    ))
    .at(Some(Location::in_text(source, text, line, column, 1)))
    .hint("the document nests or repeats too deeply to be a values file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_nesting_fails_fast_and_located() {
        let flow = format!("a: 1\nb: {}", "[".repeat(100_000));
        let err = check("f.yaml", &flow).unwrap_err();
        assert!(err.message.contains("deeper than 128 levels"), "{err}");
        let at = err.location.unwrap();
        assert_eq!((at.line, at.column), (2, 4 + 128));
    }

    #[test]
    fn ordinary_documents_pass() {
        check("v.yaml", "a: {b: [1, 2, {c: d}]}\ne:\n  - f\n").unwrap();
        let nested = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        check("n.yaml", &nested).unwrap();
        // Balanced or commented brackets never add up.
        let many = "k: {a: [x]} # [[[[\n".repeat(1000) + "p: \"^[a-z]+$\"\n";
        check("m.yaml", &many).unwrap();
    }

    #[test]
    fn quoted_brackets_cannot_hide_nesting() {
        // A `]` inside a flow string must not cancel a real `[`.
        let tricky = "[ 'x'']]]', \"]]\\\"]]\", ".repeat(200);
        assert!(check("t.yaml", &tricky).is_err());
        let tricky = "[\"]]]]\" ".repeat(200);
        assert!(check("t.yaml", &tricky).is_err());
    }
}
