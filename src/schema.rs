//! What editors and new users get: the JSON Schema of the values
//! (`hubgw schema`, derived from the typed values in `values::model`, with
//! the built-in defaults, the ranges and patterns `plan` enforces, and `null`
//! wherever a values file may delete a key) and the commented starter values
//! file (`hubgw init`).

use std::io::Write;

use crate::yaml::Value as Yaml;
use serde_json::Value as Json;

use crate::error::{Error, Result};
use crate::values::{Values, DEFAULT_VALUES};

/// The starter file `hubgw init` writes.
pub const STARTER: &str = include_str!("../values/starter.yaml");

/// The JSON Schema (draft-07, which every yaml-language-server reads) of a
/// values file, pretty-printed. A values file is an overlay on the defaults,
/// so no key is required; structs that reject unknown keys say
/// `additionalProperties: false`; leaves carry their built-in default.
pub fn json_schema() -> String {
    let settings = schemars::generate::SchemaSettings::draft07().with(|s| {
        s.inline_subschemas = true;
    });
    let schema = settings.into_generator().into_root_schema_for::<Values>();
    let mut json = serde_json::to_value(&schema).expect("a schema serialises");
    let defaults: Yaml =
        crate::yaml::from_str("defaults", DEFAULT_VALUES).expect("built-in defaults parse");
    if let Json::Object(root) = &mut json {
        root.insert("title".into(), "hubgw values".into());
        root.remove("definitions");
    }
    let rules = constraints();
    tidy(&mut json, Some(&defaults), "", &rules);
    serde_json::to_string_pretty(&json).expect("JSON serialises") + "\n"
}

/// A DNS-1123 label (`dns::label_problem`).
const LABEL: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
/// A DNS-1123 label or nothing (a key whose empty value means "derive it").
const LABEL_OR_EMPTY: &str = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$";
/// A DNS-1035 label (`dns::dns1035_label_problem`): a letter first.
const DNS1035: &str = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
/// A DNS-1123 subdomain or nothing (`dns::subdomain_problem`).
const HOST_OR_EMPTY: &str = r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$";
/// A Go duration as `dns::is_duration` reads it: `10s`, `1m30s`, `1.5h`.
const DURATION: &str = r"^(([0-9]+\.?[0-9]*|\.[0-9]+)(ns|us|µs|ms|s|m|h))+$";

/// What `plan` enforces on a value, as JSON Schema keywords, by key path
/// (`*`: any entry of a map, `[]`: any item of a list). Only checks `plan`
/// makes whatever the other values say; `schema::tests` feeds each a value
/// render accepts and one it refuses.
fn constraints() -> Vec<(String, Json)> {
    use crate::target::{GatewayApi, Istio, OPENSHIFT};
    use serde_json::json;
    let label = json!({"pattern": LABEL, "maxLength": 63});
    let label_or_empty = json!({"pattern": LABEL_OR_EMPTY, "maxLength": 63});
    let host = json!({"pattern": HOST_OR_EMPTY, "maxLength": 253});
    let duration = json!({"pattern": DURATION});
    let port = json!({"minimum": 1, "maximum": 65535});
    let weight = json!({"minimum": 0, "maximum": crate::plan::MAX_WEIGHT});
    let int32 = json!({"minimum": 0, "maximum": i32::MAX});
    let uint32 = json!({"minimum": 0, "maximum": u32::MAX});
    let percent = json!({"minimum": 0, "maximum": 100});
    let alternatives = |items: Vec<&str>| {
        items
            .iter()
            .map(|v| regex::escape(v))
            .collect::<Vec<_>>()
            .join("|")
    };
    let gateway_api = alternatives(GatewayApi::ALL.iter().map(|v| &v.as_str()[1..]).collect());
    let istio = alternatives(Istio::ALL.iter().map(|v| v.as_str()).collect());
    let openshift = alternatives(OPENSHIFT.iter().map(|r| r.openshift).collect());
    let mut rules: Vec<(String, Json)> = vec![
        ("namespace".into(), label.clone()),
        ("gateway.name".into(), label.clone()),
        ("gateway.className".into(), label.clone()),
        ("waypoint.className".into(), label.clone()),
        ("gateway.listener.name".into(), label.clone()),
        ("gateway.tls.listenerName".into(), label.clone()),
        ("gateway.listener.port".into(), port.clone()),
        ("gateway.tls.port".into(), port.clone()),
        (
            "app.name".into(),
            json!({"pattern": DNS1035, "maxLength": 63}),
        ),
        ("app.host".into(), host.clone()),
        ("app.routeNamespace".into(), label_or_empty.clone()),
        ("clusterDomain".into(), host.clone()),
        ("deployer.domain".into(), host.clone()),
        ("global.localClusterDomain".into(), host.clone()),
        ("global.hubClusterDomain".into(), host.clone()),
        ("clusters.*.domain".into(), host.clone()),
        ("apps.*.clusters.*.domain".into(), host.clone()),
        ("apps.*.host".into(), host.clone()),
        ("apps.*.routeNamespace".into(), label_or_empty.clone()),
        ("egress.hosts[]".into(), host.clone()),
        ("egress.hosts[].host".into(), host.clone()),
        ("egress.hosts[].port".into(), port.clone()),
        ("target.istioRevision".into(), label_or_empty),
        // A quantity given as a number (`check_resources` refuses a negative one).
        (
            "gateway.deployment.resources.requests.cpu".into(),
            json!({"minimum": 0}),
        ),
        (
            "gateway.deployment.resources.requests.memory".into(),
            json!({"minimum": 0}),
        ),
        (
            "gateway.deployment.resources.limits.cpu".into(),
            json!({"minimum": 0}),
        ),
        (
            "gateway.deployment.resources.limits.memory".into(),
            json!({"minimum": 0}),
        ),
        (
            "target.gatewayAPI".into(),
            json!({"pattern": format!("^(v?({gateway_api}))?$")}),
        ),
        (
            "target.istio".into(),
            json!({"pattern": format!(r"^(v?({istio})(\.[0-9]+)?)?$")}),
        ),
        (
            "target.openshift".into(),
            json!({"pattern": format!(r"^(v?({openshift})(\..*)?)?$")}),
        ),
    ];
    for base in ["gateway", "apps.*"] {
        for key in ["weights.*", "apiWeights.*", "rules[].backends[].weight"] {
            rules.push((format!("{base}.{key}"), weight.clone()));
        }
        rules.push((format!("{base}.rules[].name"), label.clone()));
        let cb = format!("{base}.circuitBreaking");
        for (key, rule) in [
            ("connectionPool.tcp.connectTimeout", &duration),
            ("connectionPool.http.idleTimeout", &duration),
            ("outlierDetection.interval", &duration),
            ("outlierDetection.baseEjectionTime", &duration),
            ("connectionPool.tcp.maxConnections", &int32),
            ("connectionPool.http.maxRequestsPerConnection", &int32),
            ("connectionPool.http.http1MaxPendingRequests", &int32),
            ("connectionPool.http.http2MaxRequests", &int32),
            ("connectionPool.http.maxRetries", &int32),
            ("outlierDetection.consecutive5xxErrors", &uint32),
            ("outlierDetection.consecutiveGatewayErrors", &uint32),
            ("outlierDetection.maxEjectionPercent", &percent),
            ("outlierDetection.minHealthPercent", &percent),
        ] {
            rules.push((format!("{cb}.{key}"), rule.clone()));
        }
    }
    rules
}

/// Drops `required` (making what it did not list nullable: `null` deletes
/// a key, Helm's rule, and serde then takes the field's default), adds
/// defaults to leaves and the `rules` of `path`, unwraps doc-comment lines,
/// and lets map entries be `null` (`west: null` removes a spoke).
fn tidy(schema: &mut Json, default: Option<&Yaml>, path: &str, rules: &[(String, Json)]) {
    let Json::Object(obj) = schema else { return };
    let required: Vec<String> = match obj.remove("required") {
        Some(Json::Array(names)) => names
            .into_iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(Json::String(d)) = obj.get_mut("description") {
        *d = d.replace('\n', " ");
    }
    for (at, rule) in rules {
        if at == path {
            if let Json::Object(rule) = rule {
                obj.extend(rule.clone());
            }
        }
    }
    if let Some(entry) = obj.get_mut("additionalProperties") {
        nullable(entry);
    }
    let has_properties = obj.contains_key("properties");
    if let (false, Some(d)) = (has_properties, default) {
        if let Ok(d) = serde_json::to_value(d) {
            obj.insert("default".into(), d);
        }
    }
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    if let Some(Json::Object(props)) = obj.get_mut("properties") {
        for (key, sub) in props.iter_mut() {
            let child = default.and_then(|d| d.get(key.as_str()));
            tidy(sub, child, &join(key), rules);
            if !required.contains(key) {
                nullable(sub);
            }
        }
    }
    if let Some(sub) = obj.get_mut("additionalProperties") {
        tidy(sub, None, &join("*"), rules);
    }
    if let Some(sub) = obj.get_mut("items") {
        tidy(sub, None, &format!("{path}[]"), rules);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Json::Array(subs)) = obj.get_mut(key) {
            for sub in subs {
                tidy(sub, None, path, rules);
            }
        }
    }
}

/// Lets `schema` also take `null`.
fn nullable(schema: &mut Json) {
    let Json::Object(obj) = schema else { return };
    let null = Json::String("null".into());
    match obj.get_mut("type") {
        Some(Json::String(t)) if t != "null" => {
            let t = Json::String(t.clone());
            obj.insert("type".into(), Json::Array(vec![t, null]));
        }
        Some(Json::Array(types)) if !types.contains(&null) => types.push(null),
        Some(_) => {}
        None => {
            for key in ["anyOf", "oneOf"] {
                if let Some(Json::Array(subs)) = obj.get_mut(key) {
                    if !subs.iter().any(|s| s["type"] == "null") {
                        subs.push(serde_json::json!({"type": "null"}));
                    }
                    return;
                }
            }
        }
    }
    if let Some(Json::Array(values)) = obj.get_mut("enum") {
        if !values.contains(&Json::Null) {
            values.push(Json::Null);
        }
    }
}

/// `hubgw init -o FILE`: writes the starter file, never over an existing one.
pub fn write_starter(path: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            let err = Error::input(format!(
                "cannot write `{path}`: {}",
                crate::input::io_reason(&e)
            ));
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                err.hint("hubgw init never overwrites a file; remove it or choose another name")
            } else {
                err
            }
        })?;
    file.write_all(STARTER.as_bytes())
        .map_err(|e| Error::input(format!("cannot write `{path}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Json {
        serde_json::from_str(&json_schema()).unwrap()
    }

    #[test]
    fn strict_structs_reject_unknown_keys_and_nothing_is_required() {
        let s = schema();
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(
            s["properties"]["route"]["properties"]["tls"]["additionalProperties"],
            false
        );
        assert!(!json_schema().contains("\"required\""));
        assert!(!json_schema().contains("$ref"));
        // `global` is shared with other charts: anything goes there.
        assert_ne!(s["properties"]["global"]["additionalProperties"], false);
        // `clusters.west: null` removes a spoke.
        assert_eq!(
            s["properties"]["clusters"]["additionalProperties"]["type"],
            serde_json::json!(["object", "null"])
        );
    }

    #[test]
    fn leaves_have_descriptions_and_defaults() {
        let s = schema();
        let ns = &s["properties"]["namespace"];
        assert_eq!(ns["default"], "hub-gateway-system");
        assert!(ns["description"].as_str().unwrap().contains("Namespace"));
        let policy = &s["properties"]["gateway"]["properties"]["circuitBreaking"]["properties"]
            ["connectionPool"];
        assert!(policy.to_string().contains("DO_NOT_UPGRADE"));
        assert_eq!(
            s["properties"]["route"]["properties"]["tls"]["properties"]["termination"]["default"],
            "edge"
        );
    }

    /// A values file of one key path set to `null`.
    fn null_at(path: &[String]) -> Yaml {
        path.iter().rev().fold(Yaml::Null, |inner, key| {
            let mut map = crate::yaml::Mapping::new();
            map.insert(Yaml::String(key.clone()), inner);
            Yaml::Mapping(map)
        })
    }

    #[test]
    fn null_is_allowed_exactly_where_the_values_take_it() {
        // Every key of the defaults, deleted by a `null`: the schema and the
        // typed values check must agree on each.
        let validator = jsonschema::draft7::new(&schema()).unwrap();
        let defaults: Yaml = crate::yaml::from_str("defaults", DEFAULT_VALUES).unwrap();
        fn paths(v: &Yaml, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
            if let Yaml::Mapping(map) = v {
                for (k, child) in map {
                    at.push(k.as_str().unwrap().to_string());
                    out.push(at.clone());
                    paths(child, at, out);
                    at.pop();
                }
            }
        }
        let mut all = Vec::new();
        paths(&defaults, &mut Vec::new(), &mut all);
        let mut disagree = Vec::new();
        let (mut accepted, mut refused) = (0, 0);
        for path in &all {
            let overlay = null_at(path);
            let files = [crate::values::ValuesSource {
                name: "null.yaml".into(),
                text: crate::yaml::to_string(&overlay),
            }];
            let render = crate::values::load_sources(&files, &Default::default()).is_ok();
            let schema = validator.is_valid(&serde_json::to_value(&overlay).unwrap());
            if render != schema {
                disagree.push(format!(
                    "{}: render {render}, schema {schema}",
                    path.join(".")
                ));
            }
            if render {
                accepted += 1
            } else {
                refused += 1
            }
        }
        assert!(disagree.is_empty(), "{}", disagree.join("\n"));
        // Both kinds occur, so the comparison means something.
        assert!(
            accepted > 10 && refused > 10,
            "{accepted} accepted, {refused} refused"
        );
    }

    #[test]
    fn ranges_and_patterns_are_in_the_schema() {
        let s = schema();
        let gw = &s["properties"]["gateway"]["properties"];
        assert_eq!(gw["weights"]["additionalProperties"]["maximum"], 1_000_000);
        assert_eq!(gw["listener"]["properties"]["port"]["maximum"], 65535);
        assert_eq!(s["properties"]["namespace"]["pattern"], LABEL);
        let re = regex::Regex::new(DURATION).unwrap();
        let label = regex::Regex::new(LABEL).unwrap();
        let host_re = regex::Regex::new(HOST_OR_EMPTY).unwrap();
        for (d, ok) in [
            ("10s", true),
            ("1m30s", true),
            ("1.5h", true),
            ("250ms", true),
            ("5", false),
            ("5 s", false),
            ("", false),
            ("1d", false),
        ] {
            assert_eq!(re.is_match(d), ok, "{d}");
            assert_eq!(crate::dns::is_duration(d), ok, "{d}");
        }
        for (name, ok) in [
            ("a", true),
            ("a-1", true),
            ("-a", false),
            ("a-", false),
            ("A", false),
            ("a.b", false),
        ] {
            assert_eq!(label.is_match(name), ok, "{name}");
            assert_eq!(crate::dns::label_problem(name).is_none(), ok, "{name}");
        }
        for (host, ok) in [
            ("apps.east.example.com", true),
            ("", true),
            ("a..b", false),
            ("A.b", false),
            ("a-.b", false),
        ] {
            assert_eq!(host_re.is_match(host), ok, "{host}");
            assert_eq!(
                host.is_empty() || crate::dns::subdomain_problem(host).is_none(),
                ok,
                "{host}"
            );
        }
    }

    #[test]
    fn starter_points_at_the_schema_and_loads() {
        assert!(STARTER.starts_with("# yaml-language-server: $schema=./hubgw.schema.json\n"));
        let files = [crate::values::ValuesSource {
            name: "starter".into(),
            text: STARTER.into(),
        }];
        let loaded = crate::values::load_sources(&files, &Default::default()).unwrap();
        crate::plan::build(&loaded).unwrap();
    }
}
