//! Regular expressions of CRD schemas: `pattern` keywords and the patterns CEL's
//! `matches` is given, compiled once per process and shared by every node and rule
//! that names them. The syntax and the answers are the `regex` crate's (the RE2
//! syntax of the Go `regexp` the API server uses).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use regex_automata::meta;
use regex_automata::nfa::thompson::WhichCaptures;

/// A compiled pattern, for `is_match` only.
pub(super) type Regex = meta::Regex;

/// Patterns come from schemas and rule texts, so there are few; the bound is for
/// rules that match against a pattern taken from the object.
const CACHE_MAX: usize = 256;

/// `pattern`, compiled, from the cache when it has been compiled before. The error
/// is `regex`'s message.
///
/// Validation only asks whether a short string matches. `regex::Regex::new` also
/// builds what finding match positions in long texts needs (capture states, a
/// reverse NFA, a one-pass DFA, a lazy DFA's cache), which was most of the cost of
/// compiling a schema's patterns (east-west: 1.85 M instructions against 1.3 M);
/// the engine under it, configured for matching alone, gives the same answers.
pub(super) fn regex_for(pattern: &str) -> Result<Arc<Regex>, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(r) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(pattern) {
        return Ok(Arc::clone(r));
    }
    let config = meta::Config::new()
        .which_captures(WhichCaptures::None)
        .onepass(false)
        .hybrid(false)
        .dfa(false);
    // Compiled without the lock, so validation threads compile side by side.
    let compiled = match meta::Builder::new().configure(config).build(pattern) {
        Ok(re) => Arc::new(re),
        // `regex`'s wording of the same error.
        Err(e) => {
            return Err(regex::Regex::new(pattern)
                .err()
                .map_or_else(|| e.to_string(), |e| e.to_string()))
        }
    };
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

    /// Every embedded `pattern` compiles, and matches as `regex::Regex` does.
    #[test]
    fn every_embedded_pattern_compiles_and_matches_as_regex_does() {
        let mut all: Vec<String> = Vec::new();
        CrdRegistry::for_each_embedded_node(&mut |n| {
            all.extend(n.pattern.as_ref().map(|p| p.source.clone()))
        });
        all.sort();
        all.dedup();
        assert!(all.len() > 15, "{}", all.len());
        for p in &all {
            let pattern = super::Pattern::new(p.clone());
            let full = regex::Regex::new(p).unwrap();
            for s in [
                "",
                "a",
                "app.example.com",
                "*.example.com",
                "/",
                "/api?x=1",
                "10s",
                "X-Header",
                "caf\u{e9}",
                "\u{661}\u{662}",
            ] {
                assert_eq!(pattern.is_match(s), Ok(full.is_match(s)), "{p} on {s:?}");
            }
        }
        let unclosed = String::from("(foo");
        assert_eq!(
            regex_for(&unclosed).err(),
            regex::Regex::new(&unclosed).err().map(|e| e.to_string())
        );
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
