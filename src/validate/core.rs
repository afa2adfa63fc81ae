//! The API server's own rules for core kinds, which no CRD schema carries:
//! object names, label syntax, Service ports and ExternalName hosts,
//! selectors that select, replica bounds, container ports and RBAC rules.
//! Only what hubgw renders or a user is likely to hand-write is covered; see
//! docs/reference.md.

use serde_json::Value;

use crate::dns::{self, label_value_problem, qualified_name_problem};
use crate::manifest::Manifest;

type Found = Vec<(String, String)>;

/// Every problem of `m` under the core rules, as (path, message).
pub fn check(m: &Manifest) -> Found {
    let mut out = Found::new();
    metadata(m, &mut out);
    match (m.group(), m.kind()) {
        ("", "Service") => service(&m.object, &mut out),
        ("apps", "Deployment") => deployment(&m.object, &mut out),
        ("autoscaling", "HorizontalPodAutoscaler") => hpa(&m.object, &mut out),
        ("policy", "PodDisruptionBudget") => pdb(&m.object, &mut out),
        _ => {}
    }
    out
}

fn push(out: &mut Found, path: &str, message: String) {
    out.push((path.to_string(), message));
}

fn metadata(m: &Manifest, out: &mut Found) {
    let name = m.name();
    let metadata = m.object.get("metadata");
    if name.is_empty() {
        if metadata.and_then(|md| md.get("generateName")).is_none() {
            push(
                out,
                "metadata.name",
                "Required value: name or generateName is required".into(),
            );
        }
    } else {
        // Namespaces and Services are DNS labels, RBAC objects path segments
        // (`ValidateRBACName` in kubernetes v1.32.1
        // `pkg/apis/rbac/validation/validation.go`: `system:aggregate-to-admin`
        // is a name); most other kinds are subdomains.
        let problem = match (m.group(), m.kind()) {
            ("", "Namespace") => dns::label_problem(name),
            ("", "Service") => dns::dns1035_label_problem(name),
            (
                "rbac.authorization.k8s.io",
                "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding",
            ) => path_segment_problem(name),
            _ => dns::subdomain_problem(name),
        };
        if let Some(p) = problem {
            push(
                out,
                "metadata.name",
                format!("Invalid value: {name:?}: {p}"),
            );
        }
    }
    let ns = m.namespace();
    if !ns.is_empty() {
        if let Some(p) = dns::label_problem(ns) {
            push(
                out,
                "metadata.namespace",
                format!("Invalid value: {ns:?}: {p}"),
            );
        }
    }
    for field in ["labels", "annotations"] {
        if let Some(Value::Object(map)) = metadata.and_then(|md| md.get(field)) {
            let path = format!("metadata.{field}");
            for (key, value) in map {
                // Annotation keys are checked lowercased: their case does not
                // matter (`ValidateAnnotations`, apimachinery v0.32.0
                // `pkg/api/validation/objectmeta.go`).
                let checked = if field == "annotations" {
                    key.to_lowercase()
                } else {
                    key.clone()
                };
                if let Some(p) = qualified_name_problem(&checked) {
                    push(out, &path, format!("Invalid value: {key:?}: {p}"));
                }
                if field == "labels" {
                    match value.as_str() {
                        Some(v) => {
                            if let Some(p) = label_value_problem(v) {
                                push(
                                    out,
                                    &format!("{path}.{key}"),
                                    format!("Invalid value: {v:?}: {p}"),
                                );
                            }
                        }
                        None => push(
                            out,
                            &format!("{path}.{key}"),
                            "Invalid value: label values must be strings".into(),
                        ),
                    }
                }
            }
            if field == "annotations" && annotations_size(map) > TOTAL_ANNOTATION_SIZE {
                push(
                    out,
                    &path,
                    format!("Too long: may not be more than {TOTAL_ANNOTATION_SIZE} bytes"),
                );
            }
        }
    }
}

/// `TotalAnnotationSizeLimitB`: keys and values together (apimachinery
/// v0.32.0 `pkg/api/validation/objectmeta.go`).
const TOTAL_ANNOTATION_SIZE: usize = 256 * 1024;

fn annotations_size(map: &serde_json::Map<String, Value>) -> usize {
    map.iter()
        .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
        .sum()
}

/// `path.IsValidPathSegmentName` (apimachinery v0.32.0
/// `pkg/api/validation/path/name.go`): not `.` or `..`, no `/` or `%`.
fn path_segment_problem(name: &str) -> Option<String> {
    if name == "." || name == ".." {
        return Some(format!("may not be '{name}'"));
    }
    let found: Vec<String> = ["/", "%"]
        .iter()
        .filter(|c| name.contains(**c))
        .map(|c| format!("may not contain '{c}'"))
        .collect();
    (!found.is_empty()).then(|| found.join(", "))
}

/// A container's `resources`, as kubernetes `pkg/apis/core/validation/validation.go`
/// reads them (`ValidateContainerResourceRequirements` in current sources,
/// `ValidateResourceRequirements` in older ones): every value a quantity
/// (k8s.io/apimachinery v0.32.0 `pkg/api/resource/quantity.go`; a JSON
/// number too, which `Quantity.UnmarshalJSON` parses like a string), not
/// negative, and no request above the limit of the same resource.
fn container_resources(container: &Value, at: &str, out: &mut Found) {
    let resources = &container["resources"];
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None, // a wrong type is reported by the typed check
    };
    for kind in ["limits", "requests"] {
        for (name, value) in resources[kind].as_object().into_iter().flatten() {
            if let Some(p) = text(value).and_then(|v| crate::quantity::resource_problem(&v)) {
                push(
                    out,
                    &format!("{at}.resources.{kind}.{name}"),
                    format!("Invalid value: {value}: {p}"),
                );
            }
        }
    }
    let limits = resources["limits"].as_object();
    for (name, request) in resources["requests"].as_object().into_iter().flatten() {
        let limit = limits.and_then(|l| l.get(name));
        let parsed = |v: Option<&Value>| {
            v.and_then(text)
                .and_then(|t| crate::quantity::parse(&t).ok())
        };
        if let (Some(rq), Some(lq)) = (parsed(Some(request)), parsed(limit)) {
            if rq.cmp_value(&lq) == std::cmp::Ordering::Greater {
                push(
                    out,
                    &format!("{at}.resources.requests"),
                    format!("Invalid value: {request}: must be less than or equal to {name} limit of {}", limit.map(|l| l.to_string()).unwrap_or_default()),
                );
            }
        }
    }
}

fn port_problem(value: &Value) -> Option<String> {
    match value.as_i64() {
        Some(p) if (1..=65535).contains(&p) => None,
        Some(p) => Some(format!(
            "Invalid value: {p}: must be between 1 and 65535, inclusive"
        )),
        None => None, // a wrong type is reported by the typed check
    }
}

/// `targetPort` as `ValidatePortNumOrName` reads it after defaulting: 0 and
/// `""` become `port` (`SetDefaults_Service`, kubernetes v1.32.1
/// `pkg/apis/core/v1/defaults.go`); a name is an IANA service name
/// (`IsValidPortName`, apimachinery v0.32.0 `pkg/util/validation`).
fn target_port_problem(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) if n.as_i64() == Some(0) => None,
        Value::String(name) if name.is_empty() => None,
        Value::String(name) => {
            port_name_problem(name).map(|p| format!("Invalid value: {name:?}: {p}"))
        }
        _ => port_problem(value),
    }
}

/// `IsValidPortName`: at most 15 characters of `a-z`, `0-9` and `-`, a
/// letter among them, no `--`, no `-` at either end.
fn port_name_problem(name: &str) -> Option<String> {
    let mut found = Vec::new();
    if name.len() > 15 {
        found.push("must be no more than 15 characters".to_string());
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        found.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        found.push("must contain at least one letter (a-z)".into());
    }
    if name.contains("--") {
        found.push("must not contain consecutive hyphens".into());
    }
    if name.starts_with('-') || name.ends_with('-') {
        found.push("must not begin or end with a hyphen".into());
    }
    (!found.is_empty()).then(|| found.join(", "))
}

fn service(object: &Value, out: &mut Found) {
    let spec = &object["spec"];
    let service_type = spec["type"].as_str().unwrap_or("ClusterIP");
    if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(&service_type) {
        push(out, "spec.type", format!("Unsupported value: {service_type:?}: supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""));
    }
    if service_type == "ExternalName" {
        match spec["externalName"].as_str() {
            None | Some("") => push(
                out,
                "spec.externalName",
                "Required value: an ExternalName Service needs spec.externalName".into(),
            ),
            Some(host) => {
                // One trailing dot marks a fully qualified name.
                let cname = host.strip_suffix('.').unwrap_or(host);
                if let Some(p) = dns::subdomain_problem(cname) {
                    push(
                        out,
                        "spec.externalName",
                        format!("Invalid value: {cname:?}: must be a valid DNS name: {p}"),
                    );
                }
            }
        }
    }
    // kubernetes v1.32.1 `ValidateService`: a headless Service (`clusterIP:
    // None`) and an ExternalName one may have no ports.
    let headless = spec["clusterIP"] == "None" || spec["clusterIPs"][0] == "None";
    let ports = spec["ports"].as_array().map_or(&[][..], Vec::as_slice);
    if ports.is_empty() && !headless && service_type != "ExternalName" {
        push(out, "spec.ports", "Required value".into());
    }
    let mut names = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let base = format!("spec.ports[{i}]");
        if let Some(p) = port_problem(&port["port"]) {
            push(out, &format!("{base}.port"), p);
        }
        if let Some(p) = target_port_problem(&port["targetPort"]) {
            push(out, &format!("{base}.targetPort"), p);
        }
        if let Some(proto) = port["protocol"].as_str() {
            if !["TCP", "UDP", "SCTP"].contains(&proto) {
                push(out, &format!("{base}.protocol"), format!("Unsupported value: {proto:?}: supported values: \"SCTP\", \"TCP\", \"UDP\""));
            }
        }
        match port["name"].as_str() {
            Some(name) => {
                if let Some(p) = dns::label_problem(name) {
                    push(
                        out,
                        &format!("{base}.name"),
                        format!("Invalid value: {name:?}: {p}"),
                    );
                }
                if names.contains(&name) {
                    push(
                        out,
                        &format!("{base}.name"),
                        format!("Duplicate value: {name:?}"),
                    );
                }
                names.push(name);
            }
            None if ports.len() > 1 => push(
                out,
                &format!("{base}.name"),
                "Required value: ports of a multi-port Service need names".into(),
            ),
            None => {}
        }
    }
}

/// Whether a label selector selects `labels`: every `matchLabels` pair is
/// there and every `matchExpressions` requirement holds (`In`, `NotIn`,
/// `Exists`, `DoesNotExist`, as apimachinery's `LabelSelectorAsSelector`).
fn selects(selector: &Value, labels: &Value) -> bool {
    let pairs = selector["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let expressions = selector["matchExpressions"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|e| {
            let value = e["key"].as_str().and_then(|k| labels.get(k));
            let listed = || {
                e["values"]
                    .as_array()
                    .is_some_and(|vs| value.is_some_and(|v| vs.contains(v)))
            };
            match e["operator"].as_str() {
                Some("In") => listed(),
                Some("NotIn") => !listed(),
                Some("Exists") => value.is_some(),
                Some("DoesNotExist") => value.is_none(),
                _ => true, // refused by `selector_requirement`
            }
        });
    pairs && expressions
}

/// One `matchExpressions` entry, as `ValidateLabelSelectorRequirement`
/// (apimachinery v0.32.0 `pkg/apis/meta/v1/validation/validation.go`) reads
/// it: a known operator, values exactly when `In`/`NotIn` need them, a
/// label key and label values.
fn selector_requirement(requirement: &Value, at: &str, out: &mut Found) {
    let values = requirement["values"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    match requirement["operator"].as_str().unwrap_or("") {
        "In" | "NotIn" if values.is_empty() => push(
            out,
            &format!("{at}.values"),
            "Required value: must be specified when `operator` is 'In' or 'NotIn'".into(),
        ),
        "Exists" | "DoesNotExist" if !values.is_empty() => push(
            out,
            &format!("{at}.values"),
            "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'".into(),
        ),
        "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
        other => push(
            out,
            &format!("{at}.operator"),
            format!("Invalid value: {other:?}: not a valid selector operator"),
        ),
    }
    if let Some(key) = requirement["key"].as_str() {
        if let Some(p) = qualified_name_problem(key) {
            push(
                out,
                &format!("{at}.key"),
                format!("Invalid value: {key:?}: {p}"),
            );
        }
    }
    for (i, value) in values.iter().enumerate() {
        if let Some(p) = value.as_str().and_then(label_value_problem) {
            push(
                out,
                &format!("{at}.values[{i}]"),
                format!("Invalid value: {value}: {p}"),
            );
        }
    }
}

/// kubernetes `pkg/apis/apps/validation/validation.go`, `ValidateDeploymentSpec`
/// and `ValidatePodTemplateSpecForReplicaSet`.
fn deployment(object: &Value, out: &mut Found) {
    let spec = &object["spec"];
    let selector = &spec["selector"];
    let expressions = selector["matchExpressions"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    for (i, requirement) in expressions.iter().enumerate() {
        selector_requirement(
            requirement,
            &format!("spec.selector.matchExpressions[{i}]"),
            out,
        );
    }
    let no_labels = selector["matchLabels"]
        .as_object()
        .is_none_or(|m| m.is_empty());
    if selector.is_null() {
        push(out, "spec.selector", "Required value".into());
    } else if no_labels && expressions.is_empty() {
        push(
            out,
            "spec.selector",
            "Invalid value: empty selector is invalid for deployment".into(),
        );
    } else if !selects(selector, &spec["template"]["metadata"]["labels"]) {
        push(
            out,
            "spec.template.metadata.labels",
            "Invalid value: `selector` does not match template `labels`".into(),
        );
    }
    match spec["template"]["spec"]["containers"].as_array() {
        Some(containers) if !containers.is_empty() => {
            for (i, c) in containers.iter().enumerate() {
                if c["image"].as_str().is_none_or(str::is_empty) {
                    push(
                        out,
                        &format!("spec.template.spec.containers[{i}].image"),
                        "Required value".into(),
                    );
                }
                container_resources(c, &format!("spec.template.spec.containers[{i}]"), out);
            }
        }
        _ => push(
            out,
            "spec.template.spec.containers",
            "Required value: at least one container".into(),
        ),
    }
}

/// kubernetes v1.32.1 `pkg/apis/autoscaling/validation/validation.go`,
/// `validateHorizontalPodAutoscalerSpec` (`minReplicas` defaults to 1).
fn hpa(object: &Value, out: &mut Found) {
    let spec = &object["spec"];
    let min = spec["minReplicas"].as_i64().unwrap_or(1);
    if let Some(max) = spec["maxReplicas"].as_i64() {
        if min < 1 {
            push(
                out,
                "spec.minReplicas",
                format!("Invalid value: {min}: must be greater than or equal to 1"),
            );
        }
        if max < 1 {
            push(
                out,
                "spec.maxReplicas",
                format!("Invalid value: {max}: must be greater than 0"),
            );
        }
        if max < min {
            push(
                out,
                "spec.maxReplicas",
                format!("Invalid value: {max}: must be greater than or equal to `minReplicas`"),
            );
        }
    }
}

fn pdb(object: &Value, out: &mut Found) {
    let spec = &object["spec"];
    if !spec["minAvailable"].is_null() && !spec["maxUnavailable"].is_null() {
        push(
            out,
            "spec",
            "Invalid value: minAvailable and maxUnavailable cannot be both set".into(),
        );
    }
}

/// Refusals with a hint, kept apart from [`check`] so its rules can grow
/// without conflict: replica counts, container ports and RBAC rules, as
/// (path, message, hint).
pub fn check_refusals(m: &Manifest) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    match (m.group(), m.kind()) {
        ("apps", "Deployment" | "ReplicaSet") => {
            replicas(&m.object, &mut out);
            container_ports(&m.object["spec"]["template"]["spec"], &mut out);
        }
        // A StatefulSet's pod template is not validated with it (a TODO in
        // `ValidatePodTemplateSpecForStatefulSet`): only its replicas.
        ("apps", "StatefulSet") => replicas(&m.object, &mut out),
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => {
            rbac_rules(&m.object, &mut out);
        }
        _ => {}
    }
    out
}

type Hinted = Vec<(String, String, Option<String>)>;

/// kubernetes `pkg/apis/apps/validation/validation.go`,
/// `ValidateDeploymentSpec`, `ValidateReplicaSetSpec` and
/// `ValidateStatefulSetSpec`: `ValidateNonnegativeField(spec.Replicas)`.
fn replicas(object: &Value, out: &mut Hinted) {
    if let Some(n) = object["spec"]["replicas"].as_i64().filter(|n| *n < 0) {
        out.push((
            "spec.replicas".into(),
            format!("Invalid value: {n}: must be greater than or equal to 0"),
            Some("set `replicas` to 0 or more (or leave it out for 1, or to an HPA)".into()),
        ));
    }
}

/// kubernetes v1.32.1 `pkg/apis/core/validation/validation.go`,
/// `validateContainerPorts`: `containerPort` is required (0 is unset) and a
/// port number, 1..65535; `hostPort`, when set (not 0), likewise.
fn container_ports(pod_spec: &Value, out: &mut Hinted) {
    for list in ["initContainers", "containers"] {
        for (c, container) in pod_spec[list].as_array().into_iter().flatten().enumerate() {
            for (p, port) in container["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let base = format!("spec.template.spec.{list}[{c}].ports[{p}]");
                let unset = |v: &Value| v.is_null() || v.as_i64() == Some(0);
                if unset(&port["containerPort"]) {
                    out.push((
                        format!("{base}.containerPort"),
                        "Required value".into(),
                        Some("give the port the container listens on, 1 to 65535".into()),
                    ));
                }
                for field in ["containerPort", "hostPort"] {
                    let value = &port[field];
                    if unset(value) {
                        continue;
                    }
                    if let Some(problem) = port_problem(value) {
                        out.push((
                            format!("{base}.{field}"),
                            problem,
                            Some("a port number is 1 to 65535".into()),
                        ));
                    }
                }
            }
        }
    }
}

/// kubernetes v1.32.1 `pkg/apis/rbac/validation/validation.go`,
/// `ValidatePolicyRule`: every rule has verbs; a resource rule (no
/// `nonResourceURLs`) names API groups and resources; a URL rule names no
/// resources, and a Role (namespaced) has none.
fn rbac_rules(object: &Value, out: &mut Hinted) {
    let namespaced = object["kind"] == "Role";
    for (i, rule) in object["rules"].as_array().into_iter().flatten().enumerate() {
        let base = format!("rules[{i}]");
        let empty = |field: &str| rule[field].as_array().is_none_or(Vec::is_empty);
        if empty("verbs") {
            out.push((
                format!("{base}.verbs"),
                "Required value: verbs must contain at least one value".into(),
                Some("list the verbs the rule allows, e.g. `verbs: [get, list, watch]`".into()),
            ));
        }
        if !empty("nonResourceURLs") {
            let urls = &rule["nonResourceURLs"];
            if namespaced {
                out.push((
                    format!("{base}.nonResourceURLs"),
                    format!(
                        "Invalid value: {urls}: namespaced rules cannot apply to non-resource URLs"
                    ),
                    Some("move non-resource URLs to a ClusterRole".into()),
                ));
            }
            if !empty("apiGroups") || !empty("resources") || !empty("resourceNames") {
                out.push((
                    format!("{base}.nonResourceURLs"),
                    format!("Invalid value: {urls}: rules cannot apply to both regular resources and non-resource URLs"),
                    Some("split it into a rule for the resources and one for the URLs".into()),
                ));
            }
            continue;
        }
        if empty("apiGroups") {
            out.push((
                format!("{base}.apiGroups"),
                "Required value: resource rules must supply at least one api group".into(),
                Some("use `apiGroups: [\"\"]` for the core group".into()),
            ));
        }
        if empty("resources") {
            out.push((
                format!("{base}.resources"),
                "Required value: resource rules must supply at least one resource".into(),
                Some("list the resources, e.g. `resources: [services]`".into()),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn found(object: Value) -> Found {
        check(&Manifest {
            source: "t".into(),
            index: 0,
            item: Vec::new(),
            line: None,
            object,
        })
    }

    #[test]
    fn container_resources_are_quantities_within_limits() {
        let f = found(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}},
            "spec": {"containers": [{"name": "c", "image": "i", "resources": {
                "limits": {"cpu": "lots", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1025Mi"}}}]}}}}),
        );
        let paths: Vec<_> = f.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "spec.template.spec.containers[0].resources.limits.cpu",
                "spec.template.spec.containers[0].resources.requests"
            ],
            "{f:?}"
        );
        assert!(
            f[1].1
                .contains("must be less than or equal to memory limit"),
            "{}",
            f[1].1
        );
        let ok = found(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}},
            "spec": {"containers": [{"name": "c", "image": "i", "resources": {
                "limits": {"cpu": 2, "memory": "1Gi"}, "requests": {"cpu": "2000m", "memory": "1024Mi"}}}]}}}}),
        );
        assert!(ok.is_empty(), "{ok:?}");
    }

    #[test]
    fn external_name_must_be_a_dns_name() {
        let f = found(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"type": "ExternalName", "externalName": "not_a host", "ports": [{"name": "http", "port": 80}]}}),
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "spec.externalName");
        assert!(f[0].1.contains("must be a valid DNS name"), "{}", f[0].1);
    }

    #[test]
    fn service_names_and_ports() {
        let f = found(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "1svc"},
            "spec": {"ports": [{"name": "a", "port": 0}, {"name": "a", "port": 80, "protocol": "HTTP"}]}}),
        );
        let paths: Vec<_> = f.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "metadata.name",
                "spec.ports[0].port",
                "spec.ports[1].protocol",
                "spec.ports[1].name"
            ]
        );
    }

    #[test]
    fn labels_and_selectors() {
        let f = found(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "labels": {"bad key!": "x", "ok": "-bad"}},
            "spec": {"selector": {"matchLabels": {"app": "a"}}, "template": {"metadata": {"labels": {"app": "b"}}, "spec": {"containers": [{"name": "c", "image": "auto"}]}}}}),
        );
        let paths: Vec<_> = f.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "metadata.labels",
                "metadata.labels.ok",
                "spec.template.metadata.labels"
            ]
        );
    }

    /// What a v1.32 API server accepts (kubernetes v1.32.1, apimachinery
    /// v0.32.0): no finding.
    #[test]
    fn what_the_api_server_accepts_is_not_refused() {
        for object in [
            // RBAC names are path segments.
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": {"name": "system:aggregate-to-admin"}}),
            // Annotation keys are checked lowercased.
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "c", "annotations": {"Example.com/Key": "v"}}}),
            // A headless Service needs no ports; 0 and "" targetPorts default to port.
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "h"},
                "spec": {"clusterIP": "None"}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                "spec": {"ports": [{"name": "a", "port": 80, "targetPort": 0},
                                   {"name": "b", "port": 81, "targetPort": ""},
                                   {"name": "c", "port": 82, "targetPort": "http-alt"}]}}),
            // One trailing dot: fully qualified.
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "e"},
                "spec": {"type": "ExternalName", "externalName": "app.example.com."}}),
            // A selector of expressions only.
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                "spec": {"selector": {"matchExpressions": [
                    {"key": "app", "operator": "In", "values": ["web"]},
                    {"key": "tier", "operator": "DoesNotExist"}]},
                "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "i"}]}}}}),
        ] {
            let f = found(object.clone());
            assert!(f.is_empty(), "{object}: {f:?}");
        }
    }

    #[test]
    fn what_the_api_server_refuses_is_refused_in_its_words() {
        let f = found(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"ports": [], "type": "ClusterIP"}}),
        );
        assert_eq!(
            f,
            [("spec.ports".to_string(), "Required value".to_string())]
        );
        let f = found(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"ports": [{"port": 80, "targetPort": "HTTP--x"}]}}),
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "spec.ports[0].targetPort");
        assert_eq!(f[0].1, "Invalid value: \"HTTP--x\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), must not contain consecutive hyphens");
        let f = found(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "e"},
            "spec": {"type": "ExternalName", "externalName": "app.example.com.."}}),
        );
        assert_eq!(f.len(), 1, "one dot is trimmed, not two: {f:?}");
        let f = found(
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "a/b%"}}),
        );
        assert_eq!(
            f[0].1,
            "Invalid value: \"a/b%\": may not contain '/', may not contain '%'"
        );
        let big = "x".repeat(TOTAL_ANNOTATION_SIZE);
        let f = found(json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "annotations": {"k": big}}}));
        assert_eq!(
            f,
            [(
                "metadata.annotations".to_string(),
                "Too long: may not be more than 262144 bytes".to_string()
            )]
        );
        let deployment = |selector: Value| {
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d"}, "spec": {"selector": selector,
            "template": {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "i"}]}}}})
        };
        let f = found(deployment(json!({})));
        assert_eq!(
            f[0].1,
            "Invalid value: empty selector is invalid for deployment"
        );
        let f = found(deployment(
            json!({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]}),
        ));
        assert_eq!(f[0].0, "spec.template.metadata.labels");
        let f = found(deployment(
            json!({"matchLabels": {"app": "web"}, "matchExpressions": [
            {"key": "app", "operator": "Matches", "values": ["web"]},
            {"key": "tier", "operator": "In"},
            {"key": "tier", "operator": "Exists", "values": ["x"]}]}),
        ));
        let found_at: Vec<(&str, &str)> = f.iter().map(|(p, m)| (p.as_str(), m.as_str())).collect();
        assert_eq!(
            found_at,
            [
                (
                    "spec.selector.matchExpressions[0].operator",
                    "Invalid value: \"Matches\": not a valid selector operator"
                ),
                (
                    "spec.selector.matchExpressions[1].values",
                    "Required value: must be specified when `operator` is 'In' or 'NotIn'"
                ),
                (
                    "spec.selector.matchExpressions[2].values",
                    "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                ),
                (
                    "spec.template.metadata.labels",
                    "Invalid value: `selector` does not match template `labels`"
                ),
            ]
        );
        let f = found(
            json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "h"}, "spec": {"maxReplicas": 0}}),
        );
        let messages: Vec<&str> = f.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Invalid value: 0: must be greater than 0",
                "Invalid value: 0: must be greater than or equal to `minReplicas`"
            ]
        );
    }

    fn refusals(object: Value) -> Vec<String> {
        check_refusals(&Manifest {
            source: "t".into(),
            index: 0,
            item: Vec::new(),
            line: None,
            object,
        })
        .into_iter()
        .map(|(p, _, h)| {
            assert!(h.is_some(), "every refusal has a hint");
            p
        })
        .collect()
    }

    #[test]
    fn replicas_and_container_ports() {
        let f = refusals(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": -1,
            "template": {"spec": {"containers": [{"ports": [{"containerPort": 70000}, {"containerPort": 80, "hostPort": 0}, {"containerPort": 0, "hostPort": 65536}]}]}}}}),
        );
        assert_eq!(
            f,
            [
                "spec.replicas",
                "spec.template.spec.containers[0].ports[0].containerPort",
                "spec.template.spec.containers[0].ports[2].containerPort",
                "spec.template.spec.containers[0].ports[2].hostPort"
            ]
        );
        let ok = json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": 0,
            "template": {"spec": {"containers": [{"ports": [{"containerPort": 65535}]}]}}}});
        assert!(refusals(ok).is_empty());
    }

    #[test]
    fn rbac_rules_need_verbs() {
        let f = refusals(
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "rules": [
            {"apiGroups": [""], "resources": ["services"]},
            {"verbs": ["get"]},
            {"verbs": ["get"], "nonResourceURLs": ["/healthz"]}]}),
        );
        assert_eq!(
            f,
            [
                "rules[0].verbs",
                "rules[1].apiGroups",
                "rules[1].resources",
                "rules[2].nonResourceURLs"
            ]
        );
        let ok = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "rules": [
            {"verbs": ["get"], "nonResourceURLs": ["/healthz"]},
            {"apiGroups": [""], "resources": ["services"], "verbs": ["get"]}]});
        assert!(refusals(ok).is_empty());
    }

    #[test]
    fn container_ports_are_required_and_statefulset_templates_unchecked() {
        let f = refusals(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {
            "template": {"spec": {"containers": [{"ports": [{"name": "x"}]}]}}}}),
        );
        assert_eq!(
            f,
            ["spec.template.spec.containers[0].ports[0].containerPort"]
        );
        let f = refusals(
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {"replicas": -1,
            "template": {"spec": {"containers": [{"ports": [{"containerPort": 70000}]}]}}}}),
        );
        assert_eq!(f, ["spec.replicas"]);
        let f = refusals(
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "rules": [
            {"verbs": ["get"], "nonResourceURLs": ["/healthz"], "resources": ["pods"]}]}),
        );
        assert_eq!(f, ["rules[0].nonResourceURLs"]);
    }

    #[test]
    fn hpa_and_pdb_bounds() {
        let f = found(
            json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
            "spec": {"minReplicas": 5, "maxReplicas": 2}}),
        );
        assert_eq!(f[0].0, "spec.maxReplicas");
        let f = found(
            json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"},
            "spec": {"minAvailable": 1, "maxUnavailable": 1}}),
        );
        assert_eq!(f.len(), 1);
    }
}
