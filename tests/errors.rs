//! Bad input: each case exits non-zero, leaves stdout empty, and says which
//! file, line and column, which key, what was expected, and a hint.

mod common;
use common::*;

const BASE: &str = "tests/fixtures/values/base.yaml";

fn fixture(name: &str) -> String {
    format!("tests/fixtures/values/{name}")
}

/// Renders BASE plus one bad fixture and returns stderr.
fn render_error(name: &str) -> String {
    fails(&["render", "-f", BASE, "-f", &fixture(name)], 1)
}

#[test]
fn unknown_key_names_file_line_column_and_suggests() {
    let err = render_error("unknown-key.yaml");
    assert_eq!(
        err,
        "error: unknown key `maxConection` in `gateway.circuitBreaking.connectionPool.tcp`\n \
         --> tests/fixtures/values/unknown-key.yaml:5:9\n  |\n5 |         maxConection: 50\n  |         ^^^^^^^^^^^^\n  \
         = help: did you mean `maxConnections`?\n"
    );
}

#[test]
fn unknown_top_level_key_suggests() {
    let err = fails(&["render", "-f", BASE, "--set", "gatway.name=x"], 1);
    assert!(
        err.contains("unknown key `gatway` at the top level"),
        "{err}"
    );
    assert!(err.contains("did you mean `gateway`?"), "{err}");
}

#[test]
fn wrong_type_says_what_was_expected() {
    let err = render_error("wrong-type.yaml");
    assert!(
        err.starts_with(
            "error: `gateway.weights.east` must be an integer, found string \"fifty\"\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("--> tests/fixtures/values/wrong-type.yaml:3:5"),
        "{err}"
    );
}

#[test]
fn negative_weight() {
    let err = render_error("negative-weight.yaml");
    assert!(
        err.contains("`gateway.weights.east` must be an integer from 0 to 1000000, found -10"),
        "{err}"
    );
    assert!(err.contains("negative-weight.yaml:3:5"), "{err}");
}

#[test]
fn weight_over_one_million() {
    let err = render_error("weight-too-big.yaml");
    assert!(
        err.contains("must be an integer from 0 to 1000000, found 1000001"),
        "{err}"
    );
}

#[test]
fn all_zero_weights_in_either_rule() {
    let err = render_error("all-zero.yaml");
    assert!(
        err.contains("every weight in `gateway.weights` is 0 for the enabled spokes"),
        "{err}"
    );
    assert!(err.contains("all-zero.yaml:2:3"), "{err}");
    let err = render_error("all-zero-api.yaml");
    assert!(
        err.contains("every weight in `gateway.apiWeights` is 0"),
        "{err}"
    );
}

#[test]
fn no_domain_at_all() {
    let err = fails(&["render", "-f", &fixture("no-domain.yaml")], 1);
    assert_eq!(
        err,
        "error: no hub apps domain is set: clusterDomain, deployer.domain, global.localClusterDomain and global.hubClusterDomain are all empty\n  \
         = help: set the hub cluster's apps domain, for example `--set clusterDomain=apps.hub.example.com`\n"
    );
}

#[test]
fn missing_file() {
    let err = fails(&["render", "-f", "does-not-exist.yaml"], 1);
    assert_eq!(
        err,
        "error: cannot read values file `does-not-exist.yaml`: No such file or directory\n  \
         = help: check the path; it is relative to the current directory\n"
    );
}

#[test]
fn directory_as_values_file() {
    let err = fails(&["render", "-f", "values"], 1);
    assert!(
        err.contains("cannot read values file `values`: it is a directory"),
        "{err}"
    );
}

#[test]
fn malformed_yaml_points_at_the_line() {
    let err = render_error("malformed.yaml");
    assert!(
        err.starts_with("error: invalid YAML in `tests/fixtures/values/malformed.yaml`"),
        "{err}"
    );
    assert!(err.contains("malformed.yaml:4:"), "{err}");
}

#[test]
fn tabs_are_explained() {
    let err = render_error("tabs.yaml");
    assert!(err.contains("invalid YAML"), "{err}");
    assert!(err.contains("tabs.yaml:2:"), "{err}");
    assert!(err.contains("spaces, not tabs"), "{err}");
}

#[test]
fn duplicate_keys_are_an_error() {
    let err = render_error("duplicate-key.yaml");
    assert!(err.contains("duplicate entry with key \"east\""), "{err}");
    assert!(err.contains("remove one of them"), "{err}");
}

#[test]
fn a_list_is_not_a_values_file() {
    let err = render_error("not-a-map.yaml");
    assert!(err.contains("must be a map of keys, found a list"), "{err}");
}

#[test]
fn injected_key_is_rejected() {
    let err = render_error("inject-key.yaml");
    assert!(err.contains("`clusters.east.domain` is not a valid DNS name (\"x\\n  evil: true\"): it contains a line break at position 2"), "{err}");
    assert!(err.contains("inject-key.yaml:3:5"), "{err}");
}

#[test]
fn injected_document_is_rejected() {
    let err = render_error("inject-document.yaml");
    assert!(
        err.contains("is not a valid DNS name (\"a\\n---\\nkind: Secret\")"),
        "{err}"
    );
    let err = fails(
        &[
            "render",
            "-f",
            BASE,
            "--set-string",
            "app.host=a\n---\nkind: Secret",
        ],
        1,
    );
    assert!(err.contains("`app.host` is not a valid DNS name"), "{err}");
}

#[test]
fn weight_for_an_unknown_spoke_suggests_the_right_one() {
    let err = render_error("unknown-spoke.yaml");
    assert!(
        err.contains("`gateway.weights.wset` names a spoke that is not in `clusters`"),
        "{err}"
    );
    assert!(err.contains("did you mean `west`?"), "{err}");
    assert!(err.contains("unknown-spoke.yaml:4:5"), "{err}");
}

#[test]
fn partial_weights_name_the_missing_spoke() {
    let err = render_error("missing-weight.yaml");
    assert!(
        err.contains("`gateway.weights` gives no weight for the enabled spoke `west`"),
        "{err}"
    );
    assert!(err.contains("missing-weight.yaml:2:3"), "{err}");
}

#[test]
fn bad_enum_lists_the_choices() {
    let err = render_error("bad-enum.yaml");
    assert!(
        err.contains("must be one of DEFAULT, DO_NOT_UPGRADE, UPGRADE, found `SOMETIMES`"),
        "{err}"
    );
}

#[test]
fn bad_duration_and_percent() {
    let err = render_error("bad-duration.yaml");
    assert!(
        err.contains(
            "`gateway.circuitBreaking.outlierDetection.interval` must be a duration like 10s"
        ),
        "{err}"
    );
    let err = render_error("percent-too-big.yaml");
    assert!(err.contains("must be from 0 to 100, found 150"), "{err}");
}

#[test]
fn names_must_be_dns_labels() {
    let err = render_error("bad-app-name.yaml");
    assert!(
        err.contains(
            "the application name `Industrial_Edge` is not valid: it contains the uppercase letter `I`"
        ),
        "{err}"
    );
    let err = render_error("bad-spoke-name.yaml");
    assert!(err.contains("the spoke name `East` is not valid"), "{err}");
}

#[test]
fn seventeen_spokes_is_too_many() {
    let err = fails(
        &[
            "render",
            "--set",
            "clusterDomain=hub.example",
            "-f",
            &fixture("seventeen-spokes.yaml"),
        ],
        1,
    );
    assert!(
        err.contains("17 spokes are enabled; at most 16 are allowed"),
        "{err}"
    );
    assert!(err.contains("seventeen-spokes.yaml:34:3"), "{err}");
}

#[test]
fn set_syntax_errors_are_usage_errors() {
    for (expr, message) in [
        ("a..b=1", "empty key"),
        ("gateway.weights.east", "has no value"),
        ("a[x]=1", "index"),
        ("a={x,y", "}"),
    ] {
        let err = fails(&["render", "-f", BASE, "--set", expr], 2);
        assert!(err.contains(&format!("invalid --set \"{expr}\"")), "{err}");
        assert!(err.contains(message), "{expr}: {err}");
        assert!(err.contains("--> --set:1:"), "{err}");
    }
}

#[test]
fn stdin_can_be_read_once() {
    let err = fails(&["render", "-f", "-", "-f", "-"], 2);
    assert!(
        err.contains("standard input (`-f -`) can be read only once"),
        "{err}"
    );
}

#[test]
fn unknown_flag_is_a_usage_error() {
    fails(&["render", "--values-file", "x"], 2);
}

#[test]
fn error_messages_snapshot() {
    // Every message above, exactly as a user reads it.
    let mut all = String::new();
    let mut names: Vec<_> = std::fs::read_dir(repo("tests/fixtures/values"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "base.yaml")
        .collect();
    names.sort();
    for name in names {
        let path = fixture(&name);
        // These two stand alone: BASE would set the domain or the spokes.
        let args: Vec<&str> = match name.as_str() {
            "no-domain.yaml" => vec!["render", "-f", &path],
            "seventeen-spokes.yaml" => {
                vec!["render", "--set", "clusterDomain=hub.example", "-f", &path]
            }
            _ => vec!["render", "-f", BASE, "-f", &path],
        };
        let r = hubgw_run(&args);
        assert_eq!(r.stdout, "", "{name}");
        all.push_str(&format!("## {name} (exit {})\n{}\n", r.code, r.stderr));
    }
    snapshot!("errors-values", all);
}

#[test]
fn null_for_a_spoke_that_does_not_exist_suggests_the_right_one() {
    let err = fails(&["render", "-f", BASE, "--set", "clusters.wset=null"], 1);
    assert!(
        err.starts_with("error: cannot remove `clusters.wset`: `clusters` has no entry `wset`\n"),
        "{err}"
    );
    assert!(err.contains("--> --set:1:1"), "{err}");
    assert!(err.contains("= help: did you mean `west`?"), "{err}");
    // Deleting inside an entry that is not there is as much of a no-op.
    let err = fails(
        &["render", "-f", BASE, "--set", "clusters.wset.domain=null"],
        1,
    );
    assert!(
        err.contains("cannot remove `clusters.wset.domain`: `clusters` has no entry `wset`"),
        "{err}"
    );
}

#[test]
fn null_for_an_existing_spoke_still_removes_it() {
    let r = hubgw_run(&["render", "-f", BASE, "--set", "clusters.west=null"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("west"), "{}", r.stdout);
    assert!(r.stdout.contains("east"), "{}", r.stdout);
}

#[test]
fn null_for_an_app_that_does_not_exist_lists_the_apps() {
    let err = fails(&["render", "-f", BASE, "--set", "apps.nope=null"], 1);
    assert!(
        err.contains("cannot remove `apps.nope`: `apps` has no entry `nope`"),
        "{err}"
    );
    assert!(err.contains("= help: `apps` is empty"), "{err}");
    let err = fails(&["render", "-f", BASE, "--set", "labels.tema=null"], 1);
    assert!(err.contains("= help: `labels` is empty"), "{err}");
}

#[test]
fn null_for_an_unknown_key_in_a_file_is_an_unknown_key() {
    let file = TempFile::new("gatway-null.yaml", "gatway:\n");
    let err = fails(&["render", "-f", BASE, "-f", file.arg()], 1);
    assert!(
        err.starts_with("error: unknown key `gatway` at the top level\n"),
        "{err}"
    );
    assert!(err.contains(&format!("--> {}:1:1", file.arg())), "{err}");
    assert!(err.contains("= help: did you mean `gateway`?"), "{err}");

    let file = TempFile::new("gatway-key.yaml", "? gatway\n");
    let err = fails(&["render", "-f", BASE, "-f", file.arg()], 1);
    assert!(
        err.contains("unknown key `gatway` at the top level"),
        "{err}"
    );
    assert!(err.contains("did you mean `gateway`?"), "{err}");

    let file = TempFile::new("listener-null.yaml", "gateway:\n  listener:\n    nme: ~\n");
    let err = fails(&["render", "-f", BASE, "-f", file.arg()], 1);
    assert!(
        err.contains("unknown key `nme` in `gateway.listener`"),
        "{err}"
    );
    assert!(err.contains(&format!("--> {}:3:5", file.arg())), "{err}");
    assert!(err.contains("did you mean `name`?"), "{err}");

    let err = fails(&["render", "-f", BASE, "--set", "gatway.name=null"], 1);
    assert!(
        err.contains("unknown key `gatway` at the top level"),
        "{err}"
    );
    assert!(err.contains("--> --set:1:1"), "{err}");
}

#[test]
fn null_in_a_file_for_a_spoke_it_does_not_have() {
    let file = TempFile::new("wset-null.yaml", "clusters:\n  wset: null\n");
    let err = fails(&["render", "-f", BASE, "-f", file.arg()], 1);
    assert!(
        err.contains("cannot remove `clusters.wset`: `clusters` has no entry `wset`"),
        "{err}"
    );
    assert!(err.contains(&format!("--> {}:2:3", file.arg())), "{err}");
    assert!(err.contains("did you mean `west`?"), "{err}");
}

#[test]
fn null_may_remove_what_an_earlier_source_added() {
    let file = TempFile::new("north.yaml", "clusters:\n  north:\n    domain: n.example\n");
    let r = hubgw_run(&[
        "render",
        "-f",
        BASE,
        "-f",
        file.arg(),
        "--set",
        "clusters.north=null",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("north"), "{}", r.stdout);
    // Known keys that happen to be absent may be nulled too.
    let r = hubgw_run(&[
        "render",
        "-f",
        BASE,
        "--set",
        "gateway.circuitBreaking.connectionPool.tcp.connectTimeout=null",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn null_under_global_is_still_accepted() {
    let file = TempFile::new("global-null.yaml", "global:\n  whatever: null\n  other:\n");
    let r = hubgw_run(&[
        "render",
        "-f",
        BASE,
        "-f",
        file.arg(),
        "--set",
        "global.whatever=null,global.deep.key=null",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A typo of one of ours is not.
    let err = fails(
        &[
            "render",
            "-f",
            BASE,
            "--set",
            "global.hubClusterDomian=null",
        ],
        1,
    );
    assert!(
        err.contains("unknown key `hubClusterDomian` in `global`"),
        "{err}"
    );
    assert!(err.contains("did you mean `hubClusterDomain`?"), "{err}");
}

#[test]
fn a_byte_order_mark_and_a_trailing_document_marker_are_read_as_nothing() {
    let plain = std::fs::read_to_string(BASE).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let marked = tmp.path().join("marked.yaml");
    std::fs::write(&marked, format!("\u{feff}{plain}---\n")).unwrap();
    let want = hubgw_run(&["render", "-f", BASE]);
    assert_eq!(want.code, 0, "{}", want.stderr);
    let got = hubgw_run(&["render", "-f", marked.to_str().unwrap()]);
    assert_eq!((got.code, got.stdout), (0, want.stdout), "{}", got.stderr);
}

#[test]
fn a_second_document_is_refused_at_its_marker() {
    let tmp = tempfile::tempdir().unwrap();
    let two = tmp.path().join("two.yaml");
    std::fs::write(
        &two,
        "# shared\nclusterDomain: apps.hub.example.com\n---\nnamespace: other\n",
    )
    .unwrap();
    let err = fails(&["render", "-f", BASE, "-f", two.to_str().unwrap()], 1);
    let shown = err.replace(two.to_str().unwrap(), "two.yaml");
    assert_eq!(
        shown,
        "error: values file `two.yaml` holds 2 YAML documents; a values file is one map\n \
         --> two.yaml:3:1\n  |\n3 | ---\n  | ^^^\n  = help: merge them into one map, or pass each as its own `-f` file (later files override earlier ones)\n"
    );
}

#[test]
fn a_key_that_is_not_a_string_is_located() {
    let err = fails(
        &[
            "render",
            "-f",
            BASE,
            "-f",
            "tests/fixtures/bad-input/boolean-key.yaml",
        ],
        1,
    );
    assert_eq!(
        err,
        "error: key `true` at the top level is a boolean, not a string\n \
         --> tests/fixtures/bad-input/boolean-key.yaml:2:1\n  |\n2 | true: x\n  | ^^^^\n  \
         = help: values keys are strings: quote it, as in `\"true\": ...`\n"
    );
}

#[test]
fn a_host_made_from_a_domain_points_at_the_domain() {
    let domain = format!("{}.example.c", vec!["a".repeat(58); 4].join("."));
    let set = format!("clusters.east.domain={domain}");
    let err = fails(&["render", "-f", BASE, "--set", &set], 1);
    assert!(
        err.starts_with("error: `clusters.east.host`, made from `clusters.east.domain`, is not a valid DNS name"),
        "{err}"
    );
    assert!(err.contains(" --> --set:1:1\n"), "{err}");
    assert!(
        err.contains(
            "help: shorten `clusters.east.domain`, or set `clusters.east.host` to a valid name"
        ),
        "{err}"
    );
}

#[test]
fn resources_must_be_quantities_the_api_server_reads() {
    let bad = TempFile::new(
        "bad-quantity.yaml",
        "gateway:\n  deployment:\n    resources:\n      limits:\n        cpu: lots\n",
    );
    let err = fails(&["render", "-f", BASE, "-f", bad.arg()], 1);
    assert!(
        err.contains("`gateway.deployment.resources.limits.cpu` must be a Kubernetes quantity like 500m or 128Mi, found \"lots\""),
        "{err}"
    );
    assert!(err.contains("bad-quantity.yaml:5:9"), "{err}");
    assert!(err.contains("help: a quantity is a number"), "{err}");
    // A newline or NUL inside a quantity, through --set and a quoted scalar.
    for value in ["\"1\\n\"", "\"1\\0\""] {
        let file = TempFile::new(
            "ctl-quantity.yaml",
            &format!("gateway:\n  deployment:\n    resources:\n      requests:\n        memory: {value}\n"),
        );
        let err = fails(&["render", "-f", BASE, "-f", file.arg()], 1);
        assert!(err.contains("resources.requests.memory"), "{err}");
        assert!(err.contains("control character"), "{err}");
    }
    let err = fails(
        &[
            "render",
            "-f",
            BASE,
            "--set",
            "gateway.deployment.resources.limits.memory=-1Gi",
        ],
        1,
    );
    assert!(err.contains("it is negative"), "{err}");
}

#[test]
fn requests_above_limits_are_refused() {
    let err = fails(
        &[
            "render",
            "-f",
            BASE,
            "--set",
            "gateway.deployment.resources.requests.cpu=2001m",
        ],
        1,
    );
    assert!(
        err.contains("`gateway.deployment.resources.requests.cpu` (2001m) is above `gateway.deployment.resources.limits.cpu` (2000m)"),
        "{err}"
    );
    assert!(err.contains("--set"), "{err}");
    // Equal in value, written differently: accepted.
    let equal = TempFile::new(
        "equal-requests.yaml",
        "gateway:\n  deployment:\n    resources:\n      requests:\n        cpu: \"2\"\n        memory: 1Gi\n",
    );
    let ok = hubgw_run(&["render", "-f", BASE, "-f", equal.arg()]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}

#[test]
fn control_characters_in_any_string_are_refused_where_they_are_set() {
    // Fields that reach the cluster only once a feature is on: refused all
    // the same, at their place in the file.
    let bad = TempFile::new(
        "ctl-string.yaml",
        "egress:\n  waypoint:\n    name: \"egress\\0waypoint\"\n",
    );
    let err = fails(&["render", "-f", BASE, "-f", bad.arg()], 1);
    assert!(
        err.contains("`egress.waypoint.name` holds the control character '\\0'"),
        "{err}"
    );
    assert!(err.contains("ctl-string.yaml:3:5"), "{err}");
    let err = fails(
        &[
            "render",
            "-f",
            BASE,
            "--set-string",
            "monitoring.podMonitor.interval=30s\n",
        ],
        1,
    );
    assert!(
        err.contains("`monitoring.podMonitor.interval` holds the control character '\\n'"),
        "{err}"
    );
}
