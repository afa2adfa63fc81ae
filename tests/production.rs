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
const PEM_CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const PEM_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

#[test]
fn route_annotations_merge_over_hubgws_own_and_the_timeout_defaults_to_an_hour() {
    let out = render(&["-f", EAST_WEST]);
    let route = doc_of(&out, "Route/hub-gateway");
    let annotations = &route["metadata"]["annotations"];
    assert_eq!(annotations["argocd.argoproj.io/sync-wave"], "4");
    assert_eq!(annotations["haproxy.router.openshift.io/timeout"], "3600s");

    let out = render(&[
        "-f",
        EAST_WEST,
        "--set",
        r"route.annotations.haproxy\.router\.openshift\.io/timeout=2h",
        "--set-string",
        r"route.annotations.argocd\.argoproj\.io/sync-wave=9",
        "--set",
        r"route.annotations.haproxy\.router\.openshift\.io/hsts_header=max-age=0",
    ]);
    let annotations = doc_of(&out, "Route/hub-gateway")["metadata"]["annotations"].clone();
    assert_eq!(annotations["haproxy.router.openshift.io/timeout"], "2h");
    // The user's key wins over hubgw's.
    assert_eq!(annotations["argocd.argoproj.io/sync-wave"], "9");
    assert_eq!(
        annotations["haproxy.router.openshift.io/hsts_header"],
        "max-age=0"
    );
}

#[test]
fn a_bad_router_timeout_is_a_located_error() {
    let err = fails(
        &[
            "render",
            "-f",
            EAST_WEST,
            "--set",
            r"route.annotations.haproxy\.router\.openshift\.io/timeout=30 s",
        ],
        1,
    );
    assert!(err.contains("must be an HAProxy time like 3600s"), "{err}");
    assert!(err.contains("the router would ignore it"), "{err}");
    assert!(err.contains("--set"), "{err}");
}

#[test]
fn route_certificates_are_rendered_as_given() {
    let values = TempFile::new(
        "route-pem.yaml",
        &format!(
            "route:\n  tls:\n    termination: reencrypt\n    certificate: |\n{}    key: |\n{}    caCertificate: |\n{}    destinationCACertificate: |\n{}",
            indent(PEM_CERT),
            indent(PEM_KEY),
            indent(PEM_CERT),
            indent(PEM_CERT)
        ),
    );
    let out = render(&[
        "-f",
        EAST_WEST,
        "-f",
        values.arg(),
        "--set",
        "gateway.tls.enabled=true",
        "--set",
        "gateway.tls.certificateRefs[0].name=hub-cert",
    ]);
    let tls = doc_of(&out, "Route/hub-gateway")["spec"]["tls"].clone();
    assert_eq!(tls["termination"], "reencrypt");
    assert_eq!(tls["certificate"], PEM_CERT);
    assert_eq!(tls["key"], PEM_KEY);
    assert_eq!(tls["caCertificate"], PEM_CERT);
    assert_eq!(tls["destinationCACertificate"], PEM_CERT);
    // Scalars: the PEM text adds no key.
    let keys: Vec<&str> = tls
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "termination",
            "insecureEdgeTerminationPolicy",
            "certificate",
            "key",
            "caCertificate",
            "destinationCACertificate"
        ]
    );
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("      {l}\n")).collect()
}

#[test]
fn an_external_certificate_gets_the_router_read_access_to_its_secret() {
    let out = render(&["-f", &example("custom-host.yaml")]);
    let route = doc_of(&out, "Route/hub-gateway");
    assert_eq!(route["spec"]["host"], "factory.example.com");
    assert_eq!(
        route["spec"]["tls"]["externalCertificate"]["name"],
        "factory-example-com-tls"
    );
    let role = doc_of(&out, "Role/router-reads-factory-example-com-tls");
    assert_eq!(
        role["rules"][0]["resourceNames"][0],
        "factory-example-com-tls"
    );
    assert_eq!(role["rules"][0]["verbs"].as_sequence().unwrap().len(), 3);
    let binding = doc_of(&out, "RoleBinding/router-reads-factory-example-com-tls");
    assert_eq!(binding["subjects"][0]["name"], "router");
    assert_eq!(binding["subjects"][0]["namespace"], "openshift-ingress");
}

#[test]
fn route_tls_combinations_the_router_refuses_are_located_errors() {
    let cert = format!("route.tls.certificate={PEM_CERT}");
    let key = format!("route.tls.key={PEM_KEY}");
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &["--set-string", &cert],
            "`route.tls.key` is empty",
            "route.tls.certificate",
        ),
        (
            &["--set", "route.tls.destinationCACertificate=x"],
            "is not PEM",
            "destinationCACertificate",
        ),
        (
            &[
                "--set-string",
                &cert,
                "--set-string",
                &key,
                "--set",
                "route.tls.externalCertificate=shop-tls",
            ],
            "exclude each other",
            "externalCertificate",
        ),
        (
            &[
                "--set",
                "route.tls.externalCertificate=shop-tls",
                "--set",
                "route.tls.termination=passthrough",
            ],
            "a passthrough Route terminates no TLS",
            "externalCertificate",
        ),
        (
            &[
                "--set-string",
                &format!("route.tls.destinationCACertificate={PEM_CERT}"),
            ],
            "only used by reencrypt Routes",
            "destinationCACertificate",
        ),
    ];
    for (flags, message, key) in cases {
        let err = fails(&[&["render", "-f", EAST_WEST], flags].concat(), 1);
        assert!(err.contains(message), "{flags:?}: {err}");
        assert!(err.contains(key), "{flags:?}: {err}");
        assert!(
            err.contains("--> --set"),
            "{flags:?} must point at the flag: {err}"
        );
    }
}

#[test]
fn a_custom_host_without_a_certificate_warns_and_explains() {
    let r = hubgw_run(&[
        "lint",
        "-f",
        &example("custom-host.yaml"),
        "--set",
        "route.tls.externalCertificate=",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("warning[HG027]: Route `hub-gateway` serves `factory.example.com` with edge termination and no certificate of its own"), "{}", r.stdout);
    let strict = hubgw_run(&[
        "lint",
        "--strict",
        "-f",
        &example("custom-host.yaml"),
        "--set",
        "route.tls.externalCertificate=",
    ]);
    assert_eq!(strict.code, 1);
    // A host one label under the apps domain is the wildcard's.
    let clean = hubgw_run(&[
        "lint",
        "--strict",
        "-f",
        EAST_WEST,
        "--set",
        "app.host=shop.apps.hub.example.com",
    ]);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    let deep = hubgw_run(&[
        "lint",
        "-f",
        EAST_WEST,
        "--set",
        "app.host=a.shop.apps.hub.example.com",
    ]);
    assert!(deep.stdout.contains("[HG027]"), "{}", deep.stdout);
    let explain = hubgw_run(&["lint", "--explain", "HG027"]);
    assert!(explain.stdout.contains("wildcard"), "{}", explain.stdout);
}

#[test]
fn api_traffic_behind_the_default_router_timeout_warns_and_explains() {
    let unset = r"route.annotations.haproxy\.router\.openshift\.io/timeout=null";
    let r = hubgw_run(&["lint", "-f", EAST_WEST, "--set", unset]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("warning[HG028]: Route `hub-gateway` carries /api traffic with the router's default timeout of 30s"), "{}", r.stdout);
    let short = hubgw_run(&[
        "lint",
        "--strict",
        "-f",
        EAST_WEST,
        "--set",
        r"route.annotations.haproxy\.router\.openshift\.io/timeout=30s",
    ]);
    assert_eq!(short.code, 1);
    assert!(short.stdout.contains("error[HG028]"), "{}", short.stdout);
    // Istio API mode: the VirtualService's /api match counts too.
    let istio = hubgw_run(&["lint", "-f", &example("istio-api.yaml"), "--set", unset]);
    assert!(istio.stdout.contains("[HG028]"), "{}", istio.stdout);
    let explain = hubgw_run(&["lint", "--explain", "HG028"]);
    assert!(
        explain.stdout.contains("ROUTER_DEFAULT_SERVER_TIMEOUT"),
        "{}",
        explain.stdout
    );
    assert!(explain.stdout.contains("Socket.IO"), "{}", explain.stdout);
}

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
    let route = doc_of(&out, "HTTPRoute/industrial-edge-lb");
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
fn the_team_namespace_is_checked_from_the_stream_or_the_values_or_said_unchecked() {
    let shared = example("shared-gateway.yaml");
    assert_eq!(hubgw_run(&["lint", "--strict", "-f", &shared]).code, 0);
    // No labels stated: lint says it cannot check.
    let r = hubgw_run(&[
        "lint",
        "-f",
        &shared,
        "--set",
        "gateway.allowedRoutes.namespaceLabels=null",
    ]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("warning[HG029]"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("namespace `line-team` is not in the stream: lint cannot check"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("--set gateway.allowedRoutes.namespaceLabels.line-team."),
        "{}",
        r.stdout
    );
    // Stated labels that miss the selector's: the route is refused.
    let wrong = hubgw_run(&[
        "lint",
        "-f",
        &shared,
        "--set",
        "gateway.allowedRoutes.namespaceLabels.line-team=null",
        "--set-string",
        "gateway.allowedRoutes.namespaceLabels.line-team.team=line",
    ]);
    assert_eq!(wrong.code, 1, "{}", wrong.stdout);
    assert!(wrong.stdout.contains("error[HG002]"), "{}", wrong.stdout);
    assert!(
        wrong
            .stdout
            .contains("by the labels its hub-gateway/route-namespace-labels annotation states"),
        "{}",
        wrong.stdout
    );
    // The Namespace in the stream: its labels decide (HG002), no HG029.
    let ns = "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: line-team\n  labels:\n    team: line\n";
    let stream = format!("{}{ns}", render(&["-f", &shared]));
    let file = TempFile::new("team-ns.yaml", &stream);
    let r = hubgw_run(&["validate", file.arg()]);
    assert!(
        r.stdout.contains("[HG002]") && !r.stdout.contains("[HG029]"),
        "{}",
        r.stdout
    );
    let explain = hubgw_run(&["lint", "--explain", "HG029"]);
    assert!(
        explain.stdout.contains("namespaceLabels"),
        "{}",
        explain.stdout
    );
}

#[test]
fn a_disruption_budget_that_blocks_drains_is_an_error_under_strict() {
    let istio = example("istio-api.yaml");
    let no_hpa = "gateway.deployment.autoscaling.enabled=false";
    // Defaults: two replicas while autoscaling is off, so minAvailable 1 drains.
    let out = render(&["-f", &istio, "--set", no_hpa]);
    assert_eq!(
        doc_of(&out, "Deployment/hub-gateway")["spec"]["replicas"],
        2
    );
    assert_eq!(
        hubgw_run(&["lint", "--strict", "-f", &istio, "--set", no_hpa]).code,
        0
    );
    // With the HPA, it sets the replicas: none on the Deployment.
    let out = render(&["-f", &istio]);
    assert!(doc_of(&out, "Deployment/hub-gateway")["spec"]["replicas"].is_null());

    let blocked = [
        "lint",
        "-f",
        &istio,
        "--set",
        no_hpa,
        "--set",
        "gateway.deployment.replicas=1",
    ];
    let r = hubgw_run(&blocked);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("warning[HG031]: minAvailable 1 leaves no pod of Deployment `hub-gateway` to evict at 1 guaranteed"), "{}", r.stdout);
    let strict = hubgw_run(&[&blocked[..], &["--strict"]].concat());
    assert_eq!(strict.code, 1);
    assert!(strict.stdout.contains("error[HG031]"), "{}", strict.stdout);
    // HPA minReplicas counts when autoscaling is on.
    let r = hubgw_run(&[
        "lint",
        "-f",
        &istio,
        "--set",
        "gateway.deployment.podDisruptionBudget.minAvailable=2",
    ]);
    assert!(
        r.stdout
            .contains("HorizontalPodAutoscaler `hub-gateway` minReplicas"),
        "{}",
        r.stdout
    );
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
