//! Circuit breaking: one DestinationRule per spoke host, with the
//! connection pool and outlier detection the values give.

use serde::Serialize;

use super::valid::Duration;
use super::{path, HubPlan, Meta, MetaFn, Planner, ResolvedApp, SpokePlan};
use crate::error::{Error, Result};
use crate::kinds::Kind;
use crate::values::model::{CircuitBreaking, ConnectionPool, OutlierDetection};

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
    pub traffic_policy: TrafficPolicyPlan,
}

/// A DestinationRule's `trafficPolicy`: the values' connection pool and
/// outlier detection, checked, with Istio's field names (the values use
/// them), so a field the user leaves out stays out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficPolicyPlan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_pool: Option<ConnectionPool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlier_detection: Option<OutlierDetection>,
}

impl Planner<'_> {
    /// The DestinationRule of one spoke host: one per host, shared by the
    /// applications that route to it, which must then agree on the policy.
    pub(super) fn circuit_breaker(
        &self,
        plan: &mut HubPlan,
        app: &ResolvedApp,
        spoke: &SpokePlan,
        policy: &TrafficPolicyPlan,
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

    pub(super) fn traffic_policy(
        &self,
        base: &str,
        cb: &CircuitBreaking,
    ) -> Result<Option<TrafficPolicyPlan>> {
        if !cb.enabled {
            return Ok(None);
        }
        let tcp = cb.connection_pool.as_ref().and_then(|c| c.tcp.as_ref());
        let http = cb.connection_pool.as_ref().and_then(|c| c.http.as_ref());
        let od = cb.outlier_detection.as_ref();
        let durations = [
            (
                "connectionPool.tcp.connectTimeout",
                tcp.and_then(|t| t.connect_timeout.as_ref()),
            ),
            (
                "connectionPool.http.idleTimeout",
                http.and_then(|h| h.idle_timeout.as_ref()),
            ),
            (
                "outlierDetection.interval",
                od.and_then(|o| o.interval.as_ref()),
            ),
            (
                "outlierDetection.baseEjectionTime",
                od.and_then(|o| o.base_ejection_time.as_ref()),
            ),
        ];
        for (key, value) in durations {
            if let Some(value) = value {
                let at = format!("{base}.{key}");
                self.valid::<Duration>(&path(&at), value, |_| {
                    Error::input(format!(
                        "`{at}` must be a duration like 10s, 1m30s or 250ms, found {value:?}"
                    ))
                    .hint("units are h, m, s, ms, us and ns")
                })?;
            }
        }
        // Istio's field types: int32 counts, uint32 error counts, percents.
        let (int32, uint32) = (i32::MAX as i64, u32::MAX as i64);
        let counts = [
            (
                "connectionPool.tcp.maxConnections",
                tcp.and_then(|t| t.max_connections),
                1,
                int32,
            ),
            (
                "connectionPool.http.maxRequestsPerConnection",
                http.and_then(|h| h.max_requests_per_connection),
                0,
                int32,
            ),
            (
                "connectionPool.http.http1MaxPendingRequests",
                http.and_then(|h| h.http1_max_pending_requests),
                0,
                int32,
            ),
            (
                "connectionPool.http.http2MaxRequests",
                http.and_then(|h| h.http2_max_requests),
                0,
                int32,
            ),
            (
                "connectionPool.http.maxRetries",
                http.and_then(|h| h.max_retries),
                0,
                int32,
            ),
            (
                "outlierDetection.consecutive5xxErrors",
                od.and_then(|o| o.consecutive_5xx_errors),
                0,
                uint32,
            ),
            (
                "outlierDetection.consecutiveGatewayErrors",
                od.and_then(|o| o.consecutive_gateway_errors),
                0,
                uint32,
            ),
            (
                "outlierDetection.maxEjectionPercent",
                od.and_then(|o| o.max_ejection_percent),
                0,
                100,
            ),
            (
                "outlierDetection.minHealthPercent",
                od.and_then(|o| o.min_health_percent),
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
        Ok(Some(TrafficPolicyPlan {
            connection_pool: cb.connection_pool.clone(),
            outlier_detection: cb.outlier_detection.clone(),
        }))
    }
}
