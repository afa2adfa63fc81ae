//! `hubgw render` end to end: the shipped examples, Helm's values habits,
//! templates, and all-or-nothing output.

mod common;
use common::*;

fn render(args: &[&str]) -> String {
    let r = hubgw_run(&[&["render"], args].concat());
    assert_eq!(r.code, 0, "render {args:?} failed:\n{}", r.stderr);
    assert_eq!(r.stderr, "", "a clean render prints nothing on stderr");
    r.stdout
}

/// Every shipped example, rendered, as a reviewed snapshot.
#[test]
fn every_example_snapshot() {
    let examples = all_examples();
    assert!(examples.len() >= 10, "{examples:?}");
    for name in examples {
        let out = render(&["-f", &example(&name)]);
        snapshot!(format!("render-{}", name.trim_end_matches(".yaml")), out);
    }
}

#[test]
fn chart_compat_renders_like_east_west() {
    // The old chart's file says explicitly what hubgw's defaults say.
    assert_eq!(
        render(&["-f", &example("chart-compat.yaml")]),
        render(&["-f", &example("east-west.yaml")])
    );
}

#[test]
fn east_west_has_exactly_the_seed_objects() {
    let out = render(&["-f", &example("east-west.yaml")]);
    assert!(out.starts_with("---\n"));
    assert_eq!(
        out.matches("\n---\n").count() + 1,
        13,
        "every document opens with ---"
    );
    let docs = docs(&out);
    let kinds: Vec<String> = docs.iter().map(kind_name).collect();
    assert_eq!(
        kinds,
        [
            "Namespace/hub-gateway-system",
            "Gateway/hub-gateway",
            "Gateway/hub-gateway-system-waypoint",
            "Service/industrial-edge-east-front",
            "Service/industrial-edge-east-api",
            "Service/industrial-edge-west-front",
            "Service/industrial-edge-west-api",
            "ServiceEntry/industrial-edge.apps.east.example.com",
            "ServiceEntry/industrial-edge.apps.west.example.com",
            "HTTPRoute/industrial-edge-lb",
            // One per spoke host: the ExternalName Services are aliases of it.
            "DestinationRule/cb-industrial-edge-east",
            "DestinationRule/cb-industrial-edge-west",
            "Route/hub-gateway",
        ]
    );
    let ns = &docs[0];
    assert_eq!(
        ns["metadata"]["labels"]["istio.io/dataplane-mode"],
        "ambient"
    );
    assert_eq!(
        ns["metadata"]["labels"]["istio.io/use-waypoint"],
        "hub-gateway-system-waypoint"
    );

    let hub = &docs[1]["spec"];
    assert_eq!(hub["gatewayClassName"], "istio");
    assert_eq!(hub["listeners"][0]["port"], 8080);
    assert_eq!(hub["listeners"][0]["protocol"], "HTTP");
    let waypoint = &docs[2];
    assert_eq!(waypoint["spec"]["gatewayClassName"], "istio-waypoint");
    assert_eq!(waypoint["spec"]["listeners"][0]["port"], 15008);
    assert_eq!(waypoint["spec"]["listeners"][0]["protocol"], "HBONE");
    assert_eq!(
        waypoint["metadata"]["labels"]["istio.io/waypoint-for"],
        "service"
    );

    for svc in &docs[3..7] {
        assert_eq!(svc["spec"]["type"], "ExternalName");
        assert_eq!(svc["spec"]["ports"][0]["port"], 80);
    }
    for se in &docs[7..9] {
        assert_eq!(se["spec"]["location"], "MESH_EXTERNAL");
        assert_eq!(se["spec"]["resolution"], "DNS");
        assert_eq!(se["spec"]["ports"][0]["number"], 80);
        assert_eq!(se["spec"]["ports"][0]["protocol"], "HTTP");
    }

    let rules = &docs[9]["spec"]["rules"];
    assert_eq!(rules[0]["matches"][0]["path"]["value"], "/api");
    let weights = |rule: &serde_yaml::Value| -> Vec<i64> {
        rule["backendRefs"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|b| b["weight"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(weights(&rules[0]), [100, 0]);
    assert_eq!(weights(&rules[1]), [50, 50]);
    for rule in rules.as_sequence().unwrap() {
        for backend in rule["backendRefs"].as_sequence().unwrap() {
            let spoke = if backend["name"].as_str().unwrap().contains("-east-") {
                "east"
            } else {
                "west"
            };
            let set = &backend["filters"][0]["requestHeaderModifier"]["set"][0];
            assert_eq!(backend["filters"][0]["type"], "RequestHeaderModifier");
            assert_eq!(set["name"], "Host");
            assert_eq!(
                set["value"].as_str().unwrap(),
                format!("industrial-edge.apps.{spoke}.example.com")
            );
        }
    }

    // Every Service's alias target, the host the gateway's cluster is for,
    // has exactly one rule.
    let targets: Vec<&str> = docs[3..7]
        .iter()
        .map(|s| s["spec"]["externalName"].as_str().unwrap())
        .collect();
    for dr in &docs[10..12] {
        let tp = &dr["spec"]["trafficPolicy"];
        assert_eq!(tp["connectionPool"]["tcp"]["maxConnections"], 100);
        assert_eq!(
            tp["connectionPool"]["http"]["h2UpgradePolicy"],
            "DO_NOT_UPGRADE"
        );
        assert_eq!(tp["connectionPool"]["http"]["maxRequestsPerConnection"], 10);
        assert_eq!(tp["outlierDetection"]["consecutive5xxErrors"], 3);
        assert_eq!(tp["outlierDetection"]["interval"], "10s");
        assert_eq!(tp["outlierDetection"]["baseEjectionTime"], "30s");
        assert_eq!(tp["outlierDetection"]["maxEjectionPercent"], 100);
        let spoke = dr["metadata"]["name"]
            .as_str()
            .unwrap()
            .strip_prefix("cb-industrial-edge-")
            .unwrap();
        let host = dr["spec"]["host"].as_str().unwrap();
        assert_eq!(host, format!("industrial-edge.apps.{spoke}.example.com"));
        assert_eq!(targets.iter().filter(|t| **t == host).count(), 2);
    }
    let route = &docs[12]["spec"];
    assert_eq!(route["tls"]["termination"], "edge");
    assert_eq!(route["tls"]["insecureEdgeTerminationPolicy"], "Redirect");
    assert_eq!(route["to"]["name"], "hub-gateway-istio");
}

#[test]
fn render_is_byte_identical_across_runs() {
    let args = ["-f", &example("three-spokes.yaml")];
    let first = render(&args);
    for _ in 0..3 {
        assert_eq!(render(&args), first);
    }
}

#[test]
fn circuit_breaking_off_removes_only_the_destination_rules() {
    let on = docs(&render(&["-f", &example("east-west.yaml")]));
    let off = docs(&render(&[
        "-f",
        &example("east-west.yaml"),
        "--set",
        "gateway.circuitBreaking.enabled=false",
    ]));
    let without_drs: Vec<_> = on
        .into_iter()
        .filter(|d| d["kind"] != "DestinationRule")
        .collect();
    assert_eq!(off, without_drs);
}

#[test]
fn set_weights_changes_only_those_two_weights() {
    let base = render(&["-f", &example("east-west.yaml")]);
    let changed = render(&[
        "-f",
        &example("east-west.yaml"),
        "--set",
        "gateway.weights.east=80",
        "--set",
        "gateway.weights.west=20",
    ]);
    let diff: Vec<(String, String)> = base
        .lines()
        .zip(changed.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .collect();
    assert_eq!(base.lines().count(), changed.lines().count());
    assert_eq!(
        diff,
        [
            ("weight: 50".to_string(), "weight: 80".to_string()),
            ("weight: 50".to_string(), "weight: 20".to_string())
        ]
    );
    let route = docs(&changed)
        .into_iter()
        .find(|d| d["kind"] == "HTTPRoute")
        .unwrap();
    assert_eq!(route["spec"]["rules"][1]["backendRefs"][0]["weight"], 80);
    assert_eq!(route["spec"]["rules"][1]["backendRefs"][1]["weight"], 20);
}

#[test]
fn values_from_stdin_and_later_files_win() {
    let stdin_values = std::fs::read_to_string(example("east-west.yaml")).unwrap();
    let override_file = TempFile::new(
        "override.yaml",
        "gateway:\n  apiWeights:\n    east: 10\n    west: 90\n",
    );
    let r = run(hubgw()
        .args(["render", "-f", "-", "-f", override_file.arg()])
        .write_stdin(stdin_values));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let route = docs(&r.stdout)
        .into_iter()
        .find(|d| d["kind"] == "HTTPRoute")
        .unwrap();
    assert_eq!(route["spec"]["rules"][0]["backendRefs"][0]["weight"], 10);
    assert_eq!(route["spec"]["rules"][0]["backendRefs"][1]["weight"], 90);
}

#[test]
fn null_in_a_later_file_turns_a_spoke_off() {
    let off = TempFile::new("west-off.yaml", "clusters:\n  west: null\n");
    let out = render(&["-f", &example("east-west.yaml"), "-f", off.arg()]);
    assert!(!out.contains("west"), "{out}");
    let route = docs(&out)
        .into_iter()
        .find(|d| d["kind"] == "HTTPRoute")
        .unwrap();
    assert_eq!(route["spec"]["rules"][1]["backendRefs"][0]["weight"], 100);
    assert_eq!(
        route["spec"]["rules"][1]["backendRefs"]
            .as_sequence()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn namespace_flag_overrides_the_value() {
    let out = render(&["-f", &example("east-west.yaml"), "-n", "edge-hub"]);
    let docs = docs(&out);
    assert_eq!(docs[0]["metadata"]["name"], "edge-hub");
    assert_eq!(
        docs[0]["metadata"]["labels"]["istio.io/use-waypoint"],
        "edge-hub-waypoint"
    );
    for d in &docs[1..] {
        assert_eq!(d["metadata"]["namespace"], "edge-hub", "{}", kind_name(d));
    }
    assert!(out.contains("\n  name: edge-hub-waypoint\n"));
}

#[test]
fn set_string_keeps_strings_and_set_infers_types() {
    // The same text is a bool with --set and a string with --set-string.
    let as_bool = hubgw_run(&[
        "render",
        "-f",
        &example("east-west.yaml"),
        "--set",
        "labels.team=true",
    ]);
    assert_eq!(as_bool.code, 1);
    assert!(
        as_bool
            .stderr
            .contains("`labels.team` must be a string, found boolean `true`"),
        "{}",
        as_bool.stderr
    );
    let out = render(&[
        "-f",
        &example("east-west.yaml"),
        "--set-string",
        "labels.team=true",
    ]);
    assert!(out.contains("    team: 'true'\n"), "{out}");
}

#[test]
fn domain_fallbacks_apply_in_order() {
    let spokes = ["--set", "clusters.east.domain=apps.east.example.com"];
    let host = |extra: &[&str]| -> String {
        let out = render(&[&spokes[..], extra].concat());
        let route = docs(&out)
            .into_iter()
            .find(|d| d["kind"] == "Route")
            .unwrap();
        route["spec"]["host"].as_str().unwrap().to_string()
    };
    assert_eq!(
        host(&["--set", "global.hubClusterDomain=hub.example"]),
        "industrial-edge.hub.example"
    );
    assert_eq!(
        host(&[
            "--set",
            "global.hubClusterDomain=hub.example",
            "--set",
            "global.localClusterDomain=local.example"
        ]),
        "industrial-edge.local.example"
    );
    assert_eq!(
        host(&[
            "--set",
            "global.localClusterDomain=local.example",
            "--set",
            "deployer.domain=deployer.example"
        ]),
        "industrial-edge.deployer.example"
    );
    assert_eq!(
        host(&[
            "--set",
            "deployer.domain=deployer.example",
            "--set",
            "clusterDomain=cluster.example"
        ]),
        "industrial-edge.cluster.example"
    );
    assert_eq!(
        host(&[
            "--set",
            "clusterDomain=cluster.example",
            "--set",
            "app.host=shop.cluster.example"
        ]),
        "shop.cluster.example"
    );
}

#[test]
fn global_accepts_keys_of_other_charts() {
    let global = TempFile::new(
        "global.yaml",
        "global:\n  pattern: industrial-edge\n  hubClusterDomain: apps.hub.example.com\n",
    );
    let out = render(&[
        "-f",
        global.arg(),
        "--set",
        "clusters.east.domain=apps.east.example.com",
    ]);
    assert!(out.contains("host: industrial-edge.apps.hub.example.com"));
}

#[test]
fn user_templates_directory_replaces_the_built_in_ones() {
    let dir = std::env::temp_dir().join(format!("hubgw-templates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("00-only.yaml"), "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ plan.gateways[0].meta.name }}\n  namespace: {{ plan.namespace.meta.name }}\ndata:\n  host: {{ plan.apps[0].host }}\n").unwrap();
    std::fs::write(
        dir.join("_macros.yaml"),
        "{% macro unused() %}---\nkind: NeverRendered\n{% endmacro %}",
    )
    .unwrap();
    let out = render(&[
        "-f",
        &example("east-west.yaml"),
        "--templates",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(
        out,
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hub-gateway\n  namespace: hub-gateway-system\ndata:\n  host: industrial-edge.apps.hub.example.com\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn user_templates_include_each_other_and_helpers_are_checked() {
    let dir = std::env::temp_dir().join(format!("hubgw-includes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    let templates = dir.to_str().unwrap();
    let east_west = example("east-west.yaml");
    write("_data.yaml", "data:\n  host: {{ plan.apps[0].host }}\n");
    // A template may include a helper and another template, as when every
    // template was compiled up front.
    write(
        "00-cm.yaml",
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hub\n{% include \"_data.yaml\" %}{% include \"20-secret.yaml\" %}",
    );
    write(
        "20-secret.yaml",
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
    );
    // The Secret twice: 00-cm.yaml includes it, and it is rendered itself.
    let r = hubgw_run(&["render", "-f", &east_west, "--templates", templates]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("Secret/s"), "{}", r.stderr);
    write("20-secret.yaml", "{% if false %}\n{% endif %}");
    let out = render(&["-f", &east_west, "--templates", templates]);
    assert_eq!(
        out,
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hub\ndata:\n  host: industrial-edge.apps.hub.example.com\n"
    );

    // A user's template is compiled even where it could render nothing
    // (east-west has no egress), so its syntax error is an error.
    write(
        "30-egress.yaml",
        "{% for e in plan.egress %}\n{{ e. }}\n{% endfor %}\n",
    );
    let r = hubgw_run(&["render", "-f", &east_west, "--templates", templates]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("template `30-egress.yaml` failed: syntax error"),
        "{}",
        r.stderr
    );
    std::fs::remove_file(dir.join("30-egress.yaml")).unwrap();

    // A helper nothing includes still has its syntax checked.
    write("_broken.yaml", "{% for x in %}\n");
    let r = hubgw_run(&["render", "-f", &east_west, "--templates", templates]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("template `_broken.yaml` failed: syntax error"),
        "{}",
        r.stderr
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_template_cannot_be_broken_by_a_value() {
    // A label value is checked too, but this proves the templates quote what
    // they print: the custom template prints a value that is not checked.
    let dir = std::env::temp_dir().join(format!("hubgw-evil-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("00-cm.yaml"), "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  policy: {{ plan.destination_rules[0].traffic_policy.outlierDetection.interval }}\n").unwrap();
    let out = render(&[
        "-f",
        &example("east-west.yaml"),
        "--templates",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(docs(&out).len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_plan_counts_the_objects_it_renders() {
    // The object limit is checked on the plan, before rendering: its count
    // is every object but the few an injected gateway adds (Deployment,
    // Service, autoscaler, ...), which do not grow with the input.
    for file in all_examples() {
        let text = std::fs::read_to_string(example(&file)).unwrap();
        let files = [hubgw::values::ValuesSource {
            name: file.clone(),
            text,
        }];
        let loaded = hubgw::values::load_sources(&files, &Default::default()).unwrap();
        let plan = hubgw::plan::build(&loaded).unwrap();
        let objects = hubgw::manifests_for_plan(&plan, &Default::default()).unwrap();
        let (counted, rendered) = (plan.object_count(), objects.len());
        assert!(
            counted <= rendered && rendered - counted <= 6,
            "{file}: {counted} of {rendered}"
        );
    }
}

const CANARY_JSON: &str = r#"gateway.rules=[{"name":"canary","matches":[{"path":"/","headers":{"x-version":"v2"}}],"backends":[{"spoke":"west","weight":1}]}]"#;

#[test]
fn set_json_sets_a_list_of_maps_as_a_values_file_would() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("canary.yaml");
    std::fs::write(
        &file,
        "gateway:\n  rules:\n  - name: canary\n    matches: [{path: /, headers: {x-version: v2}}]\n    backends: [{spoke: west, weight: 1}]\n",
    )
    .unwrap();
    let base = example("east-west.yaml");
    let with_json = render(&["-f", &base, "--set-json", CANARY_JSON]);
    let with_file = render(&["-f", &base, "-f", file.to_str().unwrap()]);
    assert_eq!(with_json, with_file);
    assert_ne!(with_json, render(&["-f", &base]));
    assert!(with_json.contains("name: x-version\n"), "{with_json}");
}

#[test]
fn set_json_applies_before_set_whatever_the_order() {
    let base = example("east-west.yaml");
    let out = render(&[
        "-f",
        &base,
        "--set",
        "app.name=from-set",
        "--set-json",
        r#"app.name="from-json",labels={"team":"edge"}"#,
    ]);
    assert!(out.contains("name: from-set-"), "{out}");
    assert!(!out.contains("from-json"), "{out}");
    assert!(out.contains("    team: edge\n"), "{out}");
}

#[test]
fn every_values_command_takes_set_json_and_locates_its_errors() {
    let base = example("east-west.yaml");
    let bad = r#"gateway.rules=[{"name":canary}]"#;
    for cmd in [
        vec!["render"],
        vec!["lint"],
        vec!["graph"],
        vec!["values"],
        vec!["diff", "--base-ref", "HEAD"],
    ] {
        let args = [&cmd[..], &["-f", &base, "--set-json", bad]].concat();
        let r = hubgw_run(&args);
        assert_eq!(r.code, 2, "{cmd:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{cmd:?}: {}", r.stdout);
        assert!(
            r.stderr.contains(&format!(
                "invalid --set-json \"{bad}\": invalid JSON: expected value"
            )),
            "{cmd:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("--> --set-json:1:24"),
            "{cmd:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("help: the value after '=' must be JSON"),
            "{}",
            r.stderr
        );
    }
    // Good JSON reaches the values of each of them.
    let r = hubgw_run(&[
        "values",
        "-f",
        &base,
        "--set-json",
        r#"labels={"team":"edge"}"#,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("team: edge"), "{}", r.stdout);
    // --origin: the flag for the keys it names, defaults for the rest.
    let r = hubgw_run(&[
        "values",
        "--origin",
        "-f",
        &base,
        "--set-json",
        r#"gateway.circuitBreaking={"enabled":false}"#,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = |key: &str| {
        r.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("{key}: {}", r.stdout))
            .to_string()
    };
    assert!(
        line("enabled: false").contains("# --set-json gateway.circuitBreaking="),
        "{}",
        r.stdout
    );
    assert!(
        line("maxConnections: 100").ends_with("# default"),
        "{}",
        r.stdout
    );
    let r = hubgw_run(&["lint", "-f", &base, "--set-json", CANARY_JSON]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = hubgw_run(&[
        "lint",
        "-f",
        &base,
        "--set-json",
        r#"gateway.rules=[{"name":"canary","backends":[{"spoke":"nowhere","weight":1}]}]"#,
    ]);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("nowhere"), "{}", r.stderr);
}

#[test]
fn resource_quantities_may_be_yaml_numbers_and_print_as_strings() {
    // The API server takes a JSON number for a quantity; kubectl sends
    // `cpu: 2` as one. hubgw prints the number's digits as a string.
    let numbers = TempFile::new(
        "quantity-numbers.yaml",
        "gateway:\n  deployment:\n    resources:\n      requests: {cpu: 2, memory: 0.5}\n      limits: {cpu: 4.5, memory: 1024Mi}\n",
    );
    let out = render(&["-f", &example("istio-api.yaml"), "-f", numbers.arg()]);
    let resources = "        resources:\n          limits:\n            cpu: '4.5'\n            memory: 1024Mi\n          requests:\n            cpu: '2'\n            memory: '0.5'\n";
    assert!(out.contains(resources), "{out}");
    // `--set` infers an integer, as Helm does.
    let out = render(&[
        "-f",
        &example("istio-api.yaml"),
        "--set",
        "gateway.deployment.resources.requests.cpu=1",
    ]);
    assert!(out.contains("            cpu: '1'\n"), "{out}");
    // A number is still a quantity: not negative, not above its limit, finite.
    for (value, says) in [
        ("-1", "found \"-1\": it is negative"),
        ("3", "(3) is above `gateway.deployment.resources.limits.cpu` (2000m)"),
        (".inf", "must be a quantity, a string such as 500m or 128Mi or a number, found floating point `inf`"),
    ] {
        let bad = TempFile::new(
            "quantity-bad.yaml",
            &format!("gateway:\n  deployment:\n    resources:\n      requests: {{cpu: {value}}}\n"),
        );
        let err = fails(&["render", "-f", &example("istio-api.yaml"), "-f", bad.arg()], 1);
        assert!(err.contains(says), "{value}: {err}");
        assert!(err.contains("quantity-bad.yaml:4:"), "{value}: {err}");
    }
}

#[test]
fn a_json_values_file_may_hold_raw_line_separators_in_strings() {
    // JSON and YAML 1.2 take U+2028, U+2029 and U+FEFF raw in a string;
    // libyaml (YAML 1.1) took them for line breaks and refused the key.
    let json = TempFile::new(
        "separators.json",
        "{\n  \"global\": {\n    \"note\u{2028}\": \"a\u{2029}b\u{feff}c\"\n  }\n}\n",
    );
    let plain = render(&["-f", &example("east-west.yaml")]);
    assert_eq!(
        render(&["-f", &example("east-west.yaml"), "-f", json.arg()]),
        plain
    );
    // U+0085 is a C1 control: kept as JSON says, then refused by name.
    // (libyaml folded it to a space, so the value changed silently.)
    let nel = TempFile::new(
        "nel.json",
        "{\n  \"global\": {\n    \"note\": \"a\u{85}b\"\n  }\n}\n",
    );
    let err = fails(
        &["render", "-f", &example("east-west.yaml"), "-f", nel.arg()],
        1,
    );
    assert!(
        err.contains("`global.note` holds the control character '\\u{85}'"),
        "{err}"
    );
    assert!(err.contains("nel.json:3:5"), "{err}");
}
