//! The registry: one per target, schemas parsed lazily and shared across releases, a
//! cluster's CRD files read with errors naming the file.

use serde_json::json;

use super::super::CrdRegistry;
use super::fixtures::{doc, HTTPROUTE};
use crate::target::{GatewayApi, Istio};

#[test]
fn a_schema_is_parsed_only_when_an_object_of_its_kind_is_validated() {
    // No other test of the crate validates against Gateway API v1.3.0.
    let registry = CrdRegistry::for_target(GatewayApi::V1_3_0, Istio::V1_27);
    let newest = CrdRegistry::for_target(GatewayApi::V1_6_1, Istio::V1_30);
    let (api_version, kind) = ("gateway.networking.k8s.io/v1", "HTTPRoute");
    assert_ne!(
        registry.text_index(api_version, kind),
        newest.text_index(api_version, kind),
        "v1.3.0's HTTPRoute is not v1.6.1's"
    );
    assert!(!registry.is_parsed(api_version, kind));
    let (_, parsed, _) = CrdRegistry::embedded_counts();
    let (texts, _, _) = CrdRegistry::embedded_counts();
    assert!(parsed < texts, "{parsed} of {texts} parsed before any use");
    let report = registry
        .schema_for(api_version, kind)
        .unwrap()
        .validate(&doc(HTTPROUTE));
    assert!(report.is_valid(), "{:#?}", report.findings);
    assert!(registry.is_parsed(api_version, kind));
    // The same registry, not a new one, for the same pair.
    assert!(std::ptr::eq(
        registry,
        CrdRegistry::for_target(GatewayApi::V1_3_0, Istio::V1_27)
    ));
}

#[test]
fn identical_schemas_of_several_releases_are_one_text() {
    let (texts, _, entries) = CrdRegistry::embedded_counts();
    assert!(texts < entries, "{texts} texts for {entries} entries");
    // Istio keeps most kinds unchanged between minors: some kind shares its text.
    let shared = Istio::ALL.windows(2).any(|pair| {
        [
            "DestinationRule",
            "Gateway",
            "ServiceEntry",
            "VirtualService",
        ]
        .iter()
        .any(|kind| {
            let a = CrdRegistry::for_target(GatewayApi::OLDEST, pair[0]);
            let b = CrdRegistry::for_target(GatewayApi::OLDEST, pair[1]);
            let av = "networking.istio.io/v1";
            a.text_index(av, kind).is_some() && a.text_index(av, kind) == b.text_index(av, kind)
        })
    });
    assert!(shared);
}

#[test]
fn every_target_serves_every_needed_kind() {
    for g in GatewayApi::ALL {
        for i in Istio::ALL {
            let registry = CrdRegistry::for_target(g, i);
            let sources = registry.sources();
            // The 9 kinds hubgw renders, the 10 other Istio kinds, and the
            // Gateway API kinds each release ships (GRPCRoute,
            // BackendTLSPolicy, TLS/TCP/UDPRoute; XListenerSet in v1.3.0 and
            // v1.4.1, ListenerSet from v1.6.1).
            let extra = if g == GatewayApi::V1_2_1 { 5 } else { 6 };
            assert_eq!(sources.len(), 9 + 10 + extra, "{g:?} {i:?}: {sources:#?}");
            assert!(
                sources.iter().any(|s| s.kind == "AuthorizationPolicy"
                    && s.group == "security.istio.io"
                    && s.versions.contains(&"v1".to_string())),
                "{g:?} {i:?}"
            );
            let http = registry
                .schema_for("gateway.networking.k8s.io/v1", "HTTPRoute")
                .unwrap();
            assert_eq!(http.origin(), format!("Gateway API {}", g.as_str()));
            let dr = registry
                .schema_for("networking.istio.io/v1", "DestinationRule")
                .unwrap();
            assert_eq!(dr.origin(), format!("Istio {}", i.crd_release()));
            let route = sources.iter().find(|s| s.kind == "Route").unwrap();
            assert_eq!(route.source_file, "openshift-route-v1_routes.crd.yaml");
        }
    }
}

#[test]
fn unknown_kinds_and_versions_have_no_schema_in_any_target() {
    for g in GatewayApi::ALL {
        let registry = CrdRegistry::for_target(g, Istio::OLDEST);
        assert!(registry.schema_for("apps/v1", "Deployment").is_none());
        assert!(registry
            .schema_for("gateway.networking.k8s.io/v1alpha1", "GRPCRoute")
            .is_none());
        assert!(registry.schema_for("v1", "HTTPRoute").is_none());
        assert!(!registry.has_kind("gateway.networking.x-k8s.io", "XMesh"));
    }
}

#[test]
fn rule_names_first_appear_in_v1_4_1() {
    let declares = |g| {
        CrdRegistry::for_target(g, Istio::OLDEST)
            .schema_for("gateway.networking.k8s.io/v1", "HTTPRoute")
            .unwrap()
            .declares("spec.rules[0].name")
    };
    for g in GatewayApi::ALL {
        assert_eq!(declares(g), g.has_rule_names(), "{g:?}");
    }
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hubgw-crds-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const WIDGET_CRD: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
            x-kubernetes-validations:
            - rule: self.size < 10
              message: size must be below 10
  - name: v0
    served: false
    storage: false
"#;

#[test]
fn cluster_crd_files_are_read_with_their_rules() {
    let dir = temp_dir("read");
    let file = dir.join("widgets.yaml");
    std::fs::write(&file, WIDGET_CRD).unwrap();
    let registry = CrdRegistry::from_crd_files(&[&file]).unwrap();
    assert!(registry.schema_for("example.com/v0", "Widget").is_none());
    let schema = registry.schema_for("example.com/v1", "Widget").unwrap();
    let object = json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "w"}, "spec": {"size": 12}});
    let report = schema.validate(&object);
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    assert_eq!(report.findings[0].message, "size must be below 10");
    assert_eq!(report.cel_evaluated, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cluster_crd_file_errors_name_the_file() {
    let dir = temp_dir("errors");
    let cases = [
        ("service.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n", "document 0 is a Service, not a CustomResourceDefinition"),
        ("empty.yaml", "", "no CustomResourceDefinition in it"),
        ("bad.yaml", "kind: [\n", "invalid YAML"),
        (
            "badschema.yaml",
            "kind: CustomResourceDefinition\nmetadata: {name: a.b}\nspec:\n  group: b\n  names: {kind: A}\n  versions:\n  - name: v1\n    served: true\n    schema:\n      openAPIV3Schema: {type: object, properties: {x: {minLength: -1}}}\n",
            "document 0 (a.b), version v1: openAPIV3Schema: properties.x.minLength: invalid value: integer `-1`, expected u64",
        ),
    ];
    for (name, text, expected) in cases {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let err = CrdRegistry::from_crd_files(&[&file])
            .err()
            .unwrap_or_else(|| panic!("{name} must fail"));
        assert_eq!(err.file, file.display().to_string());
        assert!(err.message.contains(expected), "{name}: {}", err.message);
    }
    let missing = CrdRegistry::from_crd_files(&[dir.join("missing.yaml")])
        .err()
        .unwrap();
    assert!(
        missing.message.starts_with("cannot read it:"),
        "{}",
        missing.message
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
