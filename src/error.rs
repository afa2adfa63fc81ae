//! The one error type every stage returns: a message, where it comes from
//! (file, line, column and the offending line), and a hint. It owns how an
//! error is shown to a person and which exit code it maps to.

use std::fmt;

/// Where in a user's input a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// A file path, `<stdin>`, `--set` or `built-in defaults`.
    pub source: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text of that line, for the snippet under the message.
    pub line_text: Option<String>,
    /// How many characters to underline from `column`.
    pub width: usize,
}

impl Location {
    /// A location inside `text`, with the snippet line taken from it.
    pub fn in_text(source: &str, text: &str, line: usize, column: usize, width: usize) -> Self {
        Location {
            source: source.to_string(),
            line,
            column,
            line_text: text.lines().nth(line.saturating_sub(1)).map(str::to_string),
            width: width.max(1),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.source, self.line, self.column)
    }
}

/// Usage errors exit 2 (like clap's), everything else exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Usage,
    Input,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub location: Option<Box<Location>>,
    pub hint: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn input(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Input,
            message: message.into(),
            location: None,
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Usage,
            ..Error::input(message)
        }
    }

    pub fn at(mut self, location: Option<Location>) -> Self {
        if let Some(location) = location {
            self.location = Some(Box::new(location));
        }
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Usage => 2,
            ErrorKind::Input => 1,
        }
    }
}

impl std::error::Error for Error {}

impl fmt::Display for Error {
    /// rustc-style: message, `--> file:line:col`, the line with a caret, help.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", visible(&self.message))?;
        if let Some(loc) = &self.location {
            let gutter = loc.line.to_string().len();
            let pad = " ".repeat(gutter);
            write!(f, "\n{pad}--> {}", visible(&loc.to_string()))?;
            if let Some(text) = &loc.line_text {
                let (shown, column) = snippet(text, loc.column);
                let caret_pad = " ".repeat(column.saturating_sub(1));
                let carets = "^".repeat(loc.width.min(SNIPPET_CHARS));
                write!(
                    f,
                    "\n{pad} |\n{line} | {shown}\n{pad} | {caret_pad}{carets}",
                    line = loc.line
                )?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = help: {}", visible(hint))?;
        }
        Ok(())
    }
}

/// Widest snippet line shown: a values file that is one long line must not
/// flood the terminal.
const SNIPPET_CHARS: usize = 100;

/// Characters that reorder or hide text on a terminal (Trojan Source), or
/// control it: never printed raw.
pub(crate) fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
}

/// `text` with unsafe characters written as `\u{202e}`.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if is_unsafe(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// The snippet line as shown (tabs as spaces, unsafe characters as `\u{FFFD}`
/// so carets stay aligned, at most [`SNIPPET_CHARS`] around `column`) and the
/// column within it.
fn snippet(text: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = text
        .chars()
        .map(|c| match c {
            '\t' => ' ',
            c if is_unsafe(c) => '\u{FFFD}',
            c => c,
        })
        .collect();
    if chars.len() <= SNIPPET_CHARS {
        return (chars.into_iter().collect(), column);
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(SNIPPET_CHARS / 2);
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let mut shown = String::new();
    if start > 0 {
        shown.push_str("...");
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push_str("...");
    }
    let lead = if start > 0 { 3 } else { 0 };
    (shown, at - start + 1 + lead)
}

/// The known word closest to `word`, if one is close enough to be a typo.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| {
            (
                strsim::jaro_winkler(&word.to_lowercase(), &k.to_lowercase()),
                k,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_snippet_and_hint() {
        let text = "gateway:\n  wieghts:\n    east: 1\n";
        let err = Error::input("unknown key `wieghts` in `gateway`")
            .at(Some(Location::in_text("v.yaml", text, 2, 3, 7)))
            .hint("did you mean `weights`?");
        assert_eq!(
            err.to_string(),
            "error: unknown key `wieghts` in `gateway`\n --> v.yaml:2:3\n  |\n2 |   wieghts:\n  |   ^^^^^^^\n  = help: did you mean `weights`?"
        );
    }

    #[test]
    fn display_escapes_and_trims() {
        let line = format!("k: {}\u{202e}x", "a".repeat(500));
        let err = Error::input("bad `ea\u{202e}st`\tkey")
            .at(Some(Location::in_text("v.yaml", &line, 1, 504, 1)))
            .hint("zero\u{200b}width");
        let text = err.to_string();
        assert!(
            text.starts_with("error: bad `ea\\u{202e}st`\\u{9}key\n"),
            "{text}"
        );
        assert!(text.contains("zero\\u{200b}width"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[3].len() < 120, "{text}");
        // The caret is under the replaced character.
        let caret = lines[4].find('^').unwrap();
        assert_eq!(lines[3][caret..].chars().next(), Some('\u{FFFD}'), "{text}");
    }

    #[test]
    fn closest_finds_typos_only() {
        let known = ["maxConnections", "connectTimeout"];
        assert_eq!(closest("maxConection", known), Some("maxConnections"));
        assert_eq!(closest("zzz", known), None);
    }
}
