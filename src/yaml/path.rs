//! Key paths into the values tree (`gateway.weights.east`, `egress.hosts[0]`):
//! the common address used by `--set`, merge origins and error messages.

use std::fmt;

/// One step of a key path: a map key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// A path from the root of the values tree; the empty path is the root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyPath(pub Vec<PathSeg>);

impl KeyPath {
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut segs = self.0.clone();
        segs.push(PathSeg::Key(key.into()));
        KeyPath(segs)
    }

    pub fn index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(PathSeg::Index(index));
        KeyPath(segs)
    }

    pub fn parent(&self) -> Option<KeyPath> {
        if self.0.is_empty() {
            None
        } else {
            Some(KeyPath(self.0[..self.0.len() - 1].to_vec()))
        }
    }

    /// The last map key of the path, if it ends in one.
    pub fn last_key(&self) -> Option<&str> {
        match self.0.last() {
            Some(PathSeg::Key(k)) => Some(k),
            _ => None,
        }
    }

    pub fn starts_with(&self, prefix: &KeyPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// Parses the dotted form this type displays (`a.b[0].c`, `a\.b` for a
    /// key holding a dot). Used by tests and by lookups from flag arguments.
    pub fn parse(text: &str) -> KeyPath {
        let mut segs = Vec::new();
        let mut key = String::new();
        let mut chars = text.chars().peekable();
        let mut pending_key = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(next) = chars.next() {
                        key.push(next);
                    }
                    pending_key = true;
                }
                '.' => {
                    if pending_key || !key.is_empty() {
                        segs.push(PathSeg::Key(std::mem::take(&mut key)));
                    }
                    pending_key = false;
                }
                '[' => {
                    if pending_key || !key.is_empty() {
                        segs.push(PathSeg::Key(std::mem::take(&mut key)));
                    }
                    pending_key = false;
                    let mut digits = String::new();
                    for d in chars.by_ref() {
                        if d == ']' {
                            break;
                        }
                        digits.push(d);
                    }
                    segs.push(PathSeg::Index(digits.parse().unwrap_or(0)));
                }
                _ => {
                    key.push(c);
                    pending_key = true;
                }
            }
        }
        if pending_key || !key.is_empty() {
            segs.push(PathSeg::Key(key));
        }
        KeyPath(segs)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                PathSeg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    for c in k.chars() {
                        if matches!(c, '.' | '[' | ']' | '\\') {
                            f.write_str("\\")?;
                        }
                        write!(f, "{c}")?;
                    }
                }
                PathSeg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        for text in ["a", "a.b.c", "a[0].b", "a[2][3]", "x\\.y.z", "hosts[10]"] {
            assert_eq!(KeyPath::parse(text).to_string(), text);
        }
        assert_eq!(
            KeyPath::parse("a[1].b").0,
            vec![
                PathSeg::Key("a".into()),
                PathSeg::Index(1),
                PathSeg::Key("b".into())
            ]
        );
    }
}
