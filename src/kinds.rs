//! The one table of the kinds hubgw renders: for each (group, kind), its
//! apply rank (its place in the table) and its Argo CD sync wave. The plan
//! reads the wave for each object's `argocd.argoproj.io/sync-wave`
//! annotation; output reads the rank to put a stream in apply order. What
//! others depend on comes first, in both.

/// A kind's row: the API group (empty for core), the kind, and the sync wave
/// its objects get (`None`: hubgw renders none, the rank orders a stream
/// that has them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindRow {
    pub group: &'static str,
    pub kind: &'static str,
    pub wave: Option<u8>,
}

/// The kinds hubgw renders or orders, by name, each an index into [`KINDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Namespace,
    ServiceAccount,
    Role,
    RoleBinding,
    ConfigMap,
    GatewayClass,
    Gateway,
    IstioGateway,
    Service,
    Deployment,
    HorizontalPodAutoscaler,
    PodDisruptionBudget,
    ServiceEntry,
    ReferenceGrant,
    HttpRoute,
    VirtualService,
    DestinationRule,
    PodMonitor,
    Route,
}

const fn row(group: &'static str, kind: &'static str, wave: Option<u8>) -> KindRow {
    KindRow { group, kind, wave }
}

/// Apply order, one row per [`Kind`] in the enum's order. Waves: 0 the
/// namespace; 1 identities, RBAC and gateways (with an injected gateway's
/// Deployment, whose Service, ServiceAccount, autoscaler and budget share its
/// metadata); 2 what routes point at (Services, ServiceEntries); 3 routing
/// and policy; 4 what exposes or watches it all (OpenShift Route, PodMonitor).
pub const KINDS: &[KindRow] = &[
    row("", "Namespace", Some(0)),
    row("", "ServiceAccount", Some(1)),
    row("rbac.authorization.k8s.io", "Role", Some(1)),
    row("rbac.authorization.k8s.io", "RoleBinding", Some(1)),
    row("", "ConfigMap", None),
    row("gateway.networking.k8s.io", "GatewayClass", None),
    row("gateway.networking.k8s.io", "Gateway", Some(1)),
    row("networking.istio.io", "Gateway", Some(3)),
    row("", "Service", Some(2)),
    row("apps", "Deployment", Some(1)),
    row("autoscaling", "HorizontalPodAutoscaler", Some(1)),
    row("policy", "PodDisruptionBudget", Some(1)),
    row("networking.istio.io", "ServiceEntry", Some(2)),
    row("gateway.networking.k8s.io", "ReferenceGrant", Some(3)),
    row("gateway.networking.k8s.io", "HTTPRoute", Some(3)),
    row("networking.istio.io", "VirtualService", Some(3)),
    row("networking.istio.io", "DestinationRule", Some(3)),
    row("monitoring.coreos.com", "PodMonitor", Some(4)),
    row("route.openshift.io", "Route", Some(4)),
];

impl Kind {
    pub fn row(self) -> &'static KindRow {
        &KINDS[self as usize]
    }

    /// The sync wave of this kind's objects.
    pub fn wave(self) -> u8 {
        self.row()
            .wave
            .expect("a kind the plan renders has a sync wave in KINDS")
    }
}

/// Where (group, kind) stands in apply order; kinds not in the table go
/// last.
pub fn apply_rank(group: &str, kind: &str) -> usize {
    KINDS
        .iter()
        .position(|r| r.group == group && r.kind == kind)
        .unwrap_or(KINDS.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_names_its_own_row() {
        let all = [
            (Kind::Namespace, "Namespace"),
            (Kind::ServiceAccount, "ServiceAccount"),
            (Kind::Role, "Role"),
            (Kind::RoleBinding, "RoleBinding"),
            (Kind::ConfigMap, "ConfigMap"),
            (Kind::GatewayClass, "GatewayClass"),
            (Kind::Gateway, "Gateway"),
            (Kind::IstioGateway, "Gateway"),
            (Kind::Service, "Service"),
            (Kind::Deployment, "Deployment"),
            (Kind::HorizontalPodAutoscaler, "HorizontalPodAutoscaler"),
            (Kind::PodDisruptionBudget, "PodDisruptionBudget"),
            (Kind::ServiceEntry, "ServiceEntry"),
            (Kind::ReferenceGrant, "ReferenceGrant"),
            (Kind::HttpRoute, "HTTPRoute"),
            (Kind::VirtualService, "VirtualService"),
            (Kind::DestinationRule, "DestinationRule"),
            (Kind::PodMonitor, "PodMonitor"),
            (Kind::Route, "Route"),
        ];
        assert_eq!(all.len(), KINDS.len());
        for (i, (kind, name)) in all.into_iter().enumerate() {
            assert_eq!(kind as usize, i);
            assert_eq!(kind.row().kind, name);
        }
        assert_eq!(Kind::IstioGateway.row().group, "networking.istio.io");
    }

    #[test]
    fn rank_is_the_row_and_unknown_kinds_go_last() {
        assert_eq!(apply_rank("", "Namespace"), 0);
        assert!(
            apply_rank("networking.istio.io", "Gateway")
                > apply_rank("gateway.networking.k8s.io", "Gateway")
        );
        assert_eq!(apply_rank("example.com", "Widget"), KINDS.len());
    }

    #[test]
    fn waves_never_fall_along_apply_order_of_what_depends_on_what() {
        // A route (3) needs its Service (2), which needs the namespace (0).
        assert!(Kind::Namespace.wave() < Kind::Service.wave());
        assert!(Kind::Service.wave() < Kind::HttpRoute.wave());
        assert!(Kind::HttpRoute.wave() < Kind::Route.wave());
    }
}
