//! Output: puts objects in apply order and writes them as one YAML stream, a
//! JSON `List`, or one file per object (`--output-dir`); picks objects out
//! (`--show-only`). Nothing is written until everything has succeeded, so a
//! failed run leaves stdout (and the output directory) untouched.

mod dir;

pub use dir::{file_name, write_dir};

use crate::error::{Error, Result};
use crate::manifest::Manifest;

/// Where an object stands in apply order: its kind's row in [`KINDS`](crate::kinds::KINDS).
fn rank(m: &Manifest) -> usize {
    crate::kinds::apply_rank(m.group(), m.kind())
}

/// Sorts into apply order; objects of one kind keep the order they came in.
pub fn sort_for_apply(manifests: &mut [Manifest]) {
    // Cached: a rank reads two fields, and a sort asks n log n times.
    manifests.sort_by_cached_key(rank);
}

/// The objects as a YAML stream, each document opening with `---`.
pub fn to_yaml_stream(manifests: &[Manifest]) -> Result<String> {
    let texts = crate::par::map(manifests, |m| crate::yaml::emit(&m.object));
    // Sized once: the stream of a large render is megabytes.
    let mut out = String::with_capacity(texts.iter().map(|t| t.len() + 4).sum());
    for text in texts {
        out.push_str("---\n");
        out.push_str(&text);
    }
    Ok(out)
}

/// `-o`: what kubectl users expect from `-o yaml` and `-o json`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// One YAML stream, each document opening with `---`.
    #[default]
    Yaml,
    /// One `v1` `List` with `items` (what `kubectl get -o json` prints and
    /// `kubectl apply -f` accepts).
    Json,
}

/// How `hubgw render` writes its objects.
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    pub format: Format,
    /// `--show-only Kind/name` (repeatable); empty: every object.
    pub show_only: Vec<String>,
    /// `--output-dir DIR`: one file per object instead of standard output.
    pub output_dir: Option<String>,
}

/// The objects as one JSON `List`, pretty-printed, ending in a newline.
pub fn to_json_list(manifests: &[Manifest]) -> Result<String> {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct List<'a> {
        api_version: &'static str,
        kind: &'static str,
        items: Vec<&'a serde_json::Value>,
    }
    let list = List {
        api_version: "v1",
        kind: "List",
        items: manifests.iter().map(|m| &m.object).collect(),
    };
    let text = serde_json::to_string_pretty(&list).expect("a JSON value always serialises");
    Ok(text + "\n")
}

fn to_json(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).expect("a JSON value always serialises")
}

/// The objects in `format`, ready for standard output.
pub fn to_text(manifests: &[Manifest], format: Format) -> Result<String> {
    match format {
        Format::Yaml => to_yaml_stream(manifests),
        Format::Json => to_json_list(manifests),
    }
}

/// One `--show-only` selector: a kind (as written, singular or plural, any
/// case), an optional API group (or `version.group`), and a name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selector {
    kind: String,
    group: Option<String>,
    name: String,
    /// From diff's ` -n NAMESPACE` suffix.
    namespace: Option<String>,
}

impl Selector {
    /// `Kind/name`, or kubectl's `kind.group/name` and `kind.version.group/name`
    /// (`gateway.gateway.networking.k8s.io/hub-gateway`), or what `hubgw diff`
    /// prints (`Gateway.networking.istio.io/x`, with an optional ` -n NS`).
    fn parse(text: &str) -> Result<Selector> {
        let (text, namespace) = match text.split_once(" -n ") {
            Some((text, ns)) => (text.trim(), Some(ns.trim().to_string())),
            None => (text.trim(), None),
        };
        match text.split_once('/') {
            Some((ty, name)) if !ty.is_empty() && !name.is_empty() && !name.contains('/') => {
                let ty = ty.to_lowercase();
                let (kind, group) = match ty.split_once('.') {
                    Some((kind, group)) => (kind.to_string(), Some(group.to_string())),
                    None => (ty, None),
                };
                Ok(Selector {
                    kind,
                    group,
                    name: name.to_string(),
                    namespace,
                })
            }
            _ => Err(Error::usage(format!(
                "--show-only expects Kind/name, found `{text}`"
            ))
            .hint("for example --show-only HTTPRoute/industrial-edge-lb (kubectl's httproute.gateway.networking.k8s.io/industrial-edge-lb works too)")),
        }
    }

    fn matches(&self, m: &Manifest) -> bool {
        let kind = m.kind().to_lowercase();
        let kind_ok = self.kind == kind || self.kind == plural(&kind);
        let group_ok = self.group.as_deref().is_none_or(|g| {
            let group = m.group().to_lowercase();
            let version = m.api_version().rsplit('/').next().unwrap_or("");
            g == group || g == format!("{}.{group}", version.to_lowercase()).trim_end_matches('.')
        });
        let namespace_ok = self
            .namespace
            .as_deref()
            .is_none_or(|ns| m.namespace() == ns);
        kind_ok && group_ok && namespace_ok && m.name() == self.name
    }
}

/// A kind's resource name, as kubectl also takes it (`httproutes/x`): the
/// CRDs' `spec.names.plural` and the core kinds hubgw renders all follow the
/// English rule (`gateways`, `serviceentries`, `httproutes`).
fn plural(kind: &str) -> String {
    let vowel_y = kind.len() > 1 && kind[..kind.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    match kind.strip_suffix('y') {
        Some(stem) if !vowel_y => format!("{stem}ies"),
        _ if kind.ends_with('s') => format!("{kind}es"),
        _ => format!("{kind}s"),
    }
}

/// `Kind.group/name` of an object, as `--show-only` and kubectl take it.
fn qualified_name(m: &Manifest) -> String {
    match m.group() {
        "" => m.display_name(),
        group => format!("{}.{group}/{}", m.kind(), m.name()),
    }
}

/// Keeps the objects `wanted` names (see [`Selector::parse`]), in apply
/// order. A selector that matches nothing is an error suggesting the closest
/// object, or listing what exists. Returns each kept object with its
/// position in the full list.
pub fn select<'m>(
    manifests: &'m [Manifest],
    wanted: &[String],
) -> Result<Vec<(usize, &'m Manifest)>> {
    let all = manifests.iter().enumerate();
    if wanted.is_empty() {
        return Ok(all.collect());
    }
    let selectors = wanted
        .iter()
        .map(|w| Selector::parse(w))
        .collect::<Result<Vec<_>>>()?;
    for (w, sel) in wanted.iter().zip(&selectors) {
        if !manifests.iter().any(|m| sel.matches(m)) {
            let names: Vec<String> = manifests.iter().map(Manifest::display_name).collect();
            let qualified: Vec<String> = manifests.iter().map(qualified_name).collect();
            let hint = match crate::error::closest(
                w,
                names.iter().chain(&qualified).map(String::as_str),
            ) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the objects are: {}", names.join(", ")),
            };
            return Err(
                Error::input(format!("--show-only {w}: no such object in the output")).hint(hint),
            );
        }
    }
    Ok(all
        .filter(|(_, m)| selectors.iter().any(|s| s.matches(m)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(api: &str, kind: &str, name: &str) -> Manifest {
        Manifest {
            source: "t".into(),
            index: 0,
            item: Vec::new(),
            line: None,
            object: json!({"apiVersion": api, "kind": kind, "metadata": {"name": name}}),
        }
    }

    #[test]
    fn show_only_takes_kubectl_and_diff_forms() {
        let list = vec![
            m("gateway.networking.k8s.io/v1", "Gateway", "hub"),
            {
                let mut g = m("networking.istio.io/v1", "Gateway", "hub");
                g.object["metadata"]["namespace"] = "ns".into();
                g
            },
            m("gateway.networking.k8s.io/v1", "HTTPRoute", "x"),
            m("networking.istio.io/v1", "ServiceEntry", "se"),
            m("v1", "Service", "svc"),
        ];
        let picked = |w: &str| -> Vec<String> {
            select(&list, &[w.to_string()])
                .unwrap_or_else(|e| panic!("{w}: {e}"))
                .into_iter()
                .map(|(i, m)| format!("{i}:{}", m.api_version()))
                .collect()
        };
        assert_eq!(picked("Gateway/hub").len(), 2);
        assert_eq!(
            picked("gateway.gateway.networking.k8s.io/hub"),
            ["0:gateway.networking.k8s.io/v1"]
        );
        assert_eq!(
            picked("Gateway.gateway.networking.k8s.io/hub"),
            ["0:gateway.networking.k8s.io/v1"]
        );
        assert_eq!(
            picked("gateways.v1.gateway.networking.k8s.io/hub"),
            ["0:gateway.networking.k8s.io/v1"]
        );
        assert_eq!(
            picked("Gateway.networking.istio.io/hub"),
            ["1:networking.istio.io/v1"]
        );
        assert_eq!(
            picked("Gateway.networking.istio.io/hub -n ns"),
            ["1:networking.istio.io/v1"]
        );
        assert!(select(&list, &["Gateway/hub -n other".into()]).is_err());
        assert_eq!(picked("httproute/x"), ["2:gateway.networking.k8s.io/v1"]);
        assert_eq!(picked("HTTPROUTES/x"), ["2:gateway.networking.k8s.io/v1"]);
        assert_eq!(picked("serviceentries/se"), ["3:networking.istio.io/v1"]);
        assert_eq!(picked("services/svc"), ["4:v1"]);
        assert_eq!(picked("service.v1/svc"), ["4:v1"]);
        let err = |w: &str| select(&list, &[w.to_string()]).unwrap_err();
        assert_eq!(
            err("Gateway.networking.istio.io/hubb").hint.as_deref(),
            Some("did you mean `Gateway.networking.istio.io/hub`?")
        );
        assert_eq!(
            err("Gateway.apps/hub").hint.as_deref(),
            Some("did you mean `Gateway/hub`?")
        );
        assert_eq!(err("x/y/z").kind, crate::error::ErrorKind::Usage);
        assert!(err("Widget/zz")
            .hint
            .unwrap()
            .starts_with("the objects are: "));
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
        let text = to_yaml_stream(&[m("v1", "Namespace", "ns")]).unwrap();
        assert_eq!(
            text,
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n"
        );
    }

    #[test]
    fn json_is_one_v1_list() {
        let text = to_json_list(&[m("v1", "Namespace", "n")]).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["kind"], "List");
        assert_eq!(v["apiVersion"], "v1");
        assert_eq!(v["items"][0]["metadata"]["name"], "n");
    }

    #[test]
    fn select_keeps_apply_order_and_any_kind_case() {
        let list = vec![m("v1", "Namespace", "n"), m("v1", "Service", "a")];
        let kept = select(&list, &["service/a".into(), "Namespace/n".into()]).unwrap();
        assert_eq!(kept.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 1]);
        let err = select(&list, &["Widget/b".into()]).unwrap_err();
        assert_eq!(err.hint.unwrap(), "the objects are: Namespace/n, Service/a");
        let err = select(&list, &["Service/b".into()]).unwrap_err();
        assert_eq!(err.hint.unwrap(), "did you mean `Service/a`?");
        assert_eq!(
            select(&list, &["Service".into()]).unwrap_err().exit_code(),
            2
        );
    }
}
