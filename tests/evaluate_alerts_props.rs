//! Property tests for what is built from judgements: the cumulative sum never yields NaN or ∞ and names the first
//! hop past the budget whatever numbers come in; the breach log dates every alert no later than now, keeps a
//! continuing breach's date, and sorts worst first.

use latency_heatmap::catalog::Level;
use latency_heatmap::evaluate::{cumulative, AlertKind, Breach, BreachLog, Evaluation, Metric, Percentile, Status};
use proptest::prelude::*;

fn any_ms() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        Just(Some(f64::NAN)),
        Just(Some(f64::INFINITY)),
        Just(Some(f64::MAX)),
        Just(Some(-1.0)),
        (0.0..1e4).prop_map(Some),
    ]
}

fn breach(id: u8, status: Status, score: Option<f64>) -> Breach {
    Breach {
        kind: AlertKind::Node,
        id: format!("s{id}"),
        entity_ref: format!("s{id}"),
        target_ref: None,
        metric: Metric::LatencySlo,
        percentile: Some(Percentile::P95),
        observed_ms: None,
        threshold_ms: None,
        observed_rate: None,
        threshold_rate: None,
        evaluation: Evaluation { score, status },
    }
}

fn any_breach() -> impl Strategy<Value = Breach> {
    (0u8..6, prop_oneof![Just(Status::Amber), Just(Status::Red)], prop_oneof![Just(None), (0.0..10.0).prop_map(Some)])
        .prop_map(|(id, status, score)| breach(id, status, score))
}

proptest! {
    #[test]
    fn cumulative_sums_are_finite_monotone_and_first_exceeded_is_the_first(
        hops in prop::collection::vec(any_ms(), 0..12),
        budget in any_ms(),
    ) {
        let path = cumulative(hops.iter().enumerate().map(|(i, ms)| (format!("h{i}"), *ms)), budget);
        prop_assert_eq!(path.hops.len(), hops.len());
        let mut previous = 0.0;
        for hop in &path.hops {
            prop_assert!(hop.cumulative_ms.is_finite() && hop.cumulative_ms >= previous);
            prop_assert!(hop.ms.is_none_or(|ms| ms.is_finite() && ms >= 0.0));
            previous = hop.cumulative_ms;
        }
        let first = path.hops.iter().find(|h| h.exceeded).map(|h| h.id.clone());
        prop_assert_eq!(path.first_exceeded, first);
        let exceeded: Vec<bool> = path.hops.iter().map(|h| h.exceeded).collect();
        prop_assert!(exceeded.windows(2).all(|w| w[1] || !w[0]), "once past the budget, always past it");
    }

    #[test]
    fn breach_log_dates_are_never_later_than_now_and_survive_while_continuous(
        polls in prop::collection::vec(prop::collection::vec(any_breach(), 0..6), 1..8),
    ) {
        let mut log = BreachLog::default();
        let mut previous: Vec<(String, f64)> = Vec::new();
        for (i, mut breaches) in polls.into_iter().enumerate() {
            // One breach per id and metric, as the pipeline produces.
            breaches.sort_by(|a, b| a.id.cmp(&b.id));
            breaches.dedup_by(|a, b| a.id == b.id);
            let now = i as f64 * 1000.0;
            let alerts = log.observe(Level::Component, breaches, now);
            for alert in &alerts {
                prop_assert!(alert.since <= now);
                let before = previous.iter().find(|(id, _)| *id == alert.breach.id).map(|(_, since)| *since);
                prop_assert_eq!(alert.since, before.unwrap_or(now));
            }
            for pair in alerts.windows(2) {
                let key = |b: &Breach| (b.evaluation.status, b.evaluation.score.unwrap_or(-1.0));
                let (a, b) = (key(&pair[0].breach), key(&pair[1].breach));
                prop_assert!(a.0 > b.0 || (a.0 == b.0 && a.1 >= b.1));
            }
            previous = alerts.iter().map(|a| (a.breach.id.clone(), a.since)).collect();
        }
    }
}
