//! `hubgw validate` end to end: rendered examples and hand-written manifests
//! validate clean; each broken manifest of the corpus fails with its message.

mod common;
use common::*;

const GATEWAY_API: [&str; 4] = ["v1.2.1", "v1.3.0", "v1.4.1", "v1.6.1"];
const ISTIO: [&str; 5] = ["1.24", "1.26", "1.27", "1.28", "1.30"];

/// `hubgw validate --gateway-api G --istio I -` on a rendered example.
fn validate_render(rendered: &str, gateway_api: &str, istio: &str) -> Run {
    run(hubgw()
        .args([
            "validate",
            "--verbose",
            "--gateway-api",
            gateway_api,
            "--istio",
            istio,
            "-",
        ])
        .write_stdin(rendered.to_owned()))
}

/// Every example rendered with `extra` flags (say, a target), unchecked.
fn rendered_examples(extra: &[&str]) -> Vec<(String, String)> {
    all_examples()
        .into_iter()
        .map(|name| {
            let rendered =
                hubgw_run(&[&["render", "--no-validate", "-f", &example(&name)], extra].concat());
            assert_eq!(rendered.code, 0, "{}", rendered.stderr);
            (name, rendered.stdout)
        })
        .collect()
}

fn assert_clean(r: &Run, what: &str) {
    assert_eq!(r.code, 0, "{what}: {}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.ends_with(" objects, 0 errors\n"), "{}", r.stderr);
    // No CEL rule of a shipped example goes unevaluated.
    assert!(
        r.stderr.contains(" evaluated, 0 not evaluated,"),
        "{what}: {}",
        r.stderr
    );
}

/// The default output applies unchanged on every supported target.
#[test]
fn the_default_output_validates_on_every_target() {
    for (name, rendered) in rendered_examples(&[]) {
        for g in GATEWAY_API {
            for i in ISTIO {
                let r = validate_render(&rendered, g, i);
                assert_clean(&r, &format!("{name} {g} {i}"));
            }
        }
    }
}

/// Output rendered for a target validates against that target's CRDs.
#[test]
fn every_example_rendered_for_a_target_validates_on_it() {
    let mut targets: Vec<(&str, &str)> = GATEWAY_API.iter().map(|g| (*g, ISTIO[0])).collect();
    targets.extend(ISTIO[1..].iter().map(|i| (GATEWAY_API[0], *i)));
    targets.push(("v1.6.1", "1.30"));
    for (g, i) in targets {
        let set_g = format!("target.gatewayAPI={g}");
        let set_i = format!("target.istio={i}");
        for (name, rendered) in rendered_examples(&["--set", &set_g, "--set", &set_i]) {
            let r = validate_render(&rendered, g, i);
            assert_clean(&r, &format!("{name} {g} {i}"));
        }
    }
}

/// Rule names (rendered for v1.4.1) against v1.2.1 and v1.3.0: the only
/// findings, and the message says where the field first appears.
#[test]
fn older_bundles_refuse_rule_names_and_say_where_they_appear() {
    for (name, rendered) in rendered_examples(&["--set", "target.gatewayAPI=v1.4.1"]) {
        for (g, i) in [("v1.2.1", "1.24"), ("v1.2.1", "1.30"), ("v1.3.0", "1.27")] {
            let r = validate_render(&rendered, g, i);
            let has_route = rendered.contains("\nkind: HTTPRoute\n");
            assert_eq!(r.code, i32::from(has_route), "{name} {g} {i}: {}", r.stderr);
            assert!(
                r.stderr.contains(" evaluated, 0 not evaluated,"),
                "{name} {g} {i}: {}",
                r.stderr
            );
            for line in r.stdout.lines() {
                let (_, finding) = line
                    .split_once(" HTTPRoute/")
                    .unwrap_or_else(|| panic!("{name} {g} {i}: not an HTTPRoute finding: {line}"));
                assert!(
                    finding.contains(": spec.rules[")
                        && finding.contains("].name: error[HG019]: unknown field \"spec.rules[")
                        && finding.ends_with(&format!(
                            "].name\": the HTTPRoute CRD of Gateway API {g} has no such field (it first appears in v1.4.1)"
                        )),
                    "{name} {g} {i}: {line}"
                );
            }
        }
    }
    let rendered = hubgw_run(&[
        "render",
        "-f",
        &example("east-west.yaml"),
        "--set",
        "target.gatewayAPI=v1.4.1",
    ])
    .stdout;
    let human = run(hubgw()
        .args(["validate", "--format", "human", "-"])
        .write_stdin(rendered));
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("= help: target Gateway API v1.4.1 or newer (`--gateway-api v1.4.1`), or leave the field out"),
        "{}",
        human.stdout
    );
}

#[test]
fn the_default_target_is_the_oldest() {
    let rendered = hubgw_run(&[
        "render",
        "-f",
        &example("east-west.yaml"),
        "--set",
        "target.gatewayAPI=v1.6.1",
    ])
    .stdout;
    let default = run(hubgw()
        .args(["validate", "-"])
        .write_stdin(rendered.clone()));
    let oldest = validate_render(&rendered, "v1.2.1", "1.24");
    assert_eq!(default.stdout, oldest.stdout);
    assert!(default
        .stdout
        .contains("Gateway API v1.2.1 has no such field"));
}

#[test]
fn an_unsupported_version_is_a_usage_error_listing_the_supported_ones() {
    let err = fails(&["validate", "--gateway-api", "v1.5.0", "-"], 2);
    assert!(
        err.starts_with("error: unsupported Gateway API version `v1.5.0` for --gateway-api"),
        "{err}"
    );
    assert!(err.contains(&GATEWAY_API.join(", ")), "{err}");
    let err = fails(&["validate", "--istio", "1.25", "-"], 2);
    assert!(
        err.contains("unsupported Istio version `1.25` for --istio"),
        "{err}"
    );
    assert!(err.contains(&ISTIO.join(", ")), "{err}");
}

/// A temporary folder, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("hubgw-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The CRDs of Gateway API v1.6.1, as a cluster would serve them.
fn gateway_api_crds(dir: &TempDir) {
    for kind in [
        "gatewayclasses",
        "gateways",
        "httproutes",
        "referencegrants",
    ] {
        std::fs::copy(
            repo(&format!("crds/gateway-api-v1.6.1_{kind}.yaml")),
            dir.path(&format!("{kind}.yaml")),
        )
        .unwrap();
    }
}

#[test]
fn crds_from_a_folder_win_over_the_target() {
    let dir = TempDir::new("crds-folder");
    gateway_api_crds(&dir);
    let rendered = hubgw_run(&[
        "render",
        "-f",
        &example("east-west.yaml"),
        "--set",
        "target.gatewayAPI=v1.6.1",
    ])
    .stdout;
    // The default target (v1.2.1) lacks rule names; the cluster's v1.6.1 CRDs have them,
    // and Istio and Route objects fall back to the embedded CRDs.
    let r = run(hubgw()
        .args([
            "validate",
            "--verbose",
            "--crds",
            &dir.0.to_string_lossy(),
            "-",
        ])
        .write_stdin(rendered));
    assert_clean(&r, "east-west on a folder of CRDs");
    assert!(r.stderr.ends_with("13 objects, 0 errors\n"), "{}", r.stderr);
}

#[test]
fn crds_from_an_oc_get_crd_list() {
    let dir = TempDir::new("crds-list");
    // `oc get crd -o yaml`: a List of the CRDs.
    let crd: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(repo("crds/gateway-api-v1.4.1_httproutes.yaml")).unwrap(),
    )
    .unwrap();
    let list = serde_yaml::to_string(&serde_yaml::Value::Mapping(
        [
            ("apiVersion".into(), "v1".into()),
            ("kind".into(), "List".into()),
            ("items".into(), serde_yaml::Value::Sequence(vec![crd])),
        ]
        .into_iter()
        .collect(),
    ))
    .unwrap();
    let file = dir.path("cluster-crds.yaml");
    std::fs::write(&file, list).unwrap();
    let rendered = hubgw_run(&["render", "-f", &example("east-west.yaml")]).stdout;
    let r = run(hubgw()
        .args(["validate", "--crds", &file, "-"])
        .write_stdin(rendered));
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
}

/// A cluster's CRD of a kind hubgw has no type for, with a CEL rule.
const WIDGET_CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              replicas: {type: integer}
              maxReplicas: {type: integer}
            x-kubernetes-validations:
            - rule: self.replicas <= self.maxReplicas
              message: replicas must not exceed maxReplicas
";

#[test]
fn cel_rules_of_cluster_crds_are_evaluated() {
    let dir = TempDir::new("crds-cel");
    let file = dir.path("widgets.yaml");
    std::fs::write(&file, WIDGET_CRD).unwrap();
    let widget = |replicas: u32| {
        format!("apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w, namespace: n}}\nspec: {{replicas: {replicas}, maxReplicas: 3}}\n")
    };
    let r = run(hubgw()
        .args(["validate", "--verbose", "--crds", &file, "-"])
        .write_stdin(widget(5)));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        "<stdin>:4:1 Widget/w: spec: replicas must not exceed maxReplicas\n"
    );
    assert!(r.stderr.contains("CEL rules: 1 evaluated"), "{}", r.stderr);
    let r = run(hubgw()
        .args(["validate", "--crds", &file, "-"])
        .write_stdin(widget(2)));
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    // Without --crds hubgw knows no Widget.
    let r = run(hubgw().args(["validate", "-"]).write_stdin(widget(2)));
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("unknown kind Widget"), "{}", r.stdout);
}

#[test]
fn a_bad_crd_file_is_named() {
    let dir = TempDir::new("crds-bad");
    let file = dir.path("not-crds.yaml");
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n",
    )
    .unwrap();
    let err = fails(&["validate", "--crds", &file, "-"], 1);
    assert!(
        err.starts_with(&format!(
            "error: CRD file `{file}`: document 0 is a Service, not a CustomResourceDefinition"
        )),
        "{err}"
    );
}

#[test]
fn east_west_summary_counts_objects() {
    let rendered = hubgw_run(&["render", "-f", &example("east-west.yaml")]);
    let r = run(hubgw().args(["validate"]).write_stdin(rendered.stdout));
    assert_eq!((r.code, r.stderr.as_str()), (0, "13 objects, 0 errors\n"));
}

#[test]
fn hand_written_httproutes_from_the_docs_validate_clean() {
    let r = hubgw_run(&[
        "validate",
        "tests/fixtures/valid/gateway-api-docs-httproute.yaml",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stderr, "2 objects, 0 errors\n");
}

/// Istio's kinds hubgw does not render are checked by their schema and CEL
/// rules: an AuthorizationPolicy bound to a waypoint, say (lint HG018).
#[test]
fn istio_security_kinds_are_checked_by_schema_and_cel() {
    let good = "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ap\n  namespace: ns\nspec:\n  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: ns-waypoint\n  action: ALLOW\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: ns\nspec:\n  mtls:\n    mode: STRICT\n";
    let r = run(hubgw().args(["validate", "-"]).write_stdin(good));
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, "2 objects, 0 errors\n"),
        "{}",
        r.stdout
    );
    let bad = good
        .replace(
            "  action: ALLOW\n",
            "  selector:\n    matchLabels:\n      app: web\n  action: ALLOWS\n",
        )
        .replace("mode: STRICT", "mode: SOMETIMES");
    let r = run(hubgw().args(["validate", "-"]).write_stdin(bad));
    assert_eq!(r.code, 1, "{}", r.stderr);
    for expected in [
        "<stdin>:6:1 AuthorizationPolicy/ap: spec: only one of targetRefs or selector can be set",
        "AuthorizationPolicy/ap: spec.action: Unsupported value: \"ALLOWS\"",
        "PeerAuthentication/default: spec.mtls.mode: Unsupported value: \"SOMETIMES\"",
    ] {
        assert!(r.stdout.contains(expected), "{expected}\n{}", r.stdout);
    }
}

/// Objects a v1.32 API server accepts, each of a shape the core rules once
/// refused: RBAC names with `:`, an uppercase annotation key, a headless
/// Service, a defaulted and a named targetPort, a selector of expressions.
#[test]
fn core_objects_the_api_server_accepts_validate_clean() {
    let r = hubgw_run(&[
        "validate",
        "tests/fixtures/valid/core-kinds-the-api-server-accepts.yaml",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stderr, "4 objects, 0 errors\n");
}

/// The corpus: each file's first line says `# expect: <text>`, which must
/// appear in one of the problem lines for that file.
#[test]
fn every_broken_manifest_fails_with_its_message() {
    let dir = repo("tests/fixtures/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 25, "the corpus has {} cases", files.len());
    let mut all = String::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} lacks `# expect:`", path.display()));
        let rel = format!(
            "tests/fixtures/invalid/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        // The CRDs the corpus was written against.
        let r = hubgw_run(&[
            "validate",
            "--gateway-api",
            "v1.6.1",
            "--istio",
            "1.30",
            &rel,
        ]);
        assert_eq!(r.code, 1, "{rel} must fail:\n{}{}", r.stdout, r.stderr);
        assert!(
            r.stdout
                .lines()
                .any(|l| l.starts_with(&format!("{rel}:")) && l.contains(expect)),
            "{rel}: expected a line containing {expect:?}, got:\n{}",
            r.stdout
        );
        assert!(r.stderr.contains("1 object, "), "{}", r.stderr);
        all.push_str(&r.stdout);
    }
    snapshot!("validate-corpus", all);
}

#[test]
fn several_files_and_stdin_together() {
    let good =
        std::fs::read_to_string(repo("tests/fixtures/valid/gateway-api-docs-httproute.yaml"))
            .unwrap();
    let r = run(hubgw()
        .args([
            "validate",
            "tests/fixtures/invalid/route-bad-termination.yaml",
            "-",
        ])
        .write_stdin(good));
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "tests/fixtures/invalid/route-bad-termination.yaml:16:5 Route/hub-gateway: spec.tls.termination: Unsupported value: \"edgy\": supported values: \"edge\", \"reencrypt\", \"passthrough\"\n"
    );
    assert_eq!(r.stderr, "3 objects, 1 error\n");
}

#[test]
fn unknown_kinds_can_be_skipped() {
    let r = hubgw_run(&[
        "validate",
        "--allow-unknown-kinds",
        "tests/fixtures/invalid/unknown-kind.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.stderr, "1 object, 0 errors, 1 of unknown kinds skipped\n");
}

#[test]
fn verbose_counts_cel_rules() {
    let rendered = hubgw_run(&["render", "-f", &example("east-west.yaml")]);
    let r = run(hubgw()
        .args([
            "validate",
            "--verbose",
            "--gateway-api",
            "v1.6.1",
            "--istio",
            "1.30",
            "-",
        ])
        .write_stdin(rendered.stdout));
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("CEL rules: 152 evaluated, 0 not evaluated, 0 transition rules skipped"),
        "{}",
        r.stderr
    );
}

#[test]
fn malformed_stream_is_an_error_with_location() {
    let bad = TempFile::new("bad-stream.yaml", "apiVersion: v1\nkind: [\n");
    let err = fails(&["validate", bad.arg()], 1);
    assert!(err.contains("invalid YAML"), "{err}");
    assert!(err.contains("bad-stream.yaml:3:1"), "{err}");
}

#[test]
fn render_refuses_an_object_the_schema_rejects() {
    // The built-in templates only print checked values, so a user template
    // renders the invalid object.
    let dir = std::env::temp_dir().join(format!("hubgw-invalid-tmpl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("00-svc.yaml"),
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{ plan.gateways[0].meta.name }}\nspec:\n  type: ExternalName\n  externalName: bad_host\n",
    )
    .unwrap();
    let err = fails(
        &[
            "render",
            "-f",
            &example("east-west.yaml"),
            "--templates",
            dir.to_str().unwrap(),
        ],
        1,
    );
    assert!(err.starts_with("error: the rendered objects have 3 errors:\n  00-svc.yaml:0 Service/hub-gateway: spec.externalName: Invalid value: \"bad_host\""), "{err}");
    let r = hubgw_run(&[
        "render",
        "--no-validate",
        "-f",
        &example("east-west.yaml"),
        "--templates",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "--no-validate renders it anyway");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn crd_defaults_apply_before_the_typed_check() {
    // The Route CRD defaults spec.to.kind; the typed struct requires it.
    let r = hubgw_run(&[
        "validate",
        "tests/fixtures/valid/route-relying-on-defaults.yaml",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "", "1 object, 0 errors\n")
    );
}

/// A file `validate` cannot read is named as what it was meant to be: a manifest file.
#[test]
fn unreadable_streams_are_named_manifest_files() {
    let missing = fails(&["validate", "missing.yaml"], 1);
    assert_eq!(
        missing,
        "error: cannot read manifest file `missing.yaml`: No such file or directory\n  \
         = help: check the path; it is relative to the current directory\n"
    );
    // Folders are walked now: tests/validate_inputs.rs covers them.
}

/// `hubgw validate ARGS -` on `stream`.
fn validate_stdin(args: &[&str], stream: &str) -> Run {
    run(hubgw()
        .args([&["validate"], args, &["-"]].concat())
        .write_stdin(stream.to_owned()))
}

/// A failing run names the object and path in every format, with a hint.
fn assert_refused(stream: &str, object: &str, path: &str, expect: &str) {
    let json = validate_stdin(&["--format", "json"], stream);
    assert_eq!(json.code, 1);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("no {path} in {}", json.stdout));
    // Every format places it on the field (or its nearest written parent).
    let at = &d["location"];
    assert_eq!(at["file"], "<stdin>", "{d}");
    let place = format!("<stdin>:{}:{}", at["line"], at["column"]);
    let r = validate_stdin(&[], stream);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let line = format!("{place} {object}: {path}: ");
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with(&line) && l.contains(expect)),
        "expected {line}...{expect}, got:\n{}",
        r.stdout
    );
    assert!(d["message"].as_str().unwrap().contains(expect), "{d}");
    assert!(d["help"].is_string(), "a hint: {d}");
    let (kind, name) = object.split_once('/').unwrap();
    assert_eq!(
        (d["object"]["kind"].as_str(), d["object"]["name"].as_str()),
        (Some(kind), Some(name))
    );
    let github = validate_stdin(&["--format", "github"], stream);
    assert_eq!(github.code, 1);
    assert!(
        github.stdout.lines().any(|l| l.starts_with(&format!(
            "::error file=<stdin>,line={},col={},",
            at["line"], at["column"]
        )) && l.contains(path)
            && l.contains("help: ")),
        "{}",
        github.stdout
    );
}

fn assert_accepted(stream: &str) {
    let r = validate_stdin(&[], stream);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
}

#[test]
fn hubgws_own_json_list_validates() {
    for name in ["east-west.yaml", "istio-api.yaml"] {
        let rendered = hubgw_run(&["render", "-f", &example(name), "-o", "json"]);
        assert_eq!(rendered.code, 0, "{}", rendered.stderr);
        let r = validate_stdin(&[], &rendered.stdout);
        assert_eq!(r.code, 0, "{name}: {}{}", r.stdout, r.stderr);
        let yaml = hubgw_run(&["render", "-f", &example(name)]);
        // The List counts its items, as the YAML stream counts its documents.
        let count = validate_stdin(&[], &yaml.stdout).stderr;
        assert_eq!(r.stderr, count);
        assert!(!r.stderr.starts_with("1 object"), "{}", r.stderr);
    }
}

const LIST_WITH_BAD_SERVICE: &str = r#"{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}},
  {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc", "namespace": "hub"},
   "spec": {"ports": [{"port": 70000}]}}
]}"#;

#[test]
fn unknown_kinds_never_hide_a_list_item_of_a_known_kind() {
    let r = validate_stdin(&["--allow-unknown-kinds"], LIST_WITH_BAD_SERVICE);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        "<stdin>:4:24 Service/svc: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n"
    );
    assert_eq!(r.stderr, "2 objects, 1 error, 1 of unknown kinds skipped\n");
    // kubectl's YAML List, and a typed list whose items lack apiVersion/kind.
    let good = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: svc}\n  spec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: ServiceList\nitems:\n- metadata: {name: other}\n  spec: {ports: [{port: 443}]}\n";
    let r = validate_stdin(&[], good);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stderr, "2 objects, 0 errors\n");
    let err = run(hubgw()
        .args(["validate", "-"])
        .write_stdin("apiVersion: v1\nkind: List\nitems: {a: 1}\n"));
    assert_eq!(err.code, 1);
    assert_eq!(err.stdout, "");
    assert!(
        err.stderr.contains("`items` is not a list"),
        "{}",
        err.stderr
    );
}

const ISTIO_VS: &str = "kind: VirtualService
metadata: {name: vs, namespace: hub}
spec:
  hosts: [app.example.com]
  gateways: [hub/gw]
  http:
  - route:
    - destination: {host: app.hub.svc.cluster.local}
";

#[test]
fn every_served_istio_version_is_validated_by_its_schema() {
    for version in ["v1", "v1beta1", "v1alpha3"] {
        for istio in ISTIO {
            let stream = format!("apiVersion: networking.istio.io/{version}\n{ISTIO_VS}");
            let r = validate_stdin(&["--istio", istio], &stream);
            assert_eq!(r.code, 0, "{version} on {istio}: {}{}", r.stdout, r.stderr);
            // The schema of that version, and the typed check, see a typo.
            let bad = stream.replace("  http:", "  htp: []\n  http:");
            let r = validate_stdin(&["--istio", istio], &bad);
            assert_eq!(r.code, 1, "{version}: {}", r.stdout);
            assert!(
                r.stdout.contains("VirtualService/vs: spec.htp: "),
                "{}",
                r.stdout
            );
        }
    }
    let r = validate_stdin(
        &[],
        &format!("apiVersion: networking.istio.io/v2\n{ISTIO_VS}"),
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("unknown kind VirtualService"),
        "{}",
        r.stdout
    );
}

// Istio's webhook, istio pkg/config/validation/validation.go at 1.24.6
// (ValidateGateway, validateServer, ValidateVirtualService,
// validateStringMatchRegexp) and virtualservice.go
// (validateHTTPRouteMatchRequest).
const ISTIO_GW: &str = "apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: hub}
spec:
  selector: {istio: ingressgateway}
";

#[test]
fn istio_gateway_without_servers_is_refused() {
    assert_refused(
        ISTIO_GW,
        "Gateway/gw",
        "spec.servers",
        "gateway must have at least one server",
    );
    let no_hosts =
        format!("{ISTIO_GW}  servers:\n  - port: {{number: 80, name: http, protocol: HTTP}}\n");
    assert_refused(
        &no_hosts,
        "Gateway/gw",
        "spec.servers[0].hosts",
        "Required value",
    );
    assert_accepted(&format!("{no_hosts}    hosts: ['*.example.com']\n"));
}

#[test]
fn istio_virtual_service_without_hosts_is_refused() {
    let stream = format!("apiVersion: networking.istio.io/v1\n{ISTIO_VS}")
        .replace("  hosts: [app.example.com]\n", "");
    assert_refused(
        &stream,
        "VirtualService/vs",
        "spec.hosts",
        "must have no gateways specified",
    );
    // A delegate (no hosts, no gateways) is accepted, as the webhook does.
    assert_accepted(&stream.replace("  gateways: [hub/gw]\n", ""));
    let mesh_star = format!("apiVersion: networking.istio.io/v1\n{ISTIO_VS}").replace(
        "  hosts: [app.example.com]\n  gateways: [hub/gw]\n",
        "  hosts: ['*']\n",
    );
    assert_refused(
        &mesh_star,
        "VirtualService/vs",
        "spec.hosts[0]",
        "wildcard host * is not allowed",
    );
    let no_route = format!(
        "apiVersion: networking.istio.io/v1\n{}",
        &ISTIO_VS[..ISTIO_VS.find("  http:").unwrap()]
    );
    assert_refused(
        &no_route,
        "VirtualService/vs",
        "spec",
        "http, tcp or tls must be provided",
    );
}

#[test]
fn istio_regexes_must_be_re2() {
    let with = |re: &str| {
        format!("apiVersion: networking.istio.io/v1\n{ISTIO_VS}")
            .replace("  - route:", &format!("  - match:\n    - uri: {{regex: '{re}'}}\n      headers: {{x-v: {{regex: 'v[0-9]+'}}}}\n    route:"))
    };
    assert_refused(
        &with("/(?!admin).*"),
        "VirtualService/vs",
        "spec.http[0].match[0].uri.regex",
        "look-around",
    );
    assert_refused(
        &with("/(a)\\1"),
        "VirtualService/vs",
        "spec.http[0].match[0].uri.regex",
        "backreferences",
    );
    assert_accepted(&with("/api/v[0-9]+/.*"));
}

// The API server, kubernetes v1.32: pkg/apis/apps/validation/validation.go
// (ValidateDeploymentSpec), pkg/apis/core/validation/validation.go
// (validateContainerPorts), pkg/apis/rbac/validation/validation.go
// (ValidatePolicyRule).
const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: hub}
spec:
  replicas: 2
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers:
      - name: c
        image: auto
        ports: [{containerPort: 8080}]
";

#[test]
fn negative_replicas_and_bad_container_ports_are_refused() {
    assert_refused(
        &DEPLOYMENT.replace("replicas: 2", "replicas: -1"),
        "Deployment/d",
        "spec.replicas",
        "must be greater than or equal to 0",
    );
    assert_refused(
        &DEPLOYMENT.replace("8080", "70000"),
        "Deployment/d",
        "spec.template.spec.containers[0].ports[0].containerPort",
        "must be between 1 and 65535",
    );
    // The Service port rule (validateServicePort) predates hints.
    let r = validate_stdin(
        &[],
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 0}]}\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "<stdin>:4:17 Service/s: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n"
    );
    assert_accepted(DEPLOYMENT);
    assert_accepted(&DEPLOYMENT.replace("replicas: 2", "replicas: 0"));
}

#[test]
fn rbac_rules_without_verbs_are_refused() {
    let role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: hub}\nrules:\n- apiGroups: ['']\n  resources: [services]\n";
    assert_refused(
        role,
        "Role/r",
        "rules[0].verbs",
        "verbs must contain at least one value",
    );
    let cluster = role
        .replace("kind: Role", "kind: ClusterRole")
        .replace(", namespace: hub", "");
    assert_refused(
        &cluster,
        "ClusterRole/r",
        "rules[0].verbs",
        "verbs must contain at least one value",
    );
    assert_accepted(&format!("{role}  verbs: [get, list]\n"));
    assert_accepted(&format!(
        "{cluster}  verbs: [get]\n- nonResourceURLs: [/healthz]\n  verbs: [get]\n"
    ));
}

/// The Gateway API kinds hubgw does not render, checked by the embedded CRD
/// schemas (and CEL) of the target bundle: standard channel where the
/// release ships them there, else experimental (crds/README.md).
#[test]
fn other_gateway_api_kinds_are_validated_by_the_targets_crds() {
    let grpc = "apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: g, namespace: hub}\nspec:\n  parentRefs: [{name: hub-gateway}]\n  rules:\n  - matches:\n    - method: {type: Exact, service: pkg.Svc}\n    backendRefs: [{name: svc, port: 9000}]\n";
    let tls = |v: &str| {
        format!("apiVersion: gateway.networking.k8s.io/{v}\nkind: TLSRoute\nmetadata: {{name: t, namespace: hub}}\nspec:\n  parentRefs: [{{name: hub-gateway}}]\n  hostnames: [a.example.com]\n  rules:\n  - backendRefs: [{{name: svc, port: 443}}]\n")
    };
    let tcp = "apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TCPRoute\nmetadata: {name: c, namespace: hub}\nspec:\n  parentRefs: [{name: hub-gateway}]\n  rules:\n  - backendRefs: [{name: svc, port: 5432}]\n";
    let udp = tcp.replace("TCPRoute", "UDPRoute").replace("5432", "53");
    let policy = |v: &str| {
        format!("apiVersion: gateway.networking.k8s.io/{v}\nkind: BackendTLSPolicy\nmetadata: {{name: b, namespace: hub}}\nspec:\n  targetRefs: [{{group: '', kind: Service, name: svc}}]\n  validation:\n    hostname: svc.example.com\n    wellKnownCACertificates: System\n")
    };
    let listeners = "  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n";
    let xls = format!("apiVersion: gateway.networking.x-k8s.io/v1alpha1\nkind: XListenerSet\nmetadata: {{name: l, namespace: hub}}\nspec:\n  parentRef: {{name: hub-gateway}}\n{listeners}");
    let ls = format!("apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata: {{name: l, namespace: hub}}\nspec:\n  parentRef: {{name: hub-gateway}}\n{listeners}");
    let good: &[(&str, Vec<String>)] = &[
        (
            "v1.2.1",
            vec![
                grpc.into(),
                tls("v1alpha2"),
                tcp.into(),
                udp.clone(),
                policy("v1alpha3"),
            ],
        ),
        (
            "v1.3.0",
            vec![
                grpc.into(),
                tls("v1alpha2"),
                tcp.into(),
                udp.clone(),
                policy("v1alpha3"),
                xls.clone(),
            ],
        ),
        (
            "v1.4.1",
            vec![
                grpc.into(),
                tls("v1alpha2"),
                tcp.into(),
                udp.clone(),
                policy("v1"),
                xls.clone(),
            ],
        ),
        (
            "v1.6.1",
            vec![grpc.into(), tls("v1"), policy("v1"), ls.clone()],
        ),
    ];
    for (bundle, streams) in good {
        for stream in streams {
            let r = validate_stdin(&["--gateway-api", bundle], stream);
            assert_eq!(r.code, 0, "{bundle}: {stream}\n{}{}", r.stdout, r.stderr);
        }
    }
    // CEL of the GRPCRoute CRD: a method match names a service or a method.
    let bad = grpc.replace(", service: pkg.Svc", "");
    let r = validate_stdin(&["--gateway-api", "v1.6.1"], &bad);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "<stdin>:8:7 GRPCRoute/g: spec.rules[0].matches[0].method: One or both of 'service' or 'method' must be specified\n");
    let bad = policy("v1").replace("    wellKnownCACertificates: System\n", "");
    let r = validate_stdin(&["--gateway-api", "v1.4.1"], &bad);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("BackendTLSPolicy/b: spec.validation: must specify either CACertificateRefs or WellKnownCACertificates"), "{}", r.stdout);
    // A kind the target does not serve names the releases that do, even
    // with --allow-unknown-kinds.
    let r = validate_stdin(&["--allow-unknown-kinds", "--gateway-api", "v1.4.1"], &ls);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "<stdin>:1:1 ListenerSet/l: ListenerSet in apiVersion gateway.networking.k8s.io/v1 is not served by the target's CRDs (Gateway API v1.4.1, Istio 1.24); Gateway API v1.6.1 serves it\n");
    let json = validate_stdin(&["--format", "json", "--gateway-api", "v1.6.1"], &xls);
    assert_eq!(json.code, 1);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let d = &report["diagnostics"][0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("Gateway API v1.3.0, v1.4.1 serve it"),
        "{d}"
    );
    assert_eq!(d["help"], "validate against a release that serves it (`--gateway-api v1.4.1`), or change apiVersion to a version the target serves");
}

#[test]
fn gateway_api_v1beta1_kinds_are_typed_and_schema_checked() {
    let route = "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: HTTPRoute\nmetadata: {name: r, namespace: hub}\nspec:\n  parentRefs: [{name: hub-gateway}]\n  rules:\n  - backendRefs: [{name: svc, port: 80}]\n";
    assert_accepted(route);
    let r = validate_stdin(&[], &route.replace("backendRefs", "backendRef"));
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("HTTPRoute/r: spec.rules[0].backendRef: "),
        "{}",
        r.stdout
    );
}

/// The reports point at the line where the object's document starts and,
/// per diagnostic, at the field itself: a missing field at its nearest
/// written parent (here the rule that lacks `verbs`).
#[test]
fn github_and_json_reports_name_the_documents_line() {
    let stream = format!(
        "---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: hub}}\n---\n# the role\n{}",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: hub}\nrules:\n- apiGroups: ['']\n  resources: [services]\n"
    );
    let file = TempFile::new("two-docs.yaml", &stream);
    let r = hubgw_run(&["validate", "--format", "github", file.arg()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.starts_with(&format!(
            "::error file={},line=11,col=3,title=schema::",
            file.arg()
        )),
        "{}",
        r.stdout
    );
    let r = hubgw_run(&["validate", "--format", "json", file.arg()]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let d = &report["diagnostics"][0];
    assert_eq!(d["object"]["line"], 7);
    assert_eq!(d["object"]["index"], 1);
    assert_eq!(d["path"], "rules[0].verbs");
    assert_eq!(
        (&d["location"]["line"], &d["location"]["column"]),
        (&11.into(), &3.into())
    );
}

/// A stream whose later documents repeat paths of earlier ones: each
/// problem is placed on its own document's field, in every format.
const PLACED: &str = "\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: good, namespace: hub}
spec:
  parentRefs: [{name: hub-gateway}]
  rules:
    - backendRefs:
        - {name: svc, port: 80}
        - {name: svc, port: 81}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: bad
  namespace: hub
  labels:
    app.kubernetes.io/name: -bad-
spec:
  parentRefs:
    - sectionName: http
  rules:
    - backendRefs:
        - {name: svc, port: 80}
        - name: svc
          port: 70000
---
apiVersion: v1
kind: Service
metadata: {name: svc, namespace: hub}
spec:
  ports:
    - {name: http, port: 80}
    - name: big
      port: 0
";

#[test]
fn each_problem_is_placed_on_its_field() {
    let file = TempFile::new("placed.yaml", PLACED);
    let f = file.arg();
    let r = hubgw_run(&["validate", f]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    // (place, object and path) of each problem, in the order printed.
    let expected = [
        (
            "25:11",
            "HTTPRoute/bad: spec.rules[0].backendRefs[1].port: Invalid value: 70000",
        ),
        // A missing required field: its list item, at its first key.
        (
            "20:7",
            "HTTPRoute/bad: spec.parentRefs[0].name: Required value",
        ),
        // A label key holding dots and a slash.
        (
            "17:5",
            "HTTPRoute/bad: metadata.labels.app.kubernetes.io/name: Invalid value: \"-bad-\"",
        ),
        ("34:7", "Service/svc: spec.ports[1].port: Invalid value: 0"),
    ];
    for (place, what) in expected {
        let head = format!("{f}:{place} {what}");
        assert!(
            lines.iter().any(|l| l.starts_with(&head)),
            "expected {head}..., got:\n{}",
            r.stdout
        );
    }
    assert_eq!(lines.len(), expected.len(), "{}", r.stdout);

    let r = hubgw_run(&["validate", "--format", "json", f]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let placed: Vec<(String, String, u64, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["object"]["name"].as_str().unwrap().to_owned(),
                d["path"].as_str().unwrap().to_owned(),
                d["object"]["line"].as_u64().unwrap(),
                d["location"]["line"].as_u64().unwrap(),
                d["location"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let port = (
        "bad".to_owned(),
        "spec.rules[0].backendRefs[1].port".to_owned(),
        11,
        25,
        11,
    );
    assert!(placed.contains(&port), "{placed:?}");
    let svc = ("svc".to_owned(), "spec.ports[1].port".to_owned(), 27, 34, 7);
    assert!(placed.contains(&svc), "{placed:?}");
    assert!(report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["location"]["file"] == f));

    let r = hubgw_run(&["validate", "--format", "github", f]);
    assert!(
        r.stdout.lines().any(|l| l
            .starts_with(&format!("::error file={f},line=25,col=11,title=schema::"))
            && l.contains("backendRefs[1].port")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.lines().any(|l| l
            .starts_with(&format!("::error file={f},line=20,col=7,title=schema::"))
            && l.contains("parentRefs[0].name")),
        "{}",
        r.stdout
    );

    // JUnit and TAP carry the place in their messages.
    let r = hubgw_run(&["validate", "--format", "junit", f]);
    assert!(
        r.stdout.contains(&format!(
            "{f}:25:11 HTTPRoute/bad: spec.rules[0].backendRefs[1].port"
        )),
        "{}",
        r.stdout
    );
    let r = hubgw_run(&["validate", "--format", "tap", f]);
    assert!(
        r.stdout
            .contains("spec.rules[0].backendRefs[1].port at 25:11: Invalid value: 70000"),
        "{}",
        r.stdout
    );

    // The snippet under the message shows the field's line.
    let r = hubgw_run(&["validate", "--format", "human", f]);
    assert!(
        r.stdout.contains(&format!(
            "  --> {f}:25:11\n   |\n25 |           port: 70000\n   |           ^^^^\n"
        )),
        "{}",
        r.stdout
    );
}

/// An item of a List nested in a List is placed on its own field.
#[test]
fn nested_list_items_are_placed_on_their_fields() {
    let stream = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: s}\n    spec:\n      ports:\n      - port: 0\n";
    let r = validate_stdin(&[], stream);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        "<stdin>:15:9 Service/s: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n"
    );
}

/// `hubgw render -o json | hubgw validate -`: an item of a List is placed
/// on its own field in the JSON text.
#[test]
fn list_items_are_placed_on_their_fields() {
    let rendered = hubgw_run(&["render", "-o", "json", "-f", &example("east-west.yaml")]);
    assert_eq!(rendered.code, 0, "{}", rendered.stderr);
    assert!(
        rendered.stdout.contains("\"port\": 8080"),
        "a listener on 8080"
    );
    let broken = rendered
        .stdout
        .replacen("\"port\": 8080", "\"port\": 70000", 1);
    let line = broken
        .lines()
        .position(|l| l.contains("\"port\": 70000"))
        .unwrap()
        + 1;
    let column = broken
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("\"port\"")
        .unwrap()
        + 1;
    let r = validate_stdin(&["--format", "github"], &broken);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .starts_with(&format!("::error file=<stdin>,line={line},col={column},")),
        "expected line {line} col {column}:\n{}",
        r.stdout
    );
}

// istio validation.go at 1.24.6: validateHTTPRouteDestinations, ValidateServiceEntry
// (whose `*` refusal the CRD's CEL rule also makes: its wording is kept, with our hint).
#[test]
fn istio_unweighted_destinations_and_star_service_entries_are_refused() {
    let two = format!("apiVersion: networking.istio.io/v1\n{ISTIO_VS}")
        .replace("    - destination: {host: app.hub.svc.cluster.local}\n", "    - destination: {host: a.hub.svc.cluster.local}\n    - destination: {host: b.hub.svc.cluster.local}\n");
    assert_refused(
        &two,
        "VirtualService/vs",
        "spec.http[0].route",
        "total destination weight = 0",
    );
    assert_accepted(&two.replace(
        "b.hub.svc.cluster.local}\n",
        "b.hub.svc.cluster.local}\n      weight: 10\n",
    ));
    let se = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se, namespace: hub}\nspec:\n  hosts: ['*']\n  location: MESH_EXTERNAL\n  resolution: DNS\n  ports: [{number: 80, name: http, protocol: HTTP}]\n";
    assert_refused(
        se,
        "ServiceEntry/se",
        "spec.hosts[0]",
        "hostname cannot be wildcard",
    );
    assert_accepted(&se.replace("'*'", "api.example.com"));
}

#[test]
fn a_raw_deployment_with_a_bad_quantity_or_request_above_limit_is_refused() {
    let deployment = |limits: &str, requests: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: n\nspec:\n  selector:\n    matchLabels: {{app: d}}\n  template:\n    metadata:\n      labels: {{app: d}}\n    spec:\n      containers:\n      - name: c\n        image: i\n        resources:\n          limits: {limits}\n          requests: {requests}\n"
        )
    };
    let r = run(hubgw()
        .args(["validate", "-"])
        .write_stdin(deployment("{cpu: lots}", "{cpu: 100m}")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    // validate prints its findings as its report, on stdout.
    assert!(
        r.stdout.contains(
            "spec.template.spec.containers[0].resources.limits.cpu: Invalid value: \"lots\""
        ),
        "{}",
        r.stdout
    );
    let r = run(hubgw()
        .args(["validate", "-"])
        .write_stdin(deployment("{memory: 1Gi}", "{memory: 2Gi}")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("must be less than or equal to memory limit"),
        "{}",
        r.stdout
    );
    let r = run(hubgw()
        .args(["validate", "-"])
        .write_stdin(deployment("{memory: 1Gi}", "{memory: 1024Mi}")));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_raw_deployment_may_give_quantities_as_numbers() {
    // `cpu: 2` is a JSON number on the wire, which `Quantity.UnmarshalJSON`
    // (apimachinery v0.32.0) parses; a negative one is still refused.
    let deployment = |requests: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d, namespace: ns}}\nspec:\n  selector: {{matchLabels: {{app: d}}}}\n  template:\n    metadata: {{labels: {{app: d}}}}\n    spec:\n      containers:\n      - name: c\n        image: x\n        resources:\n          requests: {requests}\n          limits: {{cpu: 4, memory: 1e3}}\n"
        )
    };
    let good = TempFile::new(
        "numbers-deployment.yaml",
        &deployment("{cpu: 2, memory: 0.5}"),
    );
    let r = hubgw_run(&["validate", good.arg()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let bad = TempFile::new("negative-deployment.yaml", &deployment("{cpu: -2}"));
    let r = hubgw_run(&["validate", bad.arg()]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("spec.template.spec.containers[0].resources.requests.cpu: Invalid value: -2: it is negative"),
        "{}",
        r.stdout
    );
}
