//! The PromQL of one poll: a bounded set of instant queries for the service-graph metrics, whichever emitter wrote
//! them, and the form bodies that carry them.
//!
//! Owns the query text — per-edge bucket rates `sum by (client, server, connection_type, le)` of the server and
//! client histograms (or their native forms, without `le`), the request and failed-request rates, Tempo's optional
//! messaging-system histogram — for two views: the whole system (a fixed number of queries however many services)
//! and a neighbourhood (only edges touching the services in view, `server=~"…" or client=~"…"`, chunked so every
//! query's encoded `query` parameter stays under a byte limit). Also owns escaping a service name into a PromQL
//! regex matcher (RE2 metacharacters, then the PromQL string). It sends nothing and reads no answer.

use std::fmt::Write;

use thiserror::Error;

use crate::quote;
use crate::sources::{encode_component, encoded_len};

/// The OTel Collector's and Tempo's server-side latency histogram, with the `_seconds` unit suffix.
pub const DEFAULT_SERVER_HISTOGRAM: &str = "traces_service_graph_request_server_seconds";
/// The client-side one.
pub const DEFAULT_CLIENT_HISTOGRAM: &str = "traces_service_graph_request_client_seconds";
/// Requests per edge (both emitters).
pub const REQUESTS_TOTAL: &str = "traces_service_graph_request_total";
/// Failed requests per edge (both emitters); an absent series means none failed.
pub const FAILED_REQUESTS_TOTAL: &str = "traces_service_graph_request_failed_total";
/// Tempo's queue delay between producer and consumer (`enable_messaging_system_latency_histogram`).
pub const MESSAGING_HISTOGRAM: &str = "traces_service_graph_request_messaging_system_seconds";
/// Where the instant-query API lives under a Prometheus (or Mimir/Thanos) base URL.
pub const QUERY_PATH: &str = "/api/v1/query";
/// The default bound on a query's encoded `query=…` parameter: 7 KiB, so that with the base URL, the path and
/// `&time=…` a GET stays under the 8 KiB that common proxies and servers accept for a request line.
pub const DEFAULT_MAX_QUERY_BYTES: usize = 7 * 1024;

/// The labels an edge is summed by; `failed` and `__metrics_gen_instance` are summed away.
const EDGE_LABELS: &str = "client, server, connection_type";

/// Classic `_bucket` series or native histograms (Tempo's `generate_native_histograms: native`, the Collector's
/// exponential histograms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistogramFormat {
    Classic,
    Native,
}

/// What a poll asks for, whichever emitter wrote the series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryConfig {
    /// `serverHistogram`: the base name (without `_bucket`).
    pub server_histogram: String,
    /// `clientHistogram`.
    pub client_histogram: String,
    /// `selector`: extra label matchers put into every selector, e.g. `cluster="prod", namespace=~"shop.*"`.
    pub selector: String,
    /// `rateWindow`, in ms.
    pub rate_window_ms: u64,
    pub histograms: HistogramFormat,
    /// Whether to ask for Tempo's messaging-system histogram too.
    pub messaging: bool,
    /// The bound on each query's encoded `query=…` parameter (neighbourhood chunking).
    pub max_query_bytes: usize,
}

impl QueryConfig {
    /// The defaults: both emitters' `_seconds` names, no selector, classic buckets, no messaging histogram.
    pub fn new(rate_window_ms: u64) -> Self {
        QueryConfig {
            server_histogram: DEFAULT_SERVER_HISTOGRAM.to_owned(),
            client_histogram: DEFAULT_CLIENT_HISTOGRAM.to_owned(),
            selector: String::new(),
            rate_window_ms,
            histograms: HistogramFormat::Classic,
            messaging: false,
            max_query_bytes: DEFAULT_MAX_QUERY_BYTES,
        }
    }
}

/// A config the queries cannot be written from.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QueryError {
    #[error("{field}: {} is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)", quote::quoted(.name))]
    BadMetricName { field: &'static str, name: String },
    #[error("rateWindow must be at least 1 ms")]
    ZeroRateWindow,
    /// The selector must be a list of matchers only: it is placed between `{` and `}`.
    #[error("selector {}: {reason}", quote::quoted(.selector))]
    BadSelector { selector: String, reason: &'static str },
    #[error("max query bytes {max} cannot hold even one service's query ({needed} bytes without any service)")]
    LimitTooSmall { max: usize, needed: usize },
}

impl QueryError {
    /// Stable, for config errors.
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::BadMetricName { .. } => "prometheus.bad-metric-name",
            QueryError::ZeroRateWindow => "prometheus.bad-rate-window",
            QueryError::BadSelector { .. } => "prometheus.bad-selector",
            QueryError::LimitTooSmall { .. } => "prometheus.query-limit-too-small",
        }
    }
}

/// Which figure a query's answer carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    /// The server histogram: the latency a service serves.
    ServerLatency,
    /// The client histogram: what the caller waits.
    ClientLatency,
    /// Tempo's producer-to-consumer delay.
    MessagingLatency,
    /// Requests per second per edge.
    Requests,
    /// Failed requests per second per edge.
    FailedRequests,
}

/// How to read a query's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerShape {
    /// Float samples with `le`: group with [`super::response::InstantVector::bucket_series`].
    Buckets,
    /// Native histogram samples.
    NativeHistograms,
    /// One float per edge.
    Rates,
}

/// One instant query of a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedQuery {
    pub kind: QueryKind,
    pub answer: AnswerShape,
    /// Which chunk of the neighbourhood's services it covers (0 for the whole system).
    pub chunk: usize,
    pub promql: String,
}

impl PlannedQuery {
    /// `query=…&time=…`, each value percent-encoded: the `application/x-www-form-urlencoded` body of a POST to
    /// [`QUERY_PATH`], or the query string of a GET. `time_ms` is the evaluation time (ms since the Unix epoch).
    pub fn form_body(&self, time_ms: u64) -> String {
        form_body(&self.promql, time_ms)
    }

    /// The length of the encoded `query=…` parameter, the figure [`QueryConfig::max_query_bytes`] bounds.
    pub fn encoded_query_len(&self) -> usize {
        "query=".len() + encoded_len(&self.promql)
    }
}

/// `query=…&time=…` for any PromQL (the extra `queries` of a source too), each value percent-encoded; `time_ms` is
/// the evaluation time (ms since the Unix epoch).
pub fn form_body(promql: &str, time_ms: u64) -> String {
    format!("query={}&time={}", encode_component(promql), seconds(time_ms))
}

/// A neighbourhood's queries, and services whose name alone is too long for one query (left out, to be warned
/// about).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighbourhoodPlan {
    pub queries: Vec<PlannedQuery>,
    /// How many chunks the services were split into.
    pub chunks: usize,
    pub too_long: Vec<String>,
}

/// The queries for every edge in Prometheus: one per figure (4, or 5 with the messaging histogram), whatever the
/// number of services.
pub fn whole_system(config: &QueryConfig) -> Result<Vec<PlannedQuery>, QueryError> {
    let checked = Checked::new(config)?;
    Ok(checked.templates().into_iter().map(|template| template.planned(&checked, None, 0)).collect())
}

/// The queries for the edges touching `services` (as client or as server), chunked so that each query's encoded
/// `query` parameter is at most [`QueryConfig::max_query_bytes`]. Names are deduplicated and sorted; every chunk
/// gets the same figures as [`whole_system`]. No services, no queries.
pub fn neighbourhood(config: &QueryConfig, services: &[&str]) -> Result<NeighbourhoodPlan, QueryError> {
    let checked = Checked::new(config)?;
    let templates = checked.templates();
    let mut names: Vec<&str> = services.to_vec();
    names.sort_unstable();
    names.dedup();
    // The longest query of a chunk decides; every query carries the alternation twice (server, then client).
    let overhead = templates
        .iter()
        .map(|template| "query=".len() + encoded_len(&template.promql(&checked, Some(""))))
        .max()
        .unwrap_or(0);
    if overhead > config.max_query_bytes {
        return Err(QueryError::LimitTooSmall { max: config.max_query_bytes, needed: overhead });
    }
    const BAR: usize = 3; // `|` encodes as %7C
    let mut chunks: Vec<Vec<String>> = Vec::new();
    let mut too_long = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut used = overhead;
    for name in names {
        let literal = regex_literal(name);
        let alone = 2 * encoded_len(&promql_string_body(&literal));
        if overhead + alone > config.max_query_bytes {
            too_long.push(name.to_owned());
            continue;
        }
        let cost = alone + if current.is_empty() { 0 } else { 2 * BAR };
        if used + cost > config.max_query_bytes {
            chunks.push(std::mem::take(&mut current));
            used = overhead + alone;
        } else {
            used += cost;
        }
        current.push(literal);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    let mut queries = Vec::with_capacity(chunks.len() * templates.len());
    for (index, chunk) in chunks.iter().enumerate() {
        let alternation = chunk.join("|");
        for template in &templates {
            queries.push(template.planned(&checked, Some(&alternation), index));
        }
    }
    Ok(NeighbourhoodPlan { queries, chunks: chunks.len(), too_long })
}

/// A config whose names, selector and window have been checked, with the window written as PromQL.
struct Checked<'c> {
    config: &'c QueryConfig,
    selector: &'c str,
    window: String,
}

impl<'c> Checked<'c> {
    fn new(config: &'c QueryConfig) -> Result<Self, QueryError> {
        for (field, name) in
            [("serverHistogram", &config.server_histogram), ("clientHistogram", &config.client_histogram)]
        {
            if !is_metric_name(name) {
                return Err(QueryError::BadMetricName { field, name: quote::prefix(name, 256).to_owned() });
            }
        }
        if config.rate_window_ms == 0 {
            return Err(QueryError::ZeroRateWindow);
        }
        let selector = check_selector(&config.selector)?;
        Ok(Checked { config, selector, window: promql_duration(config.rate_window_ms) })
    }

    /// The figures of a poll, in a fixed order.
    fn templates(&self) -> Vec<Template> {
        let native = self.config.histograms == HistogramFormat::Native;
        let latency = |kind, base: &str| Template {
            kind,
            metric: if native { base.to_owned() } else { format!("{base}_bucket") },
            answer: if native { AnswerShape::NativeHistograms } else { AnswerShape::Buckets },
        };
        let mut templates = vec![
            latency(QueryKind::ServerLatency, &self.config.server_histogram),
            latency(QueryKind::ClientLatency, &self.config.client_histogram),
        ];
        if self.config.messaging {
            templates.push(latency(QueryKind::MessagingLatency, MESSAGING_HISTOGRAM));
        }
        for (kind, metric) in
            [(QueryKind::Requests, REQUESTS_TOTAL), (QueryKind::FailedRequests, FAILED_REQUESTS_TOTAL)]
        {
            templates.push(Template { kind, metric: metric.to_owned(), answer: AnswerShape::Rates });
        }
        templates
    }
}

struct Template {
    kind: QueryKind,
    metric: String,
    answer: AnswerShape,
}

impl Template {
    /// `sum by (…) (rate(metric{…}[w]))`; with `services` (an alternation of regex literals), the rates of the
    /// edges whose server or client matches, each series once (`or` keeps the left one of equal label sets).
    fn promql(&self, checked: &Checked, services: Option<&str>) -> String {
        let by =
            if self.answer == AnswerShape::Buckets { format!("{EDGE_LABELS}, le") } else { EDGE_LABELS.to_owned() };
        let rate = |service: Option<(&str, &str)>| {
            let mut matchers: Vec<String> = Vec::new();
            if !checked.selector.is_empty() {
                matchers.push(checked.selector.to_owned());
            }
            if let Some((label, alternation)) = service {
                matchers.push(format!("{label}=~\"{}\"", promql_string_body(alternation)));
            }
            let braces = if matchers.is_empty() { String::new() } else { format!("{{{}}}", matchers.join(", ")) };
            format!("rate({}{braces}[{}])", self.metric, checked.window)
        };
        let selection = match services {
            None => rate(None),
            Some(alternation) => {
                format!("{} or {}", rate(Some(("server", alternation))), rate(Some(("client", alternation))))
            }
        };
        format!("sum by ({by}) ({selection})")
    }

    fn planned(&self, checked: &Checked, services: Option<&str>, chunk: usize) -> PlannedQuery {
        PlannedQuery { kind: self.kind, answer: self.answer, chunk, promql: self.promql(checked, services) }
    }
}

/// Prometheus's classic label names, `[a-zA-Z_][a-zA-Z0-9_]*` (Alertmanager's matchers use the same).
pub fn is_label_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Prometheus's metric-name grammar.
fn is_metric_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'A'..=b'Z' | b'_' | b':'))
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':')
}

/// The selector trimmed of spaces and commas at its ends, once checked to be matchers only: quotes closed and no
/// bracket outside them, so it cannot close the selector or add to the query.
fn check_selector(selector: &str) -> Result<&str, QueryError> {
    let trimmed = selector.trim_matches(|c: char| c.is_whitespace() || c == ',');
    let bad = |reason| Err(QueryError::BadSelector { selector: quote::prefix(selector, 256).to_owned(), reason });
    let mut quote_char = None;
    let mut escaped = false;
    for c in trimmed.chars() {
        match quote_char {
            Some(_) if escaped => escaped = false,
            Some(q) if c == '\\' && q != '`' => escaped = true,
            Some(q) if c == q => quote_char = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote_char = Some(c),
                '{' | '}' | '[' | ']' | '(' | ')' => return bad("only label matchers are allowed, no brackets"),
                _ => {}
            },
        }
    }
    if quote_char.is_some() {
        return bad("a quoted value is not closed");
    }
    Ok(trimmed)
}

/// A duration as PromQL writes one, in the largest unit that divides it (`5m`, `90s`, `1500ms`).
fn promql_duration(ms: u64) -> String {
    for (unit_ms, unit) in [(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s")] {
        if ms % unit_ms == 0 {
            return format!("{}{unit}", ms / unit_ms);
        }
    }
    format!("{ms}ms")
}

/// ms since the epoch as the `time` parameter: seconds with three decimals.
fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// `name` as an RE2 regex that matches exactly it: Go's `regexp.QuoteMeta`.
pub fn regex_literal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as the inside of a double-quoted PromQL string: `\` and `"` escaped, control characters as `\xHH`.
pub fn promql_string_body(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(queries: &[PlannedQuery]) -> Vec<&str> {
        queries.iter().map(|q| q.promql.as_str()).collect()
    }

    #[test]
    fn the_whole_system_costs_four_queries() {
        let queries = whole_system(&QueryConfig::new(300_000)).expect("valid config");
        assert_eq!(
            texts(&queries),
            [
                "sum by (client, server, connection_type, le) (rate(traces_service_graph_request_server_seconds_bucket[5m]))",
                "sum by (client, server, connection_type, le) (rate(traces_service_graph_request_client_seconds_bucket[5m]))",
                "sum by (client, server, connection_type) (rate(traces_service_graph_request_total[5m]))",
                "sum by (client, server, connection_type) (rate(traces_service_graph_request_failed_total[5m]))",
            ]
        );
        let kinds: Vec<(QueryKind, AnswerShape)> = queries.iter().map(|q| (q.kind, q.answer)).collect();
        assert_eq!(
            kinds,
            [
                (QueryKind::ServerLatency, AnswerShape::Buckets),
                (QueryKind::ClientLatency, AnswerShape::Buckets),
                (QueryKind::Requests, AnswerShape::Rates),
                (QueryKind::FailedRequests, AnswerShape::Rates),
            ]
        );
    }

    #[test]
    fn selector_names_messaging_and_native_histograms() {
        let config = QueryConfig {
            server_histogram: "traces_service_graph_request_server".into(),
            client_histogram: "traces_service_graph_request_client".into(),
            selector: r#" cluster="prod", namespace=~"shop.*", "#.into(),
            rate_window_ms: 90_000,
            histograms: HistogramFormat::Native,
            messaging: true,
            max_query_bytes: DEFAULT_MAX_QUERY_BYTES,
        };
        let queries = whole_system(&config).expect("valid config");
        assert_eq!(
            texts(&queries),
            [
                r#"sum by (client, server, connection_type) (rate(traces_service_graph_request_server{cluster="prod", namespace=~"shop.*"}[90s]))"#,
                r#"sum by (client, server, connection_type) (rate(traces_service_graph_request_client{cluster="prod", namespace=~"shop.*"}[90s]))"#,
                r#"sum by (client, server, connection_type) (rate(traces_service_graph_request_messaging_system_seconds{cluster="prod", namespace=~"shop.*"}[90s]))"#,
                r#"sum by (client, server, connection_type) (rate(traces_service_graph_request_total{cluster="prod", namespace=~"shop.*"}[90s]))"#,
                r#"sum by (client, server, connection_type) (rate(traces_service_graph_request_failed_total{cluster="prod", namespace=~"shop.*"}[90s]))"#,
            ]
        );
        assert_eq!(queries[2].answer, AnswerShape::NativeHistograms);
        let classic = QueryConfig { histograms: HistogramFormat::Classic, ..config };
        assert_eq!(
            whole_system(&classic).expect("valid config")[2].promql,
            r#"sum by (client, server, connection_type, le) (rate(traces_service_graph_request_messaging_system_seconds_bucket{cluster="prod", namespace=~"shop.*"}[90s]))"#
        );
    }

    #[test]
    fn rate_windows_are_written_in_the_largest_whole_unit() {
        let window = |ms| promql_duration(ms);
        assert_eq!(
            [window(300_000), window(90_000), window(1500), window(7_200_000), window(86_400_000)],
            ["5m", "90s", "1500ms", "2h", "1d"]
        );
    }

    #[test]
    fn bad_configs_are_typed_errors() {
        let error = |change: fn(&mut QueryConfig)| {
            let mut config = QueryConfig::new(300_000);
            change(&mut config);
            whole_system(&config).expect_err("bad config")
        };
        let bad_name = error(|c| c.server_histogram = "x{a=\"b\"}".into());
        assert_eq!(
            bad_name.to_string(),
            r#"serverHistogram: "x{a=\"b\"}" is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)"#
        );
        assert_eq!(bad_name.code(), "prometheus.bad-metric-name");
        assert_eq!(error(|c| c.client_histogram = "1x".into()).code(), "prometheus.bad-metric-name");
        assert_eq!(error(|c| c.rate_window_ms = 0), QueryError::ZeroRateWindow);
        assert_eq!(
            error(|c| c.selector = r#"a="b"}) or vector(1"#.into()).to_string(),
            r#"selector "a=\"b\"}) or vector(1": only label matchers are allowed, no brackets"#
        );
        assert_eq!(
            error(|c| c.selector = r#"a="b\"#.into()),
            QueryError::BadSelector { selector: r#"a="b\"#.into(), reason: "a quoted value is not closed" }
        );
        // Brackets inside a quoted value are the value's.
        let mut config = QueryConfig::new(60_000);
        config.selector = r#"path=~"/a/{id}\"(x)""#.into();
        assert_eq!(
            whole_system(&config).expect("valid selector")[2].promql,
            r#"sum by (client, server, connection_type) (rate(traces_service_graph_request_total{path=~"/a/{id}\"(x)"}[1m]))"#
        );
    }

    #[test]
    fn a_neighbourhood_asks_for_edges_with_either_end_in_view() {
        let mut config = QueryConfig::new(300_000);
        config.selector = r#"cluster="prod""#.into();
        let plan = neighbourhood(&config, &["frontend", "cart", "frontend"]).expect("valid config");
        assert_eq!((plan.chunks, plan.too_long.len()), (1, 0));
        assert_eq!(
            texts(&plan.queries),
            [
                r#"sum by (client, server, connection_type, le) (rate(traces_service_graph_request_server_seconds_bucket{cluster="prod", server=~"cart|frontend"}[5m]) or rate(traces_service_graph_request_server_seconds_bucket{cluster="prod", client=~"cart|frontend"}[5m]))"#,
                r#"sum by (client, server, connection_type, le) (rate(traces_service_graph_request_client_seconds_bucket{cluster="prod", server=~"cart|frontend"}[5m]) or rate(traces_service_graph_request_client_seconds_bucket{cluster="prod", client=~"cart|frontend"}[5m]))"#,
                r#"sum by (client, server, connection_type) (rate(traces_service_graph_request_total{cluster="prod", server=~"cart|frontend"}[5m]) or rate(traces_service_graph_request_total{cluster="prod", client=~"cart|frontend"}[5m]))"#,
                r#"sum by (client, server, connection_type) (rate(traces_service_graph_request_failed_total{cluster="prod", server=~"cart|frontend"}[5m]) or rate(traces_service_graph_request_failed_total{cluster="prod", client=~"cart|frontend"}[5m]))"#,
            ]
        );
        assert_eq!(
            neighbourhood(&config, &[]).expect("valid config"),
            NeighbourhoodPlan { queries: vec![], chunks: 0, too_long: vec![] }
        );
    }

    #[test]
    fn service_names_are_escaped_for_re2_then_for_the_promql_string() {
        let name = r#"a.b|c"d\e"#;
        assert_eq!(regex_literal(name), r#"a\.b\|c"d\\e"#);
        assert_eq!(promql_string_body(&regex_literal(name)), r#"a\\.b\\|c\"d\\\\e"#);
        assert_eq!(regex_literal("x+(y)*?[z]{1}^$"), r"x\+\(y\)\*\?\[z\]\{1\}\^\$");
        assert_eq!(promql_string_body("tab\tnew\nnul\u{0}"), r"tab\tnew\nnul\x00");
        let plan = neighbourhood(&QueryConfig::new(300_000), &[name]).expect("valid config");
        assert_eq!(
            plan.queries[2].promql,
            r#"sum by (client, server, connection_type) (rate(traces_service_graph_request_total{server=~"a\\.b\\|c\"d\\\\e"}[5m]) or rate(traces_service_graph_request_total{client=~"a\\.b\\|c\"d\\\\e"}[5m]))"#
        );
    }

    #[test]
    fn form_bodies_carry_the_query_and_the_time() {
        let query = &whole_system(&QueryConfig::new(300_000)).expect("valid config")[2];
        assert_eq!(
            query.form_body(1_796_255_520_500),
            "query=sum%20by%20%28client%2C%20server%2C%20connection_type%29%20%28rate%28traces_service_graph_request_total%5B5m%5D%29%29&time=1796255520.500"
        );
        assert_eq!(query.encoded_query_len(), query.form_body(0).len() - "&time=0.000".len());
    }

    /// 267 bytes of the longest query (the client histogram's) plus 24 for the first `service-NNNN` (twice) and 30
    /// for each further one (twice, with `%7C`): 230 services a chunk, 22 chunks.
    const CHUNKS_AT_7_KIB: usize = 22;
    /// With the messaging histogram's longer name (287 bytes) under 2 KiB: 58 services a chunk, 87 chunks.
    const CHUNKS_AT_2_KIB: usize = 87;

    /// `service-0000` … `service-4999`.
    fn many_services(count: usize) -> Vec<String> {
        (0..count).map(|i| format!("service-{i:04}")).collect()
    }

    #[test]
    fn five_thousand_services_are_chunked_under_the_limit() {
        let names = many_services(5000);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let config = QueryConfig::new(300_000);
        let plan = neighbourhood(&config, &names).expect("valid config");
        assert_eq!((plan.chunks, plan.queries.len(), plan.too_long.len()), (CHUNKS_AT_7_KIB, 4 * CHUNKS_AT_7_KIB, 0));
        for query in &plan.queries {
            assert!(query.encoded_query_len() <= DEFAULT_MAX_QUERY_BYTES, "{}", query.encoded_query_len());
        }
        // Every service is asked for exactly once per figure.
        let asked: usize = plan
            .queries
            .iter()
            .filter(|q| q.kind == QueryKind::Requests)
            .map(|q| q.promql.matches("service-").count())
            .sum();
        assert_eq!(asked, 2 * 5000);
        // Chunks are full: the longest query of each but the last would not take one more service.
        for chunk in 0..plan.chunks - 1 {
            let longest = plan
                .queries
                .iter()
                .filter(|q| q.chunk == chunk)
                .map(PlannedQuery::encoded_query_len)
                .max()
                .unwrap_or(0);
            assert!(longest + 2 * (12 + 3) > DEFAULT_MAX_QUERY_BYTES, "chunk {chunk}: {longest}");
        }
        // The whole system: still four.
        assert_eq!(whole_system(&config).expect("valid config").len(), 4);
        // A 2 KiB limit takes more chunks; with the messaging histogram, five queries each.
        let small = QueryConfig { max_query_bytes: 2048, messaging: true, ..config };
        let plan = neighbourhood(&small, &names).expect("valid config");
        assert_eq!((plan.chunks, plan.queries.len()), (CHUNKS_AT_2_KIB, 5 * CHUNKS_AT_2_KIB));
    }

    #[test]
    fn a_name_too_long_for_any_query_is_left_out_and_named() {
        let long = "\\".repeat(256);
        let plan = neighbourhood(&QueryConfig { max_query_bytes: 2048, ..QueryConfig::new(300_000) }, &[&long, "cart"])
            .expect("valid config");
        assert_eq!((plan.chunks, plan.too_long), (1, vec![long]));
        assert!(plan.queries[0].promql.contains(r#"server=~"cart""#));
        let error = neighbourhood(&QueryConfig { max_query_bytes: 100, ..QueryConfig::new(300_000) }, &["cart"])
            .expect_err("too small");
        assert_eq!(
            error.to_string(),
            "max query bytes 100 cannot hold even one service's query (267 bytes without any service)"
        );
    }
}
