//! The hub plan: every decision about what to render, made once from typed
//! values. Names, hosts, weights, labels and sync waves are computed and
//! checked here, so templates only loop and print, and lint and graph read
//! the same facts the YAML was made from.

use indexmap::IndexMap;
use serde::Serialize;

use crate::dns;
use crate::error::{closest, Error, Result};
use crate::lint::rules::API_WEIGHTS_OPT_IN;
use crate::values::model::{CircuitBreaking, InsecurePolicy, ServiceType, TlsTermination};
use crate::values::{KeyPath, LoadedValues, Origins, Values};

/// Gateway API allows at most 16 backendRefs per rule.
pub const MAX_SPOKES: usize = 16;
/// Gateway API's upper bound on a backendRef weight.
pub const MAX_WEIGHT: i64 = 1_000_000;
/// Spokes are reached on plain HTTP: ambient gateways ignore DestinationRule TLS.
pub const SPOKE_PORT: u16 = 80;

const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "hubgw");
const PART_OF: (&str, &str) = ("app.kubernetes.io/part-of", "hub-gateway");
const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";

/// Everything the templates render, in the order they render it.
#[derive(Debug, Clone, Serialize)]
pub struct HubPlan {
    /// The hub apps domain the fallbacks chose.
    pub hub_domain: String,
    pub namespace: NamespacePlan,
    pub gateway: GatewayPlan,
    pub waypoint: WaypointPlan,
    pub apps: Vec<AppPlan>,
    pub services: Vec<ServicePlan>,
    pub service_entries: Vec<ServiceEntryPlan>,
    pub http_routes: Vec<HttpRoutePlan>,
    pub destination_rules: Vec<DestinationRulePlan>,
    pub routes: Vec<RoutePlan>,
}

/// Object metadata as it is printed.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub labels: IndexMap<String, String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub annotations: IndexMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NamespacePlan {
    pub meta: Meta,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatewayPlan {
    pub meta: Meta,
    pub class_name: String,
    pub listener_name: String,
    pub listener_port: u16,
    /// The Service Istio provisions for the Gateway: `<name>-<class>`.
    pub service_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaypointPlan {
    pub meta: Meta,
    pub class_name: String,
}

/// One application behind the hub: its host and the spokes serving it.
#[derive(Debug, Clone, Serialize)]
pub struct AppPlan {
    pub name: String,
    /// The user set `/api` weights for an enabled spoke.
    pub api_weights_explicit: bool,
    pub host: String,
    pub spokes: Vec<SpokePlan>,
    pub circuit_breaking: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpokePlan {
    pub name: String,
    pub enabled: bool,
    /// The spoke Route host; empty when the spoke is off.
    pub host: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServicePlan {
    pub meta: Meta,
    pub app: String,
    pub spoke: String,
    /// `front` or `api`.
    pub traffic: String,
    pub external_name: String,
    pub port: u16,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceEntryPlan {
    pub meta: Meta,
    pub host: String,
    pub port: u16,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpRoutePlan {
    pub meta: Meta,
    pub app: String,
    pub hostnames: Vec<String>,
    pub gateway_name: String,
    pub section_name: String,
    pub rules: Vec<RulePlan>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulePlan {
    /// `api` or `front`.
    pub name: String,
    pub path_prefix: String,
    pub backends: Vec<BackendPlan>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BackendPlan {
    pub service: String,
    pub spoke: String,
    pub port: u16,
    pub weight: i64,
    /// The Host header set for the spoke router, which routes by Host.
    pub host_header: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DestinationRulePlan {
    pub meta: Meta,
    pub service: String,
    pub host: String,
    pub traffic_policy: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoutePlan {
    pub meta: Meta,
    pub host: String,
    pub service_name: String,
    pub target_port: u16,
    pub termination: TlsTermination,
    pub insecure_edge_termination_policy: InsecurePolicy,
}

/// Builds the plan, checking every value that becomes a name, host or weight.
pub fn build(loaded: &LoadedValues) -> Result<HubPlan> {
    Planner {
        v: &loaded.values,
        origins: &loaded.origins,
    }
    .build()
}

struct Planner<'a> {
    v: &'a Values,
    origins: &'a Origins,
}

fn path(text: &str) -> KeyPath {
    KeyPath::parse(text)
}

impl Planner<'_> {
    fn error(&self, at: &KeyPath, message: String) -> Error {
        Error::input(message).at(self.origins.locate(at))
    }

    fn check_label(&self, at: &str, value: &str, what: &str) -> Result<()> {
        match dns::label_problem(value) {
            None => Ok(()),
            Some(p) => Err(self
                .error(&path(at), format!("`{at}` is not a valid {what}: {p}"))
                .hint("use lowercase letters, digits and `-`, at most 63 characters")),
        }
    }

    fn check_host(&self, at: &KeyPath, value: &str) -> Result<()> {
        match dns::subdomain_problem(value) {
            None => Ok(()),
            Some(p) => Err(self
                .error(at, format!("`{at}` is not a valid DNS name ({value:?}): {p}"))
                .hint("a DNS name is lowercase labels of letters, digits and `-`, joined by dots, like apps.east.example.com")),
        }
    }

    fn build(&self) -> Result<HubPlan> {
        let v = self.v;
        let ns = v.namespace.clone();
        self.check_label("namespace", &ns, "namespace name")?;
        self.check_label("gateway.name", &v.gateway.name, "Gateway name")?;
        self.check_label("gateway.className", &v.gateway.class_name, "class name")?;
        self.check_label("waypoint.className", &v.waypoint.class_name, "class name")?;
        self.check_label(
            "gateway.listener.name",
            &v.gateway.listener.name,
            "listener name",
        )?;
        if v.route.enabled {
            self.check_label("route.name", &v.route.name, "Route name")?;
        }
        let listener_port = self.port("gateway.listener.port", v.gateway.listener.port)?;
        let waypoint_name = format!("{ns}-waypoint");
        if let Some(p) = dns::label_problem(&waypoint_name) {
            return Err(self
                .error(&path("namespace"), format!("the waypoint name `{waypoint_name}` (from the namespace) is not valid: {p}"))
                .hint("use a namespace of at most 54 characters"));
        }
        let gateway_service = format!("{}-{}", v.gateway.name, v.gateway.class_name);
        if let Some(p) = dns::dns1035_label_problem(&gateway_service) {
            return Err(self
                .error(&path("gateway.name"), format!("the Service Istio provisions for the gateway, `{gateway_service}`, would not be valid: {p}"))
                .hint("shorten gateway.name or gateway.className"));
        }
        for (key, value) in &v.labels {
            self.check_label_pair(key, value)?;
        }
        let domain = self.hub_domain()?;
        let apps = vec![self.single_app(&domain)?];

        let waves = v.argocd.sync_waves;
        let meta = |name: &str, wave: u8, extra: &[(&str, &str)]| -> Meta {
            let mut labels: IndexMap<String, String> = v.labels.clone();
            for (k, val) in [MANAGED_BY, PART_OF].iter().chain(extra.iter()) {
                labels.insert(k.to_string(), val.to_string());
            }
            let mut annotations = IndexMap::new();
            if waves {
                annotations.insert(SYNC_WAVE.to_string(), wave.to_string());
            }
            Meta {
                name: name.to_string(),
                namespace: Some(ns.clone()),
                labels,
                annotations,
            }
        };

        let mut namespace_meta = meta(
            &ns,
            0,
            &[
                ("istio.io/dataplane-mode", "ambient"),
                ("istio.io/use-waypoint", &waypoint_name),
            ],
        );
        namespace_meta.namespace = None;

        let mut gateway_meta = meta(&v.gateway.name, 1, &[]);
        gateway_meta.annotations.insert(
            "networking.istio.io/service-type".into(),
            service_type_name(v.gateway.service_type).into(),
        );

        let mut plan = HubPlan {
            hub_domain: domain.clone(),
            namespace: NamespacePlan {
                meta: namespace_meta,
            },
            gateway: GatewayPlan {
                meta: gateway_meta,
                class_name: v.gateway.class_name.clone(),
                listener_name: v.gateway.listener.name.clone(),
                listener_port,
                service_name: gateway_service.clone(),
            },
            waypoint: WaypointPlan {
                meta: meta(&waypoint_name, 1, &[("istio.io/waypoint-for", "service")]),
                class_name: v.waypoint.class_name.clone(),
            },
            apps: Vec::new(),
            services: Vec::new(),
            service_entries: Vec::new(),
            http_routes: Vec::new(),
            destination_rules: Vec::new(),
            routes: Vec::new(),
        };

        let traffic_policy = self.traffic_policy(&v.gateway.circuit_breaking)?;
        for app in &apps {
            let app_label = ("app.kubernetes.io/name", app.name.as_str());
            let enabled: Vec<&SpokePlan> = app.spokes.iter().filter(|s| s.enabled).collect();
            let (front, api) = self.weights(&enabled)?;
            let mut rules = vec![
                RulePlan {
                    name: "api".into(),
                    path_prefix: "/api".into(),
                    backends: Vec::new(),
                },
                RulePlan {
                    name: "front".into(),
                    path_prefix: "/".into(),
                    backends: Vec::new(),
                },
            ];
            for (i, spoke) in enabled.iter().enumerate() {
                for (traffic, rule, weight) in [("front", 1, front[i]), ("api", 0, api[i])] {
                    let name = format!("{}-{}-{traffic}", app.name, spoke.name);
                    if let Some(p) = dns::dns1035_label_problem(&name) {
                        return Err(self
                            .error(&path("clusters").key(spoke.name.clone()), format!("the Service name `{name}` (app.name, spoke and traffic type) is not valid: {p}"))
                            .hint("shorten app.name or the spoke name"));
                    }
                    let spoke_labels = [
                        app_label,
                        ("app.kubernetes.io/component", traffic),
                        ("hub-gateway/spoke", spoke.name.as_str()),
                    ];
                    plan.services.push(ServicePlan {
                        meta: meta(&name, 2, &spoke_labels),
                        app: app.name.clone(),
                        spoke: spoke.name.clone(),
                        traffic: traffic.into(),
                        external_name: spoke.host.clone(),
                        port: SPOKE_PORT,
                    });
                    if let Some(policy) = &traffic_policy {
                        plan.destination_rules.push(DestinationRulePlan {
                            meta: meta(&format!("cb-{name}"), 3, &spoke_labels),
                            service: name.clone(),
                            host: format!("{name}.{ns}.svc.cluster.local"),
                            traffic_policy: policy.clone(),
                        });
                    }
                    rules[rule].backends.push(BackendPlan {
                        service: name,
                        spoke: spoke.name.clone(),
                        port: SPOKE_PORT,
                        weight,
                        host_header: spoke.host.clone(),
                    });
                }
                if !plan.service_entries.iter().any(|se| se.host == spoke.host) {
                    plan.service_entries.push(ServiceEntryPlan {
                        meta: meta(&spoke.host, 2, &[]),
                        host: spoke.host.clone(),
                        port: SPOKE_PORT,
                    });
                }
            }
            let mut route_meta = meta(&app.name, 3, &[app_label]);
            if app.api_weights_explicit {
                // Tells lint (HG008) that spreading /api is the user's choice.
                route_meta
                    .annotations
                    .insert(API_WEIGHTS_OPT_IN.into(), "explicit".into());
            }
            plan.http_routes.push(HttpRoutePlan {
                meta: route_meta,
                app: app.name.clone(),
                hostnames: vec![app.host.clone()],
                gateway_name: v.gateway.name.clone(),
                section_name: v.gateway.listener.name.clone(),
                rules,
            });
            if v.route.enabled {
                plan.routes.push(RoutePlan {
                    meta: meta(&v.route.name, 4, &[app_label]),
                    host: app.host.clone(),
                    service_name: gateway_service.clone(),
                    target_port: listener_port,
                    termination: v.route.tls.termination,
                    insecure_edge_termination_policy: v.route.tls.insecure_edge_termination_policy,
                });
            }
        }
        plan.apps = apps;
        Ok(plan)
    }

    fn check_label_pair(&self, key: &str, value: &str) -> Result<()> {
        let at = path("labels").key(key.to_string());
        let (prefix, name) = match key.rsplit_once('/') {
            Some((p, n)) => (Some(p), n),
            None => (None, key),
        };
        let name_ok = !name.is_empty()
            && name.len() <= 63
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric());
        let prefix_ok = prefix.is_none_or(|p| dns::subdomain_problem(p).is_none());
        if !name_ok || !prefix_ok {
            return Err(self
                .error(&at, format!("`{key}` is not a valid label key"))
                .hint("a label key is an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_` or `.`"));
        }
        let value_ok = value.len() <= 63
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && (value.is_empty()
                || (value.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && value.ends_with(|c: char| c.is_ascii_alphanumeric())));
        if !value_ok {
            return Err(self
                .error(&at, format!("the value of label `{key}` ({value:?}) is not a valid label value"))
                .hint("a label value is at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit"));
        }
        Ok(())
    }

    fn port(&self, at: &str, port: i64) -> Result<u16> {
        match u16::try_from(port) {
            Ok(p) if p > 0 => Ok(p),
            _ => Err(self
                .error(
                    &path(at),
                    format!("`{at}` must be a port from 1 to 65535, found {port}"),
                )
                .hint("the default listener port is 8080")),
        }
    }

    /// The hub apps domain, from the first of the four keys that is set.
    fn hub_domain(&self) -> Result<String> {
        let v = self.v;
        let candidates = [
            ("clusterDomain", &v.cluster_domain),
            ("deployer.domain", &v.deployer.domain),
            ("global.localClusterDomain", &v.global.local_cluster_domain),
            ("global.hubClusterDomain", &v.global.hub_cluster_domain),
        ];
        for (key, value) in candidates {
            if !value.is_empty() {
                self.check_host(&path(key), value)?;
                return Ok(value.clone());
            }
        }
        Err(Error::input("no hub apps domain is set: clusterDomain, deployer.domain, global.localClusterDomain and global.hubClusterDomain are all empty")
            .hint("set the hub cluster's apps domain, for example `--set clusterDomain=apps.hub.example.com`"))
    }

    /// The top-level application: `app.*`, `clusters`, `gateway.*`.
    fn single_app(&self, domain: &str) -> Result<AppPlan> {
        let v = self.v;
        self.check_label("app.name", &v.app.name, "application name")?;
        if dns::dns1035_label_problem(&v.app.name).is_some() {
            return Err(self
                .error(
                    &path("app.name"),
                    format!(
                        "`app.name` ({}) must start with a letter: it begins the Service names",
                        v.app.name
                    ),
                )
                .hint("Service names are DNS-1035 labels"));
        }
        let host = if v.app.host.is_empty() {
            format!("{}.{domain}", v.app.name)
        } else {
            v.app.host.clone()
        };
        self.check_host(&path("app.host"), &host)?;

        let mut spokes = Vec::new();
        for (name, cluster) in &v.clusters {
            let at = path("clusters").key(name.clone());
            if let Some(p) = dns::label_problem(name) {
                return Err(self
                    .error(&at, format!("the spoke name `{name}` is not valid: {p}"))
                    .hint("spoke names become part of Service names: lowercase letters, digits and `-`"));
            }
            let enabled = !cluster.domain.is_empty();
            let mut spoke_host = String::new();
            if enabled {
                self.check_host(&at.key("domain"), &cluster.domain)?;
                spoke_host = if cluster.host.is_empty() {
                    format!("{}.{}", v.app.name, cluster.domain)
                } else {
                    cluster.host.clone()
                };
                self.check_host(&at.key("host"), &spoke_host)?;
            }
            spokes.push(SpokePlan {
                name: name.clone(),
                enabled,
                host: spoke_host,
            });
        }
        let enabled = spokes.iter().filter(|s| s.enabled).count();
        if enabled == 0 {
            return Err(Error::input("no spoke is enabled: every `clusters.<name>.domain` is empty")
                .at(self.origins.locate(&path("clusters")))
                .hint("give at least one spoke its apps domain, for example `--set clusters.east.domain=apps.east.example.com`"));
        }
        if enabled > MAX_SPOKES {
            let extra = spokes
                .iter()
                .filter(|s| s.enabled)
                .nth(MAX_SPOKES)
                .expect("counted");
            return Err(self
                .error(&path("clusters").key(extra.name.clone()), format!("{enabled} spokes are enabled; at most {MAX_SPOKES} are allowed"))
                .hint("Gateway API allows at most 16 backendRefs per rule: turn a spoke off with an empty domain"));
        }
        Ok(AppPlan {
            api_weights_explicit: spokes
                .iter()
                .any(|s| s.enabled && v.gateway.api_weights.contains_key(&s.name)),
            name: v.app.name.clone(),
            host,
            spokes,
            circuit_breaking: v.gateway.circuit_breaking.enabled,
        })
    }

    /// Catch-all and `/api` weights, one per enabled spoke, in spoke order.
    fn weights(&self, enabled: &[&SpokePlan]) -> Result<(Vec<i64>, Vec<i64>)> {
        let g = &self.v.gateway;
        let equal = (100 / enabled.len()) as i64;
        let front = self.rule_weights("gateway.weights", &g.weights, enabled, |_| equal)?;
        let api = self.rule_weights("gateway.apiWeights", &g.api_weights, enabled, |i| {
            if i == 0 {
                100
            } else {
                0
            }
        })?;
        Ok((front, api))
    }

    fn rule_weights(
        &self,
        key: &str,
        given: &IndexMap<String, i64>,
        enabled: &[&SpokePlan],
        default: impl Fn(usize) -> i64,
    ) -> Result<Vec<i64>> {
        let base = path(key);
        let known: Vec<&str> = self.v.clusters.keys().map(String::as_str).collect();
        for (spoke, &weight) in given {
            let at = base.key(spoke.clone());
            if !self.v.clusters.contains_key(spoke) {
                let hint = match closest(spoke, known.iter().copied()) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!("the spokes are: {}", known.join(", ")),
                };
                return Err(self
                    .error(
                        &at,
                        format!("`{at}` names a spoke that is not in `clusters`"),
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
        let gives_any = enabled.iter().any(|s| given.contains_key(&s.name));
        let mut weights = Vec::new();
        for (i, spoke) in enabled.iter().enumerate() {
            match given.get(&spoke.name) {
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

    /// The DestinationRule `trafficPolicy`, or None with circuit breaking off.
    fn traffic_policy(&self, cb: &CircuitBreaking) -> Result<Option<serde_json::Value>> {
        if !cb.enabled {
            return Ok(None);
        }
        let base = "gateway.circuitBreaking";
        let durations = [
            (
                "connectionPool.tcp.connectTimeout",
                cb.connection_pool
                    .as_ref()
                    .and_then(|c| c.tcp.as_ref())
                    .and_then(|t| t.connect_timeout.as_ref()),
            ),
            (
                "connectionPool.http.idleTimeout",
                cb.connection_pool
                    .as_ref()
                    .and_then(|c| c.http.as_ref())
                    .and_then(|h| h.idle_timeout.as_ref()),
            ),
            (
                "outlierDetection.interval",
                cb.outlier_detection
                    .as_ref()
                    .and_then(|o| o.interval.as_ref()),
            ),
            (
                "outlierDetection.baseEjectionTime",
                cb.outlier_detection
                    .as_ref()
                    .and_then(|o| o.base_ejection_time.as_ref()),
            ),
        ];
        for (key, value) in durations {
            if let Some(value) = value {
                if !dns::is_duration(value) {
                    let at = format!("{base}.{key}");
                    return Err(self
                        .error(&path(&at), format!("`{at}` must be a duration like 10s, 1m30s or 250ms, found {value:?}"))
                        .hint("units are h, m, s, ms, us and ns"));
                }
            }
        }
        let counts = [
            (
                "connectionPool.tcp.maxConnections",
                cb.connection_pool
                    .as_ref()
                    .and_then(|c| c.tcp.as_ref())
                    .and_then(|t| t.max_connections),
                1,
                i32::MAX as i64,
            ),
            (
                "connectionPool.http.maxRequestsPerConnection",
                cb.connection_pool
                    .as_ref()
                    .and_then(|c| c.http.as_ref())
                    .and_then(|h| h.max_requests_per_connection),
                0,
                i32::MAX as i64,
            ),
            (
                "connectionPool.http.http1MaxPendingRequests",
                cb.connection_pool
                    .as_ref()
                    .and_then(|c| c.http.as_ref())
                    .and_then(|h| h.http1_max_pending_requests),
                0,
                i32::MAX as i64,
            ),
            (
                "connectionPool.http.http2MaxRequests",
                cb.connection_pool
                    .as_ref()
                    .and_then(|c| c.http.as_ref())
                    .and_then(|h| h.http2_max_requests),
                0,
                i32::MAX as i64,
            ),
            (
                "connectionPool.http.maxRetries",
                cb.connection_pool
                    .as_ref()
                    .and_then(|c| c.http.as_ref())
                    .and_then(|h| h.max_retries),
                0,
                i32::MAX as i64,
            ),
            (
                "outlierDetection.consecutive5xxErrors",
                cb.outlier_detection
                    .as_ref()
                    .and_then(|o| o.consecutive_5xx_errors),
                0,
                u32::MAX as i64,
            ),
            (
                "outlierDetection.consecutiveGatewayErrors",
                cb.outlier_detection
                    .as_ref()
                    .and_then(|o| o.consecutive_gateway_errors),
                0,
                u32::MAX as i64,
            ),
            (
                "outlierDetection.maxEjectionPercent",
                cb.outlier_detection
                    .as_ref()
                    .and_then(|o| o.max_ejection_percent),
                0,
                100,
            ),
            (
                "outlierDetection.minHealthPercent",
                cb.outlier_detection
                    .as_ref()
                    .and_then(|o| o.min_health_percent),
                0,
                100,
            ),
        ];
        for (key, value, min, max) in counts {
            if let Some(value) = value {
                if !(min..=max).contains(&value) {
                    let at = format!("{base}.{key}");
                    return Err(self
                        .error(&path(&at), format!("`{at}` must be from {min} to {max}, found {value}"))
                        .hint("see values/values.yaml for the defaults and Istio's DestinationRule reference for meanings"));
                }
            }
        }
        let mut policy = serde_json::Map::new();
        if let Some(cp) = &cb.connection_pool {
            policy.insert(
                "connectionPool".into(),
                serde_json::to_value(cp).expect("plain data"),
            );
        }
        if let Some(od) = &cb.outlier_detection {
            policy.insert(
                "outlierDetection".into(),
                serde_json::to_value(od).expect("plain data"),
            );
        }
        Ok(Some(serde_json::Value::Object(policy)))
    }
}

fn service_type_name(t: ServiceType) -> &'static str {
    match t {
        ServiceType::ClusterIP => "ClusterIP",
        ServiceType::LoadBalancer => "LoadBalancer",
        ServiceType::NodePort => "NodePort",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{load_sources, ValuesInput};

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
        assert_eq!(p.destination_rules[0].meta.name, "cb-shop-east-front");
        assert_eq!(
            p.destination_rules[0].host,
            "shop-east-front.hub-gateway-system.svc.cluster.local"
        );
        assert_eq!(p.gateway.service_name, "hub-gateway-istio");
        assert_eq!(p.routes[0].service_name, "hub-gateway-istio");
    }

    #[test]
    fn sync_waves_can_be_turned_off() {
        let p = plan(&[
            "clusters.east.domain=e.example.com",
            "argocd.syncWaves=false",
        ])
        .unwrap();
        assert!(p.namespace.meta.annotations.is_empty());
        assert!(p.services[0].meta.annotations.is_empty());
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
}
