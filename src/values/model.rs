//! The typed values: every key hubgw understands, its type, and nothing else.
//! Defaults live in `values/values.yaml`, not here: these types only say what
//! is allowed, so a key missing from the merged values is a real error.
//! The doc comments double as the descriptions of `hubgw schema`.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Values of the hubgw hub gateway (the `hub-gateway` chart's values, typed).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Values {
    /// Namespace of every object (also `-n/--namespace`).
    pub namespace: String,
    /// Render the Namespace object. `false` when another Argo CD Application
    /// (or Argo CD's `CreateNamespace=true`) owns it; the owner must then
    /// carry the ambient labels hubgw would set.
    pub create_namespace: bool,
    /// Hub apps domain (e.g. apps.hub.example.com). Empty: `deployer.domain`,
    /// then `global.localClusterDomain`, then `global.hubClusterDomain`.
    pub cluster_domain: String,
    /// Second choice for the hub apps domain.
    pub deployer: Deployer,
    /// Helm-style global values shared by an umbrella's charts.
    pub global: Global,
    /// The application behind the hub gateway.
    pub app: App,
    /// Spoke clusters by name, in the order traffic rules list them (at most
    /// 16 enabled).
    pub clusters: IndexMap<String, Cluster>,
    /// The Gateway API Gateway and its traffic rules.
    pub gateway: Gateway,
    /// The namespace waypoint (`<namespace>-waypoint`), for in-mesh callers;
    /// the ingress path does not cross it.
    pub waypoint: Waypoint,
    /// The hub OpenShift Route in front of the gateway.
    pub route: Route,
    /// Argo CD integration.
    pub argocd: ArgoCd,
    /// Extra labels on every object.
    pub labels: IndexMap<String, String>,
    /// More applications behind the same gateway, by name. Each gets its own
    /// HTTPRoute, Services, DestinationRules and hub Route.
    pub apps: IndexMap<String, AppEntry>,
    /// Mesh traffic leaving through an egress gateway (Istio APIs).
    pub egress: Egress,
    /// Prometheus Operator monitoring of the gateway's Envoy metrics.
    pub monitoring: Monitoring,
    /// The cluster the output is for: its Gateway API CRD bundle, Istio
    /// minor and control-plane revision.
    pub target: TargetValues,
}

/// `target`: which cluster the output must apply on and take effect on.
/// Empty keys: the portable target (the oldest supported of each), whose
/// output applies on every supported cluster.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetValues {
    /// OpenShift minor (4.19, 4.20, 4.21, 4.22): sets `gatewayAPI` and `istio`
    /// from hubgw's table; giving either as well must agree with it.
    #[serde(default)]
    pub openshift: String,
    /// Gateway API CRD bundle the cluster serves (v1.2.1, v1.3.0, v1.4.1,
    /// v1.6.1), as its CRDs' `gateway.networking.k8s.io/bundle-version`
    /// annotation says.
    #[serde(default, rename = "gatewayAPI")]
    pub gateway_api: String,
    /// Istio minor of the control plane (1.24, 1.26, 1.27, 1.28, 1.30).
    #[serde(default)]
    pub istio: String,
    /// Revision of the control plane (`istio.io/rev`); empty: none.
    #[serde(default, rename = "istioRevision")]
    pub istio_revision: String,
}

/// One more application behind the hub gateway (`apps.<name>`): the same
/// keys as the single application's, scoped to it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AppEntry {
    /// Public host. Empty: `<name>.<domain>`.
    #[serde(default)]
    pub host: String,
    /// Spoke clusters of this application (like the top-level `clusters`).
    #[serde(default)]
    pub clusters: IndexMap<String, Cluster>,
    /// Catch-all weights (like `gateway.weights`).
    #[serde(default)]
    pub weights: IndexMap<String, i64>,
    /// `/api` weights (like `gateway.apiWeights`).
    #[serde(default)]
    pub api_weights: IndexMap<String, i64>,
    /// Merged over `gateway.circuitBreaking`.
    #[serde(default)]
    pub circuit_breaking: Option<CircuitBreakingPatch>,
    /// Header-based rules before the two default rules (like `gateway.rules`).
    #[serde(default)]
    pub rules: Vec<HeaderRule>,
    /// Namespace of this application's HTTPRoute. Empty: `namespace`. In
    /// another namespace, `gateway.allowedRoutes` must admit it, and hubgw
    /// adds a ReferenceGrant for its backends.
    #[serde(default)]
    pub route_namespace: String,
    /// Name of this application's HTTPRoute (VirtualService with
    /// `gateway.api: istio`). Empty: the entry's name.
    #[serde(default)]
    pub route_name: String,
}

/// `gateway.circuitBreaking` keys an application overrides.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CircuitBreakingPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_pool: Option<ConnectionPool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlier_detection: Option<OutlierDetection>,
}

/// A rule placed before the `/api` and catch-all rules, such as a canary
/// selected by a header.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HeaderRule {
    /// Rule name (a DNS label).
    pub name: String,
    /// Request matches; a request matching any of them takes this rule.
    pub matches: Vec<RuleMatch>,
    /// Spokes that serve it, with weights.
    pub backends: Vec<RuleBackend>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuleMatch {
    /// Path prefix, e.g. `/` or `/beta`. Empty: any path.
    #[serde(default)]
    pub path: String,
    /// Headers that must all match exactly.
    #[serde(default)]
    pub headers: IndexMap<String, String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuleBackend {
    /// An enabled spoke of the application.
    pub spoke: String,
    /// Its relative weight (0..1000000). Default 1.
    #[serde(default)]
    pub weight: Option<i64>,
    /// Which of the spoke's Services: `front` (default) or `api`.
    #[serde(default)]
    pub traffic: Traffic,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Traffic {
    #[default]
    Front,
    Api,
}

/// Egress to external hosts: through an egress waypoint with `api:
/// gateway-api` (ambient), through a gateway installed by gateway injection
/// with `api: istio` (sidecar mode).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Egress {
    /// External hosts: `docs.example.com`, or `{host: api.example.com, port: 8080}`.
    pub hosts: Vec<EgressHost>,
    /// The egress gateway (`api: istio`).
    pub gateway: EgressGateway,
    /// The egress waypoint (`api: gateway-api`).
    pub waypoint: EgressWaypoint,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum EgressHost {
    Name(String),
    Entry(EgressHostEntry),
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EgressHostEntry {
    pub host: String,
    /// HTTP port of the external service. Default 80.
    #[serde(default)]
    pub port: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EgressGateway {
    /// Name of the egress gateway Deployment, Service and `istio:` label.
    pub name: String,
    /// Install it (Deployment, Service, RBAC) by gateway injection; false
    /// when one already runs.
    pub install: bool,
}

/// The waypoint ambient pods' traffic to the egress hosts passes (Istio's
/// ambient "Egress gateways" page): a `istio-waypoint` Gateway the egress
/// ServiceEntries name with `istio.io/use-waypoint`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EgressWaypoint {
    /// Name of the waypoint Gateway (and of the Deployment and Service Istio
    /// provisions for it).
    pub name: String,
    /// Its namespace; empty for the hub namespace.
    pub namespace: String,
    /// Render the waypoint Gateway; false when one already runs.
    pub install: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Monitoring {
    pub pod_monitor: PodMonitor,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodMonitor {
    /// Render a PodMonitor for the gateway's Envoy metrics (port 15020,
    /// `/stats/prometheus`).
    pub enabled: bool,
    /// Scrape interval.
    pub interval: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Deployer {
    /// Hub apps domain, used when `clusterDomain` is empty.
    pub domain: String,
}

/// Helm's `global` values are shared by every chart of an umbrella, so keys
/// other charts use are accepted here and ignored (typos of ours are not).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Global {
    /// Hub apps domain, third choice.
    #[serde(default)]
    pub local_cluster_domain: String,
    /// Hub apps domain, fourth choice.
    #[serde(default)]
    pub hub_cluster_domain: String,
    #[serde(flatten)]
    #[schemars(skip)]
    pub others: IndexMap<String, crate::yaml::Value>,
}

impl Global {
    pub const KNOWN: [&'static str; 2] = ["localClusterDomain", "hubClusterDomain"];
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct App {
    /// Prefix of the Service names and of the public host (a DNS-1035 label).
    pub name: String,
    /// Public host of the hub Route and HTTPRoute. Empty: `<name>.<domain>`.
    #[serde(default)]
    pub host: String,
    /// Namespace of the HTTPRoute. Empty: `namespace`.
    #[serde(default)]
    pub route_namespace: String,
    /// Name of the HTTPRoute (VirtualService with `gateway.api: istio`).
    /// Empty: `<name>-lb`, the chart's name for it.
    #[serde(default)]
    pub route_name: String,
}

/// A spoke cluster.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Cluster {
    /// Spoke apps domain. Empty: the spoke is off.
    #[serde(default)]
    pub domain: String,
    /// Spoke Route host (ExternalName target, ServiceEntry host, rewritten
    /// Host header). Empty: `<app.name>.<domain>`.
    #[serde(default)]
    pub host: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Gateway {
    /// `gateway-api` (Gateway + HTTPRoute, provisioned by Istio) or `istio`
    /// (Istio Gateway + VirtualService, gateway installed by injection).
    pub api: GatewayApi,
    /// Name of the gateway (Gateway API Gateway, or the injected Deployment).
    pub name: String,
    /// Its GatewayClass; Istio provisions Service `<name>-<className>`.
    pub class_name: String,
    /// `networking.istio.io/service-type` of the Service Istio provisions.
    pub service_type: ServiceType,
    /// The HTTP listener the HTTPRoute attaches to.
    pub listener: Listener,
    /// Catch-all rule weights per spoke (0..1000000). Empty: the enabled
    /// spokes share equally; if you give any, give one for every enabled spoke.
    pub weights: IndexMap<String, i64>,
    /// `/api` rule weights per spoke. Empty: the first enabled spoke takes it
    /// all (Socket.IO affinity).
    pub api_weights: IndexMap<String, i64>,
    /// One DestinationRule per spoke host, applied by the ingress gateway.
    pub circuit_breaking: CircuitBreaking,
    /// Header-based rules placed before the `/api` and catch-all rules.
    pub rules: Vec<HeaderRule>,
    /// Which namespaces may attach routes (Gateway API's `allowedRoutes`).
    pub allowed_routes: AllowedRoutes,
    /// TLS at the gateway: an HTTPS listener with certificates.
    pub tls: GatewayTls,
    /// The gateway installed by gateway injection (`api: istio`, and the
    /// egress gateway).
    pub deployment: GatewayDeployment,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GatewayApi {
    GatewayApi,
    Istio,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AllowedRoutes {
    pub namespaces: RouteNamespaces,
    /// The labels of route namespaces hubgw does not render, by namespace
    /// name, as they are on the cluster: lint checks them against
    /// `namespaces.selector` (the HTTPRoute records them in its annotation
    /// `hub-gateway/route-namespace-labels`).
    #[serde(default)]
    pub namespace_labels: IndexMap<String, IndexMap<String, String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RouteNamespaces {
    /// `Same`, `All` or `Selector`.
    pub from: FromNamespaces,
    /// With `Selector`: the labels a namespace needs.
    #[serde(default)]
    pub selector: LabelSelector,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
pub enum FromNamespaces {
    Same,
    All,
    Selector,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(default)]
    pub match_labels: IndexMap<String, String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GatewayTls {
    /// Add an HTTPS listener; the Route then passes TLS through
    /// (`route.tls.termination: passthrough`) or re-encrypts (`reencrypt`).
    pub enabled: bool,
    /// Listener name.
    pub listener_name: String,
    /// Listener port.
    pub port: i64,
    /// Secrets holding the certificate (`name`, optional `namespace`).
    pub certificate_refs: Vec<CertificateRef>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CertificateRef {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GatewayDeployment {
    /// Replicas of the Deployment while autoscaling is off (with it on, the
    /// HorizontalPodAutoscaler sets them).
    pub replicas: i64,
    /// Container resources of the gateway proxy.
    pub resources: Resources,
    /// A HorizontalPodAutoscaler on CPU.
    pub autoscaling: Autoscaling,
    /// A PodDisruptionBudget.
    pub pod_disruption_budget: DisruptionBudget,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resources {
    pub limits: CpuMemory,
    pub requests: CpuMemory,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CpuMemory {
    /// CPU: a quantity such as `500m` or `2` (a number is taken too).
    pub cpu: QuantityText,
    /// Memory: a quantity such as `128Mi` or `1Gi` (a number is taken too).
    pub memory: QuantityText,
}

/// A resource quantity as the values give it: a string (`500m`, `1Gi`) or a
/// YAML number (`2`, `0.5`). The API server takes both: apimachinery v0.32.0
/// `pkg/api/resource/quantity.go`, `Quantity.UnmarshalJSON`, parses a JSON
/// number's text as it parses a string. Held as text, a number as its
/// decimal digits (`0.5`, never an exponent), and printed as a string; the
/// API server stores the canonical form either way (`0.5` -> `500m`).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct QuantityText(pub String);

impl std::ops::Deref for QuantityText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for QuantityText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for QuantityText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl<'de> Deserialize<'de> for QuantityText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = QuantityText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a quantity, a string such as 500m or 128Mi or a number")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<QuantityText, E> {
                Ok(QuantityText(s.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<QuantityText, E> {
                Ok(QuantityText(n.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<QuantityText, E> {
                Ok(QuantityText(n.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<QuantityText, E> {
                // JSON has no .inf or .nan, so kubectl could not send them.
                if !n.is_finite() {
                    return Err(E::invalid_value(serde::de::Unexpected::Float(n), &self));
                }
                // Rust prints a finite f64 as plain decimal digits, the
                // shortest that read back as the same number.
                Ok(QuantityText(n.to_string()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl JsonSchema for QuantityText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Quantity".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": ["string", "number"]})
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Autoscaling {
    pub enabled: bool,
    pub min_replicas: i64,
    pub max_replicas: i64,
    /// Average CPU utilisation to scale at, in percent of the container's
    /// CPU *requests* (`resources.requests.cpu`), not of its limits: 80 with
    /// 100m requested scales out at 80m.
    #[serde(rename = "targetCPUUtilizationPercentage")]
    pub target_cpu_utilization_percentage: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DisruptionBudget {
    pub enabled: bool,
    /// Pods that must stay up during a drain; keep it below the replicas
    /// (or `autoscaling.minReplicas`), or a drain never finishes.
    pub min_available: i64,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
pub enum ServiceType {
    ClusterIP,
    LoadBalancer,
    NodePort,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Listener {
    /// Listener name (the HTTPRoute's `sectionName`).
    pub name: String,
    /// Listener port (HTTP).
    pub port: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CircuitBreaking {
    /// `false` drops every DestinationRule.
    pub enabled: bool,
    /// Istio `connectionPool` settings.
    #[serde(default)]
    pub connection_pool: Option<ConnectionPool>,
    /// Istio `outlierDetection` settings.
    #[serde(default)]
    pub outlier_detection: Option<OutlierDetection>,
}

/// The subset of Istio's `ConnectionPoolSettings` the hub needs; field names
/// and meanings are Istio's, so they go into the DestinationRule as they are.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConnectionPool {
    /// TCP connection pool settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpSettings>,
    /// HTTP connection pool settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpSettings>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TcpSettings {
    /// Maximum connections to a spoke.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_connections: Option<i64>,
    /// TCP connect timeout (a duration such as `5s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_timeout: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpSettings {
    /// Spokes speak HTTP/1.1: keep `DO_NOT_UPGRADE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub h2_upgrade_policy: Option<H2UpgradePolicy>,
    /// Requests per connection before it is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_requests_per_connection: Option<i64>,
    /// Maximum pending HTTP requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http1_max_pending_requests: Option<i64>,
    /// Maximum active requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http2_max_requests: Option<i64>,
    /// Maximum outstanding retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<i64>,
    /// Idle timeout (a duration such as `1h`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum H2UpgradePolicy {
    Default,
    DoNotUpgrade,
    Upgrade,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OutlierDetection {
    /// 5xx errors in a row before a spoke is ejected.
    #[serde(
        default,
        rename = "consecutive5xxErrors",
        skip_serializing_if = "Option::is_none"
    )]
    pub consecutive_5xx_errors: Option<i64>,
    /// Gateway errors (502, 503, 504) in a row before a spoke is ejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consecutive_gateway_errors: Option<i64>,
    /// Time between ejection sweeps (a duration such as `10s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Minimum ejection time (a duration such as `30s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_ejection_time: Option<String>,
    /// Keep 100: each spoke host has one endpoint, below 100 Istio never
    /// ejects it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ejection_percent: Option<i64>,
    /// Outlier detection stops below this share of healthy hosts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_health_percent: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Waypoint {
    /// GatewayClass of the waypoint.
    pub class_name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Route {
    /// Render the hub OpenShift Route.
    pub enabled: bool,
    /// Its name.
    pub name: String,
    /// Annotations, merged over hubgw's own (a key given here wins), such
    /// as `haproxy.router.openshift.io/timeout`.
    pub annotations: IndexMap<String, String>,
    /// Its TLS settings.
    pub tls: RouteTls,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RouteTls {
    /// TLS termination of the hub Route.
    pub termination: TlsTermination,
    /// What the hub Route does with plain HTTP.
    pub insecure_edge_termination_policy: InsecurePolicy,
    /// PEM certificate the router serves (edge, reencrypt). Empty: the
    /// router's default (wildcard) certificate.
    pub certificate: String,
    /// PEM private key of `certificate`.
    pub key: String,
    /// PEM CA chain of `certificate`.
    pub ca_certificate: String,
    /// Instead of `certificate` and `key`: a `kubernetes.io/tls` Secret in
    /// the hub namespace (the Route's `spec.tls.externalCertificate`);
    /// hubgw grants the router read access to it.
    pub external_certificate: String,
    /// reencrypt: PEM CA the router verifies the gateway's certificate
    /// with. Empty: the OpenShift service CA.
    #[serde(rename = "destinationCACertificate")]
    pub destination_ca_certificate: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TlsTermination {
    Edge,
    Passthrough,
    Reencrypt,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
pub enum InsecurePolicy {
    Allow,
    Redirect,
    None,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ArgoCd {
    /// Adds `argocd.argoproj.io/sync-wave` annotations (0 namespace .. 4 route).
    pub sync_waves: bool,
    /// Argo CD sync options of the Namespace object
    /// (`argocd.argoproj.io/sync-options`), such as `ServerSideApply=true`.
    pub namespace_sync_options: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantities(yaml: &str) -> Result<CpuMemory, String> {
        crate::yaml::from_str("t.yaml", yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn a_quantity_is_a_string_or_a_number_held_as_text() {
        let q = quantities("{cpu: 2, memory: 0.5}").unwrap();
        assert_eq!((&*q.cpu, &*q.memory), ("2", "0.5"));
        let q = quantities("{cpu: 1e3, memory: \"2\"}").unwrap();
        assert_eq!((&*q.cpu, &*q.memory), ("1000", "2"));
        let q = quantities("{cpu: 500m, memory: 0.0000001}").unwrap();
        assert_eq!((&*q.cpu, &*q.memory), ("500m", "0.0000001"));
        // Printed as a string, which every reader keeps a string.
        assert_eq!(
            serde_json::to_value(&q.cpu).unwrap(),
            serde_json::json!("500m")
        );
        for bad in [
            "{cpu: .inf, memory: 1}",
            "{cpu: true, memory: 1}",
            "{cpu: [1], memory: 1}",
        ] {
            let err = quantities(bad).unwrap_err();
            assert!(err.contains("expected a quantity"), "{bad}: {err}");
        }
    }
}
