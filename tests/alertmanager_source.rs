//! The Alertmanager source's pure core through the public API: a poll's request, an answer in Alertmanager
//! 0.28's shape read and mapped onto a catalog, and the status each entity is forced to.

use latency_heatmap::alertmanager::mapping::{apply_floor, map_alerts, MappingConfig};
use latency_heatmap::alertmanager::query::alerts_query;
use latency_heatmap::alertmanager::reader::{read_alerts, LeftOut};
use latency_heatmap::alertmanager::selector::Selector;
use latency_heatmap::catalog::{Catalog, EntityRef, RefContext};
use latency_heatmap::evaluate::Status;

const CATALOG: &str = r#"{"items":[
  {"kind":"System","metadata":{"name":"shop"}},
  {"kind":"Component","metadata":{"name":"checkout","annotations":{"latencyheatmap/service-name":"checkout-api"}},
   "spec":{"system":"shop"}},
  {"kind":"Component","metadata":{"name":"payments","annotations":{"latencyheatmap/alert-selector":"team=payments, alertname!~Watchdog|InfoInhibitor"}},
   "spec":{"system":"shop"}},
  {"kind":"Component","metadata":{"name":"search","annotations":{"latencyheatmap/alert-selector":"team"}}}
]}"#;

/// `GET /api/v2/alerts?active=true&silenced=false&inhibited=false` from Alertmanager 0.28 (with `mutedBy`), as a
/// proxy that dropped the query string would pass it on: held alerts included.
const ANSWER: &str = r#"[
  {"annotations":{"description":"p99 of POST /orders is 1.24 s over 5m","runbook_url":"https://runbooks.example/checkout/latency","summary":"Checkout is slow"},
   "endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"a1b2c3d4e5f60718","receivers":[{"name":"team-checkout"}],
   "startsAt":"2026-12-03T08:41:30.250Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},
   "updatedAt":"2026-12-03T09:05:00.000Z",
   "generatorURL":"http://prometheus:9090/graph?g0.expr=histogram_quantile%280.99%2C+sum+by+%28le%29+%28rate%28x%5B5m%5D%29%29%29+%3E+1&g0.tab=1",
   "labels":{"alertname":"CheckoutLatencyHigh","service":"checkout-api","severity":"critical","team":"checkout"}},
  {"annotations":{"summary":"Card declines <script>alert(1)</script>"},
   "endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"0f1e2d3c4b5a6978","receivers":[{"name":"team-payments"}],
   "startsAt":"2026-12-03T08:55:00Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},
   "updatedAt":"2026-12-03T09:05:00.000Z","labels":{"alertname":"CardDeclines","team":"payments","severity":"warning"}},
  {"annotations":{},"endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"1111111111111111","receivers":[{"name":"null"}],
   "startsAt":"2026-12-03T00:00:00Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},
   "updatedAt":"2026-12-03T09:05:00.000Z","labels":{"alertname":"Watchdog","severity":"none","team":"payments"}},
  {"annotations":{},"endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"2222222222222222","receivers":[{"name":"team-checkout"}],
   "startsAt":"2026-12-03T08:50:00Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":["3f9a2c1e-7b44-4d2a-9c0e-5e6f7a8b9c0d"],"state":"suppressed"},
   "updatedAt":"2026-12-03T09:05:00.000Z","labels":{"alertname":"CheckoutErrors","service":"checkout-api","severity":"critical"}},
  {"annotations":{},"endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"3333333333333333","receivers":[{"name":"team-checkout"}],
   "startsAt":"2026-12-03T08:52:00Z","status":{"inhibitedBy":["a1b2c3d4e5f60718"],"mutedBy":[],"silencedBy":[],"state":"suppressed"},
   "updatedAt":"2026-12-03T09:05:00.000Z","labels":{"alertname":"CheckoutSaturation","service":"checkout-api","severity":"warning"}},
  {"annotations":{},"endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"4444444444444444","receivers":[{"name":"team-search"}],
   "startsAt":"2026-12-03T08:00:00Z","status":{"inhibitedBy":[],"mutedBy":["office-hours"],"silencedBy":[],"state":"suppressed"},
   "updatedAt":"2026-12-03T09:05:00.000Z","labels":{"alertname":"SearchSlow","service":"search","severity":"warning"}},
  {"annotations":{},"endsAt":"2026-12-03T09:10:00.000Z","fingerprint":"5555555555555555","receivers":[{"name":"ops"}],
   "startsAt":"2026-12-03T08:30:00Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"unprocessed"},
   "updatedAt":"2026-12-03T09:05:00.000Z","labels":{"alertname":"NodeDown","instance":"10.0.0.7:9100","severity":"page"}},
  {"labels":{"alertname":"Broken"},"fingerprint":"6666666666666666","startsAt":"03/12/2026","status":{"state":"active"}}
]"#;

fn entity(text: &str) -> EntityRef {
    EntityRef::parse(text, RefContext::default()).expect("a ref")
}

#[test]
fn a_poll_asks_for_firing_alerts_narrowed_by_the_config_filters() {
    let filters = Selector::parse(r#"cluster="prod-eu", severity=~"critical|warning""#).expect("filters");
    assert_eq!(
        alerts_query(filters.matchers()),
        "api/v2/alerts?active=true&silenced=false&inhibited=false\
         &filter=cluster%3D%22prod-eu%22&filter=severity%3D~%22critical%7Cwarning%22"
    );
}

#[test]
fn an_answer_lands_on_its_entities_with_their_status_floor() {
    let (catalog, warnings) = Catalog::from_json(CATALOG.as_bytes());
    let warnings: Vec<String> = warnings.iter().map(|w| format!("{}: {w}", w.code())).collect();
    assert_eq!(
        warnings,
        ["catalog.bad-alert-selector: component:default/search: annotation \"latencyheatmap/alert-selector\" cannot \
          be used: \"team\" has no operator (=, !=, =~ or !~); alerts map to it by label only"]
    );

    let list = read_alerts(ANSWER.as_bytes()).expect("an alert list");
    assert_eq!(list.left_out, LeftOut { silenced: 1, inhibited: 1, muted: 1 });
    let skipped: Vec<String> = list.skipped.iter().map(|s| format!("{} {s}", s.problem.code())).collect();
    assert_eq!(skipped, ["alertmanager.bad-time alert [7] skipped: `startsAt` \"03/12/2026\" is not an RFC 3339 time"]);
    assert_eq!(list.alerts.len(), 4);

    let mapped = map_alerts(&list.alerts, &catalog, &MappingConfig::default());
    let placed: Vec<(String, Vec<&str>)> = mapped
        .by_entity
        .iter()
        .map(|(e, alerts)| (e.to_string(), alerts.iter().map(|a| a.alertname.as_str()).collect()))
        .collect();
    assert_eq!(
        placed,
        [
            ("component:default/checkout".to_owned(), vec!["CheckoutLatencyHigh"]),
            ("component:default/payments".to_owned(), vec!["CardDeclines"]),
        ]
    );
    let unmapped: Vec<&str> = mapped.unmapped.iter().map(|a| a.alertname.as_str()).collect();
    assert_eq!(unmapped, ["Watchdog", "NodeDown"]);

    let checkout = &mapped.by_entity[&entity("component:checkout")][0];
    assert_eq!(checkout.summary(), Some("Checkout is slow"));
    assert_eq!(checkout.runbook_url(), Some("https://runbooks.example/checkout/latency"));
    // 2026-12-03T08:41:30Z is 1796287290 s (`date -u -d … +%s`).
    assert_eq!(checkout.starts_at_ms, 1_796_287_290_250);
    assert_eq!(checkout.fingerprint, "a1b2c3d4e5f60718");
    assert!(checkout.generator_url.as_deref().is_some_and(|url| url.ends_with("%3E+1&g0.tab=1")));
    // Alert text is data: kept exactly as written, for the UI to render as text.
    let payments = &mapped.by_entity[&entity("component:payments")][0];
    assert_eq!(payments.summary(), Some("Card declines <script>alert(1)</script>"));

    assert_eq!(mapped.floor(&entity("component:checkout")), Status::Red);
    assert_eq!(mapped.floor(&entity("component:payments")), Status::Amber);
    assert_eq!(mapped.floor(&entity("system:shop")), Status::Unknown);
    assert_eq!(apply_floor(Status::Green, mapped.floor(&entity("component:checkout"))), Status::Red);
    assert_eq!(apply_floor(Status::Red, mapped.floor(&entity("component:payments"))), Status::Red);
    // NodeDown's `page` is no known severity: amber, were it placed.
    assert_eq!(mapped.unmapped[1].floor, Status::Amber);
}

#[test]
fn a_misspelt_or_overlong_selector_annotation_is_named() {
    let long = format!("team={}", "x".repeat(300));
    let json = format!(
        r#"[{{"kind":"Component","metadata":{{"name":"a","annotations":{{"latencyheatmap/alert-selecter":"team=a"}}}}}},
            {{"kind":"Component","metadata":{{"name":"b","annotations":{{"latencyheatmap/alert-selector":"{long}"}}}}}}]"#
    );
    let (_, warnings) = Catalog::from_json(json.as_bytes());
    let warnings: Vec<String> = warnings.iter().map(|w| format!("{}: {w}", w.code())).collect();
    assert_eq!(
        warnings,
        [
            "catalog.unknown-annotation: component:default/a: annotation \"latencyheatmap/alert-selecter\" is not one \
             latencyheatmap reads (did you mean \"latencyheatmap/alert-selector\"?)",
            "catalog.bad-alert-selector: component:default/b: annotation \"latencyheatmap/alert-selector\" cannot be \
             used: it is 305 characters long; at most 256 are read; alerts map to it by label only",
        ]
    );
}
