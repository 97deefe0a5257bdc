//! Fuzzes the Alertmanager reader and the join of its alerts with a map holding the shop's catalog: any bytes as an
//! answer, then a snapshot at every level. Nothing may panic.
#![no_main]

use latency_heatmap::catalog::Level;
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, SnapshotOptions};
use libfuzzer_sys::fuzz_target;

const CATALOG: &[u8] = include_bytes!("../../tests/fixtures/catalog/otel-shop.json");

fuzz_target!(|data: &[u8]| {
    let Ok(mut map) = HeatMap::new(HeatMapConfig::default()) else { return };
    map.set_catalog(CATALOG);
    map.ingest_alertmanager(data, 1_700_000_000_000.0);
    for level in [Level::Component, Level::Entity, Level::System, Level::Domain] {
        let _ = map.snapshot(&SnapshotOptions { level, ..SnapshotOptions::default() });
    }
});
