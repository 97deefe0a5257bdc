//! Generated graphs for tests and benchmarks: random service graphs shaped like a catalog (about two edges per
//! node, mostly pointing "downstream", some pointing back to make cycles), from a fixed seed.
//!
//! Hidden from the docs: a support module shared by `tests/` and `benches/`, not part of the API. Carries its own
//! tiny generator (SplitMix64) so the library needs no random-number dependency and the graphs are the same on
//! every platform.

use super::input::{EdgeInput, GroupInput, LayoutInput, NodeInput};

/// SplitMix64 (Steele, Lea and Flood 2014): small, fast, and good enough for test graphs.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound.max(1) as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// A random service graph: `nodes` nodes named `n0…`, about `edges_per_node` edges each; 90 % of edges run from a
/// lower to a higher index, the rest back (cycles). Sizes vary like catalog cards.
pub fn service_graph(nodes: usize, edges_per_node: f64, seed: u64) -> LayoutInput {
    let mut rng = SplitMix64::new(seed);
    let node_list = (0..nodes)
        .map(|i| NodeInput {
            id: format!("n{i}"),
            width: 120.0 + (rng.below(5) * 20) as f64,
            height: 40.0 + (rng.below(3) * 10) as f64,
            group: None,
        })
        .collect();
    let edge_count = if nodes < 2 { 0 } else { (nodes as f64 * edges_per_node).round() as usize };
    let edges = (0..edge_count)
        .map(|_| {
            let a = rng.below(nodes);
            let mut b = rng.below(nodes - 1);
            if b >= a {
                b += 1;
            }
            let (lo, hi) = (a.min(b), a.max(b));
            let (from, to) = if rng.chance(0.9) { (lo, hi) } else { (hi, lo) };
            edge(format!("n{from}"), format!("n{to}"))
        })
        .collect();
    LayoutInput { nodes: node_list, edges, groups: Vec::new() }
}

/// Puts about `share` of the nodes into `count` groups (`g0…`); every third group after the first is nested in an
/// earlier one, so there are two levels.
pub fn add_groups(input: &mut LayoutInput, count: usize, share: f64, seed: u64) {
    if count == 0 {
        return;
    }
    let mut rng = SplitMix64::new(seed ^ 0x5eed);
    input.groups = (0..count)
        .map(|g| GroupInput {
            id: format!("g{g}"),
            parent: (g % 3 == 2).then(|| format!("g{}", rng.below(g))),
            label: None,
        })
        .collect();
    for node in &mut input.nodes {
        if rng.chance(share) {
            node.group = Some(format!("g{}", rng.below(count)));
        }
    }
}

fn node(id: String) -> NodeInput {
    NodeInput { id, width: 150.0, height: 50.0, group: None }
}

fn edge(from: String, to: String) -> EdgeInput {
    EdgeInput { id: None, from, to, weight: 1.0, minlen: 1 }
}

/// The complete graph on `nodes` nodes (`n0…`), every edge from the lower index to the higher: ranking has to
/// stack the nodes one per rank, so edge spans add up to about n³/6 ranks.
pub fn complete_graph(nodes: usize) -> LayoutInput {
    let edges = (0..nodes)
        .flat_map(|a| (a + 1..nodes).map(move |b| (a, b)))
        .map(|(a, b)| edge(format!("n{a}"), format!("n{b}")))
        .collect();
    LayoutInput { nodes: (0..nodes).map(|i| node(format!("n{i}"))).collect(), edges, groups: Vec::new() }
}

/// A chain `n0 -> n1 -> …` of `nodes` nodes and a `hub` calling every one of them: the hub's edges span 1 to
/// `nodes` ranks.
pub fn chain_with_hub(nodes: usize) -> LayoutInput {
    let mut input = LayoutInput {
        nodes: (0..nodes).map(|i| node(format!("n{i}"))).collect(),
        edges: (1..nodes).map(|i| edge(format!("n{}", i - 1), format!("n{i}"))).collect(),
        groups: Vec::new(),
    };
    input.nodes.push(node("hub".to_string()));
    input.edges.extend((0..nodes).map(|i| edge("hub".to_string(), format!("n{i}"))));
    input
}

/// A [`service_graph`] of `nodes` services (about two calls each) plus a `user` node calling every service, as a
/// snapshot draws the virtual caller of every entry point when each service is one.
pub fn service_star(nodes: usize, seed: u64) -> LayoutInput {
    let mut input = service_graph(nodes, 2.0, seed);
    input.nodes.push(node("user".to_string()));
    input.edges.extend((0..nodes).map(|i| edge("user".to_string(), format!("n{i}"))));
    input
}
