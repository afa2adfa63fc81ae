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
