//! The lint rules, one function each: the hub's hard-won production lessons
//! (SPEC section 1) as checks over a manifest stream. Each returns findings;
//! the rule table in `mod.rs` gives them an id, a severity and a help line.

use std::collections::{HashMap, HashSet};

use super::index::{backend_refs, is_api_rule, rules, sets_host};
use super::{Finding, LintContext};
use crate::dns;
use crate::manifest::Manifest;

/// Annotation hubgw puts on an HTTPRoute whose `/api` weights the user set.
pub const API_WEIGHTS_OPT_IN: &str = "hub-gateway/api-weights";
/// Annotation hubgw puts on an HTTPRoute in a namespace it does not render:
/// that namespace's labels as `gateway.allowedRoutes.namespaceLabels`
/// states them (JSON), so that lint checks them on a bare stream too.
pub const ROUTE_NAMESPACE_LABELS: &str = "hub-gateway/route-namespace-labels";

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

/// HG003: every ExternalName host has a ServiceEntry with port 80 HTTP.
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
        if !covered.contains(host) {
            out.push(finding(
                svc,
                "spec.externalName",
                format!("ExternalName host `{host}` has no ServiceEntry with port 80 HTTP"),
            ));
        }
    }
    out
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
                    "{} is also defined at {}:{}; the later one silently replaces it",
                    m.display_name(),
                    first.source,
                    first.index
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
