//! The scorecard: one judgement per catalog entity, in a stable JSON shape for scorecard tools (Soundcheck, Tech
//! Insights) to read as a check result.
//!
//! Owns that shape and the rule that an entity several services map to gets the worst of them (also when the
//! card is collected from `(entity ref, entry)` pairs). Which judgement a node carries (latency SLO or processing time, whichever is worse) is the pipeline's.

use std::collections::BTreeMap;

use serde::Serialize;

use super::score::Evaluation;
use super::status::Status;
use super::thresholds::Metric;
use crate::catalog::Percentile;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScorecardEntry {
    pub status: Status,
    pub score: Option<f64>,
    pub threshold_ms: Option<f64>,
    pub observed_ms: Option<f64>,
    pub percentile: Percentile,
    /// What was compared (`latencySlo`, `processingTime`); null without a threshold.
    pub metric: Option<Metric>,
    /// Event time of the snapshot (ms since the epoch): the newest span end seen.
    pub checked_at: f64,
}

/// Entity ref → entry, in ref order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Scorecard(pub BTreeMap<String, ScorecardEntry>);

impl Scorecard {
    /// Adds one service's judgement for `entity_ref`, keeping the worst when the entity already has one.
    pub fn add(&mut self, entity_ref: String, entry: ScorecardEntry) {
        let evaluation = |e: &ScorecardEntry| Evaluation { score: e.score, status: e.status };
        match self.0.get(&entity_ref) {
            Some(held) if evaluation(held).worst(evaluation(&entry)) == evaluation(held) => {}
            _ => {
                self.0.insert(entity_ref, entry);
            }
        }
    }

    pub fn get(&self, entity_ref: &str) -> Option<&ScorecardEntry> {
        self.0.get(entity_ref)
    }
}

/// One entry per entity ref, the worst of each (several services may map to one entity).
impl FromIterator<(String, ScorecardEntry)> for Scorecard {
    fn from_iter<I: IntoIterator<Item = (String, ScorecardEntry)>>(entries: I) -> Self {
        let mut card = Scorecard::default();
        for (entity_ref, entry) in entries {
            card.add(entity_ref, entry);
        }
        card
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: Status, score: Option<f64>) -> ScorecardEntry {
        ScorecardEntry {
            status,
            score,
            threshold_ms: Some(10.0),
            observed_ms: score.map(|s| s * 10.0),
            percentile: Percentile::P95,
            metric: Some(Metric::LatencySlo),
            checked_at: 1.0,
        }
    }

    #[test]
    fn keeps_the_worst_service_of_an_entity() {
        let mut card = Scorecard::default();
        card.add("component:default/a".into(), entry(Status::Green, Some(0.2)));
        card.add("component:default/a".into(), entry(Status::Red, Some(1.3)));
        card.add("component:default/a".into(), entry(Status::Unknown, None));
        assert_eq!(card.get("component:default/a").map(|e| e.status), Some(Status::Red));
        let json = serde_json::to_value(&card).expect("scorecard as JSON");
        assert_eq!(json["component:default/a"]["thresholdMs"], 10.0);
        assert_eq!(json["component:default/a"]["checkedAt"], 1.0);
    }

    #[test]
    fn collecting_keeps_the_worst_entry_per_entity() {
        let card: Scorecard = [
            ("component:default/a".to_owned(), entry(Status::Amber, Some(0.9))),
            ("component:default/b".to_owned(), entry(Status::Green, Some(0.1))),
            ("component:default/a".to_owned(), entry(Status::Green, Some(0.3))),
        ]
        .into_iter()
        .collect();
        let statuses: Vec<(&str, Status)> = card.0.iter().map(|(r, e)| (r.as_str(), e.status)).collect();
        assert_eq!(statuses, [("component:default/a", Status::Amber), ("component:default/b", Status::Green)]);
    }
}
