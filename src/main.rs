//! The `hubgw` binary: parses arguments, calls the library, and maps errors
//! to exit codes (0 success, 1 bad input, 2 usage).

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use hubgw::render::TemplateSource;
use hubgw::validate::ValidateOptions;
use hubgw::values::ValuesInput;
use hubgw::{Error, RenderRequest};

#[derive(Parser)]
#[command(
    name = "hubgw",
    version,
    about = "Render, validate and lint a multi-cluster Istio hub gateway from a values file",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the hub gateway's manifests as one YAML stream, in apply order.
    #[command(after_help = "Examples:\n  \
        hubgw render -f values/examples/east-west.yaml | oc apply -f -\n  \
        hubgw render -f values.yaml --set gateway.weights.east=80 --set gateway.weights.west=20\n  \
        cat values.yaml | hubgw render -f - -n my-hub")]
    Render(RenderArgs),
    /// Check manifest streams against typed structs and the upstream CRD schemas.
    #[command(
        after_help = "Each problem is printed as `<source>:<document index> <Kind>/<name>: <field path>: <message>`\n\
        (document indexes count from 0); a summary goes to stderr. Exit 0 when clean, 1 on any error.\n\n\
        Examples:\n  \
        hubgw render -f values/examples/east-west.yaml | hubgw validate -\n  \
        hubgw validate hand-written.yaml other.yaml --verbose"
    )]
    Validate(ValidateArgs),
}

/// Helm-style values flags, shared by every command that renders.
#[derive(Args)]
struct ValuesArgs {
    /// Values file (repeatable; later files win; `-` reads standard input).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    files: Vec<String>,
    /// Set a value: `a.b=c`, `a[0]=x`, `a={x,y}` (repeatable; types inferred).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Set a value, always as a string (repeatable; applied after --set).
    #[arg(long = "set-string", value_name = "KEY=VALUE")]
    set_string: Vec<String>,
    /// Namespace of every object (overrides the `namespace` value).
    #[arg(short = 'n', long = "namespace", value_name = "NAMESPACE")]
    namespace: Option<String>,
}

impl ValuesArgs {
    fn input(&self) -> ValuesInput {
        ValuesInput {
            files: self.files.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            namespace: self.namespace.clone(),
        }
    }
}

#[derive(Args)]
struct RenderArgs {
    #[command(flatten)]
    values: ValuesArgs,
    /// Render your own copy of the templates instead of the built-in ones.
    #[arg(long = "templates", value_name = "DIR")]
    templates: Option<String>,
    /// Do not validate the rendered objects.
    #[arg(long = "no-validate")]
    no_validate: bool,
}

#[derive(Args)]
struct ValidateArgs {
    /// Manifest files; `-` (or none) reads standard input.
    #[arg(value_name = "FILE")]
    files: Vec<String>,
    /// Skip objects of kinds hubgw has no schema for, instead of failing them.
    #[arg(long = "allow-unknown-kinds")]
    allow_unknown_kinds: bool,
    /// Also list the CEL rules that could not be evaluated, and why.
    #[arg(short = 'v', long = "verbose")]
    verbose: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Render(args) => render(args),
        Command::Validate(args) => validate(args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(err.exit_code())
        }
    }
}

/// How a command that did not fail outright ended.
enum Outcome {
    Clean,
    /// Problems were reported (exit 1).
    Problems,
}

fn render(args: &RenderArgs) -> Result<Outcome, Error> {
    let req = RenderRequest {
        values: args.values.input(),
        templates: args
            .templates
            .clone()
            .map_or(TemplateSource::Embedded, TemplateSource::Dir),
        skip_validation: args.no_validate,
    };
    let stream = hubgw::render_stream(&req, &mut std::io::stdin().lock())?;
    write_stdout(&stream)?;
    Ok(Outcome::Clean)
}

fn validate(args: &ValidateArgs) -> Result<Outcome, Error> {
    let manifests = hubgw::read_streams(&args.files, &mut std::io::stdin().lock())?;
    let options = ValidateOptions {
        allow_unknown_kinds: args.allow_unknown_kinds,
    };
    let report = hubgw::validate::validate(&manifests, options);
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&d.one_line());
        out.push('\n');
    }
    write_stdout(&out)?;
    let mut summary = report.summary();
    let unevaluated = report.cel.unevaluated.len();
    if unevaluated > 0 {
        summary.push_str(&format!(
            ", {unevaluated} CEL rule{} not evaluated{}",
            if unevaluated == 1 { "" } else { "s" },
            if args.verbose {
                ""
            } else {
                " (--verbose lists them)"
            }
        ));
    }
    if args.verbose {
        for o in &report.skipped {
            eprintln!(
                "skipped {}:{} {}/{}: unknown kind",
                o.source, o.index, o.kind, o.name
            );
        }
        for (o, rule) in &report.cel.unevaluated {
            eprintln!(
                "not evaluated {}:{} {}/{}: {}: {} ({})",
                o.source, o.index, o.kind, o.name, rule.path, rule.rule, rule.reason
            );
        }
        eprintln!(
            "CEL rules: {} evaluated, {} not evaluated, {} transition rules skipped (they compare with a previous version of the object)",
            report.cel.evaluated, unevaluated, report.cel.transition_rules_skipped
        );
    }
    eprintln!("{summary}");
    Ok(if report.errors() > 0 {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}

/// Writes all output at once; a closed pipe (`| head`) is not an error.
fn write_stdout(text: &str) -> Result<(), Error> {
    if text.is_empty() {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::input(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}
