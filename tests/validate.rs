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
        "<stdin>:0 Widget/w: spec: replicas must not exceed maxReplicas\n"
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
                .any(|l| l.starts_with(&format!("{rel}:0 ")) && l.contains(expect)),
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
        "tests/fixtures/invalid/route-bad-termination.yaml:0 Route/hub-gateway: spec.tls.termination: Unsupported value: \"edgy\": supported values: \"edge\", \"reencrypt\", \"passthrough\"\n"
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
    let directory = fails(&["validate", "tests"], 1);
    assert!(
        directory.starts_with("error: cannot read manifest file `tests`: it is a directory\n"),
        "{directory}"
    );
    assert!(directory.contains("or - for standard input"), "{directory}");
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
