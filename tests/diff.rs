//! `hubgw diff`: values files and manifest streams, exit codes like diff's.

mod common;
use common::*;

const NEXT: &str = "clusterDomain: apps.hub.example.com
clusters:
  east:
    domain: apps.east.example.com
  north:
    domain: apps.north.example.com
gateway:
  weights:
    east: 80
    north: 20
";

#[test]
fn values_files_snapshot() {
    let next = TempFile::new("next.yaml", NEXT);
    let r = hubgw_run(&["diff", "values/examples/east-west.yaml", next.arg()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    snapshot!("diff-values-files", r.stdout);
}

#[test]
fn stream_against_json_list_from_stdin() {
    let old = hubgw_run(&["render", "-f", "values/examples/east-west.yaml"]);
    let old = TempFile::new("deployed.yaml", &old.stdout);
    let new = hubgw_run(&[
        "render",
        "-f",
        "values/examples/east-west.yaml",
        "--set",
        "gateway.weights.east=80,gateway.weights.west=20",
        "-o",
        "json",
    ]);
    let r = run(hubgw()
        .args(["diff", old.arg(), "-"])
        .write_stdin(new.stdout));
    assert_eq!(r.code, 1, "{}", r.stderr);
    snapshot!("diff-weights", r.stdout);
}

#[test]
fn equal_renders_exit_zero_silently() {
    let rendered = hubgw_run(&["render", "-f", "values/examples/chart-compat.yaml"]);
    let stream = TempFile::new("compat.yaml", &rendered.stdout);
    for (a, b) in [
        (
            "values/examples/east-west.yaml",
            "values/examples/chart-compat.yaml",
        ),
        ("values/examples/east-west.yaml", stream.arg()),
    ] {
        let r = hubgw_run(&["diff", a, b]);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (0, "", ""),
            "{a} {b}"
        );
    }
}

#[test]
fn trouble_exits_two() {
    let missing = fails(&["diff", "values/examples/east-west.yaml", "nope.yaml"], 2);
    let bad = fails(
        &[
            "diff",
            "tests/fixtures/values/unknown-key.yaml",
            "values/examples/east-west.yaml",
        ],
        2,
    );
    let usage = fails(&["diff", "values/examples/east-west.yaml"], 2);
    assert!(usage.contains("<NEW>"), "{usage}");
    snapshot!("diff-errors", format!("{missing}\n{bad}"));
}

/// A scratch git repository holding `hubgw.yaml` and `envs/prod.yaml`, committed.
struct GitRepo {
    dir: tempfile::TempDir,
}

const SHARED: &str = "gateway:\n  weights:\n    east: 50\n    west: 50\n";
const PROD: &str = "clusterDomain: apps.hub.example.com
clusters:
  east:
    domain: apps.east.example.com
  west:
    domain: apps.west.example.com
";

impl GitRepo {
    fn new() -> Self {
        let repo = GitRepo {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "hubgw test"]);
        repo.git(&["config", "user.email", "test@example.com"]);
        repo.write("hubgw.yaml", SHARED);
        repo.write("envs/prod.yaml", PROD);
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "base"]);
        repo
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn git(&self, args: &[&str]) {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }

    /// hubgw run in `sub` (a folder of the repository).
    fn hubgw(&self, sub: &str, args: &[&str]) -> Run {
        run(hubgw().current_dir(self.dir.path().join(sub)).args(args))
    }

    /// `hubgw diff --base-ref main -f hubgw.yaml -f <env>` at the root.
    fn diff_main(&self, env: &str) -> Run {
        let args = ["diff", "--base-ref", "main", "-f", "hubgw.yaml", "-f", env];
        self.hubgw("", &args)
    }
}

#[test]
fn base_ref_shows_an_env_only_change() {
    let repo = GitRepo::new();
    repo.write("envs/prod.yaml", &PROD.replace("apps.west", "apps.south"));
    let r = repo.diff_main("envs/prod.yaml");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert!(
        r.stdout.contains(
            "DestinationRule/cb-industrial-edge-west: spec.host: \
             \"industrial-edge.apps.west.example.com\" -> \"industrial-edge.apps.south.example.com\""
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .ends_with("4 objects changed, 1 added, 1 removed\n"),
        "{}",
        r.stdout
    );
    // Today's form with the same stack in one file per side cannot see it.
    assert!(!r.stdout.contains("weight"), "{}", r.stdout);
}

#[test]
fn base_ref_without_change_prints_nothing() {
    let repo = GitRepo::new();
    // Same values, written differently: nothing renders differently.
    repo.write("envs/prod.yaml", &format!("# prod\n{PROD}"));
    let r = repo.diff_main("envs/prod.yaml");
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
}

#[test]
fn base_ref_paths_are_relative_to_the_current_directory_and_flags_apply_to_both_sides() {
    let repo = GitRepo::new();
    repo.write(
        "hubgw.yaml",
        &SHARED
            .replace("east: 50", "east: 80")
            .replace("west: 50", "west: 20"),
    );
    let abs = repo.dir.path().join("envs/prod.yaml");
    let args = [
        "diff",
        "--base-ref",
        "HEAD",
        "-f",
        "../hubgw.yaml",
        "-f",
        abs.to_str().unwrap(),
    ];
    let r = repo.hubgw("envs", &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "HTTPRoute/industrial-edge-lb: spec.rules[1].backendRefs[0].weight: 50 -> 80\n\
         HTTPRoute/industrial-edge-lb: spec.rules[1].backendRefs[1].weight: 50 -> 20\n\
         1 object changed, 0 added, 0 removed\n"
    );
    // --set applies on both sides, so it hides the change it overrides.
    let mut same = args.to_vec();
    same.extend([
        "--set",
        "gateway.weights.east=1",
        "--set",
        "gateway.weights.west=1",
    ]);
    let r = repo.hubgw("envs", &same);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
}

#[test]
fn base_ref_new_environment_is_all_additions() {
    let repo = GitRepo::new();
    repo.write("envs/stage.yaml", PROD);
    let r = repo.diff_main("envs/stage.yaml");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "note: `main:envs/stage.yaml` does not exist, so nothing is rendered at main: every object is added\n"
    );
    assert!(
        r.stdout.contains("+ HTTPRoute/industrial-edge-lb (added)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.ends_with(" added, 0 removed\n") && r.stdout.starts_with("+ "),
        "{}",
        r.stdout
    );
}

#[test]
fn base_ref_errors() {
    let repo = GitRepo::new();
    let check = |dir: &std::path::Path, args: &[&str], wants: &[&str]| {
        let r = run(hubgw().current_dir(dir).args(args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{args:?}");
        for want in wants {
            assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
        }
    };
    let root = repo.dir.path();
    check(
        root,
        &["diff", "--base-ref", "origin/nope", "-f", "hubgw.yaml"],
        &["unknown revision `origin/nope`", "help: fetch it first"],
    );
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("hubgw.yaml"), SHARED).unwrap();
    check(
        plain.path(),
        &["diff", "--base-ref", "main", "-f", "hubgw.yaml"],
        &[
            "--base-ref needs a git repository",
            "not a git repository",
            "hubgw diff OLD NEW",
        ],
    );
    check(
        root,
        &["diff", "--base-ref", "main", "-f", "../elsewhere.yaml"],
        &["`../elsewhere.yaml` is outside the git repository"],
    );
    check(
        root,
        &["diff", "--base-ref", "main", "-f", "-"],
        &["standard input"],
    );
    check(
        root,
        &["diff", "--base-ref", "main"],
        &["needs the values files to compare (-f)"],
    );
    check(
        root,
        &["diff", "--base-ref=-x", "-f", "hubgw.yaml"],
        &["not a git revision"],
    );
    check(
        root,
        &["diff", "--base-ref", "main", "-f", "envs"],
        &["`main:envs`: it is not a file"],
    );
    check(
        root,
        &["diff", "--base-ref", "main", "a.yaml", "b.yaml"],
        &["cannot be used with"],
    );
    check(
        root,
        &["diff", "-f", "hubgw.yaml", "a.yaml", "b.yaml"],
        &["-f, --set, --set-string, --set-json and -n need --base-ref"],
    );
    // A link at the base revision is not followed (git show would print its target).
    std::os::unix::fs::symlink("prod.yaml", root.join("envs/link.yaml")).unwrap();
    repo.git(&["add", "envs/link.yaml"]);
    repo.git(&["commit", "-q", "-m", "link"]);
    check(
        root,
        &["diff", "--base-ref", "main", "-f", "envs/link.yaml"],
        &["`main:envs/link.yaml`: it is a symbolic link at main"],
    );
    // A base that no longer renders is named as REV:PATH.
    repo.write("hubgw.yaml", "gateway: [\n");
    repo.git(&["commit", "-q", "-am", "broken"]);
    repo.write("hubgw.yaml", SHARED);
    check(
        root,
        &[
            "diff",
            "--base-ref",
            "HEAD",
            "-f",
            "hubgw.yaml",
            "-f",
            "envs/prod.yaml",
        ],
        &["HEAD:hubgw.yaml"],
    );
    // Too large at the base revision: the values size limit holds there too.
    repo.write("big.yaml", &format!("# {}\n", "x".repeat(300 << 10)));
    repo.git(&["add", "big.yaml"]);
    repo.git(&["commit", "-q", "-m", "big"]);
    check(
        root,
        &["diff", "--base-ref", "HEAD", "-f", "big.yaml"],
        &["`HEAD:big.yaml`", "too large", "the limit is 256 KiB"],
    );
}

/// `-o json` (one `v1` List) and the YAML stream of the same render are the
/// same objects: diff unwraps Lists as `validate` does, typed `*List`s too.
#[test]
fn a_json_list_and_the_yaml_stream_of_one_render_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let ew = example("east-west.yaml");
    let yaml = hubgw_run(&["render", "-f", &ew]).stdout;
    let json = hubgw_run(&["render", "-f", &ew, "-o", "json"]).stdout;
    let (y, j) = (dir.path().join("a.yaml"), dir.path().join("b.json"));
    std::fs::write(&y, &yaml).unwrap();
    std::fs::write(&j, &json).unwrap();
    let same = hubgw_run(&["diff", y.to_str().unwrap(), j.to_str().unwrap()]);
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
    assert!(same.stdout.is_empty(), "{}", same.stdout);

    // A typed list of one Service: the item takes its kind from the list.
    let typed = dir.path().join("c.yaml");
    std::fs::write(
        &typed,
        "apiVersion: v1\nkind: ServiceList\nitems:\n- apiVersion: v1\n  metadata:\n    name: extra\n    namespace: hub-gateway-system\n  spec:\n    type: ClusterIP\n",
    )
    .unwrap();
    let added = hubgw_run(&["diff", y.to_str().unwrap(), typed.to_str().unwrap()]);
    assert_eq!(added.code, 1, "{}{}", added.stdout, added.stderr);
    assert!(added.stdout.contains("Service"), "{}", added.stdout);
    assert!(added.stdout.contains("extra"), "{}", added.stdout);
}
