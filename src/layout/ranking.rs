//! Ranking: assigns each node of an acyclic graph an integer rank so that every edge spans at least its `minlen`
//! ranks while the weighted total span is minimal, by network simplex as in Gansner, Koutsofios, North and Vo,
//! "A Technique for Drawing Directed Graphs" (1993).
//!
//! Owns the simplex machinery: initial ranks by longest path, a feasible tight spanning tree, cut values with
//! low/lim numbering, and the pivot loop. Updates are incremental as in the paper (and graphviz's `ns.c`): a pivot
//! re-ranks only the subtree cut off, adjusts cut values only along the cycle the entering edge closes, and
//! renumbers low/lim only under their common ancestor. The graph may be disconnected; each piece is ranked from 0.
//! It knows nothing of cycles (the caller breaks them first) or of drawing.

/// An edge for ranking: `head` must end up at least `minlen` ranks below `tail`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RankEdge {
    pub tail: usize,
    pub head: usize,
    pub minlen: i32,
    /// Integer so cut values compare exactly (the caller scales fractional weights).
    pub weight: i64,
}

const NONE: usize = usize::MAX;
/// How many negative cut values the leaving-edge search looks at before taking the most negative, on graphs up
/// to [`FULL_SEARCH_FROM`] nodes: graphviz's default, cheaper than scanning all, better than taking the first.
const SEARCH_SIZE: usize = 30;
/// From this many nodes the search takes the most negative cut value of all. Each pivot then renumbers a large
/// subtree, so pivots are what costs: on the 3 000- and 5 000-node benchmark graphs this halves them (and the
/// ranking time) for an O(V) scan per pivot. Below it the default found rankings that ordered with fewer
/// crossings on the benchmark graphs.
const FULL_SEARCH_FROM: usize = 2_000;

/// Ranks for the nodes of an acyclic graph, each weakly connected piece starting at rank 0.
pub(crate) fn rank(node_count: usize, edges: &[RankEdge]) -> Vec<i32> {
    let search_size = if node_count < FULL_SEARCH_FROM { SEARCH_SIZE } else { usize::MAX };
    rank_searching(node_count, edges, search_size)
}

fn rank_searching(node_count: usize, edges: &[RankEdge], search_size: usize) -> Vec<i32> {
    let mut simplex = Simplex::new(node_count, edges);
    simplex.search_size = search_size;
    simplex.longest_path();
    simplex.feasible_tree();
    simplex.init_cut_values();
    // Network simplex terminates, but a bound keeps bad luck with degenerate pivots from ever hanging a browser.
    let limit = 100 + 20 * (node_count + edges.len());
    for _ in 0..limit {
        let Some(leave) = simplex.leave_edge() else { break };
        let Some(enter) = simplex.enter_edge(leave) else { break };
        simplex.update(leave, enter);
    }
    simplex.normalize();
    simplex.rank
}

struct Simplex<'a> {
    edges: &'a [RankEdge],
    out_edges: Vec<Vec<usize>>,
    in_edges: Vec<Vec<usize>>,
    rank: Vec<i32>,
    /// Spanning tree: per node its incident tree edges, per edge whether it is in the tree.
    /// Per node its tree edges as (edge, node at the other end), so walks need not look edges up.
    tree_adj: Vec<Vec<(usize, usize)>>,
    in_tree: Vec<bool>,
    tree_list: Vec<usize>,
    tree_slot: Vec<usize>,
    /// Which tree (weakly connected piece) each node is in.
    piece: Vec<usize>,
    roots: Vec<usize>,
    par: Vec<usize>,
    low: Vec<usize>,
    lim: Vec<usize>,
    cut: Vec<i64>,
    search_start: usize,
    search_size: usize,
}

impl<'a> Simplex<'a> {
    fn new(n: usize, edges: &'a [RankEdge]) -> Self {
        let mut out_edges = vec![Vec::new(); n];
        let mut in_edges = vec![Vec::new(); n];
        for (i, e) in edges.iter().enumerate() {
            out_edges[e.tail].push(i);
            in_edges[e.head].push(i);
        }
        Simplex {
            edges,
            out_edges,
            in_edges,
            rank: vec![0; n],
            tree_adj: vec![Vec::new(); n],
            in_tree: vec![false; edges.len()],
            tree_list: Vec::with_capacity(n),
            tree_slot: vec![NONE; edges.len()],
            piece: vec![NONE; n],
            roots: Vec::new(),
            par: vec![NONE; n],
            low: vec![0; n],
            lim: vec![0; n],
            cut: vec![0; edges.len()],
            search_start: 0,
            search_size: SEARCH_SIZE,
        }
    }

    fn slack(&self, e: usize) -> i32 {
        let edge = &self.edges[e];
        self.rank[edge.head] - self.rank[edge.tail] - edge.minlen
    }

    fn other(&self, e: usize, v: usize) -> usize {
        let edge = &self.edges[e];
        if edge.tail == v {
            edge.head
        } else {
            edge.tail
        }
    }

    /// `w` lies in the subtree under `v`.
    fn in_subtree(&self, v: usize, w: usize) -> bool {
        self.low[v] <= self.lim[w] && self.lim[w] <= self.lim[v]
    }

    /// Initial feasible ranks: each node as high as its predecessors allow (Kahn order). This leaves every node
    /// with a predecessor at least one tight in-edge, so tight trees start large.
    fn longest_path(&mut self) {
        let n = self.rank.len();
        let mut pending: Vec<usize> = self.in_edges.iter().map(Vec::len).collect();
        let mut stack: Vec<usize> = (0..n).rev().filter(|&v| pending[v] == 0).collect();
        while let Some(v) = stack.pop() {
            for &e in &self.out_edges[v] {
                let edge = self.edges[e];
                self.rank[edge.head] = self.rank[edge.head].max(self.rank[v] + edge.minlen);
                pending[edge.head] -= 1;
                if pending[edge.head] == 0 {
                    stack.push(edge.head);
                }
            }
        }
    }

    fn add_tree_edge(&mut self, e: usize) {
        let edge = self.edges[e];
        self.in_tree[e] = true;
        self.tree_slot[e] = self.tree_list.len();
        self.tree_list.push(e);
        self.tree_adj[edge.tail].push((e, edge.head));
        self.tree_adj[edge.head].push((e, edge.tail));
    }

    /// Grows a tree of tight edges from each unvisited node; when it stops growing, shifts the whole tree by the
    /// smallest slack among edges leaving it, which makes at least one more edge tight.
    fn feasible_tree(&mut self) {
        let n = self.rank.len();
        let mut members: Vec<usize> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        for start in 0..n {
            if self.piece[start] != NONE {
                continue;
            }
            let id = self.roots.len();
            self.roots.push(start);
            members.clear();
            self.piece[start] = id;
            members.push(start);
            stack.push(start);
            loop {
                self.grow_tight(id, &mut stack, &mut members);
                // Smallest slack over edges with exactly one end in this tree, separately by which end, because
                // a shift tightens only edges leaving on the side it moves towards.
                let mut best_out: Option<(i32, usize)> = None; // tail inside: shift tree down
                let mut best_in: Option<(i32, usize)> = None; // head inside: shift tree up
                for &v in &members {
                    for &e in &self.out_edges[v] {
                        if self.piece[self.edges[e].head] == NONE {
                            let s = self.slack(e);
                            if best_out.is_none_or(|(b, _)| s < b) {
                                best_out = Some((s, e));
                            }
                        }
                    }
                    for &e in &self.in_edges[v] {
                        if self.piece[self.edges[e].tail] == NONE {
                            let s = self.slack(e);
                            if best_in.is_none_or(|(b, _)| s < b) {
                                best_in = Some((s, e));
                            }
                        }
                    }
                }
                let (delta, down) = match (best_out, best_in) {
                    (None, None) => break,
                    (Some((s, _)), None) => (s, true),
                    (None, Some((s, _))) => (s, false),
                    (Some((a, _)), Some((b, _))) => if a <= b { (a, true) } else { (b, false) },
                };
                let shift = if down { delta } else { -delta };
                for &v in &members {
                    self.rank[v] += shift;
                }
                // Everything now tight on that side joins; the grow step follows tight edges from there.
                for i in 0..members.len() {
                    let v = members[i];
                    let count = if down { self.out_edges[v].len() } else { self.in_edges[v].len() };
                    for j in 0..count {
                        let e = if down { self.out_edges[v][j] } else { self.in_edges[v][j] };
                        self.join_if_tight(id, e, v, &mut stack, &mut members);
                    }
                }
            }
        }
    }

    /// Adds edge `e` and its far end (seen from `v`) to tree `id` if the far end is free and `e` is tight.
    fn join_if_tight(&mut self, id: usize, e: usize, v: usize, stack: &mut Vec<usize>, members: &mut Vec<usize>) {
        let w = self.other(e, v);
        if self.piece[w] == NONE && self.slack(e) == 0 {
            self.piece[w] = id;
            self.add_tree_edge(e);
            members.push(w);
            stack.push(w);
        }
    }

    fn grow_tight(&mut self, id: usize, stack: &mut Vec<usize>, members: &mut Vec<usize>) {
        while let Some(v) = stack.pop() {
            for k in 0..self.out_edges[v].len() + self.in_edges[v].len() {
                let e = if k < self.out_edges[v].len() {
                    self.out_edges[v][k]
                } else {
                    self.in_edges[v][k - self.out_edges[v].len()]
                };
                self.join_if_tight(id, e, v, stack, members);
            }
        }
    }

    /// Postorder numbering of the subtree under `root` (entered by `par_edge`), starting at `low`; returns the
    /// next free number. A subtree entered by the same edge at the same number keeps its numbering and is skipped
    /// (as graphviz does since 2.44): after a pivot only the cycle's nodes, marked by [`Self::invalidate_path`],
    /// and what shifted with them are renumbered, instead of everything under the common ancestor.
    fn dfs_range(&mut self, root: usize, par_edge: usize, low: usize) -> usize {
        let mut counter = low;
        self.par[root] = par_edge;
        self.low[root] = counter;
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            if i < self.tree_adj[v].len() {
                top.1 += 1;
                let (e, w) = self.tree_adj[v][i];
                if e == self.par[v] {
                    continue;
                }
                if self.par[w] == e && self.low[w] == counter {
                    counter = self.lim[w] + 1;
                    continue;
                }
                self.par[w] = e;
                self.low[w] = counter;
                stack.push((w, 0));
            } else {
                self.lim[v] = counter;
                counter += 1;
                stack.pop();
            }
        }
        counter
    }

    fn init_cut_values(&mut self) {
        let mut next = 0;
        for r in 0..self.roots.len() {
            next = self.dfs_range(self.roots[r], NONE, next);
        }
        let mut postorder = vec![0usize; self.rank.len()];
        for v in 0..self.rank.len() {
            postorder[self.lim[v]] = v;
        }
        for &v in &postorder {
            if self.par[v] != NONE {
                self.cut[self.par[v]] = self.x_cutval(self.par[v]);
            }
        }
    }

    /// Cut value of tree edge `f` from those of the tree edges below it (graphviz's `x_cutval`).
    fn x_cutval(&self, f: usize) -> i64 {
        let edge = self.edges[f];
        let (v, dir) = if self.par[edge.tail] == f { (edge.tail, 1) } else { (edge.head, -1) };
        let mut sum = 0;
        for &e in self.out_edges[v].iter().chain(&self.in_edges[v]) {
            sum += self.x_val(e, v, dir);
        }
        sum
    }

    fn x_val(&self, e: usize, v: usize, dir: i32) -> i64 {
        let edge = self.edges[e];
        let other = self.other(e, v);
        let outside = !self.in_subtree(v, other);
        let mut rv = if outside {
            edge.weight
        } else {
            (if self.in_tree[e] { self.cut[e] } else { 0 }) - edge.weight
        };
        let mut d = if dir > 0 {
            if edge.head == v { 1 } else { -1 }
        } else if edge.tail == v {
            1
        } else {
            -1
        };
        if outside {
            d = -d;
        }
        if d < 0 {
            rv = -rv;
        }
        rv
    }

    fn leave_edge(&mut self) -> Option<usize> {
        let len = self.tree_list.len();
        if len == 0 {
            return None;
        }
        let mut best: Option<usize> = None;
        let mut found = 0;
        let start = self.search_start % len;
        for k in 0..len {
            let j = (start + k) % len;
            let e = self.tree_list[j];
            if self.cut[e] < 0 {
                if best.is_none_or(|b| self.cut[e] < self.cut[b]) {
                    best = Some(e);
                }
                found += 1;
                if found >= self.search_size {
                    self.search_start = j;
                    return best;
                }
            }
        }
        best
    }

    /// The non-tree edge of least slack that reconnects the two halves left by removing `leave`, crossing
    /// from the head half to the tail half. Searches only the half below `leave`.
    fn enter_edge(&self, leave: usize) -> Option<usize> {
        let edge = self.edges[leave];
        // The lower end of the tree edge; its subtree is the half we search.
        let (v, search_out) =
            if self.lim[edge.tail] < self.lim[edge.head] { (edge.tail, false) } else { (edge.head, true) };
        let (low, lim) = (self.low[v], self.lim[v]);
        let mut best: Option<(i32, usize)> = None;
        let mut stack = vec![v];
        while let Some(u) = stack.pop() {
            let candidates = if search_out { &self.out_edges[u] } else { &self.in_edges[u] };
            for &e in candidates {
                let w = self.other(e, u);
                let inside = low <= self.lim[w] && self.lim[w] <= lim;
                if !self.in_tree[e] && !inside {
                    let s = self.slack(e);
                    if best.is_none_or(|(b, _)| s < b) {
                        best = Some((s, e));
                    }
                }
            }
            if best.is_some_and(|(s, _)| s == 0) {
                break;
            }
            for &(e, w) in &self.tree_adj[u] {
                if e != self.par[u] {
                    stack.push(w);
                }
            }
        }
        best.map(|(_, e)| e)
    }

    fn rerank(&mut self, v: usize, delta: i32) {
        let mut stack = vec![v];
        while let Some(u) = stack.pop() {
            self.rank[u] -= delta;
            for &(e, w) in &self.tree_adj[u] {
                if e != self.par[u] {
                    stack.push(w);
                }
            }
        }
    }

    /// Walks from `v` up to the first ancestor whose subtree holds `w`, adjusting cut values on the way.
    fn tree_update(&mut self, mut v: usize, w: usize, cutvalue: i64, dir: bool) -> usize {
        while !self.in_subtree(v, w) {
            let e = self.par[v];
            if e == NONE {
                break;
            }
            let edge = self.edges[e];
            let d = if v == edge.tail { dir } else { !dir };
            if d {
                self.cut[e] += cutvalue;
            } else {
                self.cut[e] -= cutvalue;
            }
            v = if self.lim[edge.tail] > self.lim[edge.head] { edge.tail } else { edge.head };
        }
        v
    }

    fn update(&mut self, leave: usize, enter: usize) {
        let e = self.edges[leave];
        let delta = self.slack(enter);
        if delta > 0 {
            if self.lim[e.tail] < self.lim[e.head] {
                self.rerank(e.tail, delta);
            } else {
                self.rerank(e.head, -delta);
            }
        }
        let cutvalue = self.cut[leave];
        let f = self.edges[enter];
        let lca = self.tree_update(f.tail, f.head, cutvalue, true);
        self.tree_update(f.head, f.tail, cutvalue, false);
        let lca_low = self.low[lca];
        self.invalidate_path(lca, f.head);
        self.invalidate_path(lca, f.tail);
        self.cut[enter] = -cutvalue;
        self.cut[leave] = 0;
        // Swap the edges in the tree.
        self.in_tree[leave] = false;
        self.in_tree[enter] = true;
        for end in [e.tail, e.head] {
            self.tree_adj[end].retain(|&(x, _)| x != leave);
        }
        self.tree_adj[f.tail].push((enter, f.head));
        self.tree_adj[f.head].push((enter, f.tail));
        let slot = self.tree_slot[leave];
        self.tree_list[slot] = enter;
        self.tree_slot[enter] = slot;
        self.tree_slot[leave] = NONE;
        let par = self.par[lca];
        self.dfs_range(lca, par, lca_low);
    }

    /// Marks the tree path from `node` up to `lca` as needing new numbers (old low/lim still in place).
    fn invalidate_path(&mut self, lca: usize, mut node: usize) {
        loop {
            if self.low[node] == NONE {
                break;
            }
            self.low[node] = NONE;
            let e = self.par[node];
            if e == NONE || self.lim[node] >= self.lim[lca] {
                break;
            }
            let edge = self.edges[e];
            node = if self.lim[edge.tail] > self.lim[edge.head] { edge.tail } else { edge.head };
        }
    }

    fn normalize(&mut self) {
        let mut min = vec![i32::MAX; self.roots.len()];
        for v in 0..self.rank.len() {
            let p = self.piece[v];
            min[p] = min[p].min(self.rank[v]);
        }
        for v in 0..self.rank.len() {
            self.rank[v] -= min[self.piece[v]];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(tail: usize, head: usize) -> RankEdge {
        RankEdge { tail, head, minlen: 1, weight: 1 }
    }

    fn total_span(ranks: &[i32], edges: &[RankEdge]) -> i64 {
        edges.iter().map(|e| e.weight * i64::from(ranks[e.head] - ranks[e.tail])).sum()
    }

    #[test]
    fn chain_gets_consecutive_ranks() {
        let edges = [edge(0, 1), edge(1, 2)];
        assert_eq!(rank(3, &edges), vec![0, 1, 2]);
    }

    #[test]
    fn honours_minlen() {
        let edges = [RankEdge { tail: 0, head: 1, minlen: 3, weight: 1 }];
        assert_eq!(rank(2, &edges), vec![0, 3]);
    }

    #[test]
    fn pulls_a_late_source_down_next_to_its_target() {
        // 0 -> 1 -> 2 -> 3 and 4 -> 3: longest path puts 4 at rank 0; the optimum puts it at rank 2.
        let edges = [edge(0, 1), edge(1, 2), edge(2, 3), edge(4, 3)];
        let ranks = rank(5, &edges);
        assert_eq!(ranks[3] - ranks[4], 1);
        assert_eq!(total_span(&ranks, &edges), 4);
    }

    #[test]
    fn weight_decides_which_edge_stays_short() {
        // 0 -> 1 (minlen 2) and 0 -> 2, 2 -> 1 heavy; optimum keeps the heavy edges at length 1.
        let edges = [
            RankEdge { tail: 0, head: 1, minlen: 2, weight: 1 },
            RankEdge { tail: 0, head: 2, minlen: 1, weight: 10 },
            RankEdge { tail: 2, head: 1, minlen: 1, weight: 10 },
        ];
        let ranks = rank(3, &edges);
        assert_eq!(ranks, vec![0, 2, 1]);
    }

    #[test]
    fn disconnected_pieces_each_start_at_zero() {
        let edges = [edge(0, 1), edge(2, 3), edge(3, 4)];
        let ranks = rank(6, &edges);
        assert_eq!(ranks, vec![0, 1, 0, 1, 2, 0]);
    }

    #[test]
    fn both_leaving_edge_searches_reach_the_same_optimum() {
        // A random DAG (edges from lower to higher index) with varied weights and minlens.
        let mut rng = crate::layout::testing::SplitMix64::new(42);
        let n = 400;
        let edges: Vec<RankEdge> = (0..900)
            .filter_map(|_| {
                let (a, b) = (rng.below(n), rng.below(n));
                (a != b).then(|| RankEdge {
                    tail: a.min(b),
                    head: a.max(b),
                    minlen: 1 + rng.below(2) as i32,
                    weight: 1 + rng.below(3) as i64,
                })
            })
            .collect();
        let (sampled, full) = (rank_searching(n, &edges, SEARCH_SIZE), rank_searching(n, &edges, usize::MAX));
        for ranks in [&sampled, &full] {
            assert!(edges.iter().all(|e| ranks[e.head] - ranks[e.tail] >= e.minlen));
        }
        assert_eq!(total_span(&sampled, &edges), total_span(&full, &edges));
    }

    #[test]
    fn is_optimal_on_a_small_diamond_with_a_long_side() {
        let edges = [edge(0, 1), edge(1, 2), edge(2, 3), edge(3, 4), edge(0, 5), edge(5, 4), edge(6, 5)];
        let ranks = rank(7, &edges);
        for e in &edges {
            assert!(ranks[e.head] - ranks[e.tail] >= e.minlen);
        }
        // Long side 4, short side must stretch: 0->5 + 5->4 = 4; 6->5 tight.
        assert_eq!(total_span(&ranks, &edges), 4 + 4 + 1);
    }
}
