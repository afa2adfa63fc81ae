//! Invalid manifests produce the API-server-style finding (path and message) expected.

use super::super::SchemaReport;
use super::fixtures::*;
use serde_json::{json, Value};

#[track_caller]
fn assert_finding(report: &SchemaReport, path: &str, message: &str) {
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.path == path && f.message == message),
        "expected `{path}: {message}`, got {:#?}",
        report.findings
    );
}

fn with(yaml: &str, edit: impl FnOnce(&mut Value)) -> SchemaReport {
    let mut d = doc(yaml);
    edit(&mut d);
    validate(&d)
}

#[test]
fn backend_weight_above_maximum() {
    let r = with(HTTPROUTE, |d| {
        set(d, "/spec/rules/0/backendRefs/0/weight", json!(2000000))
    });
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_finding(
        &r,
        "spec.rules[0].backendRefs[0].weight",
        "Invalid value: 2000000: spec.rules[0].backendRefs[0].weight in body should be less than or equal to 1000000",
    );
}

#[test]
fn backend_weight_wrong_type() {
    let r = with(HTTPROUTE, |d| {
        set(d, "/spec/rules/0/backendRefs/0/weight", json!("fifty"))
    });
    assert_finding(
        &r,
        "spec.rules[0].backendRefs[0].weight",
        "Invalid value: \"string\": spec.rules[0].backendRefs[0].weight in body must be of type integer: \"fifty\"",
    );
}

#[test]
fn path_prefix_without_leading_slash_fails_cel_rule() {
    let r = with(HTTPROUTE, |d| {
        set(d, "/spec/rules/0/matches/0/path/value", json!("api"))
    });
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_finding(
        &r,
        "spec.rules[0].matches[0].path",
        "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
    );
}

#[test]
fn backend_ref_without_name_is_required() {
    let r = with(HTTPROUTE, |d| remove(d, "/spec/rules/0/backendRefs/0/name"));
    assert_finding(&r, "spec.rules[0].backendRefs[0].name", "Required value");
}

#[test]
fn seventeen_backend_refs_are_too_many() {
    let r = with(HTTPROUTE, |d| {
        let br = d["spec"]["rules"][1]["backendRefs"][0].clone();
        set(d, "/spec/rules/1/backendRefs", json!(vec![br; 17]));
    });
    assert_finding(
        &r,
        "spec.rules[1].backendRefs",
        "Too many: 17: must have at most 16 items",
    );
}

#[test]
fn seventeen_rules_are_too_many() {
    let r = with(HTTPROUTE, |d| {
        let rule = d["spec"]["rules"][1].clone();
        set(d, "/spec/rules", json!(vec![rule; 17]));
    });
    assert_finding(&r, "spec.rules", "Too many: 17: must have at most 16 items");
}

#[test]
fn request_header_modifier_filter_without_config_fails_cel_rule() {
    let r = with(HTTPROUTE, |d| {
        remove(d, "/spec/rules/0/filters/0/requestHeaderModifier")
    });
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_finding(
        &r,
        "spec.rules[0].filters[0]",
        "filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type",
    );
}

#[test]
fn rule_name_must_be_a_dns_label_like_name() {
    let r = with(HTTPROUTE, |d| {
        set(d, "/spec/rules/0/name", json!("Not_A_Label"))
    });
    assert_finding(
        &r,
        "spec.rules[0].name",
        r#"Invalid value: "Not_A_Label": spec.rules[0].name in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'"#,
    );
}

#[test]
fn unknown_field_in_httproute() {
    let r = with(HTTPROUTE, |d| {
        set(d, "/spec/rules/0/backendRefs/0/wieght", json!(1))
    });
    assert_finding(
        &r,
        "spec.rules[0].backendRefs[0].wieght",
        "unknown field \"spec.rules[0].backendRefs[0].wieght\"",
    );
}

#[test]
fn listener_port_out_of_range() {
    let r = with(GATEWAY, |d| set(d, "/spec/listeners/0/port", json!(70000)));
    assert_finding(
        &r,
        "spec.listeners[0].port",
        "Invalid value: 70000: spec.listeners[0].port in body should be less than or equal to 65535",
    );
}

#[test]
fn duplicate_listener_names() {
    let r = with(GATEWAY, |d| {
        let mut l = d["spec"]["listeners"][0].clone();
        l["port"] = json!(9090);
        set(d, "/spec/listeners/1", l);
    });
    // Both the list-map key uniqueness and the CEL rule catch it, in walk order.
    assert_eq!(
        r.findings
            .iter()
            .map(|f| format!("{}: {}", f.path, f.message))
            .collect::<Vec<_>>(),
        vec![
            "spec.listeners[1]: Duplicate value: {\"name\":\"http\"}",
            "spec.listeners: Listener name must be unique within the Gateway",
        ]
    );
}

#[test]
fn duplicate_listener_port_protocol_hostname() {
    let r = with(GATEWAY, |d| {
        let mut l = d["spec"]["listeners"][0].clone();
        l["name"] = json!("http-2");
        set(d, "/spec/listeners/1", l);
    });
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_finding(
        &r,
        "spec.listeners",
        "Combination of port, protocol and hostname must be unique for each listener",
    );
}

#[test]
fn destination_rule_unknown_field() {
    let r = with(DESTINATIONRULE, |d| {
        set(
            d,
            "/spec/trafficPolicy/connectionPool/tcp",
            json!({"maxConection": 100}),
        )
    });
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_finding(
        &r,
        "spec.trafficPolicy.connectionPool.tcp.maxConection",
        "unknown field \"spec.trafficPolicy.connectionPool.tcp.maxConection\"",
    );
}

#[test]
fn destination_rule_unsupported_enum_value() {
    let r = with(DESTINATIONRULE, |d| {
        set(
            d,
            "/spec/trafficPolicy/connectionPool/http/h2UpgradePolicy",
            json!("SOMETIMES"),
        )
    });
    assert_finding(
        &r,
        "spec.trafficPolicy.connectionPool.http.h2UpgradePolicy",
        "Unsupported value: \"SOMETIMES\": supported values: \"DEFAULT\", \"DO_NOT_UPGRADE\", \"UPGRADE\"",
    );
}

#[test]
fn destination_rule_max_ejection_percent_is_not_bounded_by_the_schema() {
    // Istio 1.30.3's CRD only says `type: integer, format: int32` (no maximum): 101 passes
    // schema validation (istiod's webhook would reject it).
    let r = with(DESTINATIONRULE, |d| {
        set(
            d,
            "/spec/trafficPolicy/outlierDetection/maxEjectionPercent",
            json!(101),
        )
    });
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // ...but the int32 format range is enforced.
    let r = with(DESTINATIONRULE, |d| {
        set(
            d,
            "/spec/trafficPolicy/outlierDetection/maxEjectionPercent",
            json!(3000000000u64),
        )
    });
    assert_finding(
        &r,
        "spec.trafficPolicy.outlierDetection.maxEjectionPercent",
        "Invalid value: 3000000000: spec.trafficPolicy.outlierDetection.maxEjectionPercent in body must be of type int32: \"3000000000\"",
    );
}

#[test]
fn destination_rule_duration_cel_rule() {
    let r = with(DESTINATIONRULE, |d| {
        set(
            d,
            "/spec/trafficPolicy/outlierDetection/interval",
            json!("0.5ms"),
        )
    });
    assert_finding(
        &r,
        "spec.trafficPolicy.outlierDetection.interval",
        "must be a valid duration greater than 1ms",
    );
    // Not a Go duration at all: the rule errors, which is counted, not passed or failed.
    let r = with(DESTINATIONRULE, |d| {
        set(
            d,
            "/spec/trafficPolicy/outlierDetection/interval",
            json!("10 seconds"),
        )
    });
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.cel_unevaluated.len(), 1, "{:#?}", r.cel_unevaluated);
    assert_eq!(
        r.cel_unevaluated[0].path,
        "spec.trafficPolicy.outlierDetection.interval"
    );
    assert_eq!(
        r.cel_unevaluated[0].rule,
        "duration(self) >= duration('1ms')"
    );
}

#[test]
fn destination_rule_mutually_exclusive_load_balancer_fields() {
    let r = with(DESTINATIONRULE, |d| {
        set(
            d,
            "/spec/trafficPolicy/loadBalancer",
            json!({"simple": "ROUND_ROBIN", "consistentHash": {"httpHeaderName": "x-user"}}),
        )
    });
    assert_finding(
        &r,
        "spec.trafficPolicy.loadBalancer",
        "Invalid value: \"object\": spec.trafficPolicy.loadBalancer in body must validate one and only one schema (oneOf). Found 2 valid alternatives",
    );
}

#[test]
fn service_entry_invalid_resolution() {
    let r = with(SERVICEENTRY, |d| {
        set(d, "/spec/resolution", json!("DNS_MAYBE"))
    });
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_finding(
        &r,
        "spec.resolution",
        "Unsupported value: \"DNS_MAYBE\": supported values: \"NONE\", \"STATIC\", \"DNS\", \"DNS_ROUND_ROBIN\", \"DYNAMIC_DNS\"",
    );
}

#[test]
fn service_entry_port_number_cel_rule() {
    let r = with(SERVICEENTRY, |d| set(d, "/spec/ports/0/number", json!(0)));
    assert!(
        r.findings.iter().any(|f| f.path == "spec.ports[0].number"),
        "{:#?}",
        r.findings
    );
}

#[test]
fn route_host_with_underscore() {
    let r = with(ROUTE, |d| {
        set(d, "/spec/host", json!("web_app.example.com"))
    });
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_finding(
        &r,
        "spec.host",
        r#"Invalid value: "web_app.example.com": spec.host in body should match '^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9]))*$'"#,
    );
}

#[test]
fn route_target_port_zero_fails_not() {
    let r = with(ROUTE, |d| set(d, "/spec/port/targetPort", json!(0)));
    assert_finding(
        &r,
        "spec.port.targetPort",
        "Invalid value: 0: spec.port.targetPort in body must not validate the schema (not)",
    );
}

#[test]
fn route_passthrough_with_insecure_allow_fails_cel_rule() {
    let r = with(ROUTE, |d| {
        set(
            d,
            "/spec/tls",
            json!({"termination": "passthrough", "insecureEdgeTerminationPolicy": "Allow"}),
        )
    });
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_finding(
        &r,
        "spec.tls",
        "cannot have both spec.tls.termination: passthrough and spec.tls.insecureEdgeTerminationPolicy: Allow",
    );
}

#[test]
fn metadata_name_is_required() {
    let r = with(ROUTE, |d| remove(d, "/metadata/name"));
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_finding(
        &r,
        "metadata.name",
        "Required value: name or generateName is required",
    );
    // generateName is enough; metadata contents are not checked against the CRD schema.
    let r = with(ROUTE, |d| {
        set(
            d,
            "/metadata",
            json!({"generateName": "web-", "labels": {"a": "b"}}),
        )
    });
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn unknown_top_level_field() {
    let r = with(VIRTUALSERVICE, |d| set(d, "/sepc", json!({})));
    assert_finding(&r, "sepc", "unknown field \"sepc\"");
}

#[test]
fn findings_are_in_walk_order() {
    let r = with(HTTPROUTE, |d| {
        set(d, "/spec/rules/0/backendRefs/0/weight", json!(2000000));
        set(d, "/spec/rules/1/backendRefs/0/weight", json!(-1));
        set(d, "/spec/parentRefs/0/port", json!(0));
    });
    let paths: Vec<&str> = r.findings.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "spec.parentRefs[0].port",
            "spec.rules[0].backendRefs[0].weight",
            "spec.rules[1].backendRefs[0].weight"
        ]
    );
}

#[test]
fn parent_refs_cel_rules_see_escaped_namespace_field() {
    // `namespace` is a CEL reserved word: the rules read it as `__namespace__`.
    let other_ns = with(HTTPROUTE, |d| {
        set(
            d,
            "/spec/parentRefs/1",
            json!({"name": "hub", "namespace": "other"}),
        )
    });
    assert!(other_ns.findings.is_empty(), "{:#?}", other_ns.findings);
    let same_ns = with(HTTPROUTE, |d| {
        set(
            d,
            "/spec/parentRefs/1",
            json!({"name": "hub", "namespace": "istio-ingress"}),
        )
    });
    assert_finding(
        &same_ns,
        "spec.parentRefs",
        "sectionName must be specified when parentRefs includes 2 or more references to the same parent",
    );
}

#[test]
fn null_for_non_nullable_field_is_pruned_then_defaulted() {
    // The API server drops `weight: null` and applies the default (1).
    let r = with(HTTPROUTE, |d| {
        set(d, "/spec/rules/0/backendRefs/0/weight", Value::Null)
    });
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // A null list item is not pruned.
    let r = with(HTTPROUTE, |d| set(d, "/spec/hostnames/1", Value::Null));
    assert_finding(
        &r,
        "spec.hostnames[1]",
        "Invalid value: \"null\": spec.hostnames[1] in body must be of type string: \"null\"",
    );
}
