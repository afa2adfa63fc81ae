//! Migrating from the hub-gateway chart: the chart's values give every
//! object the chart rendered the same identity (kind, namespace, name), and
//! the commands of docs/migrating-from-the-chart.md run as written.

mod common;
use common::*;

use std::collections::BTreeSet;

/// The domains the chart's values file leaves empty, given as the chart's
/// stream was made (tests/fixtures/chart/README.md).
const DOMAINS: &str = "clusterDomain=apps.hub.example.com,clusters.east.domain=apps.east.example.com,clusters.west.domain=apps.west.example.com";

/// Chart objects with no counterpart of the same name, and why.
const NOT_KEPT: &[(&str, &str, &str)] = &[
    (
        "DestinationRule",
        "cb-industrial-edge-east-front",
        DEAD_RULE,
    ),
    (
        "DestinationRule",
        "cb-industrial-edge-west-front",
        DEAD_RULE,
    ),
    ("DestinationRule", "cb-industrial-edge-east-api", DEAD_RULE),
    ("DestinationRule", "cb-industrial-edge-west-api", DEAD_RULE),
];

/// Istio 1.21 made ExternalName Services aliases of their target
/// (releasenotes/notes/external-name-on.yaml, istio/istio 1.21.0): a rule
/// whose host is the Service applies to nothing. hubgw's working rule is
/// `cb-industrial-edge-<spoke>`, on the spoke host.
const DEAD_RULE: &str = "its host is an ExternalName Service, which Istio 1.21 and later ignore";

type Identity = (String, String, String);

fn identities(stream: &str) -> BTreeSet<Identity> {
    docs(stream)
        .iter()
        .map(|d| {
            let s = |v: &serde_yaml::Value| v.as_str().unwrap_or("").to_string();
            (
                s(&d["kind"]),
                s(&d["metadata"]["namespace"]),
                s(&d["metadata"]["name"]),
            )
        })
        .collect()
}

fn chart_stream() -> String {
    std::fs::read_to_string(repo("tests/fixtures/chart/helm-template.yaml")).unwrap()
}

fn render_chart_values() -> String {
    let r = hubgw_run(&[
        "render",
        "-f",
        "tests/fixtures/chart/values.yaml",
        "--set",
        DOMAINS,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn the_chart_values_keep_every_identity_the_chart_rendered() {
    let chart = identities(&chart_stream());
    assert_eq!(chart.len(), 12, "{chart:#?}");
    let hubgw = identities(&render_chart_values());
    let missing: Vec<&Identity> = chart
        .iter()
        .filter(|(kind, _, name)| !NOT_KEPT.iter().any(|(k, n, _)| k == kind && n == name))
        .filter(|id| !hubgw.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "chart objects hubgw renames: {missing:#?}"
    );
    for (kind, name, why) in NOT_KEPT {
        let chart_has = chart.iter().any(|(k, _, n)| k == kind && n == name);
        let hubgw_has = hubgw.iter().any(|(k, _, n)| k == kind && n == name);
        assert!(chart_has && !hubgw_has, "{kind}/{name} ({why})");
    }
    // The working rules that replace them, and the additions.
    for name in [
        "cb-industrial-edge-east",
        "cb-industrial-edge-west",
        "hub-gateway-system-waypoint",
        "industrial-edge.apps.east.example.com",
        "industrial-edge.apps.west.example.com",
    ] {
        assert!(
            hubgw.iter().any(|(_, _, n)| n == name),
            "{name}: {hubgw:#?}"
        );
    }
    assert_eq!(hubgw.len(), chart.len() - NOT_KEPT.len() + 5);
}

#[test]
fn the_chart_compat_example_is_the_chart_values_with_domains() {
    let r = hubgw_run(&["render", "-f", &example("chart-compat.yaml")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, render_chart_values());
}

#[test]
fn diff_reads_the_chart_stream_and_names_what_changes() {
    let r = hubgw_run(&[
        "diff",
        "tests/fixtures/chart/helm-template.yaml",
        &example("chart-compat.yaml"),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with(['+', '-']))
        .collect();
    assert_eq!(
        lines,
        [
            "+ Gateway/hub-gateway-system-waypoint (added)",
            "+ ServiceEntry/industrial-edge.apps.east.example.com (added)",
            "+ ServiceEntry/industrial-edge.apps.west.example.com (added)",
            "+ DestinationRule/cb-industrial-edge-east (added)",
            "+ DestinationRule/cb-industrial-edge-west (added)",
            "- DestinationRule/cb-industrial-edge-east-front (removed)",
            "- DestinationRule/cb-industrial-edge-west-front (removed)",
            "- DestinationRule/cb-industrial-edge-east-api (removed)",
            "- DestinationRule/cb-industrial-edge-west-api (removed)",
        ],
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("HTTPRoute/industrial-edge-lb: spec.rules[0].backendRefs[0].port: 8080 -> 80"));
}
