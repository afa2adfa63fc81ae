//! Check: a stream's schema validation, then its lint, in that order (what
//! `render`, `lint` and `validate` all run), and for `hubgw validate` each
//! finding placed on its document and field and reported. It composes the
//! two stages so that neither imports the other.

use std::collections::HashMap;

use crate::diagnostic::{self, Diagnostic, ObjectRef, ReportFormat};
use crate::error::Location;
use crate::lint;
use crate::manifest::Manifest;
use crate::validate::{validate, ValidateOptions};
use crate::yaml::{DocumentPositions, KeyPath, StreamText};

/// Per source name, its text and where its documents start.
pub type SourceTexts = HashMap<String, StreamText>;

/// Schema validation (against the CRDs `options` name) and lint of a stream, in that order.
pub fn check(
    manifests: &[Manifest],
    values: Option<&lint::ValuesContext>,
    options: &ValidateOptions,
) -> Vec<Diagnostic> {
    let mut diagnostics = validate(manifests, options).diagnostics;
    diagnostics.extend(lint::lint(manifests, values));
    diagnostics
}

/// What `hubgw validate` was asked for.
pub struct StreamCheckOptions {
    pub validate: ValidateOptions,
    /// None: one line per problem.
    pub format: Option<ReportFormat>,
    pub strict: bool,
    /// List skipped objects and unevaluated CEL rules.
    pub verbose: bool,
    /// Add kubeconform's `Summary:` line (its `-summary`) to human output.
    pub summary: bool,
    pub color: bool,
    /// Each source's text, to place each problem on its document and field.
    pub sources: SourceTexts,
}

/// Puts each diagnostic on its field's line and column (its document's line
/// came with its object, `Manifest::line`). Only documents with a diagnostic
/// are read for positions, once each.
fn place(diagnostics: &mut [Diagnostic], sources: &SourceTexts) {
    let mut documents: HashMap<(String, usize), DocumentPositions> = HashMap::new();
    for d in diagnostics {
        let o = &d.object;
        let Some(stream) = sources.get(&o.source) else {
            continue;
        };
        let positions = documents
            .entry((o.source.clone(), o.index))
            .or_insert_with(|| stream.document(o.index));
        let within = o
            .item
            .iter()
            .fold(KeyPath::root(), |p, n| p.key("items").index(*n));
        // Nothing of the path written (an unknown kind, a missing `kind`):
        // the document's first line, so every place reads `file:line:column`.
        let document = o
            .line
            .map(|line| Location::in_text(&o.source, &stream.text, line, 1, 0));
        d.location = positions
            .locate(&o.source, &stream.text, &within, &d.path)
            .or(document);
    }
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
    let validation = validate(manifests, &options.validate);
    let mut diagnostics = validation.diagnostics.clone();
    diagnostics.extend(lint::lint(manifests, None));
    place(&mut diagnostics, &options.sources);
    let clean = diagnostic::apply_strict(&mut diagnostics, options.strict);
    let objects: Vec<ObjectRef> = manifests.iter().map(ObjectRef::of).collect();
    let report = match options.format {
        None => diagnostics
            .iter()
            .map(|d| format!("{}\n", d.one_line()))
            .collect(),
        Some(f) => diagnostic::object_report(
            &objects,
            &validation.skipped,
            &diagnostics,
            f,
            options.color,
        ),
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
    if options.summary && matches!(options.format, None | Some(ReportFormat::Human)) {
        let results = diagnostic::results::per_object(&objects, &validation.skipped, &diagnostics);
        notes.push_str(&diagnostic::results::summary_line(&results));
        notes.push('\n');
    }
    StreamCheck {
        report,
        notes,
        clean,
    }
}
