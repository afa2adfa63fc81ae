//! Fuzz target `manifest`: `manifest_entry` of tests/common/fuzz_entry.rs, which
//! tests/fuzz_corpus.rs runs over fuzz/corpus/manifest/ on stable.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../../tests/common/fuzz_entry.rs");

fuzz_target!(|data: &[u8]| {
    let _ = manifest_entry(data);
});
