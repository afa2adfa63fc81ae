//! The `hubgw` binary: parses arguments, calls the library, and maps errors
//! to exit codes (0 success, 1 bad input, 2 usage).

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use hubgw::output::{Format, OutputOptions};
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
        cat values.yaml | hubgw render -f - -n my-hub\n  \
        hubgw render -f values.yaml -o json > hub.json\n  \
        hubgw render -f values.yaml --output-dir manifests/\n  \
        hubgw render -f values.yaml --show-only HTTPRoute/industrial-edge")]
    Render(RenderArgs),
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
        Exit status: 0 same, 1 different, 2 trouble (like diff).\n\n\
        Examples:\n  \
        hubgw diff values.yaml values-next.yaml\n  \
        hubgw render -f values.yaml | hubgw diff deployed.yaml -\n  \
        git show main:hubgw.yaml > /tmp/old.yaml && hubgw diff /tmp/old.yaml hubgw.yaml"
    )]
    Diff(DiffArgs),
    /// Argo CD config management plugin commands (run by the repo-server sidecar).
    #[command(
        subcommand,
        after_help = "See argocd/plugin.yaml and the README's Argo CD section.\n\n\
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
        files of ARGOCD_ENV_HUBGW_VALUES and of the `valueFiles` parameter, then the\n\
        `set` parameter (ARGOCD_APP_PARAMETERS). ARGOCD_APP_NAMESPACE is the default\n\
        namespace. Never reads standard input or files outside the directory.\n\n\
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
    /// Output format: a YAML stream, or one JSON `v1` `List`.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Yaml)]
    output: OutputFormat,
    /// Write one file per object (NN-kind-name.yaml, in apply order) into DIR.
    #[arg(long = "output-dir", value_name = "DIR")]
    output_dir: Option<String>,
    /// Only print this object (repeatable).
    #[arg(long = "show-only", value_name = "KIND/NAME")]
    show_only: Vec<String>,
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

#[derive(Args)]
struct DiffArgs {
    /// The old render: a values file or a manifest stream (`-`: stdin).
    old: String,
    /// The new render: a values file or a manifest stream (`-`: stdin).
    new: String,
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
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Render(args) => render(args),
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
    let opts = OutputOptions {
        format: match args.output {
            OutputFormat::Yaml => Format::Yaml,
            OutputFormat::Json => Format::Json,
        },
        show_only: args.show_only.clone(),
        output_dir: args.output_dir.clone(),
    };
    let text = hubgw::render_output(&req, &opts, &mut std::io::stdin().lock())?;
    write_stdout(&text)
}

fn values(args: &ValuesCmdArgs) -> Result<(), Error> {
    let loaded = hubgw::values::load(&args.values.input(), &mut std::io::stdin().lock())?;
    write_stdout(&hubgw::values::show::to_yaml(&loaded, args.origin))
}

/// `diff`'s exit codes are diff's: 0 same, 1 different, 2 any trouble.
fn diff(args: &DiffArgs) -> ExitCode {
    let result = hubgw::diff::diff_files(&args.old, &args.new, &mut std::io::stdin().lock())
        .and_then(|report| write_stdout(&report).map(|()| report.is_empty()));
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(2)
        }
    }
}

fn argocd(cmd: &ArgocdCommand) -> Result<(), Error> {
    let dir = std::env::current_dir()
        .map_err(|e| Error::input(format!("cannot read the current directory: {e}")))?;
    match cmd {
        ArgocdCommand::Generate => write_stdout(&hubgw::argocd::generate(
            &dir,
            &hubgw::argocd::CmpEnv::from_env(),
        )?),
        ArgocdCommand::Parameters => write_stdout(&hubgw::argocd::parameters(&dir)),
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
