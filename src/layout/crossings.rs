//! Counting edge crossings between adjacent ranks with the accumulator tree of Barth, Jünger and Mutzel,
//! "Simple and Efficient Bilayer Cross Counting" (2002): O(E log V) per pair of ranks, weighted by how many
//! parallel edges each link stands for.
//!
//! Owns counting only; ordering decides what to do with the numbers.

use super::normalize::Layered;

/// Reusable buffers so sweeps do not allocate per rank pair.
#[derive(Default)]
pub(crate) struct CrossingCounter {
    links: Vec<(usize, u32)>,
    tree: Vec<u64>,
}

impl CrossingCounter {
    /// Crossings of all links in the drawing given each layout node's position in its rank.
    pub fn total(&mut self, g: &Layered, pos: &[usize]) -> u64 {
        (0..g.layers.len().saturating_sub(1)).map(|r| self.between(g, pos, r)).sum()
    }

    /// Crossings of the links between rank `r` and rank `r + 1`.
    pub fn between(&mut self, g: &Layered, pos: &[usize], r: usize) -> u64 {
        let (upper, lower) = (&g.layers[r], &g.layers[r + 1]);
        if upper.len() < 2 || lower.len() < 2 {
            return 0;
        }
        self.links.clear();
        for &u in upper {
            let start = self.links.len();
            self.links.extend(g.down[u].iter().map(|&(v, w)| (pos[v], w)));
            self.links[start..].sort_unstable_by_key(|l| l.0);
        }
        let first = lower.len().next_power_of_two();
        self.tree.clear();
        self.tree.resize(2 * first - 1, 0);
        let mut crossings = 0u64;
        for &(p, w) in &self.links {
            let w = u64::from(w);
            let mut index = p + first - 1;
            self.tree[index] += w;
            while index > 0 {
                if index % 2 == 1 {
                    crossings += self.tree[index + 1] * w;
                }
                index = (index - 1) / 2;
                self.tree[index] += w;
            }
        }
        crossings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::normalize::Links;

    fn two_ranks(links: &[(usize, usize, u32)]) -> (Layered, Vec<usize>) {
        let mut g = Layered { real: 6, ..Default::default() };
        g.layers = vec![vec![0, 1, 2], vec![3, 4, 5]];
        let pairs: Vec<(usize, (usize, u32))> = links.iter().map(|&(u, v, w)| (u, (v, w))).collect();
        g.down = Links::from_pairs(6, &pairs);
        (g, vec![0, 1, 2, 0, 1, 2])
    }

    #[test]
    fn counts_like_brute_force() {
        let links = [(0, 5, 1), (1, 3, 1), (1, 4, 1), (2, 3, 1), (0, 4, 1)];
        let (g, pos) = two_ranks(&links);
        let mut brute = 0;
        for (i, a) in links.iter().enumerate() {
            for b in &links[i + 1..] {
                let (pa, pb) = ((pos[a.0], pos[a.1]), (pos[b.0], pos[b.1]));
                if (pa.0 < pb.0 && pa.1 > pb.1) || (pa.0 > pb.0 && pa.1 < pb.1) {
                    brute += 1;
                }
            }
        }
        assert_eq!(CrossingCounter::default().between(&g, &pos, 0), brute);
    }

    #[test]
    fn parallel_links_cross_as_often_as_their_multiplicity() {
        let (g, pos) = two_ranks(&[(0, 5, 3), (2, 3, 1)]);
        assert_eq!(CrossingCounter::default().between(&g, &pos, 0), 3);
    }
}
