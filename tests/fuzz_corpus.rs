//! The fuzz corpus on stable: every file of fuzz/corpus/<target>/ goes
//! through the entry function its cargo-fuzz target calls
//! (tests/common/fuzz_entry.rs), which must return a clean Ok or Err, never panic.
//! CI has no nightly, so this is where the saved corpus is held to it.

mod common;

include!("common/fuzz_entry.rs");

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = common::repo(&format!("fuzz/corpus/{target}"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn every_render_seed_renders_or_fails_cleanly() {
    let seeds = corpus("render");
    assert!(
        seeds.len() >= 20,
        "the render corpus has {} files",
        seeds.len()
    );
    let (mut ok, mut refused) = (0, 0);
    for (name, data) in seeds {
        match std::panic::catch_unwind(|| render_entry(&data)) {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(message)) => {
                assert!(message.starts_with("error: "), "{name}: {message}");
                refused += 1;
            }
            Err(_) => panic!("{name}: render panicked"),
        }
    }
    // Both sides must be exercised, or the corpus tests half of the contract.
    assert!(ok > 0 && refused > 0, "{ok} rendered, {refused} refused");
}

#[test]
fn every_manifest_seed_validates_or_fails_cleanly() {
    let seeds = corpus("manifest");
    assert!(
        seeds.len() >= 10,
        "the manifest corpus has {} files",
        seeds.len()
    );
    for (name, data) in seeds {
        if std::panic::catch_unwind(|| manifest_entry(&data)).is_err() {
            panic!("{name}: the manifest reader panicked");
        }
    }
}

#[test]
fn every_set_seed_parses_or_fails_cleanly() {
    let seeds = corpus("set");
    assert!(seeds.len() >= 5, "the set corpus has {} files", seeds.len());
    for (name, data) in seeds {
        if std::panic::catch_unwind(|| set_entry(&data)).is_err() {
            panic!("{name}: --set parsing panicked");
        }
    }
}
