//! `hubgw render` output options: `-o json`, `--output-dir`, `--show-only`.

mod common;
use common::*;

fn ok(args: &[&str]) -> String {
    let r = hubgw_run(args);
    assert_eq!(r.code, 0, "{args:?} failed:\n{}", r.stderr);
    assert_eq!(r.stderr, "");
    r.stdout
}

#[test]
fn json_is_a_v1_list_of_the_same_objects() {
    let ew = example("east-west.yaml");
    let json = ok(&["render", "-f", &ew, "-o", "json"]);
    let list: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(list["apiVersion"], "v1");
    assert_eq!(list["kind"], "List");
    let yaml = docs(&ok(&["render", "-f", &ew]));
    let items: Vec<serde_yaml::Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| serde_yaml::to_value(i).unwrap())
        .collect();
    assert_eq!(
        items, yaml,
        "-o json holds exactly the YAML stream's objects"
    );
    assert!(json.ends_with("}\n"));
}

#[test]
fn show_only_snapshot() {
    let out = ok(&[
        "render",
        "-f",
        &example("east-west.yaml"),
        "--show-only",
        "route/hub-gateway",
        "--show-only",
        "HTTPRoute/industrial-edge-lb",
        "-o",
        "json",
    ]);
    // Apply order, whatever the order of the flags.
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let kinds: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].clone())
        .collect();
    assert_eq!(kinds, ["HTTPRoute", "Route"]);
    snapshot!("render-show-only-json", out);
}

#[test]
fn show_only_errors() {
    let ew = example("east-west.yaml");
    let unknown = fails(
        &[
            "render",
            "-f",
            &ew,
            "--show-only",
            "Service/industrial-edge-north-api",
        ],
        1,
    );
    let usage = fails(&["render", "-f", &ew, "--show-only", "industrial-edge"], 2);
    snapshot!("render-show-only-errors", format!("{unknown}\n{usage}"));
}

fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn output_dir_writes_one_file_per_object_in_apply_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("manifests");
    let d = dir.to_str().unwrap();
    let ew = example("east-west.yaml");
    let out = ok(&["render", "-f", &ew, "--output-dir", d]);
    let files = listing(&dir);
    assert_eq!(
        out,
        files
            .iter()
            .map(|f| format!("wrote {d}/{f}\n"))
            .collect::<String>()
    );
    // The files, read in name order, are the stream.
    let joined: String = files
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
        .collect();
    assert_eq!(joined, ok(&["render", "-f", &ew]));
    snapshot!("render-output-dir", files.join("\n"));

    // A second run replaces what the first wrote: a spoke that is gone leaves no file.
    ok(&[
        "render",
        "-f",
        &ew,
        "--set",
        "clusters.west=null",
        "--output-dir",
        d,
    ]);
    let after = listing(&dir);
    assert!(after.iter().all(|f| !f.contains("west")), "{after:?}");
    assert_eq!(after.len(), 9);

    // Anything else in the directory: refuse and touch nothing.
    std::fs::write(dir.join("kustomization.yaml"), "resources: []\n").unwrap();
    let err = fails(&["render", "-f", &ew, "--output-dir", d], 1);
    assert_eq!(listing(&dir).len(), 10);
    snapshot!("render-output-dir-refused", err.replace(d, "DIR"));
}

#[test]
fn output_dir_json_and_errors_leave_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let d = dir.to_str().unwrap();
    ok(&[
        "render",
        "-f",
        &example("east-west.yaml"),
        "-o",
        "json",
        "--output-dir",
        d,
    ]);
    let files = listing(&dir);
    assert_eq!(files[0], "01-namespace-hub-gateway-system.json");
    let first: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(&files[0])).unwrap()).unwrap();
    assert_eq!(first["kind"], "Namespace");

    // A failing render creates no directory.
    let missing = tmp.path().join("never");
    fails(&["render", "--output-dir", missing.to_str().unwrap()], 1);
    assert!(!missing.exists());
}

#[test]
fn output_dir_names_stay_within_the_file_system_limit() {
    // A valid 253-character host names the ServiceEntry; its file name
    // would be 272 bytes, past the 255 that file systems take.
    let domain = format!("{}.example.c", vec!["a".repeat(56); 4].join("."));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let (ew, set) = (
        example("east-west.yaml"),
        format!("clusters.east.domain={domain}"),
    );
    let args = ["render", "-f", &ew, "--set", &set];
    let mut into_dir = args.to_vec();
    into_dir.extend(["--output-dir", dir.to_str().unwrap()]);
    ok(&into_dir);
    let files = listing(&dir);
    assert!(files.iter().all(|f| f.len() <= 255), "{files:?}");
    assert!(files.iter().any(|f| f.len() == 255), "{files:?}");
    let joined: String = files
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
        .collect();
    assert_eq!(joined, ok(&args));
}

#[test]
fn output_dir_refuses_an_empty_name_and_the_current_folder() {
    let ew = example("east-west.yaml");
    let err = fails(&["render", "-f", &ew, "--output-dir", ""], 2);
    assert!(err.contains("--output-dir needs a directory name"), "{err}");
    let tmp = tempfile::tempdir().unwrap();
    let r = run(hubgw()
        .current_dir(tmp.path())
        .args(["render", "-f", &ew, "--output-dir", "."]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is the current folder"), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn concurrent_renders_into_one_folder_leave_one_whole_render() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let d = dir.to_str().unwrap().to_string();
    let ew = example("east-west.yaml");
    let both = ok(&["render", "-f", &ew]);
    let east_only = ok(&["render", "-f", &ew, "--set", "clusters.west=null"]);
    for _ in 0..8 {
        let runs: Vec<_> = [vec![], vec!["--set", "clusters.west=null"]]
            .into_iter()
            .map(|extra| {
                let (ew, d) = (ew.clone(), d.clone());
                std::thread::spawn(move || {
                    let mut args = vec!["render", "-f", &ew, "--output-dir", &d];
                    args.extend(extra);
                    hubgw_run(&args).code
                })
            })
            .collect();
        for r in runs {
            assert_eq!(r.join().unwrap(), 0);
        }
        let joined: String = listing(&dir)
            .iter()
            .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
            .collect();
        assert!(joined == both || joined == east_only, "a mix:\n{joined}");
        let leftovers = std::fs::read_dir(tmp.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no staging folder is left beside it");
    }
}

#[test]
fn show_only_takes_kubectl_and_diff_forms() {
    let istio = example("istio-api.yaml");
    let ew = example("east-west.yaml");
    let shown = |values: &str, sel: &str| -> Vec<String> {
        let r = hubgw_run(&["render", "-f", values, "--show-only", sel]);
        assert_eq!(r.code, 0, "{sel}: {}", r.stderr);
        docs(&r.stdout)
            .iter()
            .map(|d| format!("{} {}", d["apiVersion"].as_str().unwrap(), kind_name(d)))
            .collect()
    };
    let gw_api = ["gateway.networking.k8s.io/v1 Gateway/hub-gateway"];
    assert_eq!(
        shown(&ew, "gateway.gateway.networking.k8s.io/hub-gateway"),
        gw_api
    );
    assert_eq!(
        shown(&ew, "Gateway.gateway.networking.k8s.io/hub-gateway"),
        gw_api
    );
    assert_eq!(
        shown(&ew, "gateways.v1.gateway.networking.k8s.io/hub-gateway"),
        gw_api
    );
    assert_eq!(
        shown(&ew, "httproute/industrial-edge-lb"),
        ["gateway.networking.k8s.io/v1 HTTPRoute/industrial-edge-lb"]
    );
    // What `hubgw diff` prints for a name two kinds share.
    assert_eq!(
        shown(
            &istio,
            "Gateway.networking.istio.io/hub-gateway -n hub-gateway-system"
        ),
        ["networking.istio.io/v1 Gateway/hub-gateway"]
    );
    let err = fails(
        &[
            "render",
            "-f",
            &ew,
            "--show-only",
            "Gateway.networking.istio.io/hub-gateway",
        ],
        1,
    );
    assert!(
        err.contains("did you mean `Gateway.gateway.networking.k8s.io/hub-gateway`?"),
        "{err}"
    );
}

/// Templates, parsing, validation and output run on several threads for a
/// large render: the stream is the same bytes as on one thread, in the same
/// order, with a shared spoke host's ServiceEntry once.
#[test]
fn a_large_render_is_the_same_on_one_thread_and_on_several() {
    let mut text = String::from("clusterDomain: apps.hub.example.com\napps:\n");
    for i in 0..120 {
        text.push_str(&format!(
            "  a{i}:\n    clusters:\n      east: {{domain: apps.east.example.com}}\n      west: {{domain: apps.west.example.com, host: shared.apps.west.example.com}}\n"
        ));
    }
    let values = TempFile::new("threads.yaml", &text);
    let stream = |threads: &str| {
        let r = run(hubgw()
            .args(["render", "-f", values.arg()])
            .env("HUBGW_THREADS", threads));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let one = stream("1");
    assert_eq!(stream("4"), one);
    let entries: Vec<String> = docs(&one)
        .iter()
        .map(kind_name)
        .filter(|k| k.starts_with("ServiceEntry/"))
        .collect();
    assert_eq!(entries.len(), 121, "120 east hosts and the shared west one");
    assert_eq!(
        entries
            .iter()
            .filter(|k| *k == "ServiceEntry/shared.apps.west.example.com")
            .count(),
        1
    );
}
