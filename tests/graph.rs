//! `hubgw graph` end to end: pictures of the shipped examples in both
//! formats, the change between two inputs, manifest streams, Graphviz
//! rendering the DOT, and errors.

mod common;
use common::*;

fn graph(args: &[&str]) -> String {
    let r = hubgw_run(&[&["graph"], args].concat());
    assert_eq!(r.code, 0, "graph {args:?} failed:\n{}", r.stderr);
    assert_eq!(r.stderr, "", "a clean graph prints nothing on stderr");
    r.stdout
}

fn fixture(name: &str) -> String {
    repo(&format!("tests/fixtures/graph/{name}"))
        .to_string_lossy()
        .into_owned()
}

#[test]
fn east_west_snapshots() {
    let values = example("east-west.yaml");
    snapshot!("graph-east-west-mermaid", graph(&["-f", &values]));
    snapshot!(
        "graph-east-west-dot",
        graph(&["-f", &values, "--format", "dot"])
    );
}

#[test]
fn three_spokes_snapshots() {
    let values = example("three-spokes.yaml");
    snapshot!("graph-three-spokes-mermaid", graph(&["-f", &values]));
    snapshot!(
        "graph-three-spokes-dot",
        graph(&["-f", &values, "--format", "dot"])
    );
}

#[test]
fn istio_api_snapshots() {
    // Istio API mode: an Istio Gateway and a VirtualService, circuit
    // breaking applied by the gateway's own proxy.
    let values = example("istio-api.yaml");
    let mermaid = graph(&["-f", &values]);
    assert!(
        mermaid.contains("VirtualService industrial-edge"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("enforced by the gateway's proxy"),
        "{mermaid}"
    );
    assert!(
        !mermaid.contains("Service hub-gateway<br/>"),
        "the gateway's own Service is not on the path"
    );
    snapshot!("graph-istio-api-mermaid", mermaid);
    snapshot!(
        "graph-istio-api-dot",
        graph(&["-f", &values, "--format", "dot"])
    );
}

#[test]
fn chart_compat_snapshots() {
    let values = example("chart-compat.yaml");
    snapshot!("graph-chart-compat-mermaid", graph(&["-f", &values]));
    snapshot!(
        "graph-chart-compat-dot",
        graph(&["-f", &values, "--format", "dot"])
    );
}

#[test]
fn weight_change_snapshots() {
    let (old, new) = (example("east-west.yaml"), fixture("east-west-80-20.yaml"));
    let mermaid = graph(&[&old, &new]);
    assert!(mermaid.contains(r#"-->|"50% -> 80%"|"#), "{mermaid}");
    assert!(mermaid.contains(r#"-->|"50% -> 20%"|"#), "{mermaid}");
    snapshot!("graph-change-80-20-mermaid", mermaid);
    snapshot!(
        "graph-change-80-20-dot",
        graph(&[&old, &new, "--format", "dot"])
    );
}

#[test]
fn a_spoke_turned_off_is_dimmed_and_its_backends_removed() {
    let off = TempFile::new(
        "graph-west-off.yaml",
        "clusters:\n  west:\n    domain: \"\"\n",
    );
    let base = example("east-west.yaml");
    let single = graph(&["-f", &base, "-f", off.arg()]);
    assert!(
        single.contains(r#"["spoke west<br/>off: no domain"]"#),
        "{single}"
    );
    assert!(single.contains(" ~~~ "), "placed beside the other spokes");

    // Positional values files sit on top of -f, one picture each side.
    let change = graph(&["-f", &base, &base, off.arg()]);
    assert!(change.contains(r#"-.->|"removed, was 50%"|"#), "{change}");
    assert!(change.contains(r#"-->|"50% -> 100%"|"#), "{change}");
    assert!(change.contains("  classDef removed "), "{change}");
}

#[test]
fn a_rendered_stream_draws_like_its_values() {
    let values = example("three-spokes.yaml");
    let rendered = run(hubgw().args(["render", "-f", &values]));
    assert_eq!(rendered.code, 0);
    let from_stream = run(hubgw()
        .args(["graph", "-"])
        .write_stdin(rendered.stdout.clone()));
    assert_eq!(from_stream.code, 0, "{}", from_stream.stderr);
    assert_eq!(from_stream.stdout, graph(&["-f", &values]));

    // A stream and a values file compare too (old cluster state vs new values).
    let file = TempFile::new("graph-rendered.yaml", &rendered.stdout);
    let change = graph(&[file.arg(), &values]);
    assert!(!change.contains(" -> "), "nothing moved:\n{change}");
    assert_eq!(
        change, from_stream.stdout,
        "an unchanged input draws as itself"
    );
}

#[test]
fn circuit_breaking_settings_are_on_the_spoke_hosts() {
    let out = graph(&[
        "-f",
        &example("east-west.yaml"),
        "--set",
        "gateway.circuitBreaking.outlierDetection.consecutive5xxErrors=5",
    ]);
    assert!(
        out.contains(
            "circuit breaking: maxConnections 100, 10 req/conn, 5xx x5 / 10s, eject 30s, max 100%"
        ),
        "{out}"
    );
    let off = graph(&[
        "-f",
        &example("east-west.yaml"),
        "--set",
        "gateway.circuitBreaking.enabled=false",
    ]);
    assert!(off.contains("<br/>no circuit breaking\"]"), "{off}");
}

#[test]
fn east_west_circuit_breaking_is_enforced_by_the_gateway_not_the_waypoint() {
    let out = graph(&["-f", &example("east-west.yaml")]);
    for spoke in ["east", "west"] {
        let line = format!(
            "[\"spoke {spoke}<br/>industrial-edge.apps.{spoke}.example.com<br/>HTTP :80<br/>circuit breaking: maxConnections 100, 10 req/conn, 5xx x3 / 10s, eject 30s, max 100%<br/>DestinationRule cb-industrial-edge-{spoke}<br/>enforced by the gateway's proxy (hub-gateway)\"]"
        );
        assert!(out.contains(&line), "{line}\n{out}");
    }
    // Ingress to the ExternalName Services does not cross the waypoint.
    assert!(!out.contains("subgraph"), "{out}");
    assert!(
        out.contains("[\"waypoint hub-gateway-system-waypoint<br/>in-mesh callers only<br/>not on the ingress path: gateways call no waypoint for ExternalName hosts\"]"),
        "{out}"
    );
    assert!(!out.contains("no effect"), "{out}");
}

#[test]
fn a_destination_rule_on_an_externalname_service_shows_no_effect() {
    let rendered = run(hubgw().args(["render", "-f", &example("east-west.yaml")]));
    assert_eq!(rendered.code, 0);
    let spoke_host = "  host: industrial-edge.apps.east.example.com\n";
    assert_eq!(
        rendered.stdout.matches(spoke_host).count(),
        1,
        "the east DestinationRule"
    );
    let on_alias = rendered.stdout.replace(
        spoke_host,
        "  host: industrial-edge-east-api.hub-gateway-system.svc.cluster.local\n",
    );
    let out = run(hubgw().args(["graph", "-"]).write_stdin(on_alias));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = out.stdout;
    assert!(
        out.contains("[\"Service industrial-edge-east-api<br/>ExternalName :80<br/>DestinationRule cb-industrial-edge-east targets an alias: no effect (Istio ≥ 1.21)\"]"),
        "{out}"
    );
    assert!(
        out.contains("[\"Service industrial-edge-east-front<br/>ExternalName :80\"]"),
        "{out}"
    );
    assert!(
        out.contains("[\"spoke east<br/>industrial-edge.apps.east.example.com<br/>HTTP :80<br/>no circuit breaking\"]"),
        "{out}"
    );
    assert!(out.contains("DestinationRule cb-industrial-edge-west<br/>enforced by the gateway's proxy (hub-gateway)"), "{out}");
}

#[test]
fn output_is_byte_identical_across_runs() {
    let args = [
        example("three-spokes.yaml"),
        fixture("east-west-80-20.yaml"),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = graph(&args);
    for _ in 0..3 {
        assert_eq!(graph(&args), first);
    }
}

/// Renders DOT with Graphviz. Fails, never skips, without `dot`: CI
/// installs graphviz (`.ci/run`), and so should you (`apt-get install graphviz`).
fn graphviz_svg(dot_text: &str) -> String {
    let child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => panic!(
            "cannot run Graphviz `dot` ({e}): install graphviz (apt-get install graphviz) to run this test"
        ),
    };
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot_text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "dot -Tsvg failed:\n{stderr}\n{dot_text}"
    );
    // Font warnings depend on the machine; syntax problems never pass.
    assert!(!stderr.contains("syntax error"), "{stderr}\n{dot_text}");
    String::from_utf8(out.stdout).unwrap()
}

/// The text lines of an SVG made by Graphviz, entities decoded.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0))
        .map(|t| {
            t.replace("&#45;", "-")
                .replace("&gt;", ">")
                .replace("&lt;", "<")
                .replace("&amp;", "&")
        })
        .collect()
}

#[test]
fn graphviz_renders_the_dot_output() {
    let texts = svg_texts(&graphviz_svg(&graph(&[
        "-f",
        &example("three-spokes.yaml"),
        "--format",
        "dot",
    ])));
    for text in [
        "Browser",
        "Route hub-gateway",
        "https://line-dashboard.apps.hub.example.com",
        "Gateway hub-gateway",
        "listener http :8080 HTTP",
        "HTTPRoute line-dashboard-lb",
        "PathPrefix /api",
        "waypoint hub-gateway-system-waypoint",
        "circuit breaking: maxConnections 100, 10 req/conn, 5xx x3 / 10s, eject 30s, max 100%",
        "Service line-dashboard-central-front",
        "dashboard.apps.central.example.com",
        "100%",
        "50%",
        "30%",
        "20%",
        "0%",
    ] {
        assert!(
            texts.iter().any(|t| t == text),
            "the SVG lacks {text:?}: {texts:#?}"
        );
    }

    let change = svg_texts(&graphviz_svg(&graph(&[
        &example("east-west.yaml"),
        &fixture("east-west-80-20.yaml"),
        "--format",
        "dot",
    ])));
    for text in ["50% -> 80%", "50% -> 20%"] {
        assert!(change.iter().any(|t| t == text), "{change:#?}");
    }
}

#[test]
fn the_readme_picture_is_current() {
    // Layout differs between Graphviz versions; the words must not.
    let committed = std::fs::read_to_string(repo("docs/east-west.svg")).unwrap();
    let fresh = graphviz_svg(&graph(&[
        "-f",
        &example("east-west.yaml"),
        "--format",
        "dot",
    ]));
    let (mut a, mut b) = (svg_texts(&committed), svg_texts(&fresh));
    a.sort();
    b.sort();
    assert_eq!(
        a, b,
        "regenerate: hubgw graph -f values/examples/east-west.yaml --format dot | dot -Tsvg > docs/east-west.svg"
    );
}

#[test]
fn the_readme_mermaid_change_is_current() {
    let readme = std::fs::read_to_string(repo("docs/guide.md")).unwrap();
    let change = graph(&[&example("east-west.yaml"), &fixture("east-west-80-20.yaml")]);
    assert!(
        readme.contains(&format!("```mermaid\n{change}```\n")),
        "docs/guide.md's mermaid block differs from:\n{change}"
    );
}

#[test]
fn errors_leave_stdout_empty() {
    // Values errors are the render's own.
    let err = fails(&["graph", "-f", "no-such-file.yaml"], 1);
    assert!(err.contains("no-such-file.yaml"), "{err}");
    let err = fails(
        &[
            "graph",
            "-f",
            &example("east-west.yaml"),
            "--set",
            "gateway.weights.wset=1",
        ],
        1,
    );
    assert!(err.contains("did you mean `west`?"), "{err}");
    // Usage: a bad format, a third input, flags on a manifest stream.
    fails(&["graph", "--format", "png"], 2);
    let e = example("east-west.yaml");
    fails(&["graph", &e, &e, &e], 2);
    let stream = TempFile::new(
        "graph-stream.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n",
    );
    let err = fails(&["graph", "--set", "a=b", stream.arg()], 2);
    assert!(err.contains("is a manifest stream"), "{err}");
    // Standard input once.
    let err = fails(&["graph", "-f", "-", "-"], 2);
    assert!(err.contains("only once"), "{err}");
}
