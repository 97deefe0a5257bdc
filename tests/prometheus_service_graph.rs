//! Prometheus service-graph answers → the snapshot: a poll round's answers (real-shaped `/api/v1/query` JSON, both
//! emitters' label sets) gathered by `ServiceGraphRound` and taken by `HeatMap::ingest_service_graph`, then judged
//! by the unchanged pipeline. Every quantile is checked against `BucketHistogram::quantile` over buckets written out
//! independently here (summed by hand where the core merges), and the research notes' live-checked values; and the
//! extra `queries`' values on the nodes.

mod heatmap_support;

use heatmap_support::{at, edge, node};
use latency_heatmap::aggregate::CallKind;
use latency_heatmap::catalog::Level;
use latency_heatmap::evaluate::Status;
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, QueryValue, Snapshot};
use latency_heatmap::prometheus::extra_queries::ExtraRound;
use latency_heatmap::prometheus::histogram::BucketHistogram;
use latency_heatmap::prometheus::queries::QueryKind;
use latency_heatmap::prometheus::service_graph::{ServiceGraph, ServiceGraphRound, ServiceLabels};

/// Evaluation time of the round: 2026-12-02T12:32:00Z.
const T_MS: f64 = 1_796_214_720_000.0;
/// `rateWindow`: 5 minutes.
const RATE_WINDOW_MS: f64 = 300_000.0;

/// System s holds a and b; system t holds c. batch, frontend and the peers are unknown to the catalog.
const CATALOG: &str = r#"[
  {"kind":"System","metadata":{"name":"s"},"spec":{}},
  {"kind":"System","metadata":{"name":"t"},"spec":{}},
  {"kind":"Component","metadata":{"name":"a"},"spec":{"system":"s"}},
  {"kind":"Component","metadata":{"name":"b"},"spec":{"system":"s"}},
  {"kind":"Component","metadata":{"name":"c"},"spec":{"system":"t"}}
]"#;

type Series<'a> = (&'a [(&'a str, &'a str)], &'a [(&'a str, &'a str)]);

/// An instant-vector answer of bucket samples: each series' labels with its `(le, rate)` pairs.
fn buckets(series: &[Series]) -> String {
    let mut entries = Vec::new();
    for (labels, pairs) in series {
        for (le, value) in *pairs {
            let mut metric: serde_json::Map<String, serde_json::Value> =
                labels.iter().map(|(k, v)| (k.to_string(), v.to_string().into())).collect();
            metric.insert("le".into(), le.to_string().into());
            entries.push(serde_json::json!({ "metric": metric, "value": [T_MS / 1000.0, value] }));
        }
    }
    envelope(entries)
}

/// An answer of one float per series.
fn rates(series: &[(&[(&str, &str)], &str)]) -> String {
    let entries = series
        .iter()
        .map(|(labels, value)| {
            let metric: serde_json::Map<String, serde_json::Value> =
                labels.iter().map(|(k, v)| (k.to_string(), v.to_string().into())).collect();
            serde_json::json!({ "metric": metric, "value": [T_MS / 1000.0, value] })
        })
        .collect();
    envelope(entries)
}

fn envelope(entries: Vec<serde_json::Value>) -> String {
    serde_json::json!({ "status": "success", "data": { "resultType": "vector", "result": entries } }).to_string()
}

fn histogram(pairs: &[(&str, &str)]) -> BucketHistogram {
    BucketHistogram::from_strings(pairs.iter().copied()).expect("valid buckets")
}

/// `histogram_quantile(q, …)` in ms.
fn ms(pairs: &[(&str, &str)], q: f64) -> Option<f64> {
    histogram(pairs).quantile(q).map(|seconds| seconds * 1000.0)
}

// Server histograms (bucket rates per second, cumulative).
const BATCH_A_OK: &[(&str, &str)] =
    &[("0.01", "1"), ("0.05", "4"), ("0.1", "8"), ("0.5", "9"), ("1", "10"), ("+Inf", "10")];
const BATCH_A_FAILED: &[(&str, &str)] =
    &[("0.01", "0"), ("0.05", "0"), ("0.1", "1"), ("0.5", "1"), ("1", "2"), ("+Inf", "2")];
const FRONTEND_A: &[(&str, &str)] =
    &[("0.01", "2"), ("0.05", "10"), ("0.1", "15"), ("0.5", "19"), ("1", "20"), ("+Inf", "20")];
/// Tempo: frontend → b from two generator instances.
const FRONTEND_B_1: &[(&str, &str)] =
    &[("0.01", "0"), ("0.05", "1"), ("0.1", "2"), ("0.5", "5"), ("1", "6"), ("+Inf", "6")];
const FRONTEND_B_2: &[(&str, &str)] =
    &[("0.01", "0"), ("0.05", "0"), ("0.1", "1"), ("0.5", "3"), ("1", "4"), ("+Inf", "4")];
const A_DB: &[(&str, &str)] = &[("0.01", "5"), ("0.05", "6"), ("0.1", "6"), ("0.5", "6"), ("1", "6"), ("+Inf", "6")];
const B_C: &[(&str, &str)] = &[("0.01", "0"), ("0.05", "2"), ("0.1", "3"), ("0.5", "3"), ("1", "3"), ("+Inf", "3")];
const USER_FRONTEND: &[(&str, &str)] =
    &[("0.01", "0"), ("0.05", "0"), ("0.1", "5"), ("0.5", "25"), ("1", "30"), ("+Inf", "30")];

// Client histograms.
const FRONTEND_A_CLIENT: &[(&str, &str)] =
    &[("0.01", "1"), ("0.05", "7"), ("0.1", "14"), ("0.5", "18"), ("1", "19.5"), ("+Inf", "20")];
/// The research notes' live check: cum {0.1: 0.9, 0.2: 0.95} → p95 = 0.2 (and p99, in +Inf, the highest bound).
const FRONTEND_B_CLIENT: &[(&str, &str)] = &[("0.1", "9"), ("0.2", "9.5"), ("+Inf", "10")];
const MESSAGING_B_C: &[(&str, &str)] =
    &[("0.01", "1"), ("0.05", "2"), ("0.1", "3"), ("0.5", "3"), ("1", "3"), ("+Inf", "3")];

const BATCH_A: &[(&str, &str)] = &[("client", "batch"), ("server", "a")];
const FRONTEND_A_LABELS: &[(&str, &str)] = &[("client", "frontend"), ("server", "a")];
const FRONTEND_B: &[(&str, &str)] = &[("client", "frontend"), ("server", "b")];
const A_DB_LABELS: &[(&str, &str)] = &[("client", "a"), ("server", "orders-db"), ("connection_type", "database")];
const B_C_LABELS: &[(&str, &str)] = &[("client", "b"), ("server", "c"), ("connection_type", "messaging_system")];
const USER_FRONTEND_LABELS: &[(&str, &str)] =
    &[("client", "user"), ("server", "frontend"), ("connection_type", "virtual_node")];
const A_EXT: &[(&str, &str)] = &[("client", "a"), ("server", "payments-api"), ("connection_type", "virtual_node")];

fn server_answer() -> String {
    let mut answer = buckets(&[
        (&[("client", "batch"), ("server", "a"), ("failed", "false")], BATCH_A_OK),
        (&[("client", "batch"), ("server", "a"), ("failed", "true")], BATCH_A_FAILED),
        (FRONTEND_A_LABELS, FRONTEND_A),
        (&[("client", "frontend"), ("server", "b"), ("__metrics_gen_instance", "gen-1")], FRONTEND_B_1),
        (&[("client", "frontend"), ("server", "b"), ("__metrics_gen_instance", "gen-2")], FRONTEND_B_2),
        (A_DB_LABELS, A_DB),
        (B_C_LABELS, B_C),
        (USER_FRONTEND_LABELS, USER_FRONTEND),
    ]);
    // Two malformed samples: a rate that is no number, a bound that is none. Both skipped, the rest kept.
    let bad = r#"{"metric":{"client":"x","server":"y","le":"0.1"},"value":[1796214720,"fast"]},{"metric":{"client":"x","server":"y","le":"soon"},"value":[1796214720,"1"]},"#;
    answer = answer.replacen(r#""result":["#, &format!(r#""result":[{bad}"#), 1);
    answer
}

fn client_answer() -> String {
    buckets(&[(FRONTEND_A_LABELS, FRONTEND_A_CLIENT), (FRONTEND_B, FRONTEND_B_CLIENT), (A_EXT, A_DB)])
}

fn round() -> ServiceGraph {
    let mut round = ServiceGraphRound::new(ServiceLabels::default(), RATE_WINDOW_MS);
    let report = round.add_answer(QueryKind::ServerLatency, server_answer().as_bytes());
    assert_eq!((report.samples, report.skipped, report.edges), (8 * 6 + 2, 2, 6), "{report:?}");
    assert_eq!(
        report.problems.iter().map(|p| (p.code, p.message.as_str())).collect::<Vec<_>>(),
        [
            ("prometheus.bad-value", r#"value "fast" is not a number"#),
            ("prometheus.bad-bucket-bound", r#"histogram: bucket bound "soon" is not a number"#)
        ]
    );
    let report = round.add_answer(QueryKind::ClientLatency, client_answer().as_bytes());
    assert_eq!((report.skipped, report.edges), (0, 3));
    round.add_answer(QueryKind::MessagingLatency, buckets(&[(B_C_LABELS, MESSAGING_B_C)]).as_bytes());
    let requests = rates(&[
        (&[("client", "batch"), ("server", "a"), ("failed", "false")], "10"),
        (&[("client", "batch"), ("server", "a"), ("failed", "true")], "2"),
        (FRONTEND_A_LABELS, "20"),
        (FRONTEND_B, "10"),
        (A_DB_LABELS, "6"),
        (B_C_LABELS, "3"),
        (USER_FRONTEND_LABELS, "30"),
        (A_EXT, "6"),
    ]);
    assert_eq!(round.add_answer(QueryKind::Requests, requests.as_bytes()).edges, 7);
    round.add_answer(QueryKind::FailedRequests, rates(&[(BATCH_A, "2"), (FRONTEND_B, "0.5")]).as_bytes());
    round.finish()
}

fn heat_map() -> HeatMap {
    let config: HeatMapConfig =
        serde_json::from_str(r#"{ "window": "5m", "defaults": { "latencySlo": "300ms", "edgeSlo": "300ms" } }"#)
            .expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.set_catalog(CATALOG.as_bytes());
    let report = map.ingest_service_graph(&round(), T_MS);
    assert_eq!((report.edges, report.services, report.refused), (7, 8, 0));
    map
}

fn component(map: &mut HeatMap) -> Snapshot {
    at(map, Level::Component)
}

#[test]
fn an_edges_quantiles_are_histogram_quantile_of_its_client_histogram() {
    let snapshot = component(&mut heat_map());
    let call = &edge(&snapshot, "frontend→a:sync").latency;
    for (q, figure) in [(0.5, call.stats.p50_ms), (0.95, call.stats.p95_ms), (0.99, call.stats.p99_ms)] {
        assert_eq!(figure, ms(FRONTEND_A_CLIENT, q), "q{q}");
    }
    // Rank 10 of 20: 3 of the 7 in (0.05, 0.1], linearly.
    assert_eq!(call.stats.p50_ms, Some((0.05 + (0.1 - 0.05) * (3.0 / 7.0)) * 1000.0));
    // serverStats from the server histogram.
    let server = call.server_stats.as_ref().expect("server stats");
    assert_eq!(server.p95_ms, ms(FRONTEND_A, 0.95));
    // The live-checked values: p95 over cum {0.1: 0.9, 0.2: 0.95} is 0.2; p99 lies in +Inf → the highest bound.
    let call = &edge(&snapshot, "frontend→b:sync").latency;
    assert_eq!((call.stats.p95_ms, call.stats.p99_ms), (Some(200.0), Some(200.0)));
    // Tempo's two generator instances are summed bucket by bucket.
    let summed = [("0.01", "0"), ("0.05", "1"), ("0.1", "3"), ("0.5", "8"), ("1", "10"), ("+Inf", "10")];
    assert_eq!(call.server_stats.as_ref().and_then(|s| s.p95_ms), ms(&summed, 0.95));
    // The gap is not measurable from histograms; neither is a critical-path share.
    assert_eq!((call.gap_p95_ms, call.critical_path_share), (None, None));
    // Judged as spans are: the 300 ms edge SLO against p95.
    let judged = edge(&snapshot, "frontend→a:sync");
    assert_eq!(judged.judgement.observed_ms, ms(FRONTEND_A_CLIENT, 0.95));
    assert_eq!((judged.judgement.observed_ms.map(f64::round), judged.judgement.status), (Some(833.0), Status::Red));
    assert!(judged.observed);
}

#[test]
fn rates_error_rates_and_window_counts() {
    let snapshot = component(&mut heat_map());
    let stats = |id: &str| edge(&snapshot, id).latency.stats.clone();
    // OTel's `failed` series are summed: 10 + 2 requests per second, 2 of them failed.
    let batch = stats("batch→a:sync");
    assert_eq!((batch.rate_per_sec, batch.error_rate), (Some(12.0), Some(2.0 / 12.0)));
    assert_eq!((batch.window_count, batch.errors), (3600, 600));
    // No failed series for an edge: none failed, not unknown.
    let frontend = stats("frontend→a:sync");
    assert_eq!((frontend.rate_per_sec, frontend.error_rate, frontend.window_count), (Some(20.0), Some(0.0), 6000));
    assert_eq!(stats("frontend→b:sync").error_rate, Some(0.05));
    // Metrics carry no single requests: no mean, EWMA or recent samples.
    assert_eq!((frontend.mean_ms, frontend.ewma_ms, frontend.recent_ms.len()), (None, None, 0));
    // A service's rate and error rate are those of the calls it serves.
    let a = &node(&snapshot, "a").latency.stats;
    assert_eq!((a.rate_per_sec, a.error_rate), (Some(32.0), Some(2.0 / 32.0)));
    assert_eq!(snapshot.generated_at, Some(T_MS));
}

#[test]
fn connection_types_become_call_kinds_and_virtual_peers() {
    let snapshot = component(&mut heat_map());
    let kind = |id: &str| (edge(&snapshot, id).latency.kind, edge(&snapshot, id).latency.inferred);
    assert_eq!(kind("a→orders-db:database"), (CallKind::Database, false));
    assert_eq!(kind("b→c:async"), (CallKind::Async, false));
    assert_eq!(kind("frontend→a:sync"), (CallKind::Sync, false));
    assert_eq!(kind("user→frontend:sync"), (CallKind::Sync, true));
    assert_eq!(kind("a→payments-api:sync"), (CallKind::Sync, true));
    let is_virtual = |id: &str| node(&snapshot, id).latency.is_virtual;
    assert!(is_virtual("orders-db") && is_virtual("user") && is_virtual("payments-api"));
    assert!(
        !is_virtual("frontend") && !is_virtual("a") && !is_virtual("b") && !is_virtual("c") && !is_virtual("batch")
    );
    // Tempo's queue delay from the messaging histogram.
    assert_eq!(edge(&snapshot, "b→c:async").latency.queue_delay_p95_ms, ms(MESSAGING_B_C, 0.95));
    assert_eq!(edge(&snapshot, "frontend→a:sync").latency.queue_delay_p95_ms, None);
}

#[test]
fn a_service_serves_the_bucket_merge_of_its_incoming_server_histograms() {
    let snapshot = component(&mut heat_map());
    // a serves batch (both `failed` sets) and frontend: summed by hand.
    let merged = [("0.01", "3"), ("0.05", "14"), ("0.1", "24"), ("0.5", "29"), ("1", "32"), ("+Inf", "32")];
    let a = &node(&snapshot, "a");
    for (q, figure) in [(0.5, a.latency.stats.p50_ms), (0.95, a.latency.stats.p95_ms), (0.99, a.latency.stats.p99_ms)] {
        assert_eq!(figure, ms(&merged, q), "q{q}");
    }
    assert_eq!(a.judgement.observed_ms, ms(&merged, 0.95));
    assert_eq!(a.judgement.status, Status::Red);
    // frontend serves only `user`.
    assert_eq!(node(&snapshot, "frontend").latency.stats.p95_ms, ms(USER_FRONTEND, 0.95));
}

#[test]
fn a_system_merges_its_members_buckets_not_their_percentiles() {
    let mut map = heat_map();
    let snapshot = at(&mut map, Level::System);
    let s = node(&snapshot, "system:default/s");
    assert_eq!(s.members, ["a", "b"]);
    // a's incoming (batch, frontend) and b's (frontend, two instances), summed by hand.
    let merged = [("0.01", "3"), ("0.05", "15"), ("0.1", "27"), ("0.5", "37"), ("1", "42"), ("+Inf", "42")];
    for (q, figure) in [(0.5, s.latency.stats.p50_ms), (0.95, s.latency.stats.p95_ms), (0.99, s.latency.stats.p99_ms)] {
        assert_eq!(figure, ms(&merged, q), "q{q}");
    }
    let components = component(&mut map);
    let (a, b) = (node(&components, "a").latency.stats.p95_ms, node(&components, "b").latency.stats.p95_ms);
    let average = a.zip(b).map(|(a, b)| (a + b) / 2.0);
    assert_ne!(s.latency.stats.p95_ms, average);
    assert_eq!((s.latency.stats.rate_per_sec, s.latency.stats.error_rate), (Some(42.0), Some(2.5 / 42.0)));
    // Calls into the group merge too: frontend → s is frontend→a and frontend→b, client buckets summed.
    let into = &edge(&snapshot, "frontend→system:default/s:sync").latency;
    let mut client = histogram(FRONTEND_A_CLIENT);
    client.merge(&histogram(FRONTEND_B_CLIENT));
    assert_eq!(into.stats.p95_ms, client.quantile(0.95).map(|s| s * 1000.0));
    assert_eq!(into.stats.rate_per_sec, Some(30.0));
}

#[test]
fn what_metrics_cannot_tell_is_unknown_with_a_warning() {
    let snapshot = component(&mut heat_map());
    // batch calls a but nobody calls batch: no latency of its own.
    let batch = node(&snapshot, "batch");
    assert_eq!((batch.latency.stats.p95_ms, batch.judgement.observed_ms), (None, None));
    assert_eq!(batch.judgement.status, Status::Unknown);
    let warnings: Vec<(&str, &str)> = snapshot
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.message.as_str()))
        .filter(|(c, _)| c.starts_with("metrics."))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                "metrics.no-incoming-calls",
                "no latency data for \"batch\": service-graph metrics measure a service only by the calls it serves, \
                 and no call to it was in the latest round"
            ),
            (
                "metrics.not-measurable",
                "self time, critical paths and the client − server gap are not measurable from service-graph metrics: \
                 they show as no data (unknown), never as healthy"
            ),
        ]
    );
    // Self time is not measurable: null, and never what a node is shown by.
    let a = node(&snapshot, "a");
    assert_eq!((a.latency.stats.self_p95_ms, a.latency.critical_path_share), (None, None));
    assert_eq!(a.judgement.metric.map(|m| format!("{m:?}")), Some("LatencySlo".to_owned()));
}

#[test]
fn a_second_round_replaces_the_first() {
    let mut map = heat_map();
    let later = [("0.01", "0"), ("0.05", "0"), ("0.1", "0"), ("0.5", "4"), ("1", "5"), ("+Inf", "5")];
    let mut round = ServiceGraphRound::new(ServiceLabels::default(), RATE_WINDOW_MS);
    round.add_answer(QueryKind::ServerLatency, buckets(&[(FRONTEND_A_LABELS, &later)]).as_bytes());
    round.add_answer(QueryKind::ClientLatency, buckets(&[(FRONTEND_A_LABELS, &later)]).as_bytes());
    round.add_answer(QueryKind::Requests, rates(&[(FRONTEND_A_LABELS, "5")]).as_bytes());
    round.add_answer(QueryKind::FailedRequests, rates(&[]).as_bytes());
    let report = map.ingest_service_graph(&round.finish(), T_MS + 30_000.0);
    assert_eq!((report.edges, report.services), (1, 2));
    let snapshot = component(&mut map);
    let a = &node(&snapshot, "a").latency.stats;
    assert_eq!((a.p95_ms, a.rate_per_sec), (ms(&later, 0.95), Some(5.0)));
    // batch → a was not in the round: no data now, not the old figures.
    let batch = &edge(&snapshot, "batch→a:sync");
    assert_eq!((batch.latency.stats.p95_ms, batch.latency.stats.window_count, batch.observed), (None, 0, false));
    assert_eq!(batch.judgement.status, Status::Unknown);
    assert_eq!(snapshot.generated_at, Some(T_MS + 30_000.0));
    // Only services named in the round are warned about; frontend now has no caller in it.
    let unserved: Vec<&str> = snapshot
        .warnings
        .iter()
        .filter(|w| w.code == "metrics.no-incoming-calls")
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(
        unserved,
        ["no latency data for \"frontend\": service-graph metrics measure a service only by the calls it serves, and \
          no call to it was in the latest round"]
    );
}

#[test]
fn native_histograms_reach_the_snapshot_by_prometheus_2_42s_rule() {
    let mut map = heat_map();
    // The research notes' live native histogram (count 10, sum 1.55): p95 = 0.75 s on Prometheus 2.42.
    let native = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"client":"frontend","server":"a"},"histogram":[1796214720,{"count":"10","sum":"1.55","buckets":[[0,"0.03125","0.0625","5"],[0,"0.125","0.25","4"],[0,"0.5","1","1"]]}]}]}}"#;
    let mut round = ServiceGraphRound::new(ServiceLabels::default(), RATE_WINDOW_MS);
    for kind in [QueryKind::ServerLatency, QueryKind::ClientLatency] {
        let report = round.add_answer(kind, native.as_bytes());
        assert_eq!((report.edges, report.error), (1, None));
    }
    map.ingest_service_graph(&round.finish(), T_MS + 60_000.0);
    let snapshot = component(&mut map);
    let call = &edge(&snapshot, "frontend→a:sync").latency;
    assert_eq!((call.stats.p95_ms, call.stats.p50_ms), (Some(750.0), Some(62.5)));
    // No request counter answered: the histogram's count is the rate; no failed answer: the error rate is unknown.
    assert_eq!((call.stats.rate_per_sec, call.stats.error_rate, call.stats.window_count), (Some(10.0), None, 3000));
    assert_eq!(node(&snapshot, "a").latency.stats.p95_ms, Some(750.0));
}

#[test]
fn extra_query_values_sit_on_their_services_nodes_up_to_entity_level() {
    let mut map = heat_map();
    let graph = round();
    let known: std::collections::BTreeSet<&str> =
        graph.edges.iter().flat_map(|(e, _)| [e.client.as_str(), e.server.as_str()]).collect();
    let mut extra = ExtraRound::new(vec!["rps".into(), "owner".into()]);
    let answer = rates(&[
        (&[("server", "a")], "42"),
        (&[("server", "b")], "NaN"),
        (&[("server", "batch")], "-Inf"),
        (&[("server", "nowhere")], "9"),
    ]);
    assert_eq!(extra.add_answer(0, "server", answer.as_bytes()).edges, 4);
    map.take_query_values(extra.finish(|service| known.contains(service)), T_MS);
    let value = |name: &str, service: &str, value: Option<f64>| QueryValue {
        name: name.into(),
        service: service.into(),
        value,
        answered_at: T_MS,
        stale: false,
    };
    let components = component(&mut map);
    assert_eq!(node(&components, "a").queries, [value("rps", "a", Some(42.0))]);
    assert_eq!(node(&components, "b").queries, [value("rps", "b", None)]);
    assert_eq!(node(&components, "batch").queries, [value("rps", "batch", None)]);
    assert_eq!(node(&components, "c").queries, []);
    let entities = at(&mut map, Level::Entity);
    assert_eq!(node(&entities, "component:default/a").queries, [value("rps", "a", Some(42.0))]);
    // A PromQL value of unknown meaning is not summed across a System.
    let systems = at(&mut map, Level::System);
    assert_eq!(node(&systems, "system:default/s").queries, []);
    // The next round's failed query keeps its last values, marked stale with their time; reset forgets them.
    map.take_query_values(ExtraRound::new(vec!["rps".into()]).finish(|_| true), T_MS + 30_000.0);
    let kept = QueryValue { stale: true, ..value("rps", "a", Some(42.0)) };
    assert_eq!(node(&component(&mut map), "a").queries, [kept]);
    map.reset();
    map.ingest_service_graph(&graph, T_MS);
    assert_eq!(node(&component(&mut map), "a").queries, []);
}
