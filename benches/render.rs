//! Criterion benchmarks of a checked render (values, plan, templates,
//! validation, lint, YAML output) through the library, in one process, so
//! what is paid once per process (CEL environment and programs, DFAs,
//! page faults) is amortised; bench/compare.sh measures whole processes.
//!
//! Inputs: the east-west example, 16 spokes (Gateway API's per-rule maximum)
//! and `apps.<name>` with 10, 100 and 500 applications of 4 spokes each.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use hubgw::values::ValuesSource;
use hubgw::{output, RenderRequest};

fn east_west() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/values/examples/east-west.yaml"
    ))
    .expect("the east-west example")
}

/// `n` spokes named s0.. with their own domains; east and west removed.
pub fn spokes(n: usize) -> String {
    let mut text = String::from(
        "clusterDomain: apps.hub.example.com\nclusters:\n  east: null\n  west: null\n",
    );
    for i in 0..n {
        writeln!(text, "  s{i}:\n    domain: apps.s{i}.example.com").unwrap();
    }
    text
}

/// `n` applications under `apps`, each on spokes s0..s3 (SPEC section 2).
pub fn apps(n: usize) -> String {
    let mut text = String::from("clusterDomain: apps.hub.example.com\napps:\n");
    for a in 0..n {
        writeln!(
            text,
            "  app{a}:\n    host: app{a}.apps.hub.example.com\n    clusters:"
        )
        .unwrap();
        for s in 0..4 {
            writeln!(text, "      s{s}:\n        domain: apps.s{s}.example.com").unwrap();
        }
    }
    text
}

fn render(text: &str) -> hubgw::Result<String> {
    let files = [ValuesSource {
        name: "bench.yaml".into(),
        text: text.to_string(),
    }];
    let render = hubgw::render_sources(&files, &RenderRequest::default())?;
    output::to_yaml_stream(&render.manifests)
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group.sample_size(20);
    let mut inputs = vec![
        ("east-west".to_string(), east_west()),
        ("16-spokes".to_string(), spokes(16)),
    ];
    for n in [10, 100, 500] {
        inputs.push((format!("apps-{n}x4"), apps(n)));
    }
    for (name, text) in &inputs {
        let objects = match render(text) {
            Ok(stream) => stream.matches("\n---\n").count() + 1,
            Err(e) => panic!("benchmark input {name} does not render:\n{e}"),
        };
        group.throughput(Throughput::Elements(objects as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| render(black_box(text)).expect("renders"))
        });
    }
    group.finish();
}

criterion_group!(render_benches, benches);
criterion_main!(render_benches);
