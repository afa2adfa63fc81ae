//! The everyday commands around the CLI itself: completions, the man page,
//! and an example in every command's --help.

mod common;
use common::*;

/// Subcommand names from `hubgw --help` (and `hubgw <cmd> --help` for groups).
fn commands(prefix: &[&str]) -> Vec<Vec<String>> {
    let help = hubgw_run(&[prefix, &["--help"]].concat()).stdout;
    let mut out = Vec::new();
    let section = help.split("Commands:\n").nth(1).unwrap_or("");
    for line in section.lines().take_while(|l| l.starts_with("  ")) {
        let name = line.split_whitespace().next().unwrap();
        if name == "help" {
            continue;
        }
        let mut path: Vec<String> = prefix.iter().map(|s| s.to_string()).collect();
        path.push(name.to_string());
        let sub = hubgw_run(
            &[
                path.iter().map(String::as_str).collect::<Vec<_>>(),
                vec!["--help"],
            ]
            .concat(),
        );
        if sub.stdout.contains("Commands:\n") {
            let refs: Vec<&str> = path.iter().map(String::as_str).collect();
            out.extend(commands(&refs));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn every_command_help_has_an_example() {
    let all = commands(&[]);
    assert!(
        all.contains(&vec!["argocd".to_string(), "generate".to_string()]),
        "{all:?}"
    );
    for path in all {
        let args: Vec<&str> = path.iter().map(String::as_str).chain(["--help"]).collect();
        let r = hubgw_run(&args);
        assert_eq!(r.code, 0);
        assert!(
            r.stdout.contains("Examples:\n  hubgw ") || r.stdout.contains("Examples:\n  cd "),
            "`hubgw {}` has no example in --help",
            path.join(" ")
        );
    }
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = hubgw_run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(
            r.stdout.contains("hubgw") && r.stdout.contains("show-only"),
            "{shell}"
        );
    }
    snapshot!(
        "completions-help",
        hubgw_run(&["completions", "--help"]).stdout
    );
    let err = fails(&["completions", "tcsh"], 2);
    assert!(err.contains("possible values: bash"), "{err}");
}

#[test]
fn man_page() {
    let r = hubgw_run(&["man"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(".ie \\n(.g .ds Aq \\(aq") || r.stdout.contains(".TH hubgw 1"),
        "{}",
        &r.stdout[..200]
    );
    assert!(r.stdout.contains(".TH hubgw 1"));
    assert!(r.stdout.contains("render"));

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man1");
    let r = hubgw_run(&["man", "--out-dir", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for page in [
        "hubgw.1",
        "hubgw-render.1",
        "hubgw-argocd-generate.1",
        "hubgw-diff.1",
    ] {
        let text = std::fs::read_to_string(dir.join(page)).unwrap_or_else(|_| panic!("{page}"));
        assert!(text.contains(".TH"), "{page}");
    }
    let diff = std::fs::read_to_string(dir.join("hubgw-diff.1")).unwrap();
    snapshot!("man-hubgw-diff", diff);
    let render = std::fs::read_to_string(dir.join("hubgw-render.1")).unwrap();
    assert!(render.contains("show\\-only"), "options are documented");
}

/// `hubgw render -f east-west.yaml ARGS` as a plain process, with `setup`
/// run in the child before it starts hubgw.
fn render_with(
    args: &[&str],
    setup: fn() -> std::io::Result<()>,
    stdout: std::process::Stdio,
) -> std::process::ExitStatus {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("hubgw"));
    cmd.current_dir(repo(""))
        .args(["render", "-f", "values/examples/east-west.yaml"])
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(stdout)
        .stderr(std::process::Stdio::null());
    // SAFETY: `setup` only makes system calls, as pre_exec requires.
    unsafe { cmd.pre_exec(setup) };
    cmd.status().expect("hubgw runs")
}

/// The files of `dir`, by name.
fn files_of(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let text = std::fs::read_to_string(e.path()).unwrap();
            (e.file_name().to_string_lossy().into_owned(), text)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_closed_standard_output_is_not_taken_by_a_file() {
    // With descriptor 1 closed, the first file a process opens would get it,
    // and anything printed while that file is open would land in the
    // manifest. The files are the same as with stdout open; the `wrote ...`
    // lines cannot be printed, which is an error (exit 1, as `>&-` is).
    let tmp = tempfile::tempdir().unwrap();
    let (open_dir, closed_dir) = (tmp.path().join("open"), tmp.path().join("closed"));
    let open = render_with(
        &["--output-dir", open_dir.to_str().unwrap()],
        || Ok(()),
        std::process::Stdio::null(),
    );
    assert_eq!(open.code(), Some(0), "{open:?}");
    let closed = render_with(
        &["--output-dir", closed_dir.to_str().unwrap()],
        close_stdout,
        std::process::Stdio::inherit(),
    );
    assert_eq!(closed.code(), Some(1), "{closed:?}");
    let written = files_of(&open_dir);
    assert_eq!(written.len(), 13);
    assert_eq!(files_of(&closed_dir), written);
}

/// `>&-`: closes descriptor 1 of the child about to exec.
fn close_stdout() -> std::io::Result<()> {
    // SAFETY: closes a descriptor of the child; nothing else holds it.
    unsafe { libc::close(1) };
    Ok(())
}

/// Exit code and standard error of `hubgw render -f east-west.yaml` writing
/// to `stdout`, with `setup` run in the child first.
fn render_into(
    stdout: std::process::Stdio,
    setup: fn() -> std::io::Result<()>,
) -> (Option<i32>, String) {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("hubgw"));
    cmd.current_dir(repo(""))
        .args(["render", "-f", "values/examples/east-west.yaml"])
        .stdin(std::process::Stdio::null())
        .stdout(stdout)
        .stderr(std::process::Stdio::piped());
    // SAFETY: `setup` only makes system calls, as pre_exec requires.
    unsafe { cmd.pre_exec(setup) };
    let out = cmd.output().expect("hubgw runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_write_error_on_standard_output_is_an_error() {
    // `hubgw render >/dev/full`: the disk is full.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let (code, stderr) = render_into(full.into(), || Ok(()));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output: No space left on device"),
        "{stderr}"
    );
    // `hubgw render >&-`: no standard output at all.
    let (code, stderr) = render_into(std::process::Stdio::null(), close_stdout);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output: Bad file descriptor"),
        "{stderr}"
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_render_quietly() {
    // `hubgw render | head -1`: the write fails with EPIPE and hubgw exits 0,
    // rather than dying of SIGPIPE (the child starts with the default action,
    // not the test harness's ignored one).
    let mut fds = [0; 2];
    // SAFETY: pipe fills the two descriptors of `fds`.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: closes the read end this test owns; no reader is left.
    unsafe { libc::close(fds[0]) };
    // SAFETY: the write end is an open descriptor this test owns.
    let write_end =
        unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fds[1]) };
    let status = render_with(
        &[],
        || {
            // SAFETY: restores the default action of a signal in the child.
            unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
            Ok(())
        },
        write_end.into(),
    );
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn help_and_man_pages_open_with_the_commands_own_line() {
    let firsts = [
        (
            "render",
            "Print the hub gateway's manifests as one YAML stream, in apply order",
        ),
        (
            "lint",
            "Render values and check the result against the hub's rules (HG001...)",
        ),
        (
            "graph",
            "Draw where the traffic goes (Mermaid or Graphviz DOT), or how a change moves it",
        ),
        (
            "values",
            "Print the effective values (defaults, files and flags merged) as YAML",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let r = hubgw_run(&["man", "--out-dir", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (cmd, first) in firsts {
        let r = hubgw_run(&[cmd, "--help"]);
        assert_eq!(r.stdout.lines().next(), Some(first), "{cmd} --help");
        let page = std::fs::read_to_string(dir.path().join(format!("hubgw-{cmd}.1"))).unwrap();
        assert!(!page.contains("Helm\\-style"), "hubgw-{cmd}.1");
        let name_line = page
            .lines()
            .skip_while(|l| !l.starts_with(".SH NAME"))
            .nth(1)
            .unwrap();
        assert!(
            name_line.starts_with(&format!("hubgw\\-{cmd} \\- ")),
            "{name_line}"
        );
        assert!(
            name_line.contains(&first[..12].replace('-', "\\-")),
            "{name_line}"
        );
    }
}
