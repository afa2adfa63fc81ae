//! Build script: extracts the OpenAPI v3 schemas of the CRDs hubgw validates against.
//!
//! Reads every `crds/*.yaml` (multi-document CustomResourceDefinition files, kept unchanged
//! from upstream), and for each *served* version of the kinds listed in [`NEEDED`] reads the
//! `openAPIV3Schema` (all `description` fields stripped) with `src/crd_schema/model.rs`.
//! Writes them all to `$OUT_DIR/crd_schemas.rs` as static Rust data: one `static` per
//! distinct schema tree and per distinct `pattern`, and `EMBEDDED`, the array of
//! `EmbeddedCrd { .. }` (one per group/version/kind) that `src/crd_schema/registry.rs`
//! `include!`s. Nothing is left to parse at run time: each distinct CEL rule (and
//! `messageExpression`) is a `static CEL_n: CelProgram` whose AST a generated function
//! builds (see `src/crd_schema/cel_codegen.rs`), and each distinct `pattern` (and literal
//! pattern of a CEL `matches`) is a dense DFA serialized to `$OUT_DIR/pattern_n.dfa`
//! (`src/crd_schema/dfa_codegen.rs`).
//!
//! Also sets link arguments for the `hubgw` binary (see [`link_position_dependent`] and
//! [`order_hot_functions`]).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Number, Value};

#[path = "src/crd_schema/model.rs"]
mod model;

#[path = "src/crd_schema/cel_codegen.rs"]
mod cel_codegen;

#[path = "src/crd_schema/dfa_codegen.rs"]
mod dfa_codegen;

use model::{Additional, Rule, Schema};

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
/// The static release build (`cargo release-static`, see `.cargo/config.toml`)
/// asks rustc for the same with `-C relocation-model=static`.
fn link_position_dependent() {
    let target = std::env::var("TARGET").unwrap_or_default();
    let crt_static = std::env::var("CARGO_CFG_TARGET_FEATURE")
        .is_ok_and(|features| features.split(',').any(|f| f == "crt-static"));
    if target == "x86_64-unknown-linux-gnu" && !crt_static {
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
    // A linker without --symbol-ordering-file (GNU ld, gold) needs this off.
    println!("cargo:rerun-if-env-changed=HUBGW_LINK_ORDER");
    let wanted = std::env::var("HUBGW_LINK_ORDER").map_or(true, |v| v != "0");
    if wanted && target == "x86_64-unknown-linux-gnu" && profile == "release" && list.exists() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            list.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Writes `$OUT_DIR/crd_schemas.rs`.
fn generate_crd_schemas() -> Result<(), String> {
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let crd_dir = manifest_dir.join("crds");
    let out_file =
        PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?).join("crd_schemas.rs");
    println!("cargo:rerun-if-changed={}", crd_dir.display());
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/crd_schema/model.rs");
    println!("cargo:rerun-if-changed=src/crd_schema/cel_codegen.rs");
    println!("cargo:rerun-if-changed=src/crd_schema/dfa_codegen.rs");

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
        collect_file(file, &mut entries)?;
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
    let out_dir = out_file.parent().unwrap_or(Path::new("."));
    write_if_changed(&out_file, generate_rust(&entries, out_dir)?.as_bytes())
}

struct Entry {
    group: String,
    version: String,
    kind: String,
    source_file: String,
    upstream_version: String,
    schema: Schema,
}

fn collect_file(file: &Path, entries: &mut Vec<Entry>) -> Result<(), String> {
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
            // Through JSON text and back, as the schemas were once embedded and read at run
            // time: serde_json's float parsing may differ from YAML's in the last bit.
            let json =
                serde_json::to_vec(&strip_descriptions(schema)).map_err(|e| e.to_string())?;
            let schema: Value = serde_json::from_slice(&json).map_err(|e| e.to_string())?;
            let schema = Schema::from_json(&schema)
                .map_err(|e| format!("{source_file}: {group} {kind} {name}: {e}"))?;
            entries.push(Entry {
                group: group.to_owned(),
                version: name,
                kind: kind.to_owned(),
                source_file: source_file.clone(),
                upstream_version: upstream_version.clone(),
                schema,
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

/// The Rust source of `$OUT_DIR/crd_schemas.rs` (see the module doc). Identical schema
/// trees (a kind's versions often are) share one `static`.
fn generate_rust(entries: &[Entry], out_dir: &Path) -> Result<String, String> {
    let mut out = String::from("// Generated by build.rs from crds/*.yaml.\n\n");
    let mut writer = Writer::default();
    let mut schemas: HashMap<String, usize> = HashMap::new();
    let mut index = String::from("pub(super) static EMBEDDED: &[EmbeddedCrd] = &[\n");
    let mut statics = String::new();
    for e in entries {
        let tree = writer.node(&e.schema);
        let next = schemas.len();
        let n = *schemas.entry(tree).or_insert_with_key(|tree| {
            writeln!(statics, "static SCHEMA_{next}: Node = {tree};").expect("write to String");
            next
        });
        writeln!(
            index,
            "    EmbeddedCrd {{ source_file: {:?}, upstream_version: {:?}, schema: CrdSchema {{ group: {:?}, version: {:?}, kind: {:?}, root: &SCHEMA_{n} }} }},",
            e.source_file, e.upstream_version, e.group, e.version, e.kind
        )
        .expect("write to String");
    }
    index.push_str("];\n");

    let mut cel_matches = Vec::new();
    for (i, text) in writer.programs.clone().iter().enumerate() {
        match cel_codegen::builder(text) {
            Some(built) => {
                for p in &built.patterns {
                    cel_matches.push((p.clone(), writer.pattern(p)));
                }
                writeln!(
                    out,
                    "static CEL_{i}: CelProgram = CelProgram::new({text:?}, Some(cel_{i}));\n\
                     fn cel_{i}() -> Expression {{\n    {}\n}}",
                    built.ast
                )
            }
            None => writeln!(
                out,
                "static CEL_{i}: CelProgram = CelProgram::new({text:?}, None);"
            ),
        }
        .expect("write to String");
    }
    cel_matches.sort();
    cel_matches.dedup();
    out.push('\n');

    let endian = std::env::var("CARGO_CFG_TARGET_ENDIAN").unwrap_or_else(|_| "little".into());
    for (i, p) in writer.patterns.iter().enumerate() {
        match dfa_codegen::serialized(p, &endian) {
            Some(bytes) => {
                let file = format!("pattern_{i}.dfa");
                write_if_changed(&out_dir.join(&file), &bytes)?;
                writeln!(
                    out,
                    "static PATTERN_{i}: Pattern = Pattern::new({p:?}, Some(&PATTERN_{i}_DFA.bytes));\n\
                     static PATTERN_{i}_DFA: AlignAs<[u8; {}], u32> = AlignAs {{ _align: [], bytes: *include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}\")) }};",
                    bytes.len()
                )
            }
            None => writeln!(out, "static PATTERN_{i}: Pattern = Pattern::new({p:?}, None);"),
        }
        .expect("write to String");
    }
    out.push_str("\n/// The literal patterns of CEL `matches` calls, by pattern.\n");
    out.push_str("pub(in crate::crd_schema) static CEL_MATCHES: &[&Pattern] = &[");
    for (_, i) in &cel_matches {
        write!(out, "&PATTERN_{i}, ").expect("write to String");
    }
    out.push_str("];\n\n");
    out.push_str(&statics);
    out.push('\n');
    out.push_str(&index);
    Ok(out)
}

/// Writes schema trees as Rust expressions of `src/crd_schema/node.rs` types, naming each
/// distinct `pattern` and CEL text once.
#[derive(Default)]
struct Writer {
    patterns: Vec<String>,
    programs: Vec<String>,
}

impl Writer {
    /// `n` of `PATTERN_n` for a pattern.
    fn pattern(&mut self, p: &str) -> usize {
        match self.patterns.iter().position(|q| q == p) {
            Some(i) => i,
            None => {
                self.patterns.push(p.to_owned());
                self.patterns.len() - 1
            }
        }
    }

    /// `&CEL_n` for a CEL text.
    fn program(&mut self, text: &str) -> String {
        let i = match self.programs.iter().position(|p| p == text) {
            Some(i) => i,
            None => {
                self.programs.push(text.to_owned());
                self.programs.len() - 1
            }
        };
        format!("&CEL_{i}")
    }

    fn rule(&mut self, r: &Rule) -> String {
        let message_expression = match &r.message_expression {
            Some(text) => format!("Some({})", self.program(text)),
            None => "None".into(),
        };
        format!(
            "ValidationRule {{ rule: {}, message: {:?}, message_expression: {message_expression}, field_path: {:?}, optional_old_self: {} }}",
            self.program(&r.rule), r.message, r.field_path, r.optional_old_self
        )
    }

    /// `Node { .. }`, with the keywords present and `..Node::EMPTY`.
    fn node(&mut self, s: &Schema) -> String {
        let mut f = Vec::new();
        let mut field = |name: &str, value: String| f.push(format!("{name}: {value}"));
        if let Some(ty) = &s.ty {
            field("ty", format!("Some({ty:?})"));
        }
        if s.nullable {
            field("nullable", "true".into());
        }
        if !s.properties.is_empty() {
            let props: Vec<String> = s
                .properties
                .iter()
                .map(|(name, p)| format!("({name:?}, {})", self.node(p)))
                .collect();
            field("properties", format!("&[{}]", props.join(", ")));
        }
        match &s.additional_properties {
            None => {}
            Some(Additional::Allowed(b)) => field(
                "additional_properties",
                format!("Some(AdditionalProperties::Allowed({b}))"),
            ),
            Some(Additional::Schema(a)) => field(
                "additional_properties",
                format!("Some(AdditionalProperties::Schema(&{}))", self.node(a)),
            ),
        }
        if let Some(items) = &s.items {
            field("items", format!("Some(&{})", self.node(items)));
        }
        if !s.required.is_empty() {
            field("required", format!("&{:?}", s.required));
        }
        if let Some(values) = &s.enum_values {
            let values: Vec<String> = values.iter().map(json).collect();
            field("enum_values", format!("Some(&[{}])", values.join(", ")));
        }
        for (name, n) in [("minimum", &s.minimum), ("maximum", &s.maximum)] {
            if let Some(n) = n {
                field(name, format!("Some({})", num(n)));
            }
        }
        for (name, b) in [
            ("exclusive_minimum", s.exclusive_minimum),
            ("exclusive_maximum", s.exclusive_maximum),
            ("int_or_string", s.int_or_string),
            ("preserve_unknown_fields", s.preserve_unknown_fields),
            ("has_rules", s.has_rules),
        ] {
            if b {
                field(name, "true".into());
            }
        }
        for (name, n) in [
            ("min_length", s.min_length),
            ("max_length", s.max_length),
            ("min_items", s.min_items),
            ("max_items", s.max_items),
            ("min_properties", s.min_properties),
            ("max_properties", s.max_properties),
        ] {
            if let Some(n) = n {
                field(name, format!("Some({n})"));
            }
        }
        if let Some(p) = &s.pattern {
            field("pattern", format!("Some(&PATTERN_{})", self.pattern(p)));
        }
        for (name, text) in [("format", &s.format), ("list_type", &s.list_type)] {
            if let Some(text) = text {
                field(name, format!("Some({text:?})"));
            }
        }
        if let Some(d) = &s.default {
            field("default", format!("Some(&{})", json(d)));
        }
        for (name, subs) in [
            ("one_of", &s.one_of),
            ("any_of", &s.any_of),
            ("all_of", &s.all_of),
        ] {
            if !subs.is_empty() {
                let subs: Vec<String> = subs.iter().map(|n| self.node(n)).collect();
                field(name, format!("&[{}]", subs.join(", ")));
            }
        }
        if let Some(not) = &s.not {
            field("not", format!("Some(&{})", self.node(not)));
        }
        if !s.list_map_keys.is_empty() {
            field("list_map_keys", format!("&{:?}", s.list_map_keys));
        }
        if !s.validations.is_empty() {
            let rules: Vec<String> = s.validations.iter().map(|r| self.rule(r)).collect();
            field("validations", format!("&[{}]", rules.join(", ")));
        }
        f.push("..Node::EMPTY".into());
        format!("Node {{ {} }}", f.join(", "))
    }
}

/// `Num::..`: the variant `serde_json` holds the number in.
fn num(n: &Number) -> String {
    match (n.as_u64(), n.as_i64(), n.as_f64()) {
        (Some(u), _, _) => format!("Num::PosInt({u})"),
        (None, Some(i), _) => format!("Num::NegInt({i})"),
        // `{:?}` is the shortest text that reads back as the same f64.
        (None, None, Some(f)) => format!("Num::Float({f:?})"),
        (None, None, None) => unreachable!("a JSON number is an integer or a float"),
    }
}

/// `Json::..`; object entries keep the order of the JSON.
fn json(v: &Value) -> String {
    match v {
        Value::Null => "Json::Null".into(),
        Value::Bool(b) => format!("Json::Bool({b})"),
        Value::Number(n) => format!("Json::Number({})", num(n)),
        Value::String(s) => format!("Json::String({s:?})"),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(json).collect();
            format!("Json::Array(&[{}])", items.join(", "))
        }
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("({k:?}, {})", json(v)))
                .collect();
            format!("Json::Object(&[{}])", entries.join(", "))
        }
    }
}

fn write_if_changed(path: &Path, contents: &[u8]) -> Result<(), String> {
    if fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}
