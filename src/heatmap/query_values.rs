//! A Prometheus source's extra `queries` on the map: the latest value of each per telemetry service, kept between
//! polls, and in each snapshot put on the nodes as `queries: [{ name, service, value, answeredAt, stale }]` (the
//! tooltips' text).
//!
//! Owns which values are kept (a round's answered query replaces that query's values; one that failed keeps its
//! last good ones, marked `stale` with the time they were answered at; a query no longer configured is dropped) and
//! which nodes show them: at `component` and `entity` level each member service's values, in member then config
//! order; above that none, since a PromQL value of unknown meaning cannot be summed or averaged across a System or
//! Domain. Reading the answers is `prometheus::extra_queries`'.

use serde::Serialize;

use super::snapshot::HeatNode;
use super::HeatMap;
use crate::catalog::Level;
use crate::prometheus::extra_queries::{ExtraValues, ServiceValues};

/// One extra query's value for one service of a node.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryValue {
    /// The query's `name` from the config.
    pub name: String,
    /// The telemetry service the value is for (a member of the node).
    pub service: String,
    /// Null when Prometheus answered NaN or ±Inf.
    pub value: Option<f64>,
    /// The evaluation time (ms since the epoch) of the round whose answer this is.
    pub answered_at: f64,
    /// The latest round's query was not answered: this is an earlier round's value, kept.
    pub stale: bool,
}

/// One configured query's last answered values.
#[derive(Debug, Clone, PartialEq)]
struct Kept {
    name: String,
    values: ServiceValues,
    answered_at: f64,
    stale: bool,
}

/// The values a `HeatMap` keeps: per configured query (config order), its last answered values.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct QueryValues {
    queries: Vec<Kept>,
}

impl QueryValues {
    pub(super) fn clear(&mut self) {
        self.queries.clear();
    }

    /// One round's values, evaluated at `at_ms`: the queries it names, each with its new values or, when not
    /// answered, its kept ones marked stale.
    fn take(&mut self, round: ExtraValues, at_ms: f64) {
        let mut kept = std::mem::take(&mut self.queries);
        self.queries = round
            .into_iter()
            .filter_map(|(name, values)| match values {
                Some(values) => Some(Kept { name, values, answered_at: at_ms, stale: false }),
                None => kept
                    .iter()
                    .position(|old| old.name == name)
                    .map(|at| Kept { stale: true, ..kept.swap_remove(at) }),
            })
            .collect();
    }

    /// `service`'s values, in config order.
    fn of<'a>(&'a self, service: &'a str) -> impl Iterator<Item = QueryValue> + 'a {
        self.queries.iter().filter_map(move |kept| {
            kept.values.get(service).map(|value| QueryValue {
                name: kept.name.clone(),
                service: service.to_owned(),
                value: *value,
                answered_at: kept.answered_at,
                stale: kept.stale,
            })
        })
    }
}

impl HeatMap {
    /// Takes a Prometheus round's extra query values, evaluated at `at_ms` (see [`QueryValues`] for what is kept).
    pub fn take_query_values(&mut self, round: ExtraValues, at_ms: f64) {
        self.query_values.take(round, at_ms);
    }

    /// Puts each member service's values on the nodes of `component` and `entity` level.
    pub(super) fn join_query_values(&self, level: Level, nodes: &mut [HeatNode]) {
        if !matches!(level, Level::Component | Level::Entity) {
            return;
        }
        for node in nodes {
            node.queries = node.members.iter().flat_map(|service| self.query_values.of(service)).collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, Option<f64>)]) -> ServiceValues {
        pairs.iter().map(|(service, value)| ((*service).to_owned(), *value)).collect()
    }

    #[test]
    fn an_unanswered_query_keeps_its_last_values_marked_stale_and_an_unconfigured_one_goes() {
        let mut kept = QueryValues::default();
        kept.take(
            vec![
                ("rps".into(), Some(values(&[("cart", Some(2.0))]))),
                ("up".into(), Some(values(&[("cart", None), ("pay", Some(1.0))]))),
                ("old".into(), Some(values(&[("cart", Some(3.0))]))),
            ],
            1000.0,
        );
        kept.take(
            vec![("up".into(), None), ("rps".into(), Some(values(&[("pay", Some(5.0))]))), ("new".into(), None)],
            2000.0,
        );
        let names: Vec<_> = kept.queries.iter().map(|k| (k.name.as_str(), k.answered_at, k.stale)).collect();
        assert_eq!(names, [("up", 1000.0, true), ("rps", 2000.0, false)]);
        let value = |name: &str, value, answered_at, stale| QueryValue {
            name: name.into(),
            service: "pay".into(),
            value,
            answered_at,
            stale,
        };
        assert_eq!(
            kept.of("pay").collect::<Vec<_>>(),
            [value("up", Some(1.0), 1000.0, true), value("rps", Some(5.0), 2000.0, false)]
        );
        assert_eq!(kept.of("cart").map(|v| v.value).collect::<Vec<_>>(), [None]);
        // Answered again: fresh, at the new round's time.
        kept.take(vec![("up".into(), Some(values(&[("pay", Some(0.0))])))], 3000.0);
        assert_eq!(kept.of("pay").collect::<Vec<_>>(), [value("up", Some(0.0), 3000.0, false)]);
    }
}
