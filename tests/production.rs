//! What production asks of a hub (issue 19), end to end: the hub Route's
//! annotations and certificates, least-privilege ReferenceGrants, the team
//! side of a shared gateway, drain-safe disruption budgets, Argo CD-safe
//! Namespaces, one idea of a Host rewrite, and the PodMonitor's port.

mod common;
use common::*;

fn render(args: &[&str]) -> String {
    let r = hubgw_run(&[&["render"], args].concat());
    assert_eq!(r.code, 0, "render {args:?} failed:\n{}", r.stderr);
    r.stdout
}

fn doc_of(stream: &str, kind_and_name: &str) -> serde_yaml::Value {
    docs(stream)
        .into_iter()
        .find(|d| kind_name(d) == kind_and_name)
        .unwrap_or_else(|| panic!("no {kind_and_name} in:\n{stream}"))
}

const EAST_WEST: &str = "values/examples/east-west.yaml";

#[test]
fn reference_grants_name_exactly_the_services_the_routes_reference() {
    let out = render(&["-f", &example("shared-gateway.yaml")]);
    let grant = doc_of(&out, "ReferenceGrant/httproutes-from-line-team");
    let names: Vec<&str> = grant["spec"]["to"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t["kind"], "Service");
            t["name"].as_str().expect("every entry names its Service")
        })
        .collect();
    let route = doc_of(&out, "HTTPRoute/industrial-edge");
    let mut referenced: Vec<&str> = Vec::new();
    for rule in route["spec"]["rules"].as_sequence().unwrap() {
        for b in rule["backendRefs"].as_sequence().unwrap() {
            let name = b["name"].as_str().unwrap();
            if !referenced.contains(&name) {
                referenced.push(name);
            }
        }
    }
    assert_eq!(names, referenced);
    assert_eq!(names.len(), 4);
}

#[test]
fn the_namespace_can_be_left_to_another_owner_or_given_sync_options() {
    let out = render(&["-f", EAST_WEST]);
    let ns = doc_of(&out, "Namespace/hub-gateway-system");
    assert_eq!(
        ns["metadata"]["annotations"]["argocd.argoproj.io/sync-options"],
        "ServerSideApply=true"
    );
    let out = render(&[
        "-f",
        EAST_WEST,
        "--set",
        "argocd.namespaceSyncOptions={ServerSideApply=true,Prune=false}",
    ]);
    let ns = doc_of(&out, "Namespace/hub-gateway-system");
    assert_eq!(
        ns["metadata"]["annotations"]["argocd.argoproj.io/sync-options"],
        "ServerSideApply=true,Prune=false"
    );
    let out = render(&["-f", EAST_WEST, "--set", "argocd.namespaceSyncOptions={}"]);
    let ns = doc_of(&out, "Namespace/hub-gateway-system");
    assert!(ns["metadata"]["annotations"]["argocd.argoproj.io/sync-options"].is_null());

    let out = render(&["-f", EAST_WEST, "--set", "createNamespace=false"]);
    assert!(
        !docs(&out).iter().any(|d| d["kind"] == "Namespace"),
        "{out}"
    );
    assert!(out.contains("namespace: hub-gateway-system"));
    let r = hubgw_run(&[
        "lint",
        "--strict",
        "-f",
        EAST_WEST,
        "--set",
        "createNamespace=false",
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);

    let err = fails(
        &[
            "render",
            "-f",
            EAST_WEST,
            "--set",
            "argocd.namespaceSyncOptions[0]=ServerSideApply",
        ],
        1,
    );
    assert!(
        err.contains("`argocd.namespaceSyncOptions[0]` is not an Argo CD sync option"),
        "{err}"
    );
    assert!(err.contains("--> --set"), "{err}");
}

/// The first backendRef's Host filter swapped for `filter` (YAML, indented
/// for a backendRef's `filters` list).
fn east_west_with_filter(filter: &str) -> String {
    let out = render(&["-f", EAST_WEST]);
    let old = "      filters:\n      - type: RequestHeaderModifier\n        requestHeaderModifier:\n          set:\n          - name: Host\n            value: industrial-edge.apps.east.example.com\n";
    assert!(out.contains(old), "{out}");
    out.replacen(old, &format!("      filters:\n{filter}"), 1)
}

#[test]
fn lint_and_graph_agree_on_what_rewrites_host() {
    let rewrite = east_west_with_filter("      - type: URLRewrite\n        urlRewrite:\n          hostname: industrial-edge.apps.east.example.com\n");
    let file = TempFile::new("urlrewrite.yaml", &rewrite);
    let v = hubgw_run(&["validate", file.arg()]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert!(!v.stdout.contains("HG010"), "{}", v.stdout);
    let g = hubgw_run(&["graph", file.arg()]);
    assert_eq!(g.code, 0, "{}", g.stderr);
    assert!(!g.stdout.contains("Host not rewritten"), "{}", g.stdout);

    // `add` appends a Host: neither counts it as a rewrite.
    let add = east_west_with_filter("      - type: RequestHeaderModifier\n        requestHeaderModifier:\n          add:\n          - name: Host\n            value: industrial-edge.apps.east.example.com\n");
    let file = TempFile::new("add-host.yaml", &add);
    let v = hubgw_run(&["validate", file.arg()]);
    assert!(v.stdout.contains("warning[HG010]"), "{}", v.stdout);
    let g = hubgw_run(&["graph", file.arg()]);
    assert!(g.stdout.contains("Host not rewritten"), "{}", g.stdout);
}

#[test]
fn the_pod_monitor_scrapes_by_port_number() {
    let out = render(&["-f", &example("monitoring.yaml")]);
    let pm = docs(&out)
        .into_iter()
        .find(|d| d["kind"] == "PodMonitor")
        .expect("a PodMonitor");
    let endpoint = &pm["spec"]["podMetricsEndpoints"][0];
    assert_eq!(endpoint["portNumber"], 15020);
    assert!(endpoint["targetPort"].is_null());
}

#[test]
fn the_hpa_cpu_target_is_documented_as_a_share_of_requests() {
    let schema = hubgw_run(&["schema"]);
    assert_eq!(schema.code, 0);
    assert!(
        schema
            .stdout
            .contains("percent of the container's CPU *requests*"),
        "{}",
        schema.stdout
    );
    let defaults = std::fs::read_to_string(repo("values/values.yaml")).unwrap();
    assert!(defaults.contains("Percent of the proxy's CPU *requests*"));
}
