//! Lint: cross-object rules that a schema cannot express, each with an id,
//! a severity, a one-line help and a long explanation. Runs on any stream;
//! given the values a render came from, it also points into the values file
//! that caused a finding.

pub mod index;
pub mod rules;

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::manifest::Manifest;
use crate::plan::HubPlan;
use crate::validate::TARGET_LACKS_FIELD;
use crate::values::{KeyPath, LoadedValues};
use index::StreamIndex;

/// What a render was made from, when lint runs on a render.
pub struct ValuesContext<'a> {
    pub loaded: &'a LoadedValues,
    pub plan: &'a HubPlan,
}

pub struct LintContext<'a> {
    pub index: StreamIndex<'a>,
    pub values: Option<&'a ValuesContext<'a>>,
}

/// One problem a rule found.
pub struct Finding<'a> {
    pub object: &'a Manifest,
    pub path: String,
    pub message: String,
    /// Overrides the rule's help line.
    pub help: Option<String>,
    /// The values key behind the problem, for pointing into values files.
    pub values_key: Option<String>,
}

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub help: &'static str,
    pub explanation: &'static str,
    /// The cross-object check; None for a finding validation makes (it
    /// is listed here for its id, help and `--explain`).
    pub check: Option<for<'a> fn(&LintContext<'a>) -> Vec<Finding<'a>>>,
}

/// Every rule, in id order.
pub const RULES: &[Rule] = &[
    Rule {
        id: "HG001",
        severity: Severity::Error,
        summary: "every HTTPRoute backendRef resolves to a Service in the stream",
        help: "create the Service or fix the backendRef's name and namespace",
        explanation: "A backendRef that names no Service makes the gateway answer 500 for the share of traffic sent to it (Gateway API sets the route's ResolvedRefs condition to False). hubgw renders one ExternalName Service per spoke and traffic type; a hand-edited route or a renamed app breaks the link. A stream that holds no Service at all is taken as partial and not checked.",
        check: Some(rules::backend_ref_resolves),
    },
    Rule {
        id: "HG002",
        severity: Severity::Error,
        summary: "every parentRef resolves to a Gateway whose listener accepts the route",
        help: "point parentRefs at the Gateway and listener, and let the listener's allowedRoutes admit the route's namespace",
        explanation: "Attachment is a handshake: the route names the Gateway (and optionally a listener by sectionName), and the listener's allowedRoutes must admit the route's namespace (from: Same, All, or Selector with namespace labels) and kind. If either side refuses, the route is silently not programmed and the host answers 404. A stream that holds no Gateway at all is taken as partial and not checked.",
        check: Some(rules::parent_ref_accepted),
    },
    Rule {
        id: "HG003",
        severity: Severity::Error,
        summary: "every ExternalName host outside the cluster has a ServiceEntry with port 80 HTTP",
        help: "add a ServiceEntry for the host: location MESH_EXTERNAL, resolution DNS, port 80 protocol HTTP",
        explanation: "Istio builds no Envoy cluster for a host outside the mesh unless a ServiceEntry declares it. Without one the gateway answers 500 for every request to that spoke. The entry must declare port 80 with protocol HTTP so the waypoint applies HTTP policies. An in-cluster Service host (`<name>.<namespace>.svc.cluster.local`) is exempt: Istio already has its cluster from the Kubernetes registry, and a ServiceEntry would shadow it.",
        check: Some(rules::service_entry_for_external_host),
    },
    Rule {
        id: "HG004",
        severity: Severity::Error,
        summary: "with circuit breaking on, every spoke host a Service aliases has a DestinationRule",
        help: "add a DestinationRule whose host is the Service's externalName (the spoke host), or turn circuit breaking off",
        explanation: "Since Istio 1.21 an ExternalName Service is an alias of its target host: a route to it goes to the Envoy cluster of the target (GetDestinationCluster in pilot/pkg/networking/core/route/route.go, istio/istio 1.24.6 to 1.30.3), and that cluster takes the DestinationRule whose host is the target, the spoke host of the ServiceEntry. The proxy that carries the hub's traffic, the ingress gateway, enforces it; the waypoint is not on that path. A spoke host without a rule is never ejected when its spoke fails, so a dead spoke keeps receiving its share of traffic.",
        check: Some(rules::destination_rule_per_external_service),
    },
    Rule {
        id: "HG005",
        severity: Severity::Warning,
        summary: "maxEjectionPercent below 100 on a single-endpoint spoke host",
        help: "set outlierDetection.maxEjectionPercent to 100",
        explanation: "A spoke host (a DNS ServiceEntry host, the target of the ExternalName Services) resolves to a single endpoint. Istio never ejects more than maxEjectionPercent of a cluster's endpoints, and below 100 that rounds down to zero endpoints: outlier detection then never ejects the failing spoke. Istio's default, when outlierDetection is set without it, is 10.",
        check: Some(rules::max_ejection_percent),
    },
    Rule {
        id: "HG006",
        severity: Severity::Warning,
        summary: "h2UpgradePolicy other than DO_NOT_UPGRADE towards HTTP/1.1 spokes",
        help: "set connectionPool.http.h2UpgradePolicy to DO_NOT_UPGRADE",
        explanation: "Spoke OpenShift routers speak HTTP/1.1 on port 80. Upgrading the connection to HTTP/2 (UPGRADE, or DEFAULT when the mesh default upgrades) breaks requests to them.",
        check: Some(rules::h2_upgrade_policy),
    },
    Rule {
        id: "HG007",
        severity: Severity::Error,
        summary: "a spoke reached on 443 or with TLS settings in its DestinationRule",
        help: "reach spokes on plain HTTP port 80 (their Routes need insecureEdgeTerminationPolicy: Allow) and drop DestinationRule TLS",
        explanation: "Ambient gateways and waypoints do not apply DestinationRule TLS settings. A spoke reached on 443 is then spoken to in plain text or with the wrong SNI, and requests fail with CERTIFICATE_VERIFY_FAILED. The hub reaches spokes on HTTP port 80; TLS ends at the hub Route.",
        check: Some(rules::spoke_over_tls),
    },
    Rule {
        id: "HG008",
        severity: Severity::Warning,
        summary: "the /api rule spread over more than one spoke without the explicit opt-in",
        help: "keep /api on one spoke, or set gateway.apiWeights explicitly if your application tolerates it",
        explanation: "Socket.IO starts with HTTP long-polling and then upgrades to a WebSocket; both must reach the same backend. Spreading /api over spokes breaks that session affinity. hubgw pins /api to the first enabled spoke unless you set gateway.apiWeights, which marks the HTTPRoute with the annotation hub-gateway/api-weights: explicit.",
        check: Some(rules::api_rule_spread),
    },
    Rule {
        id: "HG009",
        severity: Severity::Error,
        summary: "a rule whose weights are all zero",
        help: "give at least one backend of the rule a weight above 0",
        explanation: "When every backendRef of a rule weighs 0, the gateway has nowhere to send matching requests and answers 500 to all of them.",
        check: Some(rules::all_zero_weights),
    },
    Rule {
        id: "HG010",
        severity: Severity::Warning,
        summary: "a backendRef to an ExternalName without a Host rewrite",
        help: "add a RequestHeaderModifier filter that sets Host to the spoke's Route host",
        explanation: "The spoke OpenShift router chooses the Route by the Host header. Requests arrive with the hub's public host, which the spoke does not serve, so each backendRef must set Host to its spoke's Route host. A rewrite is a RequestHeaderModifier that sets Host or a URLRewrite filter's hostname (on the backendRef or its rule; `add` only appends a second Host), and in a VirtualService headers.request.set.Host or rewrite.authority: the same test `hubgw graph` draws by (src/manifest/host_rewrite.rs).",
        check: Some(rules::host_rewrite),
    },
    Rule {
        id: "HG011",
        severity: Severity::Error,
        summary: "spoke-host DestinationRules beside a waypoint while the namespace lacks the ambient label or the waypoint use",
        help: "label the namespace istio.io/dataplane-mode: ambient and istio.io/use-waypoint: <namespace>-waypoint",
        explanation: "The ingress gateway applies the spoke hosts' DestinationRules itself. The namespace waypoint is for in-mesh callers: ambient workloads whose traffic to a spoke host ztunnel sends through the waypoint the ServiceEntry's namespace uses, where the same DestinationRules apply. Without the ambient label and istio.io/use-waypoint naming an istio-waypoint Gateway, that traffic skips the waypoint and its policy.",
        check: Some(rules::waypoint_enforces_destination_rules),
    },
    Rule {
        id: "HG012",
        severity: Severity::Warning,
        summary: "hosts outside the configured domain",
        help: "use a host under the cluster's apps domain, or check the domain values",
        explanation: "Hub and spoke hosts normally follow the cluster's apps domain (deployer.domain), which the wildcard DNS record and certificate cover. A host outside it usually means a typo or a forgotten domain value, and it will not resolve or will present the wrong certificate. Checked only when linting a render of values.",
        check: Some(rules::host_outside_domain),
    },
    Rule {
        id: "HG013",
        severity: Severity::Error,
        summary: "names Istio or OpenShift derive that are not DNS-1123 or too long",
        help: "shorten the Gateway name or class, or give the Route a spec.host",
        explanation: "Validation already refuses object names that are not DNS-1123. Some names are derived, and fail only when the cluster acts on them: Istio provisions a Deployment and Service called <gateway>-<class> for each Gateway, which must be a DNS-1035 label of at most 63 characters; an OpenShift Route without spec.host gets the host <name>-<namespace>.<router domain>, whose first label must fit in 63 characters.",
        check: Some(rules::derived_names_valid),
    },
    Rule {
        id: "HG014",
        severity: Severity::Error,
        summary: "the same kind, namespace and name twice",
        help: "rename one of them or remove the duplicate",
        explanation: "Two objects with the same kind, namespace and name in one stream overwrite each other on apply: only the last one survives, silently.",
        check: Some(rules::duplicate_objects),
    },
    Rule {
        id: "HG015",
        severity: Severity::Error,
        summary: "a backendRef to another namespace without a ReferenceGrant there",
        help: "add a ReferenceGrant in the Service's namespace from HTTPRoutes of the route's namespace to Services",
        explanation: "Gateway API lets a route reach a Service in another namespace only when that namespace agrees, with a ReferenceGrant from HTTPRoute in the route's namespace to Service. Without it the backendRef does not resolve (ResolvedRefs: RefNotPermitted) and its share of traffic gets 500. hubgw adds the grant when an application's HTTPRoute lives in its own routeNamespace.",
        check: Some(rules::reference_grant_for_cross_namespace),
    },
    Rule {
        id: "HG016",
        severity: Severity::Error,
        summary: "TLS at the Route and at the gateway disagree",
        help: "with gateway.tls on, set route.tls.termination to passthrough or reencrypt; with it off, edge",
        explanation: "The hub Route and the gateway must agree on who speaks TLS on the hop between them. An edge Route sends plain HTTP, which an HTTPS listener refuses; a passthrough or reencrypt Route sends TLS, which an HTTP listener cannot read. Either way every request fails.",
        check: Some(rules::gateway_tls_agrees),
    },
    Rule {
        id: "HG017",
        severity: Severity::Error,
        summary: "a DestinationRule whose host is an ExternalName Service",
        help: "set the rule's host to the Service's externalName",
        explanation: "Istio 1.21 made ExternalName Services aliases of their target host and turned the change on by default; 1.24 removed the ENABLE_EXTERNAL_NAME_ALIAS switch that could turn it off. Its upgrade note (releasenotes/notes/external-name-on.yaml, istio/istio 1.21.0, still at 1.24.6): \"DestinationRule can no longer apply to ExternalName services. Instead, create rules where the host references service.\" Such a rule is accepted by the API server and applies to no traffic: every supported Istio (1.24 and later) ignores it. The chart's cb-* rules had this form.",
        check: Some(rules::destination_rule_on_alias),
    },
    Rule {
        id: "HG018",
        severity: Severity::Warning,
        summary: "policy that assumes ingress traffic crosses a waypoint",
        help: "enforce the policy at the ingress gateway (a DestinationRule on the backend host, or a policy bound to the gateway), or label an in-cluster Service istio.io/ingress-use-waypoint: \"true\"",
        explanation: "A gateway sends traffic through a Service's waypoint only when the Service carries istio.io/ingress-use-waypoint: \"true\" (pilot/pkg/xds/endpoints/endpoint_builder.go, istio/istio 1.24.6), and never for DNS-resolved hosts such as a spoke's ServiceEntry: \"We do not yet support calling waypoints for CDS (DNS type)\" (the same file, unchanged to 1.30.3). An ExternalName Service is an alias of such a host. A policy bound to the waypoint (an AuthorizationPolicy with targetRefs to it) or the label on an ExternalName Service then does nothing for traffic from the ingress gateway.",
        check: Some(rules::ingress_assumes_waypoint),
    },
    Rule {
        id: TARGET_LACKS_FIELD,
        severity: Severity::Error,
        summary: "a field the target's CRDs lack (found by validation)",
        help: "leave the field out, or target a release that has it (`target.*`, or `hubgw validate --gateway-api` / `--istio`)",
        explanation: "The API server with strict field validation (what `oc apply` and `kubectl apply` ask for) refuses a field its CRD does not declare, and the whole object is not applied. OpenShift's Ingress Operator installs and locks the Gateway API CRDs, so a cluster keeps the bundle of its release: HTTPRoute `spec.rules[].name`, for example, first appears in the standard CRDs of Gateway API v1.4.0 and is refused on OpenShift 4.19 to 4.21 (v1.2.1 and v1.3.0; config/crd/standard/gateway.networking.k8s.io_httproutes.yaml at each tag, embedded under crds/). Validation reports an unknown field under this id when a newer embedded release declares it, and names that release.",
        check: None,
    },
    Rule {
        id: "HG026",
        severity: Severity::Warning,
        summary: "a VirtualService bound to mesh in an ambient namespace",
        help: "for ambient clients, label the host's ServiceEntry istio.io/use-waypoint: <egress waypoint> instead (gateway.api: gateway-api renders it); keep mesh-bound VirtualServices for sidecar namespaces",
        explanation: "The gateway `mesh` binds a VirtualService to the sidecars of the mesh: the client's own Envoy applies it before the request leaves the pod. That is the egress recipe of sidecar mode (OpenShift Service Mesh 3 \"Gateways\" chapter 3, Istio's \"Egress Gateways\" task): route mesh traffic for the host to the egress gateway. Pods of a namespace labeled istio.io/dataplane-mode: ambient have no sidecar, and ztunnel forwards at layer 4 without reading routes, so for them the rule has no effect and traffic goes straight to the external host, past the egress gateway. (Sidecar pods in other namespaces still apply it; a waypoint applies VirtualServices only as an Alpha feature, Istio \"Migrate from sidecar to ambient\".) Istio's ambient \"Egress gateways\" page (istio.io/latest/docs/ambient/usage/egress-gateway/) makes a waypoint the egress gateway instead: a ServiceEntry labeled istio.io/use-waypoint (and istio.io/use-waypoint-namespace when the waypoint is elsewhere; both read by Istio 1.24) sends ambient traffic for the host through it. Checked when the Namespace object is in the stream.",
        check: Some(rules::mesh_virtual_service_in_ambient),
    },
    Rule {
        id: "HG027",
        severity: Severity::Warning,
        summary: "an edge or reencrypt Route for a custom host without its own certificate",
        help: "set route.tls.certificate and route.tls.key (PEM), or route.tls.externalCertificate (a kubernetes.io/tls Secret)",
        explanation: "An edge or reencrypt Route terminates TLS at the router. Without spec.tls.certificate or spec.tls.externalCertificate the router presents its default certificate, a wildcard for *.<apps domain> that covers one label under the domain and nothing else. A custom app.host (shop.example.com, or a.b.apps.example.com) then gets a certificate that does not match, and browsers and API clients refuse the connection. route.tls.externalCertificate names a Secret instead of pasting PEM; the Route API has it on every supported OpenShift (the RouteExternalCertificate feature gate is on by default in openshift/api features/features.go, release-4.19 to 4.22), and hubgw renders the Role and RoleBinding that let the router read it. Checked only when linting a render of values (the router's domain comes from them); ignore it if your IngressController's own default certificate covers the host.",
        check: Some(rules::custom_host_certificate),
    },
    Rule {
        id: "HG028",
        severity: Severity::Warning,
        summary: "a Route in front of /api traffic with a router timeout not above the 30s default",
        help: "annotate the Route haproxy.router.openshift.io/timeout: 3600s (route.annotations; hubgw's default)",
        explanation: "The OpenShift router (HAProxy) closes a request whose backend has not answered within `timeout server`: 30s unless the Route's haproxy.router.openshift.io/timeout says otherwise (ROUTER_DEFAULT_SERVER_TIMEOUT in openshift/router images/router/haproxy/conf/haproxy-config.template, release-4.19 to 4.22). Socket.IO on /api holds long-polling requests open until it has something to send, and the request crosses the hub router, the gateway and the spoke router before it does, so a 30s limit cuts polls and slow API calls with 504s and reconnects. The hub-gateway chart set 3600s on its Route; hubgw's route.annotations default does too. A value that is not an HAProxy time ([1-9][0-9]*, then us, ms, s, m, h or d) is ignored by the router and reported here as well. Checked for Routes whose host an HTTPRoute or VirtualService with an /api rule serves.",
        check: Some(rules::api_router_timeout),
    },
    Rule {
        id: "HG029",
        severity: Severity::Warning,
        summary: "a route attaching through a namespace selector from a namespace lint cannot see",
        help: "state the route namespace's labels: --set gateway.allowedRoutes.namespaceLabels.<namespace>.<label>=<value> (or put the Namespace in the stream)",
        explanation: "A listener with allowedRoutes.namespaces.from: Selector admits a route only when the route's namespace carries the selector's labels. hubgw renders the team's HTTPRoute in app.routeNamespace but not that Namespace, which the team owns. When the Namespace is in the stream, HG002 compares its labels with the selector. When it is not, lint cannot tell whether the namespace exists or carries the labels, and the cluster silently refuses the route (Accepted: False, NotAllowedByListeners) if it does not; this rule says so instead of passing. Stating the labels the namespace has on the cluster in gateway.allowedRoutes.namespaceLabels lets HG002 check them: hubgw records them on the HTTPRoute as the annotation hub-gateway/route-namespace-labels, so a bare stream is checked too.",
        check: Some(rules::route_namespace_unchecked),
    },
    Rule {
        id: "HG030",
        severity: Severity::Error,
        summary: "two HTTPRoutes or VirtualServices claim the same host, parent and match",
        help: "keep one route per host, parent and match: delete the one no longer meant to serve (an old release's) or give the routes different hosts or matches",
        explanation: "When two HTTPRoutes attached to one Gateway (and listener) claim the same hostname with the same match, Gateway API gives the match to one of them: \"The oldest Route based on creation timestamp. The Route appearing first in alphabetical order by \"{namespace}/{name}\".\" (HTTPRouteRule.Matches, apis/v1/httproute_types.go, kubernetes-sigs/gateway-api v1.2.1 to v1.6.1). The other route's rule never serves and its weights are ignored, with no error. Two VirtualServices bound to one gateway for the same host are merged by Istio: the gateway's routes for the host are the routes of each VirtualService in turn, the oldest first (creation time, then name, then namespace), and Envoy takes the first that matches (pilot/pkg/model/config.go sortConfigByCreationTime, pilot/pkg/networking/core/gateway.go, istio/istio 1.24.6 and 1.30.3), so the older one wins the same match, and its catch-all hides every rule of the newer one; bound to `mesh`, sidecars keep only the older VirtualService for the host (pilot/pkg/networking/core/httproute.go, \"duplicate domain from virtual service\"). A renamed route leaves this behind: `oc apply` (which does not prune) of a render whose route has a new name, next to the old route (an older hubgw render's `industrial-edge`, say, or another tool's), or two renders concatenated. Hostnames compare as written (a wildcard and an exact name are not a tie: the exact one wins); parentRefs with different sectionNames or ports do not overlap.",
        check: Some(rules::conflicting_routes),
    },
    Rule {
        id: "HG031",
        severity: Severity::Warning,
        summary: "a PodDisruptionBudget that lets no pod be evicted at the guaranteed replica count",
        help: "keep minAvailable below the replicas: raise gateway.deployment.replicas (or autoscaling.minReplicas), or lower podDisruptionBudget.minAvailable",
        explanation: "A node drain evicts pods only while their PodDisruptionBudget allows a disruption: replicas minus minAvailable (a percentage rounds up), or maxUnavailable. The replicas a budget can count on are the Deployment's spec.replicas (1 when unset) or, with a HorizontalPodAutoscaler on it, minReplicas. With minAvailable equal to that (1 replica and minAvailable: 1) or maxUnavailable: 0, no pod may go, and the drain of an OpenShift upgrade waits on the gateway forever. hubgw's injected gateways run gateway.deployment.replicas (2) while autoscaling is off, so the default budget (minAvailable: 1) leaves one pod to move. An error under --strict.",
        check: Some(rules::disruption_budget_blocks_drain),
    },
];

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// `hubgw lint --explain ID`.
pub fn explain(rule: &Rule) -> String {
    format!(
        "{id} ({severity}): {summary}\n\n{explanation}\n\nFix: {help}\n",
        id = rule.id,
        severity = rule.severity.as_str(),
        summary = rule.summary,
        explanation = rule.explanation,
        help = rule.help
    )
}

/// The rules as a Markdown table, for docs/reference.md.
pub fn rules_markdown() -> String {
    let mut out = String::from("| id | severity | rule | fix |\n|---|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.id,
            r.severity.as_str(),
            r.summary,
            r.help
        ));
    }
    out
}

/// Runs every rule over the stream.
pub fn lint(manifests: &[Manifest], values: Option<&ValuesContext>) -> Vec<Diagnostic> {
    let ctx = LintContext {
        index: StreamIndex::new(manifests),
        values,
    };
    // Rules are independent; on a large stream each takes milliseconds.
    let findings = crate::par::map_weighted(
        RULES,
        |_| manifests.len(),
        4096,
        |rule| rule.check.map_or_else(Vec::new, |check| check(&ctx)),
    );
    let mut out = Vec::new();
    for (rule, found) in RULES.iter().zip(findings) {
        for f in found {
            let values_location = match (values, &f.values_key) {
                (Some(v), Some(key)) => v
                    .loaded
                    .origins
                    .locate(&KeyPath::parse(&app_key(v, f.object, key))),
                _ => None,
            };
            out.push(Diagnostic {
                severity: rule.severity,
                rule: Some(rule.id.to_string()),
                object: ObjectRef::of(f.object),
                path: f.path,
                message: f.message,
                help: Some(f.help.unwrap_or_else(|| rule.help.to_string())),
                values_location,
                location: None,
            });
        }
    }
    out
}

/// The values key of a finding on an application's object: `gateway.weights`
/// of an `apps.shop` object is `apps.shop.weights`, when that app set it.
fn app_key(values: &ValuesContext, object: &Manifest, key: &str) -> String {
    let app_name = object.object["metadata"]["labels"]["app.kubernetes.io/name"].as_str();
    let Some(app) = values
        .plan
        .apps
        .iter()
        .find(|a| Some(a.name.as_str()) == app_name)
    else {
        return key.to_string();
    };
    let scoped = app.values_key(key);
    if scoped != key
        && values
            .loaded
            .origins
            .locate(&KeyPath::parse(&scoped))
            .is_some()
    {
        scoped
    } else {
        key.to_string()
    }
}
