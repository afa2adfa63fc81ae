//! Valid manifests of every needed kind validate with zero findings against the real CRDs.

use std::collections::BTreeMap;

use super::fixtures::{self, doc, validate, VALID};

#[test]
fn valid_documents_have_no_findings() {
    let mut failures = Vec::new();
    eprintln!(
        "{:<20} {:>9} {:>11} {:>10}",
        "kind", "evaluated", "unevaluated", "transition"
    );
    for (label, yaml) in VALID {
        let report = validate(&doc(yaml));
        eprintln!(
            "{:<20} {:>9} {:>11} {:>10}",
            label,
            report.cel_evaluated,
            report.cel_unevaluated.len(),
            report.transition_rules_skipped
        );
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for u in &report.cel_unevaluated {
            *reasons.entry(u.reason.as_str()).or_default() += 1;
        }
        for (reason, n) in reasons {
            eprintln!("    {n} x {reason}");
        }
        for u in &report.cel_unevaluated {
            eprintln!(
                "      at {}: {}",
                u.path,
                u.rule.chars().take(100).collect::<String>()
            );
        }
        if !report.findings.is_empty() {
            failures.push(format!("{label}: {:#?}", report.findings));
        }
        let _ = label;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_embedded_schema_parses() {
    let registry = fixtures::registry();
    let sources = registry.sources();
    // The 9 kinds hubgw renders, 10 more Istio kinds and 6 more Gateway API kinds.
    assert_eq!(sources.len(), 25, "{sources:#?}");
    for s in &sources {
        for v in &s.versions {
            let schema = registry
                .schema_for(&format!("{}/{}", s.group, v), &s.kind)
                .expect("listed schema exists");
            assert_eq!(schema.kind(), s.kind);
        }
    }
    eprintln!("{sources:#?}");
}

#[test]
fn reference_grant_v1_is_served_too() {
    let mut d = doc(fixtures::REFERENCEGRANT);
    d["apiVersion"] = serde_json::json!("gateway.networking.k8s.io/v1");
    let r = validate(&d);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn transition_rules_are_counted_not_evaluated() {
    // GatewayClass spec.controllerName is immutable (`self == oldSelf`).
    let r = validate(&doc(fixtures::GATEWAYCLASS));
    assert_eq!(r.transition_rules_skipped, 1);
    assert_eq!(r.cel_evaluated, 0);
    assert!(r.cel_unevaluated.is_empty());
}

#[test]
fn exact_cel_statistics_for_valid_documents() {
    let stats: Vec<(&str, usize, usize, usize)> = VALID
        .iter()
        .map(|(label, yaml)| {
            let r = validate(&doc(yaml));
            (
                *label,
                r.cel_evaluated,
                r.cel_unevaluated.len(),
                r.transition_rules_skipped,
            )
        })
        .collect();
    assert_eq!(
        stats,
        [
            ("HTTPRoute", 58, 0, 0),
            ("Gateway", 6, 0, 0),
            ("Gateway (waypoint)", 6, 0, 0),
            ("GatewayClass", 0, 0, 1),
            ("ReferenceGrant", 0, 0, 0),
            ("DestinationRule", 2, 0, 0),
            ("ServiceEntry", 7, 0, 0),
            ("Route", 3, 0, 0),
            ("Gateway (Istio)", 0, 0, 0),
            ("VirtualService", 2, 0, 0),
        ]
    );
}

#[test]
fn unknown_kinds_have_no_schema() {
    let registry = fixtures::registry();
    assert!(registry.schema_for("apps/v1", "Deployment").is_none());
    assert!(registry
        .schema_for("gateway.networking.k8s.io/v1alpha2", "HTTPRoute")
        .is_none());
    assert!(registry
        .schema_for("gateway.networking.k8s.io/v1alpha1", "GRPCRoute")
        .is_none());
}

#[test]
fn valid_documents_also_validate_against_older_served_versions() {
    for (label, yaml) in VALID {
        let d = doc(yaml);
        let api_version = d["apiVersion"].as_str().unwrap().to_owned();
        let (group, _) = api_version.split_once('/').unwrap();
        let registry = fixtures::registry();
        let source = registry
            .sources()
            .into_iter()
            .find(|s| s.group == group && Some(s.kind.as_str()) == d["kind"].as_str())
            .unwrap();
        for v in &source.versions {
            let mut d = d.clone();
            d["apiVersion"] = serde_json::json!(format!("{group}/{v}"));
            let r = validate(&d);
            assert!(r.findings.is_empty(), "{label} {v}: {:#?}", r.findings);
        }
    }
}

/// `stored` borrows exactly when pre-processing changes nothing, and otherwise
/// gives what pre-processing a copy gives: on every fixture, on every
/// manifest under tests/fixtures, and on fixtures with nulls and defaults to
/// apply.
#[test]
fn stored_borrows_only_what_preparing_leaves_alone() {
    use std::borrow::Cow;

    use serde_json::Value;

    use super::super::validate::prepare;
    use super::fixtures::{remove, set, HTTPROUTE, ROUTE};

    let mut objects: Vec<Value> = VALID.iter().map(|(_, yaml)| doc(yaml)).collect();
    for dir in ["valid", "invalid"] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(dir);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for value in crate::yaml::json_documents("fixture", &text).unwrap() {
                if value.get("kind").is_some() {
                    objects.push(value);
                }
            }
        }
    }
    let mut route = doc(HTTPROUTE);
    set(
        &mut route,
        "/spec/rules/0/backendRefs/0/weight",
        Value::Null,
    );
    objects.push(route.clone());
    remove(&mut route, "/spec/rules/1/backendRefs/0/port");
    set(&mut route, "/metadata/labels", Value::Null);
    objects.push(route);
    let mut openshift = doc(ROUTE);
    remove(&mut openshift, "/spec/to/kind");
    objects.push(openshift);

    let registry = fixtures::registry();
    let (mut borrowed, mut owned) = (0, 0);
    for object in &objects {
        let (Some(api_version), Some(kind)) =
            (object["apiVersion"].as_str(), object["kind"].as_str())
        else {
            continue;
        };
        let Some(schema) = registry.schema_for(api_version, kind) else {
            continue;
        };
        let mut prepared = object.clone();
        prepare(&mut prepared, schema.root(), true);
        let stored = schema.stored(object);
        assert_eq!(*stored, prepared, "{kind}");
        match stored {
            Cow::Borrowed(_) => {
                assert_eq!(
                    &prepared, object,
                    "{kind}: borrowed, yet preparing changes it"
                );
                borrowed += 1;
            }
            Cow::Owned(_) => {
                assert_ne!(
                    &prepared, object,
                    "{kind}: copied, yet preparing changes nothing"
                );
                owned += 1;
            }
        }
    }
    assert!(
        borrowed > 5 && owned > 5,
        "borrowed {borrowed}, owned {owned}"
    );
}
