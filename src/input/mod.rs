//! Input: reading values files, manifest streams and standard input within
//! their size limits, as UTF-8 text. Every command reads through here;
//! nothing here knows what the text means (`crate::yaml` parses it).

pub mod git;

use std::io::Read;

use crate::error::{Error, Result};

/// One input of the merge, as read.
#[derive(Debug, Clone)]
pub struct ValuesSource {
    pub name: String,
    pub text: String,
}

/// Largest values file hubgw reads (each `-f` on its own). Values are
/// settings, not data: the chart's file is 3 KB and 500 applications of 4
/// spokes take about 150 KB. Parsing costs up to about 250 bytes of memory
/// per byte of YAML (a flow list of one-letter items), so this keeps any file
/// within 1 s and 100 MB before it is rejected or rendered.
pub const MAX_VALUES_BYTES: u64 = 256 << 10;
/// Largest manifest stream `hubgw validate` and `hubgw diff` read.
pub const MAX_STREAM_BYTES: u64 = 256 << 20;

/// What a command reads, for its size limit and its error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Values files (`-f`), at most [`MAX_VALUES_BYTES`] each.
    Values,
    /// Manifest streams (`hubgw validate`), at most [`MAX_STREAM_BYTES`] each.
    Manifests,
    /// A values file or a manifest stream (`hubgw diff`), at most [`MAX_STREAM_BYTES`].
    ValuesOrManifests,
}

impl InputKind {
    fn max_bytes(self) -> u64 {
        match self {
            InputKind::Values => MAX_VALUES_BYTES,
            InputKind::Manifests | InputKind::ValuesOrManifests => MAX_STREAM_BYTES,
        }
    }

    /// How an error names the file: "values file `x`", "manifest file `x`", "`x`".
    fn name(self, file: &str) -> String {
        match self {
            InputKind::Values => format!("values file `{file}`"),
            InputKind::Manifests => format!("manifest file `{file}`"),
            InputKind::ValuesOrManifests => format!("`{file}`"),
        }
    }

    fn directory_hint(self) -> &'static str {
        match self {
            InputKind::Values => {
                "pass a YAML file with -f, for example -f values/examples/east-west.yaml"
            }
            InputKind::Manifests => {
                "pass YAML files of Kubernetes objects, or - for standard input"
            }
            InputKind::ValuesOrManifests => {
                "pass a values file or a rendered stream (YAML), or - for standard input"
            }
        }
    }

    fn too_large_hint(self) -> &'static str {
        match self {
            InputKind::Values => {
                "values files hold settings, not data: is this the right file? A really large one can be split into several -f files"
            }
            InputKind::Manifests | InputKind::ValuesOrManifests => {
                "is this the right file? A larger stream can be split into several files"
            }
        }
    }

    fn text_hint(self) -> &'static str {
        match self {
            InputKind::Values => "values files are YAML text; is this the right file?",
            InputKind::Manifests | InputKind::ValuesOrManifests => {
                "manifests are YAML text; is this the right file?"
            }
        }
    }
}

/// Reads values files; `-` reads `stdin`, at most once.
pub fn read_files(files: &[String], stdin: &mut dyn Read) -> Result<Vec<ValuesSource>> {
    read_inputs(files, stdin, InputKind::Values)
}

/// Reads files (`-` is `stdin`, at most once), each within `kind`'s size limit.
pub fn read_inputs(
    files: &[String],
    stdin: &mut dyn Read,
    kind: InputKind,
) -> Result<Vec<ValuesSource>> {
    let max_bytes = kind.max_bytes();
    let mut out = Vec::new();
    let mut stdin_used = false;
    for file in files {
        if file == "-" {
            if stdin_used {
                return Err(Error::usage(
                    "standard input (`-f -`) can be read only once",
                ));
            }
            stdin_used = true;
            let bytes = read_limited(stdin, max_bytes, "standard input", 0).map_err(|e| {
                Error::input(format!("cannot read standard input: {}", io_reason(&e)))
                    .hint("input must be UTF-8 YAML text")
            })?;
            let text = utf8_text(bytes, "standard input", "input must be UTF-8 YAML text")?;
            out.push(ValuesSource {
                name: "<stdin>".into(),
                text,
            });
        } else {
            out.push(ValuesSource {
                name: file.clone(),
                text: read_text_file(file, kind)?,
            });
        }
    }
    Ok(out)
}

/// Reads at most `max` bytes; more is an `InvalidData` error that says so.
/// `expected`: the size the input says it has, so that it is read in one call.
fn read_limited(
    reader: &mut dyn Read,
    max: u64,
    what: &str,
    expected: u64,
) -> std::io::Result<Vec<u8>> {
    // One byte more than expected: the read that finds the end fits too.
    let mut bytes = Vec::with_capacity(usize::try_from(expected.min(max) + 1).unwrap_or(0));
    reader.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(what, None, max));
    }
    Ok(bytes)
}

fn too_large(what: &str, size: Option<u64>, max: u64) -> std::io::Error {
    let size = match size {
        Some(n) => human_size(n),
        None => format!("more than {}", human_size(max)),
    };
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "{what} is too large ({size}; the limit is {})",
            human_size(max)
        ),
    )
}

fn human_size(bytes: u64) -> String {
    if bytes < 1 << 20 {
        format!("{} KiB", bytes.div_ceil(1 << 10))
    } else {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    }
}

fn read_text_file(file: &str, kind: InputKind) -> Result<String> {
    read_text_at(std::path::Path::new(file), file, kind)
}

/// A values file at `path` (named `shown` in errors), within the size limit
/// of values files: the Argo CD plugin reads through here too.
pub fn read_values_at(path: &std::path::Path, shown: &str) -> Result<String> {
    read_text_at(path, shown, InputKind::Values)
}

fn read_text_at(path: &std::path::Path, file: &str, kind: InputKind) -> Result<String> {
    // Opened before anything is asked of the path: the open file says what
    // it is and how large, in one call after the open.
    let opened = std::fs::File::open(path).and_then(|f| Ok((f.metadata()?, f)));
    if matches!(&opened, Ok((meta, _)) if meta.is_dir()) {
        return Err(Error::input(format!(
            "cannot read {}: it is a directory",
            kind.name(file)
        ))
        .hint(kind.directory_hint()));
    }
    let max_bytes = kind.max_bytes();
    let read = |(meta, mut f): (std::fs::Metadata, std::fs::File)| -> std::io::Result<Vec<u8>> {
        // A regular file says its size up front; a pipe (`-f <(...)`) is read
        // up to the limit.
        let size = meta.len();
        if size > max_bytes {
            return Err(too_large("it", Some(size), max_bytes));
        }
        read_limited(&mut f, max_bytes, "it", size)
    };
    let bytes = opened.and_then(read).map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => {
                "check the path; it is relative to the current directory"
            }
            std::io::ErrorKind::PermissionDenied => "check the file's permissions",
            std::io::ErrorKind::InvalidData => kind.too_large_hint(),
            _ => "pass a readable YAML file",
        };
        Error::input(format!(
            "cannot read {}: {}",
            kind.name(file),
            io_reason(&e)
        ))
        .hint(hint)
    })?;
    utf8_text(bytes, &kind.name(file), kind.text_hint())
}

/// `bytes` as text, or an error naming `what` (`values file \`a.yaml\``)
/// and the offset of the first byte that is not UTF-8.
fn utf8_text(bytes: Vec<u8>, what: &str, hint: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        Error::input(format!(
            "cannot read {what}: it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
        .hint(hint)
    })
}

/// The OS reason without Rust's "(os error 2)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
