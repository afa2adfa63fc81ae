//! Build-time half of the precompiled regexes (included by `build.rs` through `#[path]`; not
//! a module of the crate): each schema `pattern`, and each literal pattern a CEL rule hands
//! to `matches`, as a dense DFA of `regex-automata` serialized for the target, which
//! `src/crd_schema/dfa.rs` reads in place. Compiling them at run time was a tenth of an
//! east-west render.

use regex_automata::dfa::dense;
use regex_automata::dfa::StartKind;

/// Bigger DFAs are left to the run time (none of the embedded patterns comes near).
const MAX_DFA_BYTES: usize = 256 * 1024;

/// The serialized DFA of `pattern` in the byte order of `target_endian` ("little" or
/// "big"), or `None` when it does not build (the run time then compiles the pattern).
pub fn serialized(pattern: &str, target_endian: &str) -> Option<Vec<u8>> {
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Unanchored)
                .minimize(true),
        )
        .build(pattern)
        .ok()?;
    let (bytes, pad) = match target_endian {
        "big" => dfa.to_bytes_big_endian(),
        _ => dfa.to_bytes_little_endian(),
    };
    let bytes = bytes[pad..].to_vec();
    (bytes.len() <= MAX_DFA_BYTES).then_some(bytes)
}
