//! Long edges split into chains of dummy nodes, one per rank crossed, giving the "proper" layered graph the later
//! phases work on: every edge joins adjacent ranks.
//!
//! Owns [`Layered`] and its construction from ranks. Dummies sit in the innermost group that holds both ends of
//! their edge, so a group's box only contains the bends of its own internal edges. Ordering and coordinates are
//! other modules' business.

use super::rows::Rows;

/// The proper layered graph of one component. Layout nodes `0..real` are the component's nodes; the rest are
/// dummies.
#[derive(Debug, Default)]
pub(crate) struct Layered {
    pub real: usize,
    pub width: Vec<f64>,
    pub height: Vec<f64>,
    pub rank: Vec<usize>,
    /// Innermost (component-local) group of each layout node.
    pub group: Vec<Option<usize>>,
    /// Neighbours in the rank below / above, with the number of parallel edges merged into the link.
    pub down: Links,
    pub up: Links,
    /// Layout nodes of each rank, left to right once ordered.
    pub layers: Vec<Vec<usize>>,
    /// Per ranked edge, its layout nodes from tail to head.
    pub chains: Vec<Vec<usize>>,
    /// Bend points among the dummies (the rest are group placeholders).
    pub bends: usize,
}

/// Links of each layout node to the rank below or above: (neighbour, multiplicity).
pub(crate) type Links = Rows<(usize, u32)>;

impl Layered {
    pub fn is_dummy(&self, v: usize) -> bool {
        v >= self.real
    }

    pub fn len(&self) -> usize {
        self.rank.len()
    }
}

/// Component-local group tree, used to keep groups contiguous and boxed.
#[derive(Debug, Default)]
pub(crate) struct GroupTree {
    pub parent: Vec<Option<usize>>,
    /// Groups from the outermost down to and including each group.
    pub path: Vec<Vec<usize>>,
}

impl GroupTree {
    pub fn new(parent: Vec<Option<usize>>) -> Self {
        let path = (0..parent.len())
            .map(|g| {
                let mut p = vec![g];
                let mut cur = g;
                while let Some(up) = parent[cur] {
                    if p.len() > parent.len() {
                        break; // validation rules out cycles; this only keeps the loop total
                    }
                    p.push(up);
                    cur = up;
                }
                p.reverse();
                p
            })
            .collect();
        GroupTree { parent, path }
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// The innermost group containing both `a` and `b`.
    pub fn common(&self, a: Option<usize>, b: Option<usize>) -> Option<usize> {
        let (a, b) = (a?, b?);
        let (pa, pb) = (&self.path[a], &self.path[b]);
        pa.iter().zip(pb).take_while(|(x, y)| x == y).last().map(|(x, _)| *x)
    }

    /// Groups from the outermost down to `group` (empty for none).
    pub fn chain(&self, group: Option<usize>) -> &[usize] {
        group.map_or(&[], |g| self.path[g].as_slice())
    }
}

/// A ranked edge between two real nodes (tail above head), with the number of input edges merged into it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RankedEdge {
    pub tail: usize,
    pub head: usize,
    pub multiplicity: u32,
    /// Drawn straight, without dummies or links (the budget's choice, see `budget.rs`): its chain is just its ends.
    pub straight: bool,
}

/// Builds the proper layered graph: real nodes with their ranks, one dummy per rank strictly between the ends of
/// each edge that is not drawn straight.
pub(crate) fn split_long_edges(
    width: &[f64],
    height: &[f64],
    node_group: &[Option<usize>],
    groups: &GroupTree,
    ranks: &[i32],
    edges: &[RankedEdge],
) -> Layered {
    let real = width.len();
    let mut g = Layered {
        real,
        width: width.to_vec(),
        height: height.to_vec(),
        rank: ranks.iter().map(|&r| r.max(0) as usize).collect(),
        group: node_group.to_vec(),
        down: Links::default(),
        up: Links::default(),
        layers: Vec::new(),
        chains: Vec::with_capacity(edges.len()),
        bends: 0,
    };
    let mut down: Vec<(usize, (usize, u32))> = Vec::new();
    let mut up: Vec<(usize, (usize, u32))> = Vec::new();
    for e in edges {
        let (top, bottom) = (g.rank[e.tail], g.rank[e.head]);
        let group = groups.common(node_group[e.tail], node_group[e.head]);
        if e.straight {
            g.chains.push(vec![e.tail, e.head]);
            continue;
        }
        let mut chain = Vec::with_capacity(bottom.saturating_sub(top) + 1);
        chain.push(e.tail);
        for r in top + 1..bottom {
            let d = g.rank.len();
            g.width.push(0.0);
            g.height.push(0.0);
            g.rank.push(r);
            g.group.push(group);
            g.bends += 1;
            chain.push(d);
        }
        chain.push(e.head);
        for pair in chain.windows(2) {
            down.push((pair[0], (pair[1], e.multiplicity)));
            up.push((pair[1], (pair[0], e.multiplicity)));
        }
        g.chains.push(chain);
    }
    fill_group_gaps(&mut g, groups);
    g.down = Links::from_pairs(g.len(), &down);
    g.up = Links::from_pairs(g.len(), &up);
    let depth = g.rank.iter().max().map_or(0, |&m| m + 1);
    g.layers = vec![Vec::new(); depth];
    for v in 0..g.len() {
        g.layers[g.rank[v]].push(v);
    }
    g
}

/// Puts a zero-size placeholder of a group into every rank between its top and bottom where it has nothing else,
/// so ordering keeps the group a block there too and its box keeps other nodes of that rank out.
fn fill_group_gaps(g: &mut Layered, groups: &GroupTree) {
    if groups.is_empty() {
        return;
    }
    let count = groups.parent.len();
    let mut present: Vec<Vec<usize>> = vec![Vec::new(); count];
    for v in 0..g.len() {
        for &grp in groups.chain(g.group[v]) {
            present[grp].push(g.rank[v]);
        }
    }
    // Innermost first: a placeholder in a child group also fills that rank for its ancestors.
    let mut innermost_first: Vec<usize> = (0..count).collect();
    innermost_first.sort_by_key(|&grp| std::cmp::Reverse(groups.path[grp].len()));
    for grp in innermost_first {
        let ranks = &mut present[grp];
        ranks.sort_unstable();
        ranks.dedup();
        let (Some(&top), Some(&bottom)) = (ranks.first(), ranks.last()) else { continue };
        let missing: Vec<usize> = (top..=bottom).filter(|r| ranks.binary_search(r).is_err()).collect();
        for r in missing {
            g.width.push(0.0);
            g.height.push(0.0);
            g.rank.push(r);
            g.group.push(Some(grp));
            for &outer in groups.chain(Some(grp)) {
                present[outer].push(r);
            }
        }
    }
}
