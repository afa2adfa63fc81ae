//! Which cluster the objects are for: `target` resolved against the
//! releases hubgw embeds, and the hub apps domain.

use super::valid::{DnsLabel, DnsName};
use super::{path, Planner};
use crate::error::{Error, Result};
use crate::target::{self, OpenShiftRow, Target};

impl Planner<'_> {
    /// The hub apps domain, from the first of the four keys that is set.
    /// `target`: the OpenShift shorthand expanded, each version checked
    /// against what hubgw embeds; unset keys take the portable default.
    pub(super) fn target(&self) -> Result<Target> {
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
            if let Some(row) = row.filter(|r| !r.pins_istio(version)) {
                return Err(self
                    .error(&at, format!("`target.istio` {} conflicts with `target.openshift` {}, whose Ingress Operator pins Istio {}", version.as_str(), row.openshift, row.istio_pins()))
                    .hint("to run another Service Mesh release, drop target.openshift and give target.gatewayAPI and target.istio"));
            }
            resolved.istio = version;
        }
        if !t.istio_revision.is_empty() {
            // A label value: `istio.io/rev` carries it.
            let revision =
                self.valid::<DnsLabel>(&path("target.istioRevision"), &t.istio_revision, |p| {
                    Error::input(format!(
                        "`target.istioRevision` is not a valid revision name: {p}"
                    ))
                    .hint("a revision is a DNS label, as `oc get istiorevisions` lists it")
                })?;
            resolved.istio_revision = revision.to_string();
        }
        Ok(resolved)
    }

    /// The hub's apps domain and the key that set it: the first of the
    /// chart's four spellings that is not empty.
    pub(super) fn hub_domain_source(&self) -> Option<(&'static str, &String)> {
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

    pub(super) fn hub_domain(&self) -> Result<DnsName> {
        if let Some((key, value)) = self.hub_domain_source() {
            return self.host(&path(key), value);
        }
        Err(Error::input("no hub apps domain is set: clusterDomain, deployer.domain, global.localClusterDomain and global.hubClusterDomain are all empty")
            .hint("set the hub cluster's apps domain, for example `--set clusterDomain=apps.hub.example.com`"))
    }
}
