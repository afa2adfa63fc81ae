//! The CRD schemas: the ones embedded for each target (the JSON `build.rs` extracts,
//! `$OUT_DIR/crd_index.rs`), or a cluster's own CRD files; lookup by apiVersion/kind.
//!
//! An embedded schema is read only when an object of its kind is validated, once per
//! process, and then node by node as validation reaches them: identical schemas of
//! several releases are one text and one tree.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use super::node::{Node, Table};
use crate::target::{GatewayApi, Istio};

/// One embedded schema, as listed by the generated `EMBEDDED` array.
struct EmbeddedCrd {
    /// `gateway-api`, `istio` or `openshift-route`.
    project: &'static str,
    /// The release of the project: `v1.2.1`, `1.24.6`, `v1`.
    release: &'static str,
    source_file: &'static str,
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    /// Index into `SCHEMA_TEXTS`.
    schema: usize,
}

mod generated {
    use super::EmbeddedCrd;

    include!(concat!(env!("OUT_DIR"), "/crd_index.rs"));
}

use generated::{EMBEDDED, SCHEMA_TEXTS};

/// The embedded schemas, by index into `SCHEMA_TEXTS`.
static TABLES: [OnceLock<Table>; SCHEMA_TEXTS.len()] =
    [const { OnceLock::new() }; SCHEMA_TEXTS.len()];

fn table(n: usize) -> &'static Table {
    TABLES[n].get_or_init(|| Table::new(SCHEMA_TEXTS[n]))
}

/// The root of embedded schema `n`, read on first use (its sub-schemas when looked at).
fn embedded_node(n: usize) -> &'static Node {
    table(n).node(0)
}

/// A set of CRD schemas: a target's embedded ones ([`CrdRegistry::for_target`]) or a
/// cluster's ([`CrdRegistry::from_crd_files`]).
pub struct CrdRegistry {
    schemas: Vec<CrdSchema>,
}

/// The `openAPIV3Schema` of one served version of one CRD kind.
pub struct CrdSchema {
    pub(super) group: String,
    pub(super) version: String,
    pub(super) kind: String,
    /// Where it comes from: `Gateway API v1.2.1`, `Istio 1.24.6`, a file name.
    origin: String,
    source_file: String,
    /// `gateway-api v1.6.1`, for documentation.
    upstream_version: String,
    root: Root,
}

enum Root {
    /// Index into `SCHEMA_TEXTS`.
    Embedded(usize),
    Owned(Box<Node>),
}

/// Where the schemas of one CRD kind come from, for documentation output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrdSource {
    /// API group, e.g. `gateway.networking.k8s.io`.
    pub group: String,
    /// Kind, e.g. `HTTPRoute`.
    pub kind: String,
    /// Served versions with a schema, e.g. `["v1", "v1beta1"]`.
    pub versions: Vec<String>,
    /// File name of the CRD (under `crds/` for the embedded ones).
    pub source_file: String,
    /// Upstream project and release, e.g. `gateway-api v1.6.1`.
    pub upstream_version: String,
}

/// An error in a CRD file given to [`CrdRegistry::from_crd_files`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrdFileError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for CrdFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for CrdFileError {}

impl CrdRegistry {
    /// The embedded schemas of a target: its Gateway API bundle, its Istio minor's CRD
    /// release, and the OpenShift Route CRD. Made once per pair for the process; a
    /// schema is parsed when first used.
    pub fn for_target(gateway_api: GatewayApi, istio: Istio) -> &'static CrdRegistry {
        const PAIRS: usize = GatewayApi::ALL.len() * Istio::ALL.len();
        static REGISTRIES: [OnceLock<CrdRegistry>; PAIRS] = [const { OnceLock::new() }; PAIRS];
        let g = GatewayApi::ALL.iter().position(|v| *v == gateway_api);
        let i = Istio::ALL.iter().position(|v| *v == istio);
        let slot = g.unwrap_or(0) * Istio::ALL.len() + i.unwrap_or(0);
        REGISTRIES[slot].get_or_init(|| {
            let schemas = EMBEDDED
                .iter()
                .filter(|e| match e.project {
                    "gateway-api" => e.release == gateway_api.as_str(),
                    "istio" => e.release == istio.crd_release(),
                    _ => true,
                })
                .map(|e| CrdSchema {
                    group: e.group.to_owned(),
                    version: e.version.to_owned(),
                    kind: e.kind.to_owned(),
                    origin: match e.project {
                        "gateway-api" => format!("Gateway API {}", e.release),
                        "istio" => format!("Istio {}", e.release),
                        _ => format!("OpenShift {}", e.release),
                    },
                    source_file: e.source_file.to_owned(),
                    upstream_version: format!("{} {}", e.project, e.release),
                    root: Root::Embedded(e.schema),
                })
                .collect();
            CrdRegistry { schemas }
        })
    }

    /// The embedded schemas of the portable default target (the oldest of each).
    pub fn embedded() -> &'static CrdRegistry {
        CrdRegistry::for_target(GatewayApi::OLDEST, Istio::OLDEST)
    }

    /// A cluster's CRDs: each path is a file or a folder of files (`.yaml`, `.yml`,
    /// `.json`); a file holds CustomResourceDefinitions (one or several YAML documents),
    /// or the `List` of them `oc get crd -o yaml` prints. Every served version of every
    /// CRD is read, its schema parsed at once, so an error names its file.
    pub fn from_crd_files<P: AsRef<Path>>(paths: &[P]) -> Result<CrdRegistry, CrdFileError> {
        let mut schemas = Vec::new();
        for path in paths {
            let path = path.as_ref();
            let shown = path.display().to_string();
            let err = |message: String| CrdFileError {
                file: shown.clone(),
                message,
            };
            if path.is_dir() {
                let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                    .map_err(|e| err(format!("cannot read the folder: {e}")))?
                    .filter_map(|entry| entry.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.is_file()
                            && p.extension()
                                .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
                    })
                    .collect();
                files.sort();
                if files.is_empty() {
                    return Err(err(
                        "the folder holds no .yaml, .yml or .json file".to_owned()
                    ));
                }
                for file in files {
                    read_crd_file(&file, &mut schemas)?;
                }
            } else {
                read_crd_file(path, &mut schemas)?;
            }
        }
        Ok(CrdRegistry { schemas })
    }

    /// Test-only: calls `f` on every node of every embedded schema (of every release),
    /// junctors included.
    #[cfg(test)]
    pub(super) fn for_each_embedded_node(f: &mut dyn FnMut(&'static Node)) {
        fn walk(n: &'static Node, f: &mut dyn FnMut(&'static Node)) {
            f(n);
            let schema_valued = match &n.additional_properties {
                Some(super::node::AdditionalProperties::Schema(s)) => Some(s),
                _ => None,
            };
            let children = n.properties.iter().map(|(_, p)| p);
            let children = children
                .chain(n.items.as_ref())
                .chain(schema_valued)
                .chain(&n.one_of)
                .chain(&n.any_of)
                .chain(&n.all_of)
                .chain(n.not.as_ref());
            for child in children {
                let child: &'static Node = child;
                walk(child, f);
            }
        }
        // Copies, read once for the tests, so that walking them leaves the
        // registry's own (lazy) reads alone.
        static COPIES: OnceLock<Vec<&'static Table>> = OnceLock::new();
        let copies = COPIES.get_or_init(|| {
            (SCHEMA_TEXTS.iter())
                .map(|&schema| &*Box::leak(Box::new(Table::new(schema))))
                .collect()
        });
        for table in copies {
            walk(table.node(0), f);
        }
    }

    /// Test-only: how many distinct schema texts are embedded, how many of them are
    /// parsed so far, and how many (release, kind, version) entries share them.
    #[cfg(test)]
    pub(super) fn embedded_counts() -> (usize, usize, usize) {
        let parsed = (TABLES.iter())
            .filter(|t| t.get().is_some_and(|t| t.is_read(0)))
            .count();
        (SCHEMA_TEXTS.len(), parsed, EMBEDDED.len())
    }

    /// Test-only: whether the schema for this apiVersion/kind is parsed yet.
    #[cfg(test)]
    pub(super) fn is_parsed(&self, api_version: &str, kind: &str) -> bool {
        match self.schema_for(api_version, kind).map(|s| &s.root) {
            Some(Root::Embedded(n)) => TABLES[*n].get().is_some_and(|t| t.is_read(0)),
            Some(Root::Owned(_)) => true,
            None => false,
        }
    }

    /// Test-only: the index of the embedded text of a schema (equal for shared texts).
    #[cfg(test)]
    pub(super) fn text_index(&self, api_version: &str, kind: &str) -> Option<usize> {
        match self.schema_for(api_version, kind).map(|s| &s.root) {
            Some(Root::Embedded(n)) => Some(*n),
            _ => None,
        }
    }

    /// The schema for `apiVersion` (`group/version`) and `kind`.
    /// `None` when no CRD of this registry serves that group, version and kind.
    pub fn schema_for(&self, api_version: &str, kind: &str) -> Option<&CrdSchema> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        self.schemas
            .iter()
            .find(|s| s.group == group && s.version == version && s.kind == kind)
    }

    /// Whether this registry has a CRD of `group` and `kind` (any version).
    pub fn has_kind(&self, group: &str, kind: &str) -> bool {
        self.schemas
            .iter()
            .any(|s| s.group == group && s.kind == kind)
    }

    /// One entry per (group, kind), in (group, kind) order, for documentation.
    pub fn sources(&self) -> Vec<CrdSource> {
        let mut out: Vec<CrdSource> = Vec::new();
        for schema in &self.schemas {
            match out
                .iter_mut()
                .find(|s| s.group == schema.group && s.kind == schema.kind)
            {
                Some(s) => s.versions.push(schema.version.clone()),
                None => out.push(CrdSource {
                    group: schema.group.clone(),
                    kind: schema.kind.clone(),
                    versions: vec![schema.version.clone()],
                    source_file: schema.source_file.clone(),
                    upstream_version: schema.upstream_version.clone(),
                }),
            }
        }
        out.sort_by(|a, b| (&a.group, &a.kind).cmp(&(&b.group, &b.kind)));
        out
    }
}

/// Reads the CRDs of one file into `out`.
fn read_crd_file(path: &Path, out: &mut Vec<CrdSchema>) -> Result<(), CrdFileError> {
    let file = path.display().to_string();
    let err = |message: String| CrdFileError {
        file: file.clone(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read it: {e}")))?;
    let name = path
        .file_name()
        .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned());
    let before = out.len();
    let mut crds = 0;
    let documents = crate::yaml::json_documents(&name, &text).map_err(|e| {
        err(match e.location {
            Some(at) => format!("{} (line {}, column {})", e.message, at.line, at.column),
            None => e.message,
        })
    })?;
    for (index, doc) in documents.into_iter().enumerate() {
        if doc.is_null() {
            continue;
        }
        let is_list = matches!(
            doc.get("kind").and_then(Value::as_str),
            Some("List" | "CustomResourceDefinitionList")
        );
        let items = match is_list {
            true => doc
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            false => vec![doc],
        };
        for (item_index, crd) in items.iter().enumerate() {
            let at = if is_list {
                format!("document {index}, item {item_index}")
            } else {
                format!("document {index}")
            };
            let kind = crd.get("kind").and_then(Value::as_str).unwrap_or("");
            if kind != "CustomResourceDefinition" {
                return Err(err(format!(
                    "{at} is {}, not a CustomResourceDefinition (or a List of them)",
                    if kind.is_empty() {
                        "an object without kind".to_owned()
                    } else {
                        format!("a {kind}")
                    }
                )));
            }
            crds += 1;
            read_crd(crd, &name, &at, out).map_err(err)?;
        }
    }
    if crds == 0 {
        return Err(err("no CustomResourceDefinition in it".to_owned()));
    }
    if out.len() == before {
        return Err(err(
            "its CustomResourceDefinitions serve no version with an openAPIV3Schema".to_owned(),
        ));
    }
    Ok(())
}

fn read_crd(crd: &Value, file: &str, at: &str, out: &mut Vec<CrdSchema>) -> Result<(), String> {
    let text = |pointer: &str| crd.pointer(pointer).and_then(Value::as_str);
    let name = text("/metadata/name").unwrap_or("?");
    let (Some(group), Some(kind)) = (text("/spec/group"), text("/spec/names/kind")) else {
        return Err(format!(
            "{at} ({name}): spec.group and spec.names.kind are required"
        ));
    };
    let release = text("/metadata/annotations/gateway.networking.k8s.io~1bundle-version")
        .map(|v| format!("Gateway API {v}"));
    let versions = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for version in versions {
        if version.get("served").and_then(Value::as_bool) != Some(true) {
            continue;
        }
        let v = version.get("name").and_then(Value::as_str).unwrap_or("");
        let Some(schema) = version
            .pointer("/schema/openAPIV3Schema")
            .or_else(|| crd.pointer("/spec/validation/openAPIV3Schema"))
        else {
            continue;
        };
        let root = Node::from_json(schema)
            .map_err(|e| format!("{at} ({name}), version {v}: openAPIV3Schema: {e}"))?;
        out.push(CrdSchema {
            group: group.to_owned(),
            version: v.to_owned(),
            kind: kind.to_owned(),
            origin: format!("{file} ({})", release.as_deref().unwrap_or("cluster")),
            source_file: file.to_owned(),
            upstream_version: release.clone().unwrap_or_else(|| "cluster".to_owned()),
            root: Root::Owned(Box::new(root)),
        });
    }
    Ok(())
}

impl CrdSchema {
    /// `group/version` of this schema (the `apiVersion` of objects it validates).
    pub fn api_version(&self) -> String {
        format!("{}/{}", self.group, self.version)
    }

    /// The kind this schema validates.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Where the schema comes from: `Gateway API v1.2.1`, `Istio 1.24.6`, or the file
    /// (and bundle version) of a cluster's CRD.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Whether the schema declares the field at `path` (`spec.rules[0].name`).
    pub fn declares(&self, path: &str) -> bool {
        self.root().at_path(path).is_some()
    }

    /// The root node, parsed on first use.
    pub(super) fn root(&self) -> &Node {
        match &self.root {
            Root::Embedded(n) => embedded_node(*n),
            Root::Owned(node) => node,
        }
    }
}

impl std::fmt::Debug for CrdSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CrdSchema({}/{} {}, {})",
            self.group, self.version, self.kind, self.origin
        )
    }
}
