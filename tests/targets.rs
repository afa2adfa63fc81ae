//! Targets end to end: what `target.*` changes in the output, the errors for
//! versions hubgw does not know, and circuit breaking that takes effect on
//! every target (a rule on each routed backend's alias target, none on an
//! ExternalName Service).

mod common;
use common::*;

use serde_yaml::Value;

const GATEWAY_API: [&str; 4] = ["v1.2.1", "v1.3.0", "v1.4.1", "v1.6.1"];
const ISTIO: [&str; 5] = ["1.24", "1.26", "1.27", "1.28", "1.30"];

/// The targets worth rendering for: every Gateway API bundle with the oldest
/// Istio and every Istio with the oldest bundle (the two CRD sets hold
/// different kinds, so this covers every pair).
fn targets() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<_> = GATEWAY_API.iter().map(|g| (*g, ISTIO[0])).collect();
    out.extend(ISTIO[1..].iter().map(|i| (GATEWAY_API[0], *i)));
    out
}

fn render_for(example_path: &str, extra: &[&str]) -> (String, Vec<Value>) {
    let r = hubgw_run(&[&["render", "-f", example_path], extra].concat());
    assert_eq!(r.code, 0, "{example_path} {extra:?}:\n{}", r.stderr);
    let docs = docs(&r.stdout);
    (r.stdout, docs)
}

fn rule_names(docs: &[Value]) -> Vec<Option<String>> {
    docs.iter()
        .filter(|d| d["kind"] == "HTTPRoute")
        .flat_map(|d| d["spec"]["rules"].as_sequence().unwrap().clone())
        .map(|r| r["name"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn the_default_output_uses_no_rule_names() {
    // HTTPRoute `spec.rules[].name` first appears in Gateway API v1.4.0's
    // standard CRDs; OpenShift 4.19 to 4.21 lock v1.2.1 or v1.3.0.
    for name in all_examples() {
        let path = example(&name);
        let (_, docs) = render_for(&path, &[]);
        assert!(
            rule_names(&docs).iter().all(Option::is_none),
            "{path}: {:?}",
            rule_names(&docs)
        );
    }
}

#[test]
fn a_target_with_rule_names_gets_them() {
    let ew = example("east-west.yaml");
    for set in [
        "target.gatewayAPI=v1.4.1",
        "target.gatewayAPI=1.6.1",
        "target.openshift=4.22",
    ] {
        let (_, docs) = render_for(&ew, &["--set", set]);
        assert_eq!(
            rule_names(&docs),
            [Some("api".to_string()), Some("front".to_string())],
            "{set}"
        );
    }
    for set in ["target.gatewayAPI=v1.3.0", "target.openshift=4.21"] {
        let (_, docs) = render_for(&ew, &["--set", set]);
        assert_eq!(rule_names(&docs), [None, None], "{set}");
    }
}

#[test]
fn unknown_versions_and_conflicts_are_located_errors() {
    let ew = example("east-west.yaml");
    let cases = [
        (
            "target.gatewayAPI=v1.4.0",
            "`target.gatewayAPI` \"v1.4.0\" is not a Gateway API bundle hubgw embeds",
            "supported: v1.2.1, v1.3.0, v1.4.1, v1.6.1",
        ),
        (
            "target.istio=1.25",
            "`target.istio` \"1.25\" is not an Istio minor hubgw embeds",
            "supported: 1.24, 1.26, 1.27, 1.28, 1.30",
        ),
        (
            "target.openshift=4.18",
            "`target.openshift` \"4.18\" is not an OpenShift release hubgw knows",
            "supported: 4.19, 4.20, 4.21, 4.22",
        ),
        (
            "target.istioRevision=Canary_1",
            "`target.istioRevision` is not a valid revision name",
            "a revision is a DNS label",
        ),
    ];
    for (set, message, hint) in cases {
        let err = fails(&["render", "-f", &ew, "--set", set], 1);
        assert!(err.contains(message), "{set}: {err}");
        assert!(err.contains(hint), "{set}: {err}");
        assert!(err.contains("--> --set:1:1"), "{set}: {err}");
    }
    let file = TempFile::new(
        "target-conflict.yaml",
        "target:\n  openshift: \"4.19\"\n  gatewayAPI: v1.4.1\n",
    );
    let err = fails(&["render", "-f", &ew, "-f", file.arg()], 1);
    assert!(
        err.contains("`target.gatewayAPI` v1.4.1 conflicts with `target.openshift` 4.19, whose Ingress Operator installs Gateway API v1.2.1"),
        "{err}"
    );
    assert!(err.contains(&format!("--> {}:3:3", file.arg())), "{err}");
    // 4.19's z-streams pin Istio 1.24 (GA) or 1.26; any other is a conflict.
    let err = fails(
        &[
            "render",
            "-f",
            &ew,
            "--set",
            "target.openshift=4.19",
            "--set",
            "target.istio=1.27",
        ],
        1,
    );
    assert!(
        err.contains("`target.istio` 1.27 conflicts with `target.openshift` 4.19, whose Ingress Operator pins Istio 1.24 (OpenShift Service Mesh 3.0) or 1.26 (3.1)"),
        "{err}"
    );
    render_for(
        &ew,
        &[
            "--set",
            "target.openshift=4.19",
            "--set",
            "target.istio=1.26",
        ],
    );
    // Agreeing with the table is fine.
    render_for(
        &ew,
        &[
            "--set",
            "target.openshift=4.21",
            "--set",
            "target.gatewayAPI=v1.3.0",
            "--set",
            "target.istio=1.27",
        ],
    );
}

fn labels(doc: &Value) -> &Value {
    &doc["metadata"]["labels"]
}

#[test]
fn a_revision_labels_both_gateways() {
    let ew = example("east-west.yaml");
    let (_, plain) = render_for(&ew, &[]);
    assert!(!serde_yaml::to_string(&plain)
        .unwrap()
        .contains("istio.io/rev"));
    let (_, d) = render_for(&ew, &["--set", "target.istioRevision=ossm-3-0"]);
    let gateways: Vec<&Value> = d.iter().filter(|d| d["kind"] == "Gateway").collect();
    assert_eq!(gateways.len(), 2, "the hub gateway and the waypoint");
    for gw in gateways {
        assert_eq!(labels(gw)["istio.io/rev"], "ossm-3-0", "{}", kind_name(gw));
    }

    // Istio API mode with egress: both injected gateways' pods.
    let (_, d) = render_for(
        &example("istio-api.yaml"),
        &[
            "--set",
            "target.istioRevision=canary",
            "--set",
            "egress.hosts[0]=docs.example.com",
        ],
    );
    let deployments: Vec<&Value> = d.iter().filter(|d| d["kind"] == "Deployment").collect();
    assert_eq!(deployments.len(), 2, "ingress and egress");
    for dep in deployments {
        let pod = &dep["spec"]["template"]["metadata"]["labels"];
        assert_eq!(pod["istio.io/rev"], "canary", "{}", kind_name(dep));
        assert_eq!(pod["sidecar.istio.io/inject"], "true");
    }
}

/// Hosts a DestinationRule of this stream applies to (exact or `*.`).
fn covered(drs: &[&Value], host: &str) -> bool {
    drs.iter().any(|dr| {
        let rule = dr["spec"]["host"].as_str().unwrap();
        match rule.strip_prefix('*') {
            Some(suffix) => host.ends_with(suffix),
            None => rule == host,
        }
    })
}

/// The Services the routes send traffic to, by name.
fn routed_services(docs: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for d in docs {
        if d["kind"] == "HTTPRoute" {
            for rule in d["spec"]["rules"].as_sequence().unwrap() {
                for b in rule["backendRefs"].as_sequence().unwrap() {
                    out.push(b["name"].as_str().unwrap().to_string());
                }
            }
        }
        if d["kind"] == "VirtualService" {
            for http in d["spec"]["http"].as_sequence().unwrap() {
                for r in http["route"].as_sequence().unwrap() {
                    let host = r["destination"]["host"].as_str().unwrap();
                    out.push(host.split('.').next().unwrap().to_string());
                }
            }
        }
    }
    out
}

#[test]
fn every_routed_backend_has_an_effective_circuit_breaker_on_every_target() {
    for name in all_examples() {
        let path = example(&name);
        for (gateway_api, istio) in targets() {
            let (_, d) = render_for(
                &path,
                &[
                    "--set",
                    &format!("target.gatewayAPI={gateway_api}"),
                    "--set",
                    &format!("target.istio={istio}"),
                ],
            );
            let drs: Vec<&Value> = d
                .iter()
                .filter(|d| d["kind"] == "DestinationRule")
                .collect();
            let aliases: Vec<&Value> = d
                .iter()
                .filter(|d| d["kind"] == "Service" && d["spec"]["type"] == "ExternalName")
                .collect();
            for name in routed_services(&d) {
                let Some(svc) = aliases
                    .iter()
                    .find(|s| s["metadata"]["name"] == name.as_str())
                else {
                    continue; // the egress gateway's own Service
                };
                let target = svc["spec"]["externalName"].as_str().unwrap();
                assert!(
                    covered(&drs, target),
                    "{path} ({gateway_api}, {istio}): {name} -> {target} has no DestinationRule"
                );
            }
            for dr in &drs {
                let host = dr["spec"]["host"].as_str().unwrap();
                let short = host.split('.').next().unwrap();
                assert!(
                    !aliases
                        .iter()
                        .any(|s| s["metadata"]["name"] == short
                            && host.ends_with(".svc.cluster.local")),
                    "{path}: {} names the ExternalName Service {host}",
                    kind_name(dr)
                );
            }
        }
    }
}

#[test]
fn circuit_breaking_off_leaves_no_spoke_rule() {
    let (_, d) = render_for(
        &example("many-apps.yaml"),
        &["--set", "gateway.circuitBreaking.enabled=false"],
    );
    assert!(
        !d.iter().any(|d| d["kind"] == "DestinationRule"),
        "{:?}",
        d.iter().map(kind_name).collect::<Vec<_>>()
    );
}
