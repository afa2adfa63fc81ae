//! The Argo CD config management plugin (CMP): `hubgw argocd generate` and
//! `hubgw argocd parameters`, run by the repo-server sidecar in the
//! Application's source directory. Owns the CMP contract: which environment
//! variables and parameters mean what, and that no values file is read from
//! outside the repository checkout.
//!
//! Values, in merge order: built-in defaults, `hubgw.yaml`, the files in
//! `ARGOCD_ENV_HUBGW_VALUES` (comma-separated), the `valueFiles` parameter,
//! `ARGOCD_APP_NAMESPACE` (as the `namespace` value: the destination wins over
//! files, which may predate the Application), then the `set` parameter (the
//! one way to pin a namespace on purpose).
//!
//! How the plugin runs, from Argo CD v3.5.1: the repo-server sends the
//! repository (from its root, `rootPath` in `reposerver/repository/repository.go`)
//! to the sidecar, which unpacks it in a work directory and runs `generate`
//! in the app's path inside it (`cmpserver/plugin/plugin.go`,
//! `generateManifestGeneric`, `runCommand` sets `cmd.Dir`). The env has
//! `ARGOCD_APP_SOURCE_PATH`, the app's path in the repository (`newEnv` in
//! `repository.go`), so the checkout's root is the working directory less
//! that path. A failed command's stderr is in the error Argo CD shows; a
//! successful one's is logged by the sidecar (`runCommand`, "Log stderr
//! even on successful commands").

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
    /// `ARGOCD_APP_NAMESPACE`: the destination namespace; it wins over the
    /// `namespace` of values files, and loses to the `set` parameter.
    pub app_namespace: Option<String>,
    /// `ARGOCD_APP_SOURCE_PATH`: the app's path inside the repository, which
    /// tells where the checkout's root is.
    pub source_path: Option<String>,
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
            source_path: var("ARGOCD_APP_SOURCE_PATH"),
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

/// The root of the repository checkout holding the app directory `dir`:
/// `dir` less `ARGOCD_APP_SOURCE_PATH` when `dir` ends with that path; else
/// the nearest directory up from `dir` holding `.git` (a local checkout);
/// else `dir` itself. Canonical, so that containment checks compare real paths.
pub fn repo_root(dir: &Path, source_path: Option<&str>) -> Result<PathBuf> {
    let dir = dir
        .canonicalize()
        .map_err(|e| Error::input(format!("cannot read the app directory: {e}")))?;
    if let Some(path) = source_path {
        let parts: Option<Vec<_>> = Path::new(path)
            .components()
            .filter(|c| *c != Component::CurDir)
            .map(|c| match c {
                Component::Normal(p) => Some(p),
                _ => None,
            })
            .collect();
        if let Some(parts) = parts {
            let mut root = dir.as_path();
            let mut ok = true;
            for part in parts.iter().rev() {
                match (root.file_name(), root.parent()) {
                    (Some(name), Some(parent)) if name == *part => root = parent,
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                return Ok(root.to_path_buf());
            }
        }
    }
    Ok(dir
        .ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&dir)
        .to_path_buf())
}

/// `file` resolved inside the checkout `root`: relative to the app directory
/// `dir`, or from `root` when absolute (as Argo CD resolves Helm value files,
/// `resolveFileOrDirectory` in `util/io/path/resolved.go`, v3.5.1). An error
/// if it climbs out of `root` with `..`, or is (or passes through) a symlink
/// that leaves it.
pub fn contained(root: &Path, dir: &Path, file: &str) -> Result<PathBuf> {
    let outside = |why: &str| {
        Error::input(format!(
            "values file `{file}` is outside the repository: {why}"
        ))
        .hint("the Argo CD plugin reads only files inside the repository checkout; give paths relative to the Application's path (`envs/prod.yaml`, `../../common.yaml`) or from the repository root (`/common.yaml`)")
    };
    if file == "-" {
        return Err(Error::input(
            "values file `-`: the Argo CD plugin does not read standard input",
        ));
    }
    if file.contains("://") {
        return Err(outside("remote values files are not supported"));
    }
    let dir = dir
        .canonicalize()
        .map_err(|e| Error::input(format!("cannot read the app directory: {e}")))?;
    let rel = Path::new(file);
    // Lexically first: `..` past the root is refused before any file is read.
    let mut joined = if rel.has_root() {
        root.to_path_buf()
    } else {
        dir
    };
    for part in rel.components() {
        match part {
            Component::ParentDir => {
                // `joined` is `root` or below it, so `pop` stays inside.
                if joined == root {
                    return Err(outside("`..` leads out of it"));
                }
                joined.pop();
            }
            Component::Normal(p) => joined.push(p),
            _ => {}
        }
    }
    if !joined.starts_with(root) {
        return Err(outside("`..` leads out of it"));
    }
    let real = joined.canonicalize().map_err(|e| {
        Error::input(format!(
            "cannot read values file `{file}`: {}",
            crate::input::io_reason(&e)
        ))
        .hint("paths are relative to the Application's path, or from the repository root when they start with `/`")
    })?;
    if !real.starts_with(root) {
        return Err(outside("it is a symlink to a place outside"));
    }
    Ok(real)
}

/// The values sources and flags of a CMP run in `dir`, and notes for stderr.
fn inputs(dir: &Path, env: &CmpEnv) -> Result<(Vec<ValuesSource>, ValuesInput, Vec<String>)> {
    let params = parse_parameters(env.parameters.as_deref().unwrap_or(""))?;
    let root = repo_root(dir, env.source_path.as_deref())?;
    let mut sources = Vec::new();
    let mut notes = Vec::new();
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
        let path = contained(&root, dir, &file)?;
        let text = crate::input::read_values_at(&path, &file)?;
        sources.push(ValuesSource { name: file, text });
    }
    if let Some(ns) = &env.app_namespace {
        for source in &sources {
            if let Some(old) = top_level_namespace(&source.text).filter(|old| old != ns) {
                notes.push(format!(
                    "note: the destination namespace `{ns}` (ARGOCD_APP_NAMESPACE) replaces `namespace: {old}` of `{}`; to pin a namespace, give it as the `set` parameter `namespace`",
                    source.name
                ));
            }
        }
        // Through the output emitter, like every YAML hubgw writes: a
        // namespace such as `no` stays a string for any reader.
        sources.push(ValuesSource {
            name: "ARGOCD_APP_NAMESPACE".into(),
            text: crate::yaml::emit(&serde_json::json!({ "namespace": ns })),
        });
    }
    let input = ValuesInput {
        set: params.set,
        ..Default::default()
    };
    Ok((sources, input, notes))
}

/// The `namespace` a values file sets at its top level, if it is a string.
fn top_level_namespace(text: &str) -> Option<String> {
    let value: crate::yaml::Value = crate::yaml::from_str("", text).ok()?;
    value.get("namespace")?.as_str().map(str::to_string)
}

/// What `hubgw argocd generate` prints: the manifests for stdout, and the
/// lint warnings and notes for stderr.
#[derive(Debug)]
pub struct Generated {
    pub manifests: String,
    pub warnings: Vec<crate::diagnostic::Diagnostic>,
    pub notes: Vec<String>,
}

/// `hubgw argocd generate`: the manifests of the app in `dir`, as YAML.
pub fn generate(dir: &Path, env: &CmpEnv) -> Result<Generated> {
    let run = || -> Result<Generated> {
        let (sources, input, notes) = inputs(dir, env)?;
        let req = crate::RenderRequest {
            values: input,
            ..Default::default()
        };
        let render = crate::render_sources(&sources, &req)?;
        Ok(Generated {
            manifests: crate::output::to_yaml_stream(&render.manifests)?,
            warnings: render.warnings,
            notes,
        })
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
pub fn parameters(dir: &Path, env: &CmpEnv) -> String {
    // Read as generate reads it (inside the checkout, within the size
    // limit); a file that cannot be read only leaves the tooltip shorter.
    let spokes = repo_root(dir, env.source_path.as_deref())
        .and_then(|root| contained(&root, dir, APP_FILE))
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
            "tooltip": format!("Values files applied after {APP_FILE}, in order; paths relative to the app directory, or from the repository root with a leading /; files outside the repository are refused."),
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
        let repo = tempfile::tempdir().unwrap();
        let root = repo.path().canonicalize().unwrap();
        let app = root.join("apps/hub");
        std::fs::create_dir_all(app.join("envs")).unwrap();
        std::fs::write(app.join("envs/prod.yaml"), "").unwrap();
        std::fs::write(root.join("common.yaml"), "").unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.yaml"), "").unwrap();
        let ok = |f: &str| contained(&root, &app, f).unwrap();
        assert_eq!(ok("envs/prod.yaml"), app.join("envs/prod.yaml"));
        assert_eq!(ok("envs/../envs/prod.yaml"), app.join("envs/prod.yaml"));
        assert_eq!(ok("../../common.yaml"), root.join("common.yaml"));
        assert_eq!(ok("/common.yaml"), root.join("common.yaml"));
        assert_eq!(ok("/apps/hub/envs/prod.yaml"), app.join("envs/prod.yaml"));
        let msg = |f: &str| contained(&root, &app, f).unwrap_err().message;
        assert!(msg("../../../etc/passwd").contains("`..` leads out of it"));
        assert!(msg("/../etc/passwd").contains("`..` leads out of it"));
        assert!(msg("/etc/passwd").contains("cannot read"));
        assert!(msg("missing.yaml").contains("cannot read"));
        #[cfg(unix)]
        {
            let secret = outside.path().join("secret.yaml");
            std::os::unix::fs::symlink(&secret, app.join("link.yaml")).unwrap();
            std::os::unix::fs::symlink(outside.path(), root.join("up")).unwrap();
            assert!(msg("link.yaml").contains("symlink"));
            assert!(msg("../../up/secret.yaml").contains("symlink"));
        }
    }

    #[test]
    fn the_root_is_the_app_path_less_the_source_path() {
        let repo = tempfile::tempdir().unwrap();
        let root = repo.path().canonicalize().unwrap();
        let app = root.join("apps/hub");
        std::fs::create_dir_all(&app).unwrap();
        let found = |p: Option<&str>| repo_root(&app, p).unwrap();
        assert_eq!(found(Some("apps/hub")), root);
        assert_eq!(found(Some("./apps/hub/")), root);
        assert_eq!(found(Some("hub")), root.join("apps"));
        // A path that is not the end of the app directory, or climbs: ignored.
        assert_eq!(found(Some("other/hub")), app);
        assert_eq!(found(Some("../hub")), app);
        assert_eq!(found(None), app);
        // Without the variable, a local checkout's `.git`.
        std::fs::create_dir(root.join(".git")).unwrap();
        assert_eq!(found(None), root);
        assert_eq!(found(Some("nope")), root);
    }

    #[test]
    fn top_level_namespace_only() {
        assert_eq!(top_level_namespace("namespace: a\n").as_deref(), Some("a"));
        assert_eq!(top_level_namespace("gateway:\n  namespace: b\n"), None);
        assert_eq!(top_level_namespace("[1"), None);
    }
}
