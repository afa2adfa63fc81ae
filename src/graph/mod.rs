//! `hubgw graph`: a picture of where the traffic goes, for reviewers who
//! would rather look than read YAML. Owns the command's inputs (values, or
//! a manifest stream, or two of either to draw a change); the stages are
//! `model` (objects -> traffic), `picture` (traffic -> nodes and edges, and
//! the change between two) and the writers `mermaid` and `dot`.

pub mod dot;
pub mod mermaid;
pub mod model;
pub mod picture;

use std::io::Read;

use crate::error::{Error, Result};
use crate::input;
use crate::manifest;
use crate::render::TemplateSource;
use crate::values::{self, ValuesInput, ValuesSource};
use model::Traffic;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// A `flowchart LR` for a ```` ```mermaid ```` block on GitHub.
    #[default]
    Mermaid,
    /// Graphviz, for `dot -Tsvg`.
    Dot,
}

/// Everything `hubgw graph` needs besides standard input.
#[derive(Debug, Clone, Default)]
pub struct GraphRequest {
    /// `-f`, `--set`, `--set-string`, `--set-json`, `-n`: the values, or the base under
    /// each positional values file.
    pub values: ValuesInput,
    /// None, one input, or OLD and NEW: values files or manifest streams.
    pub inputs: Vec<String>,
    pub format: Format,
}

/// `hubgw graph`: the picture as Mermaid or DOT text.
pub fn graph(req: &GraphRequest, stdin: &mut dyn Read) -> Result<String> {
    if req.inputs.len() > 2 {
        return Err(Error::usage(format!(
            "graph takes at most two inputs (OLD and NEW), found {}",
            req.inputs.len()
        ))
        .hint("hubgw graph old.yaml new.yaml draws the change from old to new"));
    }
    // One read of every file, so `-` (standard input) is read at most once.
    let names: Vec<String> = req
        .values
        .files
        .iter()
        .chain(&req.inputs)
        .cloned()
        .collect();
    let mut sources = input::read_files(&names, stdin)?;
    let inputs = sources.split_off(req.values.files.len());
    let pictured = if inputs.is_empty() {
        picture::of(&from_values(&sources, None, &req.values)?)
    } else {
        let traffic = inputs
            .iter()
            .map(|input| from_input(&sources, input, &req.values))
            .collect::<Result<Vec<_>>>()?;
        match traffic.as_slice() {
            [one] => picture::of(one),
            [old, new] => picture::change(old, new),
            _ => unreachable!("at most two inputs"),
        }
    };
    Ok(match req.format {
        Format::Mermaid => mermaid::write(&pictured),
        Format::Dot => dot::write(&pictured),
    })
}

/// Whether `text` is a stream of Kubernetes objects rather than values:
/// some document is a map with both `apiVersion` and `kind`.
pub fn is_manifest_stream(text: &str) -> bool {
    // Text that is not YAML is left to the values reader to explain.
    crate::yaml::documents("", text).is_ok_and(|docs| {
        docs.iter()
            .any(|d| d.get("apiVersion").is_some() && d.get("kind").is_some())
    })
}

fn from_input(base: &[ValuesSource], input: &ValuesSource, flags: &ValuesInput) -> Result<Traffic> {
    if !is_manifest_stream(&input.text) {
        return from_values(base, Some(input), flags);
    }
    let has_flags = !flags.files.is_empty()
        || !flags.set.is_empty()
        || !flags.set_string.is_empty()
        || !flags.set_json.is_empty()
        || flags.namespace.is_some();
    if has_flags {
        return Err(Error::usage(format!(
            "`{}` is a manifest stream; -f, --set, --set-string, --set-json and -n apply to values only",
            input.name
        ))
        .hint("draw a manifest stream as it is: hubgw graph rendered.yaml"));
    }
    let mut manifests = manifest::parse_stream(&input.name, &input.text)?;
    crate::output::sort_for_apply(&mut manifests);
    Ok(Traffic::from_manifests(&manifests))
}

/// Renders the values exactly as `hubgw render` does and reads the objects;
/// spokes that are off come from the plan (they render nothing).
fn from_values(
    base: &[ValuesSource],
    last: Option<&ValuesSource>,
    flags: &ValuesInput,
) -> Result<Traffic> {
    let files: Vec<ValuesSource> = base.iter().chain(last).cloned().collect();
    let loaded = values::load_sources(&files, flags)?;
    let plan = crate::plan::build(&loaded)?;
    let manifests = crate::manifests_for_plan(&plan, &TemplateSource::Embedded)?;
    let mut traffic = Traffic::from_manifests(&manifests);
    traffic.add_disabled_spokes(&plan);
    Ok(traffic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_streams_are_told_from_values() {
        assert!(is_manifest_stream(
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
        ));
        assert!(is_manifest_stream(
            "---\n# empty\n---\napiVersion: v1\nkind: List\n"
        ));
        assert!(!is_manifest_stream(
            "clusters:\n  east:\n    domain: apps.east\n"
        ));
        assert!(!is_manifest_stream("kind: only-kind\n"));
        assert!(!is_manifest_stream(""));
        assert!(
            !is_manifest_stream("a: [unclosed\n"),
            "bad YAML is left to the values loader"
        );
    }
}
