//! The key cap (`maxKeys`) against junk names — pod ids in `service.name`, URLs in `peer.service`: services, calls
//! and entry points with nothing left in the window make room before a new key is refused, the
//! `aggregate.key-limit` warning names what was refused and what to fix, and memory stays bounded while junk names
//! rotate for hours.

use latency_heatmap::aggregate::{AggregateConfig, AggregateWarning, LatencyState};
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, HeatMapError, SnapshotOptions};
use latency_heatmap::telemetry::{Span, SpanAttributes, SpanId, SpanKind, TraceId};
use std::sync::Arc;

const MS: u64 = 1_000_000;
/// Event time 0 of every test, in ms since the epoch.
const T0_MS: u64 = 1_700_000_000_000;
const HOUR_MS: u64 = 3_600_000;

fn state(config: &str) -> LatencyState {
    let config: AggregateConfig = serde_json::from_str(config).expect("a config");
    LatencyState::new(config).expect("a valid config")
}

fn span(trace: u128, id: u64, parent: Option<u64>, service: &str, kind: SpanKind, start_ms: u64, end_ms: u64) -> Span {
    Span {
        trace_id: TraceId(trace),
        span_id: SpanId(id),
        parent_id: parent.map(SpanId),
        links: Vec::new(),
        service: Arc::from(service),
        kind,
        start_ns: (T0_MS + start_ms) * MS,
        end_ns: (T0_MS + end_ms) * MS,
        attributes: SpanAttributes::default(),
    }
}

/// A request `service` serves alone, ending at `end_ms`.
fn request(trace: u128, service: &str, end_ms: u64) -> Span {
    span(trace, 1, None, service, SpanKind::Server, end_ms - 20, end_ms)
}

/// A request of the real system, ending at `end_ms`: frontend calls checkout, which queries PostgreSQL.
fn real_request(trace: u128, end_ms: u64) -> Vec<Span> {
    use SpanKind::*;
    let mut query = span(trace, 4, Some(3), "checkout", Client, end_ms - 35, end_ms - 25);
    query.attributes.names_mut().db_system = Some("postgresql".into());
    vec![
        span(trace, 1, None, "frontend", Server, end_ms - 50, end_ms),
        span(trace, 2, Some(1), "frontend", Client, end_ms - 45, end_ms - 5),
        span(trace, 3, Some(2), "checkout", Server, end_ms - 40, end_ms - 10),
        query,
    ]
}

fn node_ids(state: &LatencyState) -> Vec<String> {
    state.snapshot().nodes.into_iter().map(|n| n.id).collect()
}

fn edge_ids(state: &LatencyState) -> Vec<String> {
    state.snapshot().edges.into_iter().map(|e| e.id).collect()
}

fn key_limit(state: &LatencyState) -> Option<AggregateWarning> {
    state.snapshot().warnings.into_iter().find(|w| w.code() == "aggregate.key-limit")
}

#[test]
fn junk_services_from_two_hours_ago_make_room_for_the_real_system() {
    let mut state = state(r#"{"window":"5m"}"#);
    let junk: Vec<Span> = (0..10_000).map(|i| request(i + 1, &format!("checkout-7d9f8b6c5-{i:05}"), 1_000 + i as u64)).collect();
    state.ingest_spans(junk);
    // `user` and 9 999 pods fill the 10 000 services; the last pod is refused (its call from `user`, its entry
    // span, its critical path and its entry point: four observations), with nothing old enough to make room.
    assert_eq!(state.nodes().count(), 10_000);
    assert_eq!(state.key_count(), 10_000 + 9_999 + 9_999);
    let refused = AggregateWarning::KeyLimit {
        observations: 4,
        max_keys: 10_000,
        names: vec!["checkout-7d9f8b6c5-09999".into()],
    };
    assert_eq!(key_limit(&state), Some(refused.clone()));

    // Two hours later the real system reports: every pod has left the 5 minute window.
    let real: Vec<Span> = (0..100).flat_map(|t| real_request(20_000 + t, 2 * HOUR_MS + t as u64 * 100)).collect();
    let report = state.ingest_spans(real);
    assert_eq!((report.accepted, report.paired), (400, 100));
    assert_eq!(node_ids(&state), ["checkout", "frontend", "postgresql", "user"]);
    assert_eq!(edge_ids(&state), ["checkout→postgresql:database", "frontend→checkout:sync", "user→frontend:sync"]);
    let snapshot = state.snapshot();
    let entry_points: Vec<(&str, u64)> = snapshot.entry_points.iter().map(|e| (e.id.as_str(), e.stats.count)).collect();
    assert_eq!(entry_points, [("frontend", 100)]);
    assert_eq!(snapshot.entry_points[0].critical_path.len(), 7, "{:?}", snapshot.entry_points[0].critical_path);
    let frontend = snapshot.nodes.iter().find(|n| n.id == "frontend").map(|n| (n.stats.count, n.stats.window_count));
    assert_eq!(frontend, Some((100, 100)));
    assert_eq!(state.key_count(), 4 + 3 + 1);
    // The warning still tells of the pod refused two hours ago (counts are totals since creation).
    assert_eq!(key_limit(&state), Some(refused));
}

#[test]
fn a_map_full_of_live_keys_refuses_and_names_the_first_refused() {
    let mut state = state(r#"{"window":"5m","maxKeys":4}"#);
    state.ingest_spans(["a", "b", "c"].into_iter().enumerate().map(|(i, s)| request(i as u128 + 1, s, 1_000)));
    // `user`, a, b and c: the services are full, and all are in the window a minute later.
    let url = "https://shop.example.com/cart/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let junk = [url, "pod-1", "pod-2", "pod-1", "pod-3", "pod-4", "pod-5"];
    state.ingest_spans(junk.into_iter().enumerate().map(|(i, s)| request(i as u128 + 10, s, 61_000)));
    assert_eq!(node_ids(&state), ["a", "b", "c", "user"]);
    let warning = key_limit(&state).expect("a key-limit warning");
    assert_eq!(
        warning.to_string(),
        "28 observations of new services, calls or entry points were ignored: maxKeys (4) of one kind were held, \
         all with data in the window. Refused first: \
         \"https://shop.example.com/cart/9f86d081884c7d659a2feaa0c55ad015a3…\", \"pod-1\", \"pod-2\", \"pod-3\", \
         \"pod-4\". Fix a high-cardinality service.name or peer.service (pod ids, URLs, per-request names), or raise \
         maxKeys"
    );
    let json = serde_json::to_value(&warning).expect("json");
    assert_eq!(json["code"], "aggregate.key-limit");
    assert_eq!((json["observations"].as_u64(), json["maxKeys"].as_u64()), (Some(28), Some(4)));
    assert_eq!(json["names"].as_array().map(Vec::len), Some(5));
    // Five minutes after the last of a, b and c, a new service gets in: they have left the window.
    state.ingest_spans([request(100, "d", 301_001)]);
    assert_eq!(node_ids(&state), ["d", "user"]);
}

#[test]
fn calls_to_junk_urls_and_their_entry_points_make_room_too() {
    let mut state = state(r#"{"window":"1m","maxKeys":4,"ttl":"1s"}"#);
    let call_to = |trace: u128, url: &str, end_ms: u64| {
        let mut client = span(trace, 2, Some(1), "frontend", SpanKind::Client, end_ms - 10, end_ms - 5);
        client.attributes.names_mut().peer_service = Some(url.into());
        vec![request(trace, "frontend", end_ms), client]
    };
    state.ingest_spans(call_to(1, "https://api.example.com/items/1", 1_000));
    state.ingest_spans(call_to(2, "https://api.example.com/items/2", 2_000));
    state.flush_pending();
    // `user`, frontend and the two URLs fill the services.
    assert_eq!(
        edge_ids(&state),
        ["frontend→https://api.example.com/items/1:sync", "frontend→https://api.example.com/items/2:sync", "user→frontend:sync"]
    );
    // Ten minutes on, a new URL and a new root evict the old URLs and their calls.
    state.ingest_spans(call_to(3, "https://api.example.com/items/3", 601_000));
    state.ingest_spans([request(4, "search", 601_000)]);
    state.flush_pending();
    assert_eq!(node_ids(&state), ["frontend", "https://api.example.com/items/3", "search", "user"]);
    assert_eq!(
        edge_ids(&state),
        ["frontend→https://api.example.com/items/3:sync", "user→frontend:sync", "user→search:sync"]
    );
    let entry_points: Vec<(String, u64)> = state.snapshot().entry_points.into_iter().map(|e| (e.id, e.stats.count)).collect();
    // frontend's entry point had nothing in the window either, so it was evicted before this trace recorded it
    // again: its totals start afresh (the service itself was looked up first in this trace and kept them).
    assert_eq!(entry_points, [("frontend".into(), 1), ("search".into(), 1)]);
    let frontend = state.snapshot().nodes.into_iter().find(|n| n.id == "frontend").map(|n| n.stats.count);
    assert_eq!(frontend, Some(3));
    assert_eq!(key_limit(&state), None);
}

#[test]
fn rotating_junk_names_for_two_hours_keep_the_key_count_bounded() {
    const MAX_KEYS: usize = 1_000;
    let mut state = state(r#"{"window":"1m","maxKeys":1000}"#);
    let (mut most_nodes, mut most_keys, mut most_slices) = (0, 0, 0);
    let mut trace = 0u128;
    // Every second of two hours: a real request, a request to a new pod, and a call to a new URL; a batch per 10 s.
    for batch in 0..2 * HOUR_MS / 10_000 {
        let mut spans = Vec::new();
        for second in 0..10 {
            let end_ms = 1_000 + (batch * 10 + second) * 1_000;
            let n = batch * 10 + second;
            trace += 3;
            spans.extend(real_request(trace, end_ms));
            spans.push(request(trace + 1, &format!("pod-{n:06}"), end_ms));
            let mut client = span(trace + 2, 2, Some(1), "frontend", SpanKind::Client, end_ms - 10, end_ms - 5);
            client.attributes.names_mut().peer_service = Some(format!("https://api.example.com/items/{n}"));
            spans.extend([span(trace + 2, 1, None, "frontend", SpanKind::Server, end_ms - 20, end_ms), client]);
        }
        state.ingest_spans(spans);
        most_nodes = most_nodes.max(state.nodes().count());
        most_keys = most_keys.max(state.key_count());
        most_slices = most_slices.max(state.slice_count());
    }
    // 7 200 pods and 7 200 URLs came; at most 1 000 services were ever held.
    // Seen at batch ends (the cap itself is reached inside a batch, where the sweep runs): the services peak just
    // under 1 000 before each sweep takes them back to the last minute's; all keys stay under 3 × 1 000.
    assert_eq!((most_nodes, most_keys, most_slices), (994, 2_468, 522));
    assert!(most_nodes <= MAX_KEYS && most_keys <= 3 * MAX_KEYS);
    // Stale junk always made room: nothing was refused, and the real system is all there.
    assert_eq!(key_limit(&state), None);
    let snapshot = state.snapshot();
    for id in ["checkout", "frontend", "postgresql", "user"] {
        assert!(snapshot.nodes.iter().any(|n| n.id == id), "{id} missing");
    }
    let checkout = snapshot.nodes.iter().find(|n| n.id == "checkout").map(|n| (n.stats.count, n.stats.window_count));
    // One request a second; the 1 minute window is kept in whole 6 s slices, 56 of the last minute's 60 here.
    assert_eq!(checkout, Some((7_200, 56)));
}

#[test]
fn max_keys_is_validated_with_its_name() {
    let error = |json: &str| match HeatMapConfig::from_json(json.as_bytes()) {
        Err(error) => HeatMapError::from(error).to_string(),
        Ok(config) => HeatMap::new(config).err().map(|e| e.to_string()).unwrap_or_else(|| panic!("{json} was accepted")),
    };
    assert_eq!(error(r#"{"maxKeys":0}"#), "config: maxKeys: must be at least 1, got 0");
    assert_eq!(error(r#"{"maxKeys":1000001}"#), "config: maxKeys: must be at most 1000000, got 1000001");
    assert_eq!(error(r#"{"maxKeys":-1}"#), "config: maxKeys: invalid value: integer `-1`, expected usize");
    assert_eq!(error(r#"{"maxKeys":2.5}"#), "config: maxKeys: invalid type: floating point `2.5`, expected usize");
    assert_eq!(error(r#"{"maxKeys":"many"}"#), r#"config: maxKeys: invalid type: string "many", expected usize"#);
    let config = HeatMapConfig::from_json(br#"{"maxKeys":250}"#).expect("a valid config");
    assert_eq!(config.aggregate.max_keys, 250);
    let mut map = HeatMap::new(config).expect("a heat map");
    // A known key: no `config.unknown-key` warning.
    assert_eq!(map.snapshot(&SnapshotOptions::default()).expect("a snapshot").warnings, []);
}
