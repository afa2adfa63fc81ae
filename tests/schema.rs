//! `hubgw schema` and `hubgw init`.

mod common;
use common::*;

#[test]
fn schema_snapshot() {
    let r = hubgw_run(&["schema"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let _: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    snapshot!("schema", r.stdout);
}

#[test]
fn init_snapshot_renders() {
    let r = hubgw_run(&["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .starts_with("# yaml-language-server: $schema=./hubgw.schema.json\n"));
    snapshot!("init", &r.stdout);
    let file = TempFile::new("starter.yaml", &r.stdout);
    let out = hubgw_run(&["render", "-f", file.arg()]);
    assert_eq!(out.code, 0, "the starter file renders:\n{}", out.stderr);
}

#[test]
fn init_output_file_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("hubgw.yaml");
    let p = path.to_str().unwrap();
    let r = hubgw_run(&["init", "-o", p]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    std::fs::write(&path, "mine\n").unwrap();
    let err = fails(&["init", "-o", p], 1);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine\n");
    snapshot!("init-refuses-overwrite", err.replace(p, "hubgw.yaml"));
}

/// `hubgw schema`, compiled.
fn values_schema() -> jsonschema::Validator {
    let r = hubgw_run(&["schema"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    jsonschema::draft7::new(&serde_json::from_str(&r.stdout).unwrap()).expect("a valid schema")
}

fn as_json(yaml: &str) -> serde_json::Value {
    serde_yaml::from_str(yaml).expect("test YAML")
}

#[test]
fn every_example_and_the_starter_satisfy_the_schema() {
    let schema = values_schema();
    let starter = hubgw_run(&["init"]).stdout;
    let mut texts = vec![("starter".to_string(), starter)];
    for name in all_examples() {
        texts.push((
            name.clone(),
            std::fs::read_to_string(example(&name)).unwrap(),
        ));
    }
    for (name, text) in texts {
        let errors: Vec<String> = schema
            .iter_errors(&as_json(&text))
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn the_schema_and_render_agree_on_ranges_patterns_and_null() {
    // Each overlay goes over the east-west example: `render` must accept it
    // exactly when the schema does.
    let cb = "gateway:\n  circuitBreaking:\n    enabled: true\n";
    let rule = |weight: &str| {
        format!("gateway:\n  rules:\n  - name: beta\n    matches: [{{headers: {{x-beta: \"1\"}}}}]\n    backends: [{{spoke: east, weight: {weight}}}]\n")
    };
    let cases: Vec<(String, bool)> = [
        ("gateway:\n  weights: {east: 1000000, west: 0}\n", true),
        ("gateway:\n  weights: {east: 1000001, west: 1}\n", false),
        ("gateway:\n  weights: {east: -1, west: 1}\n", false),
        ("gateway:\n  listener: {port: 65535}\n", true),
        ("gateway:\n  listener: {port: 0}\n", false),
        ("gateway:\n  listener: {port: 65536}\n", false),
        ("gateway:\n  tls: {port: 70000}\n", false),
        ("gateway:\n  api: nginx\n", false),
        ("gateway:\n  name: Hub\n", false),
        (
            "gateway:\n  circuitBreaking:\n    connectionPool: null\n",
            true,
        ),
        ("gateway:\n  name: null\n", false),
        ("namespace: hub-1\n", true),
        ("namespace: Hub\n", false),
        ("namespace: -hub\n", false),
        ("namespace: null\n", false),
        ("app:\n  name: 1app\n", false),
        ("app:\n  host: Shop.example.com\n", false),
        ("app:\n  host: shop.example.com\n", true),
        (
            "clusters:\n  east:\n    domain: apps..east.example.com\n",
            false,
        ),
        ("clusters:\n  west: null\n", true),
        ("clusterDomain: apps.hub.example.com.\n", false),
        (
            "egress:\n  hosts: [docs.example.com, {host: api.example.com, port: 8443}]\n",
            true,
        ),
        ("egress:\n  hosts: [Docs.example.com]\n", false),
        (
            "egress:\n  hosts: [{host: api.example.com, port: 70000}]\n",
            false,
        ),
        ("target: {gatewayAPI: v1.6.1, istio: 1.28.2}\n", true),
        ("target: {gatewayAPI: 1.4.1}\n", true),
        ("target: {gatewayAPI: v1.5.0}\n", false),
        ("target: {istio: \"1.25\"}\n", false),
        ("target: {openshift: \"4.20\"}\n", true),
        ("target: {openshift: \"4.18\"}\n", false),
        ("target: {istioRevision: canary}\n", true),
        ("target: {istioRevision: Canary}\n", false),
        // Quantities: a string or a number, as the API server takes them.
        (
            "gateway:\n  deployment:\n    resources:\n      requests: {cpu: 2, memory: 0.5}\n",
            true,
        ),
        (
            "gateway:\n  deployment:\n    resources:\n      limits: {cpu: 4, memory: 1073741824}\n",
            true,
        ),
        (
            "gateway:\n  deployment:\n    resources:\n      requests: {cpu: -1}\n",
            false,
        ),
        (
            "gateway:\n  deployment:\n    resources:\n      limits: {memory: -0.5}\n",
            false,
        ),
        (
            "gateway:\n  deployment:\n    resources:\n      requests: {cpu: true}\n",
            false,
        ),
    ]
    .into_iter()
    .map(|(y, ok)| (y.to_string(), ok))
    .chain([
        (rule("1000000"), true),
        (rule("1000001"), false),
        (rule("null"), true),
        (
            format!("{cb}    connectionPool:\n      tcp: {{connectTimeout: 1m30s}}\n"),
            true,
        ),
        (
            format!("{cb}    connectionPool:\n      tcp: {{connectTimeout: \"5\"}}\n"),
            false,
        ),
        (
            format!("{cb}    connectionPool:\n      http: {{idleTimeout: 5 s}}\n"),
            false,
        ),
        (
            format!("{cb}    connectionPool:\n      tcp: {{maxConnections: -1}}\n"),
            false,
        ),
        (
            format!("{cb}    outlierDetection: {{maxEjectionPercent: 100, interval: 250ms}}\n"),
            true,
        ),
        (
            format!("{cb}    outlierDetection: {{maxEjectionPercent: 101}}\n"),
            false,
        ),
        (
            format!("{cb}    outlierDetection: {{baseEjectionTime: 1d}}\n"),
            false,
        ),
        (
            format!("{cb}    outlierDetection: {{interval: null}}\n"),
            true,
        ),
    ])
    .collect();
    let schema = values_schema();
    let ew = example("east-west.yaml");
    let mut disagree = Vec::new();
    for (i, (yaml, ok)) in cases.iter().enumerate() {
        let file = TempFile::new(&format!("schema-case-{i}.yaml"), yaml);
        let r = hubgw_run(&["render", "-f", &ew, "-f", file.arg()]);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        let rendered = r.code == 0;
        let valid = schema.is_valid(&as_json(yaml));
        if rendered != *ok || valid != *ok {
            disagree.push(format!(
                "{yaml:?}: expected {ok}, render {rendered}, schema {valid}\n{}",
                r.stderr
            ));
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}
