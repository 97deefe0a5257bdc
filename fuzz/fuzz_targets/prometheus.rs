//! Fuzzes a Prometheus service-graph round: the input, cut in two, is one answer as each figure of the round (server
//! and client latency, messaging, requests, failures), taken into a map with the shop's catalog and judged at every
//! level. Nothing may panic.
#![no_main]

use latency_heatmap::catalog::Level;
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, SnapshotOptions};
use latency_heatmap::prometheus::queries::QueryKind;
use latency_heatmap::prometheus::service_graph::{ServiceGraphRound, ServiceLabels};
use libfuzzer_sys::fuzz_target;

const CATALOG: &[u8] = include_bytes!("../../tests/fixtures/catalog/otel-shop.json");
const KINDS: [QueryKind; 5] = [
    QueryKind::ServerLatency,
    QueryKind::ClientLatency,
    QueryKind::MessagingLatency,
    QueryKind::Requests,
    QueryKind::FailedRequests,
];

fuzz_target!(|data: &[u8]| {
    let Ok(mut map) = HeatMap::new(HeatMapConfig::default()) else { return };
    map.set_catalog(CATALOG);
    let mut round = ServiceGraphRound::new(ServiceLabels::default(), 300_000.0);
    let (first, second) = data.split_at(data.len() / 2);
    for (index, kind) in KINDS.into_iter().enumerate() {
        round.add_answer(kind, if index % 2 == 0 { first } else { second });
    }
    map.ingest_service_graph(&round.finish(), 1_700_000_000_000.0);
    for level in [Level::Component, Level::Entity, Level::System, Level::Domain] {
        let _ = map.snapshot(&SnapshotOptions { level, ..SnapshotOptions::default() });
    }
});
