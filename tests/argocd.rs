//! The Argo CD plugin, run exactly as the repo-server sidecar runs it: the
//! command from `argocd/plugin.yaml`, found on PATH, in a clean environment
//! holding only PATH and the ARGOCD_* variables, in the app directory, with
//! standard input closed.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `spec.<step>.command` of the shipped plugin.yaml.
fn plugin_command(step: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo("argocd/plugin.yaml")).unwrap();
    let plugin: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let command = match step {
        "generate" => &plugin["spec"]["generate"]["command"],
        _ => &plugin["spec"]["parameters"]["dynamic"]["command"],
    };
    serde_yaml::from_value(command.clone()).unwrap()
}

fn bin_dir() -> PathBuf {
    PathBuf::from(assert_cmd::cargo::cargo_bin!("hubgw"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// An app directory: hubgw.yaml (the east-west example) and envs/prod.yaml.
fn app() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("apps/hub");
    std::fs::create_dir_all(app.join("envs")).unwrap();
    std::fs::copy(
        repo("values/examples/east-west.yaml"),
        app.join("hubgw.yaml"),
    )
    .unwrap();
    std::fs::write(
        app.join("envs/prod.yaml"),
        "gateway:\n  weights:\n    east: 80\n    west: 20\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("apps/secret.yaml"), "namespace: stolen\n").unwrap();
    tmp
}

fn app_dir(tmp: &tempfile::TempDir) -> PathBuf {
    tmp.path().join("apps/hub")
}

fn cmp(step: &str, dir: &Path, env: &[(&str, &str)]) -> Run {
    let argv = plugin_command(step);
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .env_clear()
        .env("PATH", bin_dir())
        .env("ARGOCD_APP_NAME", "hub-gateway")
        .env("ARGOCD_APP_REVISION", "0123456789abcdef")
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null());
    let out = cmd.output().expect("the plugin command runs");
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn plugin_yaml_is_a_cmp_for_hubgw_yaml() {
    let text = std::fs::read_to_string(repo("argocd/plugin.yaml")).unwrap();
    let plugin: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(plugin["apiVersion"], "argoproj.io/v1alpha1");
    assert_eq!(plugin["kind"], "ConfigManagementPlugin");
    assert_eq!(plugin["spec"]["discover"]["fileName"], "./hubgw.yaml");
    assert_eq!(plugin_command("generate"), ["hubgw", "argocd", "generate"]);
    assert_eq!(
        plugin_command("parameters"),
        ["hubgw", "argocd", "parameters"]
    );
}

#[test]
fn generate_prints_only_manifests() {
    let tmp = app();
    let r = cmp("generate", &app_dir(&tmp), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let docs = docs(&r.stdout);
    assert_eq!(docs.len(), 13);
    for d in &docs {
        assert!(
            d["apiVersion"].is_string() && d["kind"].is_string(),
            "{d:?}"
        );
    }
    // The same objects `hubgw render` prints for the same file.
    let render = hubgw_run(&["render", "-f", &example("east-west.yaml")]);
    assert_eq!(r.stdout, render.stdout);
}

#[test]
fn generate_applies_namespace_env_files_and_parameters_in_order() {
    let tmp = app();
    let dir = app_dir(&tmp);
    std::fs::write(dir.join("envs/labels.yaml"), "labels:\n  team: platform\n").unwrap();
    let params = r#"[{"name":"valueFiles","array":["envs/prod.yaml"]},
                     {"name":"set","map":{"gateway.weights.west":"30","labels.cost-center":"cc-42"}}]"#;
    let r = cmp(
        "generate",
        &dir,
        &[
            ("ARGOCD_APP_NAMESPACE", "hub-prod"),
            ("ARGOCD_APP_PARAMETERS", params),
            ("ARGOCD_ENV_HUBGW_VALUES", "envs/labels.yaml"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs = docs(&r.stdout);
    let route = docs.iter().find(|d| d["kind"] == "HTTPRoute").unwrap();
    let front = &route["spec"]["rules"][1]["backendRefs"];
    assert_eq!(
        (front[0]["weight"].as_i64(), front[1]["weight"].as_i64()),
        (Some(80), Some(30))
    );
    for d in &docs {
        assert_eq!(d["metadata"]["labels"]["team"], "platform");
        assert_eq!(d["metadata"]["labels"]["cost-center"], "cc-42");
        if d["kind"] != "Namespace" {
            assert_eq!(d["metadata"]["namespace"], "hub-prod");
        }
    }
    snapshot!("argocd-generate-prod", r.stdout);

    // The destination wins over a values file's namespace (which `hubgw
    // init` no longer writes), with a note on stderr; `set` pins one.
    std::fs::write(dir.join("envs/ns.yaml"), "namespace: from-values\n").unwrap();
    let files = r#"{"name":"valueFiles","array":["envs/ns.yaml"]}"#;
    let r = cmp(
        "generate",
        &dir,
        &[
            ("ARGOCD_APP_NAMESPACE", "hub-prod"),
            ("ARGOCD_APP_PARAMETERS", &format!("[{files}]")),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("namespace: hub-prod\n") && !r.stdout.contains("from-values"));
    assert_eq!(
        r.stderr,
        "note: the destination namespace `hub-prod` (ARGOCD_APP_NAMESPACE) replaces `namespace: from-values` of `envs/ns.yaml`; to pin a namespace, give it as the `set` parameter `namespace`\n"
    );
    let pinned = format!(r#"[{files},{{"name":"set","map":{{"namespace":"pinned"}}}}]"#);
    let r = cmp(
        "generate",
        &dir,
        &[
            ("ARGOCD_APP_NAMESPACE", "hub-prod"),
            ("ARGOCD_APP_PARAMETERS", &pinned),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("namespace: pinned\n") && !r.stdout.contains("hub-prod"));
}

#[test]
fn a_starter_app_takes_the_destination_namespace() {
    let tmp = tempfile::tempdir().unwrap();
    let init = hubgw_run(&["init"]);
    assert!(
        !init.stdout.lines().any(|l| l.starts_with("namespace:")),
        "{}",
        init.stdout
    );
    std::fs::write(tmp.path().join("hubgw.yaml"), &init.stdout).unwrap();
    let r = cmp(
        "generate",
        tmp.path(),
        &[("ARGOCD_APP_NAMESPACE", "team-a")],
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stderr);
    let docs = docs(&r.stdout);
    assert!(docs
        .iter()
        .all(|d| d["kind"] == "Namespace" || d["metadata"]["namespace"] == "team-a"));
    assert!(docs
        .iter()
        .any(|d| d["kind"] == "Namespace" && d["metadata"]["name"] == "team-a"));
}

#[test]
fn generate_prints_lint_warnings_on_stderr_and_only_manifests_on_stdout() {
    let tmp = app();
    let dir = app_dir(&tmp);
    std::fs::write(
        dir.join("cb.yaml"),
        "gateway:\n  circuitBreaking:\n    enabled: true\n    outlierDetection:\n      maxEjectionPercent: 50\n",
    )
    .unwrap();
    let params = r#"[{"name":"valueFiles","array":["cb.yaml"]}]"#;
    let r = cmp("generate", &dir, &[("ARGOCD_APP_PARAMETERS", params)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("warning[HG005]: maxEjectionPercent is 50"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--> cb.yaml:5:7"), "{}", r.stderr);
    assert!(!r.stderr.contains('\x1b'));
    let docs = docs(&r.stdout);
    assert!(docs
        .iter()
        .all(|d| d["apiVersion"].is_string() && d["kind"].is_string()));
    assert!(!r.stdout.contains("warning"));
}

#[test]
fn values_files_may_come_from_anywhere_in_the_repository() {
    // tmp/repo is the checkout; tmp/secret.yaml lies outside it.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    let dir = root.join("apps/hub");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        repo("values/examples/east-west.yaml"),
        dir.join("hubgw.yaml"),
    )
    .unwrap();
    std::fs::write(root.join("common.yaml"), "labels:\n  shared: \"yes\"\n").unwrap();
    std::fs::write(root.join("apps/prod.yaml"), "labels:\n  env: prod\n").unwrap();
    std::fs::write(tmp.path().join("secret.yaml"), "namespace: stolen\n").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.yaml"), root.join("link.yaml")).unwrap();
    let generate = |files: &str, env: &[(&str, &str)]| {
        let params = format!(r#"[{{"name":"valueFiles","array":[{files}]}}]"#);
        let mut env = env.to_vec();
        env.push(("ARGOCD_APP_PARAMETERS", &params));
        cmp("generate", &dir, &env)
    };
    let argo = [("ARGOCD_APP_SOURCE_PATH", "apps/hub")];
    for files in [
        r#""../../common.yaml","../prod.yaml""#,
        r#""/common.yaml","/apps/prod.yaml""#,
    ] {
        let r = generate(files, &argo);
        assert_eq!(r.code, 0, "{files}: {}", r.stderr);
        let ns = docs(&r.stdout)
            .into_iter()
            .find(|d| d["kind"] == "Namespace")
            .unwrap();
        assert_eq!(ns["metadata"]["labels"]["shared"], "yes", "{files}");
        assert_eq!(ns["metadata"]["labels"]["env"], "prod", "{files}");
    }
    // Outside the checkout, by `..`, by a symlink, or by an absolute path.
    for (file, why) in [
        (
            "../../../secret.yaml",
            "is outside the repository: `..` leads out of it",
        ),
        (
            "/../secret.yaml",
            "is outside the repository: `..` leads out of it",
        ),
        (
            "../../link.yaml",
            "is outside the repository: it is a symlink",
        ),
        ("/link.yaml", "is outside the repository: it is a symlink"),
    ] {
        let r = generate(&format!("\"{file}\""), &argo);
        assert_eq!((r.code, r.stdout.as_str()), (1, ""), "{file}");
        assert!(r.stderr.contains(why), "{file}: {}", r.stderr);
        assert!(!r.stderr.contains("stolen"));
    }
    // Without ARGOCD_APP_SOURCE_PATH a local checkout is found by its `.git`;
    // with neither, only the app directory counts.
    let r = generate(r#""../../common.yaml""#, &[]);
    assert!(r.stderr.contains("`..` leads out of it"), "{}", r.stderr);
    std::fs::create_dir(root.join(".git")).unwrap();
    let r = generate(r#""../../common.yaml""#, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn values_files_outside_the_checkout_are_refused() {
    let tmp = app();
    let dir = app_dir(&tmp);
    std::os::unix::fs::symlink(tmp.path().join("apps/secret.yaml"), dir.join("shared.yaml"))
        .unwrap();
    let mut errors = String::new();
    for file in [
        "../../etc/passwd",
        "/etc/passwd",
        "shared.yaml",
        "../secret.yaml",
    ] {
        let params = format!(r#"[{{"name":"valueFiles","array":["{file}"]}}]"#);
        let r = cmp("generate", &dir, &[("ARGOCD_APP_PARAMETERS", &params)]);
        assert_eq!(r.code, 1, "{file}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{file}: nothing on stdout");
        assert!(!r.stderr.contains("stolen"));
        errors.push_str(&r.stderr);
        errors.push('\n');
    }
    // A hubgw.yaml that is itself a symlink out of the directory.
    std::fs::remove_file(dir.join("hubgw.yaml")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("apps/secret.yaml"), dir.join("hubgw.yaml"))
        .unwrap();
    let r = cmp("generate", &dir, &[]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    errors.push_str(&r.stderr);
    snapshot!("argocd-outside-refused", errors);
}

#[test]
fn generate_errors_name_the_problem() {
    let tmp = app();
    let dir = app_dir(&tmp);
    let mut errors = String::new();
    for params in [
        r#"[{"name":"valuesFiles","array":["envs/prod.yaml"]}]"#,
        r#"[{"name":"set","map":{"gateway.wieghts.east":"80"}}]"#,
        r#"{"name":"set"}"#,
    ] {
        let r = cmp("generate", &dir, &[("ARGOCD_APP_PARAMETERS", params)]);
        assert_eq!((r.code, r.stdout.as_str()), (1, ""), "{}", r.stderr);
        errors.push_str(&r.stderr);
        errors.push('\n');
    }
    let empty = tempfile::tempdir().unwrap();
    let r = cmp("generate", empty.path(), &[]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    errors.push_str(&r.stderr.replace(empty.path().to_str().unwrap(), "APP"));
    snapshot!("argocd-generate-errors", errors);
}

#[test]
fn parameters_announcement_snapshot() {
    let tmp = app();
    let r = cmp("parameters", &app_dir(&tmp), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let announced: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let names: Vec<_> = announced
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(names, ["valueFiles", "set"]);
    snapshot!("argocd-parameters", r.stdout);
}

#[test]
fn every_step_reads_values_inside_the_app_directory_and_within_the_size_limit() {
    // parameters: a hubgw.yaml linked to /dev/zero is not followed (it lies
    // outside), so the announcement comes at once, without spoke names.
    let tmp = app();
    let dir = app_dir(&tmp);
    std::fs::remove_file(dir.join("hubgw.yaml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("hubgw.yaml")).unwrap();
    let r = cmp("parameters", &dir, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("enables"), "{}", r.stdout);

    // generate: a values file past 256 KiB is refused like `render -f`.
    let tmp = app();
    let dir = app_dir(&tmp);
    let big = format!("# {}\n", "x".repeat(300 * 1024));
    std::fs::write(dir.join("big.yaml"), big).unwrap();
    let params = r#"[{"name":"valueFiles","array":["big.yaml"]}]"#;
    let r = cmp("generate", &dir, &[("ARGOCD_APP_PARAMETERS", params)]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("cannot read values file `big.yaml`: it is too large"),
        "{}",
        r.stderr
    );

    // `set` parameters are --set flags, with the same cost limits.
    let sets: Vec<String> = (0..100).map(|i| format!(r#""a{i}[65535]":"1""#)).collect();
    let params = format!(r#"[{{"name":"set","map":{{{}}}}}]"#, sets.join(","));
    let r = cmp("generate", &dir, &[("ARGOCD_APP_PARAMETERS", &params)]);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("list entries in all"), "{}", r.stderr);
}

/// `{{.key}}` of Argo CD's goTemplate in every string of `template`, from
/// one generator element (`RenderTemplateParams` in
/// applicationset/utils/utils.go at v3.5.1; `missingkey=error`, so an
/// unknown key fails).
fn fill(template: &serde_yaml::Value, element: &serde_yaml::Value) -> serde_yaml::Value {
    use serde_yaml::Value;
    match template {
        Value::String(s) => {
            let re = regex::Regex::new(r"\{\{\s*\.([A-Za-z0-9_]+)\s*\}\}").unwrap();
            let out = re.replace_all(s, |c: &regex::Captures| {
                element[&c[1]]
                    .as_str()
                    .unwrap_or_else(|| panic!("missingkey: {}", &c[1]))
                    .to_string()
            });
            assert!(!out.contains("{{"), "unsupported template: {s}");
            Value::String(out.into_owned())
        }
        Value::Sequence(items) => Value::Sequence(items.iter().map(|v| fill(v, element)).collect()),
        Value::Mapping(map) => Value::Mapping(
            map.iter()
                .map(|(k, v)| (k.clone(), fill(v, element)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn the_readme_applicationset_renders_every_application_it_generates() {
    let file = "docs/argocd/applicationset.yaml";
    let text = std::fs::read_to_string(repo(file)).unwrap();
    let readme = std::fs::read_to_string(repo("docs/guide.md")).unwrap();
    assert!(
        readme.contains(&text),
        "docs/guide.md must include {file} verbatim"
    );
    let set: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(set["kind"], "ApplicationSet");
    assert_eq!(set["spec"]["goTemplate"], true);
    let elements = set["spec"]["generators"][0]["list"]["elements"]
        .as_sequence()
        .unwrap();
    assert!(elements.len() >= 2);

    // The repository the Applications point at: shared hubgw.yaml, spokes per
    // environment.
    let checkout = tempfile::tempdir().unwrap();
    let plugin: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(repo("argocd/plugin.yaml")).unwrap())
            .unwrap();
    let mut outputs = Vec::new();
    for element in elements {
        let app = fill(&set["spec"]["template"], element);
        let env = element["env"].as_str().unwrap();
        let domain = element["domain"].as_str().unwrap();
        let source = &app["spec"]["source"];
        assert_eq!(source["plugin"]["name"], plugin["metadata"]["name"]);
        let path = source["path"].as_str().unwrap();
        let dir = checkout.path().join(path);
        std::fs::create_dir_all(dir.join("envs")).unwrap();
        std::fs::write(dir.join("hubgw.yaml"), "app:\n  name: industrial-edge\n").unwrap();
        std::fs::write(
            dir.join(format!("envs/{env}.yaml")),
            format!("clusters:\n  east:\n    domain: apps.east-{env}.example.com\n  west:\n    domain: apps.west-{env}.example.com\n"),
        )
        .unwrap();
        // What the repo-server sets (newEnv in reposerver/repository/
        // repository.go, and Environ in pkg/apis/application/v1alpha1/
        // types.go for the parameters, at v3.5.1).
        let params = serde_json::to_string(&source["plugin"]["parameters"]).unwrap();
        let name = app["metadata"]["name"].as_str().unwrap().to_string();
        let namespace = app["spec"]["destination"]["namespace"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(name, format!("hub-gateway-{env}"));
        let r = cmp(
            "generate",
            &dir,
            &[
                ("ARGOCD_APP_NAME", &name),
                ("ARGOCD_APP_NAMESPACE", &namespace),
                ("ARGOCD_APP_SOURCE_PATH", path),
                ("ARGOCD_APP_PARAMETERS", &params),
            ],
        );
        assert_eq!(r.code, 0, "{env}: {}", r.stderr);
        let docs = docs(&r.stdout);
        assert!(docs.len() > 5, "{env}: {}", r.stdout);
        for d in &docs {
            if d["kind"] == "Namespace" {
                assert_eq!(d["metadata"]["name"], namespace.as_str());
            } else {
                assert_eq!(d["metadata"]["namespace"], namespace.as_str(), "{env}");
            }
        }
        let route = docs.iter().find(|d| d["kind"] == "Route").unwrap();
        assert_eq!(route["spec"]["host"], format!("industrial-edge.{domain}"));
        assert!(r.stdout.contains(&format!("apps.east-{env}.example.com")));
        outputs.push(r.stdout);
    }
    assert_ne!(outputs[0], outputs[1]);
}

/// The YAML block of docs/guide.md that opens with `# {name}`, unindented.
fn guide_block(name: &str) -> serde_yaml::Value {
    let guide = std::fs::read_to_string(repo("docs/guide.md")).unwrap();
    let lines: Vec<&str> = guide.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == format!("# {name}"))
        .unwrap_or_else(|| panic!("docs/guide.md has no block `# {name}`"));
    let indent = lines[start].len() - lines[start].trim_start().len();
    let end = start
        + lines[start..]
            .iter()
            .position(|l| l.trim() == "```")
            .unwrap();
    let text: Vec<&str> = lines[start..end]
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect();
    serde_yaml::from_str(&text.join("\n")).unwrap()
}

/// The sidecar patch of docs/guide.md, the Containerfile and plugin.yaml
/// agree, as Argo CD v3.5.1 needs them: cmp-server reads
/// /home/argocd/cmp-server/config/plugin.yaml and puts its socket in
/// /home/argocd/cmp-server/plugins (DefaultPluginConfigFilePath,
/// PluginConfigFileName, DefaultPluginSockFilePath in common/common.go); the
/// repo-server's copyutil puts argocd-cmp-server in the var-files volume at
/// /var/run/argocd (manifests/base/repo-server/
/// argocd-repo-server-deployment.yaml); the sidecar runs as user 999
/// (docs/operator-manual/config-management-plugins.md). scripts/image.sh,
/// run by .ci/run, checks the built image holds the same paths.
#[test]
fn the_sidecar_patch_the_containerfile_and_plugin_yaml_agree() {
    let containerfile = std::fs::read_to_string(repo("Containerfile")).unwrap();
    let instructions: Vec<Vec<&str>> = containerfile
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_whitespace().collect())
        .collect();
    let copy_dest = |src: &str| -> String {
        let copy = instructions
            .iter()
            .find(|i| i[0] == "COPY" && i[i.len() - 2] == src)
            .unwrap_or_else(|| panic!("the Containerfile copies no {src}"));
        copy[copy.len() - 1].to_string()
    };
    let user: Vec<&str> = instructions
        .iter()
        .filter(|i| i[0] == "USER")
        .map(|i| i[1])
        .collect();
    assert_eq!(user, ["999:999"]);

    let plugin_file = copy_dest("argocd/plugin.yaml");
    assert_eq!(plugin_file, "/home/argocd/cmp-server/config/plugin.yaml");
    // plugin.yaml names the binary bare: it must be on the image's PATH
    // (buildah's default, /usr/local/bin among it; scripts/image.sh checks).
    let binary = copy_dest("dist/hubgw");
    assert_eq!(binary, "/usr/local/bin/hubgw");
    for step in ["generate", "parameters"] {
        assert_eq!(
            format!("/usr/local/bin/{}", plugin_command(step)[0]),
            binary
        );
    }

    let patch = guide_block("hubgw-sidecar.yaml");
    let pod = &patch["spec"]["template"]["spec"];
    let container = &pod["containers"][0];
    assert_eq!(container["name"], "hubgw");
    assert_eq!(
        container["command"],
        serde_yaml::from_str::<serde_yaml::Value>("[/var/run/argocd/argocd-cmp-server]").unwrap()
    );
    assert_eq!(container["securityContext"]["runAsUser"], 999);
    assert_eq!(container["securityContext"]["runAsNonRoot"], true);
    let guide = std::fs::read_to_string(repo("docs/guide.md")).unwrap();
    let image = container["image"].as_str().unwrap();
    assert!(
        guide.contains(&format!("scripts/image.sh {image}")),
        "the patch's image {image} is not the one the guide builds"
    );

    let mounts: Vec<(String, String)> = container["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap().to_string();
            (s("name"), s("mountPath"))
        })
        .collect();
    let mount = |name: &str| mounts.iter().find(|m| m.0 == name).map(|m| m.1.as_str());
    assert_eq!(mount("var-files"), Some("/var/run/argocd"));
    assert_eq!(mount("plugins"), Some("/home/argocd/cmp-server/plugins"));
    // Each mount is the repo-server's volume or one the patch adds.
    let added: Vec<&str> = pod["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    for (name, path) in &mounts {
        assert!(
            ["var-files", "plugins"].contains(&name.as_str()) || added.contains(&name.as_str()),
            "the patch mounts {name}, a volume nobody defines"
        );
        // A mount over the image's files would hide them.
        for file in [&plugin_file, &binary] {
            assert!(
                !file.starts_with(&format!("{}/", path.trim_end_matches('/'))),
                "the patch mounts {name} at {path}, over the image's {file}"
            );
        }
    }

    let image_sh = std::fs::read_to_string(repo("scripts/image.sh")).unwrap();
    for file in [&plugin_file, &binary] {
        assert!(
            image_sh.contains(&format!(" .{file}")),
            "scripts/image.sh does not check {file}"
        );
    }
}
