//! Offline validation of Kubernetes custom resources against the upstream CRD OpenAPI v3
//! schemas (Gateway API, Istio networking, OpenShift Route), as strictly as the API server with
//! strict field validation: structural-schema keywords, unknown fields and CEL
//! `x-kubernetes-validations` rules.
//!
//! ```text
//! let registry = CrdRegistry::for_target(GatewayApi::V1_4_1, Istio::V1_26);
//! if let Some(schema) = registry.schema_for("gateway.networking.k8s.io/v1", "HTTPRoute") {
//!     let report = schema.validate(&manifest_json);
//!     for f in &report.findings { eprintln!("{}: {}", f.path, f.message); }
//! }
//! ```
//!
//! The schemas are extracted from `crds/*.yaml` by `build.rs` and embedded as JSON, one
//! node a line; a kind's schema is read into `node.rs` types when an object of that kind
//! is first validated, a node when validation first reaches it, its CEL rules and
//! patterns compiled when first evaluated.

mod cel;
mod node;
mod pattern;
mod registry;
mod validate;

#[cfg(test)]
mod tests;

pub use registry::{CrdFileError, CrdRegistry, CrdSchema, CrdSource};
pub use validate::{Finding, SchemaReport, UnevaluatedRule};
