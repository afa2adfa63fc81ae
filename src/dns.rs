//! Kubernetes name and host rules (DNS-1123 labels and subdomains, DNS-1035
//! labels, label keys and values) and Go-style durations, with a reason when a string breaks them.
//! Values that become names or hosts are checked here before they reach a
//! template, so no value can change the structure of the output.

/// Why `s` is not a DNS-1123 label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most
/// 63 characters), or None if it is one.
pub fn label_problem(s: &str) -> Option<String> {
    label_problem_with(s, false)
}

/// Like [`label_problem`], for Service names, which must start with a letter.
pub fn dns1035_label_problem(s: &str) -> Option<String> {
    label_problem_with(s, true)
}

fn label_problem_with(s: &str, letter_first: bool) -> Option<String> {
    if s.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(p) = char_problem(s, false) {
        return Some(p);
    }
    let len = s.chars().count();
    if len > 63 {
        return Some(format!("it is {len} characters long; the limit is 63"));
    }
    if letter_first && !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("it must start with a lowercase letter".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Some("it must start and end with a letter or digit".into());
    }
    None
}

/// Why `s` is not a DNS-1123 subdomain (dot-separated labels, at most 253
/// characters), or None if it is one.
pub fn subdomain_problem(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(p) = char_problem(s, true) {
        return Some(p);
    }
    let len = s.chars().count();
    if len > 253 {
        return Some(format!("it is {len} characters long; the limit is 253"));
    }
    for part in s.split('.') {
        if part.is_empty() {
            return Some("it has an empty label (two dots in a row, or a dot at an end)".into());
        }
        if part.starts_with('-') || part.ends_with('-') {
            return Some(format!(
                "its label `{part}` must start and end with a letter or digit"
            ));
        }
        if part.len() > 63 {
            return Some(format!(
                "its label `{part}` is {} characters long; the limit is 63",
                part.len()
            ));
        }
    }
    None
}

fn char_problem(s: &str, dots: bool) -> Option<String> {
    for (i, c) in s.chars().enumerate() {
        let ok = c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (dots && c == '.');
        if ok {
            continue;
        }
        let what = match c {
            '\n' | '\r' => "a line break".to_string(),
            c if c.is_whitespace() => "a space".to_string(),
            c if c.is_ascii_uppercase() => format!("the uppercase letter `{c}` (use lowercase)"),
            c if c.is_control() => format!("the control character U+{:04X}", c as u32),
            c if crate::error::is_unsafe(c) => {
                format!("the invisible character U+{:04X}", c as u32)
            }
            c => format!("`{c}`"),
        };
        return Some(format!("it contains {what} at position {}", i + 1));
    }
    None
}

/// Label and annotation keys: an optional DNS subdomain prefix and `/`, then
/// a name of at most 63 alphanumerics, `-`, `_` or `.`.
pub fn qualified_name_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        if let Some(problem) = subdomain_problem(p) {
            return Some(format!("prefix part {problem}"));
        }
    }
    if name.is_empty() || name.len() > 63 {
        return Some("name part must be 1 to 63 characters".into());
    }
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let ok_ends = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !ok_chars || !ok_ends {
        return Some("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character".into());
    }
    None
}

pub fn label_value_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    if value.len() > 63 {
        return Some("must be no more than 63 characters".into());
    }
    let ok_chars = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let ok_ends = value.starts_with(|c: char| c.is_ascii_alphanumeric())
        && value.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !ok_chars || !ok_ends {
        return Some("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character".into());
    }
    None
}

/// Whether `s` is a Go/protobuf duration such as `10s`, `1m30s` or `250ms`.
pub fn is_duration(s: &str) -> bool {
    let mut rest = s;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..digits];
        if number.is_empty() || number.parse::<f64>().is_err() {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .iter()
            .filter(|u| rest.starts_with(*u))
            .max_by_key(|u| u.len());
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label_problem("east"), None);
        assert_eq!(label_problem("east-1"), None);
        assert!(label_problem("East").unwrap().contains("uppercase"));
        assert!(label_problem("-east").is_some());
        assert!(label_problem("a_b").unwrap().contains("`_`"));
        assert!(label_problem(&"a".repeat(64))
            .unwrap()
            .contains("limit is 63"));
        assert!(dns1035_label_problem("1abc").is_some());
        assert_eq!(dns1035_label_problem("abc1"), None);
    }

    #[test]
    fn subdomains() {
        assert_eq!(subdomain_problem("apps.east.example.com"), None);
        assert!(subdomain_problem("x\n  evil: true")
            .unwrap()
            .contains("line break"));
        assert!(subdomain_problem("a..b").unwrap().contains("empty label"));
        assert!(subdomain_problem("my_host.example.com")
            .unwrap()
            .contains("`_`"));
        assert!(subdomain_problem("a b").unwrap().contains("space"));
    }

    #[test]
    fn durations() {
        for ok in ["10s", "1m30s", "250ms", "1.5h", "0s"] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in ["", "10", "s", "10 s", "ten seconds", "10sec", "-5s"] {
            assert!(!is_duration(bad), "{bad}");
        }
    }
}
