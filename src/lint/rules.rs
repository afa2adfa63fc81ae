//! The lint rules, one function each: the hub's hard-won production lessons
//! (SPEC section 1) as checks over a manifest stream. Each returns findings;
//! the rule table in `mod.rs` gives them an id, a severity and a help line.

use std::collections::{HashMap, HashSet};

use super::index::{backend_refs, is_api_rule, rules, sets_host};
use super::{Finding, LintContext};
use crate::dns;
use crate::manifest::Manifest;
use crate::plan::{API_WEIGHTS_OPT_IN, ROUTE_NAMESPACE_LABELS};

/// The namespace labels a route's annotation states, if any.
fn stated_namespace_labels(route: &Manifest) -> Option<serde_json::Map<String, serde_json::Value>> {
    let text = route.object["metadata"]["annotations"][ROUTE_NAMESPACE_LABELS].as_str()?;
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => Some(map),
        _ => None,
    }
}

fn finding<'a>(
    object: &'a Manifest,
    path: impl Into<String>,
    message: impl Into<String>,
) -> Finding<'a> {
    Finding {
        object,
        path: path.into(),
        message: message.into(),
        help: None,
        values_key: None,
    }
}

/// `in namespace `x``, or the default namespace when a stream names none.
fn in_namespace(ns: &str) -> String {
    if ns.is_empty() {
        "in the default namespace".into()
    } else {
        format!("in namespace `{ns}`")
    }
}

/// HG001: every backendRef resolves to a Service in the stream.
pub fn backend_ref_resolves<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    // A stream without any Service is partial: its backends live elsewhere.
    if ctx.index.services().next().is_none() {
        return out;
    }
    for route in ctx.index.http_routes() {
        for b in backend_refs(route) {
            if !b.is_service() {
                continue;
            }
            let ns = b.namespace(route);
            if ctx.index.find("", "Service", ns, b.name()).is_none() {
                out.push(finding(
                    route,
                    format!("{}.name", b.path),
                    format!(
                        "backendRef `{}` does not resolve to a Service {} of the stream",
                        b.name(),
                        in_namespace(ns)
                    ),
                ));
            }
        }
    }
    out
}

/// HG002: every parentRef resolves to a Gateway whose listener accepts the
/// route (the Gateway/route handshake: listener name, namespaces, kinds).
pub fn parent_ref_accepted<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    // A stream without any Gateway is partial: its Gateways live elsewhere.
    if ctx.index.gateways().next().is_none() {
        return out;
    }
    for route in ctx.index.http_routes() {
        let refs = route.object["spec"]["parentRefs"]
            .as_array()
            .into_iter()
            .flatten();
        for (i, parent) in refs.enumerate() {
            let path = format!("spec.parentRefs[{i}]");
            let group = parent["group"]
                .as_str()
                .unwrap_or("gateway.networking.k8s.io");
            let kind = parent["kind"].as_str().unwrap_or("Gateway");
            if group != "gateway.networking.k8s.io" || kind != "Gateway" {
                continue;
            }
            let name = parent["name"].as_str().unwrap_or("");
            let ns = parent["namespace"].as_str().unwrap_or(route.namespace());
            let Some(gateway) = ctx.index.find(group, kind, ns, name) else {
                out.push(finding(
                    route,
                    format!("{path}.name"),
                    format!(
                        "parentRef `{name}` does not resolve to a Gateway {} of the stream",
                        in_namespace(ns)
                    ),
                ));
                continue;
            };
            let listeners: Vec<&serde_json::Value> = gateway.object["spec"]["listeners"]
                .as_array()
                .into_iter()
                .flatten()
                .collect();
            let section = parent["sectionName"].as_str();
            let candidates: Vec<_> = listeners
                .iter()
                .filter(|l| section.is_none_or(|s| l["name"] == s))
                .collect();
            if candidates.is_empty() {
                out.push(finding(
                    route,
                    format!("{path}.sectionName"),
                    format!(
                        "Gateway `{name}` has no listener named `{}`",
                        section.unwrap_or("")
                    ),
                ));
                continue;
            }
            let reasons: Vec<String> = candidates
                .iter()
                .filter_map(|l| listener_refusal(ctx, gateway, l, route))
                .collect();
            if reasons.len() == candidates.len() {
                out.push(finding(
                    route,
                    path,
                    format!(
                        "Gateway `{name}` does not accept this route: {}",
                        reasons.join("; ")
                    ),
                ));
            }
        }
    }
    out
}

/// Why a listener would refuse the route, or None if it accepts it.
fn listener_refusal(
    ctx: &LintContext,
    gateway: &Manifest,
    listener: &serde_json::Value,
    route: &Manifest,
) -> Option<String> {
    let lname = listener["name"].as_str().unwrap_or("");
    let protocol = listener["protocol"].as_str().unwrap_or("");
    if !matches!(protocol, "HTTP" | "HTTPS") {
        return Some(format!(
            "listener `{lname}` speaks {protocol}, not HTTP or HTTPS"
        ));
    }
    let allowed = &listener["allowedRoutes"];
    if let Some(kinds) = allowed["kinds"].as_array() {
        if !kinds.iter().any(|k| k["kind"] == "HTTPRoute") {
            return Some(format!("listener `{lname}` allows no HTTPRoute kind"));
        }
    }
    let from = allowed["namespaces"]["from"].as_str().unwrap_or("Same");
    let route_ns = route.namespace();
    match from {
        "All" => None,
        "Same" if route_ns == gateway.namespace() => None,
        "Same" => Some(format!("listener `{lname}` allows routes from its own namespace `{}` only, and the route is in `{route_ns}`", gateway.namespace())),
        "Selector" => {
            let selector = &allowed["namespaces"]["selector"]["matchLabels"];
            match ctx.index.namespace(route_ns) {
                Some(ns) => {
                    let labels = &ns.object["metadata"]["labels"];
                    let matches = selector.as_object().is_some_and(|sel| sel.iter().all(|(k, v)| labels.get(k) == Some(v)));
                    (!matches).then(|| format!("listener `{lname}` allows namespaces labelled {selector}, and namespace `{route_ns}` is not"))
                }
                // Outside the stream: the labels the values state, if any
                // (HG029 says when there are none).
                None => {
                    let stated = stated_namespace_labels(route)?;
                    let matches = selector.as_object().is_some_and(|sel| sel.iter().all(|(k, v)| stated.get(k) == Some(v)));
                    (!matches).then(|| format!("listener `{lname}` allows namespaces labelled {selector}, and namespace `{route_ns}` is not, by the labels its {ROUTE_NAMESPACE_LABELS} annotation states (gateway.allowedRoutes.namespaceLabels.{route_ns})"))
                }
            }
        }
        other => Some(format!("listener `{lname}` has allowedRoutes.namespaces.from `{other}`")),
    }
}

/// HG003: every ExternalName host outside the cluster has a ServiceEntry with port 80 HTTP.
pub fn service_entry_for_external_host<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    // Hosts declared with port 80 HTTP, collected once: a render of many
    // applications has thousands of Services and ServiceEntries.
    let covered: std::collections::HashSet<&str> = ctx
        .index
        .service_entries()
        .filter(|se| {
            se.object["spec"]["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["number"] == 80 && p["protocol"] == "HTTP")
        })
        .flat_map(|se| {
            se.object["spec"]["hosts"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|h| h.as_str())
        })
        .collect();
    let mut out = Vec::new();
    for svc in ctx.index.external_name_services() {
        let host = svc.object["spec"]["externalName"].as_str().unwrap_or("");
        if !covered.contains(host) && !in_cluster_service_host(host) {
            out.push(finding(
                svc,
                "spec.externalName",
                format!("ExternalName host `{host}` has no ServiceEntry with port 80 HTTP"),
            ));
        }
    }
    out
}

/// Whether `host` is the name Istio gives a Kubernetes Service of this
/// cluster, `<name>.<namespace>.svc.cluster.local`: istiod builds that
/// Service's Envoy cluster from the Kubernetes registry, so an ExternalName
/// alias of it needs no ServiceEntry (a MESH_EXTERNAL one would shadow the
/// real Service). Istio 1.24.6: `ConvertService` in
/// pilot/pkg/serviceregistry/kube/conversion.go makes an ExternalName a
/// `model.Alias` of `spec.externalName`, `GetDestinationCluster` in
/// pilot/pkg/networking/core/route/route.go routes it to
/// `outbound|<port>||<externalName>`, and `ServiceHostname` (same
/// conversion.go) names Services `name.namespace.svc.<domain suffix>`, whose
/// default is cluster.local (`DefaultClusterLocalDomain` in
/// pkg/config/constants/constants.go). Short forms (`name.namespace`) are a
/// DNS search-path convenience Istio does not apply to hosts, so they stay
/// external.
fn in_cluster_service_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    matches!(
        labels.as_slice(),
        [name, namespace, "svc", "cluster", "local"]
            if dns::label_problem(name).is_none() && dns::label_problem(namespace).is_none()
    )
}

/// HG004: with circuit breaking on, every ExternalName Service has a
/// HG004: with circuit breaking on, every spoke host a Service aliases has
/// a DestinationRule (the one the ingress gateway applies).
pub fn destination_rule_per_external_service<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let services: Vec<&Manifest> = ctx.index.external_name_services().collect();
    let rule_hosts = HostSet::new(
        ctx.index
            .destination_rules()
            .filter_map(|dr| dr.object["spec"]["host"].as_str()),
    );
    let with_dr: Vec<bool> = services
        .iter()
        .map(|s| rule_hosts.covers(s.object["spec"]["externalName"].as_str().unwrap_or("")))
        .collect();
    // From values we know whether it is on; from a bare stream, any
    // DestinationRule on a spoke host says it is.
    let on = match ctx.values {
        Some(v) => v.plan.apps.iter().any(|a| a.circuit_breaking),
        None => with_dr.iter().any(|&b| b),
    };
    if !on {
        return Vec::new();
    }
    services
        .into_iter()
        .zip(with_dr)
        .filter(|(_, has)| !has)
        .map(|(svc, _)| {
            let target = svc.object["spec"]["externalName"].as_str().unwrap_or("");
            let mut f = finding(svc, "spec.externalName", format!("circuit breaking is on, but no DestinationRule has host `{target}`: Service `{}` is an alias of that host, whose rule governs the traffic sent to it", svc.name()));
            f.values_key = Some("gateway.circuitBreaking.enabled".into());
            f
        })
        .collect()
}

/// DestinationRule hosts, exact or `*` wildcards, looked up without a scan
/// per host (a render of 500 applications has thousands of each).
struct HostSet<'a> {
    exact: HashSet<&'a str>,
    wildcard_suffixes: Vec<&'a str>,
}

impl<'a> HostSet<'a> {
    fn new(hosts: impl Iterator<Item = &'a str>) -> Self {
        let mut set = HostSet {
            exact: HashSet::new(),
            wildcard_suffixes: Vec::new(),
        };
        for host in hosts {
            match host.strip_prefix('*') {
                Some(suffix) => set.wildcard_suffixes.push(suffix),
                None => {
                    set.exact.insert(host);
                }
            }
        }
        set
    }

    /// Whether a host of the set (exact, or a `*.` wildcard) covers `host`.
    fn covers(&self, host: &str) -> bool {
        !host.is_empty()
            && (self.exact.contains(host)
                || self.wildcard_suffixes.iter().any(|s| host.ends_with(s)))
    }
}

/// The DestinationRules of spoke hosts (the targets of ExternalName
/// Services), each with the host.
fn external_destination_rules<'a>(ctx: &LintContext<'a>) -> Vec<(&'a Manifest, &'a str)> {
    let targets: HashSet<&str> = ctx
        .index
        .external_name_services()
        .filter_map(|s| s.object["spec"]["externalName"].as_str())
        .collect();
    ctx.index
        .destination_rules()
        .filter_map(|dr| {
            let host = dr.object["spec"]["host"].as_str()?;
            let covers_a_target = match host.strip_prefix('*') {
                Some(suffix) => targets.iter().any(|t| t.ends_with(suffix)),
                None => targets.contains(host),
            };
            covers_a_target.then_some((dr, host))
        })
        .collect()
}

/// HG017: a DestinationRule whose host is an ExternalName Service.
pub fn destination_rule_on_alias<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for dr in ctx.index.destination_rules() {
        let Some(svc) = ctx.index.destination_rule_service(dr) else {
            continue;
        };
        if svc.object["spec"]["type"] != "ExternalName" {
            continue;
        }
        let target = svc.object["spec"]["externalName"].as_str().unwrap_or("");
        let mut f = finding(dr, "spec.host", format!("host `{}` is the ExternalName Service `{}`, an alias of `{target}` since Istio 1.21: this DestinationRule applies to no traffic", dr.object["spec"]["host"].as_str().unwrap_or(""), svc.name()));
        f.help = Some(format!(
            "set spec.host to `{target}`, the host the Service is an alias of"
        ));
        out.push(f);
    }
    out
}

/// HG018: policy that assumes the ingress gateway sends traffic through a
/// waypoint, where it does not.
pub fn ingress_assumes_waypoint<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    let is_waypoint = |g: &Manifest| g.object["spec"]["gatewayClassName"] == "istio-waypoint";
    let services: HashMap<(&str, &str), &Manifest> = ctx
        .index
        .services()
        .map(|s| ((s.namespace(), s.name()), s))
        .collect();
    // Services the HTTPRoutes of non-waypoint Gateways send traffic to.
    let mut ingress_backends: Vec<&Manifest> = Vec::new();
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    for route in ctx.index.http_routes() {
        let from_ingress = route.object["spec"]["parentRefs"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| {
                let ns = p["namespace"].as_str().unwrap_or(route.namespace());
                let name = p["name"].as_str().unwrap_or("");
                ctx.index
                    .gateways()
                    .any(|g| g.name() == name && g.namespace() == ns && !is_waypoint(g))
            });
        if !from_ingress {
            continue;
        }
        for b in backend_refs(route) {
            if !b.is_service() {
                continue;
            }
            let ns = b.namespace(route);
            if let Some(&svc) = services.get(&(ns, b.name())) {
                if seen.insert((svc.namespace(), svc.name())) {
                    ingress_backends.push(svc);
                }
            }
        }
    }
    for svc in &ingress_backends {
        let labels = &svc.object["metadata"]["labels"];
        if svc.object["spec"]["type"] == "ExternalName"
            && labels["istio.io/ingress-use-waypoint"] == "true"
        {
            out.push(finding(svc, "metadata.labels.istio.io/ingress-use-waypoint", format!("Service `{}` asks gateways to use its waypoint, but it is an alias of the DNS host `{}`: gateways call no waypoint for DNS-resolved hosts", svc.name(), svc.object["spec"]["externalName"].as_str().unwrap_or(""))));
        }
    }
    // Policies bound to a waypoint: they see only traffic that crosses it.
    for policy in ctx
        .index
        .all
        .iter()
        .filter(|m| m.kind() == "AuthorizationPolicy" && m.group() == "security.istio.io")
    {
        for target in policy.object["spec"]["targetRefs"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if target["kind"] != "Gateway" {
                continue;
            }
            let name = target["name"].as_str().unwrap_or("");
            let Some(waypoint) = ctx.index.gateways().find(|g| {
                g.name() == name && g.namespace() == policy.namespace() && is_waypoint(g)
            }) else {
                continue;
            };
            let bypass: Vec<&str> = ingress_backends
                .iter()
                .filter(|s| s.namespace() == waypoint.namespace())
                .filter(|s| {
                    s.object["spec"]["type"] == "ExternalName"
                        || s.object["metadata"]["labels"]["istio.io/ingress-use-waypoint"] != "true"
                })
                .map(|s| s.name())
                .collect();
            if !bypass.is_empty() {
                out.push(finding(policy, "spec.targetRefs", format!("bound to waypoint `{name}`, which ingress traffic to {} does not cross: the policy does not apply to it", bypass.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))));
            }
        }
    }
    out
}

/// HG005: maxEjectionPercent below 100 on a single-endpoint ExternalName.
pub fn max_ejection_percent<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for (dr, host) in external_destination_rules(ctx) {
        let od = &dr.object["spec"]["trafficPolicy"]["outlierDetection"];
        if od.is_null() {
            continue;
        }
        // Istio's default is 10%.
        let percent = od["maxEjectionPercent"].as_i64().unwrap_or(10);
        if percent < 100 {
            let mut f = finding(dr, "spec.trafficPolicy.outlierDetection.maxEjectionPercent", format!("maxEjectionPercent is {percent} on spoke host `{host}`, a single endpoint: Istio will never eject it"));
            f.values_key =
                Some("gateway.circuitBreaking.outlierDetection.maxEjectionPercent".into());
            out.push(f);
        }
    }
    out
}

/// HG006: h2UpgradePolicy other than DO_NOT_UPGRADE towards HTTP/1.1 spokes.
pub fn h2_upgrade_policy<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for (dr, host) in external_destination_rules(ctx) {
        let policy = dr.object["spec"]["trafficPolicy"]["connectionPool"]["http"]
            ["h2UpgradePolicy"]
            .as_str()
            .unwrap_or("DEFAULT (unset)");
        if policy != "DO_NOT_UPGRADE" {
            let mut f = finding(
                dr,
                "spec.trafficPolicy.connectionPool.http.h2UpgradePolicy",
                format!("h2UpgradePolicy is {policy} towards `{host}`, an HTTP/1.1 spoke router"),
            );
            f.values_key =
                Some("gateway.circuitBreaking.connectionPool.http.h2UpgradePolicy".into());
            out.push(f);
        }
    }
    out
}

/// HG007: a spoke reached on 443 or with TLS settings in its DestinationRule.
pub fn spoke_over_tls<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for svc in ctx.index.external_name_services() {
        for (i, port) in svc.object["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            if port["port"] == 443 || port["targetPort"] == 443 {
                out.push(finding(
                    svc,
                    format!("spec.ports[{i}]"),
                    format!(
                        "ExternalName Service `{}` reaches its spoke on port 443",
                        svc.name()
                    ),
                ));
            }
        }
    }
    for se in ctx.index.service_entries() {
        let ports = se.object["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate();
        for (i, port) in ports {
            let protocol = port["protocol"].as_str().unwrap_or("");
            if port["number"] == 443 || matches!(protocol, "HTTPS" | "TLS") {
                out.push(finding(
                    se,
                    format!("spec.ports[{i}]"),
                    format!(
                        "ServiceEntry `{}` reaches a spoke over TLS (port {}, {protocol})",
                        se.name(),
                        port["number"]
                    ),
                ));
            }
        }
    }
    for (dr, _) in external_destination_rules(ctx) {
        let tp = &dr.object["spec"]["trafficPolicy"];
        if !tp["tls"].is_null() {
            out.push(finding(
                dr,
                "spec.trafficPolicy.tls",
                "DestinationRule sets TLS towards a spoke",
            ));
        }
        let levels = tp["portLevelSettings"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate();
        for (i, level) in levels {
            if !level["tls"].is_null() {
                out.push(finding(
                    dr,
                    format!("spec.trafficPolicy.portLevelSettings[{i}].tls"),
                    "DestinationRule sets TLS towards a spoke",
                ));
            }
        }
    }
    out
}

/// HG008: the `/api` rule spread over more than one spoke without opt-in.
pub fn api_rule_spread<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for route in ctx.index.http_routes() {
        if route.object["metadata"]["annotations"][API_WEIGHTS_OPT_IN] == "explicit" {
            continue;
        }
        for (path, rule) in rules(route) {
            if !is_api_rule(rule) {
                continue;
            }
            let live = rule["backendRefs"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|b| b["weight"].as_i64().unwrap_or(1) > 0)
                .count();
            if live > 1 {
                let mut f = finding(route, format!("{path}.backendRefs"), format!("the /api rule sends traffic to {live} backends; Socket.IO polling and its WebSocket upgrade may land on different spokes"));
                f.values_key = Some("gateway.apiWeights".into());
                out.push(f);
            }
        }
    }
    out
}

/// HG009: a rule whose weights are all zero.
pub fn all_zero_weights<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for route in ctx.index.http_routes() {
        for (path, rule) in rules(route) {
            let Some(backends) = rule["backendRefs"].as_array() else {
                continue;
            };
            if !backends.is_empty()
                && backends
                    .iter()
                    .all(|b| b["weight"].as_i64().unwrap_or(1) == 0)
            {
                let mut f = finding(
                    route,
                    format!("{path}.backendRefs"),
                    "every backendRef of this rule weighs 0: it answers 500 to every request",
                );
                f.values_key = Some(
                    if is_api_rule(rule) {
                        "gateway.apiWeights"
                    } else {
                        "gateway.weights"
                    }
                    .into(),
                );
                out.push(f);
            }
        }
    }
    for vs in virtual_services(ctx) {
        for (path, route) in vs_routes(vs) {
            let Some(destinations) = route["route"].as_array() else {
                continue;
            };
            // A lone destination takes everything whatever its weight.
            if destinations.len() > 1
                && destinations
                    .iter()
                    .all(|d| d["weight"].as_i64().unwrap_or(0) == 0)
            {
                out.push(finding(
                    vs,
                    format!("{path}.route"),
                    "every destination of this route weighs 0: it answers 500 to every request",
                ));
            }
        }
    }
    out
}

fn virtual_services<'a>(ctx: &LintContext<'a>) -> impl Iterator<Item = &'a Manifest> + 'a {
    ctx.index.of("networking.istio.io", "VirtualService")
}

/// The `http` routes of a VirtualService, with their paths.
fn vs_routes(vs: &Manifest) -> impl Iterator<Item = (String, &serde_json::Value)> {
    vs.object["spec"]["http"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, r)| (format!("spec.http[{i}]"), r))
}

/// HG010: a backendRef to an ExternalName Service without a Host rewrite.
pub fn host_rewrite<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for route in ctx.index.http_routes() {
        for b in backend_refs(route) {
            if !b.is_service() {
                continue;
            }
            let Some(svc) = ctx.index.find("", "Service", b.namespace(route), b.name()) else {
                continue;
            };
            if svc.object["spec"]["type"] != "ExternalName" {
                continue;
            }
            if !sets_host(&b.value["filters"]) && !sets_host(&b.rule["filters"]) {
                out.push(finding(route, b.path.clone(), format!("backendRef `{}` goes to an ExternalName Service without setting the Host header; the spoke router routes by Host", b.name())));
            }
        }
    }
    for vs in virtual_services(ctx) {
        for (path, route) in vs_routes(vs) {
            for (j, d) in route["route"].as_array().into_iter().flatten().enumerate() {
                let host = d["destination"]["host"].as_str().unwrap_or("");
                let Some(svc) = ctx.index.service_for_host(host, vs.namespace()) else {
                    continue;
                };
                if svc.object["spec"]["type"] != "ExternalName" {
                    continue;
                }
                if crate::manifest::host_rewrite::istio(route, d).is_none() {
                    out.push(finding(vs, format!("{path}.route[{j}]"), format!("destination `{host}` is an ExternalName Service, and the Host header is not set; the spoke router routes by Host")));
                }
            }
        }
    }
    out
}

/// HG011: DestinationRules enforced by a waypoint need the namespace in
/// ambient mode and using that waypoint.
pub fn waypoint_enforces_destination_rules<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    let mut namespaces: Vec<&str> = external_destination_rules(ctx)
        .iter()
        .map(|(dr, _)| dr.namespace())
        .collect();
    namespaces.dedup();
    for ns_name in namespaces {
        let Some(ns) = ctx.index.namespace(ns_name) else {
            continue;
        };
        let labels = &ns.object["metadata"]["labels"];
        let has_waypoint = ctx.index.gateways().any(|g| {
            g.namespace() == ns_name && g.object["spec"]["gatewayClassName"] == "istio-waypoint"
        });
        // Without a waypoint or the ambient label, the DestinationRules are
        // applied by a client proxy (an injected gateway): not this rule's case.
        if !has_waypoint && labels["istio.io/dataplane-mode"] != "ambient" {
            continue;
        }
        if labels["istio.io/dataplane-mode"] != "ambient" {
            out.push(finding(ns, "metadata.labels", format!("namespace `{ns_name}` holds DestinationRules for a waypoint but lacks the label istio.io/dataplane-mode: ambient")));
        }
        match labels["istio.io/use-waypoint"].as_str() {
            None => out.push(finding(ns, "metadata.labels", format!("namespace `{ns_name}` holds DestinationRules for a waypoint but lacks the label istio.io/use-waypoint"))),
            Some(waypoint) => {
                let exists = ctx.index.gateways().any(|g| g.name() == waypoint && g.namespace() == ns_name && g.object["spec"]["gatewayClassName"] == "istio-waypoint");
                if !exists {
                    out.push(finding(ns, "metadata.labels.istio.io/use-waypoint", format!("namespace `{ns_name}` uses waypoint `{waypoint}`, which is not an istio-waypoint Gateway in the stream")));
                }
            }
        }
    }
    out
}

/// HG012: hosts outside the configured domains (needs the values).
pub fn host_outside_domain<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let Some(values) = ctx.values else {
        return Vec::new();
    };
    let v = &values.loaded.values;
    let mut out = Vec::new();
    let domain = values.plan.hub_domain.as_str();
    for route in ctx.index.of("route.openshift.io", "Route") {
        let host = route.object["spec"]["host"].as_str().unwrap_or("");
        // A Route with its own certificate is a host chosen on purpose.
        if has_own_certificate(route) {
            continue;
        }
        if !domain.is_empty() && !host.ends_with(&format!(".{domain}")) {
            let mut f = finding(
                route,
                "spec.host",
                format!("host `{host}` is outside the hub apps domain `{domain}`"),
            );
            f.values_key = Some("app.host".into());
            out.push(f);
        }
    }
    for (spoke, cluster) in &v.clusters {
        if cluster.domain.is_empty()
            || cluster.host.is_empty()
            || cluster.host.ends_with(&format!(".{}", cluster.domain))
        {
            continue;
        }
        let svc = ctx
            .index
            .external_name_services()
            .find(|s| s.object["spec"]["externalName"] == cluster.host.as_str());
        if let Some(svc) = svc {
            let mut f = finding(
                svc,
                "spec.externalName",
                format!(
                    "spoke `{spoke}` host `{}` is outside its apps domain `{}`",
                    cluster.host, cluster.domain
                ),
            );
            f.values_key = Some(format!("clusters.{spoke}.host"));
            out.push(f);
        }
    }
    out
}

/// HG013: names Istio or OpenShift derive from an object that would be too
/// long (the objects' own names are checked by validation).
pub fn derived_names_valid<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for g in ctx.index.gateways() {
        // Istio names the Deployment and Service it provisions `<name>-<class>`;
        // a missing class is the schema's to report.
        let class = g.object["spec"]["gatewayClassName"].as_str().unwrap_or("");
        if class.is_empty() {
            continue;
        }
        let derived = format!("{}-{class}", g.name());
        if let Some(problem) = dns::dns1035_label_problem(&derived) {
            out.push(finding(g, "metadata.name", format!("Istio would name this Gateway's Deployment and Service `{derived}`, which is not valid: {problem}")));
        }
    }
    for route in ctx.index.of("route.openshift.io", "Route") {
        // Without spec.host, the router makes `<name>-<namespace>` the first label.
        if route.object["spec"]["host"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            let label = format!("{}-{}", route.name(), route.namespace());
            if label.len() > 63 {
                out.push(finding(route, "spec.host", format!("the router would generate a host starting `{label}`, {} characters; a DNS label holds 63", label.len())));
            }
        }
    }
    out
}

/// HG014: the same kind, namespace and name twice.
pub fn duplicate_objects<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut seen: HashMap<(&str, &str, &str, &str), &Manifest> = HashMap::new();
    let mut out = Vec::new();
    for m in ctx.index.all {
        let key = (m.group(), m.kind(), m.namespace(), m.name());
        if let Some(first) = seen.get(&key) {
            out.push(finding(
                m,
                "metadata.name",
                format!(
                    "{} is also defined at {}; the later one silently replaces it",
                    m.display_name(),
                    first.place()
                ),
            ));
        } else {
            seen.insert(key, m);
        }
    }
    out
}

/// HG015: a backendRef to another namespace needs a ReferenceGrant there.
pub fn reference_grant_for_cross_namespace<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for route in ctx.index.http_routes() {
        for b in backend_refs(route) {
            let target_ns = b.namespace(route);
            if !b.is_service() || target_ns == route.namespace() {
                continue;
            }
            let granted = ctx
                .index
                .of("gateway.networking.k8s.io", "ReferenceGrant")
                .any(|g| {
                    let spec = &g.object["spec"];
                    g.namespace() == target_ns
                        && spec["from"].as_array().into_iter().flatten().any(|f| {
                            f["group"] == "gateway.networking.k8s.io"
                                && f["kind"] == "HTTPRoute"
                                && f["namespace"] == route.namespace()
                        })
                        && spec["to"].as_array().into_iter().flatten().any(|t| {
                            t["group"].as_str().unwrap_or("").is_empty()
                                && t["kind"] == "Service"
                                && t["name"].as_str().is_none_or(|n| n == b.name())
                        })
                });
            if !granted {
                out.push(finding(route, b.path.clone(), format!("backendRef `{}` is in namespace `{target_ns}`, which grants no HTTPRoute from `{}` access to its Services", b.name(), route.namespace())));
            }
        }
    }
    out
}

/// HG016: TLS at the gateway and at the hub Route agree: an HTTPS listener
/// behind a passthrough or reencrypt Route, an HTTP one behind edge.
pub fn gateway_tls_agrees<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    let gateways: Vec<&Manifest> = ctx.index.gateways().collect();
    let istio_gateways: Vec<&Manifest> = ctx.index.of("networking.istio.io", "Gateway").collect();
    for route in ctx.index.of("route.openshift.io", "Route") {
        let service = route.object["spec"]["to"]["name"].as_str().unwrap_or("");
        let target = &route.object["spec"]["port"]["targetPort"];
        let termination = route.object["spec"]["tls"]["termination"]
            .as_str()
            .unwrap_or("");
        // The protocol the gateway speaks on the Route's target port.
        let mut protocol = None;
        for g in &gateways {
            let class = g.object["spec"]["gatewayClassName"].as_str().unwrap_or("");
            if format!("{}-{class}", g.name()) != service || g.namespace() != route.namespace() {
                continue;
            }
            for l in g.object["spec"]["listeners"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if &l["port"] == target || l["name"] == *target {
                    protocol = l["protocol"].as_str();
                }
            }
        }
        for g in &istio_gateways {
            if g.object["spec"]["selector"]["istio"] != service
                || g.namespace() != route.namespace()
            {
                continue;
            }
            // The injected gateway's Service maps http2 to 80 and https to 443.
            let port = match target.as_str() {
                Some("http2") => Some(80),
                Some("https") => Some(443),
                _ => target.as_i64(),
            };
            for server in g.object["spec"]["servers"].as_array().into_iter().flatten() {
                if server["port"]["number"].as_i64() == port {
                    protocol = server["port"]["protocol"].as_str();
                }
            }
        }
        let problem = match (protocol, termination) {
            (Some("HTTPS"), "edge") => Some("the Route terminates TLS at the edge and sends plain HTTP to the gateway's HTTPS listener; use passthrough or reencrypt"),
            (Some("HTTP"), "passthrough") => Some("the Route passes TLS through to the gateway's plain HTTP listener; use edge, or point it at the HTTPS listener"),
            (Some("HTTP"), "reencrypt") => Some("the Route re-encrypts towards the gateway's plain HTTP listener; use edge, or point it at the HTTPS listener"),
            _ => None,
        };
        if let Some(problem) = problem {
            let mut f = finding(route, "spec.tls.termination", problem);
            f.values_key = Some("route.tls.termination".into());
            out.push(f);
        }
    }
    out
}

/// HG026: a VirtualService bound to `mesh` (the sidecar egress recipe) in a
/// namespace whose pods run in ambient mode, where no sidecar applies it.
pub fn mesh_virtual_service_in_ambient<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for vs in ctx.index.of("networking.istio.io", "VirtualService") {
        let Some(ns) = ctx.index.namespace(vs.namespace()) else {
            continue;
        };
        if ns.object["metadata"]["labels"]["istio.io/dataplane-mode"] != "ambient" {
            continue;
        }
        let gateways = vs.object["spec"]["gateways"]
            .as_array()
            .into_iter()
            .flatten();
        for (i, g) in gateways.enumerate() {
            if g == "mesh" {
                out.push(finding(vs, format!("spec.gateways[{i}]"), format!("bound to `mesh`, but namespace `{}` is ambient (istio.io/dataplane-mode: ambient): its pods have no sidecar to apply this route, so their traffic does not take it", vs.namespace())));
            }
        }
    }
    out
}

/// What a route claims: (API, host, parent, canonical match).
type Claim = (&'static str, String, String, String);

/// One route's claim on a host, parent and match, with where it sits.
struct Claimant<'a> {
    route: &'a Manifest,
    path: String,
    /// Listener name and port of a parentRef (None: every listener).
    section: Option<String>,
    port: Option<i64>,
}

const GATEWAY_API_CLAIM: &str = "gateway-api";
const ISTIO_CLAIM: &str = "istio";

/// HG030: two HTTPRoutes (or two VirtualServices) claim the same host,
/// parent and match, so the API hands it to one and the other never serves.
pub fn conflicting_routes<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut claims: indexmap::IndexMap<Claim, Vec<Claimant<'a>>> = indexmap::IndexMap::new();
    for route in ctx.index.http_routes() {
        let parents = http_route_parents(route);
        let hosts = lowercase_list(&route.object["spec"]["hostnames"]);
        for (rule_path, rule) in rules(route) {
            for (path, m) in matches_or_catch_all(rule, "matches", &rule_path) {
                let key = gateway_api_match(m);
                for host in &hosts {
                    for (parent, section, port) in &parents {
                        claims
                            .entry((GATEWAY_API_CLAIM, host.clone(), parent.clone(), key.clone()))
                            .or_default()
                            .push(Claimant {
                                route,
                                path: path.clone(),
                                section: section.clone(),
                                port: *port,
                            });
                    }
                }
            }
        }
    }
    for vs in virtual_services(ctx) {
        let gateways = virtual_service_gateways(vs);
        let hosts = lowercase_list(&vs.object["spec"]["hosts"]);
        for (route_path, route) in vs_routes(vs) {
            for (path, m) in matches_or_catch_all(route, "match", &route_path) {
                let key = canonical(&strip_name(m)).to_string();
                for host in &hosts {
                    for gateway in &gateways {
                        claims
                            .entry((ISTIO_CLAIM, host.clone(), gateway.clone(), key.clone()))
                            .or_default()
                            .push(Claimant {
                                route: vs,
                                path: path.clone(),
                                section: None,
                                port: None,
                            });
                    }
                }
            }
        }
    }

    let mut reported: HashSet<(*const Manifest, *const Manifest, &str)> = HashSet::new();
    let mut out = Vec::new();
    for ((api, host, parent, key), claimants) in &claims {
        for (i, later) in claimants.iter().enumerate() {
            for earlier in &claimants[..i] {
                if std::ptr::eq(earlier.route, later.route)
                    || !compatible(&earlier.section, &later.section)
                    || !compatible(&earlier.port, &later.port)
                    || !reported.insert((earlier.route, later.route, &later.path))
                {
                    continue;
                }
                let host = if host.is_empty() {
                    "every host of the listener".to_string()
                } else {
                    format!("host `{host}`")
                };
                let (parent, winner) = if *api == GATEWAY_API_CLAIM {
                    (
                        format!("parent `{parent}`"),
                        gateway_api_winner(earlier.route, later.route),
                    )
                } else {
                    (
                        format!("gateway `{parent}`"),
                        istio_winner(earlier.route, later.route, parent == "mesh"),
                    )
                };
                out.push(finding(
                    later.route,
                    later.path.clone(),
                    format!(
                        "claims the same {host}, {parent} and match `{}` as {} `{}` ({}); {winner}, and the other never serves it",
                        describe_match(key),
                        earlier.route.kind(),
                        qualified(earlier.route),
                        earlier.route.place(),
                    ),
                ));
            }
        }
    }
    out
}

fn qualified(m: &Manifest) -> String {
    format!("{}/{}", m.namespace(), m.name())
}

fn compatible<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Hosts in lowercase; none means every host (`""`).
fn lowercase_list(v: &serde_json::Value) -> Vec<String> {
    let hosts: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h.as_str())
        .map(|h| h.to_ascii_lowercase())
        .collect();
    if hosts.is_empty() {
        vec![String::new()]
    } else {
        hosts
    }
}

/// The matches of a rule with their paths; none is one catch-all match.
fn matches_or_catch_all<'v>(
    rule: &'v serde_json::Value,
    field: &str,
    rule_path: &str,
) -> Vec<(String, &'v serde_json::Value)> {
    static CATCH_ALL: serde_json::Value = serde_json::Value::Null;
    let matches: Vec<_> = rule[field]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(j, m)| (format!("{rule_path}.{field}[{j}]"), m))
        .collect();
    if matches.is_empty() {
        vec![(rule_path.to_string(), &CATCH_ALL)]
    } else {
        matches
    }
}

/// An HTTPRoute's parents: (`namespace/name`, sectionName, port), with
/// Gateway API's defaults (kind Gateway, the route's namespace).
fn http_route_parents(route: &Manifest) -> Vec<(String, Option<String>, Option<i64>)> {
    route.object["spec"]["parentRefs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let kind = p["kind"].as_str().unwrap_or("Gateway");
            let group = p["group"].as_str().unwrap_or("gateway.networking.k8s.io");
            let ns = p["namespace"].as_str().unwrap_or(route.namespace());
            let name = p["name"].as_str().unwrap_or("");
            let parent = if kind == "Gateway" && group == "gateway.networking.k8s.io" {
                format!("{ns}/{name}")
            } else {
                format!("{kind}.{group} {ns}/{name}")
            };
            (
                parent,
                p["sectionName"].as_str().map(str::to_string),
                p["port"].as_i64(),
            )
        })
        .collect()
}

/// A Gateway API match in one canonical form, with the API's defaults
/// (path PathPrefix `/`, header and query types Exact; header names are
/// case-insensitive).
fn gateway_api_match(m: &serde_json::Value) -> String {
    let path = &m["path"];
    let mut out = serde_json::json!({
        "path": {
            "type": path["type"].as_str().unwrap_or("PathPrefix"),
            "value": path["value"].as_str().unwrap_or("/"),
        }
    });
    let pairs = |field: &str, fold_case: bool| {
        let mut list: Vec<serde_json::Value> = m[field]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| {
                let name = h["name"].as_str().unwrap_or("");
                serde_json::json!({
                    "type": h["type"].as_str().unwrap_or("Exact"),
                    "name": if fold_case { name.to_ascii_lowercase() } else { name.to_string() },
                    "value": h["value"],
                })
            })
            .collect();
        list.sort_by_key(|v| v.to_string());
        list
    };
    let headers = pairs("headers", true);
    if !headers.is_empty() {
        out["headers"] = headers.into();
    }
    let query = pairs("queryParams", false);
    if !query.is_empty() {
        out["queryParams"] = query.into();
    }
    if let Some(method) = m["method"].as_str() {
        out["method"] = method.into();
    }
    out.to_string()
}

/// A VirtualService's gateways as `namespace/name` (`mesh` stays), with
/// Istio's default `mesh` when none is given.
fn virtual_service_gateways(vs: &Manifest) -> Vec<String> {
    let gateways: Vec<String> = vs.object["spec"]["gateways"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g.as_str())
        .map(|g| {
            if g == "mesh" || g.contains('/') {
                g.to_string()
            } else {
                format!("{}/{g}", vs.namespace())
            }
        })
        .collect();
    if gateways.is_empty() {
        vec!["mesh".into()]
    } else {
        gateways
    }
}

/// An Istio match without its `name`, which matches nothing.
fn strip_name(m: &serde_json::Value) -> serde_json::Value {
    let mut m = m.clone();
    if let Some(o) = m.as_object_mut() {
        o.remove("name");
    }
    if m.is_null() {
        serde_json::json!({})
    } else {
        m
    }
}

/// A JSON value with object keys sorted, so equal matches print alike.
fn canonical(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            serde_json::Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), canonical(&o[k])))
                    .collect(),
            )
        }
        serde_json::Value::Array(a) => a.iter().map(canonical).collect(),
        other => other.clone(),
    }
}

/// A canonical match as a user reads it: `PathPrefix /api, header
/// x-version: v2`, or Istio's match as JSON (`{}`: every request).
fn describe_match(key: &str) -> String {
    let Ok(m) = serde_json::from_str::<serde_json::Value>(key) else {
        return key.to_string();
    };
    let Some(path) = m.get("path") else {
        return if key == "{}" {
            "every request".into()
        } else {
            key.to_string()
        };
    };
    let mut out = format!(
        "{} {}",
        path["type"].as_str().unwrap_or(""),
        path["value"].as_str().unwrap_or("")
    );
    for (field, what) in [("headers", "header"), ("queryParams", "query")] {
        for p in m[field].as_array().into_iter().flatten() {
            let op = if p["type"] == "Exact" {
                ":".to_string()
            } else {
                format!(" ~{}", p["type"].as_str().unwrap_or(""))
            };
            out.push_str(&format!(
                ", {what} {}{op} {}",
                p["name"].as_str().unwrap_or(""),
                p["value"].as_str().unwrap_or("")
            ));
        }
    }
    if let Some(method) = m["method"].as_str() {
        out.push_str(&format!(", method {method}"));
    }
    out
}

fn creation_timestamp(m: &Manifest) -> Option<&str> {
    m.object["metadata"]["creationTimestamp"].as_str()
}

/// Which route Gateway API gives a tied match: "If ties still exist across
/// multiple Routes, matching precedence MUST be determined in order of the
/// following criteria, continuing on ties: The oldest Route based on
/// creation timestamp. The Route appearing first in alphabetical order by
/// "{namespace}/{name}"." (HTTPRouteRule.Matches, apis/v1/httproute_types.go,
/// kubernetes-sigs/gateway-api v1.2.1, unchanged to v1.6.1)
fn gateway_api_winner(a: &Manifest, b: &Manifest) -> String {
    let by_name = std::cmp::min(qualified(a), qualified(b));
    match (creation_timestamp(a), creation_timestamp(b)) {
        (Some(ta), Some(tb)) if ta != tb => {
            let older = if ta < tb { a } else { b };
            format!("Gateway API gives the match to the older route, `{}` (creationTimestamp)", qualified(older))
        }
        _ => format!("Gateway API gives the match to the older route (creationTimestamp: on a cluster, the one already there), on a tie to `{by_name}` (first by namespace/name)"),
    }
}

/// Which VirtualService Istio lets answer a tied match. VirtualServices are
/// ordered oldest first (sortConfigByCreationTime in pilot/pkg/model/config.go,
/// called by mergeVirtualServicesIfNeeded in pilot/pkg/model/virtualservice.go).
/// A gateway's routes for one host are the routes of each in that order,
/// and Envoy takes the first that matches (buildGatewayHTTPRouteConfig in
/// pilot/pkg/networking/core/gateway.go); for sidecars (`mesh`) the first
/// virtual host of a name is kept and later ones are dropped ("duplicate
/// domain from virtual service", BuildSidecarOutboundVirtualHosts in
/// pilot/pkg/networking/core/httproute.go). istio/istio 1.24.6 and 1.30.3.
fn istio_winner(a: &Manifest, b: &Manifest, mesh: bool) -> String {
    let key = |m: &Manifest| (m.name().to_string(), m.namespace().to_string());
    let by_name = if key(a) <= key(b) { a } else { b };
    let how = if mesh {
        "for sidecars Istio keeps only the older VirtualService for the host"
    } else {
        "Istio puts the older VirtualService's routes first and Envoy takes the first that matches"
    };
    match (creation_timestamp(a), creation_timestamp(b)) {
        (Some(ta), Some(tb)) if ta != tb => {
            let older = if ta < tb { a } else { b };
            format!("{how}: `{}` answers (creationTimestamp)", qualified(older))
        }
        _ => format!("{how}: the older one answers (creationTimestamp: on a cluster, the one already there), on a tie `{}` (first by name, then namespace)", qualified(by_name)),
    }
}

#[cfg(test)]
mod conflict_tests {
    use super::*;
    use crate::lint::index::StreamIndex;
    use crate::manifest::parse_stream;

    fn conflicts(stream: &str) -> Vec<String> {
        let manifests = parse_stream("s.yaml", stream).unwrap();
        let ctx = LintContext {
            index: StreamIndex::new(&manifests),
            values: None,
        };
        conflicting_routes(&ctx)
            .into_iter()
            .map(|f| format!("{} {}: {}", f.object.name(), f.path, f.message))
            .collect()
    }

    fn route(name: &str, extra_meta: &str, parent: &str, rules: &str) -> String {
        format!(
            "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: {name}\n  namespace: hub\n{extra_meta}spec:\n  parentRefs: [{parent}]\n  hostnames: [Shop.Example.com]\n  rules: {rules}\n"
        )
    }

    #[test]
    fn a_rule_without_matches_is_the_default_path_prefix_slash() {
        let s = route("b", "", "{name: gw}", "[{backendRefs: []}]")
            + &route(
                "a",
                "",
                "{name: gw, namespace: hub}",
                "[{matches: [{path: {value: /}}]}]",
            );
        let found = conflicts(&s);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("a spec.rules[0].matches[0]: claims the same host `shop.example.com`, parent `hub/gw` and match `PathPrefix /` as HTTPRoute `hub/b` (s.yaml, document 0)"), "{found:?}");
        assert!(
            found[0].contains("on a tie to `hub/a` (first by namespace/name)"),
            "{found:?}"
        );
    }

    #[test]
    fn header_names_fold_case_and_extra_headers_make_another_match() {
        let h = |name: &str, header: &str| {
            route(
                name,
                "",
                "{name: gw}",
                &format!("[{{matches: [{{headers: [{{name: {header}, value: v2}}]}}]}}]"),
            )
        };
        assert_eq!(
            conflicts(&(h("a", "X-Version") + &h("b", "x-version"))).len(),
            1
        );
        let plain = route("c", "", "{name: gw}", "[{}]");
        assert!(conflicts(&(h("a", "x-version") + &plain)).is_empty());
    }

    #[test]
    fn other_listeners_do_not_overlap_but_a_ref_to_every_listener_does() {
        let a = route("a", "", "{name: gw, sectionName: http}", "[{}]");
        let b = route("b", "", "{name: gw, sectionName: https}", "[{}]");
        let all = route("c", "", "{name: gw}", "[{}]");
        assert!(conflicts(&(a.clone() + &b)).is_empty());
        assert_eq!(conflicts(&(a + &all)).len(), 1);
    }

    #[test]
    fn creation_timestamps_name_the_winner() {
        let old = route(
            "z-old",
            "  creationTimestamp: '2026-06-13T19:51:50Z'\n",
            "{name: gw}",
            "[{}]",
        );
        let new = route(
            "a-new",
            "  creationTimestamp: '2026-12-02T07:00:00Z'\n",
            "{name: gw}",
            "[{}]",
        );
        let found = conflicts(&(new + &old));
        assert!(
            found[0].contains("Gateway API gives the match to the older route, `hub/z-old`"),
            "{found:?}"
        );
    }

    #[test]
    fn virtual_services_conflict_per_host_gateway_and_match() {
        let vs = |name: &str, gateway: &str, m: &str| {
            format!("---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: {name}\n  namespace: hub\nspec:\n  hosts: [shop.example.com]\n  gateways: [{gateway}]\n  http:\n  - {m}route: [{{destination: {{host: x}}}}]\n")
        };
        // A short gateway name is in the VirtualService's namespace.
        let found = conflicts(&(vs("b", "hub/gw", "") + &vs("a", "gw", "")));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("gateway `hub/gw` and match `every request`"),
            "{found:?}"
        );
        assert!(
            found[0].contains("on a tie `hub/a` (first by name, then namespace)"),
            "{found:?}"
        );
        let api = "match: [{uri: {prefix: /api}, name: api}]\n    ";
        let api2 = "match: [{name: other, uri: {prefix: /api}}]\n    ";
        assert_eq!(
            conflicts(&(vs("a", "gw", api) + &vs("b", "gw", api2))).len(),
            1
        );
        assert!(conflicts(&(vs("a", "gw", "") + &vs("b", "other", ""))).is_empty());
        assert!(conflicts(&(vs("a", "gw", api) + &vs("b", "gw", ""))).is_empty());
        let mesh = conflicts(&(vs("a", "mesh", "") + &vs("b", "mesh", "")));
        assert!(
            mesh[0].contains("for sidecars Istio keeps only the older VirtualService for the host"),
            "{mesh:?}"
        );
    }
}

/// Whether a Route brings its own serving certificate (inline or a Secret).
fn has_own_certificate(route: &Manifest) -> bool {
    let tls = &route.object["spec"]["tls"];
    tls["certificate"].as_str().is_some_and(|c| !c.is_empty())
        || tls["externalCertificate"]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
}

/// HG027: an edge or reencrypt Route for a host the router's default
/// (wildcard) certificate does not cover, without a certificate of its own.
pub fn custom_host_certificate<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    // The router's domain is known only from the values.
    let Some(values) = ctx.values else {
        return Vec::new();
    };
    let domain = values.plan.hub_domain.as_str();
    let mut out = Vec::new();
    for route in ctx.index.of("route.openshift.io", "Route") {
        let termination = route.object["spec"]["tls"]["termination"]
            .as_str()
            .unwrap_or("");
        let host = route.object["spec"]["host"].as_str().unwrap_or("");
        if !matches!(termination, "edge" | "reencrypt")
            || host.is_empty()
            || has_own_certificate(route)
        {
            continue;
        }
        // `*.<domain>` covers one label under the domain, no more.
        let covered = host
            .strip_suffix(domain)
            .and_then(|rest| rest.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.'));
        if !covered {
            let mut f = finding(route, "spec.tls", format!("Route `{}` serves `{host}` with {termination} termination and no certificate of its own: the router presents its default certificate, for *.{domain}, which does not match `{host}`", route.name()));
            // The host the user chose; the fix is a route.tls key.
            f.values_key = Some("app.host".into());
            out.push(f);
        }
    }
    out
}

/// HAProxy router's `timeout server` when a Route sets none (openshift/router
/// images/router/haproxy/conf/haproxy-config.template, release-4.19 to 4.22:
/// `ROUTER_DEFAULT_SERVER_TIMEOUT`, default "30s").
const ROUTER_DEFAULT_TIMEOUT_MS: u64 = 30_000;

/// HG028: a Route in front of `/api` (Socket.IO) traffic whose router
/// timeout is not above the router's default.
pub fn api_router_timeout<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    use crate::plan::{haproxy_timeout_ms, ROUTE_TIMEOUT};
    // Hosts whose routes carry an /api rule.
    let mut api_hosts: HashSet<&str> = HashSet::new();
    for route in ctx.index.http_routes() {
        if rules(route).any(|(_, r)| is_api_rule(r)) {
            api_hosts.extend(
                route.object["spec"]["hostnames"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|h| h.as_str()),
            );
        }
    }
    for vs in virtual_services(ctx) {
        let api = vs_routes(vs).any(|(_, r)| {
            r["match"].as_array().into_iter().flatten().any(|m| {
                let uri = &m["uri"];
                ["prefix", "exact"].iter().any(|k| {
                    uri[k]
                        .as_str()
                        .is_some_and(|p| p == "/api" || p.starts_with("/api/"))
                })
            })
        });
        if api {
            api_hosts.extend(
                vs.object["spec"]["hosts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|h| h.as_str()),
            );
        }
    }
    let mut out = Vec::new();
    for route in ctx.index.of("route.openshift.io", "Route") {
        let host = route.object["spec"]["host"].as_str().unwrap_or("");
        if !api_hosts.contains(host) {
            continue;
        }
        let given = route.object["metadata"]["annotations"][ROUTE_TIMEOUT].as_str();
        let problem = match given.map(|t| (t, haproxy_timeout_ms(t))) {
            None => format!("Route `{}` carries /api traffic with the router's default timeout of 30s: Socket.IO long polling and slow API calls are cut off", route.name()),
            Some((t, None)) => format!("Route `{}` sets {ROUTE_TIMEOUT}: {t:?}, which is not an HAProxy time: the router ignores it and cuts /api requests at 30s", route.name()),
            Some((t, Some(ms))) if ms <= ROUTER_DEFAULT_TIMEOUT_MS => format!("Route `{}` carries /api traffic with a router timeout of {t}, not above the router's default 30s: Socket.IO long polling is cut off", route.name()),
            Some(_) => continue,
        };
        let mut f = finding(
            route,
            format!("metadata.annotations.{ROUTE_TIMEOUT}"),
            problem,
        );
        f.values_key = Some("route.annotations".into());
        out.push(f);
    }
    out
}

/// HG029: a route attaching through a namespace selector from a namespace
/// whose labels lint cannot see.
pub fn route_namespace_unchecked<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for route in ctx.index.http_routes() {
        let ns = route.namespace();
        if ctx.index.namespace(ns).is_some() || stated_namespace_labels(route).is_some() {
            continue;
        }
        let refs = route.object["spec"]["parentRefs"]
            .as_array()
            .into_iter()
            .flatten();
        for (i, parent) in refs.enumerate() {
            let gw_ns = parent["namespace"].as_str().unwrap_or(ns);
            let Some(gateway) = ctx.index.find(
                "gateway.networking.k8s.io",
                "Gateway",
                gw_ns,
                parent["name"].as_str().unwrap_or(""),
            ) else {
                continue;
            };
            let section = parent["sectionName"].as_str();
            let selector = gateway.object["spec"]["listeners"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|l| section.is_none_or(|s| l["name"] == s))
                .find(|l| l["allowedRoutes"]["namespaces"]["from"] == "Selector")
                .map(|l| &l["allowedRoutes"]["namespaces"]["selector"]);
            let Some(selector) = selector else {
                continue;
            };
            let mut f = finding(route, format!("spec.parentRefs[{i}]"), format!("Gateway `{}` admits routes from namespaces labelled {}, and namespace `{ns}` is not in the stream: lint cannot check that it exists and carries those labels, and the cluster refuses the route if it does not", gateway.name(), selector["matchLabels"]));
            f.help = Some(format!("render or apply the Namespace with those labels, or state the labels it has on the cluster: --set gateway.allowedRoutes.namespaceLabels.{ns}.<label>=<value>"));
            f.values_key = Some("app.routeNamespace".into());
            out.push(f);
            break;
        }
    }
    out
}

/// Pods a PodDisruptionBudget lets stay down: `minAvailable` (a number or
/// a percentage, rounded up as the disruption controller does) or
/// `maxUnavailable`, out of `replicas`. None when it sets neither.
fn allowed_disruptions(spec: &serde_json::Value, replicas: i64) -> Option<i64> {
    let scaled = |v: &serde_json::Value| -> Option<i64> {
        match v.as_i64() {
            Some(n) => Some(n),
            None => {
                let p: i64 = v.as_str()?.strip_suffix('%')?.parse().ok()?;
                Some((p * replicas + 99) / 100)
            }
        }
    };
    if let Some(min) = scaled(&spec["minAvailable"]) {
        return Some(replicas - min);
    }
    scaled(&spec["maxUnavailable"])
}

/// HG031: a PodDisruptionBudget that lets no pod of its Deployment be
/// evicted at the replica count it is guaranteed.
pub fn disruption_budget_blocks_drain<'a>(ctx: &LintContext<'a>) -> Vec<Finding<'a>> {
    let mut out = Vec::new();
    for pdb in ctx.index.of("policy", "PodDisruptionBudget") {
        let Some(selector) = pdb.object["spec"]["selector"]["matchLabels"].as_object() else {
            continue;
        };
        for d in ctx.index.of("apps", "Deployment") {
            let labels = &d.object["spec"]["template"]["metadata"]["labels"];
            if d.namespace() != pdb.namespace()
                || selector.is_empty()
                || !selector.iter().all(|(k, v)| labels.get(k) == Some(v))
            {
                continue;
            }
            let hpa = ctx
                .index
                .of("autoscaling", "HorizontalPodAutoscaler")
                .find(|h| {
                    h.namespace() == d.namespace()
                        && h.object["spec"]["scaleTargetRef"]["kind"] == "Deployment"
                        && h.object["spec"]["scaleTargetRef"]["name"] == d.name()
                });
            // Kubernetes defaults both to 1.
            let (replicas, from) = match hpa {
                Some(h) => (
                    h.object["spec"]["minReplicas"].as_i64().unwrap_or(1),
                    format!("HorizontalPodAutoscaler `{}` minReplicas", h.name()),
                ),
                None => (
                    d.object["spec"]["replicas"].as_i64().unwrap_or(1),
                    format!("Deployment `{}` replicas", d.name()),
                ),
            };
            let Some(allowed) = allowed_disruptions(&pdb.object["spec"], replicas) else {
                continue;
            };
            if allowed <= 0 {
                let field = if pdb.object["spec"]["minAvailable"].is_null() {
                    "maxUnavailable"
                } else {
                    "minAvailable"
                };
                let mut f = finding(pdb, format!("spec.{field}"), format!("{field} {} leaves no pod of Deployment `{}` to evict at {replicas} guaranteed ({from}): a node drain, and so an OpenShift upgrade, waits on it forever", pdb.object["spec"][field], d.name()));
                f.values_key = Some("gateway.deployment.podDisruptionBudget.minAvailable".into());
                out.push(f);
            }
        }
    }
    out
}

#[cfg(test)]
mod external_host_tests {
    use super::*;
    use crate::lint::index::StreamIndex;
    use crate::manifest::parse_stream;

    fn hg003(external_name: &str) -> Vec<String> {
        let stream = format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: alias, namespace: hub}}\nspec:\n  type: ExternalName\n  externalName: {external_name}\n  ports: [{{name: http, port: 80}}]\n"
        );
        let manifests = parse_stream("s.yaml", &stream).unwrap();
        let ctx = LintContext {
            index: StreamIndex::new(&manifests),
            values: None,
        };
        service_entry_for_external_host(&ctx)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn an_in_cluster_service_host_needs_no_service_entry() {
        assert!(hg003("backend.other.svc.cluster.local").is_empty());
        for external in [
            "apps.east.example.com",
            // Not names Istio's Kubernetes registry gives a Service.
            "backend.other",
            "backend.other.svc",
            "other.svc.cluster.local",
            "a.backend.other.svc.cluster.local",
            "backend.other.svc.cluster.local.example.com",
        ] {
            assert_eq!(hg003(external).len(), 1, "{external}");
        }
    }
}

#[cfg(test)]
mod drain_tests {
    use super::allowed_disruptions;
    use serde_json::json;

    #[test]
    fn disruptions_follow_min_available_or_max_unavailable() {
        assert_eq!(allowed_disruptions(&json!({"minAvailable": 1}), 1), Some(0));
        assert_eq!(allowed_disruptions(&json!({"minAvailable": 1}), 2), Some(1));
        // 50% of 3 rounds up to 2.
        assert_eq!(
            allowed_disruptions(&json!({"minAvailable": "50%"}), 3),
            Some(1)
        );
        assert_eq!(
            allowed_disruptions(&json!({"minAvailable": "100%"}), 5),
            Some(0)
        );
        assert_eq!(
            allowed_disruptions(&json!({"maxUnavailable": 0}), 3),
            Some(0)
        );
        assert_eq!(
            allowed_disruptions(&json!({"maxUnavailable": "0%"}), 3),
            Some(0)
        );
        assert_eq!(allowed_disruptions(&json!({}), 3), None);
    }
}
