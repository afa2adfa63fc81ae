//! Offline validation of Kubernetes custom resources against the upstream CRD OpenAPI v3
//! schemas (Gateway API, Istio networking, OpenShift Route), as strictly as the API server with
//! strict field validation: structural-schema keywords, unknown fields and CEL
//! `x-kubernetes-validations` rules.
//!
//! ```text
//! let registry = CrdRegistry::embedded();
//! if let Some(schema) = registry.schema_for("gateway.networking.k8s.io/v1", "HTTPRoute") {
//!     let report = schema.validate(&manifest_json);
//!     for f in &report.findings { eprintln!("{}: {}", f.path, f.message); }
//! }
//! ```
//!
//! The schemas are extracted from `crds/*.yaml` by `build.rs` and embedded as static Rust
//! data (`node.rs` types): nothing is parsed at run time.

mod cel;
// Included by build.rs too; the crate reads schema JSON only in tests.
#[cfg(test)]
mod model;
mod node;
mod registry;
mod validate;

#[cfg(test)]
mod tests;

pub use registry::{CrdRegistry, CrdSchema, CrdSource};
pub use validate::{Finding, SchemaReport, UnevaluatedRule};
