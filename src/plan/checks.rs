//! Value checks every builder shares: the one way from a value to its
//! validated type (`valid`), the wording the shared checks give (DNS labels,
//! hosts, ports, label pairs), control characters and the object floor.
//! Each error is placed at the value's key.

use serde_json::Value as Json;

use super::valid::{DnsLabel, DnsName, LabelValue, Port, Problem, QualifiedName, Valid};
use super::{path, too_many_objects, Planner, ResolvedApp};
use crate::error::{Error, Result};
use crate::values::KeyPath;

impl Planner<'_> {
    /// The object limit, checked before the objects are planned: each
    /// application makes at least a route, two Services per spoke and a
    /// ServiceEntry per spoke host.
    pub(super) fn check_object_floor(&self, apps: &[ResolvedApp]) -> Result<()> {
        let spokes = || {
            apps.iter()
                .flat_map(|a| a.plan.spokes.iter().filter(|s| s.enabled))
        };
        let hosts: std::collections::HashSet<&str> = spokes().map(|s| s.host.as_str()).collect();
        too_many_objects(
            apps.len() + 2 * spokes().count() + hosts.len(),
            self.origins,
        )
    }

    /// `raw` as a `T`, or the error `refuse` words from the problem, placed
    /// at `at`. Every value check of the plan goes through here.
    pub(super) fn valid<T: Valid>(
        &self,
        at: &KeyPath,
        raw: &T::Raw,
        refuse: impl FnOnce(&Problem) -> Error,
    ) -> Result<T> {
        T::parse(raw).map_err(|p| refuse(&p).at(self.origins.locate(at)))
    }

    /// A DNS label at `at`, `what` naming it in the error.
    pub(super) fn label(&self, at: &str, value: &str, what: &str) -> Result<DnsLabel> {
        self.valid(&path(at), value, |p| {
            Error::input(format!("`{at}` is not a valid {what}: {p}"))
                .hint("use lowercase letters, digits and `-`, at most 63 characters")
        })
    }

    pub(super) fn host(&self, at: &KeyPath, value: &str) -> Result<DnsName> {
        self.valid(at, value, |p| {
            Error::input(format!("`{at}` is not a valid DNS name ({value:?}): {p}"))
                .hint("a DNS name is lowercase labels of letters, digits and `-`, joined by dots, like apps.east.example.com")
        })
    }

    /// A host hubgw made from a domain: the error points at the domain the
    /// user wrote, not at the empty default of the host.
    pub(super) fn derived_host(
        &self,
        host_key: &str,
        domain: &KeyPath,
        value: &str,
    ) -> Result<DnsName> {
        self.valid(domain, value, |p| {
            Error::input(format!(
                "`{host_key}`, made from `{domain}`, is not a valid DNS name ({value:?}): {p}"
            ))
            .hint(format!(
                "shorten `{domain}`, or set `{host_key}` to a valid name"
            ))
        })
    }

    /// A net under the field checks above: no string the user gives holds a
    /// control character (newline, NUL, other C0, DEL, C1), even one that
    /// only reaches the cluster once a feature is turned on. The API server
    /// and the proxies refuse them in names, hosts, labels and durations, and
    /// a header value may not hold them (RFC 9110 5.5). PEM blocks are text
    /// of several lines, so `route.tls` keeps line breaks and tabs.
    pub(super) fn check_control_characters(&self) -> Result<()> {
        let tree = serde_json::to_value(self.v).expect("plain data");
        let mut stack = vec![(KeyPath::root(), &tree)];
        while let Some((at, node)) = stack.pop() {
            match node {
                Json::Object(map) => {
                    for (k, v) in map.iter().rev() {
                        let key = at.key(k.clone());
                        if let Some(c) = k.chars().find(|c| c.is_control()) {
                            return Err(self.error(
                                &key,
                                format!(
                                    "the key {k:?} under `{at}` holds the control character {c:?}"
                                ),
                            ));
                        }
                        stack.push((key, v));
                    }
                }
                Json::Array(items) => {
                    for (i, v) in items.iter().enumerate().rev() {
                        stack.push((at.index(i), v));
                    }
                }
                Json::String(text) => {
                    let pem = at.starts_with(&path("route.tls"));
                    let bad = text
                        .chars()
                        .find(|&c| c.is_control() && !(pem && matches!(c, '\n' | '\r' | '\t')));
                    if let Some(c) = bad {
                        return Err(self
                            .error(&at, format!("`{at}` holds the control character {c:?}: {text:?}"))
                            .hint("remove line breaks, tabs, NUL and other control characters; no object field hubgw writes from it takes them"));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    pub(super) fn port(&self, at: &str, port: i64) -> Result<Port> {
        self.valid(&path(at), &port, |_| {
            Error::input(format!(
                "`{at}` must be a port from 1 to 65535, found {port}"
            ))
            .hint("see values/values.yaml for the default")
        })
    }

    pub(super) fn check_label_pair(&self, base: &str, key: &str, value: &str) -> Result<()> {
        let at = path(base).key(key.to_string());
        self.valid::<QualifiedName>(&at, key, |p| {
            Error::input(format!("`{key}` is not a valid label key: {p}"))
                .hint("a label key is an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_` or `.`")
        })?;
        self.valid::<LabelValue>(&at, value, |p| {
            Error::input(format!("the value of label `{key}` ({value:?}) is not valid: {p}"))
                .hint("a label value is at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit")
        })?;
        Ok(())
    }
}
