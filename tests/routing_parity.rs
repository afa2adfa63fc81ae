//! The same values route the same requests to the same backends in both API
//! modes. Each case is rendered through the CLI twice (Gateway API and
//! `gateway.api: istio`); probe requests are then routed by two small
//! evaluators and the chosen backend sets compared:
//!
//! - HTTPRoute: Gateway API precedence across all matches of all rules
//!   (kubernetes-sigs/gateway-api v1.2.1, `apis/v1/httproute_types.go`, the
//!   doc comment of `HTTPRouteRule.Matches`): Exact path, then the longest
//!   PathPrefix, then the most header matches, then the first rule in list
//!   order. PathPrefix matches whole path elements, a trailing `/` ignored.
//! - VirtualService: the first `http` route with a matching `match` wins;
//!   `uri.prefix` is a plain string prefix, `uri.exact` the whole path.

mod common;
use common::*;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_yaml::Value;

/// A probe request: path and lower-case header names.
#[derive(Debug, Clone)]
struct Request {
    path: String,
    headers: BTreeMap<String, String>,
}

/// Where a request goes: the rule's name (for messages) and its backends as
/// (Service, share of the rule in percent).
#[derive(Debug, Clone)]
struct Chosen {
    rule: String,
    backends: Vec<(String, f64)>,
}

fn same_backends(a: &Option<Chosen>, b: &Option<Chosen>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.backends.len() == b.backends.len()
                && a.backends
                    .iter()
                    .zip(&b.backends)
                    .all(|((sa, wa), (sb, wb))| sa == sb && (wa - wb).abs() <= 1.0)
        }
        _ => false,
    }
}

fn s(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("a string, found {v:?}"))
}

fn seq(v: &Value) -> &[Value] {
    v.as_sequence().map(Vec::as_slice).unwrap_or(&[])
}

// ---- Gateway API -----------------------------------------------------------

struct GwMatch {
    exact: Option<String>,
    prefix: Option<String>,
    headers: Vec<(String, String)>,
}

struct GwRule {
    name: String,
    matches: Vec<GwMatch>,
    backends: Vec<(String, f64)>,
}

fn gw_rules(route: &Value) -> Vec<GwRule> {
    seq(&route["spec"]["rules"])
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let mut matches: Vec<GwMatch> = seq(&rule["matches"])
                .iter()
                .map(|m| {
                    let (exact, prefix) = match &m["path"] {
                        Value::Null => (None, Some("/".to_string())),
                        p => match p["type"].as_str().unwrap_or("PathPrefix") {
                            "Exact" => (Some(s(&p["value"]).to_string()), None),
                            "PathPrefix" => (None, Some(s(&p["value"]).to_string())),
                            other => panic!("path type {other} is not evaluated"),
                        },
                    };
                    assert!(m["method"].is_null() && m["queryParams"].is_null());
                    let headers = seq(&m["headers"])
                        .iter()
                        .map(|h| {
                            assert_eq!(h["type"].as_str().unwrap_or("Exact"), "Exact");
                            (s(&h["name"]).to_lowercase(), s(&h["value"]).to_string())
                        })
                        .collect();
                    GwMatch {
                        exact,
                        prefix,
                        headers,
                    }
                })
                .collect();
            if matches.is_empty() {
                // The CRD's default: `[{path: {type: PathPrefix, value: /}}]`.
                matches.push(GwMatch {
                    exact: None,
                    prefix: Some("/".into()),
                    headers: vec![],
                });
            }
            let refs = seq(&rule["backendRefs"]);
            let total: f64 = refs
                .iter()
                .map(|b| b["weight"].as_f64().unwrap_or(1.0))
                .sum();
            let backends = refs
                .iter()
                .map(|b| {
                    let w = b["weight"].as_f64().unwrap_or(1.0);
                    (s(&b["name"]).to_string(), 100.0 * w / total)
                })
                .collect();
            GwRule {
                name: rule["name"]
                    .as_str()
                    .map_or(format!("#{i}"), str::to_string),
                matches,
                backends,
            }
        })
        .collect()
}

/// PathPrefix semantics: whole path elements, a trailing `/` ignored.
fn path_prefix_matches(prefix: &str, path: &str) -> bool {
    let p = if prefix == "/" {
        "/"
    } else {
        prefix.trim_end_matches('/')
    };
    p == "/" || path == p || path.starts_with(&format!("{p}/"))
}

fn gw_route(rules: &[GwRule], req: &Request) -> Option<Chosen> {
    // Precedence key: exact path, prefix length, header count; then the
    // first rule in list order (the lowest index).
    let mut best: Option<((bool, usize, usize), usize)> = None;
    for (i, rule) in rules.iter().enumerate() {
        for m in &rule.matches {
            let path_ok = match (&m.exact, &m.prefix) {
                (Some(e), _) => *e == req.path,
                (None, Some(p)) => path_prefix_matches(p, &req.path),
                (None, None) => true,
            };
            let headers_ok = m.headers.iter().all(|(n, v)| req.headers.get(n) == Some(v));
            if !(path_ok && headers_ok) {
                continue;
            }
            let len = match (&m.exact, &m.prefix) {
                (Some(e), _) => e.len(),
                (None, Some(p)) if p != "/" => p.trim_end_matches('/').len(),
                _ => 1,
            };
            let key = (m.exact.is_some(), len, m.headers.len());
            if best.is_none_or(|(k, _)| key > k) {
                best = Some((key, i));
            }
        }
    }
    best.map(|(_, i)| Chosen {
        rule: rules[i].name.clone(),
        backends: rules[i].backends.clone(),
    })
}

// ---- Istio VirtualService --------------------------------------------------

fn istio_match(m: &Value, req: &Request) -> bool {
    let uri_ok = match &m["uri"] {
        Value::Null => true,
        uri => {
            if let Some(e) = uri["exact"].as_str() {
                req.path == e
            } else if let Some(p) = uri["prefix"].as_str() {
                req.path.starts_with(p)
            } else {
                panic!("uri match {uri:?} is not evaluated")
            }
        }
    };
    let headers_ok = match m["headers"].as_mapping() {
        None => true,
        Some(h) => h.iter().all(|(name, how)| {
            let value = how["exact"]
                .as_str()
                .unwrap_or_else(|| panic!("header match {how:?} is not evaluated"));
            req.headers.get(&s(name).to_lowercase()).map(String::as_str) == Some(value)
        }),
    };
    uri_ok && headers_ok
}

fn vs_route(vs: &Value, req: &Request) -> Option<Chosen> {
    for (i, http) in seq(&vs["spec"]["http"]).iter().enumerate() {
        let matches = seq(&http["match"]);
        if !matches.is_empty() && !matches.iter().any(|m| istio_match(m, req)) {
            continue;
        }
        let backends = seq(&http["route"])
            .iter()
            .map(|r| {
                let host = s(&r["destination"]["host"]);
                let service = host.split('.').next().unwrap().to_string();
                (service, r["weight"].as_f64().unwrap_or(100.0))
            })
            .collect();
        return Some(Chosen {
            rule: http["name"]
                .as_str()
                .map_or(format!("#{i}"), str::to_string),
            backends,
        });
    }
    None
}

// ---- Probes ----------------------------------------------------------------

/// Paths from both renderings: every path named by a match, itself, with a
/// trailing `/`, a child, a sibling sharing its characters, and some fixed
/// ones.
fn probe_paths(routes: &[Value], services: &[Value]) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for r in routes {
        for rule in seq(&r["spec"]["rules"]) {
            for m in seq(&rule["matches"]) {
                if let Some(v) = m["path"]["value"].as_str() {
                    named.insert(v.to_string());
                }
            }
        }
    }
    for vs in services {
        for http in seq(&vs["spec"]["http"]) {
            for m in seq(&http["match"]) {
                for how in ["exact", "prefix"] {
                    if let Some(v) = m["uri"][how].as_str() {
                        named.insert(v.to_string());
                    }
                }
            }
        }
    }
    let mut paths: BTreeSet<String> = [
        "/", "/x", "/api", "/api/", "/api/x", "/apix", "/beta", "/beta/x", "/betax",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for p in named {
        let base = p.trim_end_matches('/');
        paths.insert(p.clone());
        paths.insert(format!("{base}/"));
        paths.insert(format!("{base}/x"));
        paths.insert(format!("{base}/x/y"));
        if !base.is_empty() {
            paths.insert(format!("{base}x"));
            paths.insert(base.to_string());
        }
    }
    paths
}

/// Header sets: for every header name in the rules, absent, each value the
/// rules name, or another value; all combinations.
fn probe_headers(routes: &[Value], services: &[Value]) -> Vec<BTreeMap<String, String>> {
    let mut values: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in routes {
        for rule in seq(&r["spec"]["rules"]) {
            for m in seq(&rule["matches"]) {
                for h in seq(&m["headers"]) {
                    values
                        .entry(s(&h["name"]).to_lowercase())
                        .or_default()
                        .insert(s(&h["value"]).to_string());
                }
            }
        }
    }
    for vs in services {
        for http in seq(&vs["spec"]["http"]) {
            for m in seq(&http["match"]) {
                if let Some(h) = m["headers"].as_mapping() {
                    for (name, how) in h {
                        values
                            .entry(s(name).to_lowercase())
                            .or_default()
                            .insert(s(&how["exact"]).to_string());
                    }
                }
            }
        }
    }
    let mut sets = vec![BTreeMap::new()];
    for (name, vals) in values {
        let mut next = Vec::new();
        for set in &sets {
            next.push(set.clone());
            for v in vals.iter().cloned().chain(["other-value".to_string()]) {
                let mut with = set.clone();
                with.insert(name.clone(), v);
                next.push(with);
            }
        }
        sets = next;
    }
    sets
}

fn render(values: &str, istio: bool) -> Vec<Value> {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let file = TempFile::new(&format!("parity-{n}.yaml"), values);
    let mut args = vec!["render", "-f", file.arg()];
    if istio {
        args.extend(["--set", "gateway.api=istio"]);
    }
    let r = hubgw_run(&args);
    assert_eq!(r.code, 0, "render failed:\n{}\n{values}", r.stderr);
    docs(&r.stdout)
}

fn of_kind(docs: &[Value], kind: &str) -> Vec<Value> {
    docs.iter().filter(|d| d["kind"] == kind).cloned().collect()
}

fn host_of(doc: &Value, key: &str) -> String {
    let hosts = seq(&doc["spec"][key]);
    assert_eq!(hosts.len(), 1, "one host per route");
    s(&hosts[0]).to_string()
}

/// Renders `values` in both modes and compares every probe; returns the
/// number of probes.
fn assert_parity(case: &str, values: &str) -> usize {
    let routes = of_kind(&render(values, false), "HTTPRoute");
    let services = of_kind(&render(values, true), "VirtualService");
    assert!(!routes.is_empty(), "{case}: no HTTPRoute");
    assert_eq!(routes.len(), services.len(), "{case}: one of each per app");
    let paths = probe_paths(&routes, &services);
    let header_sets = probe_headers(&routes, &services);
    let mut failures = Vec::new();
    let mut probes = 0;
    for route in &routes {
        let host = host_of(route, "hostnames");
        let vs = services
            .iter()
            .find(|vs| host_of(vs, "hosts") == host)
            .unwrap_or_else(|| panic!("{case}: no VirtualService for {host}"));
        let rules = gw_rules(route);
        for path in &paths {
            for headers in &header_sets {
                let req = Request {
                    path: path.clone(),
                    headers: headers.clone(),
                };
                probes += 1;
                let gw = gw_route(&rules, &req);
                let is = vs_route(vs, &req);
                if !same_backends(&gw, &is) {
                    failures.push(format!(
                        "  {host}{} {:?}: Gateway API -> {:?}, Istio -> {:?}",
                        req.path,
                        req.headers,
                        gw.map(|c| (c.rule, c.backends)),
                        is.map(|c| (c.rule, c.backends)),
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{case}: {} of {probes} probes route differently, e.g.\n{}",
        failures.len(),
        failures[..failures.len().min(12)].join("\n")
    );
    probes
}

const BASE: &str = "clusterDomain: apps.hub.example.com
clusters:
  east:
    domain: apps.east.example.com
  west:
    domain: apps.west.example.com
";

fn with_rules(rules: &str) -> String {
    format!("{BASE}gateway:\n  weights:\n    east: 90\n    west: 10\n  rules:\n{rules}")
}

#[test]
fn the_header_rules_example_routes_alike() {
    let text = std::fs::read_to_string(example("header-rules.yaml")).unwrap();
    assert!(assert_parity("header-rules.yaml", &text) > 30);
}

#[test]
fn the_examples_without_rules_route_alike() {
    for name in ["east-west.yaml", "three-spokes.yaml"] {
        let text = std::fs::read_to_string(example(name)).unwrap();
        assert_parity(name, &text);
    }
}

/// One header rule with each kind of path.
#[test]
fn a_header_rule_with_any_path_routes_alike() {
    for path in ["", "/", "/api", "/api/", "/api/v2", "/beta", "/beta/"] {
        let path_line = if path.is_empty() {
            String::new()
        } else {
            format!("          path: {path}\n")
        };
        let values = with_rules(&format!(
            "    - name: canary
      matches:
        - headers:
            x-version: v2
{path_line}      backends:
        - spoke: west
"
        ));
        assert_parity(&format!("canary at `{path}`"), &values);
    }
}

#[test]
fn path_only_and_mixed_rules_route_alike() {
    let values = with_rules(
        "    - name: beta
      matches:
        - path: /beta
        - path: /api/beta
          headers:
            x-beta: 'on'
      backends:
        - spoke: west
          traffic: api
    - name: canary
      matches:
        - headers:
            x-version: v2
      backends:
        - spoke: west
          weight: 1
        - spoke: east
          weight: 2
",
    );
    assert_parity("path-only and mixed", &values);
}

#[test]
fn two_header_rules_route_alike() {
    // The earlier rule has as many headers as the later one on the same
    // path, and the later one a longer path.
    let values = with_rules(
        "    - name: canary
      matches:
        - headers:
            x-version: v2
      backends:
        - spoke: west
    - name: tester
      matches:
        - path: /api/v2
          headers:
            x-user: tester
      backends:
        - spoke: east
          traffic: api
",
    );
    assert_parity("two header rules", &values);
    // More headers first.
    let values = with_rules(
        "    - name: both
      matches:
        - headers:
            x-version: v2
            x-user: tester
      backends:
        - spoke: east
    - name: canary
      matches:
        - path: /api
          headers:
            x-version: v2
      backends:
        - spoke: west
",
    );
    assert_parity("more headers first", &values);
}

#[test]
fn rules_of_an_app_entry_route_alike() {
    let values = format!(
        "{BASE}apps:
  line-dashboard:
    clusters:
      east:
        domain: apps.east.example.com
      west:
        domain: apps.west.example.com
    rules:
      - name: canary
        matches:
          - headers:
              x-version: v2
          - path: /api/v2
        backends:
          - spoke: west
            traffic: api
"
    );
    assert_parity("apps.line-dashboard.rules", &values);
}

/// Values whose rules Gateway API precedence cannot order as listed are
/// refused, naming the rule and why.
#[test]
fn rules_that_cannot_route_alike_are_refused() {
    let cases = [
        // Fewer headers before more headers on the same path.
        "    - name: canary
      matches:
        - headers:
            x-version: v2
      backends:
        - spoke: west
    - name: tester
      matches:
        - headers:
            x-version: v2
            x-user: tester
      backends:
        - spoke: east
",
        // ... or on a longer path under it.
        "    - name: canary
      matches:
        - path: /api
          headers:
            x-version: v2
      backends:
        - spoke: west
    - name: tester
      matches:
        - path: /api/v2
          headers:
            x-version: v2
            x-user: tester
      backends:
        - spoke: east
",
    ];
    for rules in cases {
        let values = with_rules(rules);
        let file = TempFile::new("parity-refused.yaml", &values);
        let err = fails(&["render", "-f", file.arg()], 1);
        assert!(
            err.contains("rule `tester` cannot follow `canary`"),
            "{err}"
        );
        assert!(err.contains("list `tester` before `canary`"), "{err}");
    }
}

/// Every pair of rules drawn from a small pool of matches: each is either
/// refused with the ordering error or routes alike in both modes.
#[test]
fn generated_rule_pairs_route_alike_or_are_refused() {
    let paths = ["", "/", "/api", "/api/v2", "/beta"];
    let headers = [
        "",
        "x-version: v2",
        "x-version: v2, x-user: tester",
        "x-version: v3",
    ];
    let mut pool = Vec::new();
    for p in paths {
        for h in headers {
            if p.is_empty() && h.is_empty() {
                continue;
            }
            let mut m = String::from("        - {");
            if !p.is_empty() {
                m.push_str(&format!("path: {p}"));
            }
            if !h.is_empty() {
                if !p.is_empty() {
                    m.push_str(", ");
                }
                m.push_str(&format!("headers: {{{h}}}"));
            }
            m.push_str("}\n");
            pool.push(m);
        }
    }
    let (mut accepted, mut refused) = (0, 0);
    // A deterministic sample of the pairs keeps the renders few.
    for (n, (a, b)) in pool
        .iter()
        .flat_map(|a| pool.iter().map(move |b| (a, b)))
        .enumerate()
    {
        if n % 7 != 0 {
            continue;
        }
        let values = with_rules(&format!(
            "    - name: first\n      matches:\n{a}      backends:\n        - spoke: west\n    - name: second\n      matches:\n{b}      backends:\n        - spoke: east\n          traffic: api\n"
        ));
        let file = TempFile::new(&format!("parity-pair-{n}.yaml"), &values);
        let r = hubgw_run(&["render", "-f", file.arg()]);
        if r.code == 0 {
            accepted += 1;
            assert_parity(&format!("pair {n}:\n{values}"), &values);
        } else {
            refused += 1;
            assert!(
                r.stderr.contains("rule `second` cannot follow `first`"),
                "pair {n}:\n{values}\n{}",
                r.stderr
            );
        }
    }
    assert!(
        accepted > 20 && refused > 3,
        "{accepted} accepted, {refused} refused"
    );
}
