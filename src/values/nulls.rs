//! `null` deletes a key (Helm's rule), so the typed check never sees the key
//! a `null` names: a typo such as `--set clusters.wset=null` or `gatway:`
//! would vanish in the merge. This module checks each deletion as its source
//! is merged: the key must be in what the source is merged over (the defaults
//! and the sources before it), or be a key the values' schema has at that
//! place. In a map of user-named entries (`clusters.<spoke>`, `apps.<name>`,
//! `labels.<key>`, `gateway.weights.<spoke>`) removing an entry that is not
//! there is an error; under `global`, keys of other charts stay allowed.

use std::sync::OnceLock;

use crate::yaml::Value;
use serde_json::Value as Json;

use super::Values;
use crate::error::closest;
use crate::yaml::{KeyPath, PathSeg};

/// Why a `null` deletes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `key` is not a key of the struct at `at`; `known` are its keys. (In
    /// `global`, which takes other charts' keys, only a near miss of one.)
    UnknownKey {
        at: KeyPath,
        key: String,
        known: Vec<String>,
    },
    /// The map of user-named entries at `map` has no entry `key`;
    /// `existing` are the ones it has.
    NoEntry {
        map: KeyPath,
        key: String,
        existing: Vec<String>,
    },
}

impl Problem {
    /// The path the problem is about, for its location in the source.
    pub fn path(&self) -> KeyPath {
        match self {
            Problem::UnknownKey { at, key, .. } => at.key(key.clone()),
            Problem::NoEntry { map, key, .. } => map.key(key.clone()),
        }
    }
}

/// The paths of `overlay`'s map keys whose value is `null`, in document
/// order. Lists are replaced whole, so a `null` inside one deletes nothing
/// and is not listed.
pub fn null_paths(overlay: &Value) -> Vec<KeyPath> {
    fn walk(value: &Value, path: &KeyPath, out: &mut Vec<KeyPath>) {
        let Value::Mapping(map) = value else { return };
        for (key, child) in map {
            let key = match key {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                // A complex key: the typed check rejects the map it is in.
                _ => continue,
            };
            let child_path = path.key(key);
            if child.is_null() {
                out.push(child_path);
            } else {
                walk(child, &child_path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(overlay, &KeyPath::root(), &mut out);
    out
}

/// Checks a `null` at `path` against `base`, the tree it is merged over.
/// `creates_parents`: the source writes the maps above `path` (a values
/// file does; a `--set` deletion creates nothing), so an entry missing from
/// `base` on the way is new rather than a typo.
pub fn check(base: &Value, path: &KeyPath, creates_parents: bool) -> Result<(), Problem> {
    let mut node = Some(base);
    let mut schema = Some(schema());
    for (i, seg) in path.0.iter().enumerate() {
        let last = i + 1 == path.0.len();
        let next = node.and_then(|n| match seg {
            PathSeg::Key(k) => n.as_mapping().and_then(|m| m.get(k.as_str())),
            PathSeg::Index(j) => n.as_sequence().and_then(|s| s.get(*j)),
        });
        if next.is_none() {
            // Not in the base: the schema decides.
            let (Some(s), PathSeg::Key(key)) = (schema, seg) else {
                return Ok(());
            };
            let here = KeyPath(path.0[..i].to_vec());
            match shape(s) {
                Shape::Struct { fields, open } => {
                    if !fields.iter().any(|f| f == key) {
                        if open && closest(key, fields.iter().map(String::as_str)).is_none() {
                            return Ok(());
                        }
                        return Err(Problem::UnknownKey {
                            at: here,
                            key: key.clone(),
                            known: fields,
                        });
                    }
                }
                Shape::Entries => {
                    if last || !creates_parents {
                        let existing = node
                            .and_then(Value::as_mapping)
                            .map(|m| {
                                m.keys()
                                    .filter_map(|k| k.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        return Err(Problem::NoEntry {
                            map: here,
                            key: key.clone(),
                            existing,
                        });
                    }
                }
                Shape::Other => return Ok(()),
            }
        }
        schema = schema.and_then(|s| child(s, seg));
        node = next;
    }
    Ok(())
}

/// The JSON Schema of [`Values`] with every subschema inline, made once and
/// only when a `null` names a key the base does not have.
fn schema() -> &'static Json {
    static SCHEMA: OnceLock<Json> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let settings = schemars::generate::SchemaSettings::draft07().with(|s| {
            s.inline_subschemas = true;
        });
        let root = settings.into_generator().into_root_schema_for::<Values>();
        serde_json::to_value(&root).expect("a schema serialises")
    })
}

enum Shape {
    /// A struct: its keys, and whether it takes others (`global`).
    Struct { fields: Vec<String>, open: bool },
    /// A map of user-named entries.
    Entries,
    /// A scalar, a list, or a shape this check does not know.
    Other,
}

/// The schema and the alternatives it is made of (`Option<T>` is `T` or null).
fn alternatives(schema: &Json) -> Vec<&Json> {
    let mut out = vec![schema];
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Json::Array(items)) = schema.get(key) {
            for item in items {
                out.extend(alternatives(item));
            }
        }
    }
    out
}

fn shape(schema: &Json) -> Shape {
    let mut fields = Vec::new();
    let mut is_struct = false;
    let mut open = false;
    let mut entries = false;
    for alt in alternatives(schema) {
        let extra = alt.get("additionalProperties");
        if let Some(Json::Object(props)) = alt.get("properties") {
            is_struct = true;
            fields.extend(props.keys().cloned());
            open |= extra != Some(&Json::Bool(false));
        } else if matches!(extra, Some(Json::Object(_))) {
            entries = true;
        }
    }
    if is_struct {
        Shape::Struct { fields, open }
    } else if entries {
        Shape::Entries
    } else {
        Shape::Other
    }
}

/// The schema of `seg` under `schema`.
fn child<'s>(schema: &'s Json, seg: &PathSeg) -> Option<&'s Json> {
    alternatives(schema).into_iter().find_map(|alt| match seg {
        PathSeg::Key(k) => alt
            .get("properties")
            .and_then(|p| p.get(k.as_str()))
            .or_else(|| alt.get("additionalProperties").filter(|a| a.is_object())),
        PathSeg::Index(_) => alt.get("items").filter(|i| i.is_object()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        crate::yaml::from_str("test", text).unwrap()
    }

    fn defaults() -> Value {
        yaml(super::super::DEFAULT_VALUES)
    }

    #[test]
    fn a_null_for_an_existing_key_is_a_deletion() {
        let base = defaults();
        for path in [
            "clusters.west",
            "gateway.weights",
            "global.hubClusterDomain",
        ] {
            assert_eq!(check(&base, &KeyPath::parse(path), false), Ok(()), "{path}");
        }
    }

    #[test]
    fn a_null_for_a_known_but_absent_key_is_fine() {
        let base = defaults();
        for path in [
            "gateway.circuitBreaking.connectionPool.tcp.connectTimeout",
            "target.istio",
            "gateway.allowedRoutes.namespaces.selector",
        ] {
            assert_eq!(check(&base, &KeyPath::parse(path), false), Ok(()), "{path}");
        }
    }

    #[test]
    fn a_null_for_an_unknown_key_is_an_unknown_key() {
        let base = defaults();
        let err = check(&base, &KeyPath::parse("gatway"), true).unwrap_err();
        let Problem::UnknownKey { at, key, known } = &err else {
            panic!("{err:?}")
        };
        assert!(at.is_root());
        assert_eq!(key, "gatway");
        assert!(known.iter().any(|k| k == "gateway"), "{known:?}");
        let err = check(&base, &KeyPath::parse("gatway.name"), false).unwrap_err();
        assert_eq!(err.path(), KeyPath::parse("gatway"));
        let err = check(&base, &KeyPath::parse("route.tls.terminaton"), true).unwrap_err();
        assert_eq!(err.path(), KeyPath::parse("route.tls.terminaton"));
        // Inside an Option<struct> absent from the defaults.
        let err = check(
            &base,
            &KeyPath::parse("apps.shop.circuitBreaking.enabeld"),
            true,
        )
        .unwrap_err();
        assert_eq!(
            err.path(),
            KeyPath::parse("apps.shop.circuitBreaking.enabeld")
        );
    }

    #[test]
    fn removing_an_entry_that_is_not_there_names_the_ones_that_are() {
        let base = defaults();
        let err = check(&base, &KeyPath::parse("clusters.wset"), true).unwrap_err();
        assert_eq!(
            err,
            Problem::NoEntry {
                map: KeyPath::parse("clusters"),
                key: "wset".into(),
                existing: vec!["east".into(), "west".into()],
            }
        );
        let err = check(&base, &KeyPath::parse("gateway.weights.east"), true).unwrap_err();
        assert!(matches!(err, Problem::NoEntry { existing, .. } if existing.is_empty()));
        // A --set deletion inside a missing entry deletes nothing either; a
        // file that writes the entry creates it.
        let path = KeyPath::parse("clusters.wset.domain");
        assert!(check(&base, &path, false).is_err());
        assert_eq!(check(&base, &path, true), Ok(()));
        assert!(check(&base, &KeyPath::parse("clusters.wset.doman"), true).is_err());
    }

    #[test]
    fn global_takes_other_charts_keys_but_not_near_misses_of_ours() {
        let base = defaults();
        for path in ["global.whatever", "global.deep.key", "global.pattern"] {
            assert_eq!(check(&base, &KeyPath::parse(path), false), Ok(()), "{path}");
        }
        let err = check(&base, &KeyPath::parse("global.hubClusterDomian"), false).unwrap_err();
        assert_eq!(err.path(), KeyPath::parse("global.hubClusterDomian"));
    }

    #[test]
    fn null_paths_skip_lists_and_keep_document_order() {
        let overlay = yaml("b: null\na: {x: ~, y: 1, z: [null, {q: null}]}\n? c\n");
        let paths: Vec<String> = null_paths(&overlay).iter().map(|p| p.to_string()).collect();
        assert_eq!(paths, ["b", "a.x", "c"]);
    }
}
