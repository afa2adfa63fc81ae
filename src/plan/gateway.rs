//! The hub's gateways: the Gateway API Gateway and its listeners, the
//! namespace waypoint, gateways installed by injection (Deployment, Service,
//! autoscaler, disruption budget), the Istio Gateway, and the PodMonitor.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value as Json;

use super::valid::{Dns1035Label, DnsLabel, DnsName, Duration, Port};
use super::{
    path, HubPlan, Meta, MetaFn, Planner, INJECTED_HTTPS_PORT, INJECTED_HTTP_PORT, METRICS_PORT,
    SECRET_READER,
};
use crate::error::{Error, Result};
use crate::kinds::Kind;
use crate::quantity;
use crate::values::model::{FromNamespaces, GatewayApi, ServiceType};

#[derive(Debug, Clone, Serialize)]
pub struct GatewayPlan {
    pub meta: Meta,
    pub class_name: DnsLabel,
    pub listeners: Vec<ListenerPlan>,
    /// The Service Istio provisions for the Gateway: `<name>-<class>`.
    pub service_name: Dns1035Label,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListenerPlan {
    pub name: DnsLabel,
    pub port: Port,
    /// `HTTP` or `HTTPS`.
    pub protocol: String,
    /// Gateway API `tls` (HTTPS only).
    pub tls: Option<ListenerTlsPlan>,
    pub allowed_routes: AllowedRoutesPlan,
}

/// A listener's `tls`: terminate TLS with these Secrets.
#[derive(Debug, Clone, Serialize)]
pub struct ListenerTlsPlan {
    /// `Terminate`: the gateway presents the certificate.
    pub mode: &'static str,
    pub certificate_refs: Vec<SecretRefPlan>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecretRefPlan {
    pub name: DnsName,
    /// Set when the Secret is in another namespace (a ReferenceGrant there
    /// must allow it).
    pub namespace: Option<DnsLabel>,
}

/// Gateway API `allowedRoutes.namespaces`: which namespaces' routes may
/// attach to a listener.
#[derive(Debug, Clone, Serialize)]
pub struct AllowedRoutesPlan {
    /// `Same`, `All` or `Selector`.
    pub from: &'static str,
    /// `selector.matchLabels` (`from: Selector`).
    pub match_labels: Option<IndexMap<String, String>>,
}

impl AllowedRoutesPlan {
    pub fn same() -> Self {
        AllowedRoutesPlan {
            from: "Same",
            match_labels: None,
        }
    }

    pub fn selector(match_labels: IndexMap<String, String>) -> Self {
        AllowedRoutesPlan {
            from: "Selector",
            match_labels: Some(match_labels),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct WaypointPlan {
    pub meta: Meta,
    pub class_name: DnsLabel,
}

/// A gateway installed by gateway injection (seed 001): Deployment, Service,
/// optional HorizontalPodAutoscaler and PodDisruptionBudget.
#[derive(Debug, Clone, Serialize)]
pub struct InjectedGatewayPlan {
    pub meta: Meta,
    /// The Service, PDB and Istio Gateway selector (`istio: <name>`).
    pub selector: IndexMap<String, String>,
    /// The selector plus `sidecar.istio.io/inject: "true"`, which asks for
    /// the proxy.
    pub pod_labels: IndexMap<String, String>,
    pub service_type: String,
    pub service_account: String,
    pub resources: Json,
    /// `spec.replicas`; None when a HorizontalPodAutoscaler sets them.
    pub replicas: Option<i64>,
    pub autoscaling: Vec<AutoscalingPlan>,
    pub disruption_budgets: Vec<DisruptionBudgetPlan>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AutoscalingPlan {
    pub min_replicas: i64,
    pub max_replicas: i64,
    pub cpu_percent: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DisruptionBudgetPlan {
    pub min_available: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct IstioGatewayPlan {
    pub meta: Meta,
    pub selector: IndexMap<String, String>,
    pub servers: Vec<ServerPlan>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerPlan {
    pub number: u16,
    pub name: String,
    pub protocol: String,
    pub hosts: Vec<DnsName>,
    /// The TLS secret (`HTTPS` servers).
    pub credential_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PodMonitorPlan {
    pub meta: Meta,
    pub selector: IndexMap<String, String>,
    pub interval: Duration,
    pub port: u16,
    pub path: String,
}

/// The gateway's checked names and ports, which its objects and every
/// application's Route use.
pub(super) struct GatewayFacts {
    pub(super) class_name: DnsLabel,
    pub(super) waypoint_class: DnsLabel,
    /// The namespace waypoint: `<namespace>-waypoint`.
    pub(super) waypoint: DnsLabel,
    pub(super) listener: DnsLabel,
    pub(super) tls_listener: DnsLabel,
    pub(super) listener_port: Port,
    pub(super) tls_port: Port,
    /// The gateway's Service, which the hub Routes point at.
    pub(super) service: Dns1035Label,
    /// `gateway.tls.certificateRefs` when TLS is on.
    pub(super) certificate_refs: Vec<SecretRefPlan>,
}

/// `istio: <name>`: the pod label gateway injection and Istio Gateways select.
pub(super) fn istio_selector(name: &str) -> IndexMap<String, String> {
    IndexMap::from([("istio".to_string(), name.to_string())])
}

fn service_type_name(t: ServiceType) -> &'static str {
    match t {
        ServiceType::ClusterIP => "ClusterIP",
        ServiceType::LoadBalancer => "LoadBalancer",
        ServiceType::NodePort => "NodePort",
    }
}

impl Planner<'_> {
    /// `revision`: the control plane's (`istio.io/rev` on the pods); empty: none.
    pub(super) fn injected_gateway(&self, meta: Meta, revision: &str) -> InjectedGatewayPlan {
        let d = &self.v.gateway.deployment;
        let selector = istio_selector(&meta.name);
        let mut pod_labels = selector.clone();
        pod_labels.insert("sidecar.istio.io/inject".into(), "true".into());
        if !revision.is_empty() {
            pod_labels.insert("istio.io/rev".into(), revision.into());
        }
        InjectedGatewayPlan {
            selector,
            pod_labels,
            service_type: service_type_name(self.v.gateway.service_type).into(),
            service_account: SECRET_READER.into(),
            resources: serde_json::to_value(&d.resources).expect("plain data"),
            replicas: (!d.autoscaling.enabled).then_some(d.replicas),
            autoscaling: d
                .autoscaling
                .enabled
                .then_some(AutoscalingPlan {
                    min_replicas: d.autoscaling.min_replicas,
                    max_replicas: d.autoscaling.max_replicas,
                    cpu_percent: d.autoscaling.target_cpu_utilization_percentage,
                })
                .into_iter()
                .collect(),
            disruption_budgets: d
                .pod_disruption_budget
                .enabled
                .then_some(DisruptionBudgetPlan {
                    min_available: d.pod_disruption_budget.min_available,
                })
                .into_iter()
                .collect(),
            meta,
        }
    }

    fn allowed_routes(&self) -> AllowedRoutesPlan {
        let n = &self.v.gateway.allowed_routes.namespaces;
        match n.from {
            FromNamespaces::Same => AllowedRoutesPlan::same(),
            FromNamespaces::All => AllowedRoutesPlan {
                from: "All",
                match_labels: None,
            },
            FromNamespaces::Selector => {
                AllowedRoutesPlan::selector(n.selector.match_labels.clone())
            }
        }
    }

    /// The ingress gateway: with `api: istio` an injected gateway and an
    /// Istio Gateway serving the app hosts; with `api: gateway-api` a Gateway
    /// API Gateway (Istio provisions its Deployment and Service) and the
    /// namespace waypoint. `revision`: the `istio.io/rev` label, if any.
    pub(super) fn gateway_objects(
        &self,
        plan: &mut HubPlan,
        meta: &MetaFn,
        revision: &[(&str, &str)],
        app_hosts: &[DnsName],
        facts: &GatewayFacts,
    ) {
        let v = self.v;
        let tls = &v.gateway.tls;
        if v.gateway.api == GatewayApi::Istio {
            plan.injected_gateways.push(self.injected_gateway(
                meta(&v.gateway.name, Kind::Deployment, &[]),
                &plan.target.istio_revision,
            ));
            let mut servers = vec![ServerPlan {
                number: INJECTED_HTTP_PORT,
                name: "http".into(),
                protocol: "HTTP".into(),
                hosts: app_hosts.to_vec(),
                credential_name: None,
            }];
            if tls.enabled {
                servers.push(ServerPlan {
                    number: INJECTED_HTTPS_PORT,
                    name: "https".into(),
                    protocol: "HTTPS".into(),
                    hosts: app_hosts.to_vec(),
                    credential_name: Some(facts.certificate_refs[0].name.to_string()),
                });
            }
            plan.istio_gateways.push(IstioGatewayPlan {
                meta: meta(&v.gateway.name, Kind::IstioGateway, &[]),
                selector: istio_selector(&v.gateway.name),
                servers,
            });
            return;
        }
        let mut gateway_meta = meta(&v.gateway.name, Kind::Gateway, revision);
        gateway_meta.annotations.insert(
            "networking.istio.io/service-type".into(),
            service_type_name(v.gateway.service_type).into(),
        );
        let allowed_routes = self.allowed_routes();
        let mut listeners = vec![ListenerPlan {
            name: facts.listener.clone(),
            port: facts.listener_port,
            protocol: "HTTP".into(),
            tls: None,
            allowed_routes: allowed_routes.clone(),
        }];
        if tls.enabled {
            listeners.push(ListenerPlan {
                name: facts.tls_listener.clone(),
                port: facts.tls_port,
                protocol: "HTTPS".into(),
                tls: Some(ListenerTlsPlan {
                    mode: "Terminate",
                    certificate_refs: facts.certificate_refs.clone(),
                }),
                allowed_routes,
            });
        }
        plan.gateways.push(GatewayPlan {
            meta: gateway_meta,
            class_name: facts.class_name.clone(),
            listeners,
            service_name: facts.service.clone(),
        });
        plan.waypoints.push(WaypointPlan {
            meta: meta(
                &facts.waypoint,
                Kind::Gateway,
                &[[("istio.io/waypoint-for", "service")].as_slice(), revision].concat(),
            ),
            class_name: facts.waypoint_class.clone(),
        });
    }

    /// The PodMonitor that scrapes the ingress gateway's Envoy.
    pub(super) fn pod_monitor(&self, plan: &mut HubPlan, meta: &MetaFn) -> Result<()> {
        let v = self.v;
        let monitor = &v.monitoring.pod_monitor;
        if !monitor.enabled {
            return Ok(());
        }
        let interval = self.valid::<Duration>(
            &path("monitoring.podMonitor.interval"),
            &monitor.interval,
            |_| {
                Error::input(format!(
                    "`monitoring.podMonitor.interval` must be a duration like 30s, found {:?}",
                    monitor.interval
                ))
            },
        )?;
        let selector = if v.gateway.api == GatewayApi::Istio {
            istio_selector(&v.gateway.name)
        } else {
            IndexMap::from([(
                "gateway.networking.k8s.io/gateway-name".to_string(),
                v.gateway.name.clone(),
            )])
        };
        plan.pod_monitors.push(PodMonitorPlan {
            meta: meta(&format!("{}-envoy", v.gateway.name), Kind::PodMonitor, &[]),
            selector,
            interval,
            port: METRICS_PORT,
            path: "/stats/prometheus".into(),
        });
        Ok(())
    }

    pub(super) fn check_allowed_routes(&self) -> Result<()> {
        let n = &self.v.gateway.allowed_routes.namespaces;
        for (key, value) in &n.selector.match_labels {
            self.check_label_pair(
                "gateway.allowedRoutes.namespaces.selector.matchLabels",
                key,
                value,
            )?;
        }
        for (namespace, labels) in &self.v.gateway.allowed_routes.namespace_labels {
            let base = format!("gateway.allowedRoutes.namespaceLabels.{namespace}");
            let at = path("gateway.allowedRoutes.namespaceLabels").key(namespace.clone());
            self.valid::<DnsLabel>(&at, namespace, |p| {
                Error::input(format!("`{namespace}` is not a valid namespace name: {p}"))
            })?;
            for (key, value) in labels {
                self.check_label_pair(&base, key, value)?;
            }
        }
        if n.from == FromNamespaces::Selector && n.selector.match_labels.is_empty() {
            return Err(self
                .error(
                    &path("gateway.allowedRoutes.namespaces.from"),
                    "`from: Selector` needs `selector.matchLabels`".into(),
                )
                .hint("for example `selector: {matchLabels: {shared-gateway-access: \"true\"}}`"));
        }
        Ok(())
    }

    /// `gateway.tls.certificateRefs`, checked; none when TLS is off.
    pub(super) fn certificate_refs(&self) -> Result<Vec<SecretRefPlan>> {
        let tls = &self.v.gateway.tls;
        if !tls.enabled {
            return Ok(Vec::new());
        }
        if tls.certificate_refs.is_empty() {
            return Err(self
                .error(&path("gateway.tls.enabled"), "`gateway.tls.enabled` needs at least one certificate in `gateway.tls.certificateRefs`".into())
                .hint("name the Secret holding the certificate: `certificateRefs: [{name: hub-gateway-cert}]`"));
        }
        let mut refs = Vec::new();
        for (i, r) in tls.certificate_refs.iter().enumerate() {
            let at = path("gateway.tls.certificateRefs").index(i);
            let name = self.valid::<DnsName>(&at.key("name"), &r.name, |p| {
                Error::input(format!(
                    "certificate Secret name `{}` is not valid: {p}",
                    r.name
                ))
            })?;
            let namespace = if r.namespace.is_empty() {
                None
            } else {
                Some(
                    self.valid::<DnsLabel>(&at.key("namespace"), &r.namespace, |p| {
                        Error::input(format!("namespace `{}` is not valid: {p}", r.namespace))
                    })?,
                )
            };
            refs.push(SecretRefPlan { name, namespace });
        }
        Ok(refs)
    }

    /// The gateway's container resources, as the API server would read them:
    /// each a quantity (k8s.io/apimachinery v0.32.0
    /// `pkg/api/resource/quantity.go`), not negative, and no request above its
    /// limit (kubernetes `pkg/apis/core/validation/validation.go`,
    /// `ValidateContainerResourceRequirements`, `ValidateResourceRequirements`
    /// in older sources).
    pub(super) fn check_resources(&self) -> Result<()> {
        let r = &self.v.gateway.deployment.resources;
        let base = "gateway.deployment.resources";
        let pairs = [
            ("cpu", &r.requests.cpu, &r.limits.cpu),
            ("memory", &r.requests.memory, &r.limits.memory),
        ];
        for (name, request, limit) in pairs {
            for (kind, value) in [("requests", request), ("limits", limit)] {
                if let Some(p) = quantity::resource_problem(value) {
                    let key = format!("{base}.{kind}.{name}");
                    return Err(self
                        .error(&path(&key), format!("`{key}` must be a Kubernetes quantity like 500m or 128Mi, found {value:?}: {p}"))
                        .hint(format!("a quantity is a number with an optional suffix: {}", quantity::SUFFIXES)));
                }
            }
            let (rq, lq) = (quantity::parse(request), quantity::parse(limit));
            if let (Ok(rq), Ok(lq)) = (rq, lq) {
                if rq.cmp_value(&lq) == std::cmp::Ordering::Greater {
                    let key = format!("{base}.requests.{name}");
                    return Err(self
                        .error(&path(&key), format!("`{key}` ({request}) is above `{base}.limits.{name}` ({limit}); the API server refuses a request above its limit"))
                        .hint(format!("lower the request or raise the limit to at least {request}")));
                }
            }
        }
        Ok(())
    }
}
