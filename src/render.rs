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
    ("_helpers.yaml", include_str!("../templates/_helpers.yaml")),
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

/// Template files: name and text, in name order.
#[derive(Debug, Clone)]
pub struct Templates {
    /// The shipped ones are borrowed from the binary.
    files: Vec<(Cow<'static, str>, Cow<'static, str>)>,
    /// The shipped templates, whose syntax the tests prove: one that can
    /// render nothing is not compiled. A user's are always compiled, so a
    /// syntax error is reported whatever the values.
    built_in: bool,
}

impl Templates {
    fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(n, t)| (n.as_ref(), t.as_ref()))
    }
}

/// Loads the template files.
pub fn load_templates(source: &TemplateSource) -> Result<Templates> {
    Ok(match source {
        TemplateSource::Embedded => Templates {
            files: EMBEDDED
                .iter()
                .map(|&(n, t)| (Cow::Borrowed(n), Cow::Borrowed(t)))
                .collect(),
            built_in: true,
        },
        TemplateSource::Dir(dir) => Templates {
            files: read_template_dir(Path::new(dir))?
                .into_iter()
                .map(|(n, t)| (Cow::Owned(n), Cow::Owned(t)))
                .collect(),
            built_in: false,
        },
    })
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

/// A template's loops over the plan are worth a thread of their own from
/// this many items: about 1 ms of rendering (500 apps x 4 spokes, 9,000
/// objects, took 0.15 s on one thread).
const THREAD_ITEMS: usize = 64;

/// Renders every template (helpers starting with `_` excepted) with `plan`,
/// on several threads when its loops are long. Templates are compiled when
/// first rendered or included.
pub fn render(plan: &HubPlan, templates: &Templates) -> Result<Vec<Rendered>> {
    let mut env = environment();
    let sources = templates.clone();
    env.set_loader(move |name| {
        Ok(sources
            .iter()
            .find(|&(n, _)| n == name)
            .map(|(_, text)| text.to_owned()))
    });
    // A helper's syntax error is an error even if nothing includes it. Added
    // to the environment, so the templates that import it find it compiled.
    for (name, text) in templates.iter().filter(|(n, _)| n.starts_with('_')) {
        env.add_template_owned(name.to_owned(), text.to_owned())
            .map_err(|e| template_error(&e, templates))?;
    }
    let plan_value = minijinja::Value::from_serialize(plan);
    let ctx = minijinja::context! { plan => plan_value.clone() };
    let jobs: Vec<(&str, Option<usize>)> = templates
        .iter()
        .filter(|(n, _)| !n.starts_with('_'))
        .map(|(name, text)| (name, loop_items(text, &plan_value)))
        .collect();
    let env = &env;
    let rendered = crate::par::map_weighted(
        &jobs,
        |&(_, items)| items.unwrap_or(1),
        THREAD_ITEMS,
        |&(name, items)| {
            let text = if templates.built_in && items == Some(0) {
                String::new()
            } else {
                env.get_template(name)
                    .and_then(|tmpl| tmpl.render(&ctx))
                    .map_err(|e| template_error(&e, templates))?
            };
            Ok(Rendered {
                template: name.to_string(),
                text,
            })
        },
    );
    rendered.into_iter().collect()
}

/// The template environment: strict about undefined names, every value
/// printed by [`format_value`].
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    // Whatever a template is named: with escaping on, minijinja marks a
    // macro's output safe (src/vm/macro_object.rs, minijinja 2.24.0), which is how
    // `format_value` tells it from a value.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Json);
    env.set_formatter(format_value);
    env
}

/// How `{{ value }}` prints: a macro's output (a safe string, template text
/// whose own values went through here) as it is; anything else as JSON, that
/// is a double-quoted YAML scalar or a flow map/list, so no value can add a
/// key or a document.
fn format_value(
    out: &mut minijinja::Output,
    _state: &minijinja::State,
    value: &minijinja::Value,
) -> std::result::Result<(), minijinja::Error> {
    let write_error = |e: std::fmt::Error| {
        minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
    };
    if value.is_safe() {
        if let Some(text) = value.as_str() {
            return out.write_str(text).map_err(write_error);
        }
    }
    let json = serde_json::to_string(value).map_err(|e| {
        minijinja::Error::new(minijinja::ErrorKind::BadSerialization, e.to_string())
    })?;
    out.write_str(&json).map_err(write_error)
}

/// How many items `template`'s loops run over for `plan`, without
/// compiling it, when it is only `{% for x in plan.list %}` blocks (no
/// `else`), comments and blank text; `None` for any other template. Most
/// built-in templates are one kind of object (egress, injected gateways, ...)
/// that a given hub has none of: at 0 they are not compiled, which was most
/// of the template work of a small render.
fn loop_items(template: &str, plan: &minijinja::Value) -> Option<usize> {
    loop_lists(template)?
        .iter()
        .map(|list| plan.get_attr(list).ok().and_then(|v| v.len()))
        .sum()
}

/// The plan lists `template`'s top-level `{% for x in plan.list %}` loops run
/// over, when the template is nothing else; `None` for any other template or
/// anything this simple scan is not sure of (quotes in a tag, `{% raw %}`, a
/// `for`/`else`, a loop filter, a tag that is not closed).
fn loop_lists(template: &str) -> Option<Vec<&str>> {
    let mut lists = Vec::new();
    let mut depth = 0usize;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (text, from) = rest.split_at(open);
        if depth == 0 && !text.trim().is_empty() {
            return None;
        }
        let after = &from[1..];
        if let Some(comment) = after.strip_prefix('#') {
            rest = &comment[comment.find("#}")? + 2..];
            continue;
        }
        if let Some(expr) = after.strip_prefix('{') {
            if depth == 0 {
                return None;
            }
            rest = &expr[expr.find("}}")? + 2..];
            continue;
        }
        let Some(tag) = after.strip_prefix('%') else {
            if depth == 0 {
                return None;
            }
            rest = after;
            continue;
        };
        let end = tag.find("%}")?;
        let words = tag[..end].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
        rest = &tag[end + 2..];
        let mut parts = words.split_whitespace();
        let keyword = parts.next()?;
        // `{% from "_helpers.yaml" import x %}` defines names, prints nothing.
        if keyword == "from" && depth == 0 {
            continue;
        }
        if words.contains(['"', '\'']) {
            return None;
        }
        match keyword {
            "for" if depth == 0 => {
                let (_var, in_, list, more) =
                    (parts.next()?, parts.next()?, parts.next()?, parts.next());
                let list = list.strip_prefix("plan.")?;
                if in_ != "in"
                    || more.is_some()
                    || !list.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    return None;
                }
                lists.push(list);
                depth = 1;
            }
            "else" if depth == 1 => return None,
            "raw" => return None,
            "for" | "if" | "macro" | "call" | "filter" | "with" | "autoescape" | "block" => {
                if depth == 0 {
                    return None;
                }
                depth += 1;
            }
            "set" if !words.contains('=') => {
                if depth == 0 {
                    return None;
                }
                depth += 1;
            }
            k if k.starts_with("end") => depth = depth.checked_sub(1)?,
            _ if depth == 0 => return None,
            _ => {}
        }
    }
    (depth == 0 && rest.trim().is_empty() && !lists.is_empty()).then_some(lists)
}

fn template_error(e: &minijinja::Error, templates: &Templates) -> Error {
    let name = e.name().unwrap_or("template").to_string();
    let location = e.line().map(|line| {
        let text = templates
            .iter()
            .find(|&(n, _)| n == name)
            .map_or("", |(_, t)| t);
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
        let mut env = environment();
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
            let docs = crate::yaml::documents("t", &text).unwrap();
            assert_eq!(docs.len(), 1, "{text}");
            let map = docs[0].as_mapping().unwrap();
            assert_eq!(map.len(), 1);
            assert_eq!(map.get("host").unwrap().as_str(), Some(evil));
        }
    }

    #[test]
    fn printed_strings_cannot_escape_their_scalar_through_a_macro() {
        // A macro's output prints as it is; the values inside it are quoted.
        let template = "{% macro m(x) %}\nmeta:\n  name: {{ x }}\n{% endmacro %}\n{{ m(v) }}\n";
        for evil in ["x\n  evil: true", "a\n---\nkind: Secret", "{\"a\": 1}"] {
            let text = render_one(template, evil);
            let docs = crate::yaml::documents("t", &text).unwrap();
            assert_eq!(docs.len(), 1, "{text}");
            let meta = docs[0]["meta"].as_mapping().unwrap();
            assert_eq!(meta.len(), 1, "{text}");
            assert_eq!(meta.get("name").unwrap().as_str(), Some(evil));
        }
    }

    #[test]
    fn loop_lists_reads_only_plain_top_level_loops() {
        let lists = loop_lists;
        assert_eq!(
            lists(
                "{% for a in plan.xs %}\n---\nk: {{ a }}\n{% if a.b %}x{% endif %}\n{% endfor %}\n"
            ),
            Some(vec!["xs"])
        );
        assert_eq!(
            lists("{# note #}\n{%- for a in plan.xs -%}{% for b in a.ys %}{{ b }}{% endfor %}{% endfor %}\n{% for c in plan.zs %}{% endfor %}"),
            Some(vec!["xs", "zs"])
        );
        assert_eq!(
            lists("{% from \"_helpers.yaml\" import metadata %}\n{% for a in plan.xs %}{{ metadata(a) }}{% endfor %}\n"),
            Some(vec!["xs"])
        );
        for not_only_loops in [
            "",
            "kind: x\n{% for a in plan.xs %}{% endfor %}",
            "{% for a in plan.xs %}{% endfor %}\ntrailing",
            "{{ plan.x }}",
            "{% for a in plan.xs %}{% else %}empty{% endfor %}",
            "{% for a in plan.xs if a %}{% endfor %}",
            "{% for a in other.xs %}{% endfor %}",
            "{% for a in plan.xs.ys %}{% endfor %}",
            "{% if plan.x %}{% endif %}",
            "{% set x = 1 %}{% for a in plan.xs %}{% endfor %}",
            "{% for a in plan.xs %}{% include \"_x.yaml\" %}{% endfor %}",
            "{% for a in plan.xs %}{% raw %}{% endfor %}{% endraw %}{% endfor %}",
            "{% for a in plan.xs %}",
            "{% for a in plan.xs %}{% endfor %}{% endfor %}",
            "{% for a in plan.xs %}{# open",
        ] {
            assert_eq!(lists(not_only_loops), None, "{not_only_loops:?}");
        }
    }

    #[test]
    fn loop_items_counts_what_the_loops_run_over() {
        let plan = minijinja::context! { xs => vec![1, 2, 3], zs => Vec::<i32>::new(), n => 5 };
        let both = "{% for a in plan.xs %}{% endfor %}\n{% for c in plan.zs %}{% endfor %}";
        assert_eq!(loop_items(both, &plan), Some(3));
        assert_eq!(
            loop_items("{% for c in plan.zs %}{% endfor %}", &plan),
            Some(0)
        );
        // Not a list, not in the plan, not only loops: unknown.
        assert_eq!(loop_items("{% for c in plan.n %}{% endfor %}", &plan), None);
        assert_eq!(
            loop_items("{% for c in plan.ws %}{% endfor %}", &plan),
            None
        );
        assert_eq!(loop_items("{{ plan.n }}", &plan), None);
    }

    /// What is skipped renders to nothing: every shipped example, every template.
    #[test]
    fn skipped_templates_render_nothing() {
        let examples =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/values/examples")).unwrap();
        let mut skipped = 0;
        for example in examples {
            let path = example.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let source = crate::values::ValuesSource {
                name: path.display().to_string(),
                text,
            };
            let loaded =
                crate::values::load_sources(&[source], &crate::values::ValuesInput::default())
                    .unwrap();
            let plan = crate::plan::build(&loaded).unwrap();
            let plan_value = minijinja::Value::from_serialize(&plan);
            for (name, template) in EMBEDDED {
                if loop_items(template, &plan_value) == Some(0) {
                    skipped += 1;
                    let mut env = Environment::new();
                    env.set_undefined_behavior(UndefinedBehavior::Strict);
                    env.set_loader(|name| {
                        Ok(EMBEDDED
                            .iter()
                            .find(|(n, _)| *n == name)
                            .map(|(_, t)| t.to_string()))
                    });
                    let text = env
                        .render_str(template, minijinja::context! { plan => plan_value.clone() })
                        .unwrap();
                    assert!(
                        text.trim().is_empty(),
                        "{name} for {}: {text}",
                        path.display()
                    );
                }
            }
        }
        assert!(skipped > 10, "{skipped}");
        let loops_only = EMBEDDED
            .iter()
            .filter(|(_, t)| loop_lists(t).is_some())
            .count();
        assert_eq!(
            loops_only,
            EMBEDDED.len() - 2,
            "all but 00-namespace.yaml and _helpers.yaml"
        );
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
