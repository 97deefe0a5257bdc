//! Compressed adjacency rows: every node's list in one flat array, indexed by node. Sweeps and compactions walk
//! these lists many times, and a `Vec` per node would cost an allocation each and a pointer chase per visit.
//!
//! Owns the data structure only; what a row means (links to the next rank, block-graph edges) is the user's.

/// Row `v` is `items[start[v]..start[v + 1]]`.
#[derive(Debug, Clone)]
pub(crate) struct Rows<T> {
    start: Vec<usize>,
    items: Vec<T>,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows { start: vec![0], items: Vec::new() }
    }
}

impl<T: Copy + Default> Rows<T> {
    /// Rows for nodes `0..node_count` from `(node, item)` pairs, each row in the pairs' order (a stable counting
    /// sort). Pairs naming a node outside the range are dropped.
    pub fn from_pairs(node_count: usize, pairs: &[(usize, T)]) -> Self {
        let mut start = vec![0usize; node_count + 1];
        for &(v, _) in pairs {
            if v < node_count {
                start[v + 1] += 1;
            }
        }
        for v in 0..node_count {
            start[v + 1] += start[v];
        }
        let mut fill = start.clone();
        let mut items = vec![T::default(); start[node_count]];
        for &(v, item) in pairs {
            if v < node_count {
                items[fill[v]] = item;
                fill[v] += 1;
            }
        }
        Rows { start, items }
    }
}

impl<T> std::ops::Index<usize> for Rows<T> {
    type Output = [T];

    fn index(&self, v: usize) -> &[T] {
        &self.items[self.start[v]..self.start[v + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_pair_order() {
        let rows = Rows::from_pairs(3, &[(2, 'a'), (0, 'b'), (2, 'c'), (7, 'x')]);
        assert_eq!(&rows[0], &['b']);
        assert!(rows[1].is_empty());
        assert_eq!(&rows[2], &['a', 'c']);
    }
}
