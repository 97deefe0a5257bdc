//! The source of one poll round (`map.poll(source)`): which backend, where, which services, how far back, how many
//! traces, which headers, how long to wait and how often to try again.
//!
//! Owns the serde shape, its defaults and its validation, read through [`crate::options`] like every other option
//! object: a bad value names its path (`lookback: …`), an unknown key is a warning. It does not know how requests
//! are built from it ([`super::plan`]) or sent (`wasm/poll.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::prometheus::PrometheusSource;
use crate::alertmanager::selector::{Matcher, Selector};
use crate::duration::{parse_duration_ms, DurationValue};
use crate::options::{self, KeySet, OptionError, UnknownKey};

/// Most retries a source may ask for: each costs up to a timeout and a backoff.
pub const MAX_RETRIES: u32 = 10;

/// The backend a source is, which fixes the query API and the format of its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// Jaeger's query API: `GET /api/traces?service=…`, answered in Jaeger JSON.
    Jaeger,
    /// Zipkin's v2 API: `GET /api/v2/traces?serviceName=…`, answered in Zipkin v2 JSON.
    Zipkin,
    /// Grafana Tempo: a search per service, then each trace by id, answered in OTLP JSON.
    Tempo,
    /// `baseUrl` itself answers OTLP JSON (a collector's file exporter served over HTTP, a recorded trace…).
    Otlp,
    /// Prometheus (or Mimir / Thanos) holding service-graph metrics: instant queries POSTed to `/api/v1/query`.
    Prometheus,
    /// Alertmanager's v2 API: `GET /api/v2/alerts` of the firing, unsilenced, uninhibited alerts.
    Alertmanager,
}

/// `map.poll(source)`, read and validated. Durations are in milliseconds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceConfig {
    #[serde(rename = "type")]
    pub kind: SourceKind,
    /// Where the backend's API lives (`https://jaeger.example.com`, or Backstage's proxy path); a trailing `/` is
    /// ignored. For `otlp`, the URL of the document itself.
    #[serde(deserialize_with = "base_url")]
    pub base_url: String,
    /// The telemetry services to ask for, one query each (not used by `otlp`).
    #[serde(default)]
    pub services: Vec<String>,
    /// How far back each query reaches (default 5 min).
    #[serde(default = "default_lookback", deserialize_with = "positive_ms")]
    pub lookback: f64,
    /// Traces per query (default 200); for Tempo also the most traces fetched by id in one round.
    #[serde(default = "default_limit", deserialize_with = "limit")]
    pub limit: u32,
    /// Sent with every request (an `Authorization` token, a tenant header).
    #[serde(default, deserialize_with = "headers")]
    pub headers: BTreeMap<String, String>,
    /// Per request, from sending to the last byte of the answer (default 10 s).
    #[serde(default = "default_timeout", deserialize_with = "positive_ms")]
    pub timeout: f64,
    /// Further tries of a request that failed in a way that may pass: network error, timeout, 429, 5xx (default 2).
    #[serde(default = "default_retries", deserialize_with = "retries")]
    pub retries: u32,
    /// A Prometheus source's own keys, read from the same object (`None` for the trace sources).
    #[serde(skip)]
    pub prometheus: Option<PrometheusSource>,
    /// An Alertmanager source's `filter`: label matchers sent as `filter=` (`['team="checkout"', 'env=~"prod|eu"']`).
    #[serde(skip)]
    pub alert_filter: Vec<Matcher>,
}

/// The key only an Alertmanager source has.
#[derive(Deserialize)]
struct AlertmanagerKeys {
    #[serde(default)]
    filter: Vec<String>,
}

fn default_lookback() -> f64 {
    5.0 * 60_000.0
}

fn default_limit() -> u32 {
    200
}

fn default_timeout() -> f64 {
    10_000.0
}

fn default_retries() -> u32 {
    2
}

impl SourceConfig {
    /// Reads a source object: errors name their path, unknown keys come back for warnings.
    pub fn from_json(json: &[u8]) -> Result<(SourceConfig, Vec<UnknownKey>), OptionError> {
        let value = options::object(json)?;
        let mut config: SourceConfig = options::section(&value)?;
        let mut keys = KeySet::of::<SourceConfig>();
        if config.kind == SourceKind::Prometheus {
            let prometheus: PrometheusSource = options::section(&value)?;
            prometheus.check(&config.services)?;
            config.prometheus = Some(prometheus);
            keys = keys.and(KeySet::of::<PrometheusSource>());
        }
        if config.kind == SourceKind::Alertmanager {
            let AlertmanagerKeys { filter } = options::section(&value)?;
            for (index, text) in filter.iter().enumerate() {
                let selector = Selector::parse(text)
                    .map_err(|error| OptionError::BadValue { path: format!("filter[{index}]"), message: error.to_string() })?;
                config.alert_filter.extend(selector.matchers().iter().cloned());
            }
            keys = keys.and(KeySet::of::<AlertmanagerKeys>());
        }
        let needs_services = !matches!(config.kind, SourceKind::Otlp | SourceKind::Prometheus | SourceKind::Alertmanager);
        if needs_services && config.services.is_empty() {
            return Err(OptionError::BadValue {
                path: "services".into(),
                message: format!("a {} source needs at least one service to ask for", config.kind.name()),
            });
        }
        if let Some(index) = config.services.iter().position(|service| service.trim().is_empty()) {
            return Err(OptionError::BadValue { path: format!("services[{index}]"), message: "empty service name".into() });
        }
        Ok((config, keys.unknown(&value)))
    }

    /// `baseUrl` without its trailing slashes, so paths can be appended.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

impl SourceKind {
    /// As written in the config.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Jaeger => "jaeger",
            SourceKind::Zipkin => "zipkin",
            SourceKind::Tempo => "tempo",
            SourceKind::Otlp => "otlp",
            SourceKind::Prometheus => "prometheus",
            SourceKind::Alertmanager => "alertmanager",
        }
    }
}

fn base_url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let url = String::deserialize(deserializer)?;
    if url.trim().is_empty() {
        return Err(serde::de::Error::custom("empty URL"));
    }
    if url.chars().any(char::is_whitespace) {
        return Err(serde::de::Error::custom(format!("{url:?} has white space in it")));
    }
    Ok(url)
}

/// A duration as text (`"5m"`) or milliseconds; must be above zero.
fn positive_ms<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let ms = match DurationValue::deserialize(deserializer)? {
        DurationValue::Millis(ms) => ms,
        DurationValue::Text(text) => parse_duration_ms(&text).map_err(serde::de::Error::custom)?,
    };
    if ms.is_finite() && ms > 0.0 {
        Ok(ms)
    } else {
        Err(serde::de::Error::custom(format!("{ms} is not a positive finite number of milliseconds")))
    }
}

/// Header names that are HTTP tokens and values `fetch` takes (Latin-1, no NUL, CR or LF): anything else would
/// throw inside `Headers.set`, in the middle of a round, instead of naming the header here.
fn headers<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error> {
    let headers = BTreeMap::<String, String>::deserialize(deserializer)?;
    let token = |name: &str| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    for (name, value) in &headers {
        if !token(name) {
            return Err(serde::de::Error::custom(format!("{} is not a header name", crate::quote::quoted(name))));
        }
        if value.chars().any(|c| matches!(c, '\0' | '\r' | '\n') || u32::from(c) > 0xFF) {
            return Err(serde::de::Error::custom(format!(
                "the value of {} has a character a header cannot carry (NUL, CR, LF or beyond Latin-1)",
                crate::quote::quoted(name)
            )));
        }
    }
    Ok(headers)
}

fn limit<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    match u32::deserialize(deserializer)? {
        0 => Err(serde::de::Error::custom("must be at least 1, got 0")),
        limit => Ok(limit),
    }
}

fn retries<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    match u32::deserialize(deserializer)? {
        retries if retries > MAX_RETRIES => {
            Err(serde::de::Error::custom(format!("must be at most {MAX_RETRIES}, got {retries}")))
        }
        retries => Ok(retries),
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

    #[test]
    fn defaults_fill_everything_but_type_base_url_and_services() {
        let (config, unknown) = read(r#"{"type":"jaeger","baseUrl":"http://j:16686/","services":["cart"]}"#).expect("reads");
        assert_eq!(
            config,
            SourceConfig {
                kind: SourceKind::Jaeger,
                base_url: "http://j:16686/".into(),
                services: vec!["cart".into()],
                lookback: 300_000.0,
                limit: 200,
                headers: BTreeMap::new(),
                timeout: 10_000.0,
                retries: 2,
                prometheus: None,
                alert_filter: Vec::new(),
            }
        );
        assert_eq!(config.base(), "http://j:16686");
        assert_eq!(unknown, Vec::<String>::new());
    }

    #[test]
    fn every_key_is_read() {
        let (config, _) = read(
            r#"{"type":"tempo","baseUrl":"/api/proxy/tempo","services":["a","b"],"lookback":"90s","limit":20,
                "headers":{"X-Scope-OrgID":"t1"},"timeout":2500,"retries":0}"#,
        )
        .expect("reads");
        assert_eq!(config.kind, SourceKind::Tempo);
        assert_eq!((config.lookback, config.limit, config.timeout, config.retries), (90_000.0, 20, 2_500.0, 0));
        assert_eq!(config.headers.get("X-Scope-OrgID").map(String::as_str), Some("t1"));
    }

    #[test]
    fn otlp_needs_no_services() {
        let (config, _) = read(r#"{"type":"otlp","baseUrl":"http://h/traces.json"}"#).expect("reads");
        assert_eq!((config.kind, config.services.len()), (SourceKind::Otlp, 0));
    }

    #[test]
    fn bad_values_name_their_path() {
        let base = r#""baseUrl":"http://h","services":["a"]"#;
        assert_eq!(read(&format!(r#"{{"type":"jaegr",{base}}}"#)).map(|_| ()), Err(
            "type: unknown variant `jaegr`, expected one of `jaeger`, `zipkin`, `tempo`, `otlp`, `prometheus`, `alertmanager`".into()
        ));
        assert_eq!(read(r#"{"baseUrl":"http://h"}"#).map(|_| ()), Err("(the object): missing field `type`".into()));
        assert_eq!(read(r#"{"type":"zipkin","baseUrl":" ","services":["a"]}"#).map(|_| ()), Err("baseUrl: empty URL".into()));
        assert_eq!(
            read(r#"{"type":"zipkin","baseUrl":"http://h"}"#).map(|_| ()),
            Err("services: a zipkin source needs at least one service to ask for".into())
        );
        assert_eq!(
            read(r#"{"type":"zipkin","baseUrl":"http://h","services":["a",""]}"#).map(|_| ()),
            Err("services[1]: empty service name".into())
        );
        assert_eq!(
            read(&format!(r#"{{"type":"jaeger",{base},"lookback":"soon"}}"#)).map(|_| ()),
            Err("lookback: \"soon\" has no number (expected e.g. 300ms, 1.5s, 250us)".into())
        );
        assert_eq!(
            read(&format!(r#"{{"type":"jaeger",{base},"timeout":0}}"#)).map(|_| ()),
            Err("timeout: 0 is not a positive finite number of milliseconds".into())
        );
        assert_eq!(
            read(&format!(r#"{{"type":"jaeger",{base},"limit":0}}"#)).map(|_| ()),
            Err("limit: must be at least 1, got 0".into())
        );
        assert_eq!(
            read(&format!(r#"{{"type":"jaeger",{base},"retries":11}}"#)).map(|_| ()),
            Err("retries: must be at most 10, got 11".into())
        );
        assert_eq!(
            read(&format!(r#"{{"type":"jaeger",{base},"headers":{{"a":1}}}}"#)).map(|_| ()),
            Err("headers.a: invalid type: integer `1`, expected a string".into())
        );
        assert_eq!(
            read(&format!(r#"{{"type":"jaeger",{base},"headers":{{"X Org":"1"}}}}"#)).map(|_| ()),
            Err("headers: \"X Org\" is not a header name".into())
        );
        assert_eq!(
            read(&format!(r#"{{"type":"jaeger",{base},"headers":{{"X-Org":"a\nb"}}}}"#)).map(|_| ()),
            Err("headers: the value of \"X-Org\" has a character a header cannot carry (NUL, CR, LF or beyond Latin-1)".into())
        );
    }

    #[test]
    fn type_errors_and_value_errors_are_told_apart() {
        let error = |json: &str| SourceConfig::from_json(json.as_bytes()).map(|_| ());
        assert!(matches!(error(r#"{"type":"jaeger","baseUrl":"h","services":"a"}"#), Err(OptionError::WrongType { .. })));
        assert!(matches!(error(r#"{"type":"jaeger","baseUrl":"h","services":["a"],"limit":0}"#), Err(OptionError::BadValue { .. })));
    }

    #[test]
    fn unknown_keys_are_warnings() {
        let (_, unknown) =
            read(r#"{"type":"jaeger","baseUrl":"http://h","services":["a"],"lookbak":"1m"}"#).expect("reads");
        assert_eq!(unknown, vec![r#"unknown key "lookbak" is ignored (did you mean "lookback"?)"#]);
    }
}
