//! OpenShift: the hub Route per application (host, TLS, router
//! annotations) and the RBAC that lets the router read its certificate.

use serde::Serialize;

use super::valid::{Dns1035Label, DnsName, Port, QualifiedName};
use super::{
    path, GatewayFacts, HubPlan, Meta, MetaFn, Planner, ResolvedApp, ROUTER_SERVICE_ACCOUNT,
    ROUTE_TIMEOUT,
};
use crate::error::{Error, Result};
use crate::kinds::Kind;
use crate::values::model::{GatewayApi, InsecurePolicy, TlsTermination};

#[derive(Debug, Clone, Serialize)]
pub struct RoutePlan {
    pub meta: Meta,
    pub host: DnsName,
    pub service_name: Dns1035Label,
    /// A port number or name of the gateway's Service.
    pub target_port: TargetPort,
    pub termination: TlsTermination,
    pub insecure_edge_termination_policy: InsecurePolicy,
    /// `spec.tls` PEM fields; None: not printed.
    pub certificate: Option<String>,
    pub key: Option<String>,
    pub ca_certificate: Option<String>,
    /// `spec.tls.externalCertificate.name`.
    pub external_certificate: Option<DnsName>,
    pub destination_ca_certificate: Option<String>,
}

/// `spec.port.targetPort`: a port of the gateway's Service, by number
/// (Gateway API: the listener's port) or by name (injected gateway).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum TargetPort {
    Number(Port),
    Name(&'static str),
}

/// A Role and RoleBinding that let the router read one Secret, as the
/// Route CRD's `externalCertificate` asks ("The router service account
/// needs to be granted with read-only access to this secret", openshift/api
/// route/v1, release-4.19 to 4.22).
#[derive(Debug, Clone, Serialize)]
pub struct RouteSecretReaderPlan {
    pub meta: Meta,
    pub secret: DnsName,
    pub router_namespace: String,
    pub router_service_account: String,
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

impl Planner<'_> {
    /// The hub Route's annotations and TLS settings, checked; the
    /// `externalCertificate` Secret, if one is named.
    pub(super) fn check_route(&self) -> Result<Option<DnsName>> {
        let r = &self.v.route;
        for (key, value) in &r.annotations {
            let at = path("route.annotations").key(key.clone());
            self.valid::<QualifiedName>(&at, key, |p| {
                Error::input(format!("`{key}` is not a valid annotation key: {p}"))
                    .hint("an annotation key is an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_` or `.`")
            })?;
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
        if t.external_certificate.is_empty() {
            return Ok(None);
        }
        if !t.certificate.is_empty() {
            // The Route CRD's rule: "cannot have both spec.tls.certificate
            // and spec.tls.externalCertificate".
            return Err(self
                .error(&key("externalCertificate"), "`route.tls.externalCertificate` and `route.tls.certificate` exclude each other".into())
                .hint("keep the Secret, or the PEM certificate and key"));
        }
        self.valid::<DnsName>(&key("externalCertificate"), &t.external_certificate, |p| {
            Error::input(format!(
                "Secret name `{}` is not valid: {p}",
                t.external_certificate
            ))
        })
        .map(Some)
    }
}

impl Planner<'_> {
    /// The hub Route of one application, to the gateway's Service, and the
    /// RBAC for its `externalCertificate` (`secret`, from `check_route`; once).
    pub(super) fn hub_route(
        &self,
        app: &ResolvedApp,
        plan: &mut HubPlan,
        meta: &MetaFn,
        gateway: &GatewayFacts,
        secret: Option<&DnsName>,
    ) {
        let v = self.v;
        let name = app.plan.name.as_str();
        let route_name = if app.source.prefix.is_empty() {
            v.route.name.clone()
        } else {
            name.to_string()
        };
        let istio_api = v.gateway.api == GatewayApi::Istio;
        let target_port = match (istio_api, v.gateway.tls.enabled) {
            (true, false) => TargetPort::Name("http2"),
            (true, true) => TargetPort::Name("https"),
            (false, false) => TargetPort::Number(gateway.listener_port),
            (false, true) => TargetPort::Number(gateway.tls_port),
        };
        let mut route_meta = meta(
            &route_name,
            Kind::Route,
            &[("app.kubernetes.io/name", name)],
        );
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
            external_certificate: secret.cloned(),
            destination_ca_certificate: given(&t.destination_ca_certificate),
        });
        if let Some(secret) = secret.filter(|_| plan.route_secret_readers.is_empty()) {
            let name = format!("router-reads-{secret}");
            plan.route_secret_readers.push(RouteSecretReaderPlan {
                meta: meta(&name, Kind::Role, &[]),
                secret: secret.clone(),
                router_namespace: ROUTER_SERVICE_ACCOUNT.0.into(),
                router_service_account: ROUTER_SERVICE_ACCOUNT.1.into(),
            });
        }
    }
}
