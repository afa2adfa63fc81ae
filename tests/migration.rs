//! Migrating from the hub-gateway chart: the chart's values give every
//! object the chart rendered the same identity (kind, namespace, name), and
//! the commands of docs/migrating-from-the-chart.md run as written.

mod common;
use common::*;

use std::collections::BTreeSet;

/// The domains the chart's values file leaves empty, given as the chart's
/// stream was made (tests/fixtures/chart/README.md).
const DOMAINS: &str = "clusterDomain=apps.hub.example.com,clusters.east.domain=apps.east.example.com,clusters.west.domain=apps.west.example.com";

/// Chart objects with no counterpart of the same name, and why.
const NOT_KEPT: &[(&str, &str, &str)] = &[
    (
        "DestinationRule",
        "cb-industrial-edge-east-front",
        DEAD_RULE,
    ),
    (
        "DestinationRule",
        "cb-industrial-edge-west-front",
        DEAD_RULE,
    ),
    ("DestinationRule", "cb-industrial-edge-east-api", DEAD_RULE),
    ("DestinationRule", "cb-industrial-edge-west-api", DEAD_RULE),
];

/// Istio 1.21 made ExternalName Services aliases of their target
/// (releasenotes/notes/external-name-on.yaml, istio/istio 1.21.0): a rule
/// whose host is the Service applies to nothing. hubgw's working rule is
/// `cb-industrial-edge-<spoke>`, on the spoke host.
const DEAD_RULE: &str = "its host is an ExternalName Service, which Istio 1.21 and later ignore";

type Identity = (String, String, String);

fn identities(stream: &str) -> BTreeSet<Identity> {
    docs(stream)
        .iter()
        .map(|d| {
            let s = |v: &serde_yaml::Value| v.as_str().unwrap_or("").to_string();
            (
                s(&d["kind"]),
                s(&d["metadata"]["namespace"]),
                s(&d["metadata"]["name"]),
            )
        })
        .collect()
}

fn chart_stream() -> String {
    std::fs::read_to_string(repo("tests/fixtures/chart/helm-template.yaml")).unwrap()
}

fn render_chart_values() -> String {
    let r = hubgw_run(&[
        "render",
        "-f",
        "tests/fixtures/chart/values.yaml",
        "--set",
        DOMAINS,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn the_chart_values_keep_every_identity_the_chart_rendered() {
    let chart = identities(&chart_stream());
    assert_eq!(chart.len(), 12, "{chart:#?}");
    let hubgw = identities(&render_chart_values());
    let missing: Vec<&Identity> = chart
        .iter()
        .filter(|(kind, _, name)| !NOT_KEPT.iter().any(|(k, n, _)| k == kind && n == name))
        .filter(|id| !hubgw.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "chart objects hubgw renames: {missing:#?}"
    );
    for (kind, name, why) in NOT_KEPT {
        let chart_has = chart.iter().any(|(k, _, n)| k == kind && n == name);
        let hubgw_has = hubgw.iter().any(|(k, _, n)| k == kind && n == name);
        assert!(chart_has && !hubgw_has, "{kind}/{name} ({why})");
    }
    // The working rules that replace them, and the additions.
    for name in [
        "cb-industrial-edge-east",
        "cb-industrial-edge-west",
        "hub-gateway-system-waypoint",
        "industrial-edge.apps.east.example.com",
        "industrial-edge.apps.west.example.com",
    ] {
        assert!(
            hubgw.iter().any(|(_, _, n)| n == name),
            "{name}: {hubgw:#?}"
        );
    }
    assert_eq!(hubgw.len(), chart.len() - NOT_KEPT.len() + 5);
}

#[test]
fn the_chart_compat_example_is_the_chart_values_with_domains() {
    let r = hubgw_run(&["render", "-f", &example("chart-compat.yaml")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, render_chart_values());
}

#[test]
fn diff_reads_the_chart_stream_and_names_what_changes() {
    let r = hubgw_run(&[
        "diff",
        "tests/fixtures/chart/helm-template.yaml",
        &example("chart-compat.yaml"),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with(['+', '-']))
        .collect();
    assert_eq!(
        lines,
        [
            "+ Gateway/hub-gateway-system-waypoint (added)",
            "+ ServiceEntry/industrial-edge.apps.east.example.com (added)",
            "+ ServiceEntry/industrial-edge.apps.west.example.com (added)",
            "+ DestinationRule/cb-industrial-edge-east (added)",
            "+ DestinationRule/cb-industrial-edge-west (added)",
            "- DestinationRule/cb-industrial-edge-east-front (removed)",
            "- DestinationRule/cb-industrial-edge-west-front (removed)",
            "- DestinationRule/cb-industrial-edge-east-api (removed)",
            "- DestinationRule/cb-industrial-edge-west-api (removed)",
        ],
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("HTTPRoute/industrial-edge-lb: spec.rules[0].backendRefs[0].port: 8080 -> 80"));
}

/// The fenced blocks of a Markdown file: (language, body, the text between
/// this block and the next).
fn fenced_blocks(markdown: &str) -> Vec<(String, String, String)> {
    let mut blocks = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("\n```") {
        let after = &rest[start + 4..];
        let Some(eol) = after.find('\n') else { break };
        let lang = after[..eol].trim().to_string();
        let body_start = &after[eol + 1..];
        let end = body_start.find("```").expect("closed block");
        let body = body_start[..end].to_string();
        rest = &body_start[end + 3..];
        let gap = rest.find("\n```").map_or(rest, |i| &rest[..i]).to_string();
        blocks.push((lang, body, gap));
    }
    blocks
}

#[test]
fn the_guide_commands_run_as_written() {
    let guide = std::fs::read_to_string(repo("docs/migrating-from-the-chart.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The user's repository: the release's values. `helm template` is a
    // stand-in that checks its arguments and prints the chart's stream.
    std::fs::copy(example("chart-compat.yaml"), dir.path().join("hubgw.yaml")).unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let helm = bin.join("helm");
    std::fs::write(
        &helm,
        format!(
            "#!/bin/sh\n[ \"$*\" = 'template hub-gateway charts/all/hub-gateway -f hubgw.yaml' ] || {{ echo \"helm stand-in: unexpected arguments: $*\" >&2; exit 2; }}\ncat '{}'\n",
            repo("tests/fixtures/chart/helm-template.yaml").display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&helm, std::fs::Permissions::from_mode(0o755)).unwrap();
    let hubgw_dir = std::path::Path::new(assert_cmd::cargo::cargo_bin!("hubgw"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        hubgw_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let blocks = fenced_blocks(&guide);
    let mut ran = 0;
    for (i, (lang, body, gap)) in blocks.iter().enumerate() {
        if lang != "sh" {
            continue;
        }
        if body.starts_with("# on the cluster") {
            continue;
        }
        let words: Vec<&str> = body.split_whitespace().collect();
        for (j, w) in words.iter().enumerate() {
            let prev = if j == 0 { "" } else { words[j - 1] };
            let next = words.get(j + 1).copied().unwrap_or("");
            let cluster = (["oc", "kubectl", "argocd"].contains(w) && prev != "hubgw")
                || (*w == "helm" && next != "template");
            assert!(
                !cluster,
                "a block without `# on the cluster` runs `{w} {next}`:\n{body}"
            );
        }
        let out = std::process::Command::new("bash")
            .args(["-e", "-c", body])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            out.status.success(),
            "{body}\nexit {:?}\n{stdout}{stderr}",
            out.status
        );
        // A ```text block right after the commands is their output.
        if let Some((next_lang, expected, _)) = blocks.get(i + 1) {
            if next_lang == "text" && gap.trim().is_empty() {
                assert_eq!(stdout, *expected, "the output of:\n{body}");
            }
        }
        ran += 1;
    }
    assert_eq!(ran, 4, "the guide's commands that need no cluster");
}

#[test]
fn a_bad_route_name_points_into_the_values_file() {
    let values = TempFile::new(
        "route-name.yaml",
        "clusterDomain: apps.hub.example.com\nclusters:\n  east:\n    domain: apps.east.example.com\napp:\n  routeName: Industrial_Edge\n",
    );
    let err = fails(&["render", "-f", values.arg()], 1);
    assert!(
        err.contains("`app.routeName` is not a valid object name (\"Industrial_Edge\")"),
        "{err}"
    );
    assert!(err.contains("route-name.yaml:6:"), "{err}");
}
