//! What editors and new users get: the JSON Schema of the values
//! (`hubgw schema`, derived from the typed values in `values::model`, with
//! the built-in defaults) and the commented starter values file (`hubgw init`).

use std::io::Write;

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use crate::error::{Error, Result};
use crate::values::{Values, DEFAULT_VALUES};

/// The starter file `hubgw init` writes.
pub const STARTER: &str = include_str!("../values/starter.yaml");

/// The JSON Schema (draft-07, which every yaml-language-server reads) of a
/// values file, pretty-printed. A values file is an overlay on the defaults,
/// so no key is required; structs that reject unknown keys say
/// `additionalProperties: false`; leaves carry their built-in default.
pub fn json_schema() -> String {
    let settings = schemars::generate::SchemaSettings::draft07().with(|s| {
        s.inline_subschemas = true;
    });
    let schema = settings.into_generator().into_root_schema_for::<Values>();
    let mut json = serde_json::to_value(&schema).expect("a schema serialises");
    let defaults: Yaml = serde_yaml::from_str(DEFAULT_VALUES).expect("built-in defaults parse");
    if let Json::Object(root) = &mut json {
        root.insert("title".into(), "hubgw values".into());
        root.remove("definitions");
    }
    tidy(&mut json, Some(&defaults));
    serde_json::to_string_pretty(&json).expect("JSON serialises") + "\n"
}

/// Drops `required`, adds defaults to leaves, unwraps doc-comment lines, and
/// lets map entries be `null` (Helm's way to delete one, e.g. `west: null`).
fn tidy(schema: &mut Json, default: Option<&Yaml>) {
    let Json::Object(obj) = schema else { return };
    obj.remove("required");
    if let Some(Json::String(d)) = obj.get_mut("description") {
        *d = d.replace('\n', " ");
    }
    if let Some(Json::Object(entry)) = obj.get_mut("additionalProperties") {
        if let Some(Json::String(t)) = entry.get("type").cloned() {
            entry.insert("type".into(), serde_json::json!([t, "null"]));
        }
    }
    let has_properties = obj.contains_key("properties");
    if let (false, Some(d)) = (has_properties, default) {
        if let Ok(d) = serde_json::to_value(d) {
            obj.insert("default".into(), d);
        }
    }
    if let Some(Json::Object(props)) = obj.get_mut("properties") {
        for (key, sub) in props.iter_mut() {
            let child = default.and_then(|d| d.get(key.as_str()));
            tidy(sub, child);
        }
    }
    for key in ["additionalProperties", "items"] {
        if let Some(sub) = obj.get_mut(key) {
            tidy(sub, None);
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Json::Array(subs)) = obj.get_mut(key) {
            for sub in subs {
                tidy(sub, None);
            }
        }
    }
}

/// `hubgw init -o FILE`: writes the starter file, never over an existing one.
pub fn write_starter(path: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            let err = Error::input(format!(
                "cannot write `{path}`: {}",
                crate::input::io_reason(&e)
            ));
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                err.hint("hubgw init never overwrites a file; remove it or choose another name")
            } else {
                err
            }
        })?;
    file.write_all(STARTER.as_bytes())
        .map_err(|e| Error::input(format!("cannot write `{path}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Json {
        serde_json::from_str(&json_schema()).unwrap()
    }

    #[test]
    fn strict_structs_reject_unknown_keys_and_nothing_is_required() {
        let s = schema();
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(
            s["properties"]["route"]["properties"]["tls"]["additionalProperties"],
            false
        );
        assert!(!json_schema().contains("\"required\""));
        assert!(!json_schema().contains("$ref"));
        // `global` is shared with other charts: anything goes there.
        assert_ne!(s["properties"]["global"]["additionalProperties"], false);
        // `clusters.west: null` removes a spoke.
        assert_eq!(
            s["properties"]["clusters"]["additionalProperties"]["type"],
            serde_json::json!(["object", "null"])
        );
    }

    #[test]
    fn leaves_have_descriptions_and_defaults() {
        let s = schema();
        let ns = &s["properties"]["namespace"];
        assert_eq!(ns["default"], "hub-gateway-system");
        assert!(ns["description"].as_str().unwrap().contains("Namespace"));
        let policy = &s["properties"]["gateway"]["properties"]["circuitBreaking"]["properties"]
            ["connectionPool"];
        assert!(policy.to_string().contains("DO_NOT_UPGRADE"));
        assert_eq!(
            s["properties"]["route"]["properties"]["tls"]["properties"]["termination"]["default"],
            "edge"
        );
    }

    #[test]
    fn starter_points_at_the_schema_and_loads() {
        assert!(STARTER.starts_with("# yaml-language-server: $schema=./hubgw.schema.json\n"));
        let files = [crate::values::ValuesSource {
            name: "starter".into(),
            text: STARTER.into(),
        }];
        let loaded = crate::values::load_sources(&files, &Default::default()).unwrap();
        crate::plan::build(&loaded).unwrap();
    }
}
