//! Validate: proves each object well formed before anything is applied.
//! Three checks per object: its typed struct reads it without skipping a
//! field (`strict`), the upstream CRD schema with its CEL rules accepts it
//! (`crate::crd_schema`), and the API server's own rules for core kinds
//! hold (`core`).

pub mod core;
pub mod strict;

use serde::Serialize;

use crate::crd_schema::{CrdRegistry, UnevaluatedRule};
use crate::diagnostic::{self, Diagnostic, ObjectRef, ReportFormat, Severity};
use crate::manifest::Manifest;

#[derive(Debug, Clone, Copy, Default)]
pub struct ValidateOptions {
    /// Skip objects of kinds hubgw does not know instead of failing them.
    pub allow_unknown_kinds: bool,
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
pub fn validate(manifests: &[Manifest], options: ValidateOptions) -> ValidationReport {
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

fn validate_one(m: &Manifest, options: ValidateOptions, report: &mut ValidationReport) {
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
    let Some(typed_check) = strict::check_for(api_version, kind) else {
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
    };

    let mut found: Vec<(String, String)> = Vec::new();
    let schema = CrdRegistry::embedded().schema_for(api_version, kind);
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
        found.extend(
            schema_report
                .findings
                .into_iter()
                .map(|f| (f.path, f.message)),
        );
    }
    for p in typed_check(stored.as_deref().unwrap_or(&m.object)) {
        // The schema's wording is the API server's: keep it when both see a problem.
        let already = found
            .iter()
            .any(|(path, _)| is_within(&p.path, path) || is_within(path, &p.path));
        if !already {
            found.push((p.path, p.message));
        }
    }
    found.extend(core::check(m));
    for (path, message) in found {
        report.diagnostics.push(Diagnostic::error(m, path, message));
    }
}

/// Whether field path `child` is `parent` or below it.
fn is_within(child: &str, parent: &str) -> bool {
    match child.strip_prefix(parent) {
        Some(rest) => parent.is_empty() || rest.is_empty() || rest.starts_with(['.', '[']),
        None => false,
    }
}

/// What `hubgw validate` was asked for.
pub struct StreamCheckOptions {
    pub validate: ValidateOptions,
    /// None: one line per problem.
    pub format: Option<ReportFormat>,
    pub strict: bool,
    /// List skipped objects and unevaluated CEL rules.
    pub verbose: bool,
    pub color: bool,
}

/// `hubgw validate`'s result: the report for stdout, the summary (and the
/// `--verbose` notes) for stderr, and whether the stream is clean.
pub struct StreamCheck {
    pub report: String,
    pub notes: String,
    pub clean: bool,
}

/// Schema validation and lint of any stream, as `hubgw validate` prints it.
pub fn check_stream(manifests: &[Manifest], options: &StreamCheckOptions) -> StreamCheck {
    let validation = validate(manifests, options.validate);
    let mut diagnostics = validation.diagnostics.clone();
    diagnostics.extend(crate::lint::lint(manifests, None));
    let clean = diagnostic::apply_strict(&mut diagnostics, options.strict);
    let report = match options.format {
        None => diagnostics
            .iter()
            .map(|d| format!("{}\n", d.one_line()))
            .collect(),
        Some(f) => diagnostic::report(&diagnostics, manifests.len(), f, options.color),
    };
    let mut summary = diagnostic::summarize(manifests.len(), &diagnostics).line();
    if !validation.skipped.is_empty() {
        summary.push_str(&format!(
            ", {} of unknown kinds skipped",
            validation.skipped.len()
        ));
    }
    let unevaluated = validation.cel.unevaluated.len();
    if unevaluated > 0 {
        summary.push_str(&format!(
            ", {unevaluated} CEL rule{} not evaluated{}",
            if unevaluated == 1 { "" } else { "s" },
            if options.verbose {
                ""
            } else {
                " (--verbose lists them)"
            }
        ));
    }
    let mut notes = String::new();
    if options.verbose {
        for o in &validation.skipped {
            notes.push_str(&format!(
                "skipped {}:{} {}/{}: unknown kind\n",
                o.source, o.index, o.kind, o.name
            ));
        }
        for (o, rule) in &validation.cel.unevaluated {
            notes.push_str(&format!(
                "not evaluated {}:{} {}/{}: {}: {} ({})\n",
                o.source, o.index, o.kind, o.name, rule.path, rule.rule, rule.reason
            ));
        }
        notes.push_str(&format!(
            "CEL rules: {} evaluated, {unevaluated} not evaluated, {} transition rules skipped (they compare with a previous version of the object)\n",
            validation.cel.evaluated, validation.cel.transition_rules_skipped
        ));
    }
    notes.push_str(&summary);
    notes.push('\n');
    StreamCheck {
        report,
        notes,
        clean,
    }
}
