//! The `hubgw` binary: parses arguments, calls the library, and maps errors
//! to exit codes (0 success, 1 bad input, 2 usage).

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use hubgw::graph::{Format, GraphRequest};
use hubgw::render::TemplateSource;
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
    /// Draw where the traffic goes (Mermaid or Graphviz DOT), or how a change moves it.
    #[command(
        after_help = "Inputs are values files or manifest streams (YAML whose documents have\n\
        apiVersion and kind). With none, the -f/--set values are drawn; with OLD and\n\
        NEW, the change from OLD to NEW. -f/--set apply under each values input.\n\n\
        Examples:\n  \
        hubgw graph -f values/examples/east-west.yaml            # Mermaid, for a PR\n  \
        hubgw graph -f values.yaml --format dot | dot -Tsvg > hub.svg\n  \
        hubgw graph old-values.yaml new-values.yaml              # what a change moves\n  \
        hubgw render -f values.yaml | hubgw graph -"
    )]
    Graph(GraphArgs),
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
}

#[derive(Args)]
struct GraphArgs {
    #[command(flatten)]
    values: ValuesArgs,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = FormatArg::Mermaid)]
    format: FormatArg,
    /// A values file or manifest stream to draw; two (OLD NEW) draw the change.
    #[arg(value_name = "INPUT", num_args = 0..=2)]
    inputs: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// A Mermaid flowchart: paste it into a ```mermaid block on GitHub.
    Mermaid,
    /// Graphviz DOT: pipe it to `dot -Tsvg`.
    Dot,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Render(args) => render(args),
        Command::Graph(args) => graph(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(err.exit_code())
        }
    }
}

fn render(args: &RenderArgs) -> Result<(), Error> {
    let req = RenderRequest {
        values: args.values.input(),
        templates: args
            .templates
            .clone()
            .map_or(TemplateSource::Embedded, TemplateSource::Dir),
    };
    let stream = hubgw::render_stream(&req, &mut std::io::stdin().lock())?;
    write_stdout(&stream)
}

fn graph(args: &GraphArgs) -> Result<(), Error> {
    let req = GraphRequest {
        values: args.values.input(),
        inputs: args.inputs.clone(),
        format: match args.format {
            FormatArg::Mermaid => Format::Mermaid,
            FormatArg::Dot => Format::Dot,
        },
    };
    let text = hubgw::graph::graph(&req, &mut std::io::stdin().lock())?;
    write_stdout(&text)
}

/// Writes all output at once; a closed pipe (`| head`) is not an error.
fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::input(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}
