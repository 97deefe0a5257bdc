//! Alertmanager alerts joined to the map (`HeatMap::ingest_alertmanager`): firing alerts force the status of the
//! entities they map to (and of their System above `entity` level), are counted on the nodes, join
//! `snapshot().alerts` beside the latency breaches, and unmapped ones are warned about. The recorded Jaeger
//! traces of the OTel demo shop against its catalog.

use latency_heatmap::catalog::Level;
use latency_heatmap::color::Pattern;
use latency_heatmap::evaluate::Status;
use latency_heatmap::heatmap::{AlertsReport, HeatMap, HeatMapConfig, Snapshot, SnapshotOptions, Warning};
use latency_heatmap::telemetry::Format;

const CATALOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/catalog/otel-shop.json");
const JAEGER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/otel-sdk/jaeger.json");
const NOW: f64 = 1_796_290_000_000.0;

/// Alertmanager 0.28's shape: a critical on checkout (amber by latency), a warning on cart (green) and on
/// shipping (red), one silenced on email, one on a service the catalog does not know.
const ANSWER: &str = r#"[
  {"annotations":{"summary":"Checkout is slow","description":"p99 <b>1.2 s</b>","runbook_url":"https://runbooks.example/checkout"},
   "endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"a1b2c3d4e5f60718","receivers":[{"name":"team-orders"}],
   "startsAt":"2026-12-03T08:41:30.250Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},
   "updatedAt":"2026-12-03T09:05:00.000Z","generatorURL":"http://prometheus:9090/graph",
   "labels":{"alertname":"CheckoutLatencyHigh","service":"checkout","severity":"critical"}},
  {"annotations":{"summary":"Cart errors"},"endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"0f1e2d3c4b5a6978",
   "receivers":[{"name":"team-storefront"}],"startsAt":"2026-12-03T08:55:00Z",
   "status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-12-03T09:05:00.000Z",
   "labels":{"alertname":"CartErrors","service":"cart","severity":"warning"}},
  {"annotations":{},"endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"1111111111111111","receivers":[{"name":"team-orders"}],
   "startsAt":"2026-12-03T08:50:00Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},
   "updatedAt":"2026-12-03T09:05:00.000Z","labels":{"alertname":"ShippingQueue","service":"shipping","severity":"warning"}},
  {"annotations":{},"endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"2222222222222222","receivers":[{"name":"team-orders"}],
   "startsAt":"2026-12-03T08:50:00Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":["3f9a2c1e"],"state":"suppressed"},
   "updatedAt":"2026-12-03T09:05:00.000Z","labels":{"alertname":"EmailBounces","service":"email","severity":"critical"}},
  {"annotations":{},"endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"3333333333333333","receivers":[{"name":"ops"}],
   "startsAt":"2026-12-03T08:30:00Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},
   "updatedAt":"2026-12-03T09:05:00.000Z","labels":{"alertname":"NodeDown","service":"node-exporter","severity":"critical"}}
]"#;

const CHECKOUT: &str = "component:default/checkout";
const CART: &str = "component:default/cart";
const SHIPPING: &str = "component:default/shipping";
const EMAIL: &str = "component:default/email";
const RED: &str = "#d93025";
const AMBER: &str = "#f2a516";

fn heat_map(config: &str) -> HeatMap {
    let config = HeatMapConfig::from_json(config.as_bytes()).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.set_catalog(&std::fs::read(CATALOG).expect("catalog"));
    let report = map.ingest(Format::Jaeger, &std::fs::read(JAEGER).expect("traces"));
    assert_eq!(report.rejected, 0, "{report:?}");
    map.flush_pending();
    map
}

fn shop() -> HeatMap {
    heat_map(r#"{ "window": "all", "defaults": { "latencySlo": "500ms" } }"#)
}

fn at(map: &mut HeatMap, level: Level) -> Snapshot {
    map.snapshot(&SnapshotOptions { level, ..SnapshotOptions::default() }).expect("snapshot")
}

/// (status, fill, firing alerts) of the node of `entity_ref`.
fn seen(snapshot: &Snapshot, entity_ref: &str) -> (Status, String, usize) {
    let node = snapshot.nodes.iter().find(|n| n.entity_ref.as_deref() == Some(entity_ref)).expect(entity_ref);
    (node.judgement.status, node.judgement.color.fill.clone(), node.firing_alerts)
}

fn codes(warnings: &[Warning]) -> Vec<&str> {
    warnings.iter().map(|w| w.code.as_str()).collect()
}

#[test]
fn firing_alerts_force_their_entities_and_are_counted_on_them() {
    let mut map = shop();
    let before = at(&mut map, Level::Entity);
    assert_eq!(seen(&before, CHECKOUT), (Status::Amber, "#bfa635".to_owned(), 0));
    assert_eq!(seen(&before, CART), (Status::Green, "#2e9e4f".to_owned(), 0));
    let report = map.ingest_alertmanager(ANSWER.as_bytes(), NOW);
    assert_eq!(
        report,
        AlertsReport {
            firing: 4,
            mapped: 3,
            unmapped: 1,
            silenced: 1,
            inhibited: 0,
            muted: 0,
            skipped: 0,
            warnings: vec![],
            error: None,
            received_at: Some(NOW),
        }
    );
    let entity = at(&mut map, Level::Entity);
    // The critical forces amber checkout red, in the palette's red; the warning raises green cart to amber.
    assert_eq!(seen(&entity, CHECKOUT), (Status::Red, RED.to_owned(), 1));
    assert_eq!(seen(&entity, CART), (Status::Amber, AMBER.to_owned(), 1));
    // A warning leaves a red entity red (its own colour); the silenced alert on email is not there at all.
    assert_eq!(seen(&entity, SHIPPING), (Status::Red, RED.to_owned(), 1));
    assert_eq!(seen(&entity, EMAIL), (Status::Green, "#2e9e4f".to_owned(), 0));
    assert_eq!(entity.scorecard.get(CHECKOUT).map(|e| e.status), Some(Status::Red));
    assert_eq!(entity.scorecard.get(CART).map(|e| e.status), Some(Status::Amber));
    // The latency figures stay what was measured.
    let checkout = entity.nodes.iter().find(|n| n.entity_ref.as_deref() == Some(CHECKOUT)).expect("checkout");
    assert_eq!(checkout.judgement.score.map(|s| (s * 1000.0).round()), Some(868.0));

    let system = at(&mut map, Level::System);
    // Checkout's critical and shipping's warning fold into their System, cart's warning into storefront.
    assert_eq!(seen(&system, "system:default/orders"), (Status::Red, RED.to_owned(), 2));
    assert_eq!(seen(&system, "system:default/storefront"), (Status::Amber, AMBER.to_owned(), 1));
    assert_eq!(system.scorecard.get("system:default/orders").map(|e| e.status), Some(Status::Red));

    // At component level each service node of the entity carries it.
    let component = at(&mut map, Level::Component);
    assert_eq!(seen(&component, CHECKOUT), (Status::Red, RED.to_owned(), 1));
}

#[test]
fn alertmanager_alerts_join_the_alert_list_red_first() {
    let mut map = shop();
    map.ingest_alertmanager(ANSWER.as_bytes(), NOW);
    let snapshot = at(&mut map, Level::Entity);
    let listed: Vec<(String, String, Status)> = snapshot
        .alerts
        .iter()
        .map(|a| {
            let json = serde_json::to_value(a).expect("json");
            let source = json["source"].as_str().expect("source").to_owned();
            let what = a.firing.as_ref().map_or_else(|| a.breach.id.clone(), |f| format!("{} {}", f.alertname, a.breach.id));
            (source, what, a.breach.evaluation.status)
        })
        .collect();
    let row = |source: &str, what: &str, status| (source.to_owned(), what.to_owned(), status);
    assert_eq!(
        listed,
        [
            row("latency", "component:default/checkout→component:default/email:async", Status::Red),
            row("latency", "component:default/checkout→component:default/shipping:async", Status::Red),
            row("latency", SHIPPING, Status::Red),
            row("latency", "component:default/checkout→component:default/payment:sync", Status::Red),
            row("latency", "component:default/cart→resource:default/cart-cache:database", Status::Red),
            row("alertmanager", &format!("CheckoutLatencyHigh {CHECKOUT}"), Status::Red),
            row("latency", "component:default/payment", Status::Amber),
            row("latency", CHECKOUT, Status::Amber),
            // Amber firing alerts by startsAt: shipping's (08:50) before cart's (08:55).
            row("alertmanager", &format!("ShippingQueue {SHIPPING}"), Status::Amber),
            row("alertmanager", &format!("CartErrors {CART}"), Status::Amber),
        ]
    );
    let critical = snapshot.alerts.iter().find(|a| a.firing.is_some()).expect("critical");
    let json = serde_json::to_value(critical).expect("json");
    assert_eq!(
        json,
        serde_json::json!({
            "source": "alertmanager", "kind": "node", "id": CHECKOUT, "entityRef": CHECKOUT, "targetRef": null,
            "metric": "alert", "percentile": null, "observedMs": null, "thresholdMs": null, "observedRate": null,
            "thresholdRate": null, "score": null, "status": "red", "since": 1_796_287_290_250.0_f64,
            "alertname": "CheckoutLatencyHigh", "severity": "critical",
            "labels": { "alertname": "CheckoutLatencyHigh", "service": "checkout", "severity": "critical" },
            "annotations": {
                "summary": "Checkout is slow", "description": "p99 <b>1.2 s</b>",
                "runbook_url": "https://runbooks.example/checkout"
            },
            "startsAt": 1_796_287_290_250.0_f64, "fingerprint": "a1b2c3d4e5f60718",
            "generatorURL": "http://prometheus:9090/graph"
        })
    );
    let latency = serde_json::to_value(&snapshot.alerts[0]).expect("json");
    assert_eq!((latency["source"].as_str(), latency.get("alertname")), (Some("latency"), None));
    let unmapped: Vec<&Warning> = snapshot.warnings.iter().filter(|w| w.code == "alertmanager.unmapped").collect();
    assert_eq!(
        unmapped.iter().map(|w| w.message.as_str()).collect::<Vec<_>>(),
        ["1 firing alert(s) map to no catalog entity and are not shown: \"NodeDown\" (set a configured label such \
          as `service`, or a `latencyheatmap/alert-selector` annotation)"]
    );
    // At System level the entries name the System's node and keep the entity the alert is about.
    let system = at(&mut map, Level::System);
    let on_orders: Vec<(&str, &str)> = system
        .alerts
        .iter()
        .filter(|a| a.firing.is_some())
        .map(|a| (a.breach.id.as_str(), a.breach.entity_ref.as_str()))
        .collect();
    assert_eq!(
        on_orders,
        [
            ("system:default/orders", CHECKOUT),
            ("system:default/orders", SHIPPING),
            ("system:default/storefront", CART),
        ]
    );
}

#[test]
fn a_new_answer_replaces_the_list_and_an_unreadable_one_keeps_it() {
    let mut map = shop();
    map.ingest_alertmanager(ANSWER.as_bytes(), NOW);
    let second = r#"[{"annotations":{},"fingerprint":"4444444444444444","receivers":[],"startsAt":"2026-12-03T09:00:00Z",
      "endsAt":"2026-12-03T09:20:00Z","updatedAt":"2026-12-03T09:05:00Z",
      "status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"labels":{"alertname":"EmailSlow","service":"email","severity":"warning"}}]"#;
    let report = map.ingest_alertmanager(second.as_bytes(), NOW + 30_000.0);
    assert_eq!((report.firing, report.mapped, report.received_at), (1, 1, Some(NOW + 30_000.0)));
    let snapshot = at(&mut map, Level::Entity);
    assert_eq!(seen(&snapshot, CHECKOUT), (Status::Amber, "#bfa635".to_owned(), 0));
    assert_eq!(seen(&snapshot, EMAIL), (Status::Amber, AMBER.to_owned(), 1));
    assert!(!codes(&snapshot.warnings).contains(&"alertmanager.unmapped"), "{:?}", snapshot.warnings);

    let bad = map.ingest_alertmanager(br#"[{"labels": "#, NOW + 60_000.0);
    assert_eq!(
        bad.error,
        Some(Warning {
            code: "alertmanager.unreadable".to_owned(),
            message: "Alertmanager answer ends early (line 1, column 13)".to_owned()
        })
    );
    // The previous list is kept, with when it was received.
    assert_eq!((bad.firing, bad.received_at), (1, Some(NOW + 30_000.0)));
    assert_eq!(seen(&at(&mut map, Level::Entity), EMAIL), (Status::Amber, AMBER.to_owned(), 1));

    map.reset();
    let snapshot = at(&mut map, Level::Entity);
    assert_eq!(snapshot.alerts.len(), 0);
}

#[test]
fn the_alerts_config_chooses_labels_and_severities() {
    let mut map = heat_map(
        r#"{ "window": "all", "defaults": { "latencySlo": "500ms" },
             "alerts": { "labels": ["service_id"], "severities": { "Warning": "red" }, "lables": [] } }"#,
    );
    let answer = r#"[
      {"annotations":{},"fingerprint":"5555555555555555","receivers":[],"startsAt":"2026-12-03T09:00:00Z",
       "status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"labels":{"alertname":"A","service_id":"cart","severity":"warning"}},
      {"annotations":{},"fingerprint":"6666666666666666","receivers":[],"startsAt":"2026-12-03T09:00:00Z",
       "status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"labels":{"alertname":"B","service_id":"email","severity":"info"}},
      {"annotations":{},"fingerprint":"7777777777777777","receivers":[],"startsAt":"2026-12-03T09:00:00Z",
       "status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"labels":{"alertname":"C","service":"checkout","severity":"critical"}}
    ]"#;
    map.ingest_alertmanager(answer.as_bytes(), NOW);
    let snapshot = at(&mut map, Level::Entity);
    // warning → red by config; info forces nothing but is counted; `service` is no longer a mapping label.
    assert_eq!(seen(&snapshot, CART), (Status::Red, RED.to_owned(), 1));
    assert_eq!(seen(&snapshot, EMAIL), (Status::Green, "#2e9e4f".to_owned(), 1));
    assert_eq!(seen(&snapshot, CHECKOUT), (Status::Amber, "#bfa635".to_owned(), 0));
    let unknown: Vec<&str> =
        snapshot.warnings.iter().filter(|w| w.code == "config.unknown-key").map(|w| w.message.as_str()).collect();
    assert_eq!(unknown, ["config: unknown key \"alerts.lables\" is ignored (did you mean \"alerts.labels\"?)"]);
    let info = snapshot.alerts.iter().find(|a| a.firing.as_ref().is_some_and(|f| f.alertname == "B")).expect("B");
    assert_eq!(info.breach.evaluation.status, Status::Green);

    let empty = HeatMapConfig::from_json(br#"{ "alerts": { "labels": [] } }"#).map(|_| ()).expect_err("no labels");
    assert_eq!(empty.to_string(), "alerts.labels: needs at least one label name");
    let bad = HeatMapConfig::from_json(br#"{ "alerts": { "severities": { "page": "crimson" } } }"#)
        .map(|_| ())
        .expect_err("bad status");
    assert_eq!(
        bad.to_string(),
        "alerts.severities.page: unknown variant `crimson`, expected one of `unknown`, `green`, `amber`, `red`"
    );
}

#[test]
fn an_entity_without_telemetry_is_in_the_scorecard_at_the_status_its_alerts_force() {
    let mut map = shop();
    const RECOMMENDATIONS: &str = "component:default/recommendations";
    let answer = r#"[{"annotations":{},"fingerprint":"4444444444444444","startsAt":"2026-12-03T08:50:00Z",
      "status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},
      "labels":{"alertname":"RecommendationsDown","service":"recommendations","severity":"critical"}}]"#;
    assert_eq!(at(&mut map, Level::Entity).scorecard.get(RECOMMENDATIONS), None);
    map.ingest_alertmanager(answer.as_bytes(), NOW);
    let entity = at(&mut map, Level::Entity);
    assert!(entity.nodes.iter().all(|n| n.entity_ref.as_deref() != Some(RECOMMENDATIONS)), "no spans, no node");
    let entry = entity.scorecard.get(RECOMMENDATIONS).expect("a scorecard entry from the alert");
    assert_eq!(
        (entry.status, entry.score, entry.observed_ms, entry.threshold_ms, entry.metric),
        (Status::Red, None, None, None, None)
    );
    assert_eq!(entry.checked_at, entity.generated_at.expect("an event time"));
    // Its box is painted from the snapshot's swatch for that status: the red a forced node gets, dotted.
    let red = &entity.status_swatches.red;
    assert_eq!((red.fill.as_str(), red.pattern), (RED, Pattern::Dotted));
    assert_eq!(
        [&entity.status_swatches.green, &entity.status_swatches.amber, &entity.status_swatches.unknown]
            .map(|s| (s.fill.as_str(), s.pattern)),
        [("#2e9e4f", Pattern::Solid), (AMBER, Pattern::Dashed), ("#a0a0a0", Pattern::Solid)]
    );
    // A System with telemetry of its own keeps its node's entry (its members' merged judgement, raised).
    let system = at(&mut map, Level::System);
    assert_eq!(system.scorecard.get("system:default/storefront").map(|e| e.status), Some(Status::Red));
}
