//! What counts as rewriting the Host header towards a backend: the one
//! answer lint (HG010) and graph share, so that `validate` and `graph` never
//! disagree about whether a spoke router sees its own host.

use serde_json::Value;

/// The Host a list of Gateway API filters (a rule's or a backendRef's) sets:
/// a RequestHeaderModifier that `set`s `Host` (any case), or a URLRewrite
/// `hostname`. `add` is not a rewrite: it appends a second value.
pub fn gateway_api(filters: &Value) -> Option<&str> {
    filters
        .as_array()?
        .iter()
        .find_map(|f| match f["type"].as_str()? {
            "RequestHeaderModifier" => {
                f["requestHeaderModifier"]["set"]
                    .as_array()?
                    .iter()
                    .find(|h| {
                        h["name"]
                            .as_str()
                            .is_some_and(|n| n.eq_ignore_ascii_case("host"))
                    })?["value"]
                    .as_str()
            }
            "URLRewrite" => f["urlRewrite"]["hostname"].as_str(),
            _ => None,
        })
}

/// The Host an Istio VirtualService `http` route sets for one of its
/// destinations: the destination's `headers.request.set.Host`, else the
/// route's, else the route's `rewrite.authority`.
pub fn istio(route: &Value, destination: &Value) -> Option<String> {
    let set = |v: &Value| -> Option<String> {
        v["headers"]["request"]["set"]
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("host"))?
            .1
            .as_str()
            .map(str::to_string)
    };
    set(destination)
        .or_else(|| set(route))
        .or_else(|| route["rewrite"]["authority"].as_str().map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_host_and_url_rewrite_hostname_are_rewrites() {
        let set = json!([{"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "host", "value": "a.spoke"}]}}]);
        assert_eq!(gateway_api(&set), Some("a.spoke"));
        let rewrite = json!([{"type": "URLRewrite", "urlRewrite": {"hostname": "b.spoke"}}]);
        assert_eq!(gateway_api(&rewrite), Some("b.spoke"));
        let add = json!([{"type": "RequestHeaderModifier", "requestHeaderModifier": {"add": [{"name": "Host", "value": "c"}]}}]);
        assert_eq!(gateway_api(&add), None);
        let other = json!([{"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x-host", "value": "c"}]}}]);
        assert_eq!(gateway_api(&other), None);
        assert_eq!(gateway_api(&Value::Null), None);
    }

    #[test]
    fn istio_takes_the_destination_then_the_route_then_authority() {
        let d = json!({"headers": {"request": {"set": {"Host": "d"}}}});
        let r =
            json!({"headers": {"request": {"set": {"host": "r"}}}, "rewrite": {"authority": "a"}});
        assert_eq!(istio(&r, &d).as_deref(), Some("d"));
        assert_eq!(istio(&r, &json!({})).as_deref(), Some("r"));
        let authority = json!({"rewrite": {"authority": "a"}});
        assert_eq!(istio(&authority, &json!({})).as_deref(), Some("a"));
        assert_eq!(istio(&json!({}), &json!({})), None);
    }
}
