//! Build script: extracts the OpenAPI v3 schemas of the CRDs hubgw validates against.
//!
//! Reads every `crds/*.yaml` (multi-document CustomResourceDefinition files, kept unchanged
//! from upstream), and for each *served* version of the kinds listed in [`NEEDED`] writes the
//! `openAPIV3Schema` with all `description` fields stripped as compact JSON to
//! `$OUT_DIR/crd_schemas/<group>_<version>_<kind>.json`. It also writes
//! `$OUT_DIR/crd_schemas/index.rs`, a Rust array expression of `EmbeddedCrd { .. }` literals
//! (one per group/version/kind) that `src/crd_schema/registry.rs` `include!`s; the schema
//! JSON itself is embedded with `include_str!` and only parsed on first use.
//!
//! If the main project already has a build script, call [`generate_crd_schemas`] from it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// (API group, kind) pairs whose schemas are embedded. Every served version is taken.
const NEEDED: &[(&str, &str)] = &[
    ("gateway.networking.k8s.io", "Gateway"),
    ("gateway.networking.k8s.io", "GatewayClass"),
    ("gateway.networking.k8s.io", "HTTPRoute"),
    ("gateway.networking.k8s.io", "ReferenceGrant"),
    ("networking.istio.io", "DestinationRule"),
    ("networking.istio.io", "Gateway"),
    ("networking.istio.io", "ServiceEntry"),
    ("networking.istio.io", "VirtualService"),
    ("route.openshift.io", "Route"),
];

fn main() {
    link_position_dependent();
    order_hot_functions();
    if let Err(e) = generate_crd_schemas() {
        panic!("generating CRD schemas: {e}");
    }
}

/// Links the `hubgw` binary at a fixed address on x86-64 Linux. As a
/// position-independent executable its 1.3 MB of relocated tables (serde and
/// clap metadata) were rewritten at every start: 60% of `hubgw --version`.
fn link_position_dependent() {
    let target = std::env::var("TARGET").unwrap_or_default();
    if target == "x86_64-unknown-linux-gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// Asks the linker to place the functions a render runs next to each other, in the order
/// of `bench/hot-symbols.txt` (made by `bench/order-symbols.sh`). Scattered, they made a
/// small render fault in 7.4 MB of the binary's code. Release builds only: the names are
/// those of the LTO build. A stale list costs locality, never correctness; lld, Rust's
/// default linker on this target, skips names it does not find.
fn order_hot_functions() {
    let target = std::env::var("TARGET").unwrap_or_default();
    let profile = std::env::var("PROFILE").unwrap_or_default();
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/hot-symbols.txt");
    println!("cargo:rerun-if-changed={}", list.display());
    if target == "x86_64-unknown-linux-gnu" && profile == "release" && list.exists() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            list.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Writes the schema files and the index into `$OUT_DIR/crd_schemas/`.
fn generate_crd_schemas() -> Result<(), String> {
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let crd_dir = manifest_dir.join("crds");
    let out_dir =
        PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?).join("crd_schemas");
    fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    println!("cargo:rerun-if-changed={}", crd_dir.display());
    println!("cargo:rerun-if-changed=build.rs");

    let mut files: Vec<PathBuf> = fs::read_dir(&crd_dir)
        .map_err(|e| format!("{}: {e}", crd_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    files.sort();

    let mut entries = Vec::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        collect_file(file, &out_dir, &mut entries)?;
    }
    entries.sort_by(|a, b| (&a.group, &a.kind, &a.version).cmp(&(&b.group, &b.kind, &b.version)));
    for (group, kind) in NEEDED {
        if !entries.iter().any(|e| e.group == *group && e.kind == *kind) {
            return Err(format!(
                "no served CRD version found for {group} {kind} in {}",
                crd_dir.display()
            ));
        }
    }

    let mut index = String::from("&[\n");
    for e in &entries {
        writeln!(
            index,
            "    EmbeddedCrd {{ group: {:?}, version: {:?}, kind: {:?}, source_file: {:?}, upstream_version: {:?}, schema_json: include_str!(concat!(env!(\"OUT_DIR\"), \"/crd_schemas/{}\")) }},",
            e.group, e.version, e.kind, e.source_file, e.upstream_version, e.json_file
        )
        .expect("write to String");
    }
    index.push(']');
    write_if_changed(&out_dir.join("index.rs"), index.as_bytes())
}

struct Entry {
    group: String,
    version: String,
    kind: String,
    source_file: String,
    upstream_version: String,
    json_file: String,
}

fn collect_file(file: &Path, out_dir: &Path, entries: &mut Vec<Entry>) -> Result<(), String> {
    let text = fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let source_file = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    for document in serde_yaml::Deserializer::from_str(&text) {
        let yaml: serde_yaml::Value =
            serde::Deserialize::deserialize(document).map_err(|e| format!("{source_file}: {e}"))?;
        if yaml.is_null() {
            continue;
        }
        let crd: Value = serde_json::to_value(&yaml).map_err(|e| format!("{source_file}: {e}"))?;
        if crd.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition") {
            continue;
        }
        let group = crd
            .pointer("/spec/group")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = crd
            .pointer("/spec/names/kind")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !NEEDED.iter().any(|(g, k)| *g == group && *k == kind) {
            continue;
        }
        let upstream_version = upstream_version(&source_file, &crd);
        let versions = crd
            .pointer("/spec/versions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for version in versions {
            if version.get("served").and_then(Value::as_bool) != Some(true) {
                continue;
            }
            let name = version
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            // A CRD may also carry one top-level `spec.validation` (apiextensions v1beta1 style).
            let schema = version
                .pointer("/schema/openAPIV3Schema")
                .or_else(|| crd.pointer("/spec/validation/openAPIV3Schema"))
                .cloned()
                .ok_or_else(|| {
                    format!("{source_file}: {group} {kind} {name} has no openAPIV3Schema")
                })?;
            let schema = strip_descriptions(schema);
            let json_file = format!("{group}_{name}_{}.json", kind.to_ascii_lowercase());
            let json = serde_json::to_vec(&schema).map_err(|e| e.to_string())?;
            write_if_changed(&out_dir.join(&json_file), &json)?;
            entries.push(Entry {
                group: group.to_owned(),
                version: name,
                kind: kind.to_owned(),
                source_file: source_file.clone(),
                upstream_version: upstream_version.clone(),
                json_file,
            });
        }
    }
    Ok(())
}

/// "gateway-api v1.6.1" from `gateway-api-v1.6.1_httproutes.yaml` (the bundle-version
/// annotation wins when present), "istio v1.30.3", "openshift-route v1".
fn upstream_version(source_file: &str, crd: &Value) -> String {
    let prefix = source_file.split('_').next().unwrap_or(source_file);
    let (project, file_version) = match prefix.rfind("-v") {
        Some(i) => (&prefix[..i], &prefix[i + 1..]),
        None => (prefix, ""),
    };
    let annotated = crd
        .pointer("/metadata/annotations/gateway.networking.k8s.io~1bundle-version")
        .and_then(Value::as_str);
    match (annotated, file_version) {
        (Some(v), _) => format!("{project} {v}"),
        (None, "") => project.to_owned(),
        (None, v) => format!("{project} {v}"),
    }
}

/// Removes the `description` keyword from a schema node and all its sub-schemas. Property
/// *names* (keys of `properties`) and literal values (`default`, `enum`, `example`) are kept.
fn strip_descriptions(schema: Value) -> Value {
    let Value::Object(mut map) = schema else {
        return schema;
    };
    map.remove("description");
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" | "definitions" => {
                if let Value::Object(props) = value {
                    for sub in props.values_mut() {
                        *sub = strip_descriptions(std::mem::take(sub));
                    }
                }
            }
            "items" | "additionalProperties" | "not" | "additionalItems" => {
                *value = strip_descriptions(std::mem::take(value));
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(items) = value {
                    for sub in items.iter_mut() {
                        *sub = strip_descriptions(std::mem::take(sub));
                    }
                }
            }
            _ => {}
        }
    }
    Value::Object(map)
}

fn write_if_changed(path: &Path, contents: &[u8]) -> Result<(), String> {
    if fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}
