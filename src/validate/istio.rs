//! What Istio's validating webhook refuses on the Istio kinds hubgw renders,
//! beyond what the CRD schema says: a Gateway without servers, a server
//! without hosts, a VirtualService with gateways but no hosts or with no
//! route, a mesh VirtualService for `*`, several destinations whose weights
//! add up to 0, a ServiceEntry without hosts or for `*`, and a regex
//! Envoy's RE2 would not compile. Source: istio `pkg/config/validation/validation.go` and
//! `virtualservice.go` at tag 1.24.6; each check names its function.

use serde_json::Value;

use crate::manifest::Manifest;

/// (field path, message, hint).
pub type Found = Vec<(String, String, Option<String>)>;

/// Every webhook refusal of an Istio object, of any served version.
pub fn check(m: &Manifest) -> Found {
    let mut out = Found::new();
    if m.group() != "networking.istio.io" {
        return out;
    }
    let spec = &m.object["spec"];
    match m.kind() {
        "Gateway" => gateway(spec, &mut out),
        "VirtualService" => virtual_service(spec, &mut out),
        "ServiceEntry" => service_entry(spec, &mut out),
        _ => {}
    }
    out
}

fn push(out: &mut Found, path: String, message: impl Into<String>, hint: impl Into<String>) {
    out.push((path, message.into(), Some(hint.into())));
}

fn is_empty_list(v: &Value) -> bool {
    v.as_array().is_none_or(Vec::is_empty)
}

/// `ValidateGateway` and `validateServer` (validation.go, 1.24.6).
fn gateway(spec: &Value, out: &mut Found) {
    let Some(servers) = spec["servers"].as_array().filter(|s| !s.is_empty()) else {
        push(
            out,
            "spec.servers".into(),
            "gateway must have at least one server (Istio's webhook refuses it)",
            "add a server with a port and hosts, e.g. `servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [\"*\"]}]`",
        );
        return;
    };
    for (i, server) in servers.iter().enumerate() {
        if is_empty_list(&server["hosts"]) {
            push(
                out,
                format!("spec.servers[{i}].hosts"),
                "server config must contain at least one host (Istio's webhook refuses it)",
                "list the hosts this server accepts, e.g. `hosts: [\"*.example.com\"]` or `[\"ns/*\"]`",
            );
        }
    }
}

/// `ValidateVirtualService` (validation.go) and
/// `validateHTTPRouteMatchRequest` (virtualservice.go), 1.24.6.
fn virtual_service(spec: &Value, out: &mut Found) {
    let no_hosts = is_empty_list(&spec["hosts"]);
    // Without hosts a VirtualService is a delegate, which takes no gateways,
    // tls or tcp routes.
    if no_hosts {
        for (field, what) in [
            ("gateways", "gateways"),
            ("tls", "tls route"),
            ("tcp", "tcp route"),
        ] {
            if !is_empty_list(&spec[field]) {
                push(
                    out,
                    "spec.hosts".into(),
                    format!("a VirtualService without hosts is a delegate, and Istio's webhook refuses a delegate with `{field}` (\"delegate virtual service must have no {what} specified\")"),
                    "add the hosts this VirtualService routes (`hosts: [app.example.com]`), or, for a delegate, drop `spec.".to_string() + field + "`",
                );
            }
        }
    }
    let mesh = is_empty_list(&spec["gateways"])
        || spec["gateways"]
            .as_array()
            .is_some_and(|g| g.iter().any(|g| g == "mesh"));
    if mesh {
        if let Some(hosts) = spec["hosts"].as_array() {
            for (i, h) in hosts.iter().enumerate() {
                if h == "*" {
                    push(
                        out,
                        format!("spec.hosts[{i}]"),
                        "wildcard host * is not allowed for virtual services bound to the mesh gateway (Istio's webhook refuses it)",
                        "name the hosts, or bind the VirtualService to a Gateway with `gateways:`",
                    );
                }
            }
        }
    }
    if ["http", "tcp", "tls"]
        .iter()
        .all(|f| is_empty_list(&spec[f]))
    {
        push(
            out,
            "spec".into(),
            "http, tcp or tls must be provided in virtual service (Istio's webhook refuses it)",
            "add at least one route under `http:`, `tcp:` or `tls:`",
        );
    }
    for field in ["http", "tcp", "tls"] {
        for (r, route) in spec[field].as_array().into_iter().flatten().enumerate() {
            weights(&route["route"], &format!("spec.{field}[{r}].route"), out);
        }
    }
    for (r, route) in spec["http"].as_array().into_iter().flatten().enumerate() {
        for (n, m) in route["match"].as_array().into_iter().flatten().enumerate() {
            let base = format!("spec.http[{r}].match[{n}]");
            for field in ["uri", "scheme", "method", "authority"] {
                string_match(&m[field], &format!("{base}.{field}"), out);
            }
            for field in ["headers", "withoutHeaders", "queryParams"] {
                for (key, sm) in m[field].as_object().into_iter().flatten() {
                    // In withoutHeaders `regex: "*"` means "present", not a regex.
                    if field == "withoutHeaders" && sm["regex"] == "*" {
                        continue;
                    }
                    string_match(sm, &format!("{base}.{field}.{key}"), out);
                }
            }
        }
        let rewrite = &route["rewrite"]["uriRegexRewrite"]["match"];
        if let Some(re) = rewrite.as_str() {
            regex_problem(
                re,
                &format!("spec.http[{r}].rewrite.uriRegexRewrite.match"),
                out,
            );
        }
    }
}

/// `validateHTTPRouteDestinations` and `validateRouteDestinations`: with
/// more than one destination the weights must not add up to 0 (an unset
/// weight is 0).
fn weights(destinations: &Value, path: &str, out: &mut Found) {
    let Some(list) = destinations.as_array().filter(|l| l.len() > 1) else {
        return;
    };
    let total: i64 = list.iter().filter_map(|d| d["weight"].as_i64()).sum();
    if total == 0 {
        push(
            out,
            path.to_string(),
            format!("total destination weight = 0: {} destinations and no weight (Istio's webhook refuses it)", list.len()),
            "give each destination a `weight` (they need not add up to 100; Istio normalizes them)",
        );
    }
}

/// `ValidateServiceEntry` (validation.go, 1.24.6): hosts, none of them `*`.
fn service_entry(spec: &Value, out: &mut Found) {
    let Some(hosts) = spec["hosts"].as_array().filter(|h| !h.is_empty()) else {
        push(
            out,
            "spec.hosts".into(),
            "service entry must have at least one host (Istio's webhook refuses it)",
            "list the external hosts, e.g. `hosts: [api.example.com]`",
        );
        return;
    };
    for (i, h) in hosts.iter().enumerate() {
        if h == "*" {
            push(
                out,
                format!("spec.hosts[{i}]"),
                "invalid host *: a ServiceEntry may not be for every host (Istio's webhook refuses it)",
                "name the hosts, or a wildcard domain such as `*.example.com`",
            );
        }
    }
}

/// `validateStringMatchRegexp`: a `regex` match is not empty and compiles.
fn string_match(sm: &Value, path: &str, out: &mut Found) {
    let Some(re) = sm.get("regex").and_then(Value::as_str) else {
        return;
    };
    let path = format!("{path}.regex");
    if re.is_empty() {
        push(
            out,
            path,
            "regex string match should not be empty (Istio's webhook refuses it)",
            "give a pattern, or use `prefix:`/`exact:`",
        );
        return;
    }
    regex_problem(re, &path, out);
}

/// `validateStringRegexp`: at most 1024 bytes, and RE2 syntax (Go's
/// `regexp.Compile`). The `regex` crate refuses what RE2 refuses that
/// people write: look-around and backreferences.
fn regex_problem(re: &str, path: &str, out: &mut Found) {
    if re.len() > 1024 {
        push(
            out,
            path.to_string(),
            format!("regex is too large ({} bytes), max length allowed is 1024 (Istio's webhook refuses it)", re.len()),
            "shorten the pattern or split the match over several routes",
        );
        return;
    }
    if let Err(e) = regex::Regex::new(re) {
        let reason = match &e {
            regex::Error::Syntax(s) => s
                .lines()
                .rev()
                .find(|l| l.starts_with("error: "))
                .map_or(s.clone(), |l| l.trim_start_matches("error: ").to_string()),
            other => other.to_string(),
        };
        push(
            out,
            path.to_string(),
            format!("Invalid value: {re:?}: not an RE2 regex: {reason}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)"),
            "RE2 has no look-around (`(?=`, `(?!`, `(?<=`) and no backreferences (`\\1`); rewrite the pattern without them",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn found(api_version: &str, kind: &str, spec: Value) -> Vec<(String, String)> {
        check(&Manifest {
            source: "t".into(),
            index: 0,
            item: Vec::new(),
            line: None,
            object: json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}, "spec": spec}),
        })
        .into_iter()
        .map(|(p, m, h)| {
            assert!(h.is_some(), "every refusal has a hint");
            (p, m)
        })
        .collect()
    }

    #[test]
    fn a_gateway_needs_servers_with_hosts() {
        let f = found("networking.istio.io/v1beta1", "Gateway", json!({}));
        assert_eq!(f[0].0, "spec.servers");
        assert!(f[0].1.contains("at least one server"));
        let f = found(
            "networking.istio.io/v1",
            "Gateway",
            json!({"servers": [{"port": {"number": 80, "name": "http", "protocol": "HTTP"}}]}),
        );
        assert_eq!(f[0].0, "spec.servers[0].hosts");
        let ok = json!({"servers": [{"port": {"number": 80, "name": "http", "protocol": "HTTP"}, "hosts": ["*"]}]});
        assert!(found("networking.istio.io/v1alpha3", "Gateway", ok).is_empty());
    }

    #[test]
    fn virtual_service_hosts_and_routes() {
        let f = found(
            "networking.istio.io/v1",
            "VirtualService",
            json!({"gateways": ["gw"], "http": [{"route": []}]}),
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "spec.hosts");
        // A delegate (no hosts, no gateways) is fine.
        assert!(found(
            "networking.istio.io/v1",
            "VirtualService",
            json!({"http": [{}]})
        )
        .is_empty());
        let f = found(
            "networking.istio.io/v1",
            "VirtualService",
            json!({"hosts": ["*"]}),
        );
        let paths: Vec<_> = f.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["spec.hosts[0]", "spec"]);
        let ok = json!({"hosts": ["*"], "gateways": ["gw"], "tcp": [{}]});
        assert!(found("networking.istio.io/v1", "VirtualService", ok).is_empty());
    }

    #[test]
    fn weights_and_service_entry_hosts() {
        let two = json!([{"destination": {"host": "a"}}, {"destination": {"host": "b"}}]);
        let f = found(
            "networking.istio.io/v1",
            "VirtualService",
            json!({"hosts": ["a"], "http": [{"route": two}], "tcp": [{"route": [{"destination": {"host": "a"}}]}]}),
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "spec.http[0].route");
        let weighted =
            json!([{"destination": {"host": "a"}, "weight": 1}, {"destination": {"host": "b"}}]);
        assert!(found(
            "networking.istio.io/v1",
            "VirtualService",
            json!({"hosts": ["a"], "tls": [{"route": weighted}]})
        )
        .is_empty());
        let f = found(
            "networking.istio.io/v1beta1",
            "ServiceEntry",
            json!({"hosts": ["*"]}),
        );
        assert_eq!(f[0].0, "spec.hosts[0]");
        assert!(found(
            "networking.istio.io/v1",
            "ServiceEntry",
            json!({"hosts": ["*.example.com"]})
        )
        .is_empty());
    }

    #[test]
    fn regexes_must_be_re2() {
        let spec = json!({"hosts": ["a"], "http": [{"match": [
            {"uri": {"regex": "/(?!admin).*"}, "headers": {"x": {"regex": "(a)\\1"}, "y": {"regex": ""}},
             "withoutHeaders": {"z": {"regex": "*"}}, "queryParams": {"q": {"regex": "[a-z]+"}}}
        ], "rewrite": {"uriRegexRewrite": {"match": "(?<=x)y", "rewrite": "/"}}}]});
        let f = found("networking.istio.io/v1", "VirtualService", spec);
        let paths: Vec<_> = f.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "spec.http[0].match[0].uri.regex",
                "spec.http[0].match[0].headers.x.regex",
                "spec.http[0].match[0].headers.y.regex",
                "spec.http[0].rewrite.uriRegexRewrite.match"
            ]
        );
        assert!(f[0].1.contains("look-around"), "{}", f[0].1);
        assert!(f[1].1.contains("backreferences"), "{}", f[1].1);
        let long = "a".repeat(1025);
        let f = found(
            "networking.istio.io/v1",
            "VirtualService",
            json!({"hosts": ["a"], "http": [{"match": [{"uri": {"regex": long}}]}]}),
        );
        assert!(f[0].1.contains("max length allowed is 1024"));
    }
}
