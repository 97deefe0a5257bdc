//! Alerts: every amber or red judgement of a node or an edge, worst first, with the event time it began.
//!
//! Owns the alert shape, the ordering (severity, then score) and [`BreachLog`], the memory across snapshots that
//! says since when each breach has lasted: a breach is dated by the first snapshot that saw it, and one that clears
//! and returns starts again. Judging is `score.rs`'s; which judgements exist is the pipeline's.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::levels::ViewLevel;
use super::score::Evaluation;
use super::thresholds::Metric;
use crate::catalog::Percentile;

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AlertKind {
    Node,
    Edge,
}

/// One metric of one node or edge that is amber or red now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Breach {
    pub kind: AlertKind,
    /// The node or edge id in the snapshot, to find what to highlight.
    pub id: String,
    /// The entity (for an edge: the caller's); the service or edge id when the catalog does not know it.
    pub entity_ref: String,
    /// For an edge, the callee's entity ref (or service); null for nodes.
    pub target_ref: Option<String>,
    pub metric: Metric,
    /// The percentile latency metrics were taken at; null for error rate.
    pub percentile: Option<Percentile>,
    pub observed_ms: Option<f64>,
    pub threshold_ms: Option<f64>,
    /// Share of failed calls in the window (error-rate alerts only).
    pub observed_rate: Option<f64>,
    pub threshold_rate: Option<f64>,
    #[serde(flatten)]
    pub evaluation: Evaluation,
}

/// A breach with the event time (ms since the epoch) of the first snapshot in which it was continuously seen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    #[serde(flatten)]
    pub breach: Breach,
    pub since: f64,
}

type BreachKey = (ViewLevel, AlertKind, String, Metric);

/// When each current breach began, per level (a System-level snapshot does not clear Component-level breaches).
#[derive(Debug, Clone, Default)]
pub struct BreachLog {
    started: HashMap<BreachKey, f64>,
}

impl BreachLog {
    /// Records the breaches seen by one snapshot at event time `now_ms` and returns them as alerts, worst first.
    /// Breaches of `level` not seen now are forgotten.
    pub fn observe(&mut self, level: ViewLevel, breaches: Vec<Breach>, now_ms: f64) -> Vec<Alert> {
        let key = |b: &Breach| (level, b.kind, b.id.clone(), b.metric);
        let current: Vec<BreachKey> = breaches.iter().map(key).collect();
        // A set: thousands of breaches against thousands of remembered ones would be quadratic.
        let seen: HashSet<&BreachKey> = current.iter().collect();
        self.started.retain(|k, _| k.0 != level || seen.contains(k));
        let mut alerts: Vec<Alert> = breaches
            .into_iter()
            .zip(current)
            .map(|(breach, key)| Alert { since: *self.started.entry(key).or_insert(now_ms), breach })
            .collect();
        alerts.sort_by(|a, b| severity_order(&a.breach, &b.breach));
        alerts
    }

    /// Forgets every breach (after the latency state is reset).
    pub fn clear(&mut self) {
        self.started.clear();
    }
}

/// Red before amber, then higher score first; ties by id and metric so the order is stable.
fn severity_order(a: &Breach, b: &Breach) -> Ordering {
    let score = |x: &Breach| x.evaluation.score.unwrap_or(-1.0);
    b.evaluation
        .status
        .cmp(&a.evaluation.status)
        .then_with(|| score(b).total_cmp(&score(a)))
        .then_with(|| a.id.cmp(&b.id))
        .then_with(|| (a.metric as u8).cmp(&(b.metric as u8)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::Status;

    fn breach(id: &str, status: Status, score: f64) -> Breach {
        Breach {
            kind: AlertKind::Node,
            id: id.into(),
            entity_ref: id.into(),
            target_ref: None,
            metric: Metric::LatencySlo,
            percentile: Some(Percentile::P95),
            observed_ms: Some(score * 10.0),
            threshold_ms: Some(10.0),
            observed_rate: None,
            threshold_rate: None,
            evaluation: Evaluation { score: Some(score), status },
        }
    }

    #[test]
    fn red_first_then_score_and_since_survives_until_the_breach_clears() {
        let mut log = BreachLog::default();
        let level = ViewLevel::Component;
        let first = log.observe(level, vec![breach("a", Status::Amber, 0.9), breach("b", Status::Red, 1.1)], 100.0);
        assert_eq!(first.iter().map(|a| a.breach.id.as_str()).collect::<Vec<_>>(), ["b", "a"]);
        let second = log.observe(
            level,
            vec![breach("a", Status::Red, 1.5), breach("c", Status::Red, 2.0), breach("b", Status::Red, 1.2)],
            200.0,
        );
        let seen: Vec<(&str, f64)> = second.iter().map(|a| (a.breach.id.as_str(), a.since)).collect();
        assert_eq!(seen, [("c", 200.0), ("a", 100.0), ("b", 100.0)]);
        // b clears, then comes back: it starts again.
        log.observe(level, vec![breach("a", Status::Red, 1.5)], 300.0);
        let again = log.observe(level, vec![breach("b", Status::Amber, 0.9)], 400.0);
        assert_eq!(again[0].since, 400.0);
        // Another level's snapshot does not clear this level's breaches.
        log.observe(ViewLevel::System, Vec::new(), 500.0);
        assert_eq!(log.observe(level, vec![breach("b", Status::Amber, 0.9)], 600.0)[0].since, 400.0);
    }
}
