//! hubgw: renders a multi-cluster Istio hub gateway from a values file.
//!
//! The pipeline, one module per stage:
//! input (files and stdin within their limits) -> values
//! (load, merge, `--set`, typed) -> plan (every decision) -> render
//! (minijinja templates) -> manifest (documents as objects) -> validate
//! (typed structs, CRD schemas, core rules) -> lint (cross-object rules)
//! -> output (apply order, YAML/JSON, files). `check` runs validate then
//! lint, so that neither stage imports the other. `graph` reads the same objects
//! back as a picture of the traffic. `yaml` reads and writes YAML for all of
//! them (key positions and syntax errors included). `main.rs` only parses
//! arguments and maps errors to exit codes.

pub mod argocd;
pub mod check;
pub mod crd_schema;
pub mod diagnostic;
pub mod diff;
pub mod dns;
pub mod error;
pub mod graph;
pub mod input;
pub mod kinds;
pub mod lint;
pub mod manifest;
pub mod output;
pub mod par;
pub mod plan;
pub mod quantity;
pub mod render;
pub mod schema;
pub mod target;
pub mod validate;
pub mod values;
pub mod yaml;

use std::io::Read;

use check::check;
pub use check::SourceTexts;
pub use error::{Error, Result};

/// Everything `hubgw render` needs besides standard input.
#[derive(Debug, Clone, Default)]
pub struct RenderRequest {
    pub values: values::ValuesInput,
    pub templates: render::TemplateSource,
    /// Skip validation and lint of the rendered objects (`--no-validate`).
    pub skip_validation: bool,
}

/// A render that passed validation and lint: the objects in apply order and
/// the warnings that did not stop it.
#[derive(Debug, Clone)]
pub struct Render {
    pub manifests: Vec<manifest::Manifest>,
    pub warnings: Vec<diagnostic::Diagnostic>,
}

/// Renders, validates and lints; any error fails the whole render.
pub fn render_checked(req: &RenderRequest, stdin: &mut dyn Read) -> Result<Render> {
    let files = input::read_files(&req.values.files, stdin)?;
    render_sources(&files, req)
}

/// The checked objects of a render, warnings dropped (for graph and diff).
pub fn render_manifests(
    req: &RenderRequest,
    stdin: &mut dyn Read,
) -> Result<Vec<manifest::Manifest>> {
    Ok(render_checked(req, stdin)?.manifests)
}

/// [`render_checked`] for values files already read (`req`'s file names are
/// ignored; its flags and templates apply).
pub fn render_sources(files: &[values::ValuesSource], req: &RenderRequest) -> Result<Render> {
    let (loaded, plan, manifests) = render_unchecked(files, req)?;
    if req.skip_validation {
        return Ok(Render {
            manifests,
            warnings: Vec::new(),
        });
    }
    let context = lint::ValuesContext {
        loaded: &loaded,
        plan: &plan,
    };
    let diagnostics = check(&manifests, Some(&context), &rendered_target(&plan));
    let (errors, warnings): (Vec<_>, Vec<_>) = diagnostics
        .into_iter()
        .partition(|d| d.severity == diagnostic::Severity::Error);
    if !errors.is_empty() {
        let shown: Vec<String> = errors
            .iter()
            .map(diagnostic::Diagnostic::one_line)
            .collect();
        return Err(Error::input(format!(
            "the rendered objects have {} error{}:\n  {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            shown.join("\n  ")
        ))
        .hint("`hubgw lint` with the same flags explains each one and points into your values"));
    }
    Ok(Render {
        manifests,
        warnings,
    })
}

/// Values -> plan -> templates -> objects in apply order, unchecked.
fn render_unchecked(
    files: &[values::ValuesSource],
    req: &RenderRequest,
) -> Result<(values::LoadedValues, plan::HubPlan, Vec<manifest::Manifest>)> {
    let loaded = values::load_sources(files, &req.values)?;
    let plan = plan::build(&loaded)?;
    let manifests = manifests_for_plan(&plan, &req.templates)?;
    Ok((loaded, plan, manifests))
}

/// The objects a plan renders to, in apply order, unchecked. `graph` calls
/// this too, so its picture is drawn from the very objects `render` prints.
pub fn manifests_for_plan(
    plan: &plan::HubPlan,
    templates: &render::TemplateSource,
) -> Result<Vec<manifest::Manifest>> {
    let templates = render::load_templates(templates)?;
    let rendered = render::render(plan, &templates)?;
    // Weighed by size: one template may hold a third of a large render, and
    // a thread pays off from about 32 KiB of YAML (1 ms of parsing).
    let parsed = par::map_weighted(
        &rendered,
        |r| r.text.len(),
        32 * 1024,
        |r| manifest::parse_stream(&r.template, &r.text),
    );
    let mut manifests = Vec::new();
    for objects in parsed {
        manifests.extend(objects?);
    }
    output::sort_for_apply(&mut manifests);
    Ok(manifests)
}

/// `hubgw lint`: renders without stopping at problems and returns the
/// object count and every diagnostic, located in the values where known.
pub fn lint_render(
    req: &RenderRequest,
    stdin: &mut dyn Read,
) -> Result<(usize, Vec<diagnostic::Diagnostic>)> {
    let files = input::read_files(&req.values.files, stdin)?;
    let (loaded, plan, manifests) = render_unchecked(&files, req)?;
    let context = lint::ValuesContext {
        loaded: &loaded,
        plan: &plan,
    };
    Ok((
        manifests.len(),
        check(&manifests, Some(&context), &rendered_target(&plan)),
    ))
}

/// The CRDs `render` and `lint` check their objects against: the target's
/// (`target.*` in the values; the oldest supported when none is given).
fn rendered_target(plan: &plan::HubPlan) -> validate::ValidateOptions {
    validate::ValidateOptions::for_target(plan.target.gateway_api, plan.target.istio)
}

/// `hubgw render`: the YAML stream for `oc apply -f -`.
pub fn render_stream(req: &RenderRequest, stdin: &mut dyn Read) -> Result<String> {
    output::to_yaml_stream(&render_checked(req, stdin)?.manifests)
}

/// Reads manifest streams (`-` is standard input) for `hubgw validate`.
pub fn read_streams(paths: &[String], stdin: &mut dyn Read) -> Result<Vec<manifest::Manifest>> {
    read_streams_located(paths, stdin).map(|(manifests, _)| manifests)
}

/// [`read_streams`], with each source's text and the line where each of its
/// documents starts, so diagnostics can point at the document and the field.
pub fn read_streams_located(
    paths: &[String],
    stdin: &mut dyn Read,
) -> Result<(Vec<manifest::Manifest>, SourceTexts)> {
    let paths = if paths.is_empty() {
        vec!["-".to_string()]
    } else {
        manifest::inputs::expand(paths)?
    };
    let mut manifests = Vec::new();
    let mut texts = SourceTexts::new();
    for source in input::read_inputs(&paths, stdin, input::InputKind::Manifests)? {
        yaml::check_depth(&source.name, &source.text)?;
        let mut parsed = manifest::parse_stream(&source.name, &source.text)?;
        let text = yaml::StreamText::new(source.text);
        for m in &mut parsed {
            m.line = text.document_line(m.index);
        }
        manifests.extend(parsed);
        texts.insert(source.name.clone(), text);
    }
    Ok((manifest::unwrap_lists(manifests)?, texts))
}

/// `hubgw render` with `-o`, `--show-only` and `--output-dir`: returns what
/// goes to standard output (the objects, or the list of files written) and
/// the warnings for standard error.
pub fn render_output(
    req: &RenderRequest,
    opts: &output::OutputOptions,
    stdin: &mut dyn Read,
) -> Result<(String, Vec<diagnostic::Diagnostic>)> {
    let render = render_checked(req, stdin)?;
    let all = render.manifests;
    let selected = output::select(&all, &opts.show_only)?;
    let text = match &opts.output_dir {
        Some(dir) => output::write_dir(dir, &selected, all.len(), opts.format)?,
        None if opts.show_only.is_empty() => output::to_text(&all, opts.format)?,
        None => {
            let kept: Vec<_> = selected.into_iter().map(|(_, m)| m.clone()).collect();
            output::to_text(&kept, opts.format)?
        }
    };
    let count = all.len();
    par::drop_in_background(all, count);
    Ok((text, render.warnings))
}
