//! What kubectl reads from hubgw's YAML. kubectl decodes with YAML 1.1
//! rules (sigs.k8s.io/yaml over go-yaml v2), where `no`, `On`, `y`,
//! `1_000` or `0777` are not strings; serde_yaml, YAML 1.2, cannot tell.
//! So these tests ask kubectl itself: hubgw's YAML goes in, offline
//! (`kubectl annotate --local -f - -o json`: no cluster, no kubeconfig), and
//! what comes out must be the JSON the YAML was written from.
//!
//! Without kubectl the tests fail when `CI` is set (.ci/run installs it)
//! and are skipped, saying so, otherwise.

mod common;
use common::*;

use std::io::Write as _;
use std::process::{Command, Stdio};

use hubgw::manifest::Manifest;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};

/// The annotation `kubectl annotate` is asked to add (it needs one), taken
/// out again before comparing.
const MARK: &str = "hubgw.test/decoded";

/// Whether kubectl is here; without it, a panic under CI and a note
/// otherwise.
fn have_kubectl() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "kubectl is missing: CI must check hubgw's YAML against kubectl's \
             decoding (.ci/run installs it: apt-get install kubernetes-client)"
        );
        eprintln!(
            "skipped: kubectl is not installed (apt-get install kubernetes-client); CI runs this test"
        );
    }
    found
}

/// kubectl's reading of a YAML stream: each document as JSON, in order.
/// Panics with kubectl's message when it cannot decode the stream.
fn kubectl_decode(stream: &str) -> Vec<Value> {
    let mut child = Command::new("kubectl")
        .args(["annotate", "--local", "-f", "-", "-o", "json"])
        .arg(format!("{MARK}=1"))
        // --local never contacts a server; an empty kubeconfig makes sure.
        // (A missing one makes kubectl 1.20, Debian's, warn on stderr.)
        .env("KUBECONFIG", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = stream.to_string();
    // From a thread: kubectl writes while it reads, and both pipes are finite.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("kubectl finishes");
    writer.join().unwrap().expect("kubectl reads its input");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "kubectl cannot decode hubgw's YAML: {stderr}\n{stream}"
    );
    let stdout = String::from_utf8(out.stdout).expect("kubectl writes UTF-8");
    serde_json::Deserializer::from_str(&stdout)
        .into_iter::<Value>()
        .map(|doc| {
            let mut doc = doc.expect("kubectl writes JSON");
            let meta = doc["metadata"].as_object_mut().expect("metadata");
            let notes = meta["annotations"].as_object_mut().expect("annotations");
            notes.remove(MARK);
            if notes.is_empty() {
                meta.remove("annotations");
            }
            doc
        })
        .collect()
}

fn manifests(objects: &[Value]) -> Vec<Manifest> {
    objects
        .iter()
        .enumerate()
        .map(|(index, object)| Manifest {
            source: "test".into(),
            index,
            item: Vec::new(),
            line: None,
            object: object.clone(),
        })
        .collect()
}

/// The words and numbers YAML 1.1 reads as non-strings, and their cousins.
const AMBIGUOUS: &[&str] = &[
    "y",
    // go-yaml drops every `_` before reading a number: `+_0` is 0, `0_x1` is 1.
    "+_0",
    "-__1",
    "0_x1",
    "0_b1",
    "1_e3",
    "n",
    "yes",
    "no",
    "on",
    "off",
    "true",
    "false",
    "null",
    "~",
    "",
    "<<",
    "=",
    "1_000",
    "0b1",
    "0o7",
    "0777",
    "1:20",
    "190:20:30",
    ".5",
    "+1",
    "-1",
    "1e3",
    "0x1F",
    ".inf",
    "-.inf",
    ".nan",
    "2001-12-14",
    "1.2.3",
    "1,000",
    "0",
    "-",
    "?",
    ":",
    "#",
    "'",
    "\"",
    "- a",
    "a: b",
    "a #b",
    "---",
    "...",
    "yes please",
    "nothing",
    "onoff",
];

/// One of [`AMBIGUOUS`] in a random letter case.
fn ambiguous_word() -> impl Strategy<Value = String> {
    (prop::sample::select(AMBIGUOUS), any::<u16>()).prop_map(|(word, mask)| {
        word.chars()
            .enumerate()
            .map(|(i, c)| {
                if mask & (1 << (i % 16)) != 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    })
}

/// Strings that trip YAML readers: the words, number-like runs, YAML's
/// indicators, line breaks and other characters that force quoting or a
/// literal block, and keys long enough for the explicit `? key` form.
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => ambiguous_word(),
        3 => "[-+.:_,~<=0-9a-fxXoObBeEyYsSnNtTuUlL]{1,8}",
        2 => "[-+.:#?*&!|>'\"%@`,\\[\\]{} a-z0-9\n\t\r\u{e9}\u{85}\u{2028}\u{feff}\u{1}]{0,10}",
        1 => "[a-z0-9.:/ -]{129,140}",
    ]
}

fn string_map(min: usize) -> impl Strategy<Value = Value> {
    prop::collection::btree_map(tricky(), tricky(), min..5)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k, Value::String(v))).collect()))
}

/// A tree of tricky strings, integers, booleans and nulls (no floats: kubectl
/// writes `2.0` as `2`, a difference of number form, not of type).
fn tree() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        tricky().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((tricky(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A ConfigMap (typed: kubectl fails on a non-string label or data value)
/// or a custom resource (untyped: a number or boolean shows as one).
fn object() -> impl Strategy<Value = Value> {
    prop_oneof![
        (string_map(1), string_map(1), string_map(1)).prop_map(|(labels, notes, data)| {
            json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "cm", "labels": labels, "annotations": notes},
                "data": data,
            })
        }),
        (string_map(1), tree()).prop_map(|(labels, spec)| {
            json!({
                "apiVersion": "example.com/v1",
                "kind": "Widget",
                "metadata": {"name": "w", "labels": labels},
                "spec": spec,
            })
        }),
    ]
}

/// Each stream hubgw writes, decoded by kubectl, is the objects it was
/// written from. A case is one kubectl call over many documents.
#[test]
fn kubectl_reads_every_emitted_string_as_that_string() {
    if !have_kubectl() {
        return;
    }
    let config = Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let objects = prop::collection::vec(object(), 10..40);
    runner
        .run(&objects, |objects| {
            let stream = hubgw::output::to_yaml_stream(&manifests(&objects)).unwrap();
            let decoded = kubectl_decode(&stream);
            prop_assert_eq!(&decoded, &objects, "{}", stream);
            Ok(())
        })
        .unwrap();
}

/// The table of YAML 1.1 non-strings, as keys and values, in one stream.
#[test]
fn kubectl_reads_the_yaml_1_1_words_as_strings() {
    if !have_kubectl() {
        return;
    }
    let words: Vec<&str> = AMBIGUOUS
        .iter()
        .copied()
        .chain([
            "Yes", "YES", "No", "NO", "On", "ON", "Off", "OFF", "Y", "N", "True", "NULL",
        ])
        .collect();
    let pairs: Map<String, Value> = words.iter().map(|w| (w.to_string(), json!(w))).collect();
    let objects = vec![json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "words", "labels": pairs},
        "data": pairs,
    })];
    let stream = hubgw::output::to_yaml_stream(&manifests(&objects)).unwrap();
    assert_eq!(kubectl_decode(&stream), objects, "{stream}");
}

/// The values of header-rules.yaml with a spoke called `no` and a header
/// match `on`: every hubgw check passes them, so the output must carry
/// them as strings.
const SPOKE_NO: &str = r#"
clusterDomain: apps.hub.example.com
clusters:
  east:
    domain: apps.east.example.com
  "no":
    domain: apps.west.example.com
gateway:
  weights:
    east: 90
    "no": 10
  rules:
    - name: canary
      matches:
        - headers:
            x-version: "on"
      backends:
        - spoke: "no"
"#;

/// `hubgw render` of a spoke `no` and a header `on`: quoted in the YAML,
/// and kubectl reads the stream as the objects of `-o json`.
#[test]
fn render_quotes_a_spoke_no_and_a_header_on_for_kubectl() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("values.yaml");
    std::fs::write(&file, SPOKE_NO).unwrap();
    let file = file.to_string_lossy().into_owned();
    let yaml = hubgw_run(&["render", "-f", &file]);
    assert_eq!(yaml.code, 0, "{}", yaml.stderr);
    assert!(
        yaml.stdout.contains("hub-gateway/spoke: 'no'\n"),
        "{}",
        yaml.stdout
    );
    assert!(yaml.stdout.contains("value: 'on'\n"), "{}", yaml.stdout);
    assert!(!yaml.stdout.contains(": no\n") && !yaml.stdout.contains(": on\n"));

    let values = hubgw_run(&["values", "-f", &file]);
    assert_eq!(values.code, 0, "{}", values.stderr);
    assert!(values.stdout.contains("  'no': 10\n"), "{}", values.stdout);
    assert!(
        values.stdout.contains("x-version: 'on'\n"),
        "{}",
        values.stdout
    );

    if !have_kubectl() {
        return;
    }
    let json = hubgw_run(&["render", "-f", &file, "-o", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let list: Value = serde_json::from_str(&json.stdout).unwrap();
    let items = list["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert_eq!(&kubectl_decode(&yaml.stdout), items);
}

/// DNS-label-shaped words YAML 1.1 reads as non-strings: valid spoke, app
/// and host-label names, so renders with them are accepted and must reach
/// kubectl as strings.
const LABEL_WORDS: &[&str] = &[
    "no", "yes", "y", "n", "on", "off", "true", "false", "null", "0777", "1e3", "0b1", "0o7",
    "0x1f", "123", "1-0", "nan", "inf",
];

fn label_word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(LABEL_WORDS).prop_map(str::to_string),
        1 => "[a-z0-9]{1,6}",
    ]
}

/// A string for a field that takes any text (header and annotation values):
/// YAML's traps in any case, padding, `#`, `: `, quotes and unicode.
fn free_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => ambiguous_word(),
        3 => (ambiguous_word(), prop::sample::select(&[" ", "  ", "# ", ": ", "'", "\"", "\u{e9}", "\u{2028}", "\u{feff}"][..]))
            .prop_map(|(w, pad)| format!("{pad}{w}{pad}")),
        1 => tricky(),
    ]
}

/// A field that is valid mostly, adversarial sometimes.
fn mostly<S: Strategy<Value = String>>(valid: S) -> impl Strategy<Value = String> {
    prop_oneof![19 => valid, 1 => tricky()]
}

/// A values file (as JSON, which is YAML) with adversarial strings in every
/// string field it takes: spoke names, domains, app name, header names and
/// values, label values, route annotations and egress hosts.
fn adversarial_values() -> impl Strategy<Value = Value> {
    (
        (
            mostly(label_word()),
            mostly(label_word()),
            // An application name starts with a letter (a Service name).
            mostly(label_word().prop_filter("letter first", |w| w.starts_with(|c: char| c.is_ascii_lowercase()))),
        ),
        (mostly(label_word()), mostly(label_word())),
        (mostly("x-[a-z]{1,5}".prop_map(String::from)), free_text()),
        (mostly(label_word()), mostly(label_word())),
        (free_text(), free_text()),
        any::<bool>(),
    )
        .prop_map(
            |((east, west, app), (d1, d2), (header, header_value), (lk, lv), (a1, a2), egress)| {
                let mut values = json!({
                    "clusterDomain": format!("apps.{d1}.example"),
                    "app": {"name": app},
                    "clusters": {
                        east.clone(): {"domain": format!("apps.{d1}.{east}.example")},
                        west.clone(): {"domain": format!("{d2}.example")},
                    },
                    "gateway": {"rules": [{
                        "name": "canary",
                        "matches": [{"headers": {header: header_value}}],
                        "backends": [{"spoke": west}],
                    }]},
                    "labels": {format!("team.example/{lk}"): lv},
                    "route": {"annotations": {"example.com/a": a1, "example.com/b": a2}},
                });
                if egress {
                    values["egress"] = json!({"hosts": [format!("api.{d2}.example"), {"host": format!("{d1}.example"), "port": 8443}]});
                }
                values
            },
        )
}

/// Every accepted render of adversarial values reaches kubectl as the
/// objects `-o json` prints; every refused one is a clean error.
#[test]
fn kubectl_reads_renders_of_adversarial_values_as_their_json() {
    if !have_kubectl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("values.yaml");
    let file_arg = file.to_string_lossy().into_owned();
    let config = Config {
        cases: 32,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let accepted = std::cell::Cell::new(0);
    runner
        .run(&adversarial_values(), |values| {
            std::fs::write(&file, serde_json::to_string_pretty(&values).unwrap()).unwrap();
            let yaml = hubgw_run(&["render", "-f", &file_arg]);
            if yaml.code != 0 {
                prop_assert!(yaml.code == 1 || yaml.code == 2, "{}", yaml.stderr);
                prop_assert!(yaml.stdout.is_empty(), "partial stdout: {}", yaml.stdout);
                prop_assert!(
                    yaml.stderr.starts_with("error: ") && !yaml.stderr.contains("panicked"),
                    "{}",
                    yaml.stderr
                );
                return Ok(());
            }
            accepted.set(accepted.get() + 1);
            let json = hubgw_run(&["render", "-f", &file_arg, "-o", "json"]);
            prop_assert_eq!(json.code, 0, "{}", json.stderr);
            let list: Value = serde_json::from_str(&json.stdout).unwrap();
            let items = list["items"].as_array().unwrap();
            prop_assert_eq!(&kubectl_decode(&yaml.stdout), items, "{}", yaml.stdout);
            Ok(())
        })
        .unwrap();
    // A generator whose every case is refused would test nothing.
    assert!(accepted.get() > 0, "no adversarial values file rendered");
}
