//! The other seed systems end to end: Istio API mode, egress, header rules,
//! a shared gateway across namespaces, TLS at the gateway, many applications
//! and monitoring.

mod common;
use common::*;

use serde_yaml::Value;

fn render_ok(args: &[&str]) -> Vec<Value> {
    let r = hubgw_run(&[&["render"], args].concat());
    assert_eq!(r.code, 0, "{args:?}:\n{}", r.stderr);
    docs(&r.stdout)
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| {
            panic!(
                "no {kind}/{name} in {:?}",
                docs.iter().map(kind_name).collect::<Vec<_>>()
            )
        })
}

fn kinds(docs: &[Value]) -> Vec<String> {
    docs.iter().map(kind_name).collect()
}

#[test]
fn istio_mode_routes_with_a_virtual_service_and_no_waypoint() {
    let d = render_ok(&["-f", &example("istio-api.yaml")]);
    let k = kinds(&d);
    assert!(!k.iter().any(|k| k.starts_with("HTTPRoute/")), "{k:?}");
    assert!(!k.contains(&"Gateway/hub-gateway-system-waypoint".to_string()));
    let gw = find(&d, "Gateway", "hub-gateway");
    assert_eq!(gw["apiVersion"], "networking.istio.io/v1");
    assert_eq!(gw["spec"]["selector"]["istio"], "hub-gateway");
    let vs = find(&d, "VirtualService", "industrial-edge-lb");
    assert_eq!(vs["spec"]["gateways"][0], "hub-gateway-system/hub-gateway");
    let http = vs["spec"]["http"].as_sequence().unwrap();
    // `/api` by path elements, as Gateway API's PathPrefix: not `/apix`.
    assert_eq!(http[0]["match"][0]["uri"]["exact"], "/api");
    assert_eq!(http[0]["match"][1]["uri"]["prefix"], "/api/");
    assert!(
        http[1]["match"].is_null(),
        "the catch-all matches everything"
    );
    let weights: Vec<i64> = http[1]["route"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|r| r["weight"].as_i64().unwrap())
        .collect();
    assert_eq!(weights, [50, 50]);
    assert_eq!(
        http[0]["route"][0]["headers"]["request"]["set"]["Host"],
        "industrial-edge.apps.east.example.com"
    );
    let route = find(&d, "Route", "hub-gateway");
    assert_eq!(route["spec"]["to"]["name"], "hub-gateway");
    assert_eq!(route["spec"]["port"]["targetPort"], "http2");
    // No ambient labels: the injected gateway applies the DestinationRules.
    assert!(
        find(&d, "Namespace", "hub-gateway-system")["metadata"]["labels"]
            ["istio.io/dataplane-mode"]
            .is_null()
    );
}

#[test]
fn istio_weights_are_percentages_that_add_up_to_100() {
    let d = render_ok(&[
        "-f",
        &example("three-spokes.yaml"),
        "--set",
        "gateway.api=istio",
        "--set",
        "gateway.weights.east=1,gateway.weights.west=1,gateway.weights.central=1",
    ]);
    let vs = find(&d, "VirtualService", "line-dashboard-lb");
    let weights: Vec<i64> = vs["spec"]["http"][1]["route"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|r| r["weight"].as_i64().unwrap())
        .collect();
    assert_eq!(weights, [34, 33, 33]);
}

/// Ambient (the default `gateway.api: gateway-api`): a waypoint is the egress
/// gateway and each host's ServiceEntry uses it, as Istio's ambient "Egress
/// gateways" page does; nothing of the sidecar recipe.
#[test]
fn ambient_egress_renders_a_waypoint_and_labeled_service_entries() {
    let d = render_ok(&["-f", &example("egress.yaml")]);
    let k = kinds(&d);
    for absent in ["VirtualService/", "Deployment/", "DestinationRule/egress-"] {
        assert!(!k.iter().any(|k| k.starts_with(absent)), "{absent}: {k:?}");
    }
    assert!(
        !d.iter()
            .any(|o| o["apiVersion"] == "networking.istio.io/v1" && o["kind"] == "Gateway"),
        "no Istio Gateway: {k:?}"
    );
    let wp = find(&d, "Gateway", "egress-waypoint");
    assert_eq!(wp["apiVersion"], "gateway.networking.k8s.io/v1");
    assert_eq!(wp["metadata"]["namespace"], "hub-gateway-system");
    assert_eq!(wp["metadata"]["labels"]["istio.io/waypoint-for"], "service");
    assert_eq!(wp["spec"]["gatewayClassName"], "istio-waypoint");
    let mesh = &wp["spec"]["listeners"][0];
    assert_eq!(
        (&mesh["name"], &mesh["port"], &mesh["protocol"]),
        (&"mesh".into(), &15008.into(), &"HBONE".into())
    );
    for (host, port) in [("docs.redhat.com", 80), ("api.partner.example.com", 8080)] {
        let se = find(&d, "ServiceEntry", &format!("egress-{host}"));
        assert_eq!(
            se["metadata"]["labels"]["istio.io/use-waypoint"],
            "egress-waypoint"
        );
        assert!(se["metadata"]["labels"]["istio.io/use-waypoint-namespace"].is_null());
        assert_eq!(se["spec"]["hosts"][0], host);
        assert_eq!(se["spec"]["ports"][0]["number"], port);
        assert_eq!(se["spec"]["ports"][0]["protocol"], "HTTP");
        assert_eq!(se["spec"]["location"], "MESH_EXTERNAL");
        assert_eq!(se["spec"]["resolution"], "DNS");
    }

    // A waypoint in another namespace: it admits the hub namespace, and the
    // ServiceEntries name its namespace.
    let d = render_ok(&[
        "-f",
        &example("egress.yaml"),
        "--set",
        "egress.waypoint.namespace=istio-egress",
        "--set",
        "egress.waypoint.name=waypoint",
    ]);
    let wp = find(&d, "Gateway", "waypoint");
    assert_eq!(wp["metadata"]["namespace"], "istio-egress");
    let allowed = &wp["spec"]["listeners"][0]["allowedRoutes"]["namespaces"];
    assert_eq!(allowed["from"], "Selector");
    assert_eq!(
        allowed["selector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "hub-gateway-system"
    );
    let se = find(&d, "ServiceEntry", "egress-docs.redhat.com");
    assert_eq!(se["metadata"]["namespace"], "hub-gateway-system");
    assert_eq!(
        se["metadata"]["labels"]["istio.io/use-waypoint"],
        "waypoint"
    );
    assert_eq!(
        se["metadata"]["labels"]["istio.io/use-waypoint-namespace"],
        "istio-egress"
    );

    let without = render_ok(&[
        "-f",
        &example("egress.yaml"),
        "--set",
        "egress.waypoint.install=false",
    ]);
    assert!(
        !kinds(&without).contains(&"Gateway/egress-waypoint".to_string()),
        "{:?}",
        kinds(&without)
    );
    find(&without, "ServiceEntry", "egress-docs.redhat.com");
}

/// Istio API mode (sidecars): the recipe of OpenShift Service Mesh 3
/// "Gateways" chapter 3, as before, and no egress waypoint.
#[test]
fn istio_mode_egress_renders_four_objects_per_host_and_the_gateway() {
    let istio = ["-f", &example("egress.yaml"), "--set", "gateway.api=istio"];
    let d = render_ok(&istio);
    for kind in [
        "ServiceEntry",
        "Gateway",
        "DestinationRule",
        "VirtualService",
    ] {
        find(&d, kind, "egress-docs.redhat.com");
        find(&d, kind, "egress-api.partner.example.com");
    }
    assert!(!kinds(&d).contains(&"Gateway/egress-waypoint".to_string()));
    find(&d, "Deployment", "egress-gateway");
    let se = find(&d, "ServiceEntry", "egress-api.partner.example.com");
    assert_eq!(se["spec"]["ports"][0]["number"], 8080);
    assert!(se["metadata"]["labels"]["istio.io/use-waypoint"].is_null());
    let vs = find(&d, "VirtualService", "egress-api.partner.example.com");
    assert_eq!(vs["spec"]["gateways"][0], "mesh");
    assert_eq!(
        vs["spec"]["gateways"][1],
        "hub-gateway-system/egress-api.partner.example.com"
    );
    assert_eq!(vs["spec"]["http"][0]["match"][0]["port"], 8080);
    assert_eq!(
        vs["spec"]["http"][0]["route"][0]["destination"]["host"],
        "egress-gateway.hub-gateway-system.svc.cluster.local"
    );
    assert_eq!(
        vs["spec"]["http"][0]["route"][0]["destination"]["subset"],
        "api-partner-example-com"
    );
    assert_eq!(
        vs["spec"]["http"][1]["route"][0]["destination"]["port"]["number"],
        8080
    );
    let dr = find(&d, "DestinationRule", "egress-api.partner.example.com");
    assert_eq!(dr["spec"]["subsets"][0]["name"], "api-partner-example-com");

    let without = render_ok(&[&istio[..], &["--set", "egress.gateway.install=false"]].concat());
    assert_eq!(
        kinds(&without)
            .iter()
            .filter(|k| k.starts_with("Deployment/"))
            .collect::<Vec<_>>(),
        ["Deployment/hub-gateway"],
        "only the ingress gateway is injected"
    );
}

#[test]
fn header_rules_come_before_the_default_rules() {
    // Rule names need Gateway API v1.4 or later.
    let d = render_ok(&[
        "-f",
        &example("header-rules.yaml"),
        "--set",
        "target.gatewayAPI=v1.4.1",
    ]);
    let rules = find(&d, "HTTPRoute", "industrial-edge-lb")["spec"]["rules"]
        .as_sequence()
        .unwrap()
        .clone();
    let names: Vec<&str> = rules.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["canary", "api", "front"]);
    assert_eq!(rules[0]["matches"][0]["headers"][0]["name"], "x-version");
    // A copy scoped to `/api` outranks the `/api` rule (tests/routing_parity.rs).
    assert_eq!(rules[0]["matches"][1]["path"]["value"], "/api");
    assert_eq!(rules[0]["matches"][1]["headers"][0]["name"], "x-version");
    assert_eq!(
        rules[0]["backendRefs"][0]["name"],
        "industrial-edge-west-front"
    );
    let istio = render_ok(&[
        "-f",
        &example("header-rules.yaml"),
        "--set",
        "gateway.api=istio",
    ]);
    let vs = find(&istio, "VirtualService", "industrial-edge-lb");
    assert_eq!(
        vs["spec"]["http"][0]["match"][0]["headers"]["x-version"]["exact"],
        "v2"
    );
}

#[test]
fn a_route_from_a_namespace_the_gateway_refuses_is_an_error() {
    let err = fails(
        &[
            "render",
            "-f",
            &example("shared-gateway.yaml"),
            "--set",
            "gateway.allowedRoutes.namespaces.from=Same",
        ],
        1,
    );
    assert!(
        err.contains("error[HG002]: Gateway `hub-gateway` does not accept this route"),
        "{err}"
    );
    // All admits it; the ReferenceGrant makes the backends reachable.
    let d = render_ok(&[
        "-f",
        &example("shared-gateway.yaml"),
        "--set",
        "gateway.allowedRoutes.namespaces.from=All",
    ]);
    let grant = find(&d, "ReferenceGrant", "httproutes-from-line-team");
    assert_eq!(grant["metadata"]["namespace"], "hub-gateway-system");
    assert_eq!(grant["spec"]["from"][0]["namespace"], "line-team");
    let route = find(&d, "HTTPRoute", "industrial-edge-lb");
    assert_eq!(route["metadata"]["namespace"], "line-team");
    assert_eq!(
        route["spec"]["parentRefs"][0]["namespace"],
        "hub-gateway-system"
    );
    assert_eq!(
        route["spec"]["rules"][0]["backendRefs"][0]["namespace"],
        "hub-gateway-system"
    );
}

#[test]
fn gateway_tls_and_the_route_must_agree() {
    let d = render_ok(&["-f", &example("gateway-tls.yaml")]);
    let gw = find(&d, "Gateway", "hub-gateway");
    assert_eq!(gw["spec"]["listeners"][1]["protocol"], "HTTPS");
    assert_eq!(
        gw["spec"]["listeners"][1]["tls"]["certificateRefs"][0]["name"],
        "hub-gateway-cert"
    );
    let route = find(&d, "Route", "hub-gateway");
    assert_eq!(route["spec"]["port"]["targetPort"], 8443);
    assert_eq!(route["spec"]["tls"]["termination"], "passthrough");
    let err = fails(
        &[
            "render",
            "-f",
            &example("gateway-tls.yaml"),
            "--set",
            "route.tls.termination=edge",
        ],
        1,
    );
    assert!(err.contains("error[HG016]"), "{err}");
    let lint = hubgw_run(&[
        "lint",
        "-f",
        &example("gateway-tls.yaml"),
        "--set",
        "route.tls.termination=edge",
    ]);
    assert_eq!(lint.code, 1);
    assert!(
        lint.stdout.contains("--> --set:1:1"),
        "HG016 points at the flag:\n{}",
        lint.stdout
    );
}

#[test]
fn many_apps_share_the_gateway_and_service_entries() {
    let d = render_ok(&["-f", &example("many-apps.yaml")]);
    let k = kinds(&d);
    // The short form keeps the chart's route name; entries are named after themselves.
    for name in ["industrial-edge-lb", "line-dashboard", "manuela"] {
        assert!(k.contains(&format!("HTTPRoute/{name}")), "{k:?}");
    }
    assert_eq!(
        k.iter().filter(|k| k.starts_with("Gateway/")).count(),
        2,
        "one hub Gateway and one waypoint"
    );
    assert_eq!(k.iter().filter(|k| k.starts_with("Namespace/")).count(), 1);
    let entries: Vec<&String> = k
        .iter()
        .filter(|k| k.starts_with("ServiceEntry/"))
        .collect();
    assert_eq!(entries.len(), 4, "{entries:?}");
    // The top-level app keeps its Route name; apps entries use their own.
    find(&d, "Route", "hub-gateway");
    assert_eq!(
        find(&d, "Route", "manuela")["spec"]["host"],
        "manuela.apps.hub.example.com"
    );
    // One DestinationRule per spoke host: manuela shares line-dashboard's
    // west host, so it shares its rule.
    let drs: Vec<&String> = k
        .iter()
        .filter(|k| k.starts_with("DestinationRule/"))
        .collect();
    assert_eq!(drs.len(), 4, "{drs:?}");
    assert_eq!(
        find(&d, "DestinationRule", "cb-line-dashboard-west")["spec"]["host"],
        "line-dashboard.apps.west.example.com"
    );
    // Two apps on one host with different circuit breaking: Istio would
    // apply one of the two rules, so hubgw refuses, pointing at the key.
    let conflict = hubgw_run(&[
        "render",
        "-f",
        &example("many-apps.yaml"),
        "--set",
        "apps.manuela.circuitBreaking.outlierDetection.consecutive5xxErrors=5",
    ]);
    assert_eq!(conflict.code, 1, "{}", conflict.stderr);
    assert!(
        conflict.stderr.contains("routes to spoke host `line-dashboard.apps.west.example.com` with other circuit breaking than `cb-line-dashboard-west`"),
        "{}",
        conflict.stderr
    );
    // manuela's circuit breaking is merged over the global one.
    let own = render_ok(&[
        "-f",
        &example("many-apps.yaml"),
        "--set",
        "apps.manuela.clusters.west.host=manuela.apps.west.example.com",
        "--set",
        "apps.manuela.circuitBreaking.outlierDetection.consecutive5xxErrors=5",
    ]);
    let dr = find(&own, "DestinationRule", "cb-manuela-west");
    assert_eq!(dr["spec"]["host"], "manuela.apps.west.example.com");
    assert_eq!(
        dr["spec"]["trafficPolicy"]["outlierDetection"]["consecutive5xxErrors"],
        5
    );
    assert_eq!(
        dr["spec"]["trafficPolicy"]["outlierDetection"]["maxEjectionPercent"],
        100
    );
    let weights = &find(&d, "HTTPRoute", "line-dashboard")["spec"]["rules"][1]["backendRefs"];
    assert_eq!(
        (weights[0]["weight"].as_i64(), weights[1]["weight"].as_i64()),
        (Some(80), Some(20))
    );
}

#[test]
fn apps_alone_without_a_top_level_spoke() {
    let d = render_ok(&[
        "--set",
        "clusterDomain=hub.example.com",
        "--set",
        "apps.shop.clusters.east.domain=e.example.com",
    ]);
    let k = kinds(&d);
    assert!(k.contains(&"HTTPRoute/shop".to_string()), "{k:?}");
    assert!(!k.iter().any(|k| k.contains("industrial-edge")), "{k:?}");
}

#[test]
fn an_app_weight_error_points_at_the_app() {
    let err = fails(
        &[
            "render",
            "-f",
            &example("many-apps.yaml"),
            "--set",
            "apps.line-dashboard.weights.west=0",
            "--set",
            "apps.line-dashboard.weights.east=0",
        ],
        1,
    );
    assert!(
        err.contains("every weight in `apps.line-dashboard.weights` is 0"),
        "{err}"
    );
}

#[test]
fn pod_monitor_selects_the_gateway_pods() {
    let d = render_ok(&["-f", &example("monitoring.yaml")]);
    let pm = find(&d, "PodMonitor", "hub-gateway-envoy");
    assert_eq!(
        pm["spec"]["selector"]["matchLabels"]["gateway.networking.k8s.io/gateway-name"],
        "hub-gateway"
    );
    assert_eq!(pm["spec"]["podMetricsEndpoints"][0]["portNumber"], 15020);
    assert_eq!(
        pm["spec"]["podMetricsEndpoints"][0]["path"],
        "/stats/prometheus"
    );
    let istio = render_ok(&[
        "-f",
        &example("monitoring.yaml"),
        "--set",
        "gateway.api=istio",
    ]);
    let pm = find(&istio, "PodMonitor", "hub-gateway-envoy");
    assert_eq!(
        pm["spec"]["selector"]["matchLabels"]["istio"],
        "hub-gateway"
    );
}
