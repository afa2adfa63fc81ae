//! Where each key and list item of a YAML document stands (line and column),
//! so errors about the data read from it can point into the text: a values
//! file ([`KeyPositions`]) or one document of a manifest stream
//! ([`StreamText::document`], for `hubgw validate`'s diagnostics).
//!
//! The readers keep no positions, so the text is read a second time, when
//! first asked, with yaml-rust2's event parser, which reports a marker per
//! node.

use std::collections::HashMap;
use std::sync::OnceLock;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::path::{KeyPath, PathSeg};
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

/// A manifest stream's text and the line where each of its documents starts,
/// kept by `hubgw validate` so a failing object's fields can be found in it.
#[derive(Debug, Clone, Default)]
pub struct StreamText {
    pub text: String,
    /// 1-based start line of each document, by document index.
    pub starts: Vec<usize>,
}

impl StreamText {
    pub fn new(text: String) -> Self {
        let starts = super::document_lines(&text);
        StreamText { text, starts }
    }

    /// The 1-based line where document `index` starts.
    pub fn document_line(&self, index: usize) -> Option<usize> {
        self.starts.get(index).copied()
    }

    /// The positions of document `index` alone, read from its own lines: a
    /// walk of the whole stream would cost every document for one failure,
    /// and one map of paths for the stream would let documents overwrite
    /// each other.
    pub fn document(&self, index: usize) -> DocumentPositions {
        let Some(&first) = self.starts.get(index) else {
            return DocumentPositions::default();
        };
        let end = self.starts.get(index + 1).copied();
        let (mut from, mut to) = (self.text.len(), self.text.len());
        let mut offset = 0;
        for (n, line) in self.text.split_inclusive('\n').enumerate() {
            if n + 1 == first {
                from = offset;
            }
            if Some(n + 1) == end {
                to = offset;
                break;
            }
            offset += line.len();
        }
        let slice = &self.text[from.min(to)..to];
        let mut walker = Walker::default();
        let _ = Parser::new_from_str(slice).load(&mut walker, false);
        DocumentPositions {
            positions: walker
                .found
                .into_iter()
                .map(|(path, m, width)| (path, (m.line() + first - 1, m.col() + 1, width)))
                .collect(),
        }
    }
}

/// Where the keys and list items of one document of a stream are written,
/// in lines of the whole stream.
#[derive(Debug, Default, Clone)]
pub struct DocumentPositions {
    positions: Positions,
}

impl DocumentPositions {
    /// The key path a field path as validate spells it (`spec.ports[0].port`,
    /// `metadata.labels.app.kubernetes.io/name`: keys holding dots are not
    /// escaped) stands for below `within` (a List item's `items[2]`, or the
    /// root), as far as the document holds it: a missing field or list item
    /// gives its nearest parent that is written.
    pub fn resolve(&self, within: &KeyPath, spelled: &str) -> KeyPath {
        let pieces = split_spelled(spelled);
        let mut at = within.clone();
        let mut i = 0;
        'walk: while i < pieces.len() {
            if let PathSeg::Index(n) = pieces[i] {
                let next = at.index(n);
                if !self.positions.contains_key(&next) {
                    break;
                }
                at = next;
                i += 1;
                continue;
            }
            // The longest run of dot-joined pieces that is a key here.
            let keys = pieces[i..]
                .iter()
                .take_while(|p| matches!(p, PathSeg::Key(_)))
                .count();
            for run in (1..=keys).rev() {
                let key: Vec<&str> = pieces[i..i + run]
                    .iter()
                    .map(|p| match p {
                        PathSeg::Key(k) => k.as_str(),
                        PathSeg::Index(_) => "",
                    })
                    .collect();
                let next = at.key(key.join("."));
                if self.positions.contains_key(&next) {
                    at = next;
                    i += run;
                    continue 'walk;
                }
            }
            break;
        }
        at
    }

    /// Where the field `spelled` below `within` is written, or its nearest
    /// written parent; None when not even `within` is (the document's root).
    pub fn locate(
        &self,
        source: &str,
        text: &str,
        within: &KeyPath,
        spelled: &str,
    ) -> Option<Location> {
        let path = self.resolve(within, spelled);
        let &(line, column, width) = self.positions.get(&path)?;
        Some(Location::in_text(source, text, line, column, width))
    }
}

/// `a.b[0].c` as pieces, each dot-separated part a key of its own (a key
/// holding dots is rejoined by [`DocumentPositions::resolve`]); `\.` keeps a
/// dot inside a piece, as [`KeyPath`] displays it.
fn split_spelled(text: &str) -> Vec<PathSeg> {
    let mut pieces = Vec::new();
    let mut key = String::new();
    let mut chars = text.chars();
    let flush = |key: &mut String, pieces: &mut Vec<PathSeg>| {
        if !key.is_empty() {
            pieces.push(PathSeg::Key(std::mem::take(key)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => key.extend(chars.next()),
            '.' => flush(&mut key, &mut pieces),
            '[' => {
                flush(&mut key, &mut pieces);
                let digits: String = chars.by_ref().take_while(|d| *d != ']').collect();
                match digits.parse() {
                    Ok(n) => pieces.push(PathSeg::Index(n)),
                    Err(_) => pieces.push(PathSeg::Key(digits)),
                }
            }
            _ => key.push(c),
        }
    }
    flush(&mut key, &mut pieces);
    pieces
}

enum Frame {
    Map {
        path: KeyPath,
        pending_key: Option<String>,
        /// The found entry of the list item this map is, until its first key.
        item: Option<usize>,
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
    /// Set at the end of the first document: a later one would overwrite it.
    done: bool,
}

impl Walker {
    /// The path of the node that starts now, or None if it is a map key.
    fn enter_node(&mut self, marker: Marker, key_text: Option<&str>) -> Option<KeyPath> {
        match self.stack.last_mut() {
            None => Some(KeyPath::root()),
            Some(Frame::Map {
                path,
                pending_key,
                item,
            }) => match pending_key.take() {
                Some(key) => Some(path.key(key)),
                None => {
                    // A key: remember it and where it is written.
                    let key = key_text.unwrap_or("").to_string();
                    let width = key.chars().count();
                    // The event parser marks a block map where its first key
                    // ends (`- name: y` at the colon): the item starts at the key.
                    if let Some(slot) = item.take() {
                        if marker.index() < self.found[slot].1.index() {
                            self.found[slot].1 = marker;
                        }
                    }
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
        if self.done {
            return;
        }
        match event {
            Event::DocumentEnd => self.done = true,
            Event::Scalar(text, ..) => {
                self.enter_node(marker, Some(&text));
            }
            Event::Alias(_) => {
                self.enter_node(marker, None);
            }
            Event::MappingStart(..) => {
                if let Some(path) = self.enter_node(marker, None) {
                    let item = self
                        .found
                        .last()
                        .filter(|(p, ..)| {
                            *p == path && matches!(p.0.last(), Some(PathSeg::Index(_)))
                        })
                        .map(|_| self.found.len() - 1);
                    self.stack.push(Frame::Map {
                        path,
                        pending_key: None,
                        item,
                    });
                } else {
                    // A complex key: its contents have no key path.
                    self.stack.push(Frame::Map {
                        path: KeyPath::root().key("?"),
                        pending_key: None,
                        item: None,
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

    /// A stream of three documents (the middle one empty) where the same
    /// paths are written in each: every lookup finds its own document's.
    const STREAM: &str = "\
# leading comment
apiVersion: v1
kind: A
metadata:
  name: a
---
---
apiVersion: v1
kind: B
metadata:
  name: b
  annotations:
    argocd.argoproj.io/sync-wave: \"1\"
spec:
  rules:
    - backendRefs:
        - {name: x, port: 80}
        - name: y
          port: 70000
  flow: {a: [1, {b: 2}]}
";

    fn at(doc: &DocumentPositions, within: &KeyPath, spelled: &str) -> Option<(usize, usize)> {
        doc.locate("s.yaml", STREAM, within, spelled)
            .map(|l| (l.line, l.column))
    }

    #[test]
    fn each_document_has_its_own_positions() {
        let stream = StreamText::new(STREAM.to_string());
        assert_eq!(stream.starts, [2, 7, 8]);
        let (first, second) = (stream.document(0), stream.document(2));
        let root = KeyPath::root();
        assert_eq!(at(&first, &root, "metadata.name"), Some((5, 3)));
        assert_eq!(at(&second, &root, "metadata.name"), Some((11, 3)));
        assert_eq!(at(&second, &root, "kind"), Some((9, 1)));
        // Nested lists and maps, block and flow.
        let port = "spec.rules[0].backendRefs[1].port";
        assert_eq!(at(&second, &root, port), Some((19, 11)));
        assert_eq!(
            at(&second, &root, "spec.rules[0].backendRefs[0].port"),
            Some((17, 21))
        );
        assert_eq!(at(&second, &root, "spec.flow.a[1].b"), Some((20, 18)));
        assert_eq!(at(&second, &root, "spec.flow.a[0]"), Some((20, 14)));
        // A key holding dots and a slash, as validate spells it (unescaped)
        // and as KeyPath displays it (escaped).
        let wave = KeyPath::root()
            .key("metadata")
            .key("annotations")
            .key("argocd.argoproj.io/sync-wave");
        let spelled = "metadata.annotations.argocd.argoproj.io/sync-wave";
        assert_eq!(second.resolve(&root, spelled), wave);
        assert_eq!(second.resolve(&root, &wave.to_string()), wave);
        assert_eq!(KeyPath::parse(&wave.to_string()), wave);
        assert_eq!(at(&second, &root, spelled), Some((13, 5)));
        // The empty document and one past the end hold nothing.
        assert_eq!(at(&stream.document(1), &root, "kind"), None);
        assert_eq!(at(&stream.document(3), &root, "kind"), None);
    }

    #[test]
    fn an_absent_field_is_placed_on_its_nearest_parent() {
        let stream = StreamText::new(STREAM.to_string());
        let second = stream.document(2);
        let root = KeyPath::root();
        // A missing field of an item, an item that does not exist.
        assert_eq!(
            at(&second, &root, "spec.rules[0].backendRefs[1].weight"),
            Some((18, 11)),
            "the item, at its first key"
        );
        assert_eq!(at(&second, &root, "spec.rules[3].matches"), Some((15, 3)));
        assert_eq!(at(&second, &root, "spec.parentRefs"), Some((14, 1)));
        // Nothing of the path written: the caller keeps the document's line.
        assert_eq!(at(&second, &root, "status.conditions"), None);
        assert_eq!(at(&second, &root, ""), None);
    }

    #[test]
    fn list_items_of_a_json_list() {
        let text = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n  {\"kind\": \"Service\"},\n  {\"kind\": \"Service\",\n   \"spec\": {\"ports\": [{\"port\": 0}]}}\n]}\n";
        let stream = StreamText::new(text.to_string());
        let doc = stream.document(0);
        let item = KeyPath::root().key("items").index(1);
        let loc = |p: &str| {
            doc.locate("l.json", text, &item, p)
                .map(|l| (l.line, l.column))
        };
        assert_eq!(loc("spec.ports[0].port"), Some((4, 24)));
        // The item itself when none of the path is written.
        assert_eq!(loc("metadata.name"), Some((3, 3)));
    }
}
