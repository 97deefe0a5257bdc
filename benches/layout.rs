//! Native layout speed on generated service graphs (50 to 5 000 nodes, about two edges per node, some cycles,
//! fixed seeds) — the same shapes the Node benchmark compares against dagre and elkjs.
//!
//! Before criterion's timing it prints one line per size with the wall time of a single run, the crossings of the
//! drawn routes, ranks and dummies, against the goals (1 000 nodes ≤ 100 ms in wasm, 5 000 ≤ 1 s;
//! crossings ≤ elkjs's ≈ 48 900 at 1 000 nodes).

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use latency_heatmap::layout::testing::service_graph;
use latency_heatmap::layout::{layout_graph, LayoutOptions};

const SIZES: [usize; 5] = [50, 200, 1_000, 3_000, 5_000];

fn seed(nodes: usize) -> u64 {
    0x1a7e_u64 ^ nodes as u64
}

fn print_figures() {
    let options = LayoutOptions::default();
    println!("{:>6} {:>6} {:>10} {:>10} {:>6} {:>8}", "nodes", "edges", "ms", "crossings", "ranks", "dummies");
    for nodes in SIZES {
        let input = service_graph(nodes, 2.0, seed(nodes));
        let start = Instant::now();
        match layout_graph(&input, &options) {
            Ok(layout) => println!(
                "{:>6} {:>6} {:>10.1} {:>10} {:>6} {:>8}",
                nodes,
                input.edges.len(),
                start.elapsed().as_secs_f64() * 1e3,
                layout.stats.crossings,
                layout.stats.layers,
                layout.stats.dummies
            ),
            Err(e) => println!("{nodes:>6}: {e}"),
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
