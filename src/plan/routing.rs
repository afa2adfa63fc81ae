//! Traffic rules, shared by HTTPRoute (Gateway API) and VirtualService
//! (Istio): header rules checked and ordered so both APIs pick the same
//! backend, matches in each API's form, backends with weights and percents.

use serde::Serialize;

use super::services::service_name;
use super::valid::{Dns1035Label, DnsLabel, DnsName};
use super::{
    path, AppSource, HubPlan, Meta, MetaFn, MetaInFn, Planner, ResolvedApp, SpokePlan,
    API_WEIGHTS_OPT_IN, MAX_SPOKES, MAX_WEIGHT, ROUTE_NAMESPACE_LABELS, SPOKE_PORT,
};
use crate::error::{closest, Error, Result};
use crate::kinds::Kind;
use crate::values::model::{GatewayApi, HeaderRule, Traffic};

#[derive(Debug, Clone, Serialize)]
pub struct HttpRoutePlan {
    pub meta: Meta,
    pub app: Dns1035Label,
    pub hostnames: Vec<DnsName>,
    pub parent_refs: Vec<ParentRefPlan>,
    pub rules: Vec<RulePlan>,
    /// Whether rules carry `name` (the target's CRDs have the field).
    pub rule_names: bool,
}

/// One traffic rule, shared by HTTPRoute and VirtualService.
#[derive(Debug, Clone, Serialize)]
pub struct RulePlan {
    pub name: String,
    /// Gateway API `matches`.
    pub matches: Vec<HttpMatchPlan>,
    /// Istio `match` (None: matches everything).
    pub istio_match: Option<Vec<IstioMatchPlan>>,
    pub backends: Vec<BackendPlan>,
}

/// A parentRef to one listener of the hub Gateway.
#[derive(Debug, Clone, Serialize)]
pub struct ParentRefPlan {
    pub name: String,
    /// The Gateway's namespace, when the route lives in another one.
    pub namespace: Option<String>,
    pub section_name: String,
}

/// One Gateway API HTTPRoute match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpMatchPlan {
    /// `path: {type: PathPrefix, value: ...}`; None: no `path` (Gateway API
    /// then matches every path).
    pub path_prefix: Option<String>,
    /// `type: Exact` header matches, names as given.
    pub headers: Vec<HeaderMatchPlan>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeaderMatchPlan {
    pub name: String,
    pub value: String,
}

/// One Istio VirtualService `match`.
#[derive(Debug, Clone, Serialize)]
pub struct IstioMatchPlan {
    pub uri: Option<UriMatchPlan>,
    /// `headers: {<name>: {exact: <value>}}`, names lowercased as Istio
    /// requires.
    pub headers: Vec<HeaderMatchPlan>,
}

/// An Istio `uri` match: `exact` or `prefix`.
#[derive(Debug, Clone, Serialize)]
pub struct UriMatchPlan {
    pub kind: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BackendPlan {
    pub service: String,
    /// Set when the route lives in another namespace than the Service.
    pub namespace: Option<String>,
    /// The Service's cluster-local name (VirtualService destinations).
    pub fqdn: String,
    pub spoke: DnsLabel,
    pub port: u16,
    pub weight: i64,
    /// Istio VirtualService weights add up to 100.
    pub percent: i64,
    /// The Host header set for the spoke router, which routes by Host.
    pub host_header: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReferenceGrantPlan {
    pub meta: Meta,
    pub from_namespace: DnsLabel,
    /// The Services the routes of `from_namespace` reference, each named:
    /// a `to` without a name grants every Service of the namespace
    /// (ReferenceGrantTo in apis/v1beta1/referencegrant_types.go,
    /// kubernetes-sigs/gateway-api v1.2.1 to v1.6.1).
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VirtualServicePlan {
    pub meta: Meta,
    pub hosts: Vec<DnsName>,
    pub gateways: Vec<String>,
    pub rules: Vec<RulePlan>,
}

/// A single-app key (`gateway.weights`, `app.host`, `clusters.east`) as an
/// `apps.<name>` entry spells it (`apps.shop.weights`); unchanged for the
/// top-level app (`prefix` empty).
/// Gateway API's limits on an HTTPRoute: matches per rule, and in all rules.
const MAX_RULE_MATCHES: usize = 64;

const MAX_ROUTE_MATCHES: usize = 128;

/// The paths of the two default rules, `api` and `front`, which follow the
/// header rules.
const DEFAULT_RULE_PATHS: [&str; 2] = ["/api", "/"];

/// One checked match of a header rule: a path prefix without a trailing `/`
/// (None: any path) and exact headers.
struct RuleMatchPlan {
    path: Option<String>,
    headers: Vec<(String, String)>,
}

impl RuleMatchPlan {
    /// The paths it takes: Gateway API's default PathPrefix `/` without one.
    fn scope(&self) -> &str {
        self.path.as_deref().unwrap_or("/")
    }
}

/// Whether PathPrefix `inner` lies under PathPrefix `outer`, by path
/// elements: `/api/v2` lies under `/api` and `/`, `/apix` not under `/api`.
pub(super) fn path_under(inner: &str, outer: &str) -> bool {
    outer == "/"
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether one request can carry both header sets: no header (names ignore
/// case) is asked for with two values.
fn headers_compatible(a: &[(String, String)], b: &[(String, String)]) -> bool {
    a.iter().all(|(an, av)| {
        b.iter()
            .all(|(bn, bv)| !an.eq_ignore_ascii_case(bn) || av == bv)
    })
}

/// Istio `uri` matches for a Gateway API PathPrefix: an Istio `prefix` is a
/// plain string prefix (`/api` would take `/apix`), so `/api` becomes
/// `exact: /api` or `prefix: /api/`.
fn istio_uri_matches(prefix: &str) -> Vec<UriMatchPlan> {
    let uri = |kind, value: &str| UriMatchPlan {
        kind,
        value: value.to_string(),
    };
    if prefix == "/" {
        vec![uri("prefix", "/")]
    } else {
        vec![uri("exact", prefix), uri("prefix", &format!("{prefix}/"))]
    }
}

/// A parentRef to one listener of the hub Gateway.
fn section_ref(
    gateway: &str,
    namespace: &str,
    cross_namespace: bool,
    section: &str,
) -> ParentRefPlan {
    ParentRefPlan {
        name: gateway.to_string(),
        namespace: cross_namespace.then(|| namespace.to_string()),
        section_name: section.to_string(),
    }
}

/// Relative weights as whole percentages that add up to 100 (largest
/// remainder), as Istio VirtualService weights must.
pub fn percentages(weights: &[i64]) -> Vec<i64> {
    let total: i64 = weights.iter().sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let mut shares: Vec<i64> = weights.iter().map(|w| w * 100 / total).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Largest remainder first; earlier spokes win ties.
    order.sort_by_key(|&i| std::cmp::Reverse(weights[i] * 100 % total));
    let missing = 100 - shares.iter().sum::<i64>();
    for &i in order.iter().take(missing as usize) {
        shares[i] += 1;
    }
    shares
}

impl Planner<'_> {
    /// The traffic rules of one application (its header rules, then `api`
    /// and `front`) and the route that carries them: an HTTPRoute, with a
    /// ReferenceGrant when it lives in another namespace, or a
    /// VirtualService (`api: istio`).
    pub(super) fn route_objects(
        &self,
        app: &ResolvedApp,
        enabled: &[&SpokePlan],
        (front, api): (Vec<i64>, Vec<i64>),
        plan: &mut HubPlan,
        meta: &MetaFn,
        meta_in: &MetaInFn,
    ) -> Result<()> {
        let v = self.v;
        let ns = &v.namespace;
        let name = app.plan.name.as_str();
        let cross_namespace = app.route_namespace != *ns;
        let backend = |spoke: &SpokePlan, traffic: &str, weight: i64| {
            let service = service_name(name, &spoke.name, traffic);
            BackendPlan {
                fqdn: format!("{service}.{ns}.svc.cluster.local"),
                namespace: cross_namespace.then(|| ns.clone()),
                service,
                spoke: spoke.name.clone(),
                port: SPOKE_PORT,
                weight,
                percent: 0,
                host_header: spoke.host.clone(),
            }
        };
        let prefix_match = |prefix: &str| HttpMatchPlan {
            path_prefix: Some(prefix.to_string()),
            headers: Vec::new(),
        };

        let mut rules = self.header_rules(&app.source, enabled, &backend)?;
        rules.push(RulePlan {
            name: "api".into(),
            matches: vec![prefix_match("/api")],
            istio_match: Some(
                istio_uri_matches("/api")
                    .into_iter()
                    .map(|uri| IstioMatchPlan {
                        uri: Some(uri),
                        headers: Vec::new(),
                    })
                    .collect(),
            ),
            backends: enabled
                .iter()
                .zip(&api)
                .map(|(s, &w)| backend(s, "api", w))
                .collect(),
        });
        rules.push(RulePlan {
            name: "front".into(),
            matches: vec![prefix_match("/")],
            istio_match: None,
            backends: enabled
                .iter()
                .zip(&front)
                .map(|(s, &w)| backend(s, "front", w))
                .collect(),
        });
        if rules.len() > MAX_SPOKES {
            return Err(self
                .error(&path(&app.source.key("gateway.rules")), format!("application `{name}` has {} rules with the two defaults; Gateway API allows 16", rules.len()))
                .hint("merge header rules"));
        }
        for rule in &mut rules {
            let percents = percentages(&rule.backends.iter().map(|b| b.weight).collect::<Vec<_>>());
            for (b, p) in rule.backends.iter_mut().zip(percents) {
                b.percent = p;
            }
        }

        let mut route_meta = meta_in(
            &app.route_namespace,
            &app.route_name,
            Kind::HttpRoute,
            &[("app.kubernetes.io/name", name)],
        );
        if app.plan.api_weights_explicit {
            // Tells lint (HG008) that spreading /api is the user's choice.
            route_meta
                .annotations
                .insert(API_WEIGHTS_OPT_IN.into(), "explicit".into());
        }
        if let Some(labels) = v
            .gateway
            .allowed_routes
            .namespace_labels
            .get(app.route_namespace.as_str())
            .filter(|_| cross_namespace)
        {
            // Tells lint (HG002, HG029) the labels of a namespace not rendered.
            route_meta.annotations.insert(
                ROUTE_NAMESPACE_LABELS.into(),
                serde_json::to_string(labels).expect("plain data"),
            );
        }
        if v.gateway.api == GatewayApi::Istio {
            plan.virtual_services.push(VirtualServicePlan {
                meta: route_meta,
                hosts: vec![app.plan.host.clone()],
                gateways: vec![format!("{ns}/{}", v.gateway.name)],
                rules,
            });
            return Ok(());
        }
        let mut parent_refs = vec![section_ref(
            &v.gateway.name,
            ns,
            cross_namespace,
            &v.gateway.listener.name,
        )];
        if v.gateway.tls.enabled {
            parent_refs.push(section_ref(
                &v.gateway.name,
                ns,
                cross_namespace,
                &v.gateway.tls.listener_name,
            ));
        }
        // Exactly the Services this route names, for the grant of its
        // namespace (one grant per namespace).
        let mut services: Vec<String> = Vec::new();
        for b in rules.iter().flat_map(|r| &r.backends) {
            if !services.contains(&b.service) {
                services.push(b.service.clone());
            }
        }
        plan.http_routes.push(HttpRoutePlan {
            meta: route_meta,
            app: app.plan.name.clone(),
            hostnames: vec![app.plan.host.clone()],
            parent_refs,
            rules,
            rule_names: plan.target.gateway_api.has_rule_names(),
        });
        if !cross_namespace {
            return Ok(());
        }
        match plan
            .reference_grants
            .iter_mut()
            .find(|g| g.from_namespace == app.route_namespace)
        {
            Some(grant) => {
                for s in services {
                    if !grant.services.contains(&s) {
                        grant.services.push(s);
                    }
                }
            }
            None => plan.reference_grants.push(ReferenceGrantPlan {
                meta: meta(
                    &format!("httproutes-from-{}", app.route_namespace),
                    Kind::ReferenceGrant,
                    &[],
                ),
                from_namespace: app.route_namespace.clone(),
                services,
            }),
        }
        Ok(())
    }

    /// `gateway.rules` (or an app's `rules`) as traffic rules.
    pub(super) fn header_rules(
        &self,
        source: &AppSource,
        enabled: &[&SpokePlan],
        backend: &dyn Fn(&SpokePlan, &str, i64) -> BackendPlan,
    ) -> Result<Vec<RulePlan>> {
        let base = path(&source.key("gateway.rules"));
        let mut checked: Vec<(&HeaderRule, Vec<RuleMatchPlan>, Vec<BackendPlan>)> = Vec::new();
        for (i, rule) in source.rules.iter().enumerate() {
            let at = base.index(i);
            self.valid::<DnsLabel>(&at.key("name"), &rule.name, |p| {
                Error::input(format!("rule name `{}` is not valid: {p}", rule.name))
            })?;
            if ["api", "front"].contains(&rule.name.as_str())
                || source.rules[..i].iter().any(|r| r.name == rule.name)
            {
                return Err(self
                    .error(
                        &at.key("name"),
                        format!("rule name `{}` is already taken", rule.name),
                    )
                    .hint("`api` and `front` are the default rules; names must be unique"));
            }
            if rule.matches.is_empty() {
                return Err(self
                    .error(&at.key("matches"), format!("rule `{}` has no matches; it would take every request", rule.name))
                    .hint("give a path or headers, for example `matches: [{headers: {x-version: v2}}]`"));
            }
            let mut matches = Vec::new();
            for (j, m) in rule.matches.iter().enumerate() {
                let mat = at.key("matches").index(j);
                let mut checked = RuleMatchPlan {
                    path: None,
                    headers: Vec::new(),
                };
                if !m.path.is_empty() {
                    if !m.path.starts_with('/')
                        || m.path.chars().any(|c| c.is_whitespace() || c.is_control())
                    {
                        return Err(self.error(
                            &mat.key("path"),
                            format!("path `{}` must start with `/` and hold no spaces", m.path),
                        ));
                    }
                    // Gateway API ignores a trailing `/` of a PathPrefix, as
                    // Istio's own conversion does (createURIMatch).
                    let trimmed = m.path.trim_end_matches('/');
                    checked.path = Some(if trimmed.is_empty() { "/" } else { trimmed }.to_string());
                }
                for (name, value) in &m.headers {
                    let token = !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
                    if !token {
                        return Err(self.error(
                            &mat.key("headers").key(name.clone()),
                            format!("`{name}` is not a valid HTTP header name"),
                        ));
                    }
                    if value.chars().any(char::is_control) {
                        return Err(self.error(
                            &mat.key("headers").key(name.clone()),
                            format!("the value of header `{name}` holds a control character"),
                        ));
                    }
                    if let Some((first, _)) = checked
                        .headers
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    {
                        return Err(self
                            .error(
                                &mat.key("headers").key(name.clone()),
                                format!("header `{name}` is given twice, as `{first}` too"),
                            )
                            .hint("header names ignore case; keep one"));
                    }
                    checked.headers.push((name.clone(), value.clone()));
                }
                if checked.path.is_none() && checked.headers.is_empty() {
                    return Err(self.error(
                        &mat,
                        format!(
                            "a match of rule `{}` gives neither path nor headers",
                            rule.name
                        ),
                    ));
                }
                matches.push(checked);
            }
            if rule.backends.is_empty() {
                return Err(self.error(
                    &at.key("backends"),
                    format!("rule `{}` has no backends", rule.name),
                ));
            }
            let mut backends = Vec::new();
            for (j, b) in rule.backends.iter().enumerate() {
                let bat = at.key("backends").index(j);
                let Some(spoke) = enabled.iter().find(|s| s.name == b.spoke) else {
                    let names: Vec<&str> = enabled.iter().map(|s| s.name.as_str()).collect();
                    let hint = match closest(&b.spoke, names.iter().copied()) {
                        Some(k) => format!("did you mean `{k}`?"),
                        None => format!("the enabled spokes are: {}", names.join(", ")),
                    };
                    return Err(self
                        .error(
                            &bat.key("spoke"),
                            format!(
                                "rule `{}` sends traffic to `{}`, which is not an enabled spoke",
                                rule.name, b.spoke
                            ),
                        )
                        .hint(hint));
                };
                let weight = b.weight.unwrap_or(1);
                if !(0..=MAX_WEIGHT).contains(&weight) {
                    return Err(self.error(
                        &bat.key("weight"),
                        format!("weight must be an integer from 0 to {MAX_WEIGHT}, found {weight}"),
                    ));
                }
                let traffic = match b.traffic {
                    Traffic::Front => "front",
                    Traffic::Api => "api",
                };
                backends.push(backend(spoke, traffic, weight));
            }
            if backends.iter().all(|b| b.weight == 0) {
                return Err(self
                    .error(
                        &at.key("backends"),
                        format!("every backend of rule `{}` weighs 0", rule.name),
                    )
                    .hint("give one a weight above 0"));
            }
            checked.push((rule, matches, backends));
        }

        // Istio tries the rules in order; Gateway API ranks every match of
        // every rule by path length, then header count, and only then by
        // rule order. Each match therefore also gets a copy scoped to every
        // later rule's path under its own, so that it ties on path length
        // and wins on header count or, equal, on order. Where it would lose
        // on header count, the values are refused.
        let later_paths = |i: usize| -> Vec<&str> {
            let later = checked[i + 1..]
                .iter()
                .flat_map(|(_, ms, _)| ms.iter().map(RuleMatchPlan::scope));
            later.chain(DEFAULT_RULE_PATHS).collect()
        };
        let scopes = |i: usize, m: &RuleMatchPlan| -> Vec<String> {
            let mut out = vec![m.scope().to_string()];
            for p in later_paths(i) {
                if path_under(p, m.scope()) && !out.iter().any(|o| o == p) {
                    out.push(p.to_string());
                }
            }
            out
        };
        for (i, (earlier, ms, _)) in checked.iter().enumerate() {
            for (j, (later, ls, _)) in checked.iter().enumerate().skip(i + 1) {
                for m in ms {
                    for (k, l) in ls.iter().enumerate() {
                        if l.headers.len() <= m.headers.len()
                            || !headers_compatible(&m.headers, &l.headers)
                        {
                            continue;
                        }
                        let theirs = scopes(j, l);
                        let Some(shared) = scopes(i, m).into_iter().find(|p| theirs.contains(p))
                        else {
                            continue;
                        };
                        return Err(self
                            .error(&base.index(j).key("matches").index(k), format!(
                                "rule `{}` cannot follow `{}`: on `{shared}`, a request matching both goes to `{}` in Istio mode (the first rule wins) but to `{}` in Gateway API mode, which ranks {} header matches above {} on the same path before rule order",
                                later.name, earlier.name, earlier.name, later.name, l.headers.len(), m.headers.len()))
                            .hint(format!(
                                "list `{}` before `{}` (requests matching both then go to `{}` in both modes), or make them exclusive with one header of different values",
                                later.name, earlier.name, later.name)));
                    }
                }
            }
        }

        let mut out = Vec::new();
        let mut total = DEFAULT_RULE_PATHS.len();
        for (i, (rule, ms, backends)) in checked.iter().enumerate() {
            let mut matches: Vec<HttpMatchPlan> = Vec::new();
            let mut istio = Vec::new();
            for m in ms {
                let headers: Vec<HeaderMatchPlan> = m
                    .headers
                    .iter()
                    .map(|(name, value)| HeaderMatchPlan {
                        name: name.clone(),
                        value: value.clone(),
                    })
                    .collect();
                for (k, scope) in scopes(i, m).iter().enumerate() {
                    let gw = HttpMatchPlan {
                        path_prefix: (k > 0 || m.path.is_some()).then(|| scope.clone()),
                        headers: headers.clone(),
                    };
                    if !matches.contains(&gw) {
                        matches.push(gw);
                    }
                }
                let lowercase: Vec<HeaderMatchPlan> = headers
                    .iter()
                    .map(|h| HeaderMatchPlan {
                        name: h.name.to_lowercase(),
                        value: h.value.clone(),
                    })
                    .collect();
                let uris = match &m.path {
                    Some(p) => istio_uri_matches(p).into_iter().map(Some).collect(),
                    None => vec![None],
                };
                for uri in uris {
                    istio.push(IstioMatchPlan {
                        uri,
                        headers: lowercase.clone(),
                    });
                }
            }
            total += matches.len();
            if matches.len() > MAX_RULE_MATCHES {
                return Err(self
                    .error(&base.index(i).key("matches"), format!(
                        "rule `{}` needs {} HTTPRoute matches with the copies scoped to later rules' paths; Gateway API allows {MAX_RULE_MATCHES}",
                        rule.name, matches.len()))
                    .hint("use fewer matches or fewer paths in later rules"));
            }
            out.push(RulePlan {
                name: rule.name.clone(),
                matches,
                istio_match: Some(istio),
                backends: backends.clone(),
            });
        }
        if total > MAX_ROUTE_MATCHES {
            return Err(self
                .error(&base, format!(
                    "the rules need {total} HTTPRoute matches with the two defaults and the copies scoped to later rules' paths; Gateway API allows {MAX_ROUTE_MATCHES} per HTTPRoute"))
                .hint("merge rules or use fewer paths"));
        }
        Ok(out)
    }
}
