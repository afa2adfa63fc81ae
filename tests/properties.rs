//! Property tests of the render pipeline through the library API: for any
//! spoke set (0 to 20 spokes, valid and invalid names), domains and weights in
//! and out of range, a render either fails with a message or succeeds with a
//! stream that parses, validates and lints clean, and is the same bytes when
//! rendered again. A panic anywhere fails the property.

use proptest::prelude::*;
use serde_yaml::{Mapping, Value};

use hubgw::diagnostic::Severity;
use hubgw::values::{ValuesInput, ValuesSource};
use hubgw::{manifest, output, validate, RenderRequest};

/// A valid DNS label: `[a-z0-9]([a-z0-9-]*[a-z0-9])?`.
fn valid_label() -> impl Strategy<Value = String> {
    let alnum = || prop::sample::select(vec!['a', 'e', 's', 't', 'w', 'z', '0', '7']);
    (
        alnum(),
        prop::collection::vec(prop::sample::select(vec!['a', 'k', '3', '-']), 0..10),
        alnum(),
        any::<bool>(),
    )
        .prop_map(|(first, middle, last, one)| {
            if one {
                return first.to_string();
            }
            let mut s: String = std::iter::once(first).chain(middle).collect();
            s.push(last);
            s
        })
}

/// Labels: mostly valid, sometimes not (uppercase, `_`, `.`, space,
/// non-ASCII, bidi control, zero-width space, empty, too long, `-` at an end).
fn label() -> impl Strategy<Value = String> {
    let odd = prop::collection::vec(
        prop::sample::select(vec![
            'a', 'B', '_', '.', ' ', 'é', '\u{202e}', '\u{200b}', '-', '9',
        ]),
        0..8,
    )
    .prop_map(|cs| cs.into_iter().collect::<String>());
    prop_oneof![
        6 => valid_label(),
        2 => odd,
        1 => Just("x".repeat(64)),
    ]
}

/// A spoke domain: off (empty), a valid name, or something broken.
fn domain() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just(String::new()),
        6 => label().prop_map(|l| format!("apps.{l}.example.com")),
        1 => Just("apps..example.com".to_string()),
        1 => Just(format!("{}.example.com", "a".repeat(250))),
    ]
}

/// A weight within Gateway API's 0..=1,000,000, or just outside it.
fn weight() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => 0i64..=100,
        1 => Just(0i64),
        1 => 999_990i64..=1_000_010,
        1 => -5i64..0,
    ]
}

#[derive(Debug, Clone)]
struct Spoke {
    name: String,
    domain: String,
    weight: Option<i64>,
    api_weight: Option<i64>,
}

/// A spoke that should render: valid name, valid or empty domain, weights
/// in range (given for every spoke or none, per `weighted`).
fn valid_spoke(weighted: bool) -> impl Strategy<Value = Spoke> {
    (
        valid_label(),
        prop_oneof![
            1 => Just(String::new()),
            5 => valid_label().prop_map(|l| format!("apps.{l}.example.com")),
        ],
        prop_oneof![0i64..=100, Just(1_000_000i64)],
    )
        .prop_map(move |(name, domain, w)| Spoke {
            name,
            domain,
            weight: weighted.then_some(w),
            api_weight: None,
        })
}

/// Spoke sets: two in three should render, the rest mix in anything.
fn spokes() -> impl Strategy<Value = Vec<Spoke>> {
    prop_oneof![
        2 => any::<bool>().prop_flat_map(|w| prop::collection::vec(valid_spoke(w), 0..=20)),
        1 => prop::collection::vec(spoke(), 0..=20),
    ]
}

fn spoke() -> impl Strategy<Value = Spoke> {
    (
        label(),
        domain(),
        prop::option::weighted(0.3, weight()),
        prop::option::weighted(0.2, weight()),
    )
        .prop_map(|(name, domain, weight, api_weight)| Spoke {
            name,
            domain,
            weight,
            api_weight,
        })
}

/// The values file for `spokes`: east and west are removed (`null`) so only
/// the generated spokes exist.
fn values_file(spokes: &[Spoke]) -> String {
    let mut clusters = Mapping::new();
    clusters.insert("east".into(), Value::Null);
    clusters.insert("west".into(), Value::Null);
    let (mut weights, mut api_weights) = (Mapping::new(), Mapping::new());
    for s in spokes {
        let mut spoke = Mapping::new();
        spoke.insert("domain".into(), s.domain.clone().into());
        clusters.insert(s.name.clone().into(), Value::Mapping(spoke));
        if let Some(w) = s.weight {
            weights.insert(s.name.clone().into(), w.into());
        }
        if let Some(w) = s.api_weight {
            api_weights.insert(s.name.clone().into(), w.into());
        }
    }
    let mut gateway = Mapping::new();
    gateway.insert("weights".into(), Value::Mapping(weights));
    gateway.insert("apiWeights".into(), Value::Mapping(api_weights));
    let mut root = Mapping::new();
    root.insert("clusters".into(), Value::Mapping(clusters));
    root.insert("gateway".into(), Value::Mapping(gateway));
    serde_yaml::to_string(&root).unwrap()
}

/// Renders and checks; returns the stream on success.
fn render(text: &str, hub: &str) -> Result<String, hubgw::Error> {
    let files = [ValuesSource {
        name: "prop.yaml".into(),
        text: text.to_string(),
    }];
    let req = RenderRequest {
        values: ValuesInput {
            set: vec![format!("clusterDomain={hub}")],
            ..Default::default()
        },
        ..Default::default()
    };
    let render = hubgw::render_sources(&files, &req)?;
    Ok(output::to_yaml_stream(&render.manifests).expect("a rendered stream serializes"))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        // Shrinking re-renders many times; a failure is clear without it.
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    })]

    #[test]
    fn render_fails_cleanly_or_is_valid_and_deterministic(
        spokes in spokes(),
        hub in prop_oneof![
            4 => Just("apps.hub.example.com".to_string()),
            1 => domain(),
            1 => Just("apps.hub,x=1".to_string()),
        ],
    ) {
        let text = values_file(&spokes);
        match render(&text, &hub) {
            Err(e) => {
                prop_assert!(!e.message.trim().is_empty(), "an error without a message");
                prop_assert!(e.to_string().starts_with("error: "));
            }
            Ok(stream) => {
                // What was printed reads back and passes every check again.
                let manifests = manifest::parse_stream("<render>", &stream)
                    .map_err(|e| TestCaseError::fail(format!("output does not parse: {e}")))?;
                prop_assert!(!manifests.is_empty());
                let report = validate::validate(
                    &manifests,
                    // The oldest bundle with HTTPRoute rule names, which renders carry.
                    &validate::ValidateOptions::for_target(
                        hubgw::target::GatewayApi::V1_4_1,
                        hubgw::target::Istio::V1_24,
                    ),
                );
                prop_assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
                let lint_errors: Vec<_> = hubgw::lint::lint(&manifests, None)
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .collect();
                prop_assert!(lint_errors.is_empty(), "{:?}", lint_errors);
                let again = render(&text, &hub).expect("the second render succeeds too");
                prop_assert!(again == stream, "two renders differ");
            }
        }
    }
}

#[test]
fn sixteen_spokes_render_and_seventeen_do_not() {
    let spokes = |n: usize| -> Vec<Spoke> {
        (0..n)
            .map(|i| Spoke {
                name: format!("s{i}"),
                domain: format!("apps.s{i}.example.com"),
                weight: None,
                api_weight: None,
            })
            .collect()
    };
    render(&values_file(&spokes(16)), "apps.hub.example.com").expect("16 spokes render");
    let err = render(&values_file(&spokes(17)), "apps.hub.example.com").unwrap_err();
    assert!(err.message.contains("17 spokes are enabled"), "{err}");
}

/// `--set` edits over the east-west example: deletions of defaults and of
/// spokes, additions, and strings YAML 1.1 reads as other types.
const EDITS: &[&str] = &[
    "clusters.west=null",
    "clusters.east=null",
    "clusters.north.domain=apps.north.example.com",
    "clusters.west.host=y",
    "gateway.weights.east=70",
    "gateway.weights.west=0",
    "gateway.weights=null",
    "gateway.circuitBreaking=null",
    "gateway.circuitBreaking.outlierDetection=null",
    "gateway.listener=null",
    "gateway.rules=null",
    "app.host=null",
    "namespace=on",
    "global=null",
    "apps.shop.clusters.east.domain=apps.east.example.com",
    "apps=null",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, max_shrink_iters: 64, ..ProptestConfig::default() })]

    /// `hubgw values` output, read back as the only values file, gives the
    /// same values and the same render (or the same error) as its input.
    #[test]
    fn values_output_reads_back_as_the_same_render(
        edits in prop::collection::vec(prop::sample::select(EDITS), 0..6),
        origin in any::<bool>(),
    ) {
        let example = std::fs::read_to_string("values/examples/east-west.yaml").unwrap();
        let files = [ValuesSource { name: "east-west.yaml".into(), text: example }];
        let input = ValuesInput {
            set: edits.iter().map(|e| e.to_string()).collect(),
            ..Default::default()
        };
        let Ok(loaded) = hubgw::values::load_sources(&files, &input) else {
            return Ok(());
        };
        let shown = hubgw::values::show::to_yaml(&loaded, origin);
        let back = [ValuesSource { name: "<stdin>".into(), text: shown.clone() }];
        let reloaded = hubgw::values::load_sources(&back, &ValuesInput::default())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{shown}")))?;
        prop_assert!(reloaded.tree == loaded.tree, "values differ:\n{}", shown);
        let first = RenderRequest { values: input, ..Default::default() };
        let render = |sources: &[ValuesSource], req: &RenderRequest| {
            hubgw::render_sources(sources, req)
                .map(|r| output::to_yaml_stream(&r.manifests).unwrap())
                .map_err(|e| e.message)
        };
        prop_assert_eq!(render(&files, &first), render(&back, &RenderRequest::default()));
    }
}
