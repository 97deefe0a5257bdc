//! Native layout speed on generated service graphs (50 to 5 000 nodes, about two edges per node, some cycles,
//! fixed seeds) — the same shapes the Node benchmark compares against dagre and elkjs — and on three pathological
//! graphs that used to explode into millions of bend points: the complete graph on 300 nodes, a 2 000-node chain
//! with a hub calling every node, and 2 000 services with a `user` node calling every one (the snapshot's virtual
//! caller when every service is an entry point).
//!
//! Before criterion's timing it prints one line per graph with the wall time of a single run, the crossings of the
//! drawn routes, ranks, dummies and the edges the budget drew straight, against the goals (1 000 nodes
//! ≤ 100 ms in wasm, 5 000 ≤ 1 s; crossings ≤ elkjs's ≈ 48 900 at 1 000 nodes; each pathological graph in a few
//! seconds at most).

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use latency_heatmap::layout::testing::{chain_with_hub, complete_graph, service_graph, service_star};
use latency_heatmap::layout::{layout_graph, LayoutInput, LayoutOptions};

const SIZES: [usize; 5] = [50, 200, 1_000, 3_000, 5_000];

fn seed(nodes: usize) -> u64 {
    0x1a7e_u64 ^ nodes as u64
}

/// The pathological graphs by name, as the Node benchmark names them.
fn pathological() -> Vec<(&'static str, LayoutInput)> {
    vec![
        ("complete-300", complete_graph(300)),
        ("chain-2000+hub", chain_with_hub(2_000)),
        ("star-2000", service_star(2_000, seed(2_000))),
    ]
}

fn print_figures() {
    let options = LayoutOptions::default();
    println!(
        "{:>15} {:>6} {:>6} {:>10} {:>10} {:>6} {:>8} {:>9}",
        "graph", "nodes", "edges", "ms", "crossings", "ranks", "dummies", "straight"
    );
    let service = SIZES.iter().map(|&nodes| (format!("service-{nodes}"), service_graph(nodes, 2.0, seed(nodes))));
    let odd = pathological().into_iter().map(|(name, input)| (name.to_string(), input));
    for (name, input) in service.chain(odd) {
        let start = Instant::now();
        match layout_graph(&input, &options) {
            Ok(layout) => println!(
                "{:>15} {:>6} {:>6} {:>10.1} {:>10} {:>6} {:>8} {:>9}",
                name,
                input.nodes.len(),
                input.edges.len(),
                start.elapsed().as_secs_f64() * 1e3,
                layout.stats.crossings,
                layout.stats.layers,
                layout.stats.dummies,
                layout.stats.straight_edges,
            ),
            Err(e) => println!("{name:>15}: {e}"),
        }
    }
}

fn bench(c: &mut Criterion) {
    print_figures();
    let options = LayoutOptions::default();
    let mut group = c.benchmark_group("layout_graph");
    group.sample_size(10);
    for nodes in SIZES {
        let input = service_graph(nodes, 2.0, seed(nodes));
        group.bench_with_input(BenchmarkId::from_parameter(nodes), &input, |b, input| {
            b.iter(|| layout_graph(black_box(input), &options))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("layout_pathological");
    group.sample_size(10);
    for (name, input) in pathological() {
        group.bench_with_input(BenchmarkId::from_parameter(name), &input, |b, input| {
            b.iter(|| layout_graph(black_box(input), &options))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
