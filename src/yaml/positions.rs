//! Where each key and list item of a YAML document stands (line and column),
//! so errors about the data read from it can point into the text.
//!
//! The readers keep no positions, so the text is read a second time, when
//! first asked, with yaml-rust2's event parser, which reports a marker per
//! node.

use std::collections::HashMap;
use std::sync::OnceLock;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::path::KeyPath;
use crate::error::Location;

type Positions = HashMap<KeyPath, (usize, usize, usize)>;

/// Key paths of one source and where each one is written.
#[derive(Debug, Default, Clone)]
pub struct KeyPositions {
    source: String,
    text: String,
    /// Filled on first use: a render that goes well never asks, and reading a
    /// file a second time is a tenth of a small render.
    positions: OnceLock<Positions>,
}

impl KeyPositions {
    /// Positions of every key and list item in a YAML document. A document the
    /// event parser cannot read yields no positions: serde_yaml reports it.
    pub fn of_yaml(source: &str, text: &str) -> Self {
        KeyPositions {
            source: source.to_string(),
            text: text.to_string(),
            positions: OnceLock::new(),
        }
    }

    /// A source whose keys are all at one place, such as a `--set` flag.
    pub fn single(source: &str, text: &str, paths: impl IntoIterator<Item = KeyPath>) -> Self {
        let width = text.chars().count();
        KeyPositions {
            source: source.to_string(),
            text: text.to_string(),
            positions: OnceLock::from(
                paths
                    .into_iter()
                    .map(|p| (p, (1, 1, width)))
                    .collect::<Positions>(),
            ),
        }
    }

    /// The positions of a YAML document for `keep` only: the defaults a
    /// `--set-json` object is laid over.
    pub fn of_yaml_only(source: &str, text: &str, keep: &[KeyPath]) -> Self {
        let all = Self::of_yaml(source, text);
        let kept: Positions = keep
            .iter()
            .filter_map(|p| all.positions().get(p).map(|at| (p.clone(), *at)))
            .collect();
        KeyPositions {
            positions: OnceLock::from(kept),
            ..all
        }
    }

    fn positions(&self) -> &Positions {
        self.positions.get_or_init(|| {
            let mut walker = Walker::default();
            let mut parser = Parser::new_from_str(&self.text);
            let _ = parser.load(&mut walker, false);
            walker
                .found
                .into_iter()
                .map(|(path, marker, width)| (path, (marker.line(), marker.col() + 1, width)))
                .collect()
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The text the positions are in (a file's content, a flag's argument).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn contains(&self, path: &KeyPath) -> bool {
        self.positions().contains_key(path)
    }

    /// Whether this source wrote `path` or any key below it.
    pub fn touches(&self, path: &KeyPath) -> bool {
        self.positions().keys().any(|p| p.starts_with(path))
    }

    /// Where `path` is written or, if only keys below it are, the first of them.
    pub fn location_within(&self, path: &KeyPath) -> Option<Location> {
        if let Some(loc) = self.location(path) {
            return Some(loc);
        }
        let first = self
            .positions()
            .iter()
            .filter(|(p, _)| p.starts_with(path))
            .min_by_key(|(p, pos)| (**pos, (*p).clone()))?;
        self.location(first.0)
    }

    pub fn location(&self, path: &KeyPath) -> Option<Location> {
        let &(line, column, width) = self.positions().get(path)?;
        Some(Location::in_text(
            &self.source,
            &self.text,
            line,
            column,
            width,
        ))
    }
}

enum Frame {
    Map {
        path: KeyPath,
        pending_key: Option<String>,
    },
    Seq {
        path: KeyPath,
        next: usize,
    },
}

#[derive(Default)]
struct Walker {
    stack: Vec<Frame>,
    found: Vec<(KeyPath, Marker, usize)>,
}

impl Walker {
    /// The path of the node that starts now, or None if it is a map key.
    fn enter_node(&mut self, marker: Marker, key_text: Option<&str>) -> Option<KeyPath> {
        match self.stack.last_mut() {
            None => Some(KeyPath::root()),
            Some(Frame::Map { path, pending_key }) => match pending_key.take() {
                Some(key) => Some(path.key(key)),
                None => {
                    // A key: remember it and where it is written.
                    let key = key_text.unwrap_or("").to_string();
                    let width = key.chars().count();
                    self.found.push((path.key(key.clone()), marker, width));
                    *pending_key = Some(key);
                    None
                }
            },
            Some(Frame::Seq { path, next }) => {
                let item = path.index(*next);
                *next += 1;
                self.found.push((item.clone(), marker, 1));
                Some(item)
            }
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, event: Event, marker: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                self.enter_node(marker, Some(&text));
            }
            Event::Alias(_) => {
                self.enter_node(marker, None);
            }
            Event::MappingStart(..) => {
                if let Some(path) = self.enter_node(marker, None) {
                    self.stack.push(Frame::Map {
                        path,
                        pending_key: None,
                    });
                } else {
                    // A complex key: its contents have no key path.
                    self.stack.push(Frame::Map {
                        path: KeyPath::root().key("?"),
                        pending_key: None,
                    });
                }
            }
            Event::SequenceStart(..) => {
                let path = self
                    .enter_node(marker, None)
                    .unwrap_or_else(|| KeyPath::root().key("?"));
                self.stack.push(Frame::Seq { path, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_and_items() {
        let text = "a:\n  b: 1\n  list:\n    - x\n    - y: 2\nc: 3\n";
        let pos = KeyPositions::of_yaml("f.yaml", text);
        let at = |p: &str| {
            let loc = pos.location(&KeyPath::parse(p)).expect(p);
            (loc.line, loc.column, loc.width)
        };
        assert_eq!(at("a"), (1, 1, 1));
        assert_eq!(at("a.b"), (2, 3, 1));
        assert_eq!(at("a.list"), (3, 3, 4));
        assert_eq!(at("a.list[0]"), (4, 7, 1));
        assert_eq!(at("a.list[1].y"), (5, 7, 1));
        assert_eq!(at("c"), (6, 1, 1));
        assert!(pos.location(&KeyPath::parse("a.list[2]")).is_none());
    }

    #[test]
    fn flow_style_and_quoted_keys() {
        let text = "gateway: {weights: {\"east\": 5}}\n";
        let pos = KeyPositions::of_yaml("f.yaml", text);
        let loc = pos
            .location(&KeyPath::parse("gateway.weights.east"))
            .unwrap();
        assert_eq!((loc.line, loc.column), (1, 21));
    }
}
