//! Regular expressions of CRD schemas: `pattern` keywords and the patterns CEL's
//! `matches` is given, compiled once per process with the `regex` crate (the RE2-like
//! syntax Kubernetes' Go `regexp` shares) and shared by every node and rule that names them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;

/// Patterns come from schemas and rule texts, so there are few; the bound is for
/// rules that match against a pattern taken from the object.
const CACHE_MAX: usize = 256;

/// `pattern`, compiled, from the cache when it has been compiled before. The error
/// is `regex`'s message.
pub(super) fn regex_for(pattern: &str) -> Result<Arc<Regex>, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(r) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(pattern) {
        return Ok(Arc::clone(r));
    }
    // Compiled without the lock, so validation threads compile side by side.
    let compiled = Arc::new(Regex::new(pattern).map_err(|e| e.to_string())?);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= CACHE_MAX {
        cache.clear();
    }
    Ok(Arc::clone(
        cache.entry(pattern.to_owned()).or_insert(compiled),
    ))
}

/// A schema's `pattern` and its regex, compiled on first use.
pub(super) struct Pattern {
    pub source: String,
    matcher: OnceLock<Result<Arc<Regex>, String>>,
}

impl Pattern {
    pub fn new(source: String) -> Pattern {
        Pattern {
            source,
            matcher: OnceLock::new(),
        }
    }

    /// Whether `haystack` has a match; the error is the pattern's compile error.
    pub fn is_match(&self, haystack: &str) -> Result<bool, &str> {
        match self.matcher.get_or_init(|| regex_for(&self.source)) {
            Ok(re) => Ok(re.is_match(haystack)),
            Err(e) => Err(e),
        }
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::{regex_for, CACHE_MAX};
    use crate::crd_schema::CrdRegistry;
    use std::sync::Arc;

    /// Every embedded `pattern` compiles.
    #[test]
    fn every_embedded_pattern_compiles() {
        let mut all: Vec<String> = Vec::new();
        CrdRegistry::for_each_embedded_node(&mut |n| {
            all.extend(n.pattern.as_ref().map(|p| p.source.clone()))
        });
        all.sort();
        all.dedup();
        assert!(all.len() > 15, "{}", all.len());
        for p in &all {
            assert!(super::Pattern::new(p.clone()).is_match("a").is_ok(), "{p}");
        }
    }

    #[test]
    fn the_regex_cache_keeps_patterns_apart() {
        let digits = regex_for("^[0-9]+$").unwrap();
        let letters = regex_for("^[a-z]+$").unwrap();
        assert!(Arc::ptr_eq(&digits, &regex_for("^[0-9]+$").unwrap()));
        assert!(digits.is_match("123") && !digits.is_match("abc"));
        assert!(letters.is_match("abc") && !letters.is_match("123"));
        assert!(regex_for("(foo").is_err());
        // Past the bound the cache starts over, and still answers right.
        for i in 0..CACHE_MAX + 10 {
            let r = regex_for(&format!("^x{i}$")).unwrap();
            assert!(r.is_match(&format!("x{i}")) && !r.is_match("x"));
        }
        assert!(regex_for("^[0-9]+$").unwrap().is_match("42"));
    }
}
