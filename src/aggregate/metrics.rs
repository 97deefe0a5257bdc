//! A round of service-graph metrics → the same per-service and per-call state spans fill, so thresholds, colours,
//! alerts, levels and layout never ask where the numbers came from.
//!
//! Owns what each edge's figures become: the call's `stats` from the client histogram (what the caller waits)
//! with the request and error rates, `serverStats` from the server histogram, the queue delay from the messaging
//! histogram; `connection_type` → [`CallKind`] and which end is virtual; each service's latency as the bucket
//! merge of the server histograms of the calls it serves. A round replaces the previous round's figures (a key
//! absent from it has no data, and ages out of the key cap as a span-fed key does). What metrics cannot tell —
//! self time, critical paths, the client − server gap — stays empty, with a warning. It does not read answers
//! (`prometheus::service_graph` does) nor judge anything.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::calls::{CallKind, EdgeKey, USER_NODE};
use super::stats::MetricsReading;
use super::warning::{refused_name, AggregateWarning, REFUSED_NAMES};
use super::LatencyState;
use crate::prometheus::histogram::Histogram;
use crate::prometheus::service_graph::{EdgeFigures, EdgeLabels, ServiceGraph};

/// `connection_type` of a call to a message queue's consumer.
pub const MESSAGING_SYSTEM: &str = "messaging_system";
/// `connection_type` of a call to a database (the server is the database's name).
pub const DATABASE: &str = "database";
/// `connection_type` of a call whose other end the emitter named without seeing it.
pub const VIRTUAL_NODE: &str = "virtual_node";

/// What taking one round did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceGraphReport {
    /// Calls with figures in the round.
    pub edges: usize,
    /// Services named by them.
    pub services: usize,
    /// Calls refused because `maxKeys` services or calls with data in the window were held.
    pub refused: usize,
}

/// How a call's end is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ends {
    kind: CallKind,
    virtual_client: bool,
    virtual_server: bool,
}

/// The call kind and virtual ends of an edge: `messaging_system` → async, `database` → database (the database is
/// virtual), `virtual_node` → sync to or from a peer the emitter named (OTel's `virtual_node` label says which
/// end; without it, a `user` client is the virtual end, else the server), anything else → sync. `user` is never
/// an instrumented service.
fn ends(labels: &EdgeLabels) -> Ends {
    let user = labels.client == USER_NODE;
    let (kind, virtual_client, virtual_server) = match labels.connection_type.as_deref() {
        Some(MESSAGING_SYSTEM) => (CallKind::Async, false, false),
        Some(DATABASE) => (CallKind::Database, false, true),
        Some(VIRTUAL_NODE) => match labels.virtual_node.as_deref() {
            Some("client") => (CallKind::Sync, true, false),
            Some("server") => (CallKind::Sync, false, true),
            _ => (CallKind::Sync, user, !user),
        },
        _ => (CallKind::Sync, false, false),
    };
    Ends { kind, virtual_client: virtual_client || user, virtual_server }
}

impl LatencyState {
    /// Takes one finished round of service-graph metrics evaluated at `at_ms` (ms since the epoch): every key's
    /// metrics figures are replaced by the round's, and event time moves to `at_ms`.
    pub fn ingest_service_graph(&mut self, graph: &ServiceGraph, at_ms: f64) -> ServiceGraphReport {
        if at_ms.is_finite() && at_ms >= 0.0 {
            // `as` saturates: a time of centuries is just "far ahead".
            self.keys.observe_time((at_ms * 1e6) as u64);
        }
        self.keys.clear_metrics();
        let mut report = ServiceGraphReport { edges: 0, services: 0, refused: 0 };
        let mut served: BTreeMap<Arc<str>, MetricsReading> = BTreeMap::new();
        let mut named: BTreeMap<Arc<str>, bool> = BTreeMap::new();
        let reading = |histogram: &Option<Histogram>, figures: &EdgeFigures| MetricsReading {
            histogram: histogram.clone(),
            requests_per_sec: figures.requests,
            // An absent failed counter means none failed — when the round answered it.
            failed_per_sec: figures.failed.or(graph.answered.failed.then_some(0.0)),
            rate_window_ms: graph.rate_window_ms,
            unmerged: 0,
        };
        for (labels, figures) in &graph.edges {
            let ends = ends(labels);
            let key = EdgeKey {
                from: self.keys.intern(&labels.client),
                to: self.keys.intern(&labels.server),
                kind: ends.kind,
            };
            let Some(id) = self.keys.edge_id(&key) else {
                report.refused += 1;
                continue;
            };
            let Some(edge) = self.keys.edge_state_mut(id) else {
                continue;
            };
            report.edges += 1;
            // Paired by the emitter, unless it named the other end itself.
            edge.inferred = labels.connection_type.as_deref() == Some(VIRTUAL_NODE);
            let server = reading(&figures.server, figures);
            edge.latency.set_metrics(Some(reading(&figures.client, figures)));
            edge.server.set_metrics(Some(server.clone()));
            if figures.messaging.is_some() {
                edge.queue_delay.set_metrics(Some(reading(&figures.messaging, figures)));
            }
            match served.get_mut(&key.to) {
                Some(total) => total.merge(&server),
                None => {
                    served.insert(key.to.clone(), server);
                }
            }
            *named.entry(key.from.clone()).or_insert(true) &= ends.virtual_client;
            *named.entry(key.to.clone()).or_insert(true) &= ends.virtual_server;
        }
        report.services = named.len();
        let mut unserved = Vec::new();
        for (service, is_virtual) in &named {
            let Some(id) = self.keys.node_id(service) else {
                continue;
            };
            let Some(node) = self.keys.node_state_mut(id) else {
                continue;
            };
            node.is_virtual &= *is_virtual;
            match served.remove(service) {
                Some(latency) => node.latency.set_metrics(Some(latency)),
                None if !node.is_virtual => unserved.push(refused_name(service)),
                None => {}
            }
        }
        self.metrics_warnings.clear();
        if report.edges > 0 {
            self.metrics_warnings.push(AggregateWarning::MetricsNotMeasurable);
        }
        if !unserved.is_empty() {
            let others = unserved.len().saturating_sub(REFUSED_NAMES);
            unserved.truncate(REFUSED_NAMES);
            self.metrics_warnings.push(AggregateWarning::NoIncomingCalls { services: unserved, others });
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(client: &str, connection_type: Option<&str>, virtual_node: Option<&str>) -> EdgeLabels {
        EdgeLabels {
            client: client.into(),
            server: "b".into(),
            connection_type: connection_type.map(Into::into),
            virtual_node: virtual_node.map(Into::into),
        }
    }

    #[test]
    fn connection_type_gives_the_kind_and_the_virtual_end() {
        let ends = |client, connection_type, virtual_node| {
            let e = ends(&labels(client, connection_type, virtual_node));
            (e.kind, e.virtual_client, e.virtual_server)
        };
        assert_eq!(ends("a", None, None), (CallKind::Sync, false, false));
        assert_eq!(ends("a", Some("messaging_system"), None), (CallKind::Async, false, false));
        assert_eq!(ends("a", Some("database"), None), (CallKind::Database, false, true));
        assert_eq!(ends("a", Some("virtual_node"), None), (CallKind::Sync, false, true));
        assert_eq!(ends("user", Some("virtual_node"), None), (CallKind::Sync, true, false));
        // OTel's `virtual_node` label says which end, whatever the name.
        assert_eq!(ends("a", Some("virtual_node"), Some("client")), (CallKind::Sync, true, false));
        assert_eq!(ends("user", Some("virtual_node"), Some("server")), (CallKind::Sync, true, true));
        // An unknown connection type is a plain call; `user` is never instrumented.
        assert_eq!(ends("a", Some("grpc_stream"), None), (CallKind::Sync, false, false));
        assert_eq!(ends("user", None, None), (CallKind::Sync, true, false));
    }
}
