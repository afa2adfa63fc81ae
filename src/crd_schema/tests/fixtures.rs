//! Fixtures shared by the tests: one valid manifest per needed kind, and JSON edit helpers.

use super::super::{CrdRegistry, SchemaReport};
use crate::target::{GatewayApi, Istio};
use serde_json::Value;

pub const HTTPROUTE: &str = r#"
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: apps}
spec:
  parentRefs:
  - name: hub
    namespace: istio-ingress
    sectionName: http
  hostnames: ["app.example.com", "*.example.org"]
  rules:
  - matches:
    - path: {type: PathPrefix, value: /api}
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set:
        - name: Host
          value: api.internal
    backendRefs:
    - name: api
      port: 8080
      weight: 90
    - name: api-canary
      port: 8080
      weight: 10
  - matches:
    - path: {type: PathPrefix, value: /}
    backendRefs:
    - name: web
      port: 80
"#;

pub const GATEWAY: &str = r#"
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: hub, namespace: istio-ingress}
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    port: 8080
    protocol: HTTP
    allowedRoutes:
      namespaces: {from: Same}
"#;

pub const WAYPOINT: &str = r#"
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: waypoint, namespace: apps}
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE
"#;

pub const GATEWAYCLASS: &str = r#"
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: istio}
spec:
  controllerName: istio.io/gateway-controller
"#;

pub const REFERENCEGRANT: &str = r#"
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: allow-hub-routes, namespace: apps}
spec:
  from:
  - group: gateway.networking.k8s.io
    kind: HTTPRoute
    namespace: istio-ingress
  to:
  - group: ""
    kind: Service
"#;

pub const DESTINATIONRULE: &str = r#"
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: apps}
spec:
  host: api.apps.svc.cluster.local
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 100
      http:
        h2UpgradePolicy: DO_NOT_UPGRADE
        maxRequestsPerConnection: 10
    outlierDetection:
      consecutive5xxErrors: 3
      interval: 10s
      baseEjectionTime: 30s
      maxEjectionPercent: 100
"#;

pub const SERVICEENTRY: &str = r#"
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: external-api, namespace: apps}
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
  - number: 80
    name: http
    protocol: HTTP
"#;

pub const ROUTE: &str = r#"
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: web, namespace: apps}
spec:
  host: web.apps.example.com
  to:
    kind: Service
    name: web
    weight: 100
  port:
    targetPort: 8080
  tls:
    termination: edge
    insecureEdgeTerminationPolicy: Redirect
"#;

pub const ISTIO_GATEWAY: &str = r#"
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: hub-gw, namespace: istio-ingress}
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*.example.com"]
"#;

pub const VIRTUALSERVICE: &str = r#"
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: apps}
spec:
  hosts: [api.example.com]
  gateways: [istio-ingress/hub-gw]
  http:
  - match:
    - uri: {prefix: /api}
    route:
    - destination:
        host: api.apps.svc.cluster.local
        port: {number: 8080}
      weight: 100
    timeout: 5s
    retries: {attempts: 3, perTryTimeout: 2s}
"#;

/// (label, manifest) for every valid fixture.
pub const VALID: &[(&str, &str)] = &[
    ("HTTPRoute", HTTPROUTE),
    ("Gateway", GATEWAY),
    ("Gateway (waypoint)", WAYPOINT),
    ("GatewayClass", GATEWAYCLASS),
    ("ReferenceGrant", REFERENCEGRANT),
    ("DestinationRule", DESTINATIONRULE),
    ("ServiceEntry", SERVICEENTRY),
    ("Route", ROUTE),
    ("Gateway (Istio)", ISTIO_GATEWAY),
    ("VirtualService", VIRTUALSERVICE),
];

/// The CRDs these tests were written against: the newest embedded bundle and minor.
pub fn registry() -> &'static CrdRegistry {
    CrdRegistry::for_target(GatewayApi::V1_6_1, Istio::V1_30)
}

pub fn doc(yaml: &str) -> Value {
    crate::yaml::from_str("fixture", yaml).expect("fixture parses")
}

pub fn validate(object: &Value) -> SchemaReport {
    let api_version = object["apiVersion"].as_str().unwrap();
    let kind = object["kind"].as_str().unwrap();
    registry()
        .schema_for(api_version, kind)
        .unwrap_or_else(|| panic!("no schema for {api_version} {kind}"))
        .validate(object)
}

/// Sets the value at a JSON pointer, creating nothing: the parent must exist.
pub fn set(object: &mut Value, pointer: &str, value: Value) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let parent = object
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match parent {
        Value::Object(map) => {
            map.insert(last.to_owned(), value);
        }
        Value::Array(items) => {
            let i: usize = last.parse().unwrap();
            if i == items.len() {
                items.push(value);
            } else {
                items[i] = value;
            }
        }
        other => panic!("cannot set {pointer} in {other}"),
    }
}

/// Removes the value at a JSON pointer.
pub fn remove(object: &mut Value, pointer: &str) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    match object.pointer_mut(parent).unwrap() {
        Value::Object(map) => {
            map.shift_remove(last);
        }
        Value::Array(items) => {
            items.remove(last.parse::<usize>().unwrap());
        }
        _ => panic!("cannot remove {pointer}"),
    }
}
