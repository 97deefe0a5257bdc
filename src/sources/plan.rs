//! The requests of one poll round, as URLs with what to do with their answers: per service, Jaeger's
//! `/api/traces`, Zipkin's `/api/v2/traces` or Tempo's `/api/search`; then, for Tempo, each trace found by id
//! (`/api/traces/{id}`, at most `limit` in a round); for `otlp`, `baseUrl` itself.
//!
//! Owns the URL of each request (values percent-encoded, the time range from the caller's `now`) and reading
//! Tempo's search answer into trace ids. It sends nothing and keeps no state between rounds: overlapping lookbacks
//! are the core's to de-duplicate.

use serde::Deserialize;
use thiserror::Error;

use super::config::{SourceConfig, SourceKind};
use super::url::{encode_component, with_query};
use crate::alertmanager::query::alerts_query;
use crate::prometheus::queries::QueryKind;
use crate::quote::bounded_message;
use crate::telemetry::Format;

/// What to do with a request's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Spans in this format: ingest the bytes.
    Spans(Format),
    /// A Tempo search: read trace ids for [`plan_trace_fetches`].
    TempoSearch,
    /// A Prometheus instant query: its answer is this figure of the round's service graph.
    Metrics(QueryKind),
    /// A Prometheus source's extra query (its index in `queries`): one value per service.
    Extra(usize),
    /// Alertmanager's firing alerts: the map's list of them, replaced.
    Alerts,
}

/// One request of the round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub url: String,
    /// A POST's `application/x-www-form-urlencoded` body (Prometheus's queries); `None` for a GET.
    pub body: Option<String>,
    pub step: Step,
}

impl Planned {
    /// The request as a failure names it: its URL, and for a POST its form as a query string (which says which
    /// query failed).
    pub fn described(&self) -> String {
        match &self.body {
            Some(body) => format!("{}?{body}", self.url),
            None => self.url.clone(),
        }
    }
}

/// The first requests of a round: one query per service (listed once however often it is named), or for `otlp`
/// the one document. Times are `now_ms - lookback ..= now_ms` (ms since the epoch).
pub fn plan_queries(config: &SourceConfig, now_ms: f64) -> Vec<Planned> {
    let base = config.base();
    let limit = config.limit.to_string();
    let start_ms = (now_ms - config.lookback).max(0.0);
    let mut services: Vec<&str> = Vec::with_capacity(config.services.len());
    for service in &config.services {
        if !services.contains(&service.as_str()) {
            services.push(service);
        }
    }
    let query = |service: &str| match config.kind {
        SourceKind::Jaeger => Planned {
            // Jaeger's API reads `start`/`end` (µs); `lookback` is what its UI sends beside them.
            url: with_query(
                &format!("{base}/api/traces"),
                &[
                    ("service", service.to_owned()),
                    ("lookback", go_duration(config.lookback)),
                    ("limit", limit.clone()),
                    ("start", format!("{:.0}", (start_ms * 1000.0).floor())),
                    ("end", format!("{:.0}", (now_ms * 1000.0).ceil())),
                ],
            ),
            body: None,
            step: Step::Spans(Format::Jaeger),
        },
        SourceKind::Zipkin => Planned {
            url: with_query(
                &format!("{base}/api/v2/traces"),
                &[
                    ("serviceName", service.to_owned()),
                    ("endTs", format!("{:.0}", now_ms.ceil())),
                    ("lookback", format!("{:.0}", config.lookback.ceil())),
                    ("limit", limit.clone()),
                ],
            ),
            body: None,
            step: Step::Spans(Format::Zipkin),
        },
        SourceKind::Tempo | SourceKind::Otlp | SourceKind::Prometheus | SourceKind::Alertmanager => Planned {
            url: with_query(
                &format!("{base}/api/search"),
                &[
                    ("tags", format!("service.name={}", logfmt_value(service))),
                    ("limit", limit.clone()),
                    ("start", format!("{:.0}", (start_ms / 1000.0).floor())),
                    ("end", format!("{:.0}", (now_ms / 1000.0).ceil())),
                ],
            ),
            body: None,
            step: Step::TempoSearch,
        },
    };
    match config.kind {
        // A Prometheus round is planned by `plan_prometheus`.
        SourceKind::Prometheus => Vec::new(),
        SourceKind::Otlp => vec![Planned { url: config.base_url.clone(), body: None, step: Step::Spans(Format::Otlp) }],
        // The firing alerts, whatever the services: they are mapped to entities by their labels afterwards.
        SourceKind::Alertmanager => {
            vec![Planned { url: format!("{base}/{}", alerts_query(&config.alert_filter)), body: None, step: Step::Alerts }]
        }
        _ => services.into_iter().map(query).collect(),
    }
}

/// Tempo's second step: each trace the searches found, by id, fetched once (a trace found for two services is one
/// request), taking the searches' results in turn so every service gets its share of the `limit` fetches.
pub fn plan_trace_fetches(config: &SourceConfig, searches: &[Vec<String>]) -> Vec<Planned> {
    let base = config.base();
    let cap = config.limit as usize;
    let mut ids: Vec<&str> = Vec::new();
    let longest = searches.iter().map(Vec::len).max().unwrap_or(0);
    'rounds: for index in 0..longest {
        for found in searches {
            if ids.len() == cap {
                break 'rounds;
            }
            if let Some(id) = found.get(index) {
                if !ids.contains(&id.as_str()) {
                    ids.push(id);
                }
            }
        }
    }
    ids.into_iter()
        .map(|id| Planned { url: format!("{base}/api/traces/{}", encode_component(id)), body: None, step: Step::Spans(Format::Otlp) })
        .collect()
}

/// A Tempo search answer that is not one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("not a Tempo search answer: {0}")]
pub struct TempoSearchError(String);

#[derive(Deserialize)]
struct SearchAnswer {
    #[serde(default)]
    traces: Vec<FoundTrace>,
}

#[derive(Deserialize)]
struct FoundTrace {
    #[serde(rename = "traceID")]
    trace_id: String,
}

/// The trace ids of a Tempo search answer (`{"traces":[{"traceID":"…"},…]}`), in its order.
pub fn read_tempo_search(bytes: &[u8]) -> Result<Vec<String>, TempoSearchError> {
    serde_json::from_slice::<SearchAnswer>(bytes)
        .map(|answer| answer.traces.into_iter().map(|trace| trace.trace_id).collect())
        .map_err(|error| TempoSearchError(bounded_message(error.to_string())))
}

/// A duration as Go's `time.ParseDuration` reads it, the unit Jaeger's `lookback` takes (`5m`, `90s`, `250ms`).
fn go_duration(ms: f64) -> String {
    let ms = ms.round().max(1.0);
    if ms % 3_600_000.0 == 0.0 {
        format!("{:.0}h", ms / 3_600_000.0)
    } else if ms % 60_000.0 == 0.0 {
        format!("{:.0}m", ms / 60_000.0)
    } else if ms % 1_000.0 == 0.0 {
        format!("{:.0}s", ms / 1_000.0)
    } else {
        format!("{ms:.0}ms")
    }
}

/// A logfmt value for Tempo's `tags`: quoted (with `\` and `"` escaped) unless it is one plain word.
fn logfmt_value(value: &str) -> String {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._/:".contains(&b)) {
        return value.to_owned();
    }
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// 2023-11-14T22:13:20Z.
    const NOW: f64 = 1_700_000_000_000.0;

    fn source(kind: SourceKind, services: &[&str]) -> SourceConfig {
        SourceConfig {
            kind,
            base_url: "http://127.0.0.1:16686/".into(),
            services: services.iter().map(|s| (*s).to_owned()).collect(),
            lookback: 300_000.0,
            limit: 200,
            headers: BTreeMap::new(),
            timeout: 10_000.0,
            retries: 2,
            prometheus: None,
            alert_filter: Vec::new(),
        }
    }

    fn urls(planned: &[Planned]) -> Vec<&str> {
        planned.iter().map(|p| p.url.as_str()).collect()
    }

    #[test]
    fn jaeger_asks_each_service_once_with_its_time_range() {
        let planned = plan_queries(&source(SourceKind::Jaeger, &["cart", "check out", "cart"]), NOW);
        assert_eq!(
            urls(&planned),
            [
                "http://127.0.0.1:16686/api/traces?service=cart&lookback=5m&limit=200&start=1699999700000000&end=1700000000000000",
                "http://127.0.0.1:16686/api/traces?service=check%20out&lookback=5m&limit=200&start=1699999700000000&end=1700000000000000",
            ]
        );
        assert!(planned.iter().all(|p| p.step == Step::Spans(Format::Jaeger)));
    }

    #[test]
    fn zipkin_takes_the_lookback_in_milliseconds() {
        let mut config = source(SourceKind::Zipkin, &["a&b"]);
        config.lookback = 90_000.0;
        config.limit = 7;
        let planned = plan_queries(&config, NOW + 0.4);
        assert_eq!(
            urls(&planned),
            ["http://127.0.0.1:16686/api/v2/traces?serviceName=a%26b&endTs=1700000000001&lookback=90000&limit=7"]
        );
        assert_eq!(planned[0].step, Step::Spans(Format::Zipkin));
    }

    #[test]
    fn tempo_searches_by_service_name_tag_in_seconds() {
        let planned = plan_queries(&source(SourceKind::Tempo, &["cart", "my \"svc\""]), NOW);
        assert_eq!(
            urls(&planned),
            [
                "http://127.0.0.1:16686/api/search?tags=service.name%3Dcart&limit=200&start=1699999700&end=1700000000",
                "http://127.0.0.1:16686/api/search?tags=service.name%3D%22my%20%5C%22svc%5C%22%22&limit=200&start=1699999700&end=1700000000",
            ]
        );
        assert!(planned.iter().all(|p| p.step == Step::TempoSearch));
    }

    #[test]
    fn otlp_fetches_the_url_as_given() {
        let mut config = source(SourceKind::Otlp, &[]);
        config.base_url = "http://h/export.json?day=1".into();
        assert_eq!(
            plan_queries(&config, NOW),
            [Planned { url: "http://h/export.json?day=1".into(), body: None, step: Step::Spans(Format::Otlp) }]
        );
    }

    #[test]
    fn alertmanager_asks_once_for_the_firing_alerts_with_the_filters() {
        let json = br#"{"type":"alertmanager","baseUrl":"http://127.0.0.1:9093/","filter":["team=checkout","env=~\"prod|eu\""]}"#;
        let (config, unknown) = SourceConfig::from_json(json).expect("an alertmanager source");
        assert_eq!(unknown, []);
        let planned = plan_queries(&config, NOW);
        assert_eq!(
            urls(&planned),
            ["http://127.0.0.1:9093/api/v2/alerts?active=true&silenced=false&inhibited=false\
              &filter=team%3D%22checkout%22&filter=env%3D~%22prod%7Ceu%22"]
        );
        assert_eq!(planned[0].step, Step::Alerts);
        let error = SourceConfig::from_json(br#"{"type":"alertmanager","baseUrl":"http://h","filter":["=checkout"]}"#)
            .expect_err("a bad matcher");
        assert!(error.to_string().starts_with("filter[0]: "), "{error}");
    }

    #[test]
    fn tempo_fetches_each_found_trace_once_in_turns_up_to_the_limit() {
        let mut config = source(SourceKind::Tempo, &["a", "b"]);
        config.limit = 4;
        let searches = vec![
            vec!["t1".to_owned(), "t2".to_owned(), "t3".to_owned()],
            vec!["t2".to_owned(), "x/../y".to_owned(), "t9".to_owned()],
        ];
        assert_eq!(
            urls(&plan_trace_fetches(&config, &searches)),
            [
                "http://127.0.0.1:16686/api/traces/t1",
                "http://127.0.0.1:16686/api/traces/t2",
                "http://127.0.0.1:16686/api/traces/x%2F..%2Fy",
                "http://127.0.0.1:16686/api/traces/t3",
            ]
        );
        assert_eq!(plan_trace_fetches(&config, &[]), []);
    }

    #[test]
    fn tempo_search_answers_are_read_or_refused() {
        let answer = br#"{"traces":[{"traceID":"2f3e0cee","rootServiceName":"cart"},{"traceID":"9a"}],"metrics":{}}"#;
        assert_eq!(read_tempo_search(answer), Ok(vec!["2f3e0cee".to_owned(), "9a".to_owned()]));
        assert_eq!(read_tempo_search(b"{}"), Ok(vec![]));
        assert_eq!(
            read_tempo_search(b"<html>").map_err(|e| e.to_string()),
            Err("not a Tempo search answer: expected value at line 1 column 1".into())
        );
    }

    #[test]
    fn lookbacks_are_written_in_go_units() {
        assert_eq!(
            [3_600_000.0, 300_000.0, 90_000.0, 1_500.0, 0.2].map(go_duration),
            ["1h", "5m", "90s", "1500ms", "1ms"]
        );
    }
}
