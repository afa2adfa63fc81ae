//! Typed strictness: each document is read into the typed struct of its kind
//! (k8s-openapi, gateway-api, or our generated Istio/Route bindings). serde
//! skips unknown fields; `serde_ignored` tells which it skipped, and each is
//! one the struct does not know.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::manifest::generated::{
    istio_destinationrule::DestinationRule, istio_gateway::Gateway as IstioGateway,
    istio_serviceentry::ServiceEntry, istio_virtualservice::VirtualService, openshift_route::Route,
};
use crate::manifest::podmonitor::PodMonitor;
use gateway_api::apis::standard::{
    gatewayclasses::GatewayClass, gateways::Gateway, httproutes::HttpRoute,
    referencegrants::ReferenceGrant,
};
use k8s_openapi::api::{
    apps::v1::Deployment,
    autoscaling::v2::HorizontalPodAutoscaler,
    core::v1::{ConfigMap, Namespace, Service, ServiceAccount},
    policy::v1::PodDisruptionBudget,
    rbac::v1::{ClusterRole, Role, RoleBinding},
};

/// A field-level problem: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub path: String,
    pub message: String,
}

type Check = fn(&Value) -> Vec<FieldProblem>;

/// The kinds hubgw knows: (apiVersion, kind, typed check).
const KINDS: &[(&str, &str, Check)] = &[
    ("v1", "Namespace", typed_read::<Namespace>),
    ("v1", "Service", typed_read::<Service>),
    ("v1", "ConfigMap", typed_read::<ConfigMap>),
    ("v1", "ServiceAccount", typed_read::<ServiceAccount>),
    ("apps/v1", "Deployment", typed_read::<Deployment>),
    ("rbac.authorization.k8s.io/v1", "Role", typed_read::<Role>),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        typed_read::<ClusterRole>,
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        typed_read::<RoleBinding>,
    ),
    (
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        typed_read::<HorizontalPodAutoscaler>,
    ),
    (
        "policy/v1",
        "PodDisruptionBudget",
        typed_read::<PodDisruptionBudget>,
    ),
    (
        "gateway.networking.k8s.io/v1",
        "Gateway",
        typed_read::<Gateway>,
    ),
    (
        "gateway.networking.k8s.io/v1",
        "HTTPRoute",
        typed_read::<HttpRoute>,
    ),
    (
        "gateway.networking.k8s.io/v1",
        "GatewayClass",
        typed_read::<GatewayClass>,
    ),
    (
        "gateway.networking.k8s.io/v1beta1",
        "ReferenceGrant",
        typed_read::<ReferenceGrant>,
    ),
    (
        "gateway.networking.k8s.io/v1",
        "ReferenceGrant",
        typed_read::<ReferenceGrant>,
    ),
    (
        "networking.istio.io/v1",
        "DestinationRule",
        typed_read::<DestinationRule>,
    ),
    (
        "networking.istio.io/v1",
        "ServiceEntry",
        typed_read::<ServiceEntry>,
    ),
    (
        "networking.istio.io/v1",
        "Gateway",
        typed_read::<IstioGateway>,
    ),
    (
        "networking.istio.io/v1",
        "VirtualService",
        typed_read::<VirtualService>,
    ),
    ("route.openshift.io/v1", "Route", typed_read::<Route>),
    (
        "monitoring.coreos.com/v1",
        "PodMonitor",
        typed_read::<PodMonitor>,
    ),
];

/// The typed check for a kind, or None if hubgw does not know it.
pub fn check_for(api_version: &str, kind: &str) -> Option<Check> {
    let api_version = typed_version(api_version, kind);
    KINDS
        .iter()
        .find(|(v, k, _)| *v == api_version && *k == kind)
        .map(|(_, _, check)| *check)
}

/// The apiVersion whose typed struct reads an object: every served version
/// of an Istio networking kind has the same schema (istio
/// `manifests/charts/base/files/crd-all.gen.yaml` at 1.24.6 to 1.30.3 serves
/// `v1`, `v1beta1` and `v1alpha3` of each), and so do Gateway API's `v1beta1`
/// Gateway, GatewayClass and HTTPRoute (`config/crd/standard/*.yaml`, v1.2.1
/// to v1.6.1). The embedded schema of the served version is still checked.
fn typed_version<'a>(api_version: &'a str, kind: &str) -> &'a str {
    match (api_version, kind) {
        ("networking.istio.io/v1beta1" | "networking.istio.io/v1alpha3", _) => {
            "networking.istio.io/v1"
        }
        ("gateway.networking.k8s.io/v1beta1", "Gateway" | "GatewayClass" | "HTTPRoute") => {
            "gateway.networking.k8s.io/v1"
        }
        _ => api_version,
    }
}

/// Every (apiVersion, kind) with a typed check, for docs and errors.
pub fn known_kinds() -> impl Iterator<Item = (&'static str, &'static str)> {
    KINDS.iter().map(|(v, k, _)| (*v, *k))
}

fn typed_read<T: DeserializeOwned>(object: &Value) -> Vec<FieldProblem> {
    let mut ignored = Vec::new();
    let mut skipped = |path: serde_ignored::Path| {
        let mut spelled = String::new();
        spell(&path, &mut spelled);
        // The API server drops nulls before it stores an object; and some
        // typed kinds leave `apiVersion`/`kind` at the top to their wrapper.
        let null = value_at(object, &path).is_some_and(Value::is_null);
        if !null && spelled != "apiVersion" && spelled != "kind" {
            ignored.push(spelled);
        }
    };
    // One callback type for every kind: serde_ignored's deserializer is
    // generic over it, so a closure type per kind would build the readers of
    // shared types (ObjectMeta, LabelSelector, ...) once per kind.
    let skipped: &mut dyn FnMut(serde_ignored::Path) = &mut skipped;
    let read = serde_ignored::deserialize(object, skipped);
    if let Err(first) = read.map(|_: T| ()) {
        // Read again only to name the place: tracking paths costs a fifth of
        // the check, and a failure is rare.
        let (path, message) = match serde_path_to_error::deserialize::<_, T>(object) {
            Err(e) => (e.path().to_string(), e.inner().to_string()),
            Ok(_) => (String::new(), first.to_string()),
        };
        return vec![FieldProblem {
            path: path.trim_start_matches('.').to_string(),
            message: plain_serde_message(&message),
        }];
    }
    ignored
        .into_iter()
        .map(|path| FieldProblem {
            message: format!("unknown field \"{path}\""),
            path,
        })
        .collect()
}

/// A field path as the API server spells it: `spec.ports[0].name`.
fn spell(path: &serde_ignored::Path, out: &mut String) {
    use serde_ignored::Path;
    match path {
        Path::Root => {}
        Path::Seq { parent, index } => {
            spell(parent, out);
            out.push('[');
            out.push_str(&index.to_string());
            out.push(']');
        }
        Path::Map { parent, key } => {
            spell(parent, out);
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(key);
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => spell(parent, out),
    }
}

/// The value of `object` at `path`.
fn value_at<'a>(object: &'a Value, path: &serde_ignored::Path) -> Option<&'a Value> {
    use serde_ignored::Path;
    match path {
        Path::Root => Some(object),
        Path::Seq { parent, index } => value_at(object, parent)?.get(index),
        Path::Map { parent, key } => value_at(object, parent)?.get(key),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => value_at(object, parent),
    }
}

/// serde's "invalid type: string "x", expected i32" in Kubernetes words.
fn plain_serde_message(message: &str) -> String {
    let mut text = message.to_string();
    for (rust, plain) in [
        ("expected i32", "expected an integer"),
        ("expected i64", "expected an integer"),
        ("expected u32", "expected a non-negative integer"),
        ("expected u16", "expected a non-negative integer"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
    ] {
        text = text.replace(rust, plain);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(doc: Value) -> Vec<FieldProblem> {
        let api = doc["apiVersion"].as_str().unwrap().to_string();
        let kind = doc["kind"].as_str().unwrap().to_string();
        check_for(&api, &kind).expect("known kind")(&doc)
    }

    #[test]
    fn unknown_field_is_found_in_a_typed_kind() {
        let problems = check(json!({
            "apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
            "metadata": {"name": "cb"},
            "spec": {"host": "a", "trafficPolicy": {"connectionPool": {"tcp": {"maxConection": 5}}}}
        }));
        assert_eq!(
            problems,
            [FieldProblem {
                path: "spec.trafficPolicy.connectionPool.tcp.maxConection".into(),
                message: "unknown field \"spec.trafficPolicy.connectionPool.tcp.maxConection\""
                    .into()
            }]
        );
    }

    #[test]
    fn unknown_fields_in_lists_are_spelled_like_the_api_server_and_nulls_pass() {
        let problems = check(json!({
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "color": null},
            "spec": {"ports": [{"port": 80}, {"port": 81, "prot": "TCP"}]}
        }));
        assert_eq!(
            problems,
            [FieldProblem {
                path: "spec.ports[1].prot".into(),
                message: "unknown field \"spec.ports[1].prot\"".into()
            }]
        );
    }

    #[test]
    fn wrong_type_names_the_path() {
        let problems = check(json!({
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"ports": [{"port": "eighty"}]}
        }));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "spec.ports[0].port");
        assert!(
            problems[0].message.contains("expected an integer"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn a_clean_document_round_trips() {
        let problems = check(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "s", "labels": {"a": "b"}, "annotations": {}},
            "spec": {"type": "ExternalName", "externalName": "a.example.com",
                     "ports": [{"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP"}]}
        }));
        assert_eq!(problems, []);
    }

    #[test]
    fn unknown_kind_has_no_check() {
        assert!(check_for("example.com/v1", "Widget").is_none());
        assert!(check_for("v1", "Service").is_some());
    }
}
