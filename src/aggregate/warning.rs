//! What the latency state had to give up: spans analysed before their trace was complete, duplicate spans ignored,
//! observations of new keys past the key cap (`maxKeys`) ignored, spans whose host clock ran ahead; and what
//! service-graph metrics cannot tell (self time, critical paths, the gap; services nobody calls).
//!
//! Owns the warning values and their wording, each with a stable `code` (also the `code` field of its JSON form)
//! so the UI and tests can match on it without parsing prose. The counts are totals since the state was created
//! or reset; the snapshot carries one warning of each kind at most.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::event_time::FutureSpans;

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all_fields = "camelCase")]
pub enum AggregateWarning {
    #[serde(rename = "aggregate.dropped-spans")]
    #[error(
        "{spans} spans were analysed before their trace could be known complete: more were waiting than maxPending \
         {max_pending} allows, so calls whose other side came later may be missing (raise maxPending or ingest \
         smaller documents)"
    )]
    DroppedSpans { spans: u64, max_pending: usize },

    #[serde(rename = "aggregate.duplicate-spans")]
    #[error("{spans} spans were ignored: their trace already had a span with the same id")]
    DuplicateSpans { spans: u64 },

    /// `names`: the first few refused (each cut to [`REFUSED_NAME_CHARS`]), at most [`REFUSED_NAMES`].
    #[serde(rename = "aggregate.key-limit")]
    #[error(
        "{observations} observations of new services, calls or entry points were ignored: maxKeys ({max_keys}) of \
         one kind were held, all with data in the window. Refused first: {}. Fix a high-cardinality service.name \
         or peer.service (pod ids, URLs, per-request names), or raise maxKeys",
        quoted(.names)
    )]
    KeyLimit { observations: u64, max_keys: usize, names: Vec<String> },

    #[serde(rename = "aggregate.future-spans")]
    #[error("{}", future_spans_message(services, *others, *max_clock_skew_ms))]
    FutureSpans {
        /// Every future span since creation or reset.
        spans: u64,
        /// The services with the most of them.
        services: Vec<FutureSpans>,
        /// Services with future spans not listed.
        others: usize,
        max_clock_skew_ms: u64,
    },

    #[serde(rename = "metrics.not-measurable")]
    #[error(
        "self time, critical paths and the client − server gap are not measurable from service-graph metrics: they \
         show as no data (unknown), never as healthy"
    )]
    MetricsNotMeasurable,

    /// `services`: the first [`REFUSED_NAMES`] (each cut to [`REFUSED_NAME_CHARS`]), sorted; `others` not listed.
    #[serde(rename = "metrics.no-incoming-calls")]
    #[error(
        "no latency data for {}{}: service-graph metrics measure a service only by the calls it serves, and no \
         call to {} was in the latest round",
        quoted(.services),
        more(*.others),
        if .services.len() + .others == 1 { "it" } else { "them" }
    )]
    NoIncomingCalls { services: Vec<String>, others: usize },
}

/// ` (and 2 more services)`: what a list of names left out.
fn more(others: usize) -> String {
    match others {
        0 => String::new(),
        1 => " (and 1 more service)".to_owned(),
        n => format!(" (and {n} more services)"),
    }
}

/// `850ms`, `45s`, `10m 0s`, `2h 5m`: how far ahead, as people read it.
fn human_ms(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms}ms"),
        1_000..60_000 => format!("{}s", ms / 1_000),
        60_000..3_600_000 => format!("{}m {}s", ms / 60_000, ms % 60_000 / 1_000),
        _ => format!("{}h {}m", ms / 3_600_000, ms % 3_600_000 / 60_000),
    }
}

fn future_spans_message(services: &[FutureSpans], others: usize, max_clock_skew_ms: u64) -> String {
    let listed: Vec<String> = services
        .iter()
        .map(|s| {
            let plural = if s.spans == 1 { "span" } else { "spans" };
            format!("{}: {} {plural} ended up to {} ahead", s.service, s.spans, human_ms(s.ahead_ms))
        })
        .collect();
    let more = more(others);
    let whose = if services.len() + others == 1 { "its host clock is" } else { "their host clocks are" };
    format!(
        "{} of the other spans{more}; {whose} probably fast. Spans more than maxClockSkew {} ahead are counted \
         as ending now (durations kept) and do not move the window",
        listed.join(", "),
        human_ms(max_clock_skew_ms)
    )
}

/// Refused names a key-limit warning keeps.
pub const REFUSED_NAMES: usize = 5;

/// Characters kept of each refused name (junk names can be whole URLs).
pub const REFUSED_NAME_CHARS: usize = 64;

/// `name` as a key-limit warning keeps it: its first [`REFUSED_NAME_CHARS`] characters, `…` if there were more.
pub fn refused_name(name: &str) -> String {
    crate::quote::cut(name, REFUSED_NAME_CHARS).into_owned()
}

/// Names quoted (escaped as Rust strings: control characters cannot break the message), comma-separated.
fn quoted(names: &[String]) -> String {
    names.iter().map(|name| format!("{name:?}")).collect::<Vec<_>>().join(", ")
}

impl AggregateWarning {
    /// Stable identifier, equal to the `code` field of the serialized warning.
    pub fn code(&self) -> &'static str {
        match self {
            AggregateWarning::DroppedSpans { .. } => "aggregate.dropped-spans",
            AggregateWarning::DuplicateSpans { .. } => "aggregate.duplicate-spans",
            AggregateWarning::KeyLimit { .. } => "aggregate.key-limit",
            AggregateWarning::FutureSpans { .. } => "aggregate.future-spans",
            AggregateWarning::MetricsNotMeasurable => "metrics.not-measurable",
            AggregateWarning::NoIncomingCalls { .. } => "metrics.no-incoming-calls",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_serialized_tag_and_messages_keep_their_wording() {
        let warnings = [
            (
                AggregateWarning::DroppedSpans { spans: 12, max_pending: 3 },
                "aggregate.dropped-spans",
                "12 spans were analysed before their trace could be known complete: more were waiting than maxPending \
                 3 allows, so calls whose other side came later may be missing (raise maxPending or ingest smaller \
                 documents)",
            ),
            (
                AggregateWarning::DuplicateSpans { spans: 2 },
                "aggregate.duplicate-spans",
                "2 spans were ignored: their trace already had a span with the same id",
            ),
            (
                AggregateWarning::KeyLimit {
                    observations: 5,
                    max_keys: 10_000,
                    names: vec!["pod-7f9c".into(), "say \"hi\"\n".into()],
                },
                "aggregate.key-limit",
                "5 observations of new services, calls or entry points were ignored: maxKeys (10000) of one kind \
                 were held, all with data in the window. Refused first: \"pod-7f9c\", \"say \\\"hi\\\"\\n\". Fix a \
                 high-cardinality service.name or peer.service (pod ids, URLs, per-request names), or raise maxKeys",
            ),
            (
                AggregateWarning::FutureSpans {
                    spans: 3,
                    services: vec![FutureSpans { service: "payments".into(), spans: 3, ahead_ms: 600_000 }],
                    others: 0,
                    max_clock_skew_ms: 60_000,
                },
                "aggregate.future-spans",
                "payments: 3 spans ended up to 10m 0s ahead of the other spans; its host clock is probably fast. \
                 Spans more than maxClockSkew 1m 0s ahead are counted as ending now (durations kept) and do not move \
                 the window",
            ),
            (
                AggregateWarning::FutureSpans {
                    spans: 9,
                    services: vec![
                        FutureSpans { service: "a".into(), spans: 7, ahead_ms: 7_200_000 },
                        FutureSpans { service: "b".into(), spans: 1, ahead_ms: 61_500 },
                    ],
                    others: 1,
                    max_clock_skew_ms: 500,
                },
                "aggregate.future-spans",
                "a: 7 spans ended up to 2h 0m ahead, b: 1 span ended up to 1m 1s ahead of the other spans (and 1 more \
                 service); their host clocks are probably fast. Spans more than maxClockSkew 500ms ahead are counted \
                 as ending now (durations kept) and do not move the window",
            ),
            (
                AggregateWarning::MetricsNotMeasurable,
                "metrics.not-measurable",
                "self time, critical paths and the client − server gap are not measurable from service-graph \
                 metrics: they show as no data (unknown), never as healthy",
            ),
            (
                AggregateWarning::NoIncomingCalls { services: vec!["batch".into()], others: 0 },
                "metrics.no-incoming-calls",
                "no latency data for \"batch\": service-graph metrics measure a service only by the calls it \
                 serves, and no call to it was in the latest round",
            ),
            (
                AggregateWarning::NoIncomingCalls { services: vec!["a".into(), "b".into()], others: 2 },
                "metrics.no-incoming-calls",
                "no latency data for \"a\", \"b\" (and 2 more services): service-graph metrics measure a \
                 service only by the calls it serves, and no call to them was in the latest round",
            ),
        ];
        for (warning, code, message) in warnings {
            assert_eq!(warning.code(), code);
            assert_eq!(warning.to_string(), message);
            let json = serde_json::to_value(&warning).expect("a warning serialises");
            assert_eq!(json.get("code").and_then(|c| c.as_str()), Some(code));
            let back: AggregateWarning = serde_json::from_value(json).expect("and reads back");
            assert_eq!(back, warning);
        }
        let json = serde_json::to_value(AggregateWarning::DroppedSpans { spans: 1, max_pending: 3 }).expect("json");
        assert_eq!(json, serde_json::json!({ "code": "aggregate.dropped-spans", "spans": 1, "maxPending": 3 }));
    }

    #[test]
    fn refused_names_are_cut_to_64_characters() {
        let url = format!("https://shop.example.com/{}", "é".repeat(100));
        let cut = refused_name(&url);
        assert_eq!(cut.chars().count(), 65);
        assert_eq!(cut, format!("https://shop.example.com/{}…", "é".repeat(39)));
        assert_eq!(refused_name("pod-7f9c"), "pod-7f9c");
        assert_eq!(refused_name(&"x".repeat(64)), "x".repeat(64));
    }
}
