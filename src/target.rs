//! The cluster a render is for: which Gateway API CRD bundle it serves,
//! which Istio minor runs its mesh, and the control plane's revision. Owns
//! the supported versions, the OpenShift shorthand table, and the portable
//! default (the oldest of each, so its output applies on every target).
//!
//! Sources of the OpenShift table (docs/targets.md), read in
//! openshift/cluster-ingress-operator on branches release-4.19 to
//! release-4.22: the Gateway API bundle is the
//! `gateway.networking.k8s.io/bundle-version` annotation of the CRDs the
//! Ingress Operator installs and locks
//! (`pkg/manifests/assets/gateway-api/*.yaml`: v1.2.1, v1.2.1, v1.3.0,
//! v1.4.1; no z-stream changed them). The Istio minor is the one that
//! operator pins for its gateway controller (`defaultIstioVersion` in
//! `cmd/ingress-operator/start.go`, at each release's first commit: 1.24.3,
//! 1.26.2, 1.27.3, 1.28.5), which is OpenShift Service Mesh 3.0 to 3.3
//! (`pkg/istioversion/versions.ossm.yaml` in
//! openshift-service-mesh/sail-operator). 4.19's z-streams since August
//! 2025 pin Istio 1.26.2; the row keeps 1.24, the oldest a 4.19 cluster
//! may run, so its output applies on both.

/// A Gateway API standard-channel CRD bundle hubgw embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GatewayApi {
    V1_2_1,
    V1_3_0,
    V1_4_1,
    V1_6_1,
}

/// An Istio minor release hubgw embeds the CRDs of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Istio {
    V1_24,
    V1_26,
    V1_27,
    V1_28,
    V1_30,
}

impl GatewayApi {
    pub const ALL: [GatewayApi; 4] = [Self::V1_2_1, Self::V1_3_0, Self::V1_4_1, Self::V1_6_1];
    /// The oldest supported bundle: what the default output is limited to.
    pub const OLDEST: GatewayApi = Self::V1_2_1;

    /// As the bundle-version annotation spells it, e.g. `v1.2.1`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_2_1 => "v1.2.1",
            Self::V1_3_0 => "v1.3.0",
            Self::V1_4_1 => "v1.4.1",
            Self::V1_6_1 => "v1.6.1",
        }
    }

    /// Reads `v1.2.1` (the leading `v` optional).
    pub fn parse(text: &str) -> Option<GatewayApi> {
        let bare = text.strip_prefix('v').unwrap_or(text);
        Self::ALL.into_iter().find(|v| &v.as_str()[1..] == bare)
    }

    /// HTTPRoute `spec.rules[].name`: first in the standard CRDs of v1.4.0
    /// (`config/crd/standard/gateway.networking.k8s.io_httproutes.yaml`
    /// at v1.3.0 has no `name` under `rules`; v1.4.1 has it).
    pub fn has_rule_names(self) -> bool {
        self >= Self::V1_4_1
    }
}

impl Istio {
    pub const ALL: [Istio; 5] = [
        Self::V1_24,
        Self::V1_26,
        Self::V1_27,
        Self::V1_28,
        Self::V1_30,
    ];
    /// The oldest supported minor (OpenShift Service Mesh 3.0).
    pub const OLDEST: Istio = Self::V1_24;

    /// The minor, e.g. `1.24`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_24 => "1.24",
            Self::V1_26 => "1.26",
            Self::V1_27 => "1.27",
            Self::V1_28 => "1.28",
            Self::V1_30 => "1.30",
        }
    }

    /// The patch release whose CRDs are embedded for this minor.
    pub fn crd_release(self) -> &'static str {
        match self {
            Self::V1_24 => "1.24.6",
            Self::V1_26 => "1.26.8",
            Self::V1_27 => "1.27.9",
            Self::V1_28 => "1.28.10",
            Self::V1_30 => "1.30.3",
        }
    }

    /// Reads `1.24`, `1.24.6` or `v1.24`: a patch names its minor.
    pub fn parse(text: &str) -> Option<Istio> {
        let bare = text.strip_prefix('v').unwrap_or(text);
        let mut parts = bare.split('.');
        let (major, minor) = (parts.next()?, parts.next()?);
        if let Some(patch) = parts.next() {
            if patch.is_empty() || !patch.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
        }
        if parts.next().is_some() {
            return None;
        }
        let minor_only = format!("{major}.{minor}");
        Self::ALL.into_iter().find(|v| v.as_str() == minor_only)
    }
}

/// One row of the OpenShift shorthand table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenShiftRow {
    pub openshift: &'static str,
    pub gateway_api: GatewayApi,
    /// The Istio minor the release's Ingress Operator pinned at GA: what the
    /// shorthand sets.
    pub istio: Istio,
    /// The OpenShift Service Mesh release of that Istio minor.
    pub service_mesh: &'static str,
    /// Istio minors (with their Service Mesh release) that later z-streams
    /// pin instead: `target.istio` may name one of them too.
    pub later_istio: &'static [(Istio, &'static str)],
}

/// `target.openshift` → the Gateway API bundle its Ingress Operator locks and
/// the Istio minor it pins (module doc: sources).
pub const OPENSHIFT: [OpenShiftRow; 4] = [
    OpenShiftRow {
        openshift: "4.19",
        gateway_api: GatewayApi::V1_2_1,
        istio: Istio::V1_24,
        service_mesh: "3.0",
        later_istio: &[(Istio::V1_26, "3.1")],
    },
    OpenShiftRow {
        openshift: "4.20",
        gateway_api: GatewayApi::V1_2_1,
        istio: Istio::V1_26,
        service_mesh: "3.1",
        later_istio: &[],
    },
    OpenShiftRow {
        openshift: "4.21",
        gateway_api: GatewayApi::V1_3_0,
        istio: Istio::V1_27,
        service_mesh: "3.2",
        later_istio: &[],
    },
    OpenShiftRow {
        openshift: "4.22",
        gateway_api: GatewayApi::V1_4_1,
        istio: Istio::V1_28,
        service_mesh: "3.3",
        later_istio: &[],
    },
];

impl OpenShiftRow {
    /// The row for `4.19` (a patch such as `4.19.7` names its minor).
    pub fn find(text: &str) -> Option<&'static OpenShiftRow> {
        let mut parts = text.strip_prefix('v').unwrap_or(text).split('.');
        let minor = format!("{}.{}", parts.next()?, parts.next()?);
        OPENSHIFT.iter().find(|row| row.openshift == minor)
    }

    /// Whether some z-stream of this release pins Istio `minor`.
    pub fn pins_istio(&self, minor: Istio) -> bool {
        self.istio == minor || self.later_istio.iter().any(|(i, _)| *i == minor)
    }

    /// The Istio minors its z-streams pin, for messages:
    /// `1.24 (Service Mesh 3.0) or 1.26 (3.1)`.
    pub fn istio_pins(&self) -> String {
        let mut text = format!(
            "{} (OpenShift Service Mesh {})",
            self.istio.as_str(),
            self.service_mesh
        );
        for (istio, mesh) in self.later_istio {
            text.push_str(&format!(" or {} ({mesh})", istio.as_str()));
        }
        text
    }
}

/// The cluster a render is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub gateway_api: GatewayApi,
    pub istio: Istio,
    /// The control plane's revision (`istio.io/rev`); empty: none.
    pub istio_revision: String,
}

impl Default for Target {
    /// The portable target: the oldest bundle and minor, whose output
    /// applies unchanged on every supported target.
    fn default() -> Self {
        Target {
            gateway_api: GatewayApi::OLDEST,
            istio: Istio::OLDEST,
            istio_revision: String::new(),
        }
    }
}

/// The supported versions, for error hints: `v1.2.1, v1.3.0, …`.
pub fn supported_gateway_api() -> String {
    GatewayApi::ALL.map(GatewayApi::as_str).join(", ")
}

/// The supported Istio minors, for error hints: `1.24, 1.26, …`.
pub fn supported_istio() -> String {
    Istio::ALL.map(Istio::as_str).join(", ")
}

/// The supported OpenShift minors, for error hints.
pub fn supported_openshift() -> String {
    OPENSHIFT
        .iter()
        .map(|r| r.openshift)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_read_as_users_write_them() {
        assert_eq!(GatewayApi::parse("v1.2.1"), Some(GatewayApi::V1_2_1));
        assert_eq!(GatewayApi::parse("1.4.1"), Some(GatewayApi::V1_4_1));
        assert_eq!(GatewayApi::parse("v1.4.0"), None);
        assert_eq!(Istio::parse("1.24"), Some(Istio::V1_24));
        assert_eq!(Istio::parse("1.26.3"), Some(Istio::V1_26));
        assert_eq!(Istio::parse("v1.30"), Some(Istio::V1_30));
        assert_eq!(Istio::parse("1.25"), None);
        assert_eq!(Istio::parse("1.24.x"), None);
        assert_eq!(
            OpenShiftRow::find("4.21.3").map(|r| r.istio),
            Some(Istio::V1_27)
        );
        assert_eq!(OpenShiftRow::find("4.18"), None);
        let r4_19 = OpenShiftRow::find("4.19").unwrap();
        assert!(r4_19.pins_istio(Istio::V1_24) && r4_19.pins_istio(Istio::V1_26));
        assert!(!r4_19.pins_istio(Istio::V1_27));
        assert_eq!(
            r4_19.istio_pins(),
            "1.24 (OpenShift Service Mesh 3.0) or 1.26 (3.1)"
        );
        assert!(!OpenShiftRow::find("4.21").unwrap().pins_istio(Istio::V1_26));
    }

    #[test]
    fn rule_names_only_from_v1_4() {
        assert!(!GatewayApi::V1_2_1.has_rule_names());
        assert!(!GatewayApi::V1_3_0.has_rule_names());
        assert!(GatewayApi::V1_4_1.has_rule_names());
        assert!(GatewayApi::V1_6_1.has_rule_names());
    }

    #[test]
    fn the_default_is_the_oldest() {
        let t = Target::default();
        assert_eq!(t.gateway_api, *GatewayApi::ALL.iter().min().unwrap());
        assert_eq!(t.istio, *Istio::ALL.iter().min().unwrap());
    }
}
