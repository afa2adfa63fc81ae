//! `hubgw lint` and the lint rules end to end: each rule trips on its
//! fixture and stays quiet on its passing one; output formats, --strict,
//! --explain, and lint inside render.

mod common;
use common::*;

fn rule_ids() -> Vec<String> {
    let r = hubgw_run(&["lint", "--list-rules"]);
    assert_eq!(r.code, 0);
    r.stdout
        .lines()
        .filter_map(|l| l.strip_prefix("| HG"))
        .map(|l| format!("HG{}", &l[..3]))
        .collect()
}

/// Diagnostics of a fixture: a manifest stream through `validate`, or a
/// values file (name ending in -values.yaml) through `lint`.
fn check_fixture(name: &str) -> Run {
    let path = format!("tests/fixtures/lint/{name}");
    if name.ends_with("-values.yaml") {
        hubgw_run(&["lint", "-f", &path])
    } else if name.starts_with("HG019") {
        // The oldest bundle, which lacks HTTPRoute rule names.
        hubgw_run(&["validate", "--gateway-api", "v1.2.1", &path])
    } else {
        // The CRDs the fixtures were written against (their HTTPRoutes name their rules).
        hubgw_run(&[
            "validate",
            "--gateway-api",
            "v1.6.1",
            "--istio",
            "1.30",
            &path,
        ])
    }
}

#[test]
fn every_rule_has_a_fixture_that_trips_it_and_one_that_passes() {
    let ids = rule_ids();
    assert_eq!(ids.len(), 25, "{ids:?}");
    for id in ids {
        // Rules that need the values: a values file each.
        let (trip, pass) = if ["HG012", "HG027"].contains(&id.as_str()) {
            (
                format!("{id}-trip-values.yaml"),
                format!("{id}-pass-values.yaml"),
            )
        } else {
            (format!("{id}-trip.yaml"), format!("{id}-pass.yaml"))
        };
        let tag = format!("[{id}]");
        let tripped = check_fixture(&trip);
        assert!(
            tripped.stdout.contains(&tag),
            "{trip} must trip {id}:\n{}{}",
            tripped.stdout,
            tripped.stderr
        );
        let passed = check_fixture(&pass);
        assert_eq!(
            passed.code, 0,
            "{pass}:\n{}{}",
            passed.stdout, passed.stderr
        );
        assert!(
            !passed.stdout.contains(&tag),
            "{pass} must not trip {id}:\n{}",
            passed.stdout
        );
    }
}

#[test]
fn errors_exit_1_and_warnings_exit_0_unless_strict() {
    let error = check_fixture("HG003-trip.yaml");
    assert_eq!(error.code, 1);
    let warning = check_fixture("HG005-trip.yaml");
    assert_eq!(warning.code, 0);
    assert!(
        warning
            .stdout
            .contains(": warning[HG005]: maxEjectionPercent is 50"),
        "{}",
        warning.stdout
    );
    let strict = hubgw_run(&[
        "validate",
        "--gateway-api",
        "v1.6.1",
        "--strict",
        "tests/fixtures/lint/HG005-trip.yaml",
    ]);
    assert_eq!(strict.code, 1);
    assert!(
        strict.stdout.contains(": error[HG005]:"),
        "{}",
        strict.stdout
    );
}

#[test]
fn shipped_examples_lint_clean_with_strict() {
    for name in all_examples() {
        let r = hubgw_run(&["lint", "--strict", "-f", &example(&name)]);
        assert_eq!(r.code, 0, "{name}:\n{}{}", r.stdout, r.stderr);
        assert_eq!(r.stdout, "");
        assert!(r.stderr.ends_with("objects, 0 errors\n"), "{}", r.stderr);
    }
}

#[test]
fn human_output_points_into_the_values_file() {
    let r = hubgw_run(&["lint", "-f", "tests/fixtures/lint/HG012-trip-values.yaml"]);
    assert_eq!(r.code, 0);
    snapshot!("lint-human-values-snippet", r.stdout);
    assert!(
        r.stdout
            .contains("--> tests/fixtures/lint/HG012-trip-values.yaml:4:3"),
        "{}",
        r.stdout
    );
    // HG027 too: the custom host has no certificate of its own.
    assert_eq!(r.stderr, "9 objects, 0 errors, 2 warnings\n");
}

#[test]
fn strict_lint_fails_on_warnings_from_values() {
    let warn = [
        "lint",
        "-f",
        "values/examples/east-west.yaml",
        "--set",
        "gateway.circuitBreaking.outlierDetection.maxEjectionPercent=50",
    ];
    assert_eq!(hubgw_run(&warn).code, 0);
    let strict = hubgw_run(&[&warn[..], &["--strict"]].concat());
    assert_eq!(strict.code, 1);
    assert!(strict.stdout.contains("error[HG005]"));
}

#[test]
fn json_format_is_stable() {
    let r = hubgw_run(&[
        "lint",
        "--format",
        "json",
        "-f",
        "tests/fixtures/lint/HG012-trip-values.yaml",
    ]);
    assert_eq!(r.code, 0);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    assert_eq!(report["version"], 1);
    assert_eq!(report["summary"]["warnings"], 2);
    assert_eq!(report["diagnostics"][0]["rule"], "HG012");
    assert_eq!(report["diagnostics"][0]["values"]["line"], 4);
    snapshot!("lint-json", r.stdout);
}

#[test]
fn github_format_annotates_the_values_file() {
    let r = hubgw_run(&[
        "lint",
        "--format",
        "github",
        "-f",
        "tests/fixtures/lint/HG012-trip-values.yaml",
    ]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.starts_with(
            "::warning file=tests/fixtures/lint/HG012-trip-values.yaml,line=4,col=3,title=HG012::"
        ),
        "{}",
        r.stdout
    );
    let stream = hubgw_run(&[
        "validate",
        "--gateway-api",
        "v1.6.1",
        "--format",
        "github",
        "tests/fixtures/lint/HG003-trip.yaml",
    ]);
    assert!(
        stream.stdout.starts_with(
            "::error file=tests/fixtures/lint/HG003-trip.yaml,line=113,col=3,title=HG003::"
        ),
        "{}",
        stream.stdout
    );
}

#[test]
fn explain_prints_the_long_explanation() {
    let r = hubgw_run(&["lint", "--explain", "hg005"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .starts_with("HG005 (warning): maxEjectionPercent below 100"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("single endpoint"));
    let err = fails(&["lint", "--explain", "HG999"], 2);
    assert!(err.contains("no lint rule `HG999`"), "{err}");
}

#[test]
fn readme_lists_every_rule_as_the_code_does() {
    let readme = std::fs::read_to_string(repo("docs/reference.md")).unwrap();
    let start = readme
        .find("<!-- rules:start -->\n")
        .expect("rules:start marker")
        + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("rules:end marker");
    let listed = hubgw_run(&["lint", "--list-rules"]).stdout;
    assert_eq!(
        &readme[start..end],
        listed,
        "regenerate with `hubgw lint --list-rules`"
    );
}

#[test]
fn render_prints_warnings_on_stderr_and_the_stream_on_stdout() {
    let r = hubgw_run(&[
        "render",
        "-f",
        &example("east-west.yaml"),
        "--set",
        "gateway.circuitBreaking.connectionPool.http.h2UpgradePolicy=DEFAULT",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("---\napiVersion: v1\nkind: Namespace"));
    assert_eq!(
        r.stderr.matches("warning[HG006]").count(),
        2,
        "{}",
        r.stderr
    );
}

#[test]
fn render_stops_on_a_lint_error() {
    // A user template that renders a Service twice trips HG014.
    let dir = std::env::temp_dir().join(format!("hubgw-dup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svc =
        "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ plan.namespace.meta.name }}\n";
    std::fs::write(dir.join("00-a.yaml"), svc).unwrap();
    std::fs::write(dir.join("01-b.yaml"), svc).unwrap();
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
    assert!(
        err.contains("01-b.yaml:0 Namespace/hub-gateway-system: metadata.name: error[HG014]"),
        "{err}"
    );
    // A template's output has no lines a user wrote: its document is named.
    assert!(
        err.contains("is also defined at 00-a.yaml, document 0;"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hg026_explains_the_sidecar_only_egress_recipe_and_cites_istio() {
    let r = hubgw_run(&["lint", "--explain", "HG026"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("HG026 (warning): a VirtualService bound to mesh in an ambient namespace"),
        "{}",
        r.stdout
    );
    for cited in [
        "istio.io/latest/docs/ambient/usage/egress-gateway/",
        "istio.io/use-waypoint",
        "no effect",
    ] {
        assert!(r.stdout.contains(cited), "{cited}:\n{}", r.stdout);
    }
    let tripped = check_fixture("HG026-trip.yaml");
    assert_eq!(tripped.code, 0, "a warning:\n{}", tripped.stdout);
    assert!(
        tripped.stdout.contains(
            "warning[HG026]: bound to `mesh`, but namespace `hub-gateway-system` is ambient"
        ),
        "{}",
        tripped.stdout
    );
}

#[test]
fn the_egress_example_renders_clean_of_hg026_in_both_modes() {
    for mode in ["gateway.api=gateway-api", "gateway.api=istio"] {
        let r = hubgw_run(&["render", "-f", "values/examples/egress.yaml", "--set", mode]);
        assert_eq!(r.code, 0, "{mode}:\n{}", r.stderr);
        assert!(!r.stderr.contains("HG026"), "{mode}:\n{}", r.stderr);
        assert_eq!(
            r.stdout.contains("- mesh\n"),
            mode.ends_with("istio"),
            "{mode}: mesh-bound VirtualServices only with sidecars"
        );
    }
}

#[test]
fn target_rules_cite_their_istio_and_gateway_api_sources() {
    for (id, cited) in [
        ("HG017", "releasenotes/notes/external-name-on.yaml"),
        ("HG018", "pilot/pkg/xds/endpoints/endpoint_builder.go"),
        ("HG019", "gateway.networking.k8s.io_httproutes.yaml"),
        ("HG004", "pilot/pkg/networking/core/route/route.go"),
    ] {
        let r = hubgw_run(&["lint", "--explain", id]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.contains(cited),
            "{id} must cite {cited}:\n{}",
            r.stdout
        );
    }
}

#[test]
fn hg018_flags_a_waypoint_policy_the_ingress_path_skips() {
    let stream = std::fs::read_to_string(repo("tests/fixtures/lint/HG018-pass.yaml")).unwrap();
    let policy = "---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: spokes-only-get
  namespace: hub-gateway-system
spec:
  targetRefs:
    - group: gateway.networking.k8s.io
      kind: Gateway
      name: hub-gateway-system-waypoint
  action: ALLOW
  rules:
    - to:
        - operation:
            methods: [GET]
";
    // AuthorizationPolicy is not a kind hubgw validates: skipped, but linted.
    let r = run(hubgw()
        .args([
            "validate",
            "--allow-unknown-kinds",
            "--gateway-api",
            "v1.6.1",
            "--istio",
            "1.30",
            "-",
        ])
        .write_stdin(format!("{stream}{policy}")));
    assert!(
        r.stdout.contains("warning[HG018]: bound to waypoint `hub-gateway-system-waypoint`, which ingress traffic to `industrial-edge-east-api`, `industrial-edge-west-api`, `industrial-edge-east-front`, `industrial-edge-west-front` does not cross"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn conflicting_routes_name_both_routes_and_the_one_gateway_api_prefers() {
    // hubgw's old route name next to the chart's route, as after an
    // `oc apply` without prune.
    let r = check_fixture("HG030-trip.yaml");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let found: Vec<&str> = r.stdout.lines().filter(|l| l.contains("[HG030]")).collect();
    assert_eq!(found.len(), 2, "{}", r.stdout);
    assert_eq!(
        found[0],
        "tests/fixtures/lint/HG030-trip.yaml:344:11 HTTPRoute/industrial-edge-lb: spec.rules[0].matches[0]: error[HG030]: \
         claims the same host `industrial-edge.apps.hub.example.com`, parent `hub-gateway-system/hub-gateway` and match `PathPrefix /api` \
         as HTTPRoute `hub-gateway-system/industrial-edge` (tests/fixtures/lint/HG030-trip.yaml:184); \
         Gateway API gives the match to the older route (creationTimestamp: on a cluster, the one already there), \
         on a tie to `hub-gateway-system/industrial-edge` (first by namespace/name), and the other never serves it"
    );
    assert!(found[1].contains("spec.rules[1]: error[HG030]: claims the same host `industrial-edge.apps.hub.example.com`, parent `hub-gateway-system/hub-gateway` and match `PathPrefix /`"), "{}", found[1]);
}

#[test]
fn lint_catches_two_applications_on_one_host() {
    let r = hubgw_run(&[
        "lint",
        "-f",
        "values/examples/east-west.yaml",
        "--set",
        "apps.shop.host=industrial-edge.apps.hub.example.com",
        "--set",
        "apps.shop.clusters.east.domain=apps.east.example.com",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("error[HG030]: claims the same host `industrial-edge.apps.hub.example.com`, parent `hub-gateway-system/hub-gateway` and match `PathPrefix /api` as HTTPRoute `hub-gateway-system/industrial-edge-lb`"),
        "{}",
        r.stdout
    );
    let explain = hubgw_run(&["lint", "--explain", "HG030"]);
    assert!(
        explain
            .stdout
            .contains("The oldest Route based on creation timestamp"),
        "{}",
        explain.stdout
    );
}

#[test]
fn hg003_leaves_an_alias_of_an_in_cluster_service_alone() {
    // Istio routes an ExternalName to the cluster of its target
    // (`outbound|80||<externalName>`); a Service of this cluster has one
    // from the Kubernetes registry, so no ServiceEntry is needed.
    let service = |external: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: alias, namespace: hub}}\nspec:\n  type: ExternalName\n  externalName: {external}\n  ports:\n  - {{name: http, port: 80, protocol: TCP}}\n"
        )
    };
    let inside = TempFile::new(
        "hg003-in-cluster.yaml",
        &service("backend.other.svc.cluster.local"),
    );
    let r = hubgw_run(&["validate", inside.arg()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("[HG003]"), "{}", r.stdout);
    // A short name is a DNS search-path convenience, not an Istio host.
    let short = TempFile::new("hg003-short.yaml", &service("backend.other"));
    let r = hubgw_run(&["validate", short.arg()]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("error[HG003]: ExternalName host `backend.other` has no ServiceEntry"),
        "{}",
        r.stdout
    );
}
