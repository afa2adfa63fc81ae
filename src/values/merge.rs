//! Helm's rules for layering values: maps merge deeply, the later source
//! wins, lists and scalars are replaced whole, and `null` deletes a key.

use crate::yaml::Value;

/// Merges `overlay` into `base` in place.
pub fn merge_into(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Mapping(base_map), Value::Mapping(overlay_map)) => {
            for (key, value) in overlay_map {
                if value.is_null() {
                    base_map.shift_remove(&key);
                    continue;
                }
                match base_map.get_mut(&key) {
                    Some(existing) if existing.is_mapping() && value.is_mapping() => {
                        merge_into(existing, value)
                    }
                    _ => {
                        base_map.insert(key, strip_nulls(value));
                    }
                }
            }
        }
        (base, overlay) => *base = strip_nulls(overlay),
    }
}

/// A map given whole keeps no null entries: `null` only ever means "absent".
fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Mapping(map) => Value::Mapping(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        crate::yaml::from_str("test", text).unwrap()
    }

    fn merged(base: &str, overlay: &str) -> Value {
        let mut b = yaml(base);
        merge_into(&mut b, yaml(overlay));
        b
    }

    #[test]
    fn maps_merge_deeply_and_later_wins() {
        assert_eq!(
            merged("a: {b: 1, c: 2}\nd: 3", "a: {c: 20, e: 5}"),
            yaml("a: {b: 1, c: 20, e: 5}\nd: 3")
        );
    }

    #[test]
    fn lists_are_replaced_not_merged() {
        assert_eq!(merged("l: [1, 2, 3]", "l: [9]"), yaml("l: [9]"));
    }

    #[test]
    fn null_deletes_a_key_at_any_depth() {
        assert_eq!(merged("a: {b: 1, c: 2}", "a: {b: null}"), yaml("a: {c: 2}"));
        assert_eq!(merged("a: {b: 1}\nx: 1", "a: null"), yaml("x: 1"));
        // A null for a key that does not exist leaves nothing behind.
        assert_eq!(merged("a: 1", "z: null"), yaml("a: 1"));
        assert_eq!(
            merged("a: 1", "n: {x: null, y: 1}"),
            yaml("a: 1\nn: {y: 1}")
        );
    }

    #[test]
    fn scalars_replace_maps_and_maps_replace_scalars() {
        assert_eq!(merged("a: {b: 1}", "a: 5"), yaml("a: 5"));
        assert_eq!(merged("a: 5", "a: {b: 1}"), yaml("a: {b: 1}"));
    }

    #[test]
    fn key_order_follows_first_appearance() {
        let m = merged("east: 1\nwest: 2", "north: 3\neast: 4");
        let keys: Vec<_> = m
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        assert_eq!(keys, ["east", "west", "north"]);
    }
}
