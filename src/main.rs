//! The `hubgw` binary: parses arguments, calls the library, and maps errors
//! to exit codes (0 success, 1 bad input, 2 usage).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use hubgw::diagnostic::{failure_report, report, summarize, ReportFormat};
use hubgw::graph::GraphRequest;
use hubgw::output::{Format, OutputOptions};
use hubgw::render::TemplateSource;
use hubgw::validate::{Crds, ValidateOptions};
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

// Deferred: each subcommand's arguments are built only when it runs (or help,
// completions or a man page need them), not all eleven on every run.
#[derive(Subcommand)]
#[command(defer = true)]
enum Command {
    /// Print the hub gateway's manifests as one YAML stream, in apply order.
    #[command(after_help = "Examples:\n  \
        hubgw render -f values/examples/east-west.yaml | oc apply -f -\n  \
        hubgw render -f values.yaml --set gateway.weights.east=80 --set gateway.weights.west=20\n  \
        cat values.yaml | hubgw render -f - -n my-hub\n  \
        hubgw render -f values.yaml -o json > hub.json\n  \
        hubgw render -f values.yaml --output-dir manifests/\n  \
        hubgw render -f values.yaml --show-only HTTPRoute/industrial-edge-lb")]
    Render(RenderArgs),
    /// Check manifest streams: typed structs, upstream CRD schemas, lint rules.
    #[command(
        after_help = "Each problem is printed as `<file>:<line>:<column> <Kind>/<name>: <field path>: <message>`\n\
        (the field's place, or its nearest written parent's); lint findings add `error[HGnnn]` or `warning[HGnnn]`.\n\
        A summary goes to stderr (with --summary also kubeconform's `Summary: N resources found in\n\
        M files - Valid: .., Invalid: .., Errors: .., Skipped: ..`). Folders are walked for *.yaml,\n\
        *.yml and *.json files. A `List` (kubectl's, or `hubgw render -o json`) is checked item by\n\
        item; Istio's webhook and the API server's value checks apply too.\n\
        Exit 0 when clean, 1 on any error, 2 on usage errors.\n\n\
        CRDs: by default the embedded ones of the oldest supported target (Gateway API v1.2.1,\n\
        Istio 1.24, OpenShift Route); --gateway-api and --istio pick another. With --crds,\n\
        a cluster's own CRDs (CEL rules included) are used for the kinds they define; other\n\
        kinds fall back to the target's embedded CRDs.\n\n\
        Examples:\n  \
        hubgw render -f values/examples/east-west.yaml | hubgw validate -\n  \
        hubgw render -f values.yaml -o json | hubgw validate -\n  \
        hubgw validate hand-written.yaml other.yaml --verbose\n  \
        hubgw validate --summary manifests/\n  \
        hubgw validate --format junit manifests/ > validate.xml\n  \
        hubgw render -f values.yaml | hubgw validate --gateway-api v1.4.1 --istio 1.28 -\n  \
        oc get crd -o yaml > cluster-crds.yaml && hubgw validate --crds cluster-crds.yaml hub.yaml"
    )]
    Validate(ValidateArgs),
    /// Render values and check the result against the hub's rules (HG001...).
    #[command(
        after_help = "Exit 0 when clean, 1 on errors (or warnings with --strict), 2 on usage errors.\n\n\
        Examples:\n  \
        hubgw lint -f values.yaml\n  \
        hubgw lint -f values.yaml --strict --format github\n  \
        hubgw lint --explain HG005"
    )]
    Lint(LintArgs),
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
    /// Print the effective values (defaults, files and flags merged) as YAML.
    #[command(after_help = "Examples:\n  \
        hubgw values -f values.yaml -f prod.yaml\n  \
        hubgw values -f values.yaml --set gateway.weights.east=80 --origin")]
    Values(ValuesCmdArgs),
    /// Print the JSON Schema of values files, for editors (yaml-language-server).
    #[command(after_help = "Examples:\n  \
        hubgw schema > hubgw.schema.json\n  \
        # then, first line of a values file:\n  \
        # yaml-language-server: $schema=./hubgw.schema.json")]
    Schema,
    /// Write a commented starter values file (to stdout, or -o FILE).
    #[command(after_help = "Examples:\n  \
        hubgw init -o hubgw.yaml && hubgw schema > hubgw.schema.json\n  \
        hubgw init > values.yaml")]
    Init(InitArgs),
    /// Compare two renders object by object (values files or manifest streams).
    #[command(
        after_help = "Each side is a values file (rendered with the built-in templates) or a\n\
        manifest stream (YAML documents or a JSON List): documents with apiVersion\n\
        and kind are manifests. `-` reads standard input (for one side).\n\n\
        With --base-ref REV, the -f/--set/-n stack is rendered twice: with each -f file\n\
        as it is at REV (git show REV:PATH, paths from the current directory) and as it\n\
        is in the working tree. A file that does not exist at REV (a new environment)\n\
        leaves the base side empty: every object is added.\n\n\
        Exit status: 0 same, 1 different, 2 trouble (like diff).\n\n\
        Examples:\n  \
        hubgw diff --base-ref origin/main -f hubgw.yaml -f envs/prod.yaml\n  \
        hubgw diff values.yaml values-next.yaml\n  \
        hubgw render -f values.yaml | hubgw diff deployed.yaml -"
    )]
    Diff(DiffArgs),
    /// Argo CD config management plugin commands (run by the repo-server sidecar).
    #[command(
        subcommand,
        after_help = "See argocd/plugin.yaml and docs/guide.md's Argo CD section.\n\n\
        Examples:\n  \
        cd apps/hub && hubgw argocd generate </dev/null\n  \
        cd apps/hub && hubgw argocd parameters"
    )]
    Argocd(ArgocdCommand),
    /// Print a shell completion script.
    #[command(after_help = "Examples:\n  \
        hubgw completions bash > /etc/bash_completion.d/hubgw\n  \
        hubgw completions zsh > \"${fpath[1]}/_hubgw\"\n  \
        hubgw completions fish > ~/.config/fish/completions/hubgw.fish")]
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per command into a directory.
    #[command(after_help = "Examples:\n  \
        hubgw man | man -l -\n  \
        hubgw man --out-dir /usr/local/share/man/man1")]
    Man(ManArgs),
}

#[derive(Subcommand)]
enum ArgocdCommand {
    /// Print the app's manifests (the CMP `generate` command).
    #[command(
        after_help = "Runs in the Application's source directory: renders hubgw.yaml, then the\n\
        files of ARGOCD_ENV_HUBGW_VALUES and of the `valueFiles` parameter, then\n\
        ARGOCD_APP_NAMESPACE as the namespace, then the `set` parameter\n\
        (ARGOCD_APP_PARAMETERS). Lint warnings go to stderr. Never reads standard\n\
        input or files outside the repository checkout (found from\n\
        ARGOCD_APP_SOURCE_PATH, or a `.git` folder).\n\n\
        Examples:\n  \
        cd apps/hub && hubgw argocd generate\n  \
        ARGOCD_APP_PARAMETERS='[{\"name\":\"set\",\"map\":{\"gateway.weights.east\":\"80\"}}]' hubgw argocd generate"
    )]
    Generate,
    /// Print the parameter announcement (the CMP `parameters.dynamic` command).
    #[command(after_help = "Examples:\n  \
        cd apps/hub && hubgw argocd parameters")]
    Parameters,
}

// Helm-style values flags, shared by every command that renders. A plain
// comment: clap takes a flattened struct's doc comment as the `about` of the
// command that flattens it, hiding that command's own first line.
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
    /// Set JSON values: `a=[{"x":1}]`, `a=1,b={"c":"d"}` (repeatable; applied
    /// before --set).
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    set_json: Vec<String>,
    /// Namespace of every object (overrides the `namespace` value).
    #[arg(short = 'n', long = "namespace", value_name = "NAMESPACE")]
    namespace: Option<String>,
}

impl ValuesArgs {
    /// A render of these values with `templates` (`--templates DIR`).
    fn request(&self, templates: &Option<String>, skip_validation: bool) -> RenderRequest {
        RenderRequest {
            values: self.input(),
            templates: templates
                .clone()
                .map_or(TemplateSource::Embedded, TemplateSource::Dir),
            skip_validation,
        }
    }

    fn input(&self) -> ValuesInput {
        ValuesInput {
            files: self.files.clone(),
            set_json: self.set_json.clone(),
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
    /// Output format: a YAML stream, or one JSON `v1` `List`.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Yaml)]
    output: OutputFormat,
    /// Write one file per object (NN-kind-name.yaml, in apply order) into DIR.
    #[arg(long = "output-dir", value_name = "DIR")]
    output_dir: Option<String>,
    /// Only print this object (repeatable).
    #[arg(long = "show-only", value_name = "KIND/NAME")]
    show_only: Vec<String>,
    /// Do not validate or lint the rendered objects.
    #[arg(long = "no-validate")]
    no_validate: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiagnosticsFormat {
    /// For people: colour on a terminal (not with NO_COLOR), values snippets.
    Human,
    /// One JSON document (schema in docs/output-formats.md).
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

/// `validate --format`: lint's formats and kubeconform's JUnit and TAP.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ValidateFormat {
    /// For people: colour on a terminal (not with NO_COLOR), values snippets.
    Human,
    /// One JSON document (schema in docs/output-formats.md).
    Json,
    /// GitHub Actions workflow annotations.
    Github,
    /// JUnit XML: a test suite per file, a test case per object.
    Junit,
    /// TAP version 13: a test point per object, then the plan `1..N`.
    Tap,
}

impl From<ValidateFormat> for ReportFormat {
    fn from(f: ValidateFormat) -> Self {
        match f {
            ValidateFormat::Human => ReportFormat::Human,
            ValidateFormat::Json => ReportFormat::Json,
            ValidateFormat::Github => ReportFormat::Github,
            ValidateFormat::Junit => ReportFormat::Junit,
            ValidateFormat::Tap => ReportFormat::Tap,
        }
    }
}

impl From<DiagnosticsFormat> for ReportFormat {
    fn from(f: DiagnosticsFormat) -> Self {
        match f {
            DiagnosticsFormat::Human => ReportFormat::Human,
            DiagnosticsFormat::Json => ReportFormat::Json,
            DiagnosticsFormat::Github => ReportFormat::Github,
        }
    }
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

#[derive(Args)]
struct ValidateArgs {
    /// Manifest files or folders (walked for *.yaml, *.yml, *.json, hidden
    /// folders skipped, in sorted order); `-` (or none) reads standard input.
    #[arg(value_name = "PATH")]
    files: Vec<String>,
    /// Skip objects of kinds hubgw has no schema for, instead of failing them.
    #[arg(long = "allow-unknown-kinds")]
    allow_unknown_kinds: bool,
    /// Also list the CEL rules that could not be evaluated, and why.
    #[arg(short = 'v', long = "verbose")]
    verbose: bool,
    /// Also print kubeconform's summary line on stderr (human format only, as
    /// kubeconform's `-summary`): `Summary: N resources found in M files - Valid: ..`.
    #[arg(long = "summary")]
    summary: bool,
    /// Print problems as one line each (default), as lint does, or as
    /// kubeconform does (JUnit XML, TAP).
    #[arg(long = "format", value_enum)]
    format: Option<ValidateFormat>,
    /// Treat warnings as errors.
    #[arg(long = "strict")]
    strict: bool,
    /// Gateway API CRD bundle to validate against (v1.2.1, v1.3.0, v1.4.1, v1.6.1).
    #[arg(long = "gateway-api", value_name = "VERSION", default_value = "v1.2.1")]
    gateway_api: String,
    /// Istio minor whose CRDs to validate against (1.24, 1.26, 1.27, 1.28, 1.30).
    #[arg(long = "istio", value_name = "VERSION", default_value = "1.24")]
    istio: String,
    /// A cluster's CRDs: a file, a folder of files, or `oc get crd -o yaml` output
    /// (repeatable). Kinds they do not define use the embedded CRDs.
    #[arg(long = "crds", value_name = "PATH")]
    crds: Vec<String>,
}

#[derive(Args)]
struct LintArgs {
    #[command(flatten)]
    values: ValuesArgs,
    /// Render your own copy of the templates instead of the built-in ones.
    #[arg(long = "templates", value_name = "DIR")]
    templates: Option<String>,
    #[arg(long = "format", value_enum, default_value_t = DiagnosticsFormat::Human)]
    format: DiagnosticsFormat,
    /// Treat warnings as errors.
    #[arg(long = "strict")]
    strict: bool,
    /// Print the long explanation of a rule (e.g. HG005) and exit.
    #[arg(long = "explain", value_name = "RULE")]
    explain: Option<String>,
    /// List every rule and exit.
    #[arg(long = "list-rules")]
    list_rules: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Yaml,
    Json,
}

#[derive(Args)]
struct ValuesCmdArgs {
    #[command(flatten)]
    values: ValuesArgs,
    /// End each value's line with where it was set (file:line, flag or default).
    #[arg(long = "origin")]
    origin: bool,
}

#[derive(Args)]
struct InitArgs {
    /// Write to FILE instead of standard output (never overwrites).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<String>,
}

// The headline again: the flattened values flags would lend theirs.
#[derive(Args)]
#[command(about = "Compare two renders object by object (values files or manifest streams)")]
struct DiffArgs {
    /// The old render: a values file or a manifest stream (`-`: stdin).
    #[arg(required_unless_present = "base_ref", conflicts_with = "base_ref")]
    old: Option<String>,
    /// The new render: a values file or a manifest stream (`-`: stdin).
    #[arg(required_unless_present = "base_ref", conflicts_with = "base_ref")]
    new: Option<String>,
    /// Render the -f/--set values at this git revision and in the working tree, and compare.
    #[arg(long = "base-ref", value_name = "REV")]
    base_ref: Option<String>,
    #[command(flatten)]
    values: ValuesArgs,
}

#[derive(Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

#[derive(Args)]
struct ManArgs {
    /// Write hubgw.1 and one page per command (hubgw-render.1, ...) into DIR.
    #[arg(long = "out-dir", value_name = "DIR")]
    out_dir: Option<String>,
}

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => ExitCode::from(run(&cli)),
        Err(err) => ExitCode::from(usage_failure(&err)),
    }
}

/// A command line clap refused: clap's text on stderr as always and, when
/// the line asked `lint` or `validate` for `--format json|github`, the same
/// error in that form on stdout. Help and `--version` exit as clap does.
fn usage_failure(err: &clap::Error) -> u8 {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        err.exit();
    }
    let _ = err.print();
    // Lossy: clap also refuses arguments that are not UTF-8.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if let Some(format) = requested_format(&args) {
        let text = err.render().to_string();
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let message = lines.next().unwrap_or("invalid arguments");
        let mut error = Error::usage(message.strip_prefix("error: ").unwrap_or(message));
        if let Some(tip) = text.lines().find_map(|l| l.trim().strip_prefix("tip: ")) {
            error = error.hint(tip);
        }
        let _ = write_stdout(&failure_report(&error, format));
    }
    2
}

/// The diagnostics format a command line that clap refused asked for:
/// `lint`/`validate` with `--format json|github` (or `--format=...`), and
/// `validate`'s `junit|tap`.
fn requested_format(args: &[String]) -> Option<ReportFormat> {
    let command = args.iter().find(|a| !a.starts_with('-'))?;
    if command != "lint" && command != "validate" {
        return None;
    }
    let value = args
        .iter()
        .enumerate()
        .find_map(|(i, a)| match a.strip_prefix("--format") {
            Some("") => args.get(i + 1).map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        })?;
    match value {
        "json" => Some(ReportFormat::Json),
        "github" => Some(ReportFormat::Github),
        "junit" if command == "validate" => Some(ReportFormat::Junit),
        "tap" if command == "validate" => Some(ReportFormat::Tap),
        _ => None,
    }
}

/// Whether descriptor 1 was closed when the process started (`>&-`). std's
/// start-up then opens /dev/null on it, where output would vanish without an
/// error; `.init_array` functions run before that.
#[cfg(target_os = "linux")]
mod closed_stdout {
    use std::sync::atomic::{AtomicBool, Ordering};

    static CLOSED: AtomicBool = AtomicBool::new(false);

    extern "C" fn check() {
        // SAFETY: reads a descriptor's flags; nothing is changed.
        let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
        CLOSED.store(closed, Ordering::Relaxed);
    }

    #[used]
    #[unsafe(link_section = ".init_array")]
    static CHECK: extern "C" fn() = check;

    pub fn at_start() -> bool {
        CLOSED.load(Ordering::Relaxed)
    }
}

#[cfg(not(target_os = "linux"))]
mod closed_stdout {
    pub fn at_start() -> bool {
        false
    }
}

/// The command's exit code: 0 success, 1 bad input, 2 usage.
fn run(cli: &Cli) -> u8 {
    let result = match &cli.command {
        Command::Validate(args) => {
            return finish(
                validate(args),
                args.format.map_or(ReportFormat::Human, Into::into),
            )
        }
        Command::Lint(args) => return finish(lint(args), args.format.into()),
        Command::Render(args) => render(args),
        Command::Graph(args) => graph(args),
        Command::Values(args) => values(args),
        Command::Schema => write_stdout(&hubgw::schema::json_schema()),
        Command::Init(args) => match &args.output {
            Some(path) => hubgw::schema::write_starter(path),
            None => write_stdout(hubgw::schema::STARTER),
        },
        Command::Diff(args) => return diff(args),
        Command::Argocd(cmd) => argocd(cmd),
        Command::Completions(args) => {
            let mut out = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "hubgw", &mut out);
            write_stdout(&String::from_utf8_lossy(&out))
        }
        Command::Man(args) => man(args),
    };
    match result {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("{err}");
            err.exit_code()
        }
    }
}

fn render(args: &RenderArgs) -> Result<(), Error> {
    let req = args.values.request(&args.templates, args.no_validate);
    let opts = OutputOptions {
        format: match args.output {
            OutputFormat::Yaml => Format::Yaml,
            OutputFormat::Json => Format::Json,
        },
        show_only: args.show_only.clone(),
        output_dir: args.output_dir.clone(),
    };
    let (text, warnings) = hubgw::render_output(&req, &opts, &mut std::io::stdin().lock())?;
    // Without warnings there is nothing to print, nor a terminal to ask about.
    if !warnings.is_empty() {
        eprint!(
            "{}",
            report(
                &warnings,
                0,
                ReportFormat::Human,
                color_on(&std::io::stderr())
            )
        );
    }
    write_stdout(&text)
}

fn graph(args: &GraphArgs) -> Result<(), Error> {
    let req = GraphRequest {
        values: args.values.input(),
        inputs: args.inputs.clone(),
        format: match args.format {
            FormatArg::Mermaid => hubgw::graph::Format::Mermaid,
            FormatArg::Dot => hubgw::graph::Format::Dot,
        },
    };
    let text = hubgw::graph::graph(&req, &mut std::io::stdin().lock())?;
    write_stdout(&text)
}

/// Exit code of a checking command: Ok(true) clean, Ok(false) problems. An
/// error goes to stderr as text and, in a machine `format`, to stdout as well.
fn finish(result: Result<bool, Error>, format: ReportFormat) -> u8 {
    match result {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(err) => {
            eprintln!("{err}");
            // A failed write leaves the exit code of the error itself.
            let _ = write_stdout(&failure_report(&err, format));
            err.exit_code()
        }
    }
}

/// Colour only on a terminal, and never with NO_COLOR set (no-color.org).
fn color_on(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The CRDs `--gateway-api`, `--istio` and `--crds` ask for.
fn validate_crds(args: &ValidateArgs) -> Result<Crds, Error> {
    use hubgw::target::{supported_gateway_api, supported_istio, GatewayApi, Istio};
    let gateway_api = GatewayApi::parse(&args.gateway_api).ok_or_else(|| {
        Error::usage(format!(
            "unsupported Gateway API version `{}` for --gateway-api",
            args.gateway_api
        ))
        .hint(format!(
            "the supported bundles are {}",
            supported_gateway_api()
        ))
    })?;
    let istio = Istio::parse(&args.istio).ok_or_else(|| {
        Error::usage(format!(
            "unsupported Istio version `{}` for --istio",
            args.istio
        ))
        .hint(format!("the supported minors are {}", supported_istio()))
    })?;
    if args.crds.is_empty() {
        return Ok(Crds::Target(gateway_api, istio));
    }
    let cluster = hubgw::crd_schema::CrdRegistry::from_crd_files(&args.crds).map_err(|e| {
        Error::input(format!("CRD file `{}`: {}", e.file, e.message)).hint(
            "--crds takes CustomResourceDefinition files, folders of them, or `oc get crd -o yaml` output",
        )
    })?;
    Ok(Crds::Cluster(
        std::sync::Arc::new(cluster),
        gateway_api,
        istio,
    ))
}

fn validate(args: &ValidateArgs) -> Result<bool, Error> {
    let crds = validate_crds(args)?;
    let (manifests, sources) =
        hubgw::read_streams_located(&args.files, &mut std::io::stdin().lock())?;
    let outcome = hubgw::check::check_stream(
        &manifests,
        &hubgw::check::StreamCheckOptions {
            validate: ValidateOptions {
                allow_unknown_kinds: args.allow_unknown_kinds,
                crds,
            },
            format: args.format.map(Into::into),
            strict: args.strict,
            verbose: args.verbose,
            summary: args.summary,
            color: color_on(&std::io::stdout()),
            sources,
        },
    );
    write_stdout(&outcome.report)?;
    eprint!("{}", outcome.notes);
    Ok(outcome.clean)
}

fn lint(args: &LintArgs) -> Result<bool, Error> {
    if args.list_rules {
        write_stdout(&hubgw::lint::rules_markdown())?;
        return Ok(true);
    }
    if let Some(id) = &args.explain {
        let rule = hubgw::lint::rule(id).ok_or_else(|| {
            let known: Vec<&str> = hubgw::lint::RULES.iter().map(|r| r.id).collect();
            Error::usage(format!("no lint rule `{id}`"))
                .hint(format!("the rules are {}", known.join(", ")))
        })?;
        write_stdout(&hubgw::lint::explain(rule))?;
        return Ok(true);
    }
    // Lint reports every problem instead of stopping at the first error.
    let req = args.values.request(&args.templates, true);
    let (objects, mut diagnostics) = hubgw::lint_render(&req, &mut std::io::stdin().lock())?;
    let clean = hubgw::diagnostic::apply_strict(&mut diagnostics, args.strict);
    write_stdout(&report(
        &diagnostics,
        objects,
        args.format.into(),
        color_on(&std::io::stdout()),
    ))?;
    if args.format == DiagnosticsFormat::Human {
        eprintln!("{}", summarize(objects, &diagnostics).line());
    }
    Ok(clean)
}

fn values(args: &ValuesCmdArgs) -> Result<(), Error> {
    let loaded = hubgw::values::load(&args.values.input(), &mut std::io::stdin().lock())?;
    write_stdout(&hubgw::values::show::to_yaml(&loaded, args.origin))
}

/// `diff`'s exit codes are diff's: 0 same, 1 different, 2 any trouble.
fn diff(args: &DiffArgs) -> u8 {
    let stdin = &mut std::io::stdin().lock();
    let v = &args.values;
    let report = match (&args.base_ref, &args.old, &args.new) {
        (Some(rev), _, _) => {
            hubgw::diff::diff_base_ref(rev, &v.input(), stdin).map(|d| {
                if let Some(note) = d.note {
                    eprintln!("{note}");
                }
                d.report
            })
        }
        // Values flags without --base-ref would be ignored: refuse them.
        _ if !v.files.is_empty()
            || !v.set.is_empty()
            || !v.set_string.is_empty()
            || !v.set_json.is_empty()
            || v.namespace.is_some() =>
        {
            Err(Error::usage("-f, --set, --set-string, --set-json and -n need --base-ref")
                .hint("hubgw diff OLD NEW compares two files as they are; hubgw diff --base-ref origin/main -f hubgw.yaml compares a values stack with its version at a revision"))
        }
        (None, Some(old), Some(new)) => hubgw::diff::diff_files(old, new, stdin),
        _ => Err(Error::usage("diff needs OLD and NEW, or --base-ref")
            .hint("hubgw diff OLD NEW, or hubgw diff --base-ref origin/main -f hubgw.yaml")),
    };
    let result = report.and_then(|report| write_stdout(&report).map(|()| report.is_empty()));
    match result {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(err) => {
            eprintln!("{err}");
            2
        }
    }
}

fn argocd(cmd: &ArgocdCommand) -> Result<(), Error> {
    let dir = std::env::current_dir()
        .map_err(|e| Error::input(format!("cannot read the current directory: {e}")))?;
    match cmd {
        ArgocdCommand::Generate => {
            let out = hubgw::argocd::generate(&dir, &hubgw::argocd::CmpEnv::from_env())?;
            // stderr reaches the sidecar's log (and Argo CD's error on failure).
            for note in &out.notes {
                eprintln!("{note}");
            }
            if !out.warnings.is_empty() {
                eprint!("{}", report(&out.warnings, 0, ReportFormat::Human, false));
            }
            write_stdout(&out.manifests)
        }
        ArgocdCommand::Parameters => write_stdout(&hubgw::argocd::parameters(
            &dir,
            &hubgw::argocd::CmpEnv::from_env(),
        )),
    }
}

fn man(args: &ManArgs) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::input(format!("cannot write the man page: {e}"));
    match &args.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(io)?;
            clap_mangen::generate_to(Cli::command(), dir).map_err(io)
        }
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(io)?;
            write_stdout(&String::from_utf8_lossy(&out))
        }
    }
}

/// Writes all output at once; a closed pipe (`| head`) is not an error, any
/// other failure (a full disk, a closed descriptor) is.
fn write_stdout(text: &str) -> Result<(), Error> {
    if text.is_empty() {
        return Ok(());
    }
    let result = if closed_stdout::at_start() {
        Err(std::io::Error::from_raw_os_error(libc::EBADF))
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    };
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::input(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}
