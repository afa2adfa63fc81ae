// The entry functions the fuzz targets (fuzz/fuzz_targets/) call, shared
// with tests/fuzz_corpus.rs by `include!`, so the stable test runs every
// corpus file through exactly what the fuzzers run.
//
// Each returns Ok(output) or Err(message) and panics only where hubgw
// breaks its contract: a panic inside hubgw, an empty message, or an empty
// accepted render.

/// The bytes before the first 0xFF are a values file (read as standard
/// input, `-f -`); after it, one `--set` argument a line. 0xFF never occurs
/// in UTF-8, so every values file can be expressed.
pub fn render_entry(data: &[u8]) -> Result<String, String> {
    let (values, sets) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let set: Vec<String> = String::from_utf8_lossy(sets)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let req = hubgw::RenderRequest {
        values: hubgw::values::ValuesInput {
            files: vec!["-".into()],
            set,
            ..Default::default()
        },
        templates: Default::default(),
        skip_validation: false,
    };
    let opts = hubgw::output::OutputOptions {
        format: hubgw::output::Format::Yaml,
        show_only: Vec::new(),
        output_dir: None,
    };
    let mut stdin = values;
    match hubgw::render_output(&req, &opts, &mut stdin) {
        Ok((text, _warnings)) => {
            assert!(!text.is_empty(), "an accepted render printed nothing");
            Ok(text)
        }
        Err(e) => {
            let shown = e.to_string();
            assert!(!e.message.is_empty(), "an error without a message");
            Err(shown)
        }
    }
}

/// A manifest stream (what `hubgw validate -` reads): parsed, then
/// validated against the embedded CRDs of the default target.
pub fn manifest_entry(data: &[u8]) -> Result<String, String> {
    let mut stdin = data;
    let manifests = hubgw::read_streams(&[], &mut stdin).map_err(|e| {
        assert!(!e.message.is_empty(), "an error without a message");
        e.to_string()
    })?;
    let report =
        hubgw::validate::validate(&manifests, &hubgw::validate::ValidateOptions::default());
    Ok(format!("{} errors", report.errors()))
}

/// `--set` and `--set-string` parsing alone: each line one argument, applied
/// in turn to one tree (Helm's strvals, src/values/strvals.rs).
pub fn set_entry(data: &[u8]) -> Result<String, String> {
    use hubgw::values::strvals::{apply, SetKind};
    let text = String::from_utf8_lossy(data);
    let mut root = serde_yaml::Value::Mapping(Default::default());
    let mut applied = 0;
    for (i, line) in text.lines().take(64).enumerate() {
        let kind = if i % 2 == 0 {
            SetKind::Typed
        } else {
            SetKind::String
        };
        match apply(line, kind, &mut root) {
            Ok(_) => applied += 1,
            Err(e) => assert!(!e.to_string().is_empty(), "a --set error without a message"),
        }
    }
    Ok(format!("{applied} applied"))
}
