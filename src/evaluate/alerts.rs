//! Alerts: every amber or red judgement of a node or an edge, worst first, with the event time it began.
//!
//! Owns the alert shape, the ordering (severity, then score) and [`BreachLog`], the memory across snapshots that
//! says since when each breach has lasted: a breach is dated by the first snapshot that saw it, and one that clears
//! and returns starts again. Also which judgements of one node or edge become breaches ([`add_breaches`]: its
//! amber/red latency metrics, then its error rate). Judging is `score.rs`'s; which judgements exist is the
//! pipeline's.

use std::cmp::Ordering;
use std::collections::BTreeMap;
// foldhash rather than SipHash: a snapshot at scale looks up ~10 000 breaches twice.
use foldhash::{HashMap, HashSet, HashSetExt};

use serde::Serialize;

use super::config::EvaluateConfig;
use super::score::{evaluate_error_rate, Evaluation};
use super::status::Status;
use super::thresholds::Metric;
use super::tolerance::Tolerance;
use crate::catalog::{Level, Percentile};

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

/// Who the breaches of one node or edge are about (the first four fields of each [`Breach`]).
#[derive(Debug, Clone, PartialEq)]
pub struct BreachSubject {
    pub kind: AlertKind,
    pub id: String,
    pub entity_ref: String,
    pub target_ref: Option<String>,
}

/// One latency metric of a node or edge as judged: what a breach of it reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JudgedLatency {
    /// Null when there was no threshold to judge against.
    pub metric: Option<Metric>,
    pub percentile: Percentile,
    pub observed_ms: Option<f64>,
    pub threshold_ms: Option<f64>,
    pub evaluation: Evaluation,
}

/// Adds the breaches of `subject` to `breaches`: each amber or red latency metric in `latency` (in that order),
/// then its error rate (`rate`, the share of failed calls) if amber or red against `defaults.errorRate`.
pub fn add_breaches(
    subject: &BreachSubject,
    latency: &[JudgedLatency],
    rate: Option<f64>,
    config: &EvaluateConfig,
    breaches: &mut Vec<Breach>,
) {
    for judged in latency.iter().filter(|j| j.evaluation.status.is_alert()) {
        if let Some(metric) = judged.metric {
            breaches.push(Breach {
                kind: subject.kind,
                id: subject.id.clone(),
                entity_ref: subject.entity_ref.clone(),
                target_ref: subject.target_ref.clone(),
                metric,
                percentile: Some(judged.percentile),
                observed_ms: judged.observed_ms,
                threshold_ms: judged.threshold_ms,
                observed_rate: None,
                threshold_rate: None,
                evaluation: judged.evaluation,
            });
        }
    }
    let evaluation = evaluate_error_rate(rate, config);
    if evaluation.status.is_alert() {
        breaches.push(Breach {
            kind: subject.kind,
            id: subject.id.clone(),
            entity_ref: subject.entity_ref.clone(),
            target_ref: subject.target_ref.clone(),
            metric: Metric::ErrorRate,
            percentile: None,
            observed_ms: None,
            threshold_ms: None,
            observed_rate: rate,
            threshold_rate: config.defaults.error_rate,
            evaluation,
        });
    }
}

/// Where an alert comes from: the map's own latency judgement, or an alert an Alertmanager reports firing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AlertSource {
    Latency,
    Alertmanager,
}

/// A breach with the event time (ms since the epoch) of the first snapshot in which it was continuously seen; for
/// an Alertmanager alert, its `startsAt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub source: AlertSource,
    #[serde(flatten)]
    pub breach: Breach,
    pub since: f64,
    /// What the Alertmanager said (only for `source: alertmanager`).
    #[serde(flatten)]
    pub firing: Option<FiringDetails>,
}

/// An Alertmanager alert's own fields, as `snapshot().alerts` shows them. Its texts are data, never markup.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FiringDetails {
    pub alertname: String,
    pub severity: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// ms since the epoch (= `since`).
    pub starts_at: f64,
    pub fingerprint: String,
    #[serde(rename = "generatorURL")]
    pub generator_url: Option<String>,
}

impl Alert {
    /// An Alertmanager alert on node `id` of `entity_ref`, with the status its severity forces (scores and
    /// figures null: nothing was measured).
    pub fn firing(id: String, entity_ref: String, status: Status, firing: FiringDetails) -> Alert {
        Alert {
            source: AlertSource::Alertmanager,
            breach: Breach {
                kind: AlertKind::Node,
                id,
                entity_ref,
                target_ref: None,
                metric: Metric::Alert,
                percentile: None,
                observed_ms: None,
                threshold_ms: None,
                observed_rate: None,
                threshold_rate: None,
                evaluation: Evaluation { score: None, status },
            },
            since: firing.starts_at,
            firing: Some(firing),
        }
    }
}

/// `latency` (already in [`BreachLog::observe`]'s order) and `firing` in one list: red before amber, then by score
/// (a firing alert has none, so it follows the scored breaches of its status), the latency alerts first on a tie.
pub fn merge_alerts(latency: Vec<Alert>, mut firing: Vec<Alert>) -> Vec<Alert> {
    firing.sort_by(|a, b| {
        b.breach.evaluation.status.cmp(&a.breach.evaluation.status).then_with(|| a.since.total_cmp(&b.since))
    });
    let mut alerts = latency;
    alerts.extend(firing);
    let score = |a: &Alert| a.breach.evaluation.score.unwrap_or(-1.0);
    // Stable: equal keys keep the order above.
    alerts.sort_by(|a, b| {
        b.breach.evaluation.status.cmp(&a.breach.evaluation.status).then_with(|| score(b).total_cmp(&score(a)))
    });
    alerts
}

/// What one snapshot judged with, as far as it decides which breaches there are: the level, and the percentile,
/// tolerance and window a snapshot chose over the config's (`None`, `None`, `None`: the config's own). Breaches are
/// remembered per scope, so a card looking at p50 over the last minute does not clear (or restart) the breaches of
/// the map at p95 over five.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BreachScope {
    pub level: Level,
    pub percentile: Option<Percentile>,
    pub tolerance: Option<Tolerance>,
    /// Slices read, when fewer than the whole window.
    pub read_slices: Option<u32>,
}

impl From<Level> for BreachScope {
    fn from(level: Level) -> Self {
        BreachScope { level, percentile: None, tolerance: None, read_slices: None }
    }
}

type BreachKey = (BreachScope, AlertKind, String, Metric);

/// When each current breach began, per scope (a System-level snapshot does not clear Component-level breaches).
#[derive(Debug, Clone, Default)]
pub struct BreachLog {
    started: HashMap<BreachKey, f64>,
}

impl BreachLog {
    /// Records the breaches seen by one snapshot at event time `now_ms` and returns them as alerts, worst first.
    /// Breaches of `scope` not seen now are forgotten.
    pub fn observe(&mut self, scope: impl Into<BreachScope>, breaches: Vec<Breach>, now_ms: f64) -> Vec<Alert> {
        let scope = scope.into();
        let key = |b: &Breach| (scope, b.kind, b.id.clone(), b.metric);
        let current: Vec<BreachKey> = breaches.iter().map(key).collect();
        // A set: thousands of breaches against thousands of remembered ones would be quadratic.
        let mut seen: HashSet<&BreachKey> = HashSet::with_capacity(current.len());
        seen.extend(&current);
        self.started.retain(|k, _| k.0 != scope || seen.contains(k));
        // Positions are sorted, then the alerts taken in that order: moving 10 000 alerts of ~200 bytes through a
        // sort cost more than comparing them.
        let mut order: Vec<usize> = (0..breaches.len()).collect();
        order.sort_by(|&a, &b| severity_order(&breaches[a], &breaches[b]));
        let mut alerts: Vec<Option<Alert>> = breaches
            .into_iter()
            .zip(current)
            .map(|(breach, key)| {
                let since = *self.started.entry(key).or_insert(now_ms);
                Some(Alert { source: AlertSource::Latency, since, breach, firing: None })
            })
            .collect();
        order.into_iter().filter_map(|at| alerts.get_mut(at).and_then(Option::take)).collect()
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
        let level = Level::Component;
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
        log.observe(Level::System, Vec::new(), 500.0);
        // Nor does one judged at another percentile, tolerance or window of the same level.
        let p50 = BreachScope { percentile: Some(Percentile::P50), ..level.into() };
        log.observe(p50, Vec::new(), 550.0);
        log.observe(BreachScope { tolerance: Some(Tolerance::Aggressive), ..level.into() }, Vec::new(), 560.0);
        log.observe(BreachScope { read_slices: Some(2), ..level.into() }, Vec::new(), 570.0);
        assert_eq!(log.observe(level, vec![breach("b", Status::Amber, 0.9)], 600.0)[0].since, 400.0);
        assert_eq!(log.observe(p50, vec![breach("b", Status::Amber, 0.9)], 700.0)[0].since, 700.0);
    }

    #[test]
    fn a_subject_breaches_on_each_amber_or_red_latency_metric_then_on_its_error_rate() {
        let config: EvaluateConfig = serde_json::from_str(r#"{"defaults":{"errorRate":0.1}}"#).expect("test config");
        let subject = BreachSubject {
            kind: AlertKind::Edge,
            id: "a→b:sync".into(),
            entity_ref: "component:default/a".into(),
            target_ref: Some("b".into()),
        };
        let judged = |metric, status, score| JudgedLatency {
            metric,
            percentile: Percentile::P99,
            observed_ms: Some(score * 20.0),
            threshold_ms: Some(20.0),
            evaluation: Evaluation { score: Some(score), status },
        };
        let latency = [
            judged(Some(Metric::EdgeSlo), Status::Red, 1.5),
            judged(Some(Metric::LatencySlo), Status::Green, 0.5),
            // No threshold, no metric: nothing to report even if the status were an alert.
            judged(None, Status::Amber, 0.9),
        ];
        let mut breaches = Vec::new();
        add_breaches(&subject, &latency, Some(0.25), &config, &mut breaches);
        let error_rate = evaluate_error_rate(Some(0.25), &config);
        assert_eq!(error_rate.status, Status::Red);
        assert_eq!(
            breaches,
            [
                Breach {
                    kind: AlertKind::Edge,
                    id: "a→b:sync".into(),
                    entity_ref: "component:default/a".into(),
                    target_ref: Some("b".into()),
                    metric: Metric::EdgeSlo,
                    percentile: Some(Percentile::P99),
                    observed_ms: Some(30.0),
                    threshold_ms: Some(20.0),
                    observed_rate: None,
                    threshold_rate: None,
                    evaluation: Evaluation { score: Some(1.5), status: Status::Red },
                },
                Breach {
                    kind: AlertKind::Edge,
                    id: "a→b:sync".into(),
                    entity_ref: "component:default/a".into(),
                    target_ref: Some("b".into()),
                    metric: Metric::ErrorRate,
                    percentile: None,
                    observed_ms: None,
                    threshold_ms: None,
                    observed_rate: Some(0.25),
                    threshold_rate: Some(0.1),
                    evaluation: error_rate,
                },
            ]
        );
        // Below the error-rate threshold, and without one: no error-rate breach.
        let mut quiet = Vec::new();
        add_breaches(&subject, &[], Some(0.01), &config, &mut quiet);
        add_breaches(&subject, &[], Some(0.9), &EvaluateConfig::default(), &mut quiet);
        assert_eq!(quiet, []);
    }
}
