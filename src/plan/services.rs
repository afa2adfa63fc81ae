//! The spokes as the mesh sees them: an ExternalName Service per spoke and
//! traffic type, and a ServiceEntry per spoke host.

use serde::Serialize;

use super::valid::{Dns1035Label, DnsLabel};
use super::{path, HubPlan, Meta, MetaFn, Planner, ResolvedApp, SpokePlan, SPOKE_PORT};
use crate::error::{Error, Result};
use crate::kinds::Kind;

#[derive(Debug, Clone, Serialize)]
pub struct ServicePlan {
    pub meta: Meta,
    pub app: Dns1035Label,
    pub spoke: DnsLabel,
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

/// The ExternalName Service of one spoke and traffic type (`front`, `api`).
pub(super) fn service_name(app: &str, spoke: &str, traffic: &str) -> String {
    format!("{app}-{spoke}-{traffic}")
}

impl Planner<'_> {
    /// The `front` and `api` Services of one enabled spoke, and the
    /// ServiceEntry of its host (applications share a host's: `build` keeps
    /// the first).
    pub(super) fn spoke_objects(
        &self,
        app: &ResolvedApp,
        spoke: &SpokePlan,
        plan: &mut HubPlan,
        meta: &MetaFn,
    ) -> Result<()> {
        let name = app.plan.name.as_str();
        for traffic in ["front", "api"] {
            let service = service_name(name, &spoke.name, traffic);
            let at = path(&app.source.key(&format!("clusters.{}", spoke.name)));
            let service = self.valid::<Dns1035Label>(&at, &service, |p| {
                Error::input(format!("the Service name `{service}` (application, spoke and traffic type) is not valid: {p}"))
                    .hint("shorten the application or spoke name")
            })?;
            let labels = [
                ("app.kubernetes.io/name", name),
                ("app.kubernetes.io/component", traffic),
                ("hub-gateway/spoke", spoke.name.as_str()),
            ];
            plan.services.push(ServicePlan {
                meta: meta(&service, Kind::Service, &labels),
                app: app.plan.name.clone(),
                spoke: spoke.name.clone(),
                traffic: traffic.into(),
                external_name: spoke.host.clone(),
                port: SPOKE_PORT,
            });
        }
        plan.service_entries.push(ServiceEntryPlan {
            meta: meta(&spoke.host, Kind::ServiceEntry, &[]),
            host: spoke.host.clone(),
            port: SPOKE_PORT,
            port_name: "http".into(),
        });
        Ok(())
    }
}
