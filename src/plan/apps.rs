//! Applications: the top-level form and `apps` entries resolved to names,
//! hosts and spokes, their weights per rule, and the objects each makes.

use indexmap::IndexMap;
use serde::Serialize;

use super::*;
use crate::error::{closest, Error, Result};
use crate::values::model::{AppEntry, CircuitBreaking, Cluster, HeaderRule};
use crate::yaml;

/// One application behind the hub: its host and the spokes serving it.
#[derive(Debug, Clone, Serialize)]
pub struct AppPlan {
    pub name: Dns1035Label,
    pub host: DnsName,
    pub spokes: Vec<SpokePlan>,
    pub circuit_breaking: bool,
    /// The user set `/api` weights for an enabled spoke.
    pub api_weights_explicit: bool,
    /// Where its keys live in the values: `` (top level) or `apps.<name>`.
    pub values_prefix: String,
}

impl AppPlan {
    /// The values key of this app for a top-level key such as
    /// `gateway.weights`, `clusters.east.host` or `app.host`.
    pub fn values_key(&self, top_level: &str) -> String {
        scoped_key(&self.values_prefix, top_level)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SpokePlan {
    pub name: DnsLabel,
    pub enabled: bool,
    /// The spoke Route host; empty when the spoke is off.
    pub host: String,
}

/// The keys of one application in the values: the top-level form or an
/// `apps.<name>` entry.
pub(super) struct AppSource<'a> {
    pub(super) name: String,
    /// `` or `apps.<name>`.
    pub(super) prefix: String,
    pub(super) host: &'a str,
    pub(super) clusters: &'a IndexMap<String, Cluster>,
    pub(super) weights: &'a IndexMap<String, i64>,
    pub(super) api_weights: &'a IndexMap<String, i64>,
    pub(super) circuit_breaking: CircuitBreaking,
    pub(super) rules: &'a [HeaderRule],
    pub(super) route_namespace: &'a str,
    /// The HTTPRoute's (or VirtualService's) name; empty: the default.
    pub(super) route_name: &'a str,
}

impl AppSource<'_> {
    /// The values key for a top-level key of the single-app form.
    pub(super) fn key(&self, top_level: &str) -> String {
        scoped_key(&self.prefix, top_level)
    }
}

/// An application, resolved: its plan and what building its objects needs.
pub(super) struct ResolvedApp<'a> {
    pub(super) plan: AppPlan,
    pub(super) source: AppSource<'a>,
    pub(super) route_namespace: DnsLabel,
    pub(super) route_name: DnsName,
}

pub(super) fn scoped_key(prefix: &str, top_level: &str) -> String {
    if prefix.is_empty() {
        return top_level.to_string();
    }
    let rest = top_level
        .strip_prefix("gateway.")
        .or_else(|| top_level.strip_prefix("app."))
        .unwrap_or(top_level);
    format!("{prefix}.{rest}")
}

impl Planner<'_> {
    /// The applications: the top-level form when it enables a spoke (or
    /// when there are no `apps`), then each `apps` entry.
    pub(super) fn resolve_apps(&self, domain: &str) -> Result<Vec<ResolvedApp<'_>>> {
        let v = self.v;
        let mut sources = Vec::new();
        let top = AppSource {
            name: v.app.name.clone(),
            prefix: String::new(),
            host: &v.app.host,
            clusters: &v.clusters,
            weights: &v.gateway.weights,
            api_weights: &v.gateway.api_weights,
            circuit_breaking: v.gateway.circuit_breaking.clone(),
            rules: &v.gateway.rules,
            route_namespace: &v.app.route_namespace,
            route_name: &v.app.route_name,
        };
        let top_enables = v.clusters.values().any(|c| !c.domain.is_empty());
        if top_enables || v.apps.is_empty() {
            sources.push(top);
        } else {
            // The top-level application is off: its traffic settings would
            // be dropped without a word.
            let set = [
                ("gateway.rules", !v.gateway.rules.is_empty()),
                ("gateway.weights", !v.gateway.weights.is_empty()),
                ("gateway.apiWeights", !v.gateway.api_weights.is_empty()),
            ];
            if let Some((key, _)) = set.into_iter().find(|(_, set)| *set) {
                let field = key.trim_start_matches("gateway.");
                return Err(self
                    .error(&path(key), format!("`{key}` is set, but the top-level application is off: no `clusters.<name>.domain` is set, and only `apps` entries render"))
                    .hint(format!("move it to each application (`apps.<name>.{field}`), or give a top-level spoke its domain")));
            }
        }
        for (name, entry) in &v.apps {
            sources.push(AppSource {
                name: name.clone(),
                prefix: format!("apps.{name}"),
                host: &entry.host,
                clusters: &entry.clusters,
                weights: &entry.weights,
                api_weights: &entry.api_weights,
                circuit_breaking: self.merged_circuit_breaking(name, entry)?,
                rules: &entry.rules,
                route_namespace: &entry.route_namespace,
                route_name: &entry.route_name,
            });
        }
        let mut out: Vec<ResolvedApp> = Vec::new();
        let mut names = std::collections::HashSet::new();
        for source in sources {
            let name_key = if source.prefix.is_empty() {
                "app.name".to_string()
            } else {
                source.prefix.clone()
            };
            if !names.insert(source.name.clone()) {
                return Err(self
                    .error(
                        &path(&name_key),
                        format!("two applications are called `{}`", source.name),
                    )
                    .hint(
                        "`app.name` and the keys of `apps` name applications; make them unique",
                    ));
            }
            let app = self.app(source, domain, &name_key)?;
            out.push(app);
        }
        Ok(out)
    }

    /// An `apps` entry's circuit breaking: its keys merged over the global ones.
    pub(super) fn merged_circuit_breaking(
        &self,
        name: &str,
        entry: &AppEntry,
    ) -> Result<CircuitBreaking> {
        let global = &self.v.gateway.circuit_breaking;
        let Some(patch) = &entry.circuit_breaking else {
            return Ok(global.clone());
        };
        let mut merged = yaml::to_value(global).expect("plain data");
        crate::values::merge::merge_into(&mut merged, yaml::to_value(patch).expect("plain data"));
        yaml::from_value(merged).map_err(|e| {
            self.error(&path(&format!("apps.{name}.circuitBreaking")), format!("`apps.{name}.circuitBreaking` does not merge over `gateway.circuitBreaking`: {e}"))
        })
    }

    pub(super) fn app<'s>(
        &self,
        source: AppSource<'s>,
        domain: &str,
        name_key: &str,
    ) -> Result<ResolvedApp<'s>> {
        let v = self.v;
        let name = self.valid::<Dns1035Label>(&path(name_key), &source.name, |p| {
            Error::input(format!("the application name `{}` is not valid: {p}", source.name))
                .hint("application names begin Service names: lowercase letters, digits and `-`, starting with a letter")
        })?;
        let host = if source.host.is_empty() {
            let domain_key = self.hub_domain_source().map_or("clusterDomain", |(k, _)| k);
            let host = format!("{name}.{domain}");
            self.derived_host(&source.key("app.host"), &path(domain_key), &host)?
        } else {
            self.host(&path(&source.key("app.host")), source.host)?
        };
        let namespace = if source.route_namespace.is_empty() {
            v.namespace.as_str()
        } else {
            source.route_namespace
        };
        let route_namespace =
            self.valid::<DnsLabel>(&path(&source.key("app.routeNamespace")), namespace, |p| {
                Error::input(format!("route namespace `{namespace}` is not valid: {p}"))
            })?;

        let route_name = match source.route_name {
            // The chart named its HTTPRoute `industrial-edge-lb`
            // (charts/all/hub-gateway/templates/httproute.yaml in
            // maximilianoPizarro/hybrid-mesh-platform, commit 9e6d644).
            "" if source.prefix.is_empty() => format!("{name}-lb"),
            "" => name.to_string(),
            set => set.to_string(),
        };
        let at = source.key("app.routeName");
        let route_name = self.valid::<DnsName>(&path(&at), &route_name, |p| {
            Error::input(format!(
                "`{at}` is not a valid object name ({route_name:?}): {p}"
            ))
            .hint("use lowercase letters, digits, `-` and `.`, like industrial-edge-lb")
        })?;

        let mut spokes = Vec::new();
        for (spoke, cluster) in source.clusters {
            let at = path(&source.key("clusters")).key(spoke.clone());
            let spoke_name = self.valid::<DnsLabel>(&at, spoke, |p| {
                Error::input(format!("the spoke name `{spoke}` is not valid: {p}")).hint(
                    "spoke names become part of Service names: lowercase letters, digits and `-`",
                )
            })?;
            let enabled = !cluster.domain.is_empty();
            let mut spoke_host = String::new();
            if enabled {
                self.host(&at.key("domain"), &cluster.domain)?;
                let host = if cluster.host.is_empty() {
                    let host_key = format!("{at}.host");
                    let derived = format!("{name}.{}", cluster.domain);
                    self.derived_host(&host_key, &at.key("domain"), &derived)?
                } else {
                    self.host(&at.key("host"), &cluster.host)?
                };
                spoke_host = host.to_string();
            }
            spokes.push(SpokePlan {
                name: spoke_name,
                enabled,
                host: spoke_host,
            });
        }
        let enabled = spokes.iter().filter(|s| s.enabled).count();
        if enabled == 0 {
            let key = source.key("clusters");
            return Err(Error::input(format!("no spoke is enabled for application `{name}`: every `{key}.<name>.domain` is empty"))
                .at(self.origins.locate(&path(&key)))
                .hint(format!("give at least one spoke its apps domain, for example `--set {key}.east.domain=apps.east.example.com`")));
        }
        if enabled > MAX_SPOKES {
            let extra = spokes
                .iter()
                .filter(|s| s.enabled)
                .nth(MAX_SPOKES)
                .expect("counted");
            return Err(self
                .error(&path(&source.key("clusters")).key(extra.name.to_string()), format!("{enabled} spokes are enabled; at most {MAX_SPOKES} are allowed"))
                .hint("Gateway API allows at most 16 backendRefs per rule: turn a spoke off with an empty domain"));
        }
        let plan = AppPlan {
            api_weights_explicit: spokes
                .iter()
                .any(|s| s.enabled && source.api_weights.contains_key(s.name.as_str())),
            name,
            host,
            spokes,
            circuit_breaking: source.circuit_breaking.enabled,
            values_prefix: source.prefix.clone(),
        };
        Ok(ResolvedApp {
            plan,
            source,
            route_namespace,
            route_name,
        })
    }

    /// Services, ServiceEntries, DestinationRules, routes and the hub Route
    /// of one application (`route_secret`: its `externalCertificate`).
    pub(super) fn app_objects(
        &self,
        app: &ResolvedApp,
        plan: &mut HubPlan,
        meta: &MetaFn,
        meta_in: &MetaInFn,
        gateway: &GatewayFacts,
        route_secret: Option<&DnsName>,
    ) -> Result<()> {
        let enabled: Vec<&SpokePlan> = app.plan.spokes.iter().filter(|s| s.enabled).collect();
        let weights = self.weights(&app.source, &enabled)?;
        let policy = self.traffic_policy(
            &app.source.key("gateway.circuitBreaking"),
            &app.source.circuit_breaking,
        )?;
        for spoke in &enabled {
            self.spoke_objects(app, spoke, plan, meta)?;
            if let Some(policy) = &policy {
                self.circuit_breaker(plan, app, spoke, policy, meta)?;
            }
        }
        self.route_objects(app, &enabled, weights, plan, meta, meta_in)?;
        if self.v.route.enabled {
            self.hub_route(app, plan, meta, gateway, route_secret);
        }
        Ok(())
    }

    /// Catch-all and `/api` weights, one per enabled spoke, in spoke order.
    pub(super) fn weights(
        &self,
        source: &AppSource,
        enabled: &[&SpokePlan],
    ) -> Result<(Vec<i64>, Vec<i64>)> {
        let equal = (100 / enabled.len()) as i64;
        let front = self.rule_weights(
            source,
            &source.key("gateway.weights"),
            source.weights,
            enabled,
            |_| equal,
        )?;
        let api = self.rule_weights(
            source,
            &source.key("gateway.apiWeights"),
            source.api_weights,
            enabled,
            |i| if i == 0 { 100 } else { 0 },
        )?;
        Ok((front, api))
    }

    pub(super) fn rule_weights(
        &self,
        source: &AppSource,
        key: &str,
        given: &IndexMap<String, i64>,
        enabled: &[&SpokePlan],
        default: impl Fn(usize) -> i64,
    ) -> Result<Vec<i64>> {
        let base = path(key);
        let known: Vec<&str> = source.clusters.keys().map(String::as_str).collect();
        for (spoke, &weight) in given {
            let at = base.key(spoke.clone());
            if !source.clusters.contains_key(spoke) {
                let hint = match closest(spoke, known.iter().copied()) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!("the spokes are: {}", known.join(", ")),
                };
                return Err(self
                    .error(
                        &at,
                        format!(
                            "`{at}` names a spoke that is not in `{}`",
                            source.key("clusters")
                        ),
                    )
                    .hint(hint));
            }
            if !(0..=MAX_WEIGHT).contains(&weight) {
                return Err(self
                    .error(
                        &at,
                        format!("`{at}` must be an integer from 0 to {MAX_WEIGHT}, found {weight}"),
                    )
                    .hint("weights are relative shares; Gateway API allows 0 to 1000000"));
            }
        }
        let gives_any = enabled.iter().any(|s| given.contains_key(s.name.as_str()));
        let mut weights = Vec::new();
        for (i, spoke) in enabled.iter().enumerate() {
            match given.get(spoke.name.as_str()) {
                Some(&w) => weights.push(w),
                None if !gives_any => weights.push(default(i)),
                None => {
                    return Err(self
                        .error(&base, format!("`{key}` gives no weight for the enabled spoke `{}`", spoke.name))
                        .hint(format!("add `{key}.{}` (0 sends it nothing), or remove every weight to use the default", spoke.name)));
                }
            }
        }
        if weights.iter().all(|&w| w == 0) {
            return Err(self
                .error(&base, format!("every weight in `{key}` is 0 for the enabled spokes, so the rule would send traffic nowhere"))
                .hint("give at least one enabled spoke a weight above 0"));
        }
        Ok(weights)
    }
}
