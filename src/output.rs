//! Output: puts objects in apply order and writes them as one YAML stream.
//! Nothing is written until everything has succeeded, so a failed run leaves
//! stdout empty.

use crate::error::{Error, Result};
use crate::manifest::Manifest;

/// Apply order by (group, kind): what others depend on comes first. Kinds not
/// listed go last, in the order they came.
const APPLY_ORDER: &[(&str, &str)] = &[
    ("", "Namespace"),
    ("", "ServiceAccount"),
    ("rbac.authorization.k8s.io", "Role"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
    ("", "ConfigMap"),
    ("gateway.networking.k8s.io", "GatewayClass"),
    ("gateway.networking.k8s.io", "Gateway"),
    ("networking.istio.io", "Gateway"),
    ("", "Service"),
    ("apps", "Deployment"),
    ("autoscaling", "HorizontalPodAutoscaler"),
    ("policy", "PodDisruptionBudget"),
    ("networking.istio.io", "ServiceEntry"),
    ("gateway.networking.k8s.io", "ReferenceGrant"),
    ("gateway.networking.k8s.io", "HTTPRoute"),
    ("networking.istio.io", "VirtualService"),
    ("networking.istio.io", "DestinationRule"),
    ("monitoring.coreos.com", "PodMonitor"),
    ("route.openshift.io", "Route"),
];

fn rank(m: &Manifest) -> usize {
    APPLY_ORDER
        .iter()
        .position(|(g, k)| *g == m.group() && *k == m.kind())
        .unwrap_or(APPLY_ORDER.len())
}

/// Sorts into apply order; objects of one kind keep the order they came in.
pub fn sort_for_apply(manifests: &mut [Manifest]) {
    manifests.sort_by_key(rank);
}

/// The objects as a YAML stream, each document opening with `---`.
pub fn to_yaml_stream(manifests: &[Manifest]) -> Result<String> {
    let mut out = String::new();
    for m in manifests {
        let text = serde_yaml::to_string(&m.object)
            .map_err(|e| Error::input(format!("cannot write {} as YAML: {e}", m.display_name())))?;
        out.push_str("---\n");
        out.push_str(&text);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(api: &str, kind: &str, name: &str) -> Manifest {
        Manifest {
            source: "t".into(),
            index: 0,
            object: json!({"apiVersion": api, "kind": kind, "metadata": {"name": name}}),
        }
    }

    #[test]
    fn apply_order_is_by_kind_then_stable() {
        let mut list = vec![
            m("route.openshift.io/v1", "Route", "r"),
            m("v1", "Service", "b"),
            m("example.com/v1", "Widget", "w"),
            m("v1", "Service", "a"),
            m("v1", "Namespace", "n"),
        ];
        sort_for_apply(&mut list);
        let names: Vec<_> = list.iter().map(Manifest::display_name).collect();
        assert_eq!(
            names,
            [
                "Namespace/n",
                "Service/b",
                "Service/a",
                "Route/r",
                "Widget/w"
            ]
        );
    }

    #[test]
    fn stream_documents_open_with_dashes() {
        let text = to_yaml_stream(&[m("v1", "Namespace", "n")]).unwrap();
        assert_eq!(
            text,
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n"
        );
    }
}
