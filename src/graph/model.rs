//! The traffic model: where requests go, read from rendered objects (hub
//! Route -> Gateway listener -> HTTPRoute rules and weighted backendRefs ->
//! ExternalName Services, aliases of -> spoke hosts). Built from manifests,
//! never from values, so the picture cannot disagree with the YAML; the one
//! exception is spokes that are off, which leave no object behind and are
//! added from the plan.
//!
//! Where policies take effect, as Istio (1.21 and later) does it: a route to
//! an ExternalName Service goes to the Envoy cluster of its `externalName`
//! host, so circuit breaking is that of the DestinationRule on that host
//! (a DestinationRule on the alias itself applies to nothing), enforced by
//! the ingress gateway's proxy. Gateways call a waypoint only for ordinary
//! Services labeled `istio.io/ingress-use-waypoint: "true"`, never for
//! DNS-resolved hosts, so the waypoint serves in-mesh callers only for
//! ExternalName backends.

use serde_json::Value;

use crate::manifest::Manifest;
use crate::plan::HubPlan;

/// Everything the picture shows, in the order the objects came.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Traffic {
    pub entries: Vec<Entry>,
    pub gateways: Vec<Gateway>,
    pub http_routes: Vec<HttpRoute>,
    pub waypoints: Vec<Waypoint>,
    pub services: Vec<Service>,
    pub spokes: Vec<Spoke>,
}

/// A hub OpenShift Route: where browsers come in.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub host: String,
    /// `edge, http Redirect`; None for a plain-HTTP Route.
    pub tls: Option<String>,
    /// The Service the Route sends to.
    pub target: String,
    /// The Gateway whose provisioned Service (`<name>-<class>`) is `target`.
    pub gateway: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gateway {
    pub name: String,
    pub class: String,
    /// `http :8080 HTTP`, one per listener.
    pub listeners: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpRoute {
    /// `HTTPRoute` or `VirtualService`.
    pub kind: String,
    pub name: String,
    pub hostnames: Vec<String>,
    /// Gateways it attaches to (parentRefs of kind Gateway).
    pub parents: Vec<String>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The rule's `name`, or `rule N` (1-based) without one.
    pub name: String,
    /// One line per match, e.g. `PathPrefix /api`.
    pub matches: Vec<String>,
    pub backends: Vec<Backend>,
}

impl Rule {
    /// Gateway API answers 500 when every weight of a rule is 0.
    pub fn sends_nothing(&self) -> bool {
        self.backends.iter().all(|b| b.weight == 0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Backend {
    /// The Service name (`Kind/name` for other kinds).
    pub service: String,
    pub weight: i64,
    /// weight / the sum of the rule's weights.
    pub share: Share,
    /// The Host header this backendRef (or its rule) sets, if any.
    pub host_header: Option<String>,
}

/// A share of a rule's traffic, in tenths of a percent (333 = 33.3%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Share(pub u32);

impl Share {
    pub fn of(weight: i64, total: i64) -> Share {
        if total <= 0 || weight <= 0 {
            return Share(0);
        }
        // Integer arithmetic, rounded half up: the same text on every machine.
        let tenths = (weight as i128 * 1000 + total as i128 / 2) / total as i128;
        Share(tenths as u32)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 % 10 {
            0 => write!(f, "{}%", self.0 / 10),
            d => write!(f, "{}.{d}%", self.0 / 10),
        }
    }
}

/// A waypoint (Istio ambient L7 proxy): in-mesh callers of its Services pass
/// it; ingress traffic only for Services that ask for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Waypoint {
    pub name: String,
    pub namespace: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    pub namespace: String,
    /// `ExternalName`, `ClusterIP`, ...
    pub kind: String,
    pub external_name: Option<String>,
    pub port: Option<i64>,
    /// The circuit breaking in effect, in short: that of the DestinationRule
    /// on its `externalName` host (ExternalName) or on its own host; None:
    /// no such rule.
    pub circuit_breaking: Option<String>,
    /// The name of the DestinationRule `circuit_breaking` comes from.
    pub circuit_breaking_rule: Option<String>,
    /// DestinationRules whose host is this ExternalName Service itself: an
    /// alias has no Envoy cluster of its own, so they apply to nothing.
    pub rules_without_effect: Vec<String>,
    /// The Gateways whose routes send to it: their proxies call it and
    /// enforce its circuit breaking.
    pub enforced_by: Vec<String>,
    /// The waypoint in-mesh callers pass (`istio.io/use-waypoint`), if that
    /// waypoint is in the stream.
    pub waypoint: Option<String>,
    /// Whether traffic from the ingress gateway crosses `waypoint` too: only
    /// for an ordinary Service labeled (or in a Namespace labeled)
    /// `istio.io/ingress-use-waypoint: "true"`; never for an ExternalName.
    pub ingress_via_waypoint: bool,
}

/// A spoke cluster's Route host, reached through the ExternalName Services.
#[derive(Debug, Clone, PartialEq)]
pub struct Spoke {
    /// The `hub-gateway/spoke` label of its Services, else the host.
    pub name: String,
    /// Empty when the spoke is off.
    pub host: String,
    pub enabled: bool,
    /// `HTTP :80` from its ServiceEntry; None: no ServiceEntry for the host.
    pub service_entry: Option<String>,
}

const SPOKE_LABEL: &str = "hub-gateway/spoke";
const USE_WAYPOINT: &str = "istio.io/use-waypoint";
const INGRESS_USE_WAYPOINT: &str = "istio.io/ingress-use-waypoint";
const WAYPOINT_FOR: &str = "istio.io/waypoint-for";

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn list_at<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A scalar as text: ports and weights may be numbers or strings.
fn scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn is(m: &Manifest, group: &str, kind: &str) -> bool {
    m.group() == group && m.kind() == kind
}

impl Traffic {
    /// Reads the traffic path from a stream of objects; kinds that carry no
    /// traffic are ignored.
    pub fn from_manifests(manifests: &[Manifest]) -> Traffic {
        let mut t = Traffic::default();
        let gateways: Vec<&Manifest> = manifests
            .iter()
            .filter(|m| is(m, "gateway.networking.k8s.io", "Gateway"))
            .collect();
        for gw in &gateways {
            let class = str_at(&gw.object, "/spec/gatewayClassName").unwrap_or("");
            let labels = &gw.object["metadata"]["labels"];
            if labels.get(WAYPOINT_FOR).is_some() || class == "istio-waypoint" {
                t.waypoints.push(Waypoint {
                    name: gw.name().to_string(),
                    namespace: gw.namespace().to_string(),
                });
                continue;
            }
            let listeners = list_at(&gw.object, "/spec/listeners")
                .iter()
                .map(|l| {
                    let name = str_at(l, "/name").unwrap_or("?");
                    let port = scalar(l.get("port")).unwrap_or_else(|| "?".into());
                    let protocol = str_at(l, "/protocol").unwrap_or("?");
                    match str_at(l, "/hostname") {
                        Some(h) => format!("{name} :{port} {protocol} {h}"),
                        None => format!("{name} :{port} {protocol}"),
                    }
                })
                .collect();
            t.gateways.push(Gateway {
                name: gw.name().to_string(),
                class: class.to_string(),
                listeners,
            });
        }

        // Istio API mode: an Istio Gateway selects the gateway pods by label;
        // it is the ingress when a hub Route targets those pods' Service
        // (egress Gateways are not on the path).
        let route_targets: Vec<&str> = manifests
            .iter()
            .filter(|m| is(m, "route.openshift.io", "Route"))
            .filter_map(|m| str_at(&m.object, "/spec/to/name"))
            .collect();
        let istio_gateways: Vec<&Manifest> = manifests
            .iter()
            .filter(|m| is(m, "networking.istio.io", "Gateway"))
            .filter(|g| {
                str_at(&g.object, "/spec/selector/istio")
                    .is_some_and(|s| route_targets.contains(&s))
            })
            .collect();
        for gw in &istio_gateways {
            let selector = str_at(&gw.object, "/spec/selector/istio").unwrap_or("?");
            let listeners = list_at(&gw.object, "/spec/servers")
                .iter()
                .map(|server| {
                    let name = str_at(server, "/port/name").unwrap_or("?");
                    let port = scalar(server.pointer("/port/number")).unwrap_or_else(|| "?".into());
                    let protocol = str_at(server, "/port/protocol").unwrap_or("?");
                    format!("{name} :{port} {protocol}")
                })
                .collect();
            t.gateways.push(Gateway {
                name: gw.name().to_string(),
                class: format!("Istio, pods istio={selector}"),
                listeners,
            });
        }

        for m in manifests
            .iter()
            .filter(|m| is(m, "route.openshift.io", "Route"))
        {
            let o = &m.object;
            let target = str_at(o, "/spec/to/name").unwrap_or("").to_string();
            let gateway = gateways
                .iter()
                .find(|g| {
                    let class = str_at(&g.object, "/spec/gatewayClassName").unwrap_or("");
                    format!("{}-{class}", g.name()) == target
                })
                .or_else(|| {
                    istio_gateways.iter().find(|g| {
                        str_at(&g.object, "/spec/selector/istio") == Some(target.as_str())
                    })
                })
                .map(|g| g.name().to_string());
            let tls = str_at(o, "/spec/tls/termination").map(|term| {
                match str_at(o, "/spec/tls/insecureEdgeTerminationPolicy") {
                    Some(p) => format!("{term}, http {p}"),
                    None => term.to_string(),
                }
            });
            t.entries.push(Entry {
                name: m.name().to_string(),
                host: str_at(o, "/spec/host").unwrap_or("").to_string(),
                tls,
                target,
                gateway,
            });
        }

        for m in manifests
            .iter()
            .filter(|m| is(m, "gateway.networking.k8s.io", "HTTPRoute"))
        {
            t.http_routes.push(http_route(m));
        }
        // Ingress VirtualServices; those bound to `mesh` carry egress traffic.
        for m in manifests
            .iter()
            .filter(|m| is(m, "networking.istio.io", "VirtualService"))
            .filter(|m| {
                !list_at(&m.object, "/spec/gateways")
                    .iter()
                    .any(|g| g == "mesh")
            })
        {
            t.http_routes.push(virtual_service(m));
        }

        let namespaces: Vec<&Manifest> = manifests
            .iter()
            .filter(|m| is(m, "", "Namespace"))
            .collect();
        let rules: Vec<&Manifest> = manifests
            .iter()
            .filter(|m| is(m, "networking.istio.io", "DestinationRule"))
            .collect();
        let mut spoke_names: Vec<(String, String)> = Vec::new();
        // Services on the path: those routes send to, and ExternalNames to
        // spokes. A gateway's own Service (ingress or egress) is not.
        let backends: Vec<&str> = t
            .http_routes
            .iter()
            .flat_map(|r| &r.rules)
            .flat_map(|r| &r.backends)
            .map(|b| b.service.as_str())
            .collect();
        let on_path: Vec<&Manifest> = manifests
            .iter()
            .filter(|m| is(m, "", "Service"))
            .filter(|m| !route_targets.contains(&m.name()))
            .filter(|m| {
                str_at(&m.object, "/spec/externalName").is_some() || backends.contains(&m.name())
            })
            .collect();
        for m in on_path {
            let o = &m.object;
            let ns = m.namespace();
            let external_name = str_at(o, "/spec/externalName").map(str::to_string);
            if let Some(host) = &external_name {
                let label = str_at(
                    o,
                    &format!("/metadata/labels/{}", pointer_escape(SPOKE_LABEL)),
                );
                if !spoke_names.iter().any(|(h, _)| h == host) {
                    spoke_names.push((host.clone(), label.unwrap_or(host).to_string()));
                }
            }
            let kind = str_at(o, "/spec/type").unwrap_or("ClusterIP");
            let fqdn = format!("{}.{ns}.svc.cluster.local", m.name());
            // The host whose Envoy cluster carries the traffic.
            let cluster_host = match (kind, &external_name) {
                ("ExternalName", Some(host)) => host.as_str(),
                _ => fqdn.as_str(),
            };
            let rule = destination_rule_for(&rules, cluster_host, ns);
            let rules_without_effect = if kind == "ExternalName" {
                rules
                    .iter()
                    .filter(|dr| dr_host(dr, ns) == fqdn)
                    .map(|dr| dr.name().to_string())
                    .collect()
            } else {
                Vec::new()
            };
            let mut enforced_by: Vec<String> = Vec::new();
            for r in t.http_routes.iter().filter(|r| {
                r.rules
                    .iter()
                    .flat_map(|r| &r.backends)
                    .any(|b| b.service == m.name())
            }) {
                for parent in &r.parents {
                    if !enforced_by.contains(parent) {
                        enforced_by.push(parent.clone());
                    }
                }
            }
            let waypoint = waypoint_of(m, &namespaces, &t.waypoints);
            let ingress_via_waypoint = waypoint.is_some()
                && kind != "ExternalName"
                && ingress_uses_waypoint(m, &namespaces);
            t.services.push(Service {
                name: m.name().to_string(),
                namespace: ns.to_string(),
                kind: kind.to_string(),
                external_name,
                port: list_at(o, "/spec/ports")
                    .first()
                    .and_then(|p| p.get("port"))
                    .and_then(Value::as_i64),
                circuit_breaking: rule
                    .map(|dr| circuit_breaking_summary(&dr.object["spec"]["trafficPolicy"])),
                circuit_breaking_rule: rule.map(|dr| dr.name().to_string()),
                rules_without_effect,
                enforced_by,
                waypoint,
                ingress_via_waypoint,
            });
        }

        let entries: Vec<&Manifest> = manifests
            .iter()
            .filter(|m| is(m, "networking.istio.io", "ServiceEntry"))
            .collect();
        for (host, name) in spoke_names {
            let service_entry = entries
                .iter()
                .find(|se| {
                    list_at(&se.object, "/spec/hosts")
                        .iter()
                        .any(|h| h.as_str() == Some(host.as_str()))
                })
                .map(|se| {
                    let port = list_at(&se.object, "/spec/ports").first();
                    let protocol = port.and_then(|p| str_at(p, "/protocol")).unwrap_or("?");
                    let number =
                        scalar(port.and_then(|p| p.get("number"))).unwrap_or_else(|| "?".into());
                    format!("{protocol} :{number}")
                });
            t.spokes.push(Spoke {
                name,
                host,
                enabled: true,
                service_entry,
            });
        }
        t
    }

    /// Adds the spokes that are off (an empty domain): they render no object,
    /// so only the plan knows them.
    pub fn add_disabled_spokes(&mut self, plan: &HubPlan) {
        for spoke in plan.apps.iter().flat_map(|a| &a.spokes) {
            if !spoke.enabled && !self.spokes.iter().any(|s| spoke.name == s.name) {
                self.spokes.push(Spoke {
                    name: spoke.name.to_string(),
                    host: String::new(),
                    enabled: false,
                    service_entry: None,
                });
            }
        }
    }

    /// A Service no backendRef sends a share to is drawn dimmed.
    pub fn service_dimmed(&self, name: &str) -> bool {
        !self
            .http_routes
            .iter()
            .flat_map(|r| &r.rules)
            .flat_map(|r| &r.backends)
            .any(|b| b.service == name && !b.share.is_zero())
    }

    /// A spoke that is off, or that none of its Services gets traffic to.
    pub fn spoke_dimmed(&self, spoke: &Spoke) -> bool {
        !spoke.enabled
            || self
                .services
                .iter()
                .filter(|s| s.external_name.as_deref() == Some(spoke.host.as_str()))
                .all(|s| self.service_dimmed(&s.name))
    }
}

/// A JSON pointer token: `/` and `~` escaped.
fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A DestinationRule's host as Istio reads it: a short name (no dot) is a
/// Service in the rule's namespace (`ns` when the rule names none);
/// anything else is taken as written.
fn dr_host(dr: &Manifest, ns: &str) -> String {
    let host = str_at(&dr.object, "/spec/host").unwrap_or("");
    let dr_ns = if dr.namespace().is_empty() {
        ns
    } else {
        dr.namespace()
    };
    if host == "*" || host.contains('.') {
        host.to_string()
    } else {
        format!("{host}.{dr_ns}.svc.cluster.local")
    }
}

/// Whether a DestinationRule host covers `host`: the same name, or a
/// wildcard (`*.example.com`, `*`) it falls under.
fn host_covers(rule_host: &str, host: &str) -> bool {
    match rule_host.strip_prefix('*') {
        Some("") => true,
        Some(suffix) => suffix.starts_with('.') && host.ends_with(suffix),
        None => rule_host == host,
    }
}

/// The DestinationRule Istio applies to the Envoy cluster of `host`: an
/// exact host before a wildcard, one in `ns` (the Service's) before others.
fn destination_rule_for<'a>(rules: &[&'a Manifest], host: &str, ns: &str) -> Option<&'a Manifest> {
    rules
        .iter()
        .filter(|dr| host_covers(&dr_host(dr, ns), host))
        .min_by_key(|dr| {
            let same_ns = dr.namespace().is_empty() || dr.namespace() == ns;
            (dr_host(dr, ns) != host, !same_ns)
        })
        .copied()
}

/// `istio.io/ingress-use-waypoint: "true"` on the Service, else on its
/// Namespace (Istio 1.25 and later read the Namespace's too).
fn ingress_uses_waypoint(svc: &Manifest, namespaces: &[&Manifest]) -> bool {
    let label = |m: &Manifest| {
        str_at(
            &m.object,
            &format!("/metadata/labels/{}", pointer_escape(INGRESS_USE_WAYPOINT)),
        )
        .map(|v| v == "true")
    };
    label(svc)
        .or_else(|| {
            namespaces
                .iter()
                .find(|n| n.name() == svc.namespace())
                .and_then(|n| label(n))
        })
        .unwrap_or(false)
}

/// The waypoint in-mesh traffic to a Service passes: its own `istio.io/use-waypoint`
/// label, else its Namespace's; with no Namespace object in the stream, the
/// waypoint of its namespace. Only waypoints in the stream count.
fn waypoint_of(svc: &Manifest, namespaces: &[&Manifest], waypoints: &[Waypoint]) -> Option<String> {
    let ns = svc.namespace();
    let label = |m: &Manifest| {
        str_at(
            &m.object,
            &format!("/metadata/labels/{}", pointer_escape(USE_WAYPOINT)),
        )
        .map(str::to_string)
    };
    let wanted = match label(svc) {
        Some(name) => Some(name),
        None => match namespaces.iter().find(|n| n.name() == ns) {
            Some(n) => label(n),
            None => waypoints
                .iter()
                .find(|w| w.namespace == ns)
                .map(|w| w.name.clone()),
        },
    }?;
    waypoints
        .iter()
        .find(|w| w.name == wanted && w.namespace == ns)
        .map(|w| w.name.clone())
}

fn http_route(m: &Manifest) -> HttpRoute {
    let o = &m.object;
    let hostnames = strings_at(o, "/spec/hostnames");
    let parents = list_at(o, "/spec/parentRefs")
        .iter()
        .filter(|p| str_at(p, "/kind").is_none_or(|k| k == "Gateway"))
        .filter_map(|p| str_at(p, "/name"))
        .map(str::to_string)
        .collect();
    let rules = list_at(o, "/spec/rules")
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let name = rule_name(rule, i);
            let mut matches: Vec<String> = list_at(rule, "/matches")
                .iter()
                .map(describe_match)
                .collect();
            if matches.is_empty() {
                // Gateway API's default match.
                matches.push("PathPrefix /".into());
            }
            let rule_host = host_header(&rule["filters"]);
            // Gateway API: a backendRef without a weight weighs 1.
            let backends = weighted_backends(
                list_at(rule, "/backendRefs"),
                |b| b.get("weight").and_then(Value::as_i64).unwrap_or(1),
                |b| {
                    let name = str_at(b, "/name").unwrap_or("?");
                    let service = match str_at(b, "/kind") {
                        Some(kind) if kind != "Service" => format!("{kind}/{name}"),
                        _ => name.to_string(),
                    };
                    let host = host_header(&b["filters"]).or_else(|| rule_host.clone());
                    (service, host)
                },
            );
            Rule {
                name,
                matches,
                backends,
            }
        })
        .collect();
    HttpRoute {
        kind: "HTTPRoute".into(),
        name: m.name().to_string(),
        hostnames,
        parents,
        rules,
    }
}

/// The strings of the list at `pointer`.
fn strings_at(v: &Value, pointer: &str) -> Vec<String> {
    list_at(v, pointer)
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// `rule <name>`, or `rule <n>` for an unnamed rule.
fn rule_name(rule: &Value, index: usize) -> String {
    str_at(rule, "/name").map_or_else(|| format!("rule {}", index + 1), |n| format!("rule {n}"))
}

/// Backends with their share of the rule: `weight` reads an item's weight
/// (negative counts as 0), `read` its Service and Host header.
fn weighted_backends(
    items: &[Value],
    weight: impl Fn(&Value) -> i64,
    read: impl Fn(&Value) -> (String, Option<String>),
) -> Vec<Backend> {
    let total: i64 = items.iter().map(|i| weight(i).max(0)).sum();
    items
        .iter()
        .map(|item| {
            let (service, host_header) = read(item);
            let w = weight(item).max(0);
            Backend {
                service,
                weight: w,
                share: Share::of(w, total),
                host_header,
            }
        })
        .collect()
}

/// A VirtualService read as a route: its `http` entries are the rules, its
/// destinations the backends (a lone destination takes everything).
fn virtual_service(m: &Manifest) -> HttpRoute {
    let o = &m.object;
    let parents = strings_at(o, "/spec/gateways")
        .into_iter()
        .map(|g| g.rsplit('/').next().unwrap_or("").to_string())
        .collect();
    let rules = list_at(o, "/spec/http")
        .iter()
        .enumerate()
        .map(|(i, http)| {
            let name = rule_name(http, i);
            let mut matches: Vec<String> = list_at(http, "/match")
                .iter()
                .map(describe_istio_match)
                .collect();
            if matches.is_empty() {
                matches.push("any request".into());
            }
            let destinations = list_at(http, "/route");
            let lone = destinations.len() == 1;
            let backends = weighted_backends(
                destinations,
                |d| match d.get("weight").and_then(Value::as_i64) {
                    Some(w) => w,
                    None if lone => 100,
                    None => 0,
                },
                |d| {
                    let host = str_at(d, "/destination/host").unwrap_or("?");
                    // `svc.ns.svc.cluster.local` names the Service `svc`.
                    let service = match host.strip_suffix(".svc.cluster.local") {
                        Some(local) => local.split('.').next().unwrap_or(local).to_string(),
                        None => host.to_string(),
                    };
                    (service, crate::manifest::host_rewrite::istio(http, d))
                },
            );
            Rule {
                name,
                matches,
                backends,
            }
        })
        .collect();
    HttpRoute {
        kind: "VirtualService".into(),
        name: m.name().to_string(),
        hostnames: strings_at(o, "/spec/hosts"),
        parents,
        rules,
    }
}

/// One Istio `match` in words: `prefix /api, header x-version=v2`.
fn describe_istio_match(m: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(uri) = m.get("uri").and_then(Value::as_object) {
        for (how, value) in uri {
            parts.push(format!("{how} {}", value.as_str().unwrap_or("?")));
        }
    }
    if let Some(headers) = m.get("headers").and_then(Value::as_object) {
        for (name, how) in headers {
            let value = how
                .as_object()
                .and_then(|h| h.values().next())
                .and_then(Value::as_str)
                .unwrap_or("?");
            parts.push(format!("header {name}={value}"));
        }
    }
    if parts.is_empty() {
        "any request".into()
    } else {
        parts.join(", ")
    }
}

/// One HTTPRoute match in words: `PathPrefix /api, header x-version=v2`.
fn describe_match(m: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(path) = m.get("path") {
        let kind = str_at(path, "/type").unwrap_or("PathPrefix");
        let value = str_at(path, "/value").unwrap_or("/");
        parts.push(format!("{kind} {value}"));
    }
    if let Some(method) = str_at(m, "/method") {
        parts.push(method.to_string());
    }
    for (what, key) in [("header", "/headers"), ("query", "/queryParams")] {
        for h in list_at(m, key) {
            let op = if str_at(h, "/type") == Some("RegularExpression") {
                "~"
            } else {
                "="
            };
            parts.push(format!(
                "{what} {}{op}{}",
                str_at(h, "/name").unwrap_or("?"),
                str_at(h, "/value").unwrap_or("")
            ));
        }
    }
    if parts.is_empty() {
        "PathPrefix /".into()
    } else {
        parts.join(", ")
    }
}

/// The Host a list of filters sets, as lint (HG010) decides it.
fn host_header(filters: &Value) -> Option<String> {
    crate::manifest::host_rewrite::gateway_api(filters).map(str::to_string)
}

/// A DestinationRule's trafficPolicy in one line, in the order a reader
/// thinks of it: connection limits, then ejection.
/// `maxConnections 100, 10 req/conn, 5xx x3 / 10s, eject 30s, max 100%`.
pub fn circuit_breaking_summary(policy: &Value) -> String {
    let get = |p: &str| scalar(policy.pointer(p));
    let mut parts = Vec::new();
    if let Some(v) = get("/connectionPool/tcp/maxConnections") {
        parts.push(format!("maxConnections {v}"));
    }
    if let Some(v) = get("/connectionPool/tcp/connectTimeout") {
        parts.push(format!("connect timeout {v}"));
    }
    if let Some(v) = get("/connectionPool/http/http1MaxPendingRequests") {
        parts.push(format!("{v} pending"));
    }
    if let Some(v) = get("/connectionPool/http/http2MaxRequests") {
        parts.push(format!("{v} requests"));
    }
    if let Some(v) = get("/connectionPool/http/maxRequestsPerConnection") {
        parts.push(format!("{v} req/conn"));
    }
    if let Some(v) = get("/connectionPool/http/maxRetries") {
        parts.push(format!("{v} retries"));
    }
    if let Some(v) = get("/connectionPool/http/idleTimeout") {
        parts.push(format!("idle {v}"));
    }
    // DO_NOT_UPGRADE is what spokes need; only the risky choices are shown.
    if let Some(v) = get("/connectionPool/http/h2UpgradePolicy") {
        if v != "DO_NOT_UPGRADE" {
            parts.push(format!("h2 {v}"));
        }
    }
    let interval = get("/outlierDetection/interval");
    let per = |v: String| match &interval {
        Some(i) => format!("{v} / {i}"),
        None => v,
    };
    let errors5 = get("/outlierDetection/consecutive5xxErrors");
    let gateway_errors = get("/outlierDetection/consecutiveGatewayErrors");
    if let Some(v) = &errors5 {
        parts.push(per(format!("5xx x{v}")));
    }
    if let Some(v) = &gateway_errors {
        parts.push(per(format!("gateway errors x{v}")));
    }
    if errors5.is_none() && gateway_errors.is_none() {
        if let Some(i) = &interval {
            parts.push(format!("every {i}"));
        }
    }
    if let Some(v) = get("/outlierDetection/baseEjectionTime") {
        parts.push(format!("eject {v}"));
    }
    if let Some(v) = get("/outlierDetection/maxEjectionPercent") {
        parts.push(format!("max {v}%"));
    }
    if let Some(v) = get("/outlierDetection/minHealthPercent") {
        parts.push(format!("min health {v}%"));
    }
    if parts.is_empty() {
        "no limits set".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse_stream;

    fn traffic(yaml: &str) -> Traffic {
        Traffic::from_manifests(&parse_stream("test", yaml).unwrap())
    }

    const ROUTE: &str = "
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: hub}
spec:
  parentRefs: [{name: gw}]
  rules:
  - name: front
    backendRefs:
    - {name: a, port: 80, weight: 50}
    - {name: b, port: 80, weight: 30}
    - {name: c, port: 80, weight: 20}
  - backendRefs:
    - {name: a, weight: 33}
    - {name: b, weight: 33}
    - {name: c, weight: 33}
  - matches: [{path: {type: PathPrefix, value: /api}, headers: [{name: x-version, value: v2}]}]
    backendRefs:
    - {name: a, weight: 0}
    - {name: b}
    - {name: c}
";

    fn shares(rule: &Rule) -> Vec<String> {
        rule.backends.iter().map(|b| b.share.to_string()).collect()
    }

    #[test]
    fn shares_are_weight_over_the_rule_sum() {
        let t = traffic(ROUTE);
        let rules = &t.http_routes[0].rules;
        assert_eq!(shares(&rules[0]), ["50%", "30%", "20%"]);
        assert_eq!(shares(&rules[1]), ["33.3%", "33.3%", "33.3%"]);
        // No weight means 1 (Gateway API).
        assert_eq!(shares(&rules[2]), ["0%", "50%", "50%"]);
        assert_eq!(rules[0].name, "rule front");
        assert_eq!(rules[1].name, "rule 2");
        assert_eq!(rules[1].matches, ["PathPrefix /"]);
        assert_eq!(rules[2].matches, ["PathPrefix /api, header x-version=v2"]);
    }

    #[test]
    fn share_rounds_and_prints_tenths() {
        assert_eq!(Share::of(1, 3).to_string(), "33.3%");
        assert_eq!(Share::of(2, 3).to_string(), "66.7%");
        assert_eq!(Share::of(80, 100).to_string(), "80%");
        assert_eq!(Share::of(1, 1_000_000).to_string(), "0%");
        assert_eq!(Share::of(5, 0).to_string(), "0%");
        assert_eq!(Share::of(1_000_000, 1_000_000).to_string(), "100%");
    }

    #[test]
    fn a_rule_with_only_zero_weights_sends_nothing() {
        let t = traffic("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\nspec:\n  rules:\n  - backendRefs: [{name: a, weight: 0}]\n");
        let rule = &t.http_routes[0].rules[0];
        assert!(rule.sends_nothing());
        assert_eq!(shares(rule), ["0%"]);
    }

    const SPOKES: &str = "
apiVersion: v1
kind: Service
metadata: {name: app-east-api, namespace: hub, labels: {hub-gateway/spoke: east}}
spec: {type: ExternalName, externalName: app.east, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: app-west-api, namespace: hub, labels: {hub-gateway/spoke: west}}
spec: {type: ExternalName, externalName: app.west, ports: [{port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: app.east, namespace: hub}
spec: {hosts: [app.east], ports: [{number: 80, name: http, protocol: HTTP}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app, namespace: hub}
spec:
  rules:
  - backendRefs:
    - name: app-east-api
      weight: 100
      filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: Host, value: app.east}]}}]
    - {name: app-west-api, weight: 0}
";

    #[test]
    fn zero_traffic_dims_the_service_and_its_spoke() {
        let t = traffic(SPOKES);
        assert!(!t.service_dimmed("app-east-api"));
        assert!(t.service_dimmed("app-west-api"));
        assert_eq!(t.spokes.len(), 2);
        assert_eq!(t.spokes[0].name, "east");
        assert!(!t.spoke_dimmed(&t.spokes[0]));
        assert!(t.spoke_dimmed(&t.spokes[1]));
        assert_eq!(t.spokes[0].service_entry.as_deref(), Some("HTTP :80"));
        assert_eq!(t.spokes[1].service_entry, None);
        let backends = &t.http_routes[0].rules[0].backends;
        assert_eq!(backends[0].host_header.as_deref(), Some("app.east"));
        assert_eq!(backends[1].host_header, None);
    }

    #[test]
    fn spokes_that_are_off_come_from_the_plan_dimmed() {
        let values = crate::values::ValuesInput {
            set: vec![
                "clusterDomain=apps.hub".into(),
                "clusters.east.domain=apps.east".into(),
            ],
            ..Default::default()
        };
        let loaded = crate::values::load(&values, &mut std::io::empty()).unwrap();
        let plan = crate::plan::build(&loaded).unwrap();
        let manifests = crate::manifests_for_plan(&plan, &Default::default()).unwrap();
        let mut t = Traffic::from_manifests(&manifests);
        assert_eq!(t.spokes.len(), 1);
        t.add_disabled_spokes(&plan);
        let west = &t.spokes[1];
        assert_eq!((west.name.as_str(), west.enabled), ("west", false));
        assert!(t.spoke_dimmed(west));
        assert!(!t.spoke_dimmed(&t.spokes[0]));
    }

    const WAYPOINT: &str = "
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: hub-waypoint, namespace: hub, labels: {istio.io/waypoint-for: service}}
spec: {gatewayClassName: istio-waypoint}
";

    /// SPOKES with the route attached to Gateway `gw`, a waypoint and `more`.
    fn spokes_with(more: &str) -> Traffic {
        let spokes = SPOKES.replace(
            "spec:\n  rules:",
            "spec:\n  parentRefs: [{name: gw}]\n  rules:",
        );
        traffic(&format!("{spokes}---{WAYPOINT}---\n{more}"))
    }

    #[test]
    fn waypoint_and_circuit_breaking_are_read_per_service() {
        // The DestinationRule on the spoke host: the ExternalName Services
        // aliasing it get its circuit breaking, enforced by the gateway.
        let t = spokes_with(
            "apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cb-east, namespace: hub}
spec:
  host: app.east
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 100}, http: {h2UpgradePolicy: DO_NOT_UPGRADE, maxRequestsPerConnection: 10}}
    outlierDetection: {consecutive5xxErrors: 3, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 100}
",
        );
        assert!(t.gateways.is_empty(), "a waypoint is not an entry gateway");
        assert_eq!(t.waypoints[0].name, "hub-waypoint");
        let east = &t.services[0];
        assert_eq!(east.waypoint.as_deref(), Some("hub-waypoint"));
        assert!(
            !east.ingress_via_waypoint,
            "gateways call no waypoint for an ExternalName (DNS) host"
        );
        assert_eq!(
            east.circuit_breaking.as_deref(),
            Some("maxConnections 100, 10 req/conn, 5xx x3 / 10s, eject 30s, max 100%")
        );
        assert_eq!(east.circuit_breaking_rule.as_deref(), Some("cb-east"));
        assert_eq!(east.enforced_by, ["gw"]);
        assert!(east.rules_without_effect.is_empty());
        assert_eq!(t.services[1].circuit_breaking, None);
    }

    #[test]
    fn a_destination_rule_on_the_alias_has_no_effect() {
        // Istio >= 1.21 routes to the externalName host's cluster; the
        // alias has none, so a rule on its name applies to nothing.
        let t = spokes_with(
            "apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cb-alias, namespace: hub}
spec:
  host: app-east-api.hub.svc.cluster.local
  trafficPolicy: {connectionPool: {tcp: {maxConnections: 100}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cb-short, namespace: hub}
spec: {host: app-west-api, trafficPolicy: {connectionPool: {tcp: {maxConnections: 1}}}}
",
        );
        let (east, west) = (&t.services[0], &t.services[1]);
        assert_eq!(
            (
                east.circuit_breaking.as_deref(),
                east.circuit_breaking_rule.as_deref()
            ),
            (None, None)
        );
        assert_eq!(east.rules_without_effect, ["cb-alias"]);
        assert_eq!(west.circuit_breaking, None);
        assert_eq!(
            west.rules_without_effect,
            ["cb-short"],
            "a short host names the Service in the rule's namespace"
        );
    }

    #[test]
    fn a_wildcard_host_covers_the_spoke_and_an_exact_one_wins() {
        let t = spokes_with(
            "apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cb-all, namespace: hub}
spec: {host: '*.west', trafficPolicy: {connectionPool: {tcp: {maxConnections: 5}}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cb-any, namespace: hub}
spec: {host: '*', trafficPolicy: {connectionPool: {tcp: {maxConnections: 7}}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cb-west, namespace: hub}
spec: {host: app.west, trafficPolicy: {connectionPool: {tcp: {maxConnections: 9}}}}
",
        );
        assert_eq!(
            t.services[0].circuit_breaking_rule.as_deref(),
            Some("cb-any")
        );
        assert_eq!(
            t.services[1].circuit_breaking_rule.as_deref(),
            Some("cb-west")
        );
        assert!(host_covers("*.west", "app.west"));
        assert!(host_covers("*.example.com", "a.b.example.com"));
        assert!(!host_covers("*.west", "west"));
        assert!(!host_covers("*.west", "app.midwest"));
    }

    #[test]
    fn ingress_crosses_the_waypoint_only_for_labeled_ordinary_services() {
        let t = traffic(&format!(
            "{WAYPOINT}---
apiVersion: v1
kind: Service
metadata: {{name: api, namespace: hub, labels: {{istio.io/ingress-use-waypoint: 'true'}}}}
spec: {{ports: [{{port: 8080}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: hub}}
spec: {{ports: [{{port: 8080}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: alias, namespace: hub, labels: {{istio.io/ingress-use-waypoint: 'true'}}}}
spec: {{type: ExternalName, externalName: app.east}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: cb-api, namespace: hub}}
spec: {{host: api.hub.svc.cluster.local, trafficPolicy: {{connectionPool: {{tcp: {{maxConnections: 3}}}}}}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: r, namespace: hub}}
spec:
  parentRefs: [{{name: gw}}]
  rules: [{{backendRefs: [{{name: api}}, {{name: web}}, {{name: alias}}]}}]
"
        ));
        let via: Vec<(&str, bool)> = t
            .services
            .iter()
            .map(|s| (s.name.as_str(), s.ingress_via_waypoint))
            .collect();
        assert_eq!(via, [("api", true), ("web", false), ("alias", false)]);
        let api = &t.services[0];
        assert_eq!(
            api.circuit_breaking.as_deref(),
            Some("maxConnections 3"),
            "an ordinary Service's own host"
        );
        assert!(api.rules_without_effect.is_empty(), "not an alias");
    }

    #[test]
    fn a_namespace_label_decides_the_waypoint() {
        let t = traffic(&format!(
            "{SPOKES}---
apiVersion: v1
kind: Namespace
metadata: {{name: hub, labels: {{istio.io/use-waypoint: other}}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {{name: hub-waypoint, namespace: hub}}
spec: {{gatewayClassName: istio-waypoint}}
"
        ));
        assert_eq!(t.services[0].waypoint, None);
    }

    #[test]
    fn route_finds_the_gateway_by_its_provisioned_service() {
        let t = traffic(
            "
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: hub-gateway}
spec: {gatewayClassName: istio, listeners: [{name: http, port: 8080, protocol: HTTP}]}
---
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: hub}
spec: {host: shop.example.com, to: {kind: Service, name: hub-gateway-istio}, tls: {termination: edge, insecureEdgeTerminationPolicy: Redirect}}
---
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: stray}
spec: {host: stray.example.com, to: {kind: Service, name: elsewhere}}
",
        );
        assert_eq!(t.gateways[0].listeners, ["http :8080 HTTP"]);
        assert_eq!(t.entries[0].gateway.as_deref(), Some("hub-gateway"));
        assert_eq!(t.entries[0].tls.as_deref(), Some("edge, http Redirect"));
        assert_eq!(t.entries[1].gateway, None);
        assert_eq!(t.entries[1].tls, None);
    }

    #[test]
    fn a_virtual_service_reads_as_a_route() {
        let t = traffic(
            "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: shop}\nspec:\n  hosts: [shop.example.com]\n  gateways: [hub/hub-gateway]\n  http:\n  - name: canary\n    match: [{headers: {x-version: {exact: v2}}}]\n    route:\n    - destination: {host: shop-west-front.hub.svc.cluster.local}\n      headers: {request: {set: {Host: shop.west.example.com}}}\n  - route:\n    - {destination: {host: shop-east-front.hub.svc.cluster.local}, weight: 75}\n    - {destination: {host: shop-west-front.hub.svc.cluster.local}, weight: 25}\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: egress}\nspec:\n  hosts: [docs.example.com]\n  gateways: [mesh, hub/egress]\n",
        );
        assert_eq!(
            t.http_routes.len(),
            1,
            "egress VirtualServices (bound to mesh) are left out"
        );
        let vs = &t.http_routes[0];
        assert_eq!(
            (vs.kind.as_str(), vs.parents.as_slice()),
            ("VirtualService", &["hub-gateway".to_string()][..])
        );
        assert_eq!(vs.rules[0].matches, ["header x-version=v2"]);
        let canary = &vs.rules[0].backends[0];
        assert_eq!(
            (canary.service.as_str(), canary.weight),
            ("shop-west-front", 100),
            "a lone destination takes it all"
        );
        assert_eq!(canary.host_header.as_deref(), Some("shop.west.example.com"));
        assert_eq!(vs.rules[1].matches, ["any request"]);
        assert_eq!(shares(&vs.rules[1]), ["75%", "25%"]);
    }
}
