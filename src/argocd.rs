//! The Argo CD config management plugin (CMP): `hubgw argocd generate` and
//! `hubgw argocd parameters`, run by the repo-server sidecar in the
//! Application's source directory. Owns the CMP contract: which environment
//! variables and parameters mean what, and that no values file is read from
//! outside the app directory.
//!
//! Values, in merge order: built-in defaults, `ARGOCD_APP_NAMESPACE` (as the
//! `namespace` value), `hubgw.yaml`, the files in `ARGOCD_ENV_HUBGW_VALUES`
//! (comma-separated), the `valueFiles` parameter, then the `set` parameter.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::error::{closest, Error, Result};
use crate::values::{ValuesInput, ValuesSource};

/// The values file every hubgw app directory has (plugin discovery finds it).
pub const APP_FILE: &str = "hubgw.yaml";

/// The parameters hubgw accepts in `ARGOCD_APP_PARAMETERS`.
pub const PARAMETERS: [&str; 2] = ["valueFiles", "set"];

/// What the repo-server passes to the plugin, read from the environment.
#[derive(Debug, Clone, Default)]
pub struct CmpEnv {
    /// `ARGOCD_APP_NAME`: only named in errors (hubgw has no release name).
    pub app_name: Option<String>,
    /// `ARGOCD_APP_NAMESPACE`: the destination namespace; the default of the
    /// `namespace` value (a values file or `set` wins).
    pub app_namespace: Option<String>,
    /// `ARGOCD_APP_PARAMETERS`: JSON array of `{name, string|array|map}`.
    pub parameters: Option<String>,
    /// `ARGOCD_ENV_HUBGW_VALUES` (from the Application's `plugin.env`):
    /// extra values files, comma-separated, applied before `valueFiles`.
    pub env_values: Option<String>,
}

impl CmpEnv {
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        CmpEnv {
            app_name: var("ARGOCD_APP_NAME"),
            app_namespace: var("ARGOCD_APP_NAMESPACE"),
            parameters: var("ARGOCD_APP_PARAMETERS"),
            env_values: var("ARGOCD_ENV_HUBGW_VALUES"),
        }
    }
}

/// The parameters of `ARGOCD_APP_PARAMETERS` hubgw understands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// `valueFiles`: paths relative to the app directory.
    pub value_files: Vec<String>,
    /// `set`: `--set` expressions, in the order given.
    pub set: Vec<String>,
}

/// Parses `ARGOCD_APP_PARAMETERS`. `valueFiles` takes an array (or a string
/// of comma-separated paths); `set` takes a map of `--set` keys to values (or
/// a string in `--set` syntax). Commas in map values are kept literally.
pub fn parse_parameters(json: &str) -> Result<Params> {
    let err = |msg: String| {
        Error::input(format!("ARGOCD_APP_PARAMETERS: {msg}"))
            .hint("Argo CD sends `[{\"name\": \"valueFiles\", \"array\": [\"prod.yaml\"]}, {\"name\": \"set\", \"map\": {\"gateway.weights.east\": \"80\"}}]`")
    };
    let value: Value = match json.trim() {
        "" | "null" => return Ok(Params::default()),
        text => serde_json::from_str(text).map_err(|e| err(format!("not valid JSON: {e}")))?,
    };
    let Value::Array(items) = value else {
        return Err(err("expected a JSON array of parameters".into()));
    };
    let mut params = Params::default();
    for item in items {
        let name = item
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| err(format!("a parameter without a name: {item}")))?;
        let string = item.get("string").and_then(Value::as_str);
        let array = item.get("array").and_then(Value::as_array);
        let map = item.get("map").and_then(Value::as_object);
        match name {
            "valueFiles" => {
                if let Some(array) = array {
                    for v in array {
                        let path = v.as_str().ok_or_else(|| {
                            err(format!("`valueFiles` items must be strings, found {v}"))
                        })?;
                        params.value_files.push(path.to_string());
                    }
                } else if let Some(s) = string {
                    params.value_files.extend(split_list(s));
                } else {
                    return Err(err("`valueFiles` needs an `array` of paths".into()));
                }
            }
            "set" => {
                if let Some(map) = map {
                    for (key, v) in map {
                        let v = match v {
                            Value::String(s) => s.clone(),
                            Value::Null => "null".to_string(),
                            other => other.to_string(),
                        };
                        params.set.push(format!("{key}={}", escape_set_value(&v)));
                    }
                } else if let Some(s) = string {
                    params.set.push(s.to_string());
                } else {
                    return Err(err("`set` needs a `map` of keys to values".into()));
                }
            }
            other => {
                let hint = match closest(other, PARAMETERS) {
                    Some(known) => format!("did you mean `{known}`?"),
                    None => format!("hubgw's parameters are {}", PARAMETERS.join(" and ")),
                };
                return Err(Error::input(format!(
                    "ARGOCD_APP_PARAMETERS: unknown parameter `{other}`"
                ))
                .hint(hint));
            }
        }
    }
    Ok(params)
}

fn split_list(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
}

/// A map value as one `--set` value: commas are escaped (a value is one
/// value, as in Argo CD's Helm parameters) unless it is a `{a,b}` list.
fn escape_set_value(v: &str) -> String {
    if v.starts_with('{') && v.ends_with('}') {
        v.to_string()
    } else {
        v.replace(',', "\\,")
    }
}

/// `file` resolved inside `dir`, or an error if it is absolute, climbs out
/// with `..`, or is (or passes through) a symlink that leaves `dir`.
pub fn contained(dir: &Path, file: &str) -> Result<PathBuf> {
    let outside = |why: &str| {
        Error::input(format!(
            "values file `{file}` is outside the app directory: {why}"
        ))
        .hint("the Argo CD plugin reads only files inside the Application's path; give paths relative to it, such as `prod.yaml` or `envs/prod.yaml`")
    };
    if file == "-" {
        return Err(Error::input(
            "values file `-`: the Argo CD plugin does not read standard input",
        ));
    }
    if file.contains("://") {
        return Err(outside("remote values files are not supported"));
    }
    let rel = Path::new(file);
    if rel.is_absolute() || rel.has_root() {
        return Err(outside("it is an absolute path"));
    }
    let mut depth: i64 = 0;
    for part in rel.components() {
        match part {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return Err(outside("`..` leads out of it"));
        }
    }
    let root = dir
        .canonicalize()
        .map_err(|e| Error::input(format!("cannot read the app directory: {e}")))?;
    let real = root.join(rel).canonicalize().map_err(|e| {
        Error::input(format!(
            "cannot read values file `{file}`: {}",
            crate::input::io_reason(&e)
        ))
        .hint("paths are relative to the Application's path in the repository")
    })?;
    if !real.starts_with(&root) {
        return Err(outside("it is a symlink to a place outside"));
    }
    Ok(real)
}

/// The values sources and flags of a CMP run in `dir`.
fn inputs(dir: &Path, env: &CmpEnv) -> Result<(Vec<ValuesSource>, ValuesInput)> {
    let params = parse_parameters(env.parameters.as_deref().unwrap_or(""))?;
    let mut sources = Vec::new();
    if let Some(ns) = &env.app_namespace {
        // Through the output emitter, like every YAML hubgw writes: a
        // namespace such as `no` stays a string for any reader.
        sources.push(ValuesSource {
            name: "ARGOCD_APP_NAMESPACE".into(),
            text: crate::output::to_yaml(&serde_json::json!({ "namespace": ns })),
        });
    }
    let app_file = dir.join(APP_FILE);
    if !app_file.exists() {
        return Err(Error::input(format!(
            "no `{APP_FILE}` in the app directory `{}`",
            dir.display()
        ))
        .hint(format!(
            "the plugin renders the `{APP_FILE}` of the Application's path; create one with `hubgw init -o {APP_FILE}`"
        )));
    }
    let mut files = vec![APP_FILE.to_string()];
    files.extend(
        env.env_values
            .as_deref()
            .map(split_list)
            .into_iter()
            .flatten(),
    );
    files.extend(params.value_files);
    for file in files {
        let path = contained(dir, &file)?;
        let text = crate::input::read_values_at(&path, &file)?;
        sources.push(ValuesSource { name: file, text });
    }
    let input = ValuesInput {
        set: params.set,
        ..Default::default()
    };
    Ok((sources, input))
}

/// `hubgw argocd generate`: the manifests of the app in `dir`, as YAML.
pub fn generate(dir: &Path, env: &CmpEnv) -> Result<String> {
    let run = || -> Result<String> {
        let (sources, input) = inputs(dir, env)?;
        let req = crate::RenderRequest {
            values: input,
            ..Default::default()
        };
        let objects = crate::render_sources(&sources, &req)?.manifests;
        crate::output::to_yaml_stream(&objects)
    };
    run().map_err(|mut e| {
        if let Some(app) = &env.app_name {
            e.message = format!("{} (Argo CD application `{app}`)", e.message);
        }
        e
    })
}

/// `hubgw argocd parameters`: the dynamic parameter announcement (JSON) for
/// the UI. Both parameters start empty, as hubgw applies nothing by default;
/// the `set` tooltip names the spokes `hubgw.yaml` enables today.
pub fn parameters(dir: &Path) -> String {
    // Read as generate reads it (inside the app directory, within the size
    // limit); a file that cannot be read only leaves the tooltip shorter.
    let spokes = contained(dir, APP_FILE)
        .and_then(|path| crate::input::read_values_at(&path, APP_FILE))
        .ok()
        .and_then(|text| {
            let files = [ValuesSource {
                name: APP_FILE.into(),
                text,
            }];
            crate::values::load_sources(&files, &Default::default()).ok()
        })
        .map(|loaded| {
            loaded
                .values
                .clusters
                .iter()
                .filter(|(_, c)| !c.domain.is_empty())
                .map(|(name, _)| name.clone())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let example = spokes.first().map_or("east", String::as_str);
    let mut set_tooltip = format!(
        "Helm --set style overrides, applied after the values files: key = value, for example gateway.weights.{example} = 80."
    );
    if !spokes.is_empty() {
        set_tooltip.push_str(&format!(" {APP_FILE} enables: {}.", spokes.join(", ")));
    }
    let announcement = serde_json::json!([
        {
            "name": "valueFiles",
            "title": "Values files",
            "tooltip": format!("Values files applied after {APP_FILE}, in order; paths relative to the app directory (files outside it are refused)."),
            "collectionType": "array",
            "itemType": "string",
            "array": [],
        },
        {
            "name": "set",
            "title": "Set values",
            "tooltip": set_tooltip,
            "collectionType": "map",
            "itemType": "string",
            "map": {},
        },
    ]);
    serde_json::to_string_pretty(&announcement).expect("JSON serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_parse_arrays_maps_and_nothing() {
        let p = parse_parameters(
            r#"[{"name":"valueFiles","array":["a.yaml","envs/b.yaml"]},
                {"name":"set","map":{"gateway.weights.east":"80","labels.team":"a,b","x":"{1,2}"}}]"#,
        )
        .unwrap();
        assert_eq!(p.value_files, ["a.yaml", "envs/b.yaml"]);
        assert_eq!(
            p.set,
            ["gateway.weights.east=80", "labels.team=a\\,b", "x={1,2}"]
        );
        assert_eq!(parse_parameters("").unwrap(), Params::default());
        assert_eq!(parse_parameters("null").unwrap(), Params::default());
        assert_eq!(parse_parameters("[]").unwrap(), Params::default());
        let p = parse_parameters(r#"[{"name":"valueFiles","string":"a.yaml, b.yaml"}]"#).unwrap();
        assert_eq!(p.value_files, ["a.yaml", "b.yaml"]);
    }

    #[test]
    fn parameters_errors_are_plain() {
        let e = parse_parameters(r#"[{"name":"valuesFiles","array":[]}]"#).unwrap_err();
        assert_eq!(
            e.message,
            "ARGOCD_APP_PARAMETERS: unknown parameter `valuesFiles`"
        );
        assert_eq!(e.hint.as_deref(), Some("did you mean `valueFiles`?"));
        assert!(parse_parameters("{")
            .unwrap_err()
            .message
            .contains("not valid JSON"));
        assert!(parse_parameters("{}")
            .unwrap_err()
            .message
            .contains("array"));
        assert!(parse_parameters(r#"[{"name":"set","array":["a"]}]"#).is_err());
    }

    #[test]
    fn containment() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app");
        std::fs::create_dir_all(app.join("envs")).unwrap();
        std::fs::write(app.join("envs/prod.yaml"), "").unwrap();
        std::fs::write(dir.path().join("secret.yaml"), "").unwrap();
        assert!(contained(&app, "envs/prod.yaml").is_ok());
        assert!(contained(&app, "envs/../envs/prod.yaml").is_ok());
        let msg = |f: &str| contained(&app, f).unwrap_err().message;
        assert!(msg("../../etc/passwd").contains("`..` leads out of it"));
        assert!(msg("envs/../../secret.yaml").contains("`..` leads out"));
        assert!(msg("/etc/passwd").contains("absolute path"));
        assert!(msg("missing.yaml").contains("cannot read"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.yaml"), app.join("link.yaml"))
                .unwrap();
            std::os::unix::fs::symlink(dir.path(), app.join("up")).unwrap();
            assert!(msg("link.yaml").contains("symlink"));
            assert!(msg("up/secret.yaml").contains("symlink"));
        }
    }
}
