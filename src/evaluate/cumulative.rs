//! The cumulative view of an entry point: its critical path hop by hop, with the running sum of each hop's latency
//! and the first hop where that sum passes the entry point's budget (its latency SLO).
//!
//! Owns the running sum and the "first exceeded" rule. What a hop's latency is (a service's own processing time, a
//! call's time outside its callee) is the pipeline's: here hops are plain numbers, and a hop without one adds
//! nothing (its `ms` is null).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CumulativeHop {
    /// A node or edge id of the snapshot.
    pub id: String,
    pub ms: Option<f64>,
    /// Sum of `ms` from the entry point up to and including this hop.
    pub cumulative_ms: f64,
    /// The entry point's budget the sum is compared against (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_ms: Option<f64>,
    /// `cumulativeMs > budgetMs`.
    pub exceeded: bool,
}

/// The critical path with running sums; flattened into an entry point as `cumulative` and `firstExceeded`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CumulativePath {
    #[serde(rename = "cumulative")]
    pub hops: Vec<CumulativeHop>,
    /// The id of the first hop whose running sum passes the budget.
    pub first_exceeded: Option<String>,
}

/// Sums `hops` (id, latency in ms) in order against `budget_ms`. Non-finite or negative latencies count as missing.
pub fn cumulative(hops: impl IntoIterator<Item = (String, Option<f64>)>, budget_ms: Option<f64>) -> CumulativePath {
    let budget_ms = budget_ms.filter(|b| b.is_finite() && *b > 0.0);
    let mut sum = 0.0;
    let mut path = CumulativePath::default();
    for (id, ms) in hops {
        let ms = ms.filter(|v| v.is_finite() && *v >= 0.0);
        sum += ms.unwrap_or(0.0);
        // Sums of finite latencies stay finite in practice; cap anyway so no ∞ can reach JSON.
        let cumulative_ms = if sum.is_finite() { sum } else { f64::MAX };
        let exceeded = budget_ms.is_some_and(|budget| cumulative_ms > budget);
        if exceeded && path.first_exceeded.is_none() {
            path.first_exceeded = Some(id.clone());
        }
        path.hops.push(CumulativeHop { id, ms, cumulative_ms, budget_ms, exceeded });
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_in_order_and_names_the_first_hop_past_the_budget() {
        let hops = [("a", Some(10.0)), ("a→b:sync", None), ("b", Some(25.0)), ("c", Some(f64::NAN)), ("d", Some(1.0))];
        let path = cumulative(hops.iter().map(|(id, ms)| (id.to_string(), *ms)), Some(30.0));
        let sums: Vec<f64> = path.hops.iter().map(|h| h.cumulative_ms).collect();
        assert_eq!(sums, [10.0, 10.0, 35.0, 35.0, 36.0]);
        assert_eq!(path.first_exceeded.as_deref(), Some("b"));
        assert_eq!(path.hops[3].ms, None);
        assert!(!path.hops[1].exceeded && path.hops[4].exceeded);
        assert_eq!(cumulative(hops.iter().map(|(id, ms)| (id.to_string(), *ms)), None).first_exceeded, None);
    }
}
