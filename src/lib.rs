//! hubgw: renders a multi-cluster Istio hub gateway from a values file.
//!
//! The pipeline, one module per stage:
//! values (load, merge, `--set`, typed) -> plan (every decision) -> render
//! (minijinja templates) -> manifest (documents as objects) -> output (apply
//! order, YAML stream). `graph` reads that stream back as a picture of the
//! traffic. `main.rs` only parses arguments and maps errors to exit codes.

pub mod dns;
pub mod error;
pub mod graph;
pub mod manifest;
pub mod output;
pub mod plan;
pub mod render;
pub mod values;

use std::io::Read;

pub use error::{Error, Result};

/// Everything `hubgw render` needs besides standard input.
#[derive(Debug, Clone, Default)]
pub struct RenderRequest {
    pub values: values::ValuesInput,
    pub templates: render::TemplateSource,
}

/// The objects of a render, in apply order.
pub fn render_manifests(
    req: &RenderRequest,
    stdin: &mut dyn Read,
) -> Result<Vec<manifest::Manifest>> {
    let loaded = values::load(&req.values, stdin)?;
    let plan = plan::build(&loaded)?;
    manifests_for_plan(&plan, &req.templates)
}

/// The objects a plan renders to, in apply order. `graph` calls this too, so
/// its picture is drawn from the very objects `render` prints.
pub fn manifests_for_plan(
    plan: &plan::HubPlan,
    templates: &render::TemplateSource,
) -> Result<Vec<manifest::Manifest>> {
    let templates = render::load_templates(templates)?;
    let mut manifests = Vec::new();
    for rendered in render::render(plan, &templates)? {
        manifests.extend(manifest::parse_stream(&rendered.template, &rendered.text)?);
    }
    output::sort_for_apply(&mut manifests);
    Ok(manifests)
}

/// `hubgw render`: the YAML stream for `oc apply -f -`.
pub fn render_stream(req: &RenderRequest, stdin: &mut dyn Read) -> Result<String> {
    output::to_yaml_stream(&render_manifests(req, stdin)?)
}
