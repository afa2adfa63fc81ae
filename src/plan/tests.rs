//! Unit tests of the plan: weights, rules, names and objects per values.

use serde_json::{json, Value as Json};

use super::gateway::AllowedRoutesPlan;
use super::routing::{path_under, HttpMatchPlan, IstioMatchPlan};
use super::*;
use crate::values::{load_sources, ValuesInput};

/// HTTPRoute `matches` as the template prints them.
fn gateway_api(matches: &[HttpMatchPlan]) -> Json {
    let items = matches.iter().map(|m| {
        let mut out = serde_json::Map::new();
        if let Some(prefix) = &m.path_prefix {
            out.insert(
                "path".into(),
                json!({"type": "PathPrefix", "value": prefix}),
            );
        }
        if !m.headers.is_empty() {
            let headers = m
                .headers
                .iter()
                .map(|h| json!({"type": "Exact", "name": h.name, "value": h.value}));
            out.insert("headers".into(), Json::Array(headers.collect()));
        }
        Json::Object(out)
    });
    Json::Array(items.collect())
}

/// A VirtualService `match` as the template prints it.
fn istio(matches: &Option<Vec<IstioMatchPlan>>) -> Option<Json> {
    let items = matches.as_ref()?.iter().map(|m| {
        let mut out = serde_json::Map::new();
        if let Some(uri) = &m.uri {
            out.insert("uri".into(), json!({ uri.kind: uri.value }));
        }
        if !m.headers.is_empty() {
            let headers = m
                .headers
                .iter()
                .map(|h| (h.name.clone(), json!({"exact": h.value})));
            out.insert("headers".into(), Json::Object(headers.collect()));
        }
        Json::Object(out)
    });
    Some(Json::Array(items.collect()))
}

/// `allowedRoutes` as the template prints it.
fn allowed_routes(a: &AllowedRoutesPlan) -> Json {
    match &a.match_labels {
        None => json!({"namespaces": {"from": a.from}}),
        Some(labels) => {
            json!({"namespaces": {"from": a.from, "selector": {"matchLabels": labels}}})
        }
    }
}

fn plan(set: &[&str]) -> Result<HubPlan> {
    let mut args = vec!["clusterDomain=hub.example.com".to_string()];
    args.extend(set.iter().map(|s| s.to_string()));
    let input = ValuesInput {
        set: args,
        ..Default::default()
    };
    build(&load_sources(&[], &input)?)
}

fn weights(plan: &HubPlan, rule: usize) -> Vec<i64> {
    plan.http_routes[0].rules[rule]
        .backends
        .iter()
        .map(|b| b.weight)
        .collect()
}

#[test]
fn default_weights_share_equally_and_pin_api_to_the_first_spoke() {
    let p = plan(&[
        "clusters.east.domain=e.example.com",
        "clusters.west.domain=w.example.com",
        "clusters.north.domain=n.example.com",
    ])
    .unwrap();
    assert_eq!(weights(&p, 0), [100, 0, 0]);
    assert_eq!(weights(&p, 1), [33, 33, 33]);
}

/// Two spokes and header rules given as `--set` lines.
fn plan_with_rules(rules: &[&str]) -> Result<HubPlan> {
    let mut set = vec![
        "clusters.east.domain=e.example.com",
        "clusters.west.domain=w.example.com",
    ];
    set.extend(rules);
    plan(&set)
}

#[test]
fn a_header_rule_gets_a_copy_scoped_to_api_so_it_outranks_the_api_rule() {
    let p = plan_with_rules(&[
        "gateway.rules[0].name=canary",
        "gateway.rules[0].matches[0].headers.x-version=v2",
        "gateway.rules[0].backends[0].spoke=west",
    ])
    .unwrap();
    let rules = &p.http_routes[0].rules;
    let header = json!([{"type": "Exact", "name": "x-version", "value": "v2"}]);
    assert_eq!(
        gateway_api(&rules[0].matches),
        json!([
            {"headers": header},
            {"path": {"type": "PathPrefix", "value": "/api"}, "headers": header},
        ])
    );
    assert_eq!(
        gateway_api(&rules[1].matches),
        json!([{"path": {"type": "PathPrefix", "value": "/api"}}])
    );
}

#[test]
fn copies_follow_later_rules_paths_under_the_match() {
    let p = plan_with_rules(&[
        "gateway.rules[0].name=beta",
        "gateway.rules[0].matches[0].path=/beta/",
        "gateway.rules[0].matches[0].headers.x-beta=on",
        "gateway.rules[0].matches[1].path=/",
        "gateway.rules[0].matches[1].headers.x-beta=all",
        "gateway.rules[0].backends[0].spoke=west",
        "gateway.rules[1].name=v2",
        "gateway.rules[1].matches[0].path=/api/v2",
        "gateway.rules[1].matches[0].headers.x-version=v2",
        "gateway.rules[1].backends[0].spoke=west",
    ])
    .unwrap();
    let paths = |rule: usize| -> Vec<String> {
        let rules = &p.http_routes[0].rules;
        let m = gateway_api(&rules[rule].matches);
        m.as_array()
            .unwrap()
            .iter()
            .map(|m| m["path"]["value"].as_str().unwrap_or("-").to_string())
            .collect()
    };
    // The trailing `/` goes; `/` takes copies for `/api/v2` and `/api`.
    assert_eq!(paths(0), ["/beta", "/", "/api/v2", "/api"]);
    // `/api` does not lie under `/api/v2`.
    assert_eq!(paths(1), ["/api/v2"]);
}

#[test]
fn istio_prefixes_match_whole_path_elements() {
    let p = plan_with_rules(&[
        "gateway.api=istio",
        "gateway.rules[0].name=beta",
        "gateway.rules[0].matches[0].path=/beta",
        "gateway.rules[0].matches[0].headers.X-Beta=on",
        "gateway.rules[0].backends[0].spoke=west",
    ])
    .unwrap();
    let rules = &p.virtual_services[0].rules;
    assert_eq!(
        istio(&rules[0].istio_match),
        Some(json!([
            {"uri": {"exact": "/beta"}, "headers": {"x-beta": {"exact": "on"}}},
            {"uri": {"prefix": "/beta/"}, "headers": {"x-beta": {"exact": "on"}}},
        ]))
    );
    assert_eq!(
        istio(&rules[1].istio_match),
        Some(json!([{"uri": {"exact": "/api"}}, {"uri": {"prefix": "/api/"}}]))
    );
    assert_eq!(istio(&rules[2].istio_match), None);
}

#[test]
fn a_later_rule_with_more_headers_on_a_shared_path_is_refused() {
    let err = plan_with_rules(&[
        "gateway.rules[0].name=canary",
        "gateway.rules[0].matches[0].path=/api",
        "gateway.rules[0].matches[0].headers.x-version=v2",
        "gateway.rules[0].backends[0].spoke=west",
        "gateway.rules[1].name=tester",
        "gateway.rules[1].matches[0].path=/api/v2",
        "gateway.rules[1].matches[0].headers.x-version=v2",
        "gateway.rules[1].matches[0].headers.x-user=tester",
        "gateway.rules[1].backends[0].spoke=east",
    ])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("rule `tester` cannot follow `canary`: on `/api/v2`"),
        "{err}"
    );
    // Exclusive headers, or more headers first, are fine.
    for second in ["x-version=v3", "x-user=tester"] {
        let header = format!("gateway.rules[1].matches[0].headers.{second}");
        plan_with_rules(&[
            "gateway.rules[0].name=canary",
            "gateway.rules[0].matches[0].headers.x-version=v2",
            "gateway.rules[0].matches[0].headers.x-user=tester",
            "gateway.rules[0].backends[0].spoke=west",
            "gateway.rules[1].name=other",
            &header,
            "gateway.rules[1].backends[0].spoke=east",
        ])
        .unwrap();
    }
    // An earlier rule on a path of its own, with no later path under it.
    plan_with_rules(&[
        "gateway.rules[0].name=beta",
        "gateway.rules[0].matches[0].path=/api/beta",
        "gateway.rules[0].backends[0].spoke=west",
        "gateway.rules[1].name=canary",
        "gateway.rules[1].matches[0].headers.x-version=v2",
        "gateway.rules[1].backends[0].spoke=east",
    ])
    .unwrap();
}

#[test]
fn paths_lie_under_prefixes_by_elements() {
    assert!(path_under("/api", "/api"));
    assert!(path_under("/api/v2", "/api"));
    assert!(path_under("/api", "/"));
    assert!(!path_under("/apix", "/api"));
    assert!(!path_under("/api", "/api/v2"));
}

#[test]
fn a_header_given_twice_in_two_cases_is_refused() {
    let err = plan_with_rules(&[
        "gateway.rules[0].name=canary",
        "gateway.rules[0].matches[0].headers.x-version=v2",
        "gateway.rules[0].matches[0].headers.X-Version=v3",
        "gateway.rules[0].backends[0].spoke=west",
    ])
    .unwrap_err()
    .to_string();
    assert!(err.contains("header `X-Version` is given twice"), "{err}");
}

#[test]
fn disabled_spokes_are_skipped_but_kept_in_the_app() {
    let p = plan(&["clusters.west.domain=w.example.com"]).unwrap();
    assert_eq!(weights(&p, 0), [100]);
    assert_eq!(p.services.len(), 2);
    assert_eq!(p.apps[0].spokes.len(), 2);
    assert!(!p.apps[0].spokes[0].enabled);
    // The first *enabled* spoke takes the /api rule.
    assert_eq!(p.http_routes[0].rules[0].backends[0].spoke, "west");
}

#[test]
fn weights_for_disabled_spokes_are_ignored() {
    // The chart's values give east and west weights whatever is enabled.
    let p = plan(&[
        "clusters.east.domain=e.example.com",
        "gateway.weights.east=50",
        "gateway.weights.west=50",
    ])
    .unwrap();
    assert_eq!(weights(&p, 1), [50]);
}

#[test]
fn one_service_entry_per_host() {
    let p = plan(&[
        "clusters.east.domain=e.example.com",
        "clusters.west.domain=w.example.com",
        "clusters.west.host=industrial-edge.e.example.com",
    ])
    .unwrap();
    assert_eq!(p.service_entries.len(), 1);
    assert_eq!(p.services.len(), 4);
}

#[test]
fn hosts_and_names_are_derived() {
    let p = plan(&["clusters.east.domain=e.example.com", "app.name=shop"]).unwrap();
    assert_eq!(p.apps[0].host, "shop.hub.example.com");
    assert_eq!(p.services[0].meta.name, "shop-east-front");
    assert_eq!(p.services[0].external_name, "shop.e.example.com");
    // One rule per spoke host: a rule on the ExternalName Service itself
    // applies to nothing since Istio 1.21 (DestinationRulePlan).
    assert_eq!(p.destination_rules.len(), 1);
    assert_eq!(p.destination_rules[0].meta.name, "cb-shop-east");
    assert_eq!(p.destination_rules[0].host, "shop.e.example.com");
    assert_eq!(p.gateways[0].service_name, "hub-gateway-istio");
    assert_eq!(p.routes[0].service_name, "hub-gateway-istio");
}

#[test]
fn the_short_form_names_its_route_as_the_chart_did_and_entries_after_themselves() {
    let p = plan(&[
        "clusters.east.domain=e.example.com",
        "apps.shop.clusters.east.domain=e.example.com",
    ])
    .unwrap();
    let names: Vec<_> = p.http_routes.iter().map(|r| &r.meta.name).collect();
    assert_eq!(names, ["industrial-edge-lb", "shop"]);
    let p = plan(&[
        "clusters.east.domain=e.example.com",
        "app.routeName=edge",
        "apps.shop.clusters.east.domain=e.example.com",
        "apps.shop.routeName=shop-lb",
    ])
    .unwrap();
    let names: Vec<_> = p.http_routes.iter().map(|r| &r.meta.name).collect();
    assert_eq!(names, ["edge", "shop-lb"]);
    let err = plan(&[
        "clusters.east.domain=e.example.com",
        "apps.shop.routeName=Shop",
    ])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("`apps.shop.routeName` is not a valid object name"),
        "{err}"
    );
}

#[test]
fn sync_waves_can_be_turned_off() {
    let p = plan(&[
        "clusters.east.domain=e.example.com",
        "argocd.syncWaves=false",
    ])
    .unwrap();
    assert!(!p.namespace.meta.annotations.contains_key(SYNC_WAVE));
    assert!(p.services[0].meta.annotations.is_empty());
}

#[test]
fn a_grant_names_the_services_of_every_route_from_its_namespace() {
    let p = plan(&[
        EAST,
        "app.routeNamespace=team",
        "gateway.allowedRoutes.namespaces.from=All",
        "apps.shop.clusters.east.domain=east.example.com",
        "apps.shop.routeNamespace=team",
    ])
    .unwrap();
    assert_eq!(p.reference_grants.len(), 1);
    assert_eq!(
        p.reference_grants[0].services,
        [
            "industrial-edge-east-api",
            "industrial-edge-east-front",
            "shop-east-api",
            "shop-east-front"
        ]
    );
}

#[test]
fn injected_gateways_get_replicas_only_without_an_autoscaler() {
    let p = plan(&[EAST, "gateway.api=istio"]).unwrap();
    assert_eq!(p.injected_gateways[0].replicas, Some(2));
    let p = plan(&[
        EAST,
        "gateway.api=istio",
        "gateway.deployment.autoscaling.enabled=true",
    ])
    .unwrap();
    assert_eq!(p.injected_gateways[0].replicas, None);
}

#[test]
fn route_annotations_win_over_hubgws_and_empty_tls_fields_stay_out() {
    let p = plan(&[EAST, "route.annotations.hub/x=on"]).unwrap();
    let route = &p.routes[0];
    assert_eq!(route.meta.annotations[SYNC_WAVE], "4");
    assert_eq!(route.meta.annotations[ROUTE_TIMEOUT], "3600s");
    assert_eq!(route.meta.annotations["hub/x"], "on");
    assert_eq!(route.certificate, None);
    assert_eq!(route.external_certificate, None);
    assert!(p.route_secret_readers.is_empty());
    let p = plan(&[EAST, "route.tls.externalCertificate=hub-tls"]).unwrap();
    assert_eq!(p.routes[0].external_certificate.as_deref(), Some("hub-tls"));
    assert_eq!(p.route_secret_readers[0].secret, "hub-tls");
    assert_eq!(p.route_secret_readers[0].meta.name, "router-reads-hub-tls");
}

#[test]
fn haproxy_times_read_as_the_router_reads_them() {
    assert_eq!(haproxy_timeout_ms("3600s"), Some(3_600_000));
    assert_eq!(haproxy_timeout_ms("2h"), Some(7_200_000));
    assert_eq!(haproxy_timeout_ms("500"), Some(500));
    assert_eq!(haproxy_timeout_ms("90m"), Some(5_400_000));
    assert_eq!(haproxy_timeout_ms("1d"), Some(86_400_000));
    for bad in ["", "0s", "030s", "1 h", "1hour", "s", "-1s"] {
        assert_eq!(haproxy_timeout_ms(bad), None, "{bad}");
    }
}

#[test]
fn the_namespace_can_be_left_out_and_given_sync_options() {
    let p = plan(&[EAST, "createNamespace=false"]).unwrap();
    assert!(!p.namespace.create);
    let p = plan(&[EAST, "argocd.namespaceSyncOptions={Prune=false}"]).unwrap();
    assert_eq!(p.namespace.meta.annotations[SYNC_OPTIONS], "Prune=false");
    let err = plan(&[EAST, "argocd.namespaceSyncOptions={Prune}"]).unwrap_err();
    assert!(
        err.message.contains("is not an Argo CD sync option"),
        "{}",
        err.message
    );
}

#[test]
fn too_long_service_names_are_refused() {
    let long = "a".repeat(55);
    let err = plan(&[
        "clusters.east.domain=e.example.com",
        &format!("app.name={long}"),
    ])
    .unwrap_err();
    assert!(
        err.message
            .contains("is not valid: it is 66 characters long"),
        "{}",
        err.message
    );
}

#[test]
fn sixteen_spokes_are_allowed() {
    let mut set: Vec<String> = (0..16)
        .map(|i| format!("clusters.s{i}.domain=s{i}.example.com"))
        .collect();
    set.push("clusters.east=null".into());
    set.push("clusters.west=null".into());
    let refs: Vec<&str> = set.iter().map(String::as_str).collect();
    let p = plan(&refs).unwrap();
    assert_eq!(weights(&p, 1), vec![6; 16]);
}

const EGRESS: &str = "egress.hosts[0]=docs.example.com";
const EAST: &str = "clusters.east.domain=east.example.com";

#[test]
fn ambient_egress_is_a_waypoint_and_labeled_service_entries() {
    let p = plan(&[EAST, EGRESS]).unwrap();
    assert!(p.egress.is_empty(), "no sidecar recipe in ambient");
    assert!(p.injected_gateways.is_empty() && p.secret_readers.is_empty());
    let wp = &p.egress_waypoints[0];
    assert_eq!(wp.meta.name, "egress-waypoint");
    assert_eq!(wp.meta.namespace.as_deref(), Some("hub-gateway-system"));
    assert_eq!(wp.meta.labels["istio.io/waypoint-for"], "service");
    assert_eq!(wp.class_name, "istio-waypoint");
    assert_eq!(
        allowed_routes(&wp.allowed_routes)["namespaces"]["from"],
        "Same"
    );
    let se = &p.egress_service_entries[0];
    assert_eq!(se.meta.name, "egress-docs.example.com");
    assert_eq!(se.meta.labels["istio.io/use-waypoint"], "egress-waypoint");
    assert!(!se
        .meta
        .labels
        .contains_key("istio.io/use-waypoint-namespace"));
    assert_eq!((se.host.as_str(), se.port.get()), ("docs.example.com", 80));
}

#[test]
fn an_egress_waypoint_elsewhere_admits_the_hub_namespace() {
    let p = plan(&[EAST, EGRESS, "egress.waypoint.namespace=istio-egress"]).unwrap();
    let wp = &p.egress_waypoints[0];
    assert_eq!(wp.meta.namespace.as_deref(), Some("istio-egress"));
    assert_eq!(
        allowed_routes(&wp.allowed_routes),
        json!({"namespaces": {"from": "Selector", "selector": {"matchLabels": {"kubernetes.io/metadata.name": "hub-gateway-system"}}}})
    );
    let se = &p.egress_service_entries[0];
    assert_eq!(se.meta.namespace.as_deref(), Some("hub-gateway-system"));
    assert_eq!(
        se.meta.labels["istio.io/use-waypoint-namespace"],
        "istio-egress"
    );

    let p = plan(&[EAST, EGRESS, "egress.waypoint.install=false"]).unwrap();
    assert!(p.egress_waypoints.is_empty());
    assert_eq!(p.egress_service_entries.len(), 1);
}

#[test]
fn the_egress_waypoint_needs_its_own_name() {
    for name in ["hub-gateway", "hub-gateway-system-waypoint"] {
        let set = format!("egress.waypoint.name={name}");
        let err = plan(&[EAST, EGRESS, &set]).unwrap_err();
        assert!(
            err.message.contains("has the name of the hub's"),
            "{}",
            err.message
        );
    }
    // Not rendered: no clash.
    plan(&[
        EAST,
        EGRESS,
        "egress.waypoint.name=hub-gateway",
        "egress.waypoint.install=false",
    ])
    .unwrap();
}

#[test]
fn istio_mode_egress_keeps_the_sidecar_recipe() {
    let p = plan(&[EAST, EGRESS, "gateway.api=istio"]).unwrap();
    assert!(p.egress_waypoints.is_empty() && p.egress_service_entries.is_empty());
    assert_eq!(
        p.egress[0].gateway_ref,
        "hub-gateway-system/egress-docs.example.com"
    );
    assert!(p
        .injected_gateways
        .iter()
        .any(|g| g.meta.name == "egress-gateway"));
}

mod percent_tests {
    use super::super::apps::scoped_key;
    use super::percentages;

    #[test]
    fn app_keys_are_scoped_to_their_entry() {
        assert_eq!(scoped_key("", "gateway.weights"), "gateway.weights");
        assert_eq!(
            scoped_key("apps.shop", "gateway.weights"),
            "apps.shop.weights"
        );
        assert_eq!(scoped_key("apps.shop", "app.host"), "apps.shop.host");
        assert_eq!(
            scoped_key("apps.shop", "clusters.east"),
            "apps.shop.clusters.east"
        );
    }

    #[test]
    fn percentages_add_up_to_100() {
        assert_eq!(percentages(&[1, 1, 1]), [34, 33, 33]);
        assert_eq!(percentages(&[50, 50]), [50, 50]);
        assert_eq!(percentages(&[100, 0]), [100, 0]);
        assert_eq!(percentages(&[2, 1]), [67, 33]);
        assert_eq!(percentages(&[1_000_000, 1]), [100, 0]);
        assert_eq!(percentages(&[0, 0]), [0, 0]);
        for weights in [
            vec![3, 3, 3, 3, 3, 3, 3],
            vec![7, 1, 1],
            vec![999_999, 1, 1],
        ] {
            assert_eq!(
                percentages(&weights).iter().sum::<i64>(),
                100,
                "{weights:?}"
            );
        }
    }
}
