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
        write!(f, "error: {}", self.message)?;
        if let Some(loc) = &self.location {
            let gutter = loc.line.to_string().len();
            let pad = " ".repeat(gutter);
            write!(f, "\n{pad}--> {loc}")?;
            if let Some(text) = &loc.line_text {
                let shown = text.replace('\t', " ");
                let caret_pad = " ".repeat(loc.column.saturating_sub(1));
                let carets = "^".repeat(loc.width);
                write!(
                    f,
                    "\n{pad} |\n{line} | {shown}\n{pad} | {caret_pad}{carets}",
                    line = loc.line
                )?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = help: {hint}")?;
        }
        Ok(())
    }
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
    fn closest_finds_typos_only() {
        let known = ["maxConnections", "connectTimeout"];
        assert_eq!(closest("maxConection", known), Some("maxConnections"));
        assert_eq!(closest("zzz", known), None);
    }
}
