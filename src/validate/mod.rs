//! Validate: proves each object well formed before anything is applied.
//! Three checks per object: its typed struct reads it without skipping a
//! field (`strict`), the upstream CRD schema with its CEL rules accepts it
//! (`crate::crd_schema`), and the API server's own rules for core kinds
//! hold (`core`), and so do the refusals of Istio's validating webhook
//! (`istio`).

pub mod core;
pub mod istio;
pub mod strict;

use std::sync::Arc;

use serde::Serialize;

use crate::crd_schema::{CrdRegistry, CrdSchema, UnevaluatedRule};
use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::manifest::Manifest;
use crate::target::{GatewayApi, Istio};

#[derive(Clone)]
pub struct ValidateOptions {
    /// Skip objects of kinds hubgw does not know instead of failing them.
    pub allow_unknown_kinds: bool,
    /// Which CRD schemas objects are checked against.
    pub crds: Crds,
}

/// The CRD schemas to validate against.
#[derive(Clone)]
pub enum Crds {
    /// The embedded CRDs of a target: a Gateway API bundle, an Istio minor (and the
    /// OpenShift Route CRD).
    Target(GatewayApi, Istio),
    /// A cluster's own CRDs (`--crds`); kinds they do not define fall back to the
    /// target's embedded ones.
    Cluster(Arc<CrdRegistry>, GatewayApi, Istio),
}

impl Default for ValidateOptions {
    /// The portable target's CRDs: the oldest bundle and minor.
    fn default() -> Self {
        ValidateOptions::for_target(GatewayApi::OLDEST, Istio::OLDEST)
    }
}

impl ValidateOptions {
    pub fn for_target(gateway_api: GatewayApi, istio: Istio) -> Self {
        ValidateOptions {
            allow_unknown_kinds: false,
            crds: Crds::Target(gateway_api, istio),
        }
    }
}

impl Crds {
    /// The schema for an object and, when it comes from the embedded CRDs, the target.
    fn schema_for(&self, api_version: &str, kind: &str) -> Option<&CrdSchema> {
        let (cluster, gateway_api, istio) = match self {
            Crds::Target(g, i) => (None, *g, *i),
            Crds::Cluster(c, g, i) => (Some(c), *g, *i),
        };
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        if let Some(cluster) = cluster.filter(|c| c.has_kind(group, kind)) {
            return cluster.schema_for(api_version, kind);
        }
        CrdRegistry::for_target(gateway_api, istio).schema_for(api_version, kind)
    }

    fn target(&self) -> (GatewayApi, Istio) {
        match self {
            Crds::Target(g, i) | Crds::Cluster(_, g, i) => (*g, *i),
        }
    }
}

/// For an unknown field of an embedded schema: the first newer embedded release whose
/// CRD declares it, as `(release, help)`.
fn newer_release_with(
    schema: &CrdSchema,
    target: (GatewayApi, Istio),
    api_version: &str,
    kind: &str,
    path: &str,
) -> Option<(String, String)> {
    let (gateway_api, istio) = target;
    let target_schema = CrdRegistry::for_target(gateway_api, istio).schema_for(api_version, kind);
    if !target_schema.is_some_and(|s| std::ptr::eq(s, schema)) {
        return None;
    }
    let declares = |g: GatewayApi, i: Istio| {
        CrdRegistry::for_target(g, i)
            .schema_for(api_version, kind)
            .is_some_and(|s| s.declares(path))
    };
    if schema.origin().starts_with("Gateway API ") {
        let newer = GatewayApi::ALL.into_iter().filter(|g| *g > gateway_api);
        let first = newer.into_iter().find(|g| declares(*g, istio))?;
        let v = first.as_str();
        return Some((
            v.to_owned(),
            format!(
                "target Gateway API {v} or newer (`--gateway-api {v}`), or leave the field out"
            ),
        ));
    }
    if schema.origin().starts_with("Istio ") {
        let newer = Istio::ALL.into_iter().filter(|i| *i > istio);
        let first = newer.into_iter().find(|i| declares(gateway_api, *i))?;
        let v = first.as_str();
        return Some((
            format!("Istio {v}"),
            format!("target Istio {v} or newer (`--istio {v}`), or leave the field out"),
        ));
    }
    None
}

/// The embedded releases, other than the target's, that serve `kind` in
/// `api_version`: ("Gateway API v1.4.1, v1.6.1", "--gateway-api v1.6.1").
fn releases_serving(
    target: (GatewayApi, Istio),
    api_version: &str,
    kind: &str,
) -> Option<(String, String)> {
    let (gateway_api, istio) = target;
    let serves = |g: GatewayApi, i: Istio| {
        CrdRegistry::for_target(g, i)
            .schema_for(api_version, kind)
            .is_some()
    };
    let gateway: Vec<&str> = GatewayApi::ALL
        .into_iter()
        .filter(|g| serves(*g, istio))
        .map(|g| g.as_str())
        .collect();
    if let Some(newest) = gateway.last() {
        return Some((
            format!("Gateway API {}", gateway.join(", ")),
            format!("--gateway-api {newest}"),
        ));
    }
    let minors: Vec<&str> = Istio::ALL
        .into_iter()
        .filter(|i| serves(gateway_api, *i))
        .map(|i| i.as_str())
        .collect();
    let newest = minors.last()?;
    Some((
        format!("Istio {}", minors.join(", ")),
        format!("--istio {newest}"),
    ))
}

/// CEL rules of the CRD schemas, counted so none is reported as checked
/// without having been evaluated.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CelCount {
    pub evaluated: usize,
    pub transition_rules_skipped: usize,
    #[serde(skip)]
    pub unevaluated: Vec<(ObjectRef, UnevaluatedRule)>,
}

#[derive(Debug, Clone, Default)]
pub struct ValidationReport {
    pub objects: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Objects of unknown kinds skipped with `allow_unknown_kinds`.
    pub skipped: Vec<ObjectRef>,
    pub cel: CelCount,
}

impl ValidationReport {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// Validates every object of a stream.
pub fn validate(manifests: &[Manifest], options: &ValidateOptions) -> ValidationReport {
    let mut report = ValidationReport {
        objects: manifests.len(),
        ..Default::default()
    };
    let each = crate::par::map(manifests, |m| {
        let mut one = ValidationReport::default();
        validate_one(m, options, &mut one);
        one
    });
    for one in each {
        report.diagnostics.extend(one.diagnostics);
        report.skipped.extend(one.skipped);
        report.cel.evaluated += one.cel.evaluated;
        report.cel.transition_rules_skipped += one.cel.transition_rules_skipped;
        report.cel.unevaluated.extend(one.cel.unevaluated);
    }
    report
}

fn validate_one(m: &Manifest, options: &ValidateOptions, report: &mut ValidationReport) {
    let (api_version, kind) = (m.api_version(), m.kind());
    if api_version.is_empty() || kind.is_empty() {
        let missing = if api_version.is_empty() {
            "apiVersion"
        } else {
            "kind"
        };
        report.diagnostics.push(Diagnostic::error(
            m,
            missing,
            "Required value: every object needs apiVersion and kind",
        ));
        return;
    }
    let typed_check = strict::check_for(api_version, kind);
    let schema = options.crds.schema_for(api_version, kind);
    // A kind hubgw has no type for is checked by its schema alone, when `--crds` gave one.
    if typed_check.is_none() && schema.is_none() {
        // A kind another embedded release serves is known: never skipped.
        if let Some((releases, flag)) = releases_serving(options.crds.target(), api_version, kind) {
            let (gateway_api, istio) = options.crds.target();
            let mut d = Diagnostic::error(
                m,
                "",
                format!(
                    "{kind} in apiVersion {api_version} is not served by the target's CRDs (Gateway API {}, Istio {}); {releases} serve{} it",
                    gateway_api.as_str(),
                    istio.as_str(),
                    if releases.contains(", ") { "" } else { "s" }
                ),
            );
            d.help = Some(format!(
                "validate against a release that serves it (`{flag}`), or change apiVersion to a version the target serves"
            ));
            report.diagnostics.push(d);
            return;
        }
        if options.allow_unknown_kinds {
            report.skipped.push(ObjectRef::of(m));
        } else {
            let mut d = Diagnostic::error(
                m,
                "",
                format!(
                    "unknown kind {kind} in apiVersion {api_version}: hubgw has no schema for it"
                ),
            );
            d.help = Some("check apiVersion and kind for typos, or pass --allow-unknown-kinds to skip such objects".into());
            report.diagnostics.push(d);
        }
        return;
    }

    // (field path, message, help of a field a newer release declares)
    let mut found: Vec<(String, String, Option<String>)> = Vec::new();
    // The object as the API server would store it (CRD defaults applied):
    // the schema checks it, and so do the typed structs, which know no CRD
    // defaults (a Route's `to.kind`).
    let stored = schema.map(|s| s.stored(&m.object));
    if let (Some(schema), Some(stored)) = (schema, &stored) {
        let schema_report = schema.validate_stored(stored);
        report.cel.evaluated += schema_report.cel_evaluated;
        report.cel.transition_rules_skipped += schema_report.transition_rules_skipped;
        for rule in schema_report.cel_unevaluated {
            report.cel.unevaluated.push((ObjectRef::of(m), rule));
        }
        for f in schema_report.findings {
            let newer = f
                .message
                .starts_with("unknown field \"")
                .then(|| {
                    newer_release_with(schema, options.crds.target(), api_version, kind, &f.path)
                })
                .flatten();
            match newer {
                Some((release, help)) => found.push((
                    f.path.clone(),
                    format!(
                        "{}: the {kind} CRD of {} has no such field (it first appears in {release})",
                        f.message,
                        schema.origin()
                    ),
                    Some(help),
                )),
                None => found.push((f.path, f.message, None)),
            }
        }
    }
    let typed = typed_check.map_or_else(Vec::new, |check| {
        check(stored.as_deref().unwrap_or(&m.object))
    });
    for p in typed {
        // The schema's wording is the API server's: keep it when both see a problem.
        let already = found
            .iter()
            .any(|(path, _, _)| is_within(&p.path, path) || is_within(path, &p.path));
        if !already {
            found.push((p.path, p.message, None));
        }
    }
    found.extend(core::check(m).into_iter().map(|(p, msg)| (p, msg, None)));
    let newer_release_helps = found.len();
    let mut helps: Vec<Option<String>> = vec![None; found.len()];
    // Refusals of the API server and Istio's webhook, with a hint; where the
    // schema already refused the same field its wording stays, with the hint.
    let mut hinted = core::check_refusals(m);
    hinted.extend(istio::check(m));
    for (path, message, help) in hinted {
        match found.iter().position(|(p, _, h)| *p == path && h.is_none()) {
            Some(n) => helps[n] = helps[n].take().or(help),
            None => {
                found.push((path, message, help));
                helps.push(None);
            }
        }
    }
    for (n, ((path, message, help), extra)) in found.into_iter().zip(helps).enumerate() {
        let mut d = Diagnostic::error(m, path, message);
        if n < newer_release_helps && help.is_some() {
            d.rule = Some(TARGET_LACKS_FIELD.to_string());
        }
        d.help = help.or(extra);
        report.diagnostics.push(d);
    }
}

/// The rule id (in lint's table, for `--explain`) of a field the target's
/// CRDs lack while a newer embedded release declares it.
pub const TARGET_LACKS_FIELD: &str = "HG019";

/// Whether field path `child` is `parent` or below it.
fn is_within(child: &str, parent: &str) -> bool {
    match child.strip_prefix(parent) {
        Some(rest) => parent.is_empty() || rest.is_empty() || rest.starts_with(['.', '[']),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_serving_a_kind_the_target_lacks() {
        let oldest = (GatewayApi::OLDEST, Istio::OLDEST);
        let (releases, flag) =
            releases_serving(oldest, "gateway.networking.k8s.io/v1", "ListenerSet").unwrap();
        assert_eq!(releases, "Gateway API v1.6.1");
        assert_eq!(flag, "--gateway-api v1.6.1");
        let (releases, _) = releases_serving(
            oldest,
            "gateway.networking.x-k8s.io/v1alpha1",
            "XListenerSet",
        )
        .unwrap();
        assert_eq!(releases, "Gateway API v1.3.0, v1.4.1");
        assert!(releases_serving(oldest, "example.com/v1", "Widget").is_none());
    }
}
