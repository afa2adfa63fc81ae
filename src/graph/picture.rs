//! The picture: nodes, edges and groups with their words and looks, made
//! from one traffic model, or from two as a change (moved shares read
//! `50% -> 80%`, added and removed parts are marked). The writers
//! (`mermaid.rs`, `dot.rs`) only format it, so both formats say the same.

use super::model::{Service, Spoke, Traffic};

/// How a part of the picture differs from the old input (`Same` when there
/// is only one input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Same,
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The browser, where traffic starts.
    Stadium,
    Box,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Stable identity across two inputs, e.g. `service:app-east-front`.
    pub key: String,
    /// The identifier written out (`svc1`): short and safe in both formats.
    pub id: String,
    pub lines: Vec<String>,
    pub shape: Shape,
    /// The key of the group it is drawn in.
    pub group: Option<String>,
    /// No traffic reaches it (zero weight, spoke off, removed).
    pub dimmed: bool,
    pub change: Change,
}

/// A box around nodes: a waypoint and the Services whose ingress crosses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: String,
    pub id: String,
    pub lines: Vec<String>,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Node keys.
    pub from: String,
    pub to: String,
    pub lines: Vec<String>,
    pub dashed: bool,
    /// Only there to place a node (a spoke that is off) beside its peers.
    pub invisible: bool,
    pub change: Change,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Picture {
    pub groups: Vec<Group>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// What a picture is written as: a top-level node, or a group with its nodes.
pub enum Item<'a> {
    Node(&'a Node),
    Group(&'a Group, Vec<&'a Node>),
}

impl Picture {
    /// The written id of a node key.
    pub fn id(&self, key: &str) -> &str {
        self.nodes
            .iter()
            .find(|n| n.key == key)
            .map_or("", |n| n.id.as_str())
    }

    /// Nodes in order, each group at the place of its first node; groups
    /// without nodes are left out.
    pub fn items(&self) -> Vec<Item<'_>> {
        let mut items = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for node in &self.nodes {
            match node
                .group
                .as_deref()
                .and_then(|g| self.groups.iter().find(|x| x.key == g))
            {
                None => items.push(Item::Node(node)),
                Some(group) if !seen.contains(&group.key.as_str()) => {
                    seen.push(&group.key);
                    let members = self
                        .nodes
                        .iter()
                        .filter(|n| n.group.as_deref() == Some(group.key.as_str()))
                        .collect();
                    items.push(Item::Group(group, members));
                }
                Some(_) => {}
            }
        }
        items
    }

    fn node(&mut self, key: String, lines: Vec<String>) -> &mut Node {
        self.nodes.push(Node {
            key,
            id: String::new(),
            lines,
            shape: Shape::Box,
            group: None,
            dimmed: false,
            change: Change::Same,
        });
        self.nodes.last_mut().expect("just pushed")
    }

    fn edge(&mut self, from: &str, to: &str, lines: Vec<String>) -> &mut Edge {
        self.edges.push(Edge {
            from: from.to_string(),
            to: to.to_string(),
            lines,
            dashed: false,
            invisible: false,
            change: Change::Same,
        });
        self.edges.last_mut().expect("just pushed")
    }

    fn has_node(&self, key: &str) -> bool {
        self.nodes.iter().any(|n| n.key == key)
    }

    /// Gives every node and group its written id: a short prefix per kind
    /// and a running number, in drawing order.
    fn finish(mut self) -> Picture {
        let mut counts: Vec<(String, usize)> = Vec::new();
        let mut next = |prefix: &str| -> String {
            match counts.iter_mut().find(|(p, _)| p == prefix) {
                Some((_, n)) => {
                    *n += 1;
                    format!("{prefix}{n}")
                }
                None => {
                    counts.push((prefix.to_string(), 1));
                    format!("{prefix}1")
                }
            }
        };
        for node in &mut self.nodes {
            node.id = match node.key.split(':').next().unwrap_or("") {
                "browser" => "browser".to_string(),
                "route" => next("route"),
                "gateway" => next("gw"),
                "httproute" => next("hr"),
                "rule" => next("rule"),
                "service" => next("svc"),
                "waypoint" => next("wp"),
                _ => next("spoke"),
            };
        }
        for group in &mut self.groups {
            group.id = next("wp");
        }
        self
    }
}

fn spoke_key(spoke: &Spoke) -> String {
    if spoke.enabled {
        format!("spoke:{}", spoke.host)
    } else {
        format!("spoke-off:{}", spoke.name)
    }
}

/// The picture of one render or stream.
pub fn of(traffic: &Traffic) -> Picture {
    build(traffic).finish()
}

/// The picture of `new`, marked with how it differs from `old`.
pub fn change(old: &Traffic, new: &Traffic) -> Picture {
    merge(build(old), build(new)).finish()
}

fn build(t: &Traffic) -> Picture {
    let mut p = Picture::default();
    p.node("browser".into(), vec!["Browser".into()]).shape = Shape::Stadium;

    for e in &t.entries {
        let key = format!("route:{}", e.name);
        let mut lines = vec![format!("Route {}", e.name)];
        match &e.tls {
            Some(tls) => {
                lines.push(format!("https://{}", e.host));
                lines.push(format!("TLS {tls}"));
            }
            None => lines.push(format!("http://{}", e.host)),
        }
        if e.gateway.is_none() {
            lines.push(format!("to Service {}: no Gateway here", e.target));
        }
        p.node(key.clone(), lines);
        p.edge("browser", &key, vec![]);
    }
    for g in &t.gateways {
        let key = format!("gateway:{}", g.name);
        let mut lines = vec![format!("Gateway {}", g.name), format!("class {}", g.class)];
        lines.extend(g.listeners.iter().map(|l| format!("listener {l}")));
        p.node(key.clone(), lines);
        let entries: Vec<&str> = t
            .entries
            .iter()
            .filter(|e| e.gateway.as_deref() == Some(g.name.as_str()))
            .map(|e| e.name.as_str())
            .collect();
        if entries.is_empty() {
            p.edge("browser", &key, vec![]);
        }
        for e in entries {
            p.edge(&format!("route:{e}"), &key, vec![]);
        }
    }
    for r in &t.http_routes {
        let key = format!("httproute:{}", r.name);
        let mut lines = vec![format!("{} {}", r.kind, r.name)];
        lines.extend(r.hostnames.iter().map(|h| format!("host {h}")));
        p.node(key.clone(), lines);
        for parent in &r.parents {
            let gw = format!("gateway:{parent}");
            if p.has_node(&gw) {
                p.edge(&gw, &key, vec![]);
            }
        }
        for rule in &r.rules {
            let rule_key = format!("rule:{}:{}", r.name, rule.name);
            let mut lines = vec![rule.name.clone()];
            lines.extend(rule.matches.iter().cloned());
            if rule.sends_nothing() {
                lines.push("every weight is 0: answers 500".into());
            }
            p.node(rule_key.clone(), lines).dimmed = rule.sends_nothing();
            p.edge(&key, &rule_key, vec![]);
        }
    }

    // A waypoint is a box only around the Services whose ingress traffic
    // crosses it (ordinary Services labeled istio.io/ingress-use-waypoint);
    // for the rest it serves in-mesh callers only and is a node aside.
    for w in &t.waypoints {
        let members = || {
            t.services
                .iter()
                .filter(|s| s.waypoint.as_deref() == Some(w.name.as_str()))
        };
        if !members().any(|s| s.ingress_via_waypoint) {
            continue;
        }
        let mut lines = vec![
            format!("waypoint {}", w.name),
            "ingress crosses it: istio.io/ingress-use-waypoint".into(),
        ];
        if members().any(|s| !s.ingress_via_waypoint) {
            lines.push("in-mesh callers only for its other Services".into());
        }
        p.groups.push(Group {
            key: format!("waypoint:{}", w.name),
            id: String::new(),
            lines,
            change: Change::Same,
        });
    }
    // Services in the order the rules send to them, so edges cross less.
    let order: Vec<&str> = t
        .http_routes
        .iter()
        .flat_map(|r| &r.rules)
        .flat_map(|r| &r.backends)
        .map(|b| b.service.as_str())
        .collect();
    let mut services: Vec<_> = t.services.iter().collect();
    services.sort_by_key(|s| {
        order
            .iter()
            .position(|b| *b == s.name)
            .unwrap_or(order.len())
    });
    for s in &services {
        let mut lines = vec![format!("Service {}", s.name)];
        match s.port {
            Some(port) => lines.push(format!("{} :{port}", s.kind)),
            None => lines.push(s.kind.clone()),
        }
        // An alias's circuit breaking is its host's: said once on the spoke.
        if said_on_spoke(t, s).is_none() {
            lines.extend(circuit_breaking_lines(
                &s.circuit_breaking,
                s.circuit_breaking_rule.as_deref(),
                &s.enforced_by,
                s.waypoint.as_deref().filter(|_| s.ingress_via_waypoint),
            ));
        }
        for rule in &s.rules_without_effect {
            lines.push(format!(
                "DestinationRule {rule} targets an alias: no effect (Istio ≥ 1.21)"
            ));
        }
        let group = s
            .waypoint
            .as_ref()
            .filter(|_| s.ingress_via_waypoint)
            .map(|w| format!("waypoint:{w}"));
        let node = p.node(format!("service:{}", s.name), lines);
        node.group = group;
        node.dimmed = t.service_dimmed(&s.name);
    }
    for r in &t.http_routes {
        for rule in &r.rules {
            let rule_key = format!("rule:{}:{}", r.name, rule.name);
            for b in &rule.backends {
                let key = format!("service:{}", b.service);
                let service = t.services.iter().find(|s| s.name == b.service);
                if !p.has_node(&key) {
                    p.node(
                        key.clone(),
                        vec![
                            format!("Service {}", b.service),
                            "not in this render".into(),
                        ],
                    )
                    .dimmed = b.share.is_zero();
                }
                let mut lines = vec![b.share.to_string()];
                let target = service.and_then(|s| s.external_name.as_ref());
                match (&b.host_header, target) {
                    (Some(h), Some(t)) if h == t => {}
                    (Some(h), _) => lines.push(format!("Host {h}")),
                    (None, Some(_)) => lines.push("Host not rewritten".into()),
                    (None, None) => {}
                }
                p.edge(&rule_key, &key, lines).dashed = b.share.is_zero();
            }
        }
    }
    for spoke in &t.spokes {
        let mut lines = vec![format!("spoke {}", spoke.name)];
        if !spoke.enabled {
            lines.push("off: no domain".into());
        } else {
            if spoke.name != spoke.host {
                lines.push(spoke.host.clone());
            }
            lines.push(match &spoke.service_entry {
                Some(port) => port.clone(),
                None => "no ServiceEntry: answers 500".into(),
            });
            let aliases: Vec<_> = t
                .services
                .iter()
                .filter(|s| s.external_name.as_deref() == Some(spoke.host.as_str()))
                .collect();
            if let Some(first) = aliases.first().filter(|s| said_on_spoke(t, s).is_some()) {
                let mut gateways: Vec<String> = Vec::new();
                for g in aliases.iter().flat_map(|s| &s.enforced_by) {
                    if !gateways.contains(g) {
                        gateways.push(g.clone());
                    }
                }
                lines.extend(circuit_breaking_lines(
                    &first.circuit_breaking,
                    first.circuit_breaking_rule.as_deref(),
                    &gateways,
                    None,
                ));
            }
        }
        p.node(spoke_key(spoke), lines).dimmed = t.spoke_dimmed(spoke);
    }
    for s in &services {
        if let Some(host) = &s.external_name {
            p.edge(
                &format!("service:{}", s.name),
                &format!("spoke:{host}"),
                vec![],
            );
        }
    }
    if let Some(first) = services.first() {
        for spoke in t.spokes.iter().filter(|s| !s.enabled) {
            p.edge(
                &format!("service:{}", first.name),
                &spoke_key(spoke),
                vec![],
            )
            .invisible = true;
        }
    }
    for w in &t.waypoints {
        let members: Vec<_> = services
            .iter()
            .filter(|s| s.waypoint.as_deref() == Some(w.name.as_str()))
            .collect();
        if members.iter().any(|s| s.ingress_via_waypoint) {
            continue;
        }
        let mut lines = vec![format!("waypoint {}", w.name)];
        if members.is_empty() {
            lines.push("no Services".into());
        } else {
            lines.push("in-mesh callers only".into());
            lines.push(if members.iter().all(|s| s.external_name.is_some()) {
                "not on the ingress path: gateways call no waypoint for ExternalName hosts".into()
            } else {
                "not on the ingress path: no istio.io/ingress-use-waypoint".into()
            });
        }
        let key = format!("waypoint:{}", w.name);
        p.node(key.clone(), lines);
        // Beside the Services it serves, with no traffic drawn to it.
        if let Some(first) = members.first() {
            p.edge(&format!("service:{}", first.name), &key, vec![])
                .invisible = true;
        }
    }
    p
}

/// The spoke whose node says an ExternalName Service's circuit breaking:
/// its host's, when every Service aliasing that host has the same.
fn said_on_spoke<'a>(t: &'a Traffic, s: &Service) -> Option<&'a Spoke> {
    let host = s.external_name.as_deref()?;
    let spoke = t.spokes.iter().find(|x| x.enabled && x.host == host)?;
    t.services
        .iter()
        .filter(|o| o.external_name.as_deref() == Some(host))
        .all(|o| {
            o.circuit_breaking == s.circuit_breaking
                && o.circuit_breaking_rule == s.circuit_breaking_rule
        })
        .then_some(spoke)
}

/// The circuit breaking in effect and who enforces it: the proxies of the
/// Gateways that call it (and the waypoint, when ingress crosses it).
fn circuit_breaking_lines(
    summary: &Option<String>,
    rule: Option<&str>,
    gateways: &[String],
    waypoint: Option<&str>,
) -> Vec<String> {
    let Some(summary) = summary else {
        return vec!["no circuit breaking".into()];
    };
    let mut lines = vec![format!("circuit breaking: {summary}")];
    if let Some(rule) = rule {
        lines.push(format!("DestinationRule {rule}"));
    }
    let by = if gateways.is_empty() {
        "enforced by the proxy that calls it".to_string()
    } else {
        format!("enforced by the gateway's proxy ({})", gateways.join(", "))
    };
    lines.push(match waypoint {
        Some(w) => format!("{by} and waypoint {w}"),
        None => by,
    });
    lines
}

/// Lines of a part in both inputs: unchanged lines as they are, a changed
/// line as `old -> new`; when the count differs, old lines not kept are
/// listed as `was: ...`.
pub fn merge_lines(old: &[String], new: &[String]) -> Vec<String> {
    if old.len() == new.len() {
        return old
            .iter()
            .zip(new)
            .map(|(a, b)| {
                if a == b {
                    b.clone()
                } else {
                    format!("{a} -> {b}")
                }
            })
            .collect();
    }
    let mut lines = new.to_vec();
    lines.extend(
        old.iter()
            .filter(|l| !new.contains(l))
            .map(|l| format!("was: {l}")),
    );
    lines
}

fn merged_change(old: &[String], new: &[String]) -> Change {
    if old == new {
        Change::Same
    } else {
        Change::Changed
    }
}

/// Edges are matched by their ends and, for repeats, their order.
fn edge_keys(edges: &[Edge]) -> Vec<(String, String, usize)> {
    let mut keys: Vec<(String, String, usize)> = Vec::new();
    for e in edges {
        let n = keys
            .iter()
            .filter(|(f, t, _)| *f == e.from && *t == e.to)
            .count();
        keys.push((e.from.clone(), e.to.clone(), n));
    }
    keys
}

fn merge(old: Picture, new: Picture) -> Picture {
    let mut out = Picture::default();
    for g in &new.groups {
        let mut g = g.clone();
        match old.groups.iter().find(|o| o.key == g.key) {
            Some(o) => {
                g.change = merged_change(&o.lines, &g.lines);
                g.lines = merge_lines(&o.lines, &g.lines);
            }
            None => {
                g.change = Change::Added;
                g.lines.push("(added)".into());
            }
        }
        out.groups.push(g);
    }
    for o in old
        .groups
        .iter()
        .filter(|o| !new.groups.iter().any(|g| g.key == o.key))
    {
        let mut g = o.clone();
        g.change = Change::Removed;
        g.lines.push("(removed)".into());
        out.groups.push(g);
    }

    for n in &new.nodes {
        let mut n = n.clone();
        match old.nodes.iter().find(|o| o.key == n.key) {
            Some(o) => {
                n.change = merged_change(&o.lines, &n.lines);
                n.lines = merge_lines(&o.lines, &n.lines);
            }
            None => {
                n.change = Change::Added;
                n.lines.push("(added)".into());
            }
        }
        out.nodes.push(n);
    }
    for o in old.nodes.iter().filter(|o| !new.has_node(&o.key)) {
        let mut n = o.clone();
        n.change = Change::Removed;
        n.dimmed = true;
        n.lines.push("(removed)".into());
        out.nodes.push(n);
    }

    let (old_keys, new_keys) = (edge_keys(&old.edges), edge_keys(&new.edges));
    for (e, key) in new.edges.iter().zip(&new_keys) {
        let mut e = e.clone();
        match old_keys.iter().position(|k| k == key) {
            Some(i) => {
                let o = &old.edges[i];
                e.change = merged_change(&o.lines, &e.lines);
                e.lines = merge_lines(&o.lines, &e.lines);
            }
            None if e.invisible => {}
            None => {
                e.change = Change::Added;
                e.lines = match e.lines.split_first() {
                    Some((first, rest)) => {
                        let mut l = vec![format!("added: {first}")];
                        l.extend(rest.iter().cloned());
                        l
                    }
                    None => vec!["added".into()],
                };
            }
        }
        out.edges.push(e);
    }
    for (o, key) in old.edges.iter().zip(&old_keys) {
        if o.invisible || new_keys.contains(key) {
            continue;
        }
        let mut e = o.clone();
        e.change = Change::Removed;
        e.dashed = true;
        e.lines = match o.lines.split_first() {
            Some((first, rest)) => {
                let mut l = vec![format!("removed, was {first}")];
                l.extend(rest.iter().cloned());
                l
            }
            None => vec!["removed".into()],
        };
        out.edges.push(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{Backend, HttpRoute, Rule, Service, Share, Traffic, Waypoint};

    fn service(name: &str, host: &str, cb: Option<&str>) -> Service {
        Service {
            name: name.into(),
            namespace: "hub".into(),
            kind: "ExternalName".into(),
            external_name: Some(host.into()),
            port: Some(80),
            circuit_breaking: cb.map(str::to_string),
            circuit_breaking_rule: cb.map(|_| format!("cb-{name}")),
            rules_without_effect: vec![],
            enforced_by: vec!["hub-gateway".into()],
            waypoint: Some("hub-waypoint".into()),
            ingress_via_waypoint: false,
        }
    }

    fn spoke(name: &str, host: &str) -> Spoke {
        Spoke {
            name: name.into(),
            host: host.into(),
            enabled: true,
            service_entry: Some("HTTP :80".into()),
        }
    }

    /// One rule over `weights` (service name, weight).
    fn traffic(weights: &[(&str, i64)]) -> Traffic {
        let total = weights.iter().map(|w| w.1).sum();
        let backends = weights
            .iter()
            .map(|&(name, weight)| Backend {
                service: name.into(),
                weight,
                share: Share::of(weight, total),
                host_header: Some(format!("{name}.spoke")),
            })
            .collect();
        Traffic {
            http_routes: vec![HttpRoute {
                kind: "HTTPRoute".into(),
                name: "app".into(),
                hostnames: vec!["app.hub".into()],
                parents: vec![],
                rules: vec![Rule {
                    name: "rule front".into(),
                    matches: vec!["PathPrefix /".into()],
                    backends,
                }],
            }],
            waypoints: vec![Waypoint {
                name: "hub-waypoint".into(),
                namespace: "hub".into(),
            }],
            services: weights
                .iter()
                .map(|(n, _)| service(n, &format!("{n}.spoke"), Some("maxConnections 100")))
                .collect(),
            spokes: weights
                .iter()
                .map(|(n, _)| spoke(n, &format!("{n}.spoke")))
                .collect(),
            ..Default::default()
        }
    }

    fn edge<'a>(p: &'a Picture, from: &str, to: &str) -> &'a Edge {
        p.edges
            .iter()
            .find(|e| e.from == from && e.to == to)
            .unwrap_or_else(|| panic!("no edge {from} -> {to}: {:#?}", p.edges))
    }

    fn node<'a>(p: &'a Picture, key: &str) -> &'a Node {
        p.nodes.iter().find(|n| n.key == key).expect(key)
    }

    #[test]
    fn zero_weight_edges_are_dashed_and_their_service_dimmed() {
        let p = of(&traffic(&[("east", 100), ("west", 0)]));
        let east = edge(&p, "rule:app:rule front", "service:east");
        let west = edge(&p, "rule:app:rule front", "service:west");
        assert_eq!(
            (east.lines.as_slice(), east.dashed),
            (&["100%".to_string()][..], false)
        );
        assert_eq!(
            (west.lines.as_slice(), west.dashed),
            (&["0%".to_string()][..], true)
        );
        assert!(!node(&p, "service:east").dimmed);
        assert!(node(&p, "service:west").dimmed);
        assert!(node(&p, "spoke:west.spoke").dimmed);
        assert_eq!(node(&p, "service:west").id, "svc2");
    }

    #[test]
    fn an_alias_circuit_breaking_is_said_on_its_spoke_enforced_by_the_gateway() {
        let p = of(&traffic(&[("east", 1), ("west", 1)]));
        assert_eq!(
            node(&p, "spoke:east.spoke").lines,
            [
                "spoke east",
                "east.spoke",
                "HTTP :80",
                "circuit breaking: maxConnections 100",
                "DestinationRule cb-east",
                "enforced by the gateway's proxy (hub-gateway)"
            ]
        );
        let east = node(&p, "service:east");
        assert_eq!(east.lines, ["Service east", "ExternalName :80"]);
        assert_eq!(east.group, None, "ingress to an alias skips the waypoint");
        assert!(p.groups.is_empty());
        assert_eq!(
            node(&p, "waypoint:hub-waypoint").lines,
            [
                "waypoint hub-waypoint",
                "in-mesh callers only",
                "not on the ingress path: gateways call no waypoint for ExternalName hosts"
            ]
        );
        assert!(edge(&p, "service:east", "waypoint:hub-waypoint").invisible);

        // Two aliases of one host that disagree are said per Service.
        let mut t = traffic(&[("east", 1), ("west", 1)]);
        t.services[1].external_name = Some("east.spoke".into());
        t.services[1].circuit_breaking = None;
        let p = of(&t);
        assert_eq!(node(&p, "service:west").lines[2], "no circuit breaking");
        assert_eq!(node(&p, "spoke:east.spoke").lines.len(), 3);
    }

    #[test]
    fn a_rule_on_the_alias_reads_as_no_effect() {
        let mut t = traffic(&[("east", 1)]);
        t.services[0].circuit_breaking = None;
        t.services[0].circuit_breaking_rule = None;
        t.services[0].rules_without_effect = vec!["cb-x".into()];
        let p = of(&t);
        assert_eq!(
            node(&p, "service:east").lines,
            [
                "Service east",
                "ExternalName :80",
                "DestinationRule cb-x targets an alias: no effect (Istio ≥ 1.21)"
            ]
        );
        assert_eq!(
            node(&p, "spoke:east.spoke").lines.last().unwrap(),
            "no circuit breaking"
        );
    }

    #[test]
    fn ingress_through_the_waypoint_is_a_box_around_the_service() {
        let mut t = traffic(&[("east", 1)]);
        let s = &mut t.services[0];
        (s.kind, s.external_name, s.ingress_via_waypoint) = ("ClusterIP".into(), None, true);
        let p = of(&t);
        assert_eq!(
            p.groups[0].lines,
            [
                "waypoint hub-waypoint",
                "ingress crosses it: istio.io/ingress-use-waypoint"
            ]
        );
        let east = node(&p, "service:east");
        assert_eq!(east.group.as_deref(), Some("waypoint:hub-waypoint"));
        assert_eq!(
            east.lines[2..],
            [
                "circuit breaking: maxConnections 100",
                "DestinationRule cb-east",
                "enforced by the gateway's proxy (hub-gateway) and waypoint hub-waypoint"
            ]
        );
        assert!(!p.has_node("waypoint:hub-waypoint"));
    }

    #[test]
    fn a_spoke_that_is_off_is_dimmed_and_placed_by_an_invisible_edge() {
        let mut t = traffic(&[("east", 1)]);
        t.spokes.push(Spoke {
            name: "west".into(),
            host: String::new(),
            enabled: false,
            service_entry: None,
        });
        let p = of(&t);
        let off = node(&p, "spoke-off:west");
        assert!(off.dimmed);
        assert_eq!(off.lines, ["spoke west", "off: no domain"]);
        assert!(edge(&p, "service:east", "spoke-off:west").invisible);
    }

    #[test]
    fn change_labels_moved_shares_old_to_new() {
        let p = change(
            &traffic(&[("east", 50), ("west", 50)]),
            &traffic(&[("east", 80), ("west", 20)]),
        );
        let east = edge(&p, "rule:app:rule front", "service:east");
        assert_eq!(east.lines, ["50% -> 80%"]);
        assert_eq!(east.change, Change::Changed);
        assert_eq!(
            edge(&p, "rule:app:rule front", "service:west").lines,
            ["50% -> 20%"]
        );
        assert_eq!(node(&p, "service:east").change, Change::Same);
    }

    #[test]
    fn change_marks_added_and_removed_backends() {
        let p = change(
            &traffic(&[("east", 50), ("west", 50)]),
            &traffic(&[("east", 50), ("central", 50)]),
        );
        let added = edge(&p, "rule:app:rule front", "service:central");
        assert_eq!(
            (added.lines.as_slice(), added.change),
            (&["added: 50%".to_string()][..], Change::Added)
        );
        let removed = edge(&p, "rule:app:rule front", "service:west");
        assert_eq!(removed.lines, ["removed, was 50%"]);
        assert!(removed.dashed);
        let west = node(&p, "service:west");
        assert_eq!((west.change, west.dimmed), (Change::Removed, true));
        assert_eq!(west.lines.last().unwrap(), "(removed)");
        assert_eq!(node(&p, "service:central").change, Change::Added);
        // Removed nodes come after the new ones, so ids stay stable.
        assert_eq!(p.nodes.last().unwrap().key, "spoke:west.spoke");
    }

    #[test]
    fn change_of_the_same_input_changes_nothing() {
        let t = traffic(&[("east", 50), ("west", 50)]);
        assert_eq!(change(&t, &t), of(&t));
    }

    #[test]
    fn merge_lines_pairs_or_lists_what_was() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            merge_lines(&s(&["a", "b"]), &s(&["a", "c"])),
            s(&["a", "b -> c"])
        );
        assert_eq!(
            merge_lines(&s(&["a", "b"]), &s(&["a"])),
            s(&["a", "was: b"])
        );
    }

    #[test]
    fn items_put_groups_where_their_first_node_is() {
        let mut t = traffic(&[("east", 1), ("west", 1)]);
        for s in &mut t.services {
            s.ingress_via_waypoint = true;
        }
        let p = of(&t);
        let shape: Vec<String> = p
            .items()
            .iter()
            .map(|i| match i {
                Item::Node(n) => n.id.clone(),
                Item::Group(g, nodes) => format!(
                    "{}[{}]",
                    g.id,
                    nodes
                        .iter()
                        .map(|n| n.id.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
            })
            .collect();
        assert_eq!(
            shape,
            [
                "browser",
                "hr1",
                "rule1",
                "wp1[svc1,svc2]",
                "spoke1",
                "spoke2"
            ]
        );
    }
}
