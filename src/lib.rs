//! hubgw: renders a multi-cluster Istio hub gateway from a values file.
//!
//! The pipeline, one module per stage:
//! values (load, merge, `--set`, typed) -> plan (every decision) -> render
//! (minijinja templates) -> manifest (documents as objects) -> validate
//! (typed round-trip, CRD schemas, core rules) -> output (apply order, YAML
//! stream). `main.rs` only parses arguments and maps errors to exit codes.

pub mod crd_schema;
pub mod diagnostic;
pub mod dns;
pub mod error;
pub mod lint;
pub mod manifest;
pub mod output;
pub mod plan;
pub mod render;
pub mod validate;
pub mod values;

use std::io::Read;

pub use error::{Error, Result};

/// Everything `hubgw render` needs besides standard input.
#[derive(Debug, Clone, Default)]
pub struct RenderRequest {
    pub values: values::ValuesInput,
    pub templates: render::TemplateSource,
    /// Skip validation of the rendered objects (`--no-validate`).
    pub skip_validation: bool,
}

/// The objects of a render, in apply order.
pub fn render_manifests(
    req: &RenderRequest,
    stdin: &mut dyn Read,
) -> Result<Vec<manifest::Manifest>> {
    let loaded = values::load(&req.values, stdin)?;
    let plan = plan::build(&loaded)?;
    let templates = render::load_templates(&req.templates)?;
    let mut manifests = Vec::new();
    for rendered in render::render(&plan, &templates)? {
        manifests.extend(manifest::parse_stream(&rendered.template, &rendered.text)?);
    }
    output::sort_for_apply(&mut manifests);
    Ok(manifests)
}

/// `hubgw render`: the YAML stream for `oc apply -f -`, validated unless
/// the request says not to. An invalid object fails the whole render.
pub fn render_stream(req: &RenderRequest, stdin: &mut dyn Read) -> Result<String> {
    let manifests = render_manifests(req, stdin)?;
    if !req.skip_validation {
        let report = validate::validate(&manifests, validate::ValidateOptions::default());
        if report.errors() > 0 {
            let lines: Vec<String> = report.diagnostics.iter().map(|d| d.one_line()).collect();
            return Err(Error::input(format!(
                "the rendered objects are not valid ({}):\n  {}",
                report.summary(),
                lines.join("\n  ")
            ))
            .hint("a value passed hubgw's own checks but breaks an upstream schema; the line says which field"));
        }
    }
    output::to_yaml_stream(&manifests)
}

/// Reads manifest streams (`-` is standard input) for `hubgw validate`.
pub fn read_streams(paths: &[String], stdin: &mut dyn Read) -> Result<Vec<manifest::Manifest>> {
    let paths = if paths.is_empty() {
        vec!["-".to_string()]
    } else {
        paths.to_vec()
    };
    let mut manifests = Vec::new();
    for source in values::read_files(&paths, stdin)? {
        manifests.extend(manifest::parse_stream(&source.name, &source.text)?);
    }
    Ok(manifests)
}
