//! Reading a YAML document straight into a JSON tree (serde_json's `Value`),
//! as Kubernetes objects are held.

use serde::Deserialize;
use serde_json::Value;

/// A YAML document read straight into a JSON tree. Going through
/// `serde_yaml::Value` first built every object twice (a third of a large
/// render's parse time); this keeps what that detour checked: a repeated key
/// is an error, not a silent overwrite. Keys are read as strings, as
/// `kubectl` does when it turns YAML into JSON.
pub(crate) struct JsonTree(pub(crate) Value);

impl<'de> Deserialize<'de> for JsonTree {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(JsonTreeVisitor).map(JsonTree)
    }
}

struct JsonTreeVisitor;

impl<'de> serde::de::Visitor<'de> for JsonTreeVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    /// NaN and infinities have no JSON form: null, as before.
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        JsonTree::deserialize(d).map(|t| t.0)
    }

    /// serde_yaml hands a tagged value (`!custom x`) over as an enum.
    fn visit_enum<A: serde::de::EnumAccess<'de>>(
        self,
        data: A,
    ) -> std::result::Result<Value, A::Error> {
        let (tag, _) = data.variant::<String>()?;
        Err(serde::de::Error::custom(format_args!(
            "YAML tag `!{tag}` is not supported: an object holds only maps, lists and plain values"
        )))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(JsonTree(item)) = seq.next_element()? {
            items.push(item);
        }
        // Exact sizes: a large render holds every object at once.
        items.shrink_to_fit();
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let JsonTree(value) = map.next_value()?;
            entries.push((key, value));
        }
        let mut object = serde_json::Map::with_capacity(entries.len());
        for (key, value) in entries {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate entry with key {key:?}"
                )));
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    /// The direct read gives the objects the old detour through
    /// `serde_yaml::Value` gave, for YAML's less common forms too.
    #[test]
    fn reads_what_the_serde_yaml_value_detour_read() {
        let text = [
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            "  name: odd",
            "  labels: &l",
            "    a: b",
            "data:",
            "  s: !!str 5",
            "  n: 0x1F",
            "  o: 0o17",
            "  neg: -0x10",
            "  f: .inf",
            "  e: 1e3",
            "  t: ~",
            "  z: 007",
            "  alias: *l",
            "  merge:",
            "    <<: *l",
            "    c: d",
            "  folded: >",
            "    one",
            "    two",
            "  quoted: 'it''s'",
            "  flow: {a: [1, 2.5, \"x\"], b: null}",
        ]
        .join("\n");
        let text = text.as_str();
        let old: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        let old = serde_json::to_value(&old).unwrap();
        let new = &super::super::json_documents("odd.yaml", text).unwrap()[0];
        assert_eq!(new, &old);
    }
}
