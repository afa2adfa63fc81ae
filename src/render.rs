//! Render: the plan through minijinja templates into YAML text, one text per
//! template. Templates are embedded in the binary (or read from a user's
//! directory with `--templates`). Every printed value is a quoted scalar or a
//! JSON map/list, so values cannot add keys or documents to the output.

use std::borrow::Cow;
use std::path::Path;

use minijinja::{Environment, UndefinedBehavior};

use crate::error::{Error, Location, Result};
use crate::plan::HubPlan;

/// The shipped templates, in render order.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "00-namespace.yaml",
        include_str!("../templates/00-namespace.yaml"),
    ),
    ("05-rbac.yaml", include_str!("../templates/05-rbac.yaml")),
    (
        "10-gateways.yaml",
        include_str!("../templates/10-gateways.yaml"),
    ),
    (
        "15-injected-gateways.yaml",
        include_str!("../templates/15-injected-gateways.yaml"),
    ),
    (
        "20-services.yaml",
        include_str!("../templates/20-services.yaml"),
    ),
    (
        "30-serviceentries.yaml",
        include_str!("../templates/30-serviceentries.yaml"),
    ),
    (
        "40-httproutes.yaml",
        include_str!("../templates/40-httproutes.yaml"),
    ),
    (
        "45-istio-routing.yaml",
        include_str!("../templates/45-istio-routing.yaml"),
    ),
    (
        "50-destinationrules.yaml",
        include_str!("../templates/50-destinationrules.yaml"),
    ),
    (
        "60-routes.yaml",
        include_str!("../templates/60-routes.yaml"),
    ),
    (
        "70-egress.yaml",
        include_str!("../templates/70-egress.yaml"),
    ),
    (
        "80-podmonitors.yaml",
        include_str!("../templates/80-podmonitors.yaml"),
    ),
];

/// Where templates come from.
#[derive(Debug, Clone, Default)]
pub enum TemplateSource {
    #[default]
    Embedded,
    Dir(String),
}

/// One template's output.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub template: String,
    pub text: String,
}

/// Template files: name and text, in name order. The shipped ones are borrowed
/// from the binary.
pub type Templates = Vec<(Cow<'static, str>, Cow<'static, str>)>;

/// Loads the template files.
pub fn load_templates(source: &TemplateSource) -> Result<Templates> {
    match source {
        TemplateSource::Embedded => Ok(EMBEDDED
            .iter()
            .map(|&(n, t)| (Cow::Borrowed(n), Cow::Borrowed(t)))
            .collect()),
        TemplateSource::Dir(dir) => Ok(read_template_dir(Path::new(dir))?
            .into_iter()
            .map(|(n, t)| (Cow::Owned(n), Cow::Owned(t)))
            .collect()),
    }
}

/// `*.yaml` files of `dir` not starting with `_`, plus `_*.yaml` helpers
/// (loaded so templates can import them, never rendered on their own).
fn read_template_dir(dir: &Path) -> Result<Vec<(String, String)>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::usage(format!(
            "cannot read templates directory `{}`: {e}",
            dir.display()
        ))
        .hint("pass a directory holding *.yaml templates, such as a copy of hubgw's templates/")
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| Error::input(format!("cannot list `{}`: {e}", dir.display())))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.ends_with(".yaml") || !entry.path().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).map_err(|e| {
            Error::input(format!(
                "cannot read template `{}`: {e}",
                entry.path().display()
            ))
        })?;
        files.push((name, text));
    }
    files.sort();
    if !files.iter().any(|(n, _)| !n.starts_with('_')) {
        return Err(Error::usage(format!(
            "templates directory `{}` has no *.yaml template",
            dir.display()
        )));
    }
    Ok(files)
}

/// Renders every template (helpers starting with `_` excepted) with `plan`.
/// Templates are compiled when first rendered or included, and each one
/// rendered is dropped before the next is compiled: minijinja's buffers for a
/// compiled template are some 12 KiB however short it is, a third of a small
/// render's memory when all were held at once.
pub fn render(plan: &HubPlan, templates: &Templates) -> Result<Vec<Rendered>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_formatter(|out, _state, value| {
        let json = serde_json::to_string(value).map_err(|e| {
            minijinja::Error::new(minijinja::ErrorKind::BadSerialization, e.to_string())
        })?;
        out.write_str(&json)
            .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
    });
    let sources = templates.clone();
    env.set_loader(move |name| {
        Ok(sources
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.to_string()))
    });
    // A helper's syntax error is an error even if nothing includes it.
    for (name, text) in templates.iter().filter(|(n, _)| n.starts_with('_')) {
        env.template_from_named_str(name, text)
            .map_err(|e| template_error(&e, templates))?;
    }
    let ctx = minijinja::context! { plan => minijinja::Value::from_serialize(plan) };
    let mut out = Vec::new();
    for (name, _) in templates.iter().filter(|(n, _)| !n.starts_with('_')) {
        let tmpl = env
            .get_template(name)
            .map_err(|e| template_error(&e, templates))?;
        let text = tmpl
            .render(&ctx)
            .map_err(|e| template_error(&e, templates))?;
        env.remove_template(name);
        out.push(Rendered {
            template: name.to_string(),
            text,
        });
    }
    Ok(out)
}

fn template_error(e: &minijinja::Error, templates: &Templates) -> Error {
    let name = e.name().unwrap_or("template").to_string();
    let location = e.line().map(|line| {
        let text = templates
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.as_ref())
            .unwrap_or("");
        Location::in_text(&name, text, line, 1, 1)
    });
    let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
    Error::input(format!("template `{name}` failed: {}{detail}", e.kind()))
        .at(location)
        .hint("templates see one variable, `plan`; print whole values from it")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_one(template: &str, value: &str) -> String {
        let mut env = Environment::new();
        env.set_formatter(|out, _state, value| {
            out.write_str(&serde_json::to_string(value).unwrap())
                .unwrap();
            Ok(())
        });
        env.add_template("t", template).unwrap();
        env.get_template("t")
            .unwrap()
            .render(minijinja::context! { v => value })
            .unwrap()
    }

    #[test]
    fn printed_strings_cannot_escape_their_scalar() {
        for evil in [
            "x\n  evil: true",
            "a\n---\nkind: Secret",
            "\"quoted\": 1",
            "# c",
        ] {
            let text = render_one("host: {{ v }}\n", evil);
            let docs: Vec<serde_yaml::Value> = serde_yaml::Deserializer::from_str(&text)
                .map(|d| serde::Deserialize::deserialize(d).unwrap())
                .collect();
            assert_eq!(docs.len(), 1, "{text}");
            let map = docs[0].as_mapping().unwrap();
            assert_eq!(map.len(), 1);
            assert_eq!(map.get("host").unwrap().as_str(), Some(evil));
        }
    }

    #[test]
    fn embedded_list_matches_templates_dir() {
        let on_disk =
            read_template_dir(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")))
                .unwrap();
        let names: Vec<_> = on_disk.iter().map(|(n, _)| n.as_str()).collect();
        let embedded: Vec<_> = EMBEDDED.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, embedded);
        for ((_, disk), (_, built_in)) in on_disk.iter().zip(EMBEDDED) {
            assert_eq!(disk, built_in);
        }
    }
}
