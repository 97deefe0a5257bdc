//! A Prometheus source's extra `queries` on the map: the latest value of each per telemetry service, kept between
//! polls, and in each snapshot put on the nodes as `queries: [{ name, service, value }]` (the tooltips' text).
//!
//! Owns which values are kept (a round's answered query replaces that query's values; one that failed keeps its
//! last good ones; a query no longer configured is dropped) and which nodes show them: at `component` and `entity`
//! level each member service's values, in member then config order; above that none, since a PromQL value of
//! unknown meaning cannot be summed or averaged across a System or Domain. Reading the answers is
//! `prometheus::extra_queries`'.

use serde::Serialize;

use super::snapshot::HeatNode;
use super::HeatMap;
use crate::catalog::Level;
use crate::prometheus::extra_queries::{ExtraValues, ServiceValues};

/// One extra query's value for one service of a node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryValue {
    /// The query's `name` from the config.
    pub name: String,
    /// The telemetry service the value is for (a member of the node).
    pub service: String,
    /// Null when Prometheus answered NaN or ±Inf.
    pub value: Option<f64>,
}

/// The values a `HeatMap` keeps: per configured query (config order), its last answered values.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct QueryValues {
    queries: Vec<(String, ServiceValues)>,
}

impl QueryValues {
    pub(super) fn clear(&mut self) {
        self.queries.clear();
    }

    /// One round's values: the queries it names, each with its new values or, when not answered, its kept ones.
    fn take(&mut self, round: ExtraValues) {
        let mut kept = std::mem::take(&mut self.queries);
        self.queries = round
            .into_iter()
            .filter_map(|(name, values)| match values {
                Some(values) => Some((name, values)),
                None => kept.iter().position(|(kept_name, _)| *kept_name == name).map(|at| kept.swap_remove(at)),
            })
            .collect();
    }

    /// `service`'s values, in config order.
    fn of<'a>(&'a self, service: &'a str) -> impl Iterator<Item = QueryValue> + 'a {
        self.queries.iter().filter_map(move |(name, values)| {
            values.get(service).map(|value| QueryValue { name: name.clone(), service: service.to_owned(), value: *value })
        })
    }
}

impl HeatMap {
    /// Takes a Prometheus round's extra query values (see [`QueryValues`] for what is kept).
    pub fn take_query_values(&mut self, round: ExtraValues) {
        self.query_values.take(round);
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
    fn an_unanswered_query_keeps_its_last_values_and_an_unconfigured_one_goes() {
        let mut kept = QueryValues::default();
        kept.take(vec![
            ("rps".into(), Some(values(&[("cart", Some(2.0))]))),
            ("up".into(), Some(values(&[("cart", None), ("pay", Some(1.0))]))),
            ("old".into(), Some(values(&[("cart", Some(3.0))]))),
        ]);
        kept.take(vec![("up".into(), None), ("rps".into(), Some(values(&[("pay", Some(5.0))]))), ("new".into(), None)]);
        assert_eq!(
            kept.queries,
            vec![("up".to_owned(), values(&[("cart", None), ("pay", Some(1.0))])), ("rps".to_owned(), values(&[("pay", Some(5.0))]))]
        );
        assert_eq!(
            kept.of("pay").collect::<Vec<_>>(),
            [
                QueryValue { name: "up".into(), service: "pay".into(), value: Some(1.0) },
                QueryValue { name: "rps".into(), service: "pay".into(), value: Some(5.0) },
            ]
        );
        assert_eq!(kept.of("cart").map(|v| v.value).collect::<Vec<_>>(), [None]);
    }
}
