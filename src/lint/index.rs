//! A stream indexed for the lint rules: objects by kind and name, and the
//! lookups the rules share (a DestinationRule's host to its Service, a
//! backendRef to its Service, a parentRef to its Gateway).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::manifest::Manifest;

const GATEWAY_API: &str = "gateway.networking.k8s.io";
const ISTIO: &str = "networking.istio.io";

/// (group, kind, namespace, name) of an object.
type Identity<'a> = (&'a str, &'a str, &'a str, &'a str);

pub struct StreamIndex<'a> {
    pub all: &'a [Manifest],
    /// Objects by identity (the first of duplicates, as a linear search
    /// finds), so lookups stay O(1): rules ask per object, and a render of
    /// 500 applications has 11,000 objects.
    by_identity: HashMap<Identity<'a>, &'a Manifest>,
    /// DestinationRules by the identity of the Service their host resolves to.
    rules_by_service: HashMap<Identity<'a>, Vec<&'a Manifest>>,
    /// Objects by (group, kind), in stream order: most rules look at one
    /// kind, and reading every object's apiVersion and kind again for each
    /// rule was a tenth of a 500-app render.
    /// Shared, so that an iterator over a kind outlives the borrow of the index.
    by_kind: HashMap<(&'a str, &'a str), Arc<[&'a Manifest]>>,
}

impl<'a> StreamIndex<'a> {
    pub fn new(all: &'a [Manifest]) -> Self {
        let mut by_identity = HashMap::with_capacity(all.len());
        let mut by_kind: HashMap<_, Vec<&Manifest>> = HashMap::new();
        for m in all {
            let (group, kind) = (m.group(), m.kind());
            by_identity
                .entry((group, kind, m.namespace(), m.name()))
                .or_insert(m);
            by_kind.entry((group, kind)).or_default().push(m);
        }
        let mut index = StreamIndex {
            all,
            by_identity,
            rules_by_service: HashMap::new(),
            by_kind: by_kind
                .into_iter()
                .map(|(key, objects)| (key, objects.into()))
                .collect(),
        };
        let mut rules_by_service: HashMap<Identity<'a>, Vec<&'a Manifest>> = HashMap::new();
        for dr in index.destination_rules() {
            if let Some(s) = index.destination_rule_service(dr) {
                rules_by_service
                    .entry((s.group(), s.kind(), s.namespace(), s.name()))
                    .or_default()
                    .push(dr);
            }
        }
        index.rules_by_service = rules_by_service;
        index
    }

    pub fn of(&self, group: &'a str, kind: &'a str) -> impl Iterator<Item = &'a Manifest> + 'a {
        let objects = self.by_kind.get(&(group, kind)).cloned();
        let objects = objects.unwrap_or_else(|| Arc::new([]));
        (0..objects.len()).map(move |i| objects[i])
    }

    pub fn services(&self) -> impl Iterator<Item = &'a Manifest> + 'a {
        self.of("", "Service")
    }

    pub fn external_name_services(&self) -> impl Iterator<Item = &'a Manifest> + 'a {
        self.services()
            .filter(|s| s.object["spec"]["type"] == "ExternalName")
    }

    pub fn http_routes(&self) -> impl Iterator<Item = &'a Manifest> + 'a {
        self.of(GATEWAY_API, "HTTPRoute")
    }

    pub fn gateways(&self) -> impl Iterator<Item = &'a Manifest> + 'a {
        self.of(GATEWAY_API, "Gateway")
    }

    pub fn service_entries(&self) -> impl Iterator<Item = &'a Manifest> + 'a {
        self.of(ISTIO, "ServiceEntry")
    }

    pub fn destination_rules(&self) -> impl Iterator<Item = &'a Manifest> + 'a {
        self.of(ISTIO, "DestinationRule")
    }

    pub fn namespace(&self, name: &str) -> Option<&'a Manifest> {
        self.find("", "Namespace", "", name)
    }

    pub fn find(
        &self,
        group: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Option<&'a Manifest> {
        self.by_identity
            .get(&(group, kind, namespace, name))
            .copied()
    }

    /// The Service an Istio host names (FQDN, `svc.ns` or a short name in
    /// `namespace`), if it is in the stream.
    pub fn service_for_host(&self, host: &str, namespace: &str) -> Option<&'a Manifest> {
        let host = host.strip_suffix(".svc.cluster.local").unwrap_or(host);
        let (name, namespace) = match host.split_once('.') {
            Some((name, ns)) => (name, ns.strip_suffix(".svc").unwrap_or(ns)),
            None => (host, namespace),
        };
        self.find("", "Service", namespace, name)
    }

    /// The Service a DestinationRule's host names.
    pub fn destination_rule_service(&self, dr: &Manifest) -> Option<&'a Manifest> {
        self.service_for_host(dr.object["spec"]["host"].as_str()?, dr.namespace())
    }

    /// The DestinationRules whose host resolves to `service`.
    pub fn destination_rules_for(&self, service: &Manifest) -> Vec<&'a Manifest> {
        let id = (
            service.group(),
            service.kind(),
            service.namespace(),
            service.name(),
        );
        self.rules_by_service
            .get(&id)
            .into_iter()
            .flatten()
            .copied()
            .filter(|dr| {
                self.destination_rule_service(dr)
                    .is_some_and(|s| std::ptr::eq(s, service))
            })
            .collect()
    }
}

/// One backendRef of an HTTPRoute with where it sits.
pub struct BackendRef<'a> {
    pub path: String,
    pub value: &'a Value,
    pub rule: &'a Value,
    pub rule_path: String,
}

impl BackendRef<'_> {
    /// A Service backend (the default group and kind)?
    pub fn is_service(&self) -> bool {
        let group = self.value["group"].as_str().unwrap_or("");
        let kind = self.value["kind"].as_str().unwrap_or("Service");
        group.is_empty() && kind == "Service"
    }

    pub fn name(&self) -> &str {
        self.value["name"].as_str().unwrap_or("")
    }

    pub fn namespace<'b>(&'b self, route: &'b Manifest) -> &'b str {
        self.value["namespace"]
            .as_str()
            .unwrap_or(route.namespace())
    }

    /// Gateway API's default weight is 1.
    pub fn weight(&self) -> i64 {
        self.value["weight"].as_i64().unwrap_or(1)
    }
}

pub fn rules(route: &Manifest) -> impl Iterator<Item = (String, &Value)> {
    route.object["spec"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, r)| (format!("spec.rules[{i}]"), r))
}

pub fn backend_refs(route: &Manifest) -> Vec<BackendRef<'_>> {
    let mut out = Vec::new();
    for (rule_path, rule) in rules(route) {
        for (j, b) in rule["backendRefs"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            out.push(BackendRef {
                path: format!("{rule_path}.backendRefs[{j}]"),
                value: b,
                rule,
                rule_path: rule_path.clone(),
            });
        }
    }
    out
}

/// Whether `filters` rewrite Host (the rule graph draws by, too).
pub fn sets_host(filters: &Value) -> bool {
    crate::manifest::host_rewrite::gateway_api(filters).is_some()
}

/// Whether a rule matches the `/api` prefix.
pub fn is_api_rule(rule: &Value) -> bool {
    rule["matches"].as_array().into_iter().flatten().any(|m| {
        let value = m["path"]["value"].as_str().unwrap_or("");
        value == "/api" || value.starts_with("/api/")
    })
}
