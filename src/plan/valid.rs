//! The validated value types: a name, host, port, duration or label part
//! that passed its check. Each type's only constructor is [`Valid::parse`],
//! which applies the rule in `crate::dns`, so a plan field of one of these
//! types cannot hold an unchecked value. They serialize as the plain string
//! or number, so templates see exactly what they saw before.

use std::fmt;
use std::ops::Deref;

use serde::Serialize;

use crate::dns;

/// Why a value is not of its type, worded to follow a colon (`it is empty`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(String);

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A type whose values are checked on the way in.
pub trait Valid: Sized {
    /// What the values give: `str` for names, `i64` for numbers.
    type Raw: ?Sized;

    fn parse(raw: &Self::Raw) -> Result<Self, Problem>;
}

/// A string type checked by a `dns` rule (`None`: the string obeys it).
macro_rules! valid_string {
    ($(#[$doc:meta])* $name:ident, $problem:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl Valid for $name {
            type Raw = str;

            fn parse(raw: &str) -> Result<Self, Problem> {
                let problem: fn(&str) -> Option<String> = $problem;
                match problem(raw) {
                    None => Ok($name(raw.to_string())),
                    Some(p) => Err(Problem(p)),
                }
            }
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.0 == *other
            }
        }
    };
}

valid_string!(
    /// A DNS-1123 label: namespaces, gateway, class, listener, waypoint,
    /// spoke and rule names, revisions.
    DnsLabel,
    dns::label_problem
);

valid_string!(
    /// A DNS-1035 label (a letter first): Service names and the application
    /// names they begin with.
    Dns1035Label,
    dns::dns1035_label_problem
);

valid_string!(
    /// A DNS-1123 subdomain: hosts, domains, route and Secret names.
    DnsName,
    dns::subdomain_problem
);

valid_string!(
    /// A label or annotation key: an optional DNS prefix and `/`, then a name.
    QualifiedName,
    dns::qualified_name_problem
);

valid_string!(
    /// A label value (may be empty).
    LabelValue,
    dns::label_value_problem
);

valid_string!(
    /// A Go/protobuf duration such as `10s`, `1m30s` or `250ms`.
    Duration,
    |s| (!dns::is_duration(s)).then(|| "it is not a duration like 10s, 1m30s or 250ms".into())
);

/// A TCP port, 1 to 65535.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Port(u16);

impl Valid for Port {
    type Raw = i64;

    fn parse(raw: &i64) -> Result<Self, Problem> {
        match u16::try_from(*raw) {
            Ok(p) if p > 0 => Ok(Port(p)),
            _ => Err(Problem(format!("{raw} is not from 1 to 65535"))),
        }
    }
}

impl Port {
    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialEq<u16> for Port {
    fn eq(&self, other: &u16) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem<T: Valid + fmt::Debug>(raw: &T::Raw) -> String {
        T::parse(raw).unwrap_err().to_string()
    }

    #[test]
    fn strings_take_what_their_rule_takes() {
        assert_eq!(DnsLabel::parse("east-1").unwrap(), "east-1");
        assert_eq!(problem::<DnsLabel>("a_b"), "it contains `_` at position 2");
        assert_eq!(Dns1035Label::parse("shop").unwrap().as_str(), "shop");
        assert_eq!(
            problem::<Dns1035Label>("1shop"),
            "it must start with a lowercase letter"
        );
        assert_eq!(
            DnsName::parse("apps.east.example.com").unwrap(),
            "apps.east.example.com"
        );
        assert_eq!(
            problem::<DnsName>("a..b"),
            "it has an empty label (two dots in a row, or a dot at an end)"
        );
        assert_eq!(
            QualifiedName::parse("example.com/team").unwrap(),
            "example.com/team"
        );
        assert_eq!(
            problem::<QualifiedName>("a/"),
            "name part must be 1 to 63 characters"
        );
        assert_eq!(LabelValue::parse("").unwrap(), "");
        assert_eq!(
            problem::<LabelValue>(&"v".repeat(64)),
            "must be no more than 63 characters"
        );
        assert_eq!(Duration::parse("1m30s").unwrap().to_string(), "1m30s");
        assert_eq!(
            problem::<Duration>("10 s"),
            "it is not a duration like 10s, 1m30s or 250ms"
        );
    }

    #[test]
    fn ports_are_1_to_65535() {
        assert_eq!(Port::parse(&1).unwrap(), 1);
        assert_eq!(Port::parse(&65535).unwrap().to_string(), "65535");
        assert_eq!(problem::<Port>(&0), "0 is not from 1 to 65535");
        assert_eq!(problem::<Port>(&65536), "65536 is not from 1 to 65535");
        assert_eq!(problem::<Port>(&-80), "-80 is not from 1 to 65535");
    }

    #[test]
    fn serialize_as_the_plain_value() {
        let label = DnsLabel::parse("east").unwrap();
        let port = Port::parse(&8080).unwrap();
        assert_eq!(serde_json::to_string(&label).unwrap(), r#""east""#);
        assert_eq!(serde_json::to_string(&port).unwrap(), "8080");
        assert_eq!(
            minijinja::Value::from_serialize(&label),
            minijinja::Value::from("east")
        );
        assert_eq!(
            minijinja::Value::from_serialize(port),
            minijinja::Value::from(8080u16)
        );
    }
}
