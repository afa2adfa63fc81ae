//! The hub plan: every decision about what to render, made once from typed
//! values. Names, hosts, weights, labels and sync waves are computed and
//! checked here, so templates only loop and print, and lint and graph read
//! the same facts the YAML was made from.
//!
//! One module per concern, each owning its plan types and the `Planner`
//! methods that build them:
//! - `valid`: the validated value types (DNS labels and names, ports,
//!   durations, label keys and values) plan fields hold once checked;
//! - `checks`: value checks shared by every builder (names, hosts, ports, labels);
//! - `cluster`: the target cluster and the hub apps domain;
//! - `apps`: applications, their spokes and weights, and their objects;
//! - `services`: the ExternalName Services and ServiceEntries of the spokes;
//! - `routing`: HTTPRoute / VirtualService rules, matches and backends;
//! - `circuit_breaking`: the DestinationRules of the spoke hosts;
//! - `gateway`: the ingress Gateway, the waypoint and injected gateways;
//! - `egress`: egress in ambient and sidecar mode;
//! - `openshift`: the hub Route and its certificate RBAC.

mod apps;
mod checks;
mod circuit_breaking;
mod cluster;
mod egress;
mod gateway;
mod openshift;
mod routing;
mod services;
#[cfg(test)]
mod tests;
mod valid;

pub use apps::{AppPlan, SpokePlan};
pub use circuit_breaking::{DestinationRulePlan, TrafficPolicyPlan};
pub use egress::{EgressPlan, EgressServiceEntryPlan, EgressWaypointPlan};
pub use gateway::{
    AutoscalingPlan, DisruptionBudgetPlan, GatewayPlan, InjectedGatewayPlan, IstioGatewayPlan,
    ListenerPlan, PodMonitorPlan, ServerPlan, WaypointPlan,
};
pub use openshift::{haproxy_timeout_ms, RoutePlan, RouteSecretReaderPlan};
pub use routing::{
    percentages, BackendPlan, HttpRoutePlan, ReferenceGrantPlan, RulePlan, VirtualServicePlan,
};
pub use services::{ServiceEntryPlan, ServicePlan};
pub use valid::{
    Dns1035Label, DnsLabel, DnsName, Duration, LabelValue, Port, Problem, QualifiedName, Valid,
};

use apps::{AppSource, ResolvedApp};
use gateway::GatewayFacts;

use indexmap::IndexMap;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::kinds::Kind;
use crate::target::Target;
use crate::values::model::GatewayApi;
use crate::values::{KeyPath, LoadedValues, Origins, Values};

/// Annotation hubgw puts on an HTTPRoute whose `/api` weights the user set.
pub const API_WEIGHTS_OPT_IN: &str = "hub-gateway/api-weights";
/// Annotation hubgw puts on an HTTPRoute in a namespace it does not render:
/// that namespace's labels as `gateway.allowedRoutes.namespaceLabels`
/// states them (JSON), so that lint checks them on a bare stream too.
pub const ROUTE_NAMESPACE_LABELS: &str = "hub-gateway/route-namespace-labels";

/// Gateway API allows at most 16 backendRefs per rule (and 16 rules).
pub const MAX_SPOKES: usize = 16;
/// Gateway API's upper bound on a backendRef weight.
pub const MAX_WEIGHT: i64 = 1_000_000;
/// Spokes are reached on plain HTTP: ambient gateways ignore DestinationRule TLS.
pub const SPOKE_PORT: u16 = 80;
/// Ports of a gateway installed by injection (seed 001): HTTP, HTTPS, status.
pub const INJECTED_HTTP_PORT: u16 = 80;
pub const INJECTED_HTTPS_PORT: u16 = 443;
/// The port Istio's agent serves merged Envoy metrics on.
pub const METRICS_PORT: u16 = 15020;
/// The ServiceAccount (and Role) that lets injected gateways read TLS secrets.
pub const SECRET_READER: &str = "secret-reader";

const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "hubgw");
const PART_OF: (&str, &str) = ("app.kubernetes.io/part-of", "hub-gateway");
const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";
const SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";
/// HAProxy's `timeout server` for one Route (openshift/router
/// images/router/haproxy/conf/haproxy-config.template, release-4.19 to 4.22).
pub const ROUTE_TIMEOUT: &str = "haproxy.router.openshift.io/timeout";
/// The OpenShift router's ServiceAccount, which reads a Route's
/// `externalCertificate` Secret.
pub const ROUTER_SERVICE_ACCOUNT: (&str, &str) = ("openshift-ingress", "router");

/// Everything the templates render. Lists that may be empty make a kind
/// optional, so templates only loop.
#[derive(Debug, Clone, Serialize)]
pub struct HubPlan {
    /// The cluster the objects are for (`target`): what they may use, and
    /// which CRDs validate them.
    #[serde(skip)]
    pub target: Target,
    /// The hub apps domain the fallbacks chose.
    pub hub_domain: DnsName,
    /// `gateway-api` or `istio`.
    pub api: GatewayApi,
    pub namespace: NamespacePlan,
    /// The Gateway API Gateway (`api: gateway-api`).
    pub gateways: Vec<GatewayPlan>,
    /// The namespace waypoint (`api: gateway-api`).
    pub waypoints: Vec<WaypointPlan>,
    /// Gateways installed by gateway injection (ingress with `api: istio`, egress).
    pub injected_gateways: Vec<InjectedGatewayPlan>,
    /// `secret-reader` RBAC, once, when a gateway is injected.
    pub secret_readers: Vec<Meta>,
    /// RBAC letting the router read a Route's `externalCertificate` Secret.
    pub route_secret_readers: Vec<RouteSecretReaderPlan>,
    pub apps: Vec<AppPlan>,
    pub services: Vec<ServicePlan>,
    pub service_entries: Vec<ServiceEntryPlan>,
    pub http_routes: Vec<HttpRoutePlan>,
    pub reference_grants: Vec<ReferenceGrantPlan>,
    /// The ingress Istio Gateway (`api: istio`).
    pub istio_gateways: Vec<IstioGatewayPlan>,
    pub virtual_services: Vec<VirtualServicePlan>,
    /// Per external host: ServiceEntry, Gateway, DestinationRule,
    /// VirtualService (`api: istio`, the sidecar recipe).
    pub egress: Vec<EgressPlan>,
    /// The egress waypoint (`api: gateway-api`, ambient), when hubgw installs it.
    pub egress_waypoints: Vec<EgressWaypointPlan>,
    /// Per external host, a ServiceEntry that uses the egress waypoint
    /// (`api: gateway-api`, ambient).
    pub egress_service_entries: Vec<EgressServiceEntryPlan>,
    pub destination_rules: Vec<DestinationRulePlan>,
    pub routes: Vec<RoutePlan>,
    pub pod_monitors: Vec<PodMonitorPlan>,
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
    /// `createNamespace`: render the object (lint still knows its labels).
    pub create: bool,
}

/// Builds the plan, checking every value that becomes a name, host or weight.
pub fn build(loaded: &LoadedValues) -> Result<HubPlan> {
    let plan = Planner {
        v: &loaded.values,
        origins: &loaded.origins,
    }
    .build()?;
    too_many_objects(plan.object_count(), &loaded.origins)?;
    Ok(plan)
}

fn too_many_objects(count: usize, origins: &Origins) -> Result<()> {
    if count <= MAX_OBJECTS {
        return Ok(());
    }
    let at = ["apps", "clusters"]
        .into_iter()
        .find_map(|key| origins.locate(&path(key)));
    Err(Error::input(format!(
        "the values make at least {count} objects; one render makes at most {MAX_OBJECTS}"
    ))
    .at(at)
    .hint("split the applications over several values files and render each on its own (500 applications of 4 spokes make about 11,000 objects)"))
}

/// Most objects one render makes. The cost of a render is linear in its
/// objects: this bounds a run to about a second and 150 MB, whatever the
/// input (issue 18's cost model; docs/reference.md, Reliability).
pub const MAX_OBJECTS: usize = 15_000;

impl HubPlan {
    /// The objects the plan renders to, but for the few each injected
    /// gateway adds beside its Gateway (they do not grow with the input).
    pub fn object_count(&self) -> usize {
        1 + self.gateways.len()
            + self.waypoints.len()
            + self.injected_gateways.len()
            + self.secret_readers.len()
            + self.services.len()
            + self.service_entries.len()
            + self.http_routes.len()
            + self.reference_grants.len()
            + self.istio_gateways.len()
            + self.virtual_services.len()
            + self.egress.len()
            + self.egress_waypoints.len()
            + self.egress_service_entries.len()
            + self.destination_rules.len()
            + self.routes.len()
            + self.pod_monitors.len()
    }
}

/// Metadata for an object in the hub namespace: name, kind (for its sync
/// wave, from `kinds`), extra labels.
type MetaFn<'a> = dyn Fn(&str, Kind, &[(&str, &str)]) -> Meta + 'a;

/// The same in a given namespace.
type MetaInFn<'a> = dyn Fn(&str, &str, Kind, &[(&str, &str)]) -> Meta + 'a;

struct Planner<'a> {
    v: &'a Values,
    origins: &'a Origins,
}

fn path(text: &str) -> KeyPath {
    KeyPath::parse(text)
}

impl Planner<'_> {
    pub(super) fn error(&self, at: &KeyPath, message: String) -> Error {
        Error::input(message).at(self.origins.locate(at))
    }

    pub(super) fn build(&self) -> Result<HubPlan> {
        let v = self.v;
        let istio_api = v.gateway.api == GatewayApi::Istio;
        let ns = self.label("namespace", &v.namespace, "namespace name")?;
        let gateway_name = self.label("gateway.name", &v.gateway.name, "gateway name")?;
        let class_name = self.label("gateway.className", &v.gateway.class_name, "class name")?;
        let waypoint_class =
            self.label("waypoint.className", &v.waypoint.class_name, "class name")?;
        let listener = self.label(
            "gateway.listener.name",
            &v.gateway.listener.name,
            "listener name",
        )?;
        let tls_listener = self.label(
            "gateway.tls.listenerName",
            &v.gateway.tls.listener_name,
            "listener name",
        )?;
        if v.route.enabled {
            self.label("route.name", &v.route.name, "Route name")?;
        }
        let listener_port = self.port("gateway.listener.port", v.gateway.listener.port)?;
        let tls_port = self.port("gateway.tls.port", v.gateway.tls.port)?;
        let waypoint_name = format!("{ns}-waypoint");
        let waypoint = self.valid::<DnsLabel>(&path("namespace"), &waypoint_name, |p| {
            Error::input(format!(
                "the waypoint name `{waypoint_name}` (from the namespace) is not valid: {p}"
            ))
            .hint("use a namespace of at most 54 characters")
        })?;
        let gateway_service = if istio_api {
            gateway_name.to_string()
        } else {
            format!("{gateway_name}-{class_name}")
        };
        let service = self.valid::<Dns1035Label>(&path("gateway.name"), &gateway_service, |p| {
            Error::input(format!(
                "the gateway's Service, `{gateway_service}`, would not be valid: {p}"
            ))
            .hint("shorten gateway.name or gateway.className")
        })?;
        for (key, value) in &v.labels {
            self.check_label_pair("labels", key, value)?;
        }
        let certificate_refs = self.certificate_refs()?;
        let route_secret = self.check_route()?;
        self.check_allowed_routes()?;
        let domain = self.hub_domain()?;
        let apps = self.resolve_apps(&domain)?;
        self.check_object_floor(&apps)?;
        let target = self.target()?;
        // The control plane a revision names claims a Gateway or injects a
        // pod only when it carries `istio.io/rev` (pkg/revisions/tag_watcher.go
        // `IsMine`, and the `rev.object.` webhook's objectSelector in
        // manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml,
        // istio/istio 1.24.6).
        let revision: Vec<(&str, &str)> = if target.istio_revision.is_empty() {
            Vec::new()
        } else {
            vec![("istio.io/rev", target.istio_revision.as_str())]
        };

        let waves = v.argocd.sync_waves;
        let meta_in = |namespace: &str, name: &str, kind: Kind, extra: &[(&str, &str)]| -> Meta {
            let mut labels: IndexMap<String, String> = v.labels.clone();
            for (k, val) in [MANAGED_BY, PART_OF].iter().chain(extra.iter()) {
                labels.insert(k.to_string(), val.to_string());
            }
            let mut annotations = IndexMap::new();
            if waves {
                annotations.insert(SYNC_WAVE.to_string(), kind.wave().to_string());
            }
            Meta {
                name: name.to_string(),
                namespace: Some(namespace.to_string()),
                labels,
                annotations,
            }
        };
        let meta = |name: &str, kind: Kind, extra: &[(&str, &str)]| meta_in(&ns, name, kind, extra);

        // Gateway API mode runs the namespace in ambient mode with the
        // waypoint for in-mesh callers; in both modes the ingress gateway's
        // own Envoy applies the spoke hosts' DestinationRules.
        let mut namespace_meta = if istio_api {
            meta(&ns, Kind::Namespace, &[])
        } else {
            meta(
                &ns,
                Kind::Namespace,
                &[
                    ("istio.io/dataplane-mode", "ambient"),
                    ("istio.io/use-waypoint", waypoint.as_str()),
                ],
            )
        };
        let sync_options = self.namespace_sync_options()?;
        if !sync_options.is_empty() {
            namespace_meta
                .annotations
                .insert(SYNC_OPTIONS.into(), sync_options);
        }
        let mut plan = HubPlan {
            target: target.clone(),
            hub_domain: domain.clone(),
            api: v.gateway.api,
            namespace: NamespacePlan {
                meta: Meta {
                    namespace: None,
                    ..namespace_meta
                },
                create: v.create_namespace,
            },
            gateways: Vec::new(),
            waypoints: Vec::new(),
            injected_gateways: Vec::new(),
            secret_readers: Vec::new(),
            route_secret_readers: Vec::new(),
            apps: Vec::new(),
            services: Vec::new(),
            service_entries: Vec::new(),
            http_routes: Vec::new(),
            reference_grants: Vec::new(),
            istio_gateways: Vec::new(),
            virtual_services: Vec::new(),
            egress: Vec::new(),
            egress_waypoints: Vec::new(),
            egress_service_entries: Vec::new(),
            destination_rules: Vec::new(),
            routes: Vec::new(),
            pod_monitors: Vec::new(),
        };

        let facts = GatewayFacts {
            class_name,
            waypoint_class,
            waypoint,
            listener,
            tls_listener,
            listener_port,
            tls_port,
            service,
            certificate_refs,
        };
        let app_hosts: Vec<DnsName> = apps.iter().map(|a| a.plan.host.clone()).collect();
        self.gateway_objects(&mut plan, &meta, &revision, &app_hosts, &facts);
        for app in &apps {
            self.app_objects(
                app,
                &mut plan,
                &meta,
                &meta_in,
                &facts,
                route_secret.as_ref(),
            )?;
        }
        // One ServiceEntry per host, the first application's. A set, not a
        // search per spoke: 500 apps x 4 spokes made that 2 M comparisons.
        let mut hosts = std::collections::HashSet::new();
        plan.service_entries
            .retain(|se| hosts.insert(se.host.clone()));
        if istio_api {
            self.egress_objects(&mut plan, &meta)?;
        } else {
            self.ambient_egress_objects(&mut plan, &meta_in, &facts)?;
        }
        if !plan.injected_gateways.is_empty() {
            plan.secret_readers
                .push(meta(SECRET_READER, Kind::Role, &[]));
        }
        self.check_resources()?;
        self.pod_monitor(&mut plan, &meta)?;
        self.check_control_characters()?;
        plan.apps = apps.into_iter().map(|a| a.plan).collect();
        Ok(plan)
    }

    /// `argocd.namespaceSyncOptions`, checked, as the annotation's value.
    pub(super) fn namespace_sync_options(&self) -> Result<String> {
        let options = &self.v.argocd.namespace_sync_options;
        for (i, option) in options.iter().enumerate() {
            let ok = option.split_once('=').is_some_and(|(k, v)| {
                !k.is_empty()
                    && !v.is_empty()
                    && k.chars().all(|c| c.is_ascii_alphanumeric())
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            });
            if !ok {
                return Err(self
                    .error(
                        &path("argocd.namespaceSyncOptions").index(i),
                        format!("`argocd.namespaceSyncOptions[{i}]` is not an Argo CD sync option: {option:?}"),
                    )
                    .hint("give one `Name=value` per entry, e.g. ServerSideApply=true or Prune=false"));
            }
        }
        Ok(options.join(","))
    }
}
