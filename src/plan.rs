//! The hub plan: every decision about what to render, made once from typed
//! values. Names, hosts, weights, labels and sync waves are computed and
//! checked here, so templates only loop and print, and lint and graph read
//! the same facts the YAML was made from.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::dns;
use crate::error::{closest, Error, Result};
use crate::kinds::Kind;
use crate::quantity;
use crate::target::{self, OpenShiftRow, Target};
use crate::values::model::{
    AppEntry, CircuitBreaking, Cluster, EgressHost, FromNamespaces, GatewayApi, HeaderRule,
    InsecurePolicy, ServiceType, TlsTermination, Traffic,
};
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
    pub hub_domain: String,
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

#[derive(Debug, Clone, Serialize)]
pub struct GatewayPlan {
    pub meta: Meta,
    pub class_name: String,
    pub listeners: Vec<ListenerPlan>,
    /// The Service Istio provisions for the Gateway: `<name>-<class>`.
    pub service_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListenerPlan {
    pub name: String,
    pub port: u16,
    /// `HTTP` or `HTTPS`.
    pub protocol: String,
    /// Gateway API `tls` (HTTPS only).
    pub tls: Option<Json>,
    /// Gateway API `allowedRoutes`.
    pub allowed_routes: Json,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaypointPlan {
    pub meta: Meta,
    pub class_name: String,
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

/// One application behind the hub: its host and the spokes serving it.
#[derive(Debug, Clone, Serialize)]
pub struct AppPlan {
    pub name: String,
    pub host: String,
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
    pub port_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpRoutePlan {
    pub meta: Meta,
    pub app: String,
    pub hostnames: Vec<String>,
    pub parent_refs: Vec<Json>,
    pub rules: Vec<RulePlan>,
    /// Whether rules carry `name` (the target's CRDs have the field).
    pub rule_names: bool,
}

/// One traffic rule, shared by HTTPRoute and VirtualService.
#[derive(Debug, Clone, Serialize)]
pub struct RulePlan {
    pub name: String,
    /// Gateway API `matches`.
    pub matches: Json,
    /// Istio `match` (None: matches everything).
    pub istio_match: Option<Json>,
    pub backends: Vec<BackendPlan>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BackendPlan {
    pub service: String,
    /// Set when the route lives in another namespace than the Service.
    pub namespace: Option<String>,
    /// The Service's cluster-local name (VirtualService destinations).
    pub fqdn: String,
    pub spoke: String,
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
    pub from_namespace: String,
    /// The Services the routes of `from_namespace` reference, each named:
    /// a `to` without a name grants every Service of the namespace
    /// (ReferenceGrantTo in apis/v1beta1/referencegrant_types.go,
    /// kubernetes-sigs/gateway-api v1.2.1 to v1.6.1).
    pub services: Vec<String>,
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
    pub hosts: Vec<String>,
    /// The TLS secret (`HTTPS` servers).
    pub credential_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VirtualServicePlan {
    pub meta: Meta,
    pub hosts: Vec<String>,
    pub gateways: Vec<String>,
    pub rules: Vec<RulePlan>,
}

/// Egress to one external host through the egress gateway (seed 001 ch. 3):
/// sidecar mode only, since the VirtualService bound to `mesh` is applied by
/// the client's sidecar.
#[derive(Debug, Clone, Serialize)]
pub struct EgressPlan {
    pub host: String,
    pub port: u16,
    pub service_entry: Meta,
    pub gateway: Meta,
    pub destination_rule: Meta,
    pub virtual_service: Meta,
    /// Pod labels of the egress gateway.
    pub selector: IndexMap<String, String>,
    /// The egress gateway's Service, cluster-local.
    pub gateway_fqdn: String,
    /// `<namespace>/<gateway>` as VirtualServices name it.
    pub gateway_ref: String,
    pub subset: String,
}

/// The egress waypoint of ambient mode: an `istio-waypoint` Gateway for
/// service traffic, as Istio's ambient "Egress gateways" page deploys one
/// (istio.io, docs/ambient/usage/egress-gateway; the 1.24 form is
/// tests/integration/ambient/waypoint_test.go `TestWaypointAsEgressGateway`
/// at istio/istio tag 1.24.6).
#[derive(Debug, Clone, Serialize)]
pub struct EgressWaypointPlan {
    pub meta: Meta,
    pub class_name: String,
    /// The `mesh` listener's `allowedRoutes`: which namespaces may use it.
    pub allowed_routes: Json,
}

/// One external host in ambient mode: a ServiceEntry labeled
/// `istio.io/use-waypoint` (and `istio.io/use-waypoint-namespace` when the
/// waypoint is in another namespace), so ztunnel sends ambient pods' traffic
/// for the host through the egress waypoint.
#[derive(Debug, Clone, Serialize)]
pub struct EgressServiceEntryPlan {
    pub meta: Meta,
    pub host: String,
    pub port: u16,
}

/// Circuit breaking for one spoke host. The ExternalName Services are
/// aliases since Istio 1.21, so a route to one is a route to the cluster of
/// its target host (`GetDestinationCluster` in
/// pilot/pkg/networking/core/route/route.go, istio/istio 1.24.6 to 1.30.3):
/// the proxy that carries the traffic (the ingress gateway) applies the
/// DestinationRule of that host, the ServiceEntry's.
#[derive(Debug, Clone, Serialize)]
pub struct DestinationRulePlan {
    pub meta: Meta,
    /// The spoke host (the ServiceEntry's), never a Service name.
    pub host: String,
    pub traffic_policy: Json,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoutePlan {
    pub meta: Meta,
    pub host: String,
    pub service_name: String,
    /// A port number or name of the gateway's Service.
    pub target_port: Json,
    pub termination: TlsTermination,
    pub insecure_edge_termination_policy: InsecurePolicy,
    /// `spec.tls` PEM fields; None: not printed.
    pub certificate: Option<String>,
    pub key: Option<String>,
    pub ca_certificate: Option<String>,
    /// `spec.tls.externalCertificate.name`.
    pub external_certificate: Option<String>,
    pub destination_ca_certificate: Option<String>,
}

/// A Role and RoleBinding that let the router read one Secret, as the
/// Route CRD's `externalCertificate` asks ("The router service account
/// needs to be granted with read-only access to this secret", openshift/api
/// route/v1, release-4.19 to 4.22).
#[derive(Debug, Clone, Serialize)]
pub struct RouteSecretReaderPlan {
    pub meta: Meta,
    pub secret: String,
    pub router_namespace: String,
    pub router_service_account: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PodMonitorPlan {
    pub meta: Meta,
    pub selector: IndexMap<String, String>,
    pub interval: String,
    pub port: u16,
    pub path: String,
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

/// The keys of one application in the values: the top-level form or an
/// `apps.<name>` entry.
struct AppSource<'a> {
    name: String,
    /// `` or `apps.<name>`.
    prefix: String,
    host: &'a str,
    clusters: &'a IndexMap<String, Cluster>,
    weights: &'a IndexMap<String, i64>,
    api_weights: &'a IndexMap<String, i64>,
    circuit_breaking: CircuitBreaking,
    rules: &'a [HeaderRule],
    route_namespace: &'a str,
    /// The HTTPRoute's (or VirtualService's) name; empty: the default.
    route_name: &'a str,
}

impl AppSource<'_> {
    /// The values key for a top-level key of the single-app form.
    fn key(&self, top_level: &str) -> String {
        scoped_key(&self.prefix, top_level)
    }
}

/// What every application's Route needs to know about the gateway.
struct GatewayFacts {
    listener_port: u16,
    tls_port: u16,
    /// The gateway's Service, which the hub Routes point at.
    service: String,
}

/// An application, resolved: its plan and what building its objects needs.
struct ResolvedApp<'a> {
    plan: AppPlan,
    source: AppSource<'a>,
    route_namespace: String,
    route_name: String,
}

impl Planner<'_> {
    fn error(&self, at: &KeyPath, message: String) -> Error {
        Error::input(message).at(self.origins.locate(at))
    }

    /// The object limit, checked before the objects are planned: each
    /// application makes at least a route, two Services per spoke and a
    /// ServiceEntry per spoke host.
    fn check_object_floor(&self, apps: &[ResolvedApp]) -> Result<()> {
        let spokes = || {
            apps.iter()
                .flat_map(|a| a.plan.spokes.iter().filter(|s| s.enabled))
        };
        let hosts: std::collections::HashSet<&str> = spokes().map(|s| s.host.as_str()).collect();
        too_many_objects(
            apps.len() + 2 * spokes().count() + hosts.len(),
            self.origins,
        )
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

    /// A host hubgw made from a domain: the error points at the domain the
    /// user wrote, not at the empty default of the host.
    fn check_derived_host(&self, host_key: &str, domain: &KeyPath, value: &str) -> Result<()> {
        match dns::subdomain_problem(value) {
            None => Ok(()),
            Some(p) => Err(self
                .error(domain, format!("`{host_key}`, made from `{domain}`, is not a valid DNS name ({value:?}): {p}"))
                .hint(format!("shorten `{domain}`, or set `{host_key}` to a valid name"))),
        }
    }

    fn build(&self) -> Result<HubPlan> {
        let v = self.v;
        let ns = v.namespace.clone();
        let istio_api = v.gateway.api == GatewayApi::Istio;
        self.check_label("namespace", &ns, "namespace name")?;
        self.check_label("gateway.name", &v.gateway.name, "gateway name")?;
        self.check_label("gateway.className", &v.gateway.class_name, "class name")?;
        self.check_label("waypoint.className", &v.waypoint.class_name, "class name")?;
        self.check_label(
            "gateway.listener.name",
            &v.gateway.listener.name,
            "listener name",
        )?;
        self.check_label(
            "gateway.tls.listenerName",
            &v.gateway.tls.listener_name,
            "listener name",
        )?;
        if v.route.enabled {
            self.check_label("route.name", &v.route.name, "Route name")?;
        }
        let listener_port = self.port("gateway.listener.port", v.gateway.listener.port)?;
        let tls_port = self.port("gateway.tls.port", v.gateway.tls.port)?;
        let waypoint_name = format!("{ns}-waypoint");
        if let Some(p) = dns::label_problem(&waypoint_name) {
            return Err(self
                .error(&path("namespace"), format!("the waypoint name `{waypoint_name}` (from the namespace) is not valid: {p}"))
                .hint("use a namespace of at most 54 characters"));
        }
        let gateway_service = if istio_api {
            v.gateway.name.clone()
        } else {
            format!("{}-{}", v.gateway.name, v.gateway.class_name)
        };
        if let Some(p) = dns::dns1035_label_problem(&gateway_service) {
            return Err(self
                .error(
                    &path("gateway.name"),
                    format!("the gateway's Service, `{gateway_service}`, would not be valid: {p}"),
                )
                .hint("shorten gateway.name or gateway.className"));
        }
        for (key, value) in &v.labels {
            self.check_label_pair("labels", key, value)?;
        }
        self.check_tls()?;
        self.check_route()?;
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
                    ("istio.io/use-waypoint", &waypoint_name),
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

        let tls = &v.gateway.tls;
        let app_hosts: Vec<String> = apps.iter().map(|a| a.plan.host.clone()).collect();
        if istio_api {
            plan.injected_gateways.push(self.injected_gateway(
                meta(&v.gateway.name, Kind::Deployment, &[]),
                &target.istio_revision,
            ));
            let mut servers = vec![ServerPlan {
                number: INJECTED_HTTP_PORT,
                name: "http".into(),
                protocol: "HTTP".into(),
                hosts: app_hosts.clone(),
                credential_name: None,
            }];
            if tls.enabled {
                servers.push(ServerPlan {
                    number: INJECTED_HTTPS_PORT,
                    name: "https".into(),
                    protocol: "HTTPS".into(),
                    hosts: app_hosts.clone(),
                    credential_name: Some(tls.certificate_refs[0].name.clone()),
                });
            }
            plan.istio_gateways.push(IstioGatewayPlan {
                meta: meta(&v.gateway.name, Kind::IstioGateway, &[]),
                selector: istio_selector(&v.gateway.name),
                servers,
            });
        } else {
            let mut gateway_meta = meta(&v.gateway.name, Kind::Gateway, &revision);
            gateway_meta.annotations.insert(
                "networking.istio.io/service-type".into(),
                service_type_name(v.gateway.service_type).into(),
            );
            let allowed_routes = self.allowed_routes_json();
            let mut listeners = vec![ListenerPlan {
                name: v.gateway.listener.name.clone(),
                port: listener_port,
                protocol: "HTTP".into(),
                tls: None,
                allowed_routes: allowed_routes.clone(),
            }];
            if tls.enabled {
                let refs: Vec<Json> = tls
                    .certificate_refs
                    .iter()
                    .map(|r| {
                        let mut reference = json!({"kind": "Secret", "name": r.name});
                        if !r.namespace.is_empty() {
                            reference["namespace"] = json!(r.namespace);
                        }
                        reference
                    })
                    .collect();
                listeners.push(ListenerPlan {
                    name: tls.listener_name.clone(),
                    port: tls_port,
                    protocol: "HTTPS".into(),
                    tls: Some(json!({"mode": "Terminate", "certificateRefs": refs})),
                    allowed_routes,
                });
            }
            plan.gateways.push(GatewayPlan {
                meta: gateway_meta,
                class_name: v.gateway.class_name.clone(),
                listeners,
                service_name: gateway_service.clone(),
            });
            plan.waypoints.push(WaypointPlan {
                meta: meta(
                    &waypoint_name,
                    Kind::Gateway,
                    &[[("istio.io/waypoint-for", "service")].as_slice(), &revision].concat(),
                ),
                class_name: v.waypoint.class_name.clone(),
            });
        }

        let facts = GatewayFacts {
            listener_port,
            tls_port,
            service: gateway_service.clone(),
        };
        for app in &apps {
            self.app_objects(app, &mut plan, &meta, &meta_in, &facts)?;
        }
        if istio_api {
            self.egress_objects(&mut plan, &meta)?;
        } else {
            self.ambient_egress_objects(&mut plan, &meta_in, &waypoint_name)?;
        }
        if !plan.injected_gateways.is_empty() {
            plan.secret_readers
                .push(meta(SECRET_READER, Kind::Role, &[]));
        }
        self.check_resources()?;
        if v.monitoring.pod_monitor.enabled {
            if !dns::is_duration(&v.monitoring.pod_monitor.interval) {
                return Err(self.error(
                    &path("monitoring.podMonitor.interval"),
                    format!(
                        "`monitoring.podMonitor.interval` must be a duration like 30s, found {:?}",
                        v.monitoring.pod_monitor.interval
                    ),
                ));
            }
            let selector = if istio_api {
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
                interval: v.monitoring.pod_monitor.interval.clone(),
                port: METRICS_PORT,
                path: "/stats/prometheus".into(),
            });
        }
        self.check_control_characters()?;
        plan.apps = apps.into_iter().map(|a| a.plan).collect();
        Ok(plan)
    }

    /// A net under the field checks above: no string the user gives holds a
    /// control character (newline, NUL, other C0, DEL, C1), even one that
    /// only reaches the cluster once a feature is turned on. The API server
    /// and the proxies refuse them in names, hosts, labels and durations, and
    /// a header value may not hold them (RFC 9110 5.5). PEM blocks are text
    /// of several lines, so `route.tls` keeps line breaks and tabs.
    fn check_control_characters(&self) -> Result<()> {
        let tree = serde_json::to_value(self.v).expect("plain data");
        let mut stack = vec![(KeyPath::root(), &tree)];
        while let Some((at, node)) = stack.pop() {
            match node {
                Json::Object(map) => {
                    for (k, v) in map.iter().rev() {
                        let key = at.key(k.clone());
                        if let Some(c) = k.chars().find(|c| c.is_control()) {
                            return Err(self.error(
                                &key,
                                format!(
                                    "the key {k:?} under `{at}` holds the control character {c:?}"
                                ),
                            ));
                        }
                        stack.push((key, v));
                    }
                }
                Json::Array(items) => {
                    for (i, v) in items.iter().enumerate().rev() {
                        stack.push((at.index(i), v));
                    }
                }
                Json::String(text) => {
                    let pem = at.starts_with(&path("route.tls"));
                    let bad = text
                        .chars()
                        .find(|&c| c.is_control() && !(pem && matches!(c, '\n' | '\r' | '\t')));
                    if let Some(c) = bad {
                        return Err(self
                            .error(&at, format!("`{at}` holds the control character {c:?}: {text:?}"))
                            .hint("remove line breaks, tabs, NUL and other control characters; no object field hubgw writes from it takes them"));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// `revision`: the control plane's (`istio.io/rev` on the pods); empty: none.
    fn injected_gateway(&self, meta: Meta, revision: &str) -> InjectedGatewayPlan {
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

    fn allowed_routes_json(&self) -> Json {
        let n = &self.v.gateway.allowed_routes.namespaces;
        match n.from {
            FromNamespaces::Same => json!({"namespaces": {"from": "Same"}}),
            FromNamespaces::All => json!({"namespaces": {"from": "All"}}),
            FromNamespaces::Selector => {
                json!({"namespaces": {"from": "Selector", "selector": {"matchLabels": n.selector.match_labels}}})
            }
        }
    }

    fn check_allowed_routes(&self) -> Result<()> {
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
            if let Some(p) = dns::label_problem(namespace) {
                return Err(self.error(
                    &path("gateway.allowedRoutes.namespaceLabels").key(namespace.clone()),
                    format!("`{namespace}` is not a valid namespace name: {p}"),
                ));
            }
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

    fn check_tls(&self) -> Result<()> {
        let tls = &self.v.gateway.tls;
        if !tls.enabled {
            return Ok(());
        }
        if tls.certificate_refs.is_empty() {
            return Err(self
                .error(&path("gateway.tls.enabled"), "`gateway.tls.enabled` needs at least one certificate in `gateway.tls.certificateRefs`".into())
                .hint("name the Secret holding the certificate: `certificateRefs: [{name: hub-gateway-cert}]`"));
        }
        for (i, r) in tls.certificate_refs.iter().enumerate() {
            let at = path("gateway.tls.certificateRefs").index(i);
            if let Some(p) = dns::subdomain_problem(&r.name) {
                return Err(self.error(
                    &at.key("name"),
                    format!("certificate Secret name `{}` is not valid: {p}", r.name),
                ));
            }
            if !r.namespace.is_empty() {
                if let Some(p) = dns::label_problem(&r.namespace) {
                    return Err(self.error(
                        &at.key("namespace"),
                        format!("namespace `{}` is not valid: {p}", r.namespace),
                    ));
                }
            }
        }
        Ok(())
    }

    /// `argocd.namespaceSyncOptions`, checked, as the annotation's value.
    fn namespace_sync_options(&self) -> Result<String> {
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

    /// The hub Route's annotations and TLS settings.
    fn check_route(&self) -> Result<()> {
        let r = &self.v.route;
        for (key, value) in &r.annotations {
            let at = path("route.annotations").key(key.clone());
            if let Some(p) = dns::qualified_name_problem(key) {
                return Err(self
                    .error(&at, format!("`{key}` is not a valid annotation key: {p}"))
                    .hint("an annotation key is an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_` or `.`"));
            }
            if value.chars().any(char::is_control) {
                return Err(self.error(
                    &at,
                    format!("the value of annotation `{key}` holds a control character"),
                ));
            }
            // The router ignores a value that is not a time spec
            // (`$timeSpecPattern`, haproxy-config.template, release-4.19).
            if key == ROUTE_TIMEOUT && haproxy_timeout_ms(value).is_none() {
                return Err(self
                    .error(&at, format!("`{ROUTE_TIMEOUT}` must be an HAProxy time like 3600s, 90m or 1h, found {value:?}; the router would ignore it"))
                    .hint("a number without leading zeros, then us, ms, s, m, h or d (none: milliseconds)"));
            }
        }
        let t = &r.tls;
        let key = |k: &str| path(&format!("route.tls.{k}"));
        let pem = [
            ("certificate", &t.certificate, "CERTIFICATE"),
            ("key", &t.key, "PRIVATE KEY"),
            ("caCertificate", &t.ca_certificate, "CERTIFICATE"),
            (
                "destinationCACertificate",
                &t.destination_ca_certificate,
                "CERTIFICATE",
            ),
        ];
        for (name, value, label) in pem {
            let pem = value.contains("-----BEGIN") && value.contains(label);
            if !value.is_empty() && !pem {
                return Err(self
                    .error(&key(name), format!("`route.tls.{name}` is not PEM: it holds no `-----BEGIN ...{label}-----` block"))
                    .hint("paste the PEM file into a values file as a block scalar (`certificate: |`)"));
            }
        }
        let passthrough = t.termination == TlsTermination::Passthrough;
        let terminates = [
            ("certificate", &t.certificate),
            ("key", &t.key),
            ("caCertificate", &t.ca_certificate),
            ("externalCertificate", &t.external_certificate),
        ];
        if let Some((name, _)) = terminates
            .iter()
            .find(|(_, v)| passthrough && !v.is_empty())
        {
            return Err(self
                .error(&key(name), format!("`route.tls.{name}` is set, but a passthrough Route terminates no TLS: the gateway presents its own certificate"))
                .hint("use edge or reencrypt termination, or put the certificate in gateway.tls.certificateRefs"));
        }
        if !t.destination_ca_certificate.is_empty() && t.termination != TlsTermination::Reencrypt {
            return Err(self
                .error(
                    &key("destinationCACertificate"),
                    "`route.tls.destinationCACertificate` is only used by reencrypt Routes".into(),
                )
                .hint("set route.tls.termination: reencrypt, or remove it"));
        }
        if t.certificate.is_empty() != t.key.is_empty() {
            let (given, missing) = if t.key.is_empty() {
                ("certificate", "key")
            } else {
                ("key", "certificate")
            };
            return Err(self
                .error(&key(given), format!("`route.tls.certificate` and `route.tls.key` go together; `route.tls.{given}` is set and `route.tls.{missing}` is empty"))
                .hint("give both, or neither"));
        }
        if !t.external_certificate.is_empty() {
            if !t.certificate.is_empty() {
                // The Route CRD's rule: "cannot have both spec.tls.certificate
                // and spec.tls.externalCertificate".
                return Err(self
                    .error(&key("externalCertificate"), "`route.tls.externalCertificate` and `route.tls.certificate` exclude each other".into())
                    .hint("keep the Secret, or the PEM certificate and key"));
            }
            if let Some(p) = dns::subdomain_problem(&t.external_certificate) {
                return Err(self.error(
                    &key("externalCertificate"),
                    format!("Secret name `{}` is not valid: {p}", t.external_certificate),
                ));
            }
        }
        Ok(())
    }

    /// Services, ServiceEntries, DestinationRules, routes and the hub Route
    /// of one application.
    fn app_objects(
        &self,
        app: &ResolvedApp,
        plan: &mut HubPlan,
        meta: &MetaFn,
        meta_in: &MetaInFn,
        gateway: &GatewayFacts,
    ) -> Result<()> {
        let v = self.v;
        let ns = &v.namespace;
        let istio_api = v.gateway.api == GatewayApi::Istio;
        let name = app.plan.name.as_str();
        let app_label = ("app.kubernetes.io/name", name);
        let enabled: Vec<&SpokePlan> = app.plan.spokes.iter().filter(|s| s.enabled).collect();
        let (front, api) = self.weights(&app.source, &enabled)?;
        let policy = self.traffic_policy(
            &app.source.key("gateway.circuitBreaking"),
            &app.source.circuit_breaking,
        )?;
        let cross_namespace = app.route_namespace != *ns;

        let service_name = |spoke: &str, traffic: &str| format!("{name}-{spoke}-{traffic}");
        let backend = |spoke: &SpokePlan, traffic: &str, weight: i64| {
            let service = service_name(&spoke.name, traffic);
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

        for spoke in &enabled {
            for traffic in ["front", "api"] {
                let service = service_name(&spoke.name, traffic);
                if let Some(p) = dns::dns1035_label_problem(&service) {
                    return Err(self
                        .error(&path(&app.source.key(&format!("clusters.{}", spoke.name))), format!("the Service name `{service}` (application, spoke and traffic type) is not valid: {p}"))
                        .hint("shorten the application or spoke name"));
                }
                let labels = [
                    app_label,
                    ("app.kubernetes.io/component", traffic),
                    ("hub-gateway/spoke", spoke.name.as_str()),
                ];
                plan.services.push(ServicePlan {
                    meta: meta(&service, Kind::Service, &labels),
                    app: name.to_string(),
                    spoke: spoke.name.clone(),
                    traffic: traffic.into(),
                    external_name: spoke.host.clone(),
                    port: SPOKE_PORT,
                });
            }
            if let Some(policy) = &policy {
                self.circuit_breaker(plan, app, spoke, policy, meta)?;
            }
            if !plan.service_entries.iter().any(|se| se.host == spoke.host) {
                plan.service_entries.push(ServiceEntryPlan {
                    meta: meta(&spoke.host, Kind::ServiceEntry, &[]),
                    host: spoke.host.clone(),
                    port: SPOKE_PORT,
                    port_name: "http".into(),
                });
            }
        }

        let mut rules = self.header_rules(&app.source, &enabled, &backend)?;
        rules.push(RulePlan {
            name: "api".into(),
            matches: json!([{"path": {"type": "PathPrefix", "value": "/api"}}]),
            istio_match: Some(Json::Array(
                istio_uri_matches("/api")
                    .into_iter()
                    .map(|uri| json!({ "uri": uri }))
                    .collect(),
            )),
            backends: enabled
                .iter()
                .zip(&api)
                .map(|(s, &w)| backend(s, "api", w))
                .collect(),
        });
        rules.push(RulePlan {
            name: "front".into(),
            matches: json!([{"path": {"type": "PathPrefix", "value": "/"}}]),
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
            &[app_label],
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
            .get(&app.route_namespace)
            .filter(|_| cross_namespace)
        {
            // Tells lint (HG002, HG029) the labels of a namespace not rendered.
            route_meta.annotations.insert(
                ROUTE_NAMESPACE_LABELS.into(),
                serde_json::to_string(labels).expect("plain data"),
            );
        }
        if istio_api {
            plan.virtual_services.push(VirtualServicePlan {
                meta: route_meta,
                hosts: vec![app.plan.host.clone()],
                gateways: vec![format!("{ns}/{}", v.gateway.name)],
                rules,
            });
        } else {
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
            plan.http_routes.push(HttpRoutePlan {
                meta: route_meta,
                app: name.to_string(),
                hostnames: vec![app.plan.host.clone()],
                parent_refs,
                rules,
                rule_names: plan.target.gateway_api.has_rule_names(),
            });
            if cross_namespace {
                // Exactly the Services this route names, added to the grant
                // of its namespace (one grant per namespace).
                let mut services: Vec<String> = Vec::new();
                for b in plan
                    .http_routes
                    .last()
                    .iter()
                    .flat_map(|r| &r.rules)
                    .flat_map(|r| &r.backends)
                {
                    if !services.contains(&b.service) {
                        services.push(b.service.clone());
                    }
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
            }
        }

        if v.route.enabled {
            let route_name = if app.source.prefix.is_empty() {
                v.route.name.clone()
            } else {
                name.to_string()
            };
            let tls_on = v.gateway.tls.enabled;
            let target_port = match (istio_api, tls_on) {
                (true, false) => json!("http2"),
                (true, true) => json!("https"),
                (false, false) => json!(gateway.listener_port),
                (false, true) => json!(gateway.tls_port),
            };
            let mut route_meta = meta(&route_name, Kind::Route, &[app_label]);
            for (key, value) in &v.route.annotations {
                route_meta.annotations.insert(key.clone(), value.clone());
            }
            let t = &v.route.tls;
            let given = |s: &String| (!s.is_empty()).then(|| s.clone());
            plan.routes.push(RoutePlan {
                meta: route_meta,
                host: app.plan.host.clone(),
                service_name: gateway.service.clone(),
                target_port,
                termination: t.termination,
                insecure_edge_termination_policy: t.insecure_edge_termination_policy,
                certificate: given(&t.certificate),
                key: given(&t.key),
                ca_certificate: given(&t.ca_certificate),
                external_certificate: given(&t.external_certificate),
                destination_ca_certificate: given(&t.destination_ca_certificate),
            });
            if !t.external_certificate.is_empty() && plan.route_secret_readers.is_empty() {
                let name = format!("router-reads-{}", t.external_certificate);
                plan.route_secret_readers.push(RouteSecretReaderPlan {
                    meta: meta(&name, Kind::Role, &[]),
                    secret: t.external_certificate.clone(),
                    router_namespace: ROUTER_SERVICE_ACCOUNT.0.into(),
                    router_service_account: ROUTER_SERVICE_ACCOUNT.1.into(),
                });
            }
        }
        Ok(())
    }

    /// The DestinationRule of one spoke host: one per host, shared by the
    /// applications that route to it, which must then agree on the policy.
    fn circuit_breaker(
        &self,
        plan: &mut HubPlan,
        app: &ResolvedApp,
        spoke: &SpokePlan,
        policy: &Json,
        meta: &MetaFn,
    ) -> Result<()> {
        let name = app.plan.name.as_str();
        if let Some(other) = plan.destination_rules.iter().find(|d| d.host == spoke.host) {
            if other.traffic_policy == *policy {
                return Ok(());
            }
            return Err(self
                .error(
                    &path(&app.source.key("gateway.circuitBreaking")),
                    format!(
                        "application `{name}` routes to spoke host `{}` with other circuit breaking than `{}`, which routes there too; Istio applies one DestinationRule per host",
                        spoke.host, other.meta.name
                    ),
                )
                .hint("give both applications the same circuitBreaking, or different spoke hosts"));
        }
        let labels = [
            ("app.kubernetes.io/name", name),
            ("hub-gateway/spoke", spoke.name.as_str()),
        ];
        plan.destination_rules.push(DestinationRulePlan {
            meta: meta(
                &format!("cb-{name}-{}", spoke.name),
                Kind::DestinationRule,
                &labels,
            ),
            host: spoke.host.clone(),
            traffic_policy: policy.clone(),
        });
        Ok(())
    }

    /// `gateway.rules` (or an app's `rules`) as traffic rules.
    fn header_rules(
        &self,
        source: &AppSource,
        enabled: &[&SpokePlan],
        backend: &dyn Fn(&SpokePlan, &str, i64) -> BackendPlan,
    ) -> Result<Vec<RulePlan>> {
        let base = path(&source.key("gateway.rules"));
        let mut checked: Vec<(&HeaderRule, Vec<RuleMatchPlan>, Vec<BackendPlan>)> = Vec::new();
        for (i, rule) in source.rules.iter().enumerate() {
            let at = base.index(i);
            if let Some(p) = dns::label_problem(&rule.name) {
                return Err(self.error(
                    &at.key("name"),
                    format!("rule name `{}` is not valid: {p}", rule.name),
                ));
            }
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
            let mut matches: Vec<Json> = Vec::new();
            let mut istio = Vec::new();
            for m in ms {
                let gw_headers: Vec<Json> = m
                    .headers
                    .iter()
                    .map(|(n, v)| json!({"type": "Exact", "name": n, "value": v}))
                    .collect();
                let is_headers: serde_json::Map<String, Json> = m
                    .headers
                    .iter()
                    .map(|(n, v)| (n.to_lowercase(), json!({"exact": v})))
                    .collect();
                for (k, scope) in scopes(i, m).iter().enumerate() {
                    let mut gw = serde_json::Map::new();
                    if k > 0 || m.path.is_some() {
                        gw.insert("path".into(), json!({"type": "PathPrefix", "value": scope}));
                    }
                    if !gw_headers.is_empty() {
                        gw.insert("headers".into(), Json::Array(gw_headers.clone()));
                    }
                    let gw = Json::Object(gw);
                    if !matches.contains(&gw) {
                        matches.push(gw);
                    }
                }
                let uris = match &m.path {
                    Some(p) => istio_uri_matches(p).into_iter().map(Some).collect(),
                    None => vec![None],
                };
                for uri in uris {
                    let mut is = serde_json::Map::new();
                    if let Some(uri) = uri {
                        is.insert("uri".into(), uri);
                    }
                    if !is_headers.is_empty() {
                        is.insert("headers".into(), Json::Object(is_headers.clone()));
                    }
                    istio.push(Json::Object(is));
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
                matches: Json::Array(matches),
                istio_match: Some(Json::Array(istio)),
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

    /// The egress hosts, checked: host names and ports, no host twice.
    fn egress_hosts(&self) -> Result<Vec<(String, u16)>> {
        let mut out: Vec<(String, u16)> = Vec::new();
        for (i, entry) in self.v.egress.hosts.iter().enumerate() {
            let at = path("egress.hosts").index(i);
            let (host, port) = match entry {
                EgressHost::Name(h) => (h.clone(), 80),
                EgressHost::Entry(e) => (e.host.clone(), e.port.unwrap_or(80)),
            };
            self.check_host(&at, &host)?;
            let port = match u16::try_from(port) {
                Ok(p) if p > 0 => p,
                _ => {
                    return Err(self.error(
                        &at.key("port"),
                        format!("port must be from 1 to 65535, found {port}"),
                    ))
                }
            };
            if out.iter().any(|(h, _)| *h == host) {
                return Err(self.error(&at, format!("egress host `{host}` is listed twice")));
            }
            out.push((host, port));
        }
        Ok(out)
    }

    /// Ambient egress (`api: gateway-api`), as Istio's ambient "Egress
    /// gateways" page does it: a waypoint is the egress gateway, and each
    /// host's ServiceEntry names it with `istio.io/use-waypoint` (plus
    /// `istio.io/use-waypoint-namespace` across namespaces; both labels are
    /// read by pilot/pkg/serviceregistry/kube/controller/ambient/waypoints.go
    /// `getUseWaypoint` at istio/istio tag 1.24.6). ztunnel then sends ambient
    /// pods' traffic for the host through the waypoint: no VirtualService
    /// bound to `mesh` (only sidecars apply those) and no injected gateway.
    fn ambient_egress_objects(
        &self,
        plan: &mut HubPlan,
        meta_in: &MetaInFn,
        namespace_waypoint: &str,
    ) -> Result<()> {
        let v = self.v;
        let hosts = self.egress_hosts()?;
        if hosts.is_empty() {
            return Ok(());
        }
        let wp = &v.egress.waypoint;
        self.check_label("egress.waypoint.name", &wp.name, "waypoint name")?;
        let ns = if wp.namespace.is_empty() {
            v.namespace.clone()
        } else {
            self.check_label("egress.waypoint.namespace", &wp.namespace, "namespace name")?;
            wp.namespace.clone()
        };
        let here = ns == v.namespace;
        if wp.install {
            if here && (wp.name == v.gateway.name || wp.name == namespace_waypoint) {
                return Err(self
                    .error(
                        &path("egress.waypoint.name"),
                        format!(
                            "the egress waypoint `{}` has the name of the hub's {}",
                            wp.name,
                            if wp.name == v.gateway.name {
                                "gateway"
                            } else {
                                "namespace waypoint"
                            }
                        ),
                    )
                    .hint("give the egress waypoint its own name"));
            }
            // A waypoint admits only its own namespace unless the HBONE
            // listener says otherwise (waypoints.go `makeAllowedRoutes`, 1.24.6).
            let allowed_routes = if here {
                json!({"namespaces": {"from": "Same"}})
            } else {
                json!({"namespaces": {"from": "Selector", "selector": {"matchLabels": {"kubernetes.io/metadata.name": v.namespace}}}})
            };
            plan.egress_waypoints.push(EgressWaypointPlan {
                meta: {
                    let mut meta = meta_in(
                        &ns,
                        &wp.name,
                        Kind::Gateway,
                        &[("istio.io/waypoint-for", "service")],
                    );
                    // As on the other gateways (see `build`).
                    if !plan.target.istio_revision.is_empty() {
                        meta.labels
                            .insert("istio.io/rev".into(), plan.target.istio_revision.clone());
                    }
                    meta
                },
                class_name: v.waypoint.class_name.clone(),
                allowed_routes,
            });
        }
        let mut labels = vec![("istio.io/use-waypoint", wp.name.as_str())];
        if !here {
            labels.push(("istio.io/use-waypoint-namespace", ns.as_str()));
        }
        for (host, port) in hosts {
            plan.egress_service_entries.push(EgressServiceEntryPlan {
                meta: meta_in(
                    &v.namespace,
                    &format!("egress-{host}"),
                    Kind::ServiceEntry,
                    &labels,
                ),
                host,
                port,
            });
        }
        Ok(())
    }

    /// The sidecar recipe (`api: istio`): ServiceEntry, Gateway,
    /// DestinationRule and VirtualService per egress host.
    fn egress_objects(&self, plan: &mut HubPlan, meta: &MetaFn) -> Result<()> {
        let v = self.v;
        let egress = &v.egress;
        if egress.hosts.is_empty() {
            return Ok(());
        }
        let gw = &egress.gateway.name;
        self.check_label("egress.gateway.name", gw, "gateway name")?;
        if egress.gateway.install {
            if plan.injected_gateways.iter().any(|g| g.meta.name == *gw) {
                return Err(self
                    .error(
                        &path("egress.gateway.name"),
                        format!("the egress gateway `{gw}` has the ingress gateway's name"),
                    )
                    .hint("give the egress gateway its own name"));
            }
            let revision = plan.target.istio_revision.clone();
            plan.injected_gateways
                .push(self.injected_gateway(meta(gw, Kind::Deployment, &[]), &revision));
        }
        let ns = &v.namespace;
        for (host, port) in self.egress_hosts()? {
            let name = format!("egress-{host}");
            let subset = host.replace('.', "-");
            plan.egress.push(EgressPlan {
                service_entry: meta(&name, Kind::ServiceEntry, &[]),
                gateway: meta(&name, Kind::IstioGateway, &[]),
                destination_rule: meta(&name, Kind::DestinationRule, &[]),
                virtual_service: meta(&name, Kind::VirtualService, &[]),
                selector: istio_selector(gw),
                gateway_fqdn: format!("{gw}.{ns}.svc.cluster.local"),
                gateway_ref: format!("{ns}/{name}"),
                subset,
                host,
                port,
            });
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
                .hint("see values/values.yaml for the default")),
        }
    }

    /// The hub apps domain, from the first of the four keys that is set.
    /// `target`: the OpenShift shorthand expanded, each version checked
    /// against what hubgw embeds; unset keys take the portable default.
    fn target(&self) -> Result<Target> {
        let t = &self.v.target;
        let mut resolved = Target::default();
        let row = if t.openshift.is_empty() {
            None
        } else {
            let row = OpenShiftRow::find(&t.openshift).ok_or_else(|| {
                self.error(
                    &path("target.openshift"),
                    format!("`target.openshift` {:?} is not an OpenShift release hubgw knows", t.openshift),
                )
                .hint(format!(
                    "supported: {}; for another release give target.gatewayAPI and target.istio instead",
                    target::supported_openshift()
                ))
            })?;
            resolved.gateway_api = row.gateway_api;
            resolved.istio = row.istio;
            Some(row)
        };
        if !t.gateway_api.is_empty() {
            let at = path("target.gatewayAPI");
            let version = target::GatewayApi::parse(&t.gateway_api).ok_or_else(|| {
                self.error(&at, format!("`target.gatewayAPI` {:?} is not a Gateway API bundle hubgw embeds", t.gateway_api))
                    .hint(format!("supported: {}; a cluster's is the gateway.networking.k8s.io/bundle-version annotation of its httproutes CRD", target::supported_gateway_api()))
            })?;
            if let Some(row) = row.filter(|r| r.gateway_api != version) {
                return Err(self
                    .error(&at, format!("`target.gatewayAPI` {} conflicts with `target.openshift` {}, whose Ingress Operator installs Gateway API {}", version.as_str(), row.openshift, row.gateway_api.as_str()))
                    .hint("remove one of the two: target.openshift sets target.gatewayAPI"));
            }
            resolved.gateway_api = version;
        }
        if !t.istio.is_empty() {
            let at = path("target.istio");
            let version = target::Istio::parse(&t.istio).ok_or_else(|| {
                self.error(
                    &at,
                    format!(
                        "`target.istio` {:?} is not an Istio minor hubgw embeds",
                        t.istio
                    ),
                )
                .hint(format!("supported: {}", target::supported_istio()))
            })?;
            if let Some(row) = row.filter(|r| r.istio != version) {
                return Err(self
                    .error(&at, format!("`target.istio` {} conflicts with `target.openshift` {}, which hubgw pairs with OpenShift Service Mesh {} (Istio {})", version.as_str(), row.openshift, row.service_mesh, row.istio.as_str()))
                    .hint("to run another Service Mesh release, drop target.openshift and give target.gatewayAPI and target.istio"));
            }
            resolved.istio = version;
        }
        if !t.istio_revision.is_empty() {
            // A label value: `istio.io/rev` carries it.
            if let Some(p) = dns::label_problem(&t.istio_revision) {
                return Err(self
                    .error(
                        &path("target.istioRevision"),
                        format!("`target.istioRevision` is not a valid revision name: {p}"),
                    )
                    .hint("a revision is a DNS label, as `oc get istiorevisions` lists it"));
            }
            resolved.istio_revision = t.istio_revision.clone();
        }
        Ok(resolved)
    }

    /// The hub's apps domain and the key that set it: the first of the
    /// chart's four spellings that is not empty.
    fn hub_domain_source(&self) -> Option<(&'static str, &String)> {
        let v = self.v;
        [
            ("clusterDomain", &v.cluster_domain),
            ("deployer.domain", &v.deployer.domain),
            ("global.localClusterDomain", &v.global.local_cluster_domain),
            ("global.hubClusterDomain", &v.global.hub_cluster_domain),
        ]
        .into_iter()
        .find(|(_, value)| !value.is_empty())
    }

    fn hub_domain(&self) -> Result<String> {
        if let Some((key, value)) = self.hub_domain_source() {
            self.check_host(&path(key), value)?;
            return Ok(value.clone());
        }
        Err(Error::input("no hub apps domain is set: clusterDomain, deployer.domain, global.localClusterDomain and global.hubClusterDomain are all empty")
            .hint("set the hub cluster's apps domain, for example `--set clusterDomain=apps.hub.example.com`"))
    }

    /// The applications: the top-level form when it enables a spoke (or
    /// when there are no `apps`), then each `apps` entry.
    fn resolve_apps(&self, domain: &str) -> Result<Vec<ResolvedApp<'_>>> {
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
        for source in sources {
            let name_key = if source.prefix.is_empty() {
                "app.name".to_string()
            } else {
                source.prefix.clone()
            };
            if out.iter().any(|a| a.plan.name == source.name) {
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
    fn merged_circuit_breaking(&self, name: &str, entry: &AppEntry) -> Result<CircuitBreaking> {
        let global = &self.v.gateway.circuit_breaking;
        let Some(patch) = &entry.circuit_breaking else {
            return Ok(global.clone());
        };
        let mut merged = serde_yaml::to_value(global).expect("plain data");
        crate::values::merge::merge_into(
            &mut merged,
            serde_yaml::to_value(patch).expect("plain data"),
        );
        serde_yaml::from_value(merged).map_err(|e| {
            self.error(&path(&format!("apps.{name}.circuitBreaking")), format!("`apps.{name}.circuitBreaking` does not merge over `gateway.circuitBreaking`: {e}"))
        })
    }

    fn app<'s>(
        &self,
        source: AppSource<'s>,
        domain: &str,
        name_key: &str,
    ) -> Result<ResolvedApp<'s>> {
        let v = self.v;
        let name = source.name.clone();
        if let Some(p) = dns::dns1035_label_problem(&name) {
            return Err(self
                .error(&path(name_key), format!("the application name `{name}` is not valid: {p}"))
                .hint("application names begin Service names: lowercase letters, digits and `-`, starting with a letter"));
        }
        let host = if source.host.is_empty() {
            format!("{name}.{domain}")
        } else {
            source.host.to_string()
        };
        if source.host.is_empty() {
            let domain_key = self.hub_domain_source().map_or("clusterDomain", |(k, _)| k);
            self.check_derived_host(&source.key("app.host"), &path(domain_key), &host)?;
        } else {
            self.check_host(&path(&source.key("app.host")), &host)?;
        }
        let route_namespace = if source.route_namespace.is_empty() {
            v.namespace.clone()
        } else {
            source.route_namespace.to_string()
        };
        if let Some(p) = dns::label_problem(&route_namespace) {
            return Err(self.error(
                &path(&source.key("app.routeNamespace")),
                format!("route namespace `{route_namespace}` is not valid: {p}"),
            ));
        }

        let route_name = match source.route_name {
            // The chart named its HTTPRoute `industrial-edge-lb`
            // (charts/all/hub-gateway/templates/httproute.yaml in
            // maximilianoPizarro/hybrid-mesh-platform, commit 9e6d644).
            "" if source.prefix.is_empty() => format!("{name}-lb"),
            "" => name.clone(),
            set => set.to_string(),
        };
        if let Some(p) = dns::subdomain_problem(&route_name) {
            let at = source.key("app.routeName");
            return Err(self
                .error(
                    &path(&at),
                    format!("`{at}` is not a valid object name ({route_name:?}): {p}"),
                )
                .hint("use lowercase letters, digits, `-` and `.`, like industrial-edge-lb"));
        }

        let mut spokes = Vec::new();
        for (spoke, cluster) in source.clusters {
            let at = path(&source.key("clusters")).key(spoke.clone());
            if let Some(p) = dns::label_problem(spoke) {
                return Err(self
                    .error(&at, format!("the spoke name `{spoke}` is not valid: {p}"))
                    .hint("spoke names become part of Service names: lowercase letters, digits and `-`"));
            }
            let enabled = !cluster.domain.is_empty();
            let mut spoke_host = String::new();
            if enabled {
                self.check_host(&at.key("domain"), &cluster.domain)?;
                if cluster.host.is_empty() {
                    spoke_host = format!("{name}.{}", cluster.domain);
                    let host_key = format!("{at}.host");
                    self.check_derived_host(&host_key, &at.key("domain"), &spoke_host)?;
                } else {
                    spoke_host = cluster.host.clone();
                    self.check_host(&at.key("host"), &spoke_host)?;
                }
            }
            spokes.push(SpokePlan {
                name: spoke.clone(),
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
                .error(&path(&source.key("clusters")).key(extra.name.clone()), format!("{enabled} spokes are enabled; at most {MAX_SPOKES} are allowed"))
                .hint("Gateway API allows at most 16 backendRefs per rule: turn a spoke off with an empty domain"));
        }
        let plan = AppPlan {
            api_weights_explicit: spokes
                .iter()
                .any(|s| s.enabled && source.api_weights.contains_key(&s.name)),
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

    /// Catch-all and `/api` weights, one per enabled spoke, in spoke order.
    fn weights(&self, source: &AppSource, enabled: &[&SpokePlan]) -> Result<(Vec<i64>, Vec<i64>)> {
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

    fn rule_weights(
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

    /// The gateway's container resources, as the API server would read them:
    /// each a quantity (k8s.io/apimachinery `pkg/api/resource/quantity.go`),
    /// not negative, and no request above its limit (kubernetes
    /// `pkg/apis/core/validation/validation.go`, `ValidateResourceRequirements`).
    fn check_resources(&self) -> Result<()> {
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

    fn check_label_pair(&self, base: &str, key: &str, value: &str) -> Result<()> {
        let at = path(base).key(key.to_string());
        if let Some(p) = dns::qualified_name_problem(key) {
            return Err(self
                .error(&at, format!("`{key}` is not a valid label key: {p}"))
                .hint("a label key is an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_` or `.`"));
        }
        if let Some(p) = dns::label_value_problem(value) {
            return Err(self
                .error(&at, format!("the value of label `{key}` ({value:?}) is not valid: {p}"))
                .hint("a label value is at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit"));
        }
        Ok(())
    }

    fn traffic_policy(&self, base: &str, cb: &CircuitBreaking) -> Result<Option<Json>> {
        if !cb.enabled {
            return Ok(None);
        }
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
        Ok(Some(Json::Object(policy)))
    }
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
fn path_under(inner: &str, outer: &str) -> bool {
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
fn istio_uri_matches(prefix: &str) -> Vec<Json> {
    if prefix == "/" {
        vec![json!({"prefix": "/"})]
    } else {
        vec![
            json!({"exact": prefix}),
            json!({"prefix": format!("{prefix}/")}),
        ]
    }
}

fn scoped_key(prefix: &str, top_level: &str) -> String {
    if prefix.is_empty() {
        return top_level.to_string();
    }
    let rest = top_level
        .strip_prefix("gateway.")
        .or_else(|| top_level.strip_prefix("app."))
        .unwrap_or(top_level);
    format!("{prefix}.{rest}")
}

/// An HAProxy time (`[1-9][0-9]*(us|ms|s|m|h|d)?`, the router's
/// `$timeSpecPattern`; no unit is milliseconds) in milliseconds.
pub fn haproxy_timeout_ms(text: &str) -> Option<u64> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    if digits.is_empty() || digits.starts_with('0') {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    let ms = match unit {
        "us" => n / 1000,
        "" | "ms" => n,
        "s" => n.checked_mul(1000)?,
        "m" => n.checked_mul(60_000)?,
        "h" => n.checked_mul(3_600_000)?,
        "d" => n.checked_mul(86_400_000)?,
        _ => return None,
    };
    Some(ms)
}

/// `istio: <name>`: the pod label gateway injection and Istio Gateways select.
fn istio_selector(name: &str) -> IndexMap<String, String> {
    IndexMap::from([("istio".to_string(), name.to_string())])
}

/// A parentRef to one listener of the hub Gateway.
fn section_ref(gateway: &str, namespace: &str, cross_namespace: bool, section: &str) -> Json {
    if cross_namespace {
        json!({"name": gateway, "namespace": namespace, "sectionName": section})
    } else {
        json!({"name": gateway, "sectionName": section})
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
            rules[0].matches,
            json!([
                {"headers": header},
                {"path": {"type": "PathPrefix", "value": "/api"}, "headers": header},
            ])
        );
        assert_eq!(
            rules[1].matches,
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
            let m = rules[rule].matches.as_array().unwrap();
            m.iter()
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
            rules[0].istio_match,
            Some(json!([
                {"uri": {"exact": "/beta"}, "headers": {"x-beta": {"exact": "on"}}},
                {"uri": {"prefix": "/beta/"}, "headers": {"x-beta": {"exact": "on"}}},
            ]))
        );
        assert_eq!(
            rules[1].istio_match,
            Some(json!([{"uri": {"exact": "/api"}}, {"uri": {"prefix": "/api/"}}]))
        );
        assert_eq!(rules[2].istio_match, None);
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
        assert_eq!(wp.allowed_routes["namespaces"]["from"], "Same");
        let se = &p.egress_service_entries[0];
        assert_eq!(se.meta.name, "egress-docs.example.com");
        assert_eq!(se.meta.labels["istio.io/use-waypoint"], "egress-waypoint");
        assert!(!se
            .meta
            .labels
            .contains_key("istio.io/use-waypoint-namespace"));
        assert_eq!((se.host.as_str(), se.port), ("docs.example.com", 80));
    }

    #[test]
    fn an_egress_waypoint_elsewhere_admits_the_hub_namespace() {
        let p = plan(&[EAST, EGRESS, "egress.waypoint.namespace=istio-egress"]).unwrap();
        let wp = &p.egress_waypoints[0];
        assert_eq!(wp.meta.namespace.as_deref(), Some("istio-egress"));
        assert_eq!(
            wp.allowed_routes,
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
}

#[cfg(test)]
mod percent_tests {
    use super::{percentages, scoped_key};

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
