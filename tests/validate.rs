//! `hubgw validate` end to end: rendered examples and hand-written manifests
//! validate clean; each broken manifest of the corpus fails with its message.

mod common;
use common::*;

#[test]
fn every_rendered_example_validates_clean() {
    for name in all_examples() {
        let rendered = hubgw_run(&["render", "--no-validate", "-f", &example(&name)]);
        assert_eq!(rendered.code, 0, "{}", rendered.stderr);
        let r = run(hubgw()
            .args(["validate", "--verbose", "-"])
            .write_stdin(rendered.stdout));
        assert_eq!(r.code, 0, "{name}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stdout, "");
        assert!(r.stderr.ends_with(" objects, 0 errors\n"), "{}", r.stderr);
        // No CEL rule of a shipped example goes unevaluated.
        assert!(
            r.stderr.contains(" evaluated, 0 not evaluated,"),
            "{name}: {}",
            r.stderr
        );
    }
}

#[test]
fn east_west_summary_counts_objects() {
    let rendered = hubgw_run(&["render", "-f", &example("east-west.yaml")]);
    let r = run(hubgw().args(["validate"]).write_stdin(rendered.stdout));
    assert_eq!((r.code, r.stderr.as_str()), (0, "13 objects, 0 errors\n"));
}

#[test]
fn hand_written_httproutes_from_the_docs_validate_clean() {
    let r = hubgw_run(&[
        "validate",
        "tests/fixtures/valid/gateway-api-docs-httproute.yaml",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stderr, "2 objects, 0 errors\n");
}

/// The corpus: each file's first line says `# expect: <text>`, which must
/// appear in one of the problem lines for that file.
#[test]
fn every_broken_manifest_fails_with_its_message() {
    let dir = repo("tests/fixtures/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 25, "the corpus has {} cases", files.len());
    let mut all = String::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} lacks `# expect:`", path.display()));
        let rel = format!(
            "tests/fixtures/invalid/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let r = hubgw_run(&["validate", &rel]);
        assert_eq!(r.code, 1, "{rel} must fail:\n{}{}", r.stdout, r.stderr);
        assert!(
            r.stdout
                .lines()
                .any(|l| l.starts_with(&format!("{rel}:0 ")) && l.contains(expect)),
            "{rel}: expected a line containing {expect:?}, got:\n{}",
            r.stdout
        );
        assert!(r.stderr.contains("1 object, "), "{}", r.stderr);
        all.push_str(&r.stdout);
    }
    snapshot!("validate-corpus", all);
}

#[test]
fn several_files_and_stdin_together() {
    let good =
        std::fs::read_to_string(repo("tests/fixtures/valid/gateway-api-docs-httproute.yaml"))
            .unwrap();
    let r = run(hubgw()
        .args([
            "validate",
            "tests/fixtures/invalid/route-bad-termination.yaml",
            "-",
        ])
        .write_stdin(good));
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "tests/fixtures/invalid/route-bad-termination.yaml:0 Route/hub-gateway: spec.tls.termination: Unsupported value: \"edgy\": supported values: \"edge\", \"reencrypt\", \"passthrough\"\n"
    );
    assert_eq!(r.stderr, "3 objects, 1 error\n");
}

#[test]
fn unknown_kinds_can_be_skipped() {
    let r = hubgw_run(&[
        "validate",
        "--allow-unknown-kinds",
        "tests/fixtures/invalid/unknown-kind.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.stderr, "1 object, 0 errors, 1 of unknown kinds skipped\n");
}

#[test]
fn verbose_counts_cel_rules() {
    let rendered = hubgw_run(&["render", "-f", &example("east-west.yaml")]);
    let r = run(hubgw()
        .args(["validate", "--verbose", "-"])
        .write_stdin(rendered.stdout));
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("CEL rules: 152 evaluated, 0 not evaluated, 0 transition rules skipped"),
        "{}",
        r.stderr
    );
}

#[test]
fn malformed_stream_is_an_error_with_location() {
    let bad = TempFile::new("bad-stream.yaml", "apiVersion: v1\nkind: [\n");
    let err = fails(&["validate", bad.arg()], 1);
    assert!(err.contains("invalid YAML"), "{err}");
    assert!(err.contains("bad-stream.yaml:3:1"), "{err}");
}

#[test]
fn render_refuses_an_object_the_schema_rejects() {
    // The built-in templates only print checked values, so a user template
    // renders the invalid object.
    let dir = std::env::temp_dir().join(format!("hubgw-invalid-tmpl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("00-svc.yaml"),
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{ plan.gateways[0].meta.name }}\nspec:\n  type: ExternalName\n  externalName: bad_host\n",
    )
    .unwrap();
    let err = fails(
        &[
            "render",
            "-f",
            &example("east-west.yaml"),
            "--templates",
            dir.to_str().unwrap(),
        ],
        1,
    );
    assert!(err.starts_with("error: the rendered objects have 3 errors:\n  00-svc.yaml:0 Service/hub-gateway: spec.externalName: Invalid value: \"bad_host\""), "{err}");
    let r = hubgw_run(&[
        "render",
        "--no-validate",
        "-f",
        &example("east-west.yaml"),
        "--templates",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "--no-validate renders it anyway");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn crd_defaults_apply_before_the_typed_check() {
    // The Route CRD defaults spec.to.kind; the typed struct requires it.
    let r = hubgw_run(&[
        "validate",
        "tests/fixtures/valid/route-relying-on-defaults.yaml",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "", "1 object, 0 errors\n")
    );
}

/// A file `validate` cannot read is named as what it was meant to be: a manifest file.
#[test]
fn unreadable_streams_are_named_manifest_files() {
    let missing = fails(&["validate", "missing.yaml"], 1);
    assert_eq!(
        missing,
        "error: cannot read manifest file `missing.yaml`: No such file or directory\n  \
         = help: check the path; it is relative to the current directory\n"
    );
    let directory = fails(&["validate", "tests"], 1);
    assert!(
        directory.starts_with("error: cannot read manifest file `tests`: it is a directory\n"),
        "{directory}"
    );
    assert!(directory.contains("or - for standard input"), "{directory}");
}
