//! The Istio API mode's gateway installation matches seed 001 (OpenShift
//! Service Mesh 3 "Gateways", chapter 1) field by field. The seed's YAML is
//! below with <gateway_name> = hub-gateway and <gateway_namespace> =
//! hub-gateway-system; the example enables the HPA and PDB as the seed does.

mod common;
use common::*;

use serde_json::Value;

const SEED: &str = r#"
apiVersion: v1
kind: ServiceAccount
metadata:
  name: secret-reader
  namespace: hub-gateway-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: secret-reader
  namespace: hub-gateway-system
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: secret-reader
  namespace: hub-gateway-system
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: secret-reader
subjects:
  - kind: ServiceAccount
    name: secret-reader
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hub-gateway
  namespace: hub-gateway-system
spec:
  selector:
    matchLabels:
      istio: hub-gateway
  template:
    metadata:
      annotations:
        inject.istio.io/templates: gateway
      labels:
        istio: hub-gateway
        sidecar.istio.io/inject: "true"
    spec:
      containers:
        - name: istio-proxy
          image: auto
          securityContext:
            capabilities:
              drop:
                - ALL
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
          ports:
            - containerPort: 15090
              protocol: TCP
              name: http-envoy-prom
          resources:
            limits:
              cpu: 2000m
              memory: 1024Mi
            requests:
              cpu: 100m
              memory: 128Mi
      securityContext:
        sysctls:
          - name: net.ipv4.ip_unprivileged_port_start
            value: "0"
      serviceAccountName: secret-reader
---
apiVersion: v1
kind: Service
metadata:
  name: hub-gateway
  namespace: hub-gateway-system
spec:
  type: ClusterIP
  selector:
    istio: hub-gateway
  ports:
    - name: status-port
      port: 15021
      protocol: TCP
      targetPort: 15021
    - name: http2
      port: 80
      protocol: TCP
      targetPort: 80
    - name: https
      port: 443
      protocol: TCP
      targetPort: 443
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: hub-gateway
  namespace: hub-gateway-system
spec:
  minReplicas: 2
  maxReplicas: 5
  metrics:
    - resource:
        name: cpu
        target:
          averageUtilization: 80
          type: Utilization
      type: Resource
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: hub-gateway
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: hub-gateway
  namespace: hub-gateway-system
spec:
  minAvailable: 1
  selector:
    matchLabels:
      istio: hub-gateway
"#;

/// Every leaf of `seed` as (JSON pointer, value).
fn leaves(value: &Value, pointer: String, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                leaves(
                    v,
                    format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, format!("{pointer}/{i}"), out);
            }
        }
        leaf => out.push((pointer, leaf.clone())),
    }
}

#[test]
fn istio_mode_gateway_install_matches_seed_001_field_by_field() {
    let rendered = hubgw_run(&["render", "-f", &example("istio-api.yaml")]);
    assert_eq!(rendered.code, 0, "{}", rendered.stderr);
    let objects: Vec<Value> = docs(&rendered.stdout)
        .iter()
        .map(|d| serde_json::to_value(d).unwrap())
        .collect();
    let seed: Vec<Value> = docs(SEED)
        .iter()
        .map(|d| serde_json::to_value(d).unwrap())
        .collect();
    let mut compared = Vec::new();
    for expected in &seed {
        let kind = expected["kind"].as_str().unwrap();
        let name = expected["metadata"]["name"].as_str().unwrap();
        let actual = objects
            .iter()
            .find(|o| {
                o["kind"] == kind
                    && o["metadata"]["name"] == name
                    && o["apiVersion"] == expected["apiVersion"]
            })
            .unwrap_or_else(|| panic!("the render has no {kind}/{name}"));
        let mut fields = Vec::new();
        leaves(expected, String::new(), &mut fields);
        for (pointer, value) in &fields {
            assert_eq!(
                actual.pointer(pointer),
                Some(value),
                "{kind}/{name}: field {pointer} differs from seed 001"
            );
        }
        compared.push(format!("{kind}/{name}: {} fields", fields.len()));
        // Nothing beyond the seed in the spec but what is listed here.
        let mut extra = Vec::new();
        leaves(&actual["spec"], "/spec".into(), &mut extra);
        leaves(&actual["rules"], "/rules".into(), &mut extra);
        let unexpected: Vec<_> = extra
            .iter()
            .filter(|(p, v)| !v.is_null() && !fields.iter().any(|(q, _)| q == p))
            .map(|(p, _)| p.clone())
            .collect();
        assert!(
            unexpected.is_empty(),
            "{kind}/{name} has fields the seed lacks: {unexpected:?}"
        );
    }
    assert_eq!(
        compared,
        [
            "ServiceAccount/secret-reader: 4 fields",
            "Role/secret-reader: 9 fields",
            "RoleBinding/secret-reader: 9 fields",
            "Deployment/hub-gateway: 25 fields",
            "Service/hub-gateway: 18 fields",
            "HorizontalPodAutoscaler/hub-gateway: 13 fields",
            "PodDisruptionBudget/hub-gateway: 6 fields",
        ]
    );
}

#[test]
fn load_balancer_on_request() {
    let r = hubgw_run(&[
        "render",
        "-f",
        &example("istio-api.yaml"),
        "--set",
        "gateway.serviceType=LoadBalancer",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let service = docs(&r.stdout)
        .into_iter()
        .find(|d| d["kind"] == "Service" && d["metadata"]["name"] == "hub-gateway")
        .unwrap();
    assert_eq!(service["spec"]["type"], "LoadBalancer");
}

#[test]
fn hpa_and_pdb_are_optional() {
    let r = hubgw_run(&[
        "render",
        "-f",
        &example("istio-api.yaml"),
        "--set",
        "gateway.deployment.autoscaling.enabled=false",
        "--set",
        "gateway.deployment.podDisruptionBudget.enabled=false",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let kinds: Vec<String> = docs(&r.stdout).iter().map(kind_name).collect();
    assert!(
        !kinds
            .iter()
            .any(|k| k.starts_with("HorizontalPodAutoscaler/")
                || k.starts_with("PodDisruptionBudget/")),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"Deployment/hub-gateway".to_string()));
}
