//! Egress to external hosts: a waypoint and labeled ServiceEntries in
//! ambient mode, the sidecar recipe with an egress gateway in Istio mode.

use super::gateway::{istio_selector, AllowedRoutesPlan, GatewayFacts};
use super::valid::{DnsLabel, DnsName, Port};
use super::{path, HubPlan, Meta, MetaFn, MetaInFn, Planner};
use crate::error::{Error, Result};
use crate::kinds::Kind;
use crate::values::model::EgressHost;
use indexmap::IndexMap;
use serde::Serialize;

/// Egress to one external host through the egress gateway (seed 001 ch. 3):
/// sidecar mode only, since the VirtualService bound to `mesh` is applied by
/// the client's sidecar.
#[derive(Debug, Clone, Serialize)]
pub struct EgressPlan {
    pub host: DnsName,
    pub port: Port,
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
    pub class_name: DnsLabel,
    /// The `mesh` listener's `allowedRoutes`: which namespaces may use it.
    pub allowed_routes: AllowedRoutesPlan,
}

/// One external host in ambient mode: a ServiceEntry labeled
/// `istio.io/use-waypoint` (and `istio.io/use-waypoint-namespace` when the
/// waypoint is in another namespace), so ztunnel sends ambient pods' traffic
/// for the host through the egress waypoint.
#[derive(Debug, Clone, Serialize)]
pub struct EgressServiceEntryPlan {
    pub meta: Meta,
    pub host: DnsName,
    pub port: Port,
}

impl Planner<'_> {
    /// The egress hosts, checked: host names and ports, no host twice.
    pub(super) fn egress_hosts(&self) -> Result<Vec<(DnsName, Port)>> {
        let mut out: Vec<(DnsName, Port)> = Vec::new();
        for (i, entry) in self.v.egress.hosts.iter().enumerate() {
            let at = path("egress.hosts").index(i);
            let (host, port) = match entry {
                EgressHost::Name(h) => (h, 80),
                EgressHost::Entry(e) => (&e.host, e.port.unwrap_or(80)),
            };
            let host = self.host(&at, host)?;
            let port = self.valid::<Port>(&at.key("port"), &port, |_| {
                Error::input(format!("port must be from 1 to 65535, found {port}"))
            })?;
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
    pub(super) fn ambient_egress_objects(
        &self,
        plan: &mut HubPlan,
        meta_in: &MetaInFn,
        gateway: &GatewayFacts,
    ) -> Result<()> {
        let v = self.v;
        let hosts = self.egress_hosts()?;
        if hosts.is_empty() {
            return Ok(());
        }
        let wp = &v.egress.waypoint;
        let name = self.label("egress.waypoint.name", &wp.name, "waypoint name")?;
        let ns = if wp.namespace.is_empty() {
            v.namespace.clone()
        } else {
            self.label("egress.waypoint.namespace", &wp.namespace, "namespace name")?;
            wp.namespace.clone()
        };
        let here = ns == v.namespace;
        if wp.install {
            if here && (name == v.gateway.name || name == gateway.waypoint) {
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
                AllowedRoutesPlan::same()
            } else {
                AllowedRoutesPlan::selector(IndexMap::from([(
                    "kubernetes.io/metadata.name".to_string(),
                    v.namespace.clone(),
                )]))
            };
            plan.egress_waypoints.push(EgressWaypointPlan {
                meta: {
                    let mut meta = meta_in(
                        &ns,
                        &name,
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
                class_name: gateway.waypoint_class.clone(),
                allowed_routes,
            });
        }
        let mut labels = vec![("istio.io/use-waypoint", name.as_str())];
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
    pub(super) fn egress_objects(&self, plan: &mut HubPlan, meta: &MetaFn) -> Result<()> {
        let v = self.v;
        let egress = &v.egress;
        if egress.hosts.is_empty() {
            return Ok(());
        }
        let gw = self.label("egress.gateway.name", &egress.gateway.name, "gateway name")?;
        if egress.gateway.install {
            if plan.injected_gateways.iter().any(|g| gw == g.meta.name) {
                return Err(self
                    .error(
                        &path("egress.gateway.name"),
                        format!("the egress gateway `{gw}` has the ingress gateway's name"),
                    )
                    .hint("give the egress gateway its own name"));
            }
            let revision = plan.target.istio_revision.clone();
            plan.injected_gateways
                .push(self.injected_gateway(meta(&gw, Kind::Deployment, &[]), &revision));
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
                selector: istio_selector(&gw),
                gateway_fqdn: format!("{gw}.{ns}.svc.cluster.local"),
                gateway_ref: format!("{ns}/{name}"),
                subset,
                host,
                port,
            });
        }
        Ok(())
    }
}
