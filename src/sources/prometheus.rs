//! The Prometheus source (`type: 'prometheus'`): its own keys beside the common ones (`selector`, histogram names,
//! `rateWindow`, `serviceLabels`, `histograms`, `messaging`, `time`, `view`, `queries`) and the requests of one round
//! — POSTs of `prometheus::queries`' instant queries, then of the extra `queries`, to `{baseUrl}/api/v1/query`, as
//! form bodies.
//!
//! Owns reading and validating those keys (a selector or metric name the queries cannot be written from is refused
//! here, naming its key, not in the middle of a round) and choosing the view: the services given → their
//! neighbourhood, chunked; none, or `view: 'system'` → the whole system, a fixed number of queries. It knows no
//! PromQL of its own ([`crate::prometheus::queries`]) and reads no answer ([`crate::prometheus::service_graph`]).

use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer};

use super::config::SourceConfig;
use super::plan::{Planned, Step};
use super::report::{FailureReason, PollFailure, PollReport};
use crate::heatmap::Warning;
use crate::duration::{parse_duration_ms, DurationValue};
use crate::options::OptionError;
use crate::prometheus::extra_queries::MAX_EXTRA_QUERIES;
use crate::prometheus::queries::{
    form_body, is_label_name, neighbourhood, whole_system, HistogramFormat, QueryConfig, QueryError, QueryKind,
    DEFAULT_CLIENT_HISTOGRAM, DEFAULT_SERVER_HISTOGRAM, QUERY_PATH,
};
use crate::prometheus::service_graph::{AnswerReport, ServiceGraph, ServiceLabels};

/// The `rateWindow` when neither it nor the map's `window` gives one (a map whose window is `"all"`).
pub const FALLBACK_RATE_WINDOW_MS: f64 = 5.0 * 60_000.0;

/// Which edges a round asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrometheusView {
    /// Every edge in Prometheus: a fixed number of queries, however many services.
    System,
    /// Only edges touching `services` (as client or server), chunked under the URL limit.
    Neighbourhood,
}

/// `histograms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HistogramsChoice {
    Classic,
    Native,
}

/// `serviceLabels`: which labels name an edge's two services.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceLabelsConfig {
    #[serde(default = "default_client_label", deserialize_with = "label_name")]
    pub client: String,
    #[serde(default = "default_server_label", deserialize_with = "label_name")]
    pub server: String,
}

impl Default for ServiceLabelsConfig {
    fn default() -> Self {
        ServiceLabelsConfig { client: default_client_label(), server: default_server_label() }
    }
}

fn default_client_label() -> String {
    "client".to_owned()
}

fn default_server_label() -> String {
    "server".to_owned()
}

/// A Prometheus source's own keys. Durations are in ms.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusSource {
    /// Extra label matchers in every selector (`cluster="prod"`).
    #[serde(default)]
    pub selector: String,
    #[serde(default = "default_server_histogram")]
    pub server_histogram: String,
    #[serde(default = "default_client_histogram")]
    pub client_histogram: String,
    /// The `rate()` window; `None` → the map's `window`.
    #[serde(default, deserialize_with = "optional_positive_ms")]
    pub rate_window: Option<f64>,
    #[serde(default)]
    pub service_labels: ServiceLabelsConfig,
    #[serde(default = "default_histograms")]
    pub histograms: HistogramsChoice,
    /// Ask for Tempo's messaging-system histogram too.
    #[serde(default)]
    pub messaging: bool,
    /// The evaluation time (ms since the epoch) for replays and tests; `None` → the poll's wall clock.
    #[serde(default, deserialize_with = "optional_time")]
    pub time: Option<f64>,
    /// `None` → the neighbourhood of `services` when there are any, else the whole system.
    #[serde(default)]
    pub view: Option<PrometheusView>,
    /// Extra PromQL shown per service (statusgraph's `queries`), at most [`MAX_EXTRA_QUERIES`].
    #[serde(default, deserialize_with = "extra_queries")]
    pub queries: Vec<ExtraQuery>,
}

/// One of `queries`: PromQL evaluated each round, each sample's `serviceLabel` label naming its service.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExtraQuery {
    #[serde(deserialize_with = "non_empty")]
    pub name: String,
    #[serde(deserialize_with = "non_empty")]
    pub query: String,
    #[serde(deserialize_with = "label_name")]
    pub service_label: String,
}

fn default_server_histogram() -> String {
    DEFAULT_SERVER_HISTOGRAM.to_owned()
}

fn default_client_histogram() -> String {
    DEFAULT_CLIENT_HISTOGRAM.to_owned()
}

fn default_histograms() -> HistogramsChoice {
    HistogramsChoice::Classic
}

/// The requests of one Prometheus round and what it could not ask.
#[derive(Debug, Clone, PartialEq)]
pub struct PrometheusPlan {
    pub requests: Vec<Planned>,
    /// The window the `rate()`s cover (ms).
    pub rate_window_ms: f64,
    /// The evaluation time (ms since the epoch).
    pub time_ms: f64,
    /// Neighbourhood chunks (0 for the whole system).
    pub chunks: usize,
    /// Services whose name alone is too long for one query: left out.
    pub too_long: Vec<String>,
}

impl PrometheusSource {
    /// Checks that the queries can be written (names, selector, a service's room in a chunk), naming the key.
    pub fn check(&self, services: &[String]) -> Result<(), OptionError> {
        if self.view == Some(PrometheusView::Neighbourhood) && services.is_empty() {
            return Err(OptionError::BadValue {
                path: "services".into(),
                message: "a neighbourhood view needs at least one service to ask for".into(),
            });
        }
        for (index, query) in self.queries.iter().enumerate() {
            // The names label the values on the nodes.
            if self.queries[..index].iter().any(|earlier| earlier.name == query.name) {
                return Err(OptionError::BadValue {
                    path: format!("queries[{index}].name"),
                    message: format!("{} is already the name of an earlier query", crate::quote::quoted(&query.name)),
                });
            }
        }
        let config = self.query_config(self.rate_window.unwrap_or(FALLBACK_RATE_WINDOW_MS));
        let probe: Vec<&str> = services.iter().map(String::as_str).take(1).collect();
        neighbourhood(&config, &probe).map(|_| ()).map_err(|error| {
            let key = key_of(&error);
            let message = error.to_string();
            // The query errors name their key themselves; the path says it already.
            let message = message.strip_prefix(key).map_or(message.as_str(), |rest| rest.trim_start_matches(':').trim_start());
            OptionError::BadValue { path: key.into(), message: message.to_owned() }
        })
    }

    /// The labels naming an edge's services.
    pub fn labels(&self) -> ServiceLabels {
        ServiceLabels { client: self.service_labels.client.clone(), server: self.service_labels.server.clone() }
    }

    fn query_config(&self, rate_window_ms: f64) -> QueryConfig {
        let mut config = QueryConfig::new(rate_window_ms.ceil().max(1.0) as u64);
        config.server_histogram = self.server_histogram.clone();
        config.client_histogram = self.client_histogram.clone();
        config.selector = self.selector.clone();
        config.histograms = match self.histograms {
            HistogramsChoice::Classic => HistogramFormat::Classic,
            HistogramsChoice::Native => HistogramFormat::Native,
        };
        config.messaging = self.messaging;
        config
    }
}

/// The config key a query error is about.
fn key_of(error: &QueryError) -> &'static str {
    match error {
        QueryError::BadMetricName { field, .. } => field,
        QueryError::ZeroRateWindow => "rateWindow",
        QueryError::BadSelector { .. } | QueryError::LimitTooSmall { .. } => "selector",
    }
}

/// One round's POSTs: `map_window_ms` is the map's `window` (`None` for `"all"`), `now_ms` the wall clock.
pub fn plan_prometheus(
    source: &SourceConfig,
    prometheus: &PrometheusSource,
    map_window_ms: Option<f64>,
    now_ms: f64,
) -> Result<PrometheusPlan, QueryError> {
    let rate_window_ms = prometheus.rate_window.or(map_window_ms).unwrap_or(FALLBACK_RATE_WINDOW_MS);
    let config = prometheus.query_config(rate_window_ms);
    let time_ms = prometheus.time.unwrap_or(now_ms);
    let system = prometheus.view == Some(PrometheusView::System) || source.services.is_empty();
    let (queries, chunks, too_long) = if system {
        (whole_system(&config)?, 0, Vec::new())
    } else {
        let services: Vec<&str> = source.services.iter().map(String::as_str).collect();
        let plan = neighbourhood(&config, &services)?;
        (plan.queries, plan.chunks, plan.too_long)
    };
    let url = format!("{}{QUERY_PATH}", source.base());
    // Prometheus takes `time` in (fractional) seconds; whole milliseconds are exact enough.
    let time = time_ms.max(0.0).round() as u64;
    let extra = prometheus.queries.iter().enumerate().map(|(index, extra)| Planned {
        url: url.clone(),
        body: Some(form_body(&extra.query, time)),
        step: Step::Extra(index),
    });
    let requests = queries
        .into_iter()
        .map(|query| Planned { url: url.clone(), body: Some(query.form_body(time)), step: Step::Metrics(query.kind) })
        .chain(extra)
        .collect();
    Ok(PrometheusPlan { requests, rate_window_ms: config.rate_window_ms as f64, time_ms: time as f64, chunks, too_long })
}

impl PollReport {
    /// The round's query budget, and a warning for each service too long to be asked for.
    pub fn planned(&mut self, plan: &PrometheusPlan) {
        self.queries = plan.requests.len() as u64;
        for service in &plan.too_long {
            self.warnings.push(Warning {
                code: "prometheus.service-name-too-long".to_owned(),
                message: format!("service {} is too long for one query and was not asked for", crate::quote::quoted(service)),
            });
        }
    }
}

/// One Prometheus answer into the report: its skipped samples (under their codes, beyond the described ones
/// `prometheus.samples-skipped`) and Prometheus's own warnings (`prometheus.warning`) as warnings naming the
/// query's `figure` ([`figure`], or an extra query's name); or, when it could not be read at all, a failure —
/// `poll.api-error` for Prometheus's error envelope, `poll.unreadable` for anything else. True when the answer was
/// read.
pub fn take_answer(report: &mut PollReport, planned: &Planned, figure: &str, answer: AnswerReport) -> bool {
    if let Some(error) = answer.error {
        let reason = if error.code == "prometheus.api-error" {
            FailureReason::ApiError(error.message)
        } else {
            FailureReason::Unreadable(error.message)
        };
        report.failures.push(PollFailure { url: planned.described(), reason });
        return false;
    }
    let described = answer.problems.len();
    for problem in answer.problems {
        report.warnings.push(Warning { code: problem.code.to_owned(), message: format!("{figure} query: {}", problem.message) });
    }
    if answer.skipped > described {
        report.warnings.push(Warning {
            code: "prometheus.samples-skipped".to_owned(),
            message: format!("{figure} query: {} more samples skipped", answer.skipped - described),
        });
    }
    for warning in answer.warnings {
        report.warnings.push(Warning { code: "prometheus.warning".to_owned(), message: format!("{figure} query: {warning}") });
    }
    true
}

/// The services a round knows, whose extra query values are kept: those it asked for (`services`) and those on
/// either end of an edge its service graph answered.
pub fn known_services<'a>(source: &'a SourceConfig, graph: &'a ServiceGraph) -> BTreeSet<&'a str> {
    let ends = graph.edges.iter().flat_map(|(edge, _)| [edge.client.as_str(), edge.server.as_str()]);
    source.services.iter().map(String::as_str).chain(ends).collect()
}

/// The name of a query's figure, in warnings.
pub fn figure(kind: QueryKind) -> &'static str {
    match kind {
        QueryKind::ServerLatency => "server latency",
        QueryKind::ClientLatency => "client latency",
        QueryKind::MessagingLatency => "messaging latency",
        QueryKind::Requests => "request rate",
        QueryKind::FailedRequests => "failed-request rate",
    }
}

/// A Prometheus label name (`[a-zA-Z_][a-zA-Z0-9_]*`): it is put into queries and read back from answers.
fn label_name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let name = String::deserialize(deserializer)?;
    if is_label_name(&name) {
        Ok(name)
    } else {
        Err(serde::de::Error::custom(format!(
            "{} is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)",
            crate::quote::quoted(&name)
        )))
    }
}

fn non_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    if text.trim().is_empty() {
        Err(serde::de::Error::custom("must not be empty"))
    } else {
        Ok(text)
    }
}

/// `queries`: at most [`MAX_EXTRA_QUERIES`].
fn extra_queries<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<ExtraQuery>, D::Error> {
    let queries = Vec::<ExtraQuery>::deserialize(deserializer)?;
    if queries.len() > MAX_EXTRA_QUERIES {
        return Err(serde::de::Error::custom(format!(
            "{} queries, at most {MAX_EXTRA_QUERIES} (each is one more request per poll)",
            queries.len()
        )));
    }
    Ok(queries)
}

fn optional_positive_ms<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let ms = match DurationValue::deserialize(deserializer)? {
        DurationValue::Millis(ms) => ms,
        DurationValue::Text(text) => parse_duration_ms(&text).map_err(serde::de::Error::custom)?,
    };
    if ms.is_finite() && ms >= 1.0 {
        Ok(Some(ms))
    } else {
        Err(serde::de::Error::custom(format!("{ms} is not a number of milliseconds of at least 1")))
    }
}

fn optional_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let ms = f64::deserialize(deserializer)?;
    if ms.is_finite() && ms >= 0.0 {
        Ok(Some(ms))
    } else {
        Err(serde::de::Error::custom(format!("{ms} is not a time in ms since the Unix epoch")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<(SourceConfig, Vec<String>), String> {
        SourceConfig::from_json(json.as_bytes())
            .map(|(config, unknown)| (config, unknown.iter().map(ToString::to_string).collect()))
            .map_err(|error| error.to_string())
    }

    fn prometheus(config: &SourceConfig) -> &PrometheusSource {
        config.prometheus.as_ref().expect("a prometheus source")
    }

    #[test]
    fn defaults_need_only_type_and_base_url() {
        let (config, unknown) = read(r#"{"type":"prometheus","baseUrl":"http://p:9090/"}"#).expect("reads");
        assert_eq!(
            prometheus(&config),
            &PrometheusSource {
                selector: String::new(),
                server_histogram: "traces_service_graph_request_server_seconds".into(),
                client_histogram: "traces_service_graph_request_client_seconds".into(),
                rate_window: None,
                service_labels: ServiceLabelsConfig { client: "client".into(), server: "server".into() },
                histograms: HistogramsChoice::Classic,
                messaging: false,
                time: None,
                view: None,
                queries: Vec::new(),
            }
        );
        assert_eq!(unknown, Vec::<String>::new());
    }

    #[test]
    fn every_key_is_read_and_trace_keys_of_other_sources_warn() {
        let (config, unknown) = read(
            r#"{"type":"prometheus","baseUrl":"/api/proxy/prom","headers":{"X-Scope-OrgID":"t1"},
                "selector":"cluster=\"prod\"","serverHistogram":"traces_service_graph_request_server",
                "clientHistogram":"traces_service_graph_request_client","rateWindow":"2m",
                "serviceLabels":{"client":"src","server":"dst"},"histograms":"native","messaging":true,
                "time":1796214720000,"view":"system","services":["a"],"rateWindw":"1m"}"#,
        )
        .expect("reads");
        let source = prometheus(&config);
        assert_eq!(source.selector, "cluster=\"prod\"");
        assert_eq!((source.server_histogram.as_str(), source.client_histogram.as_str()),
            ("traces_service_graph_request_server", "traces_service_graph_request_client"));
        assert_eq!((source.rate_window, source.time), (Some(120_000.0), Some(1_796_214_720_000.0)));
        assert_eq!(source.labels(), ServiceLabels { client: "src".into(), server: "dst".into() });
        assert_eq!((source.histograms, source.messaging, source.view),
            (HistogramsChoice::Native, true, Some(PrometheusView::System)));
        assert_eq!(config.headers.get("X-Scope-OrgID").map(String::as_str), Some("t1"));
        assert_eq!(unknown, vec![r#"unknown key "rateWindw" is ignored (did you mean "rateWindow"?)"#]);

        let (_, unknown) = read(r#"{"type":"jaeger","baseUrl":"http://j","services":["a"],"selector":"x=\"1\""}"#)
            .expect("reads");
        assert_eq!(unknown.len(), 1);
        assert!(unknown[0].starts_with(r#"unknown key "selector" is ignored"#), "{unknown:?}");
    }

    #[test]
    fn bad_values_name_their_key() {
        let bad = |extra: &str| read(&format!(r#"{{"type":"prometheus","baseUrl":"http://p",{extra}}}"#)).map(|_| ());
        assert_eq!(
            bad(r#""serverHistogram":"server seconds""#),
            Err(r#"serverHistogram: "server seconds" is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)"#.into())
        );
        assert_eq!(
            bad(r#""selector":"x=\"1\"} or vector(1) or {y=\"2\"""#).map_err(|e| e.split(':').next().map(str::to_owned)),
            Err(Some("selector".into()))
        );
        assert_eq!(bad(r#""rateWindow":"0s""#), Err("rateWindow: 0 is not a number of milliseconds of at least 1".into()));
        assert_eq!(bad(r#""time":-1"#), Err("time: -1 is not a time in ms since the Unix epoch".into()));
        assert_eq!(
            bad(r#""histograms":"sparse""#),
            Err("histograms: unknown variant `sparse`, expected `classic` or `native`".into())
        );
        assert_eq!(
            bad(r#""serviceLabels":{"client":"peer.service"}"#),
            Err(r#"serviceLabels.client: "peer.service" is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)"#.into())
        );
        assert_eq!(
            bad(r#""view":"neighbourhood""#),
            Err("services: a neighbourhood view needs at least one service to ask for".into())
        );
    }

    #[test]
    fn no_services_is_the_whole_system_and_services_their_neighbourhood() {
        let (system, _) = read(r#"{"type":"prometheus","baseUrl":"http://p:9090/","rateWindow":"5m"}"#).expect("reads");
        let plan = plan_prometheus(&system, prometheus(&system), Some(60_000.0), 1_796_214_720_123.4).expect("plans");
        assert_eq!((plan.requests.len(), plan.chunks, plan.rate_window_ms, plan.time_ms), (4, 0, 300_000.0, 1_796_214_720_123.0));
        assert!(plan.requests.iter().all(|r| r.url == "http://p:9090/api/v1/query"));
        assert_eq!(
            plan.requests[0].body.as_deref(),
            Some("query=sum%20by%20%28client%2C%20server%2C%20connection_type%2C%20le%29%20%28rate%28traces_service_graph_request_server_seconds_bucket%5B5m%5D%29%29&time=1796214720.123")
        );
        assert_eq!(
            plan.requests.iter().map(|r| r.step).collect::<Vec<_>>(),
            [
                Step::Metrics(crate::prometheus::queries::QueryKind::ServerLatency),
                Step::Metrics(crate::prometheus::queries::QueryKind::ClientLatency),
                Step::Metrics(crate::prometheus::queries::QueryKind::Requests),
                Step::Metrics(crate::prometheus::queries::QueryKind::FailedRequests),
            ]
        );

        let (near, _) = read(r#"{"type":"prometheus","baseUrl":"http://p","services":["cart","checkout"],"time":60000}"#)
            .expect("reads");
        let plan = plan_prometheus(&near, prometheus(&near), Some(60_000.0), 5.0).expect("plans");
        assert_eq!((plan.requests.len(), plan.chunks, plan.rate_window_ms, plan.time_ms), (4, 1, 60_000.0, 60_000.0));
        let body = plan.requests[2].body.as_deref().expect("a body");
        assert!(body.contains("server%3D~%22cart%7Ccheckout%22"), "{body}");
        assert!(body.ends_with("&time=60.000"), "{body}");

        let (forced, _) =
            read(r#"{"type":"prometheus","baseUrl":"http://p","services":["cart"],"view":"system"}"#).expect("reads");
        let plan = plan_prometheus(&forced, prometheus(&forced), None, 0.0).expect("plans");
        assert_eq!((plan.chunks, plan.rate_window_ms), (0, FALLBACK_RATE_WINDOW_MS));
    }

    #[test]
    fn answers_become_warnings_naming_their_figure_or_failures() {
        use crate::prometheus::service_graph::ServiceGraphRound;
        let planned = Planned {
            url: "http://p/api/v1/query".into(),
            body: Some("query=q&time=1".into()),
            step: Step::Metrics(QueryKind::Requests),
        };
        let mut round = ServiceGraphRound::new(ServiceLabels::default(), 300_000.0);
        let mut report = PollReport::default();
        let odd = br#"{"status":"success","warnings":["PromQL info: slow"],"data":{"resultType":"vector","result":[
            {"metric":{"server":"b"},"value":[1,"2"]},{"metric":{"client":"a","server":"b"},"value":[1,"fast"]},
            {"metric":{"client":"a","server":"c"},"value":[1,"3"]}]}}"#;
        assert!(take_answer(&mut report, &planned, figure(QueryKind::Requests), round.add_answer(QueryKind::Requests, odd)));
        assert_eq!(
            report.warnings.iter().map(|w| format!("{} {}", w.code, w.message)).collect::<Vec<_>>(),
            [
                "prometheus.bad-value request rate query: value \"fast\" is not a number",
                "metrics.no-service-label request rate query: no `client` label: the series names no service",
                "prometheus.warning request rate query: PromQL info: slow",
            ]
        );
        let refused = br#"{"status":"error","errorType":"bad_data","error":"1:5: parse error"}"#;
        assert!(!take_answer(&mut report, &planned, figure(QueryKind::Requests), round.add_answer(QueryKind::Requests, refused)));
        assert!(!take_answer(&mut report, &planned, figure(QueryKind::Requests), round.add_answer(QueryKind::Requests, b"<html>")));
        assert_eq!(
            report.failures.iter().map(|f| (f.url.as_str(), f.reason.code())).collect::<Vec<_>>(),
            [("http://p/api/v1/query?query=q&time=1", "poll.api-error"), ("http://p/api/v1/query?query=q&time=1", "poll.unreadable")]
        );
        assert_eq!(report.failures[0].reason.to_string(), "Prometheus answered bad_data: 1:5: parse error");
    }

    #[test]
    fn extra_queries_are_read_bounded_and_named_by_their_index() {
        let (config, unknown) = read(
            r#"{"type":"prometheus","baseUrl":"http://p","queries":[
                {"name":"rps","query":"sum by (server) (rate(x[5m]))","serviceLabel":"server"}]}"#,
        )
        .expect("reads");
        assert_eq!(
            prometheus(&config).queries,
            [ExtraQuery { name: "rps".into(), query: "sum by (server) (rate(x[5m]))".into(), service_label: "server".into() }]
        );
        assert_eq!(unknown, Vec::<String>::new());
        let bad = |queries: &str| read(&format!(r#"{{"type":"prometheus","baseUrl":"http://p","queries":{queries}}}"#)).map(|_| ());
        let one = r#"{"name":"a","query":"up","serviceLabel":"job"}"#;
        assert_eq!(
            bad(&format!(r#"[{one},{{"name":"b","query":"up","serviceLabel":"service.name"}}]"#)),
            Err(r#"queries[1].serviceLabel: "service.name" is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)"#.into())
        );
        assert_eq!(bad(r#"[{"name":" ","query":"up","serviceLabel":"job"}]"#), Err("queries[0].name: must not be empty".into()));
        assert_eq!(bad(r#"[{"name":"a","query":"","serviceLabel":"job"}]"#), Err("queries[0].query: must not be empty".into()));
        assert_eq!(bad(r#"[{"name":"a","query":"up"}]"#), Err("queries[0]: missing field `serviceLabel`".into()));
        assert_eq!(
            bad(r#"[{"name":"a","query":"up","serviceLabel":"job","labels":"x"}]"#),
            Err("queries[0].labels: unknown field `labels`, expected one of `name`, `query`, `serviceLabel`".into())
        );
        assert_eq!(
            bad(&format!("[{one},{one}]")),
            Err(r#"queries[1].name: "a" is already the name of an earlier query"#.into())
        );
        let many = (0..21).map(|i| format!(r#"{{"name":"q{i}","query":"up","serviceLabel":"job"}}"#)).collect::<Vec<_>>();
        assert_eq!(
            bad(&format!("[{}]", many.join(","))),
            Err("queries: 21 queries, at most 20 (each is one more request per poll)".into())
        );
        assert_eq!(bad(&format!("[{}]", many[..20].join(","))), Ok(()));
    }

    #[test]
    fn extra_queries_are_posted_after_the_service_graph_at_the_same_time() {
        let (config, _) = read(
            r#"{"type":"prometheus","baseUrl":"http://p/","time":1796214720000,"queries":[
                {"name":"rps","query":"sum by (server) (rate(traces_service_graph_request_total[5m]))","serviceLabel":"server"},
                {"name":"up","query":"up == 1","serviceLabel":"job"}]}"#,
        )
        .expect("reads");
        let plan = plan_prometheus(&config, prometheus(&config), None, 0.0).expect("plans");
        let extra: Vec<_> = plan.requests[4..].iter().map(|r| (r.url.as_str(), r.body.as_deref(), r.step)).collect();
        assert_eq!(
            extra,
            [
                (
                    "http://p/api/v1/query",
                    Some("query=sum%20by%20%28server%29%20%28rate%28traces_service_graph_request_total%5B5m%5D%29%29&time=1796214720.000"),
                    Step::Extra(0)
                ),
                ("http://p/api/v1/query", Some("query=up%20%3D%3D%201&time=1796214720.000"), Step::Extra(1)),
            ]
        );
        let mut report = PollReport::default();
        report.planned(&plan);
        assert_eq!(report.queries, 6);
    }

    #[test]
    fn the_round_knows_the_services_asked_for_and_those_on_its_edges() {
        use crate::prometheus::service_graph::{EdgeFigures, EdgeLabels};
        let (config, _) = read(r#"{"type":"prometheus","baseUrl":"http://p","services":["cart"]}"#).expect("reads");
        let edge = |client: &str, server: &str| {
            let labels = EdgeLabels { client: client.into(), server: server.into(), connection_type: None, virtual_node: None };
            (labels, EdgeFigures::default())
        };
        let graph = ServiceGraph { edges: vec![edge("web", "cart"), edge("cart", "pay")], ..ServiceGraph::default() };
        assert_eq!(known_services(&config, &graph).into_iter().collect::<Vec<_>>(), ["cart", "pay", "web"]);
    }

    #[test]
    fn the_plan_sets_the_query_budget_and_warns_about_names_too_long() {
        let plan = PrometheusPlan { requests: vec![], rate_window_ms: 1.0, time_ms: 0.0, chunks: 0, too_long: vec!["x".repeat(3)] };
        let mut report = PollReport::default();
        report.planned(&plan);
        assert_eq!(report.queries, 0);
        assert_eq!(
            report.warnings,
            [Warning { code: "prometheus.service-name-too-long".into(), message: "service \"xxx\" is too long for one query and was not asked for".into() }]
        );
    }
}
