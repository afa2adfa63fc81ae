//! hubgw: renders a multi-cluster Istio hub gateway from a values file.
//!
//! The pipeline, one module per stage:
//! values (load, merge, `--set`, typed) -> plan (every decision) -> render
//! (minijinja templates) -> manifest (documents as objects) -> output (apply
//! order, YAML stream). `main.rs` only parses arguments and maps errors to
//! exit codes.

pub mod argocd;
pub mod diff;
pub mod dns;
pub mod error;
pub mod manifest;
pub mod output;
pub mod plan;
pub mod render;
pub mod schema;
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
    let files = values::read_files(&req.values.files, stdin)?;
    render_sources(&files, req)
}

/// The objects of a render whose values files are already read (`req`'s
/// file names are ignored; its flags and templates apply).
pub fn render_sources(
    files: &[values::ValuesSource],
    req: &RenderRequest,
) -> Result<Vec<manifest::Manifest>> {
    let loaded = values::load_sources(files, &req.values)?;
    let plan = plan::build(&loaded)?;
    let templates = render::load_templates(&req.templates)?;
    let mut manifests = Vec::new();
    for rendered in render::render(&plan, &templates)? {
        manifests.extend(manifest::parse_stream(&rendered.template, &rendered.text)?);
    }
    output::sort_for_apply(&mut manifests);
    Ok(manifests)
}

/// `hubgw render`: the YAML stream for `oc apply -f -`.
pub fn render_stream(req: &RenderRequest, stdin: &mut dyn Read) -> Result<String> {
    output::to_yaml_stream(&render_manifests(req, stdin)?)
}

/// `hubgw render` with `-o`, `--show-only` and `--output-dir`: returns what
/// goes to standard output (the objects, or the list of files written).
pub fn render_output(
    req: &RenderRequest,
    opts: &output::OutputOptions,
    stdin: &mut dyn Read,
) -> Result<String> {
    let all = render_manifests(req, stdin)?;
    let selected = output::select(&all, &opts.show_only)?;
    match &opts.output_dir {
        Some(dir) => output::write_dir(dir, &selected, all.len(), opts.format),
        None => {
            let kept: Vec<_> = selected.into_iter().map(|(_, m)| m).collect();
            output::to_text(&kept, opts.format)
        }
    }
}
