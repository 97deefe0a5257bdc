//! Alertmanager `GET /api/v2/alerts` answers, read as they stream: a JSON array of `gettableAlert`s.
//!
//! Owns the item shape (`labels`, `annotations`, `startsAt`, `endsAt`, `updatedAt`, `fingerprint`, `receivers`,
//! `status: {state, silencedBy, inhibitedBy, mutedBy}`, `generatorURL`, in any key order; `mutedBy` only exists
//! since 0.28), leaving out alerts that are silenced, inhibited or otherwise suppressed (counted, whatever the query
//! asked: a proxy may drop the query string), and skipping malformed items with a typed, counted problem while the
//! rest are kept. Bytes go through the crate's pull reader (`telemetry/json.rs`); labels and annotations are capped
//! in number and cut to 256 characters as `telemetry/limits.rs` cuts kept text. It does not know what the labels
//! mean or which entity an alert belongs to (`mapping`'s job).

use std::collections::BTreeMap;

use thiserror::Error;

use super::rfc3339::parse_rfc3339_ms;
use crate::quote;
use crate::telemetry::json::{self, Kind, Reader};
use crate::telemetry::limits::{bounded_text, keep_first, read_bounded_map};

/// Labels kept per alert; more are dropped and counted as cut (alerting rules carry a handful).
pub const MAX_LABELS: usize = 64;
/// Annotations kept per alert; more are dropped and counted as cut.
pub const MAX_ANNOTATIONS: usize = 32;
/// Receiver names kept per alert.
pub const MAX_RECEIVERS: usize = 16;
/// A `generatorURL` longer than this is dropped rather than cut: a cut link leads nowhere. Prometheus writes the
/// rule's expression into it, percent-encoded, so it is allowed more than the 256 characters of names.
pub const MAX_URL_BYTES: usize = 2048;
pub use crate::telemetry::limits::MAX_DESCRIBED;

/// Label or annotation name → value.
pub type Labels = BTreeMap<String, String>;

/// The state of an alert that was kept: both fire. (`suppressed` ones are left out.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertState {
    Active,
    /// Not yet run through silences and inhibitions by Alertmanager: firing as far as anyone knows.
    Unprocessed,
}

/// One firing alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub labels: Labels,
    pub annotations: Labels,
    /// ms since the Unix epoch.
    pub starts_at_ms: i64,
    pub ends_at_ms: Option<i64>,
    pub updated_at_ms: Option<i64>,
    /// Alertmanager's hash of the label set (16 hex digits).
    pub fingerprint: String,
    pub receivers: Vec<String>,
    pub generator_url: Option<String>,
    pub state: AlertState,
}

/// Alerts in the answer that do not fire on the map, by why (each alert counted once, in this order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// `silencedBy` is not empty.
    pub silenced: usize,
    /// `inhibitedBy` is not empty.
    pub inhibited: usize,
    /// `suppressed` by a time interval (`mutedBy`), or with no reason given.
    pub muted: usize,
}

/// Why one item of the answer was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AlertProblem {
    #[error("not an object")]
    NotAnObject,
    #[error("no `{0}`")]
    MissingField(&'static str),
    #[error("`{0}` does not have the expected shape")]
    BadField(&'static str),
    #[error("`{field}` {} is not an RFC 3339 time", quote::quoted(.text))]
    BadTime { field: &'static str, text: String },
    #[error("`status.state` {} is not unprocessed, active or suppressed", quote::quoted(.0))]
    UnknownState(String),
}

impl AlertProblem {
    /// Stable, for warnings.
    pub fn code(&self) -> &'static str {
        match self {
            AlertProblem::NotAnObject => "alertmanager.entry-not-object",
            AlertProblem::MissingField(_) => "alertmanager.missing-field",
            AlertProblem::BadField(_) => "alertmanager.bad-field",
            AlertProblem::BadTime { .. } => "alertmanager.bad-time",
            AlertProblem::UnknownState(_) => "alertmanager.unknown-state",
        }
    }
}

/// A skipped item: its index in the answer and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedAlert {
    pub index: usize,
    pub problem: AlertProblem,
}

impl std::fmt::Display for SkippedAlert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "alert [{}] skipped: {}", self.index, self.problem)
    }
}

/// What one answer holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertList {
    /// Firing alerts, in the answer's order.
    pub alerts: Vec<Alert>,
    pub left_out: LeftOut,
    /// The first [`MAX_DESCRIBED`] skipped items; `skipped_total` counts them all.
    pub skipped: Vec<SkippedAlert>,
    pub skipped_total: usize,
    /// Names and values cut to 256 characters, labels, annotations and receivers past their caps dropped, and
    /// `generatorURL`s over [`MAX_URL_BYTES`] dropped.
    pub truncated: u32,
}

/// Why an answer gave no alert list at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AlertsError {
    #[error("Alertmanager answer is not valid JSON (line {line}, column {column}): {message}")]
    Syntax { line: usize, column: usize, message: String },
    #[error("Alertmanager answer ends early (line {line}, column {column})")]
    Truncated { line: usize, column: usize },
    #[error("Alertmanager answer does not have the expected shape (line {line}, column {column}): {message}")]
    Shape { line: usize, column: usize, message: String },
}

impl AlertsError {
    /// Stable, for warnings and poll failures.
    pub fn code(&self) -> &'static str {
        "alertmanager.unreadable"
    }

    fn at(bytes: &[u8], error: json::JsonError) -> AlertsError {
        let (line, column) = error.line_column(bytes);
        match error {
            json::JsonError::Eof { .. } => AlertsError::Truncated { line, column },
            json::JsonError::Syntax { message, .. } => AlertsError::Syntax { line, column, message: message.to_owned() },
            json::JsonError::Shape { message, .. } => AlertsError::Shape { line, column, message },
        }
    }
}

/// Reads one `GET /api/v2/alerts` answer.
pub fn read_alerts(bytes: &[u8]) -> Result<AlertList, AlertsError> {
    let mut json = Reader::new(bytes);
    let mut list = AlertList::default();
    read_list(&mut json, &mut list).map_err(|error| AlertsError::at(bytes, error))?;
    if json.more() {
        return Err(AlertsError::at(bytes, json.shape("the end of the answer")));
    }
    Ok(list)
}

fn read_list(json: &mut Reader<'_>, list: &mut AlertList) -> json::Result<()> {
    if !json.begin_array()? {
        return Err(json.shape("an array of alerts"));
    }
    let mut index = 0;
    while json.next_element()? {
        match read_item(json, &mut list.truncated)? {
            Ok(Item::Firing(alert)) => list.alerts.push(alert),
            Ok(Item::Silenced) => list.left_out.silenced += 1,
            Ok(Item::Inhibited) => list.left_out.inhibited += 1,
            Ok(Item::Muted) => list.left_out.muted += 1,
            Err(problem) => keep_first(&mut list.skipped, &mut list.skipped_total, SkippedAlert { index, problem }),
        }
        index += 1;
    }
    Ok(())
}

enum Item {
    Firing(Alert),
    Silenced,
    Inhibited,
    Muted,
}

/// `status`: the state and how many silences, inhibiting alerts and mute intervals hold the alert.
#[derive(Default)]
struct Status {
    state: Option<String>,
    silenced_by: usize,
    inhibited_by: usize,
    muted_by: usize,
}

/// One item; the whole value is consumed whatever its problem.
fn read_item(json: &mut Reader<'_>, truncated: &mut u32) -> json::Result<Result<Item, AlertProblem>> {
    if !json.object_or_skip()? {
        return Ok(Err(AlertProblem::NotAnObject));
    }
    let mut labels = None;
    let mut annotations = Some(Labels::new());
    let (mut starts_at, mut ends_at, mut updated_at) = (None, None, None);
    let mut fingerprint = None;
    let mut receivers = Some(Vec::new());
    let mut generator_url = Some(None);
    let mut status = None;
    while let Some(key) = json.next_key()? {
        match &*key {
            b"labels" => labels = Some(read_bounded_map(json, MAX_LABELS, truncated)?),
            b"annotations" => annotations = read_bounded_map(json, MAX_ANNOTATIONS, truncated)?,
            b"startsAt" => starts_at = Some(string(json)?),
            b"endsAt" => ends_at = Some(string(json)?),
            b"updatedAt" => updated_at = Some(string(json)?),
            b"fingerprint" => fingerprint = Some(string(json)?),
            b"receivers" => receivers = read_receivers(json, truncated)?,
            b"generatorURL" => generator_url = read_url(json, truncated)?,
            b"status" => status = Some(read_status(json)?),
            _ => json.skip()?,
        }
    }
    Ok((|| {
        let labels = labels.ok_or(AlertProblem::MissingField("labels"))?.ok_or(AlertProblem::BadField("labels"))?;
        let annotations = annotations.ok_or(AlertProblem::BadField("annotations"))?;
        let fingerprint = fingerprint.ok_or(AlertProblem::MissingField("fingerprint"))?;
        let fingerprint = fingerprint.ok_or(AlertProblem::BadField("fingerprint"))?;
        let receivers = receivers.ok_or(AlertProblem::BadField("receivers"))?;
        let generator_url = generator_url.ok_or(AlertProblem::BadField("generatorURL"))?;
        let starts_at_ms = time("startsAt", starts_at.ok_or(AlertProblem::MissingField("startsAt"))?)?;
        let ends_at_ms = ends_at.map(|text| time("endsAt", text)).transpose()?;
        let updated_at_ms = updated_at.map(|text| time("updatedAt", text)).transpose()?;
        let status = status.ok_or(AlertProblem::MissingField("status"))?.ok_or(AlertProblem::BadField("status"))?;
        let state = match status.state.as_deref() {
            None => return Err(AlertProblem::MissingField("status.state")),
            Some("active") => AlertState::Active,
            Some("unprocessed") => AlertState::Unprocessed,
            Some("suppressed") => return Ok(left_out(&status).unwrap_or(Item::Muted)),
            Some(other) => return Err(AlertProblem::UnknownState(other.to_owned())),
        };
        // A silence or an inhibition on an alert reported active still means nobody should be paged by it.
        if let Some(item) = left_out(&status) {
            return Ok(item);
        }
        Ok(Item::Firing(Alert {
            labels,
            annotations,
            starts_at_ms,
            ends_at_ms,
            updated_at_ms,
            fingerprint,
            receivers,
            generator_url,
            state,
        }))
    })())
}

/// Why a held alert is held, the silence first.
fn left_out(status: &Status) -> Option<Item> {
    match status {
        Status { silenced_by: 1.., .. } => Some(Item::Silenced),
        Status { inhibited_by: 1.., .. } => Some(Item::Inhibited),
        Status { muted_by: 1.., .. } => Some(Item::Muted),
        _ => None,
    }
}

/// A time field's text as ms.
fn time(field: &'static str, text: Option<String>) -> Result<i64, AlertProblem> {
    let text = text.ok_or(AlertProblem::BadField(field))?;
    parse_rfc3339_ms(&text).ok_or(AlertProblem::BadTime { field, text })
}

/// A string cut to 256 characters; `None` (the value skipped) if it is not a string.
fn string(json: &mut Reader<'_>) -> json::Result<Option<String>> {
    if json.peek()? != Kind::String {
        json.skip()?;
        return Ok(None);
    }
    let bytes = json.string_bytes()?;
    Ok(Some(bounded_text(&bytes).0.into_owned()))
}

/// `receivers: [{"name": …}, …]`, at most [`MAX_RECEIVERS`] names; `None` for another shape.
fn read_receivers(json: &mut Reader<'_>, truncated: &mut u32) -> json::Result<Option<Vec<String>>> {
    if !json.array_or_skip()? {
        return Ok(None);
    }
    let mut names = Vec::new();
    let mut bad = false;
    while json.next_element()? {
        if !json.object_or_skip()? {
            bad = true;
            continue;
        }
        while let Some(key) = json.next_key()? {
            match (&*key, string(json)?) {
                (b"name", Some(name)) if names.len() < MAX_RECEIVERS => names.push(name),
                (b"name", Some(_)) => *truncated += 1,
                (b"name", None) => bad = true,
                _ => {}
            }
        }
    }
    Ok((!bad).then_some(names))
}

/// `generatorURL`: `Some(None)` when dropped for its length; `None` when not a string.
fn read_url(json: &mut Reader<'_>, truncated: &mut u32) -> json::Result<Option<Option<String>>> {
    if json.peek()? != Kind::String {
        json.skip()?;
        return Ok(None);
    }
    let bytes = json.string_bytes()?;
    if bytes.len() > MAX_URL_BYTES {
        *truncated += 1;
        return Ok(Some(None));
    }
    Ok(Some(Some(String::from_utf8_lossy(&bytes).into_owned())))
}

/// `status: {state, silencedBy, inhibitedBy, mutedBy}`; `None` for another shape.
fn read_status(json: &mut Reader<'_>) -> json::Result<Option<Status>> {
    if !json.object_or_skip()? {
        return Ok(None);
    }
    let mut status = Status::default();
    let mut bad = false;
    while let Some(key) = json.next_key()? {
        let count = match &*key {
            b"state" => {
                status.state = string(json)?;
                bad |= status.state.is_none();
                continue;
            }
            b"silencedBy" => &mut status.silenced_by,
            b"inhibitedBy" => &mut status.inhibited_by,
            b"mutedBy" => &mut status.muted_by,
            _ => {
                json.skip()?;
                continue;
            }
        };
        match count_list(json)? {
            Some(n) => *count = n,
            None => bad = true,
        }
    }
    Ok((!bad).then_some(status))
}

/// The length of an array (its elements skipped); `null` counts as empty, as Go writes a nil slice.
fn count_list(json: &mut Reader<'_>) -> json::Result<Option<usize>> {
    match json.peek()? {
        Kind::Null => {
            json.skip()?;
            Ok(Some(0))
        }
        Kind::Array => {
            json.begin_array()?;
            let mut n = 0;
            while json.next_element()? {
                json.skip()?;
                n += 1;
            }
            Ok(Some(n))
        }
        _ => {
            json.skip()?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> AlertList {
        read_alerts(text.as_bytes()).expect("an alert list")
    }

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    /// The shape Alertmanager 0.25 answered live (no `mutedBy`), one firing, one silenced, one inhibited.
    const LIVE: &str = r#"[
      {"annotations":{"description":"p99 of checkout is 1.2 s","runbook_url":"https://runbooks.example/checkout","summary":"Checkout is slow"},
       "endsAt":"2026-12-03T09:05:00.000Z","fingerprint":"1f5e0c2a9d3b7e41",
       "receivers":[{"name":"team-checkout"}],"startsAt":"2026-12-03T08:58:12.345678901Z",
       "status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-12-03T09:00:00.000+01:00",
       "generatorURL":"http://prometheus:9090/graph?g0.expr=histogram_quantile%280.99%29&g0.tab=1",
       "labels":{"alertname":"CheckoutSlow","service":"checkout","severity":"critical"}},
      {"annotations":{},"endsAt":"2026-12-03T09:05:00Z","fingerprint":"0000000000000002","receivers":[{"name":"x"}],
       "startsAt":"2026-12-03T08:00:00Z","status":{"inhibitedBy":[],"silencedBy":["6b4f0a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"],"state":"suppressed"},
       "updatedAt":"2026-12-03T08:00:00Z","labels":{"alertname":"Noisy","service":"cart"}},
      {"annotations":{},"endsAt":"2026-12-03T09:05:00Z","fingerprint":"0000000000000003","receivers":[],
       "startsAt":"2026-12-03T08:00:00Z","status":{"inhibitedBy":["1f5e0c2a9d3b7e41"],"silencedBy":[],"state":"suppressed"},
       "updatedAt":"2026-12-03T08:00:00Z","labels":{"alertname":"CheckoutErrors","service":"checkout","severity":"warning"}}
    ]"#;

    #[test]
    fn reads_the_live_answer_and_leaves_out_held_alerts() {
        let list = read(LIVE);
        assert_eq!(
            list.alerts,
            [Alert {
                labels: labels(&[("alertname", "CheckoutSlow"), ("service", "checkout"), ("severity", "critical")]),
                annotations: labels(&[
                    ("description", "p99 of checkout is 1.2 s"),
                    ("runbook_url", "https://runbooks.example/checkout"),
                    ("summary", "Checkout is slow"),
                ]),
                // 2026-12-03T08:58:12.345Z; `date -u -d 2026-12-03T08:58:12Z +%s` is 1796288292.
                starts_at_ms: 1_796_288_292_345,
                ends_at_ms: Some(1_796_288_700_000),
                updated_at_ms: Some(1_796_284_800_000),
                fingerprint: "1f5e0c2a9d3b7e41".into(),
                receivers: vec!["team-checkout".into()],
                generator_url: Some(
                    "http://prometheus:9090/graph?g0.expr=histogram_quantile%280.99%29&g0.tab=1".into()
                ),
                state: AlertState::Active,
            }]
        );
        assert_eq!(list.left_out, LeftOut { silenced: 1, inhibited: 1, muted: 0 });
        assert_eq!((list.skipped_total, list.truncated), (0, 0));
    }

    #[test]
    fn muted_unprocessed_and_defensive_cases() {
        let list = read(
            r#"[
            {"labels":{"a":"muted"},"fingerprint":"1","startsAt":"2026-12-03T08:00:00Z","status":{"state":"suppressed","silencedBy":[],"inhibitedBy":[],"mutedBy":["weekends"]}},
            {"labels":{"a":"held"},"fingerprint":"2","startsAt":"2026-12-03T08:00:00Z","status":{"state":"suppressed"}},
            {"labels":{"a":"active-but-silenced"},"fingerprint":"3","startsAt":"2026-12-03T08:00:00Z","status":{"state":"active","silencedBy":["s"],"inhibitedBy":null}},
            {"labels":{"a":"new"},"fingerprint":"4","startsAt":"2026-12-03T08:00:00Z","status":{"state":"unprocessed","silencedBy":null,"inhibitedBy":[],"mutedBy":[]}}
        ]"#,
        );
        assert_eq!(list.left_out, LeftOut { silenced: 1, inhibited: 0, muted: 2 });
        assert_eq!(list.alerts.len(), 1);
        let new = &list.alerts[0];
        assert_eq!((new.fingerprint.as_str(), new.state), ("4", AlertState::Unprocessed));
        assert_eq!((new.ends_at_ms, new.updated_at_ms, &new.generator_url), (None, None, &None));
        assert_eq!((new.annotations.len(), new.receivers.len()), (0, 0));
    }

    #[test]
    fn malformed_items_are_skipped_counted_and_typed() {
        let list = read(
            r#"[
            7,
            {"fingerprint":"1","startsAt":"2026-12-03T08:00:00Z","status":{"state":"active"}},
            {"labels":{"a":1},"fingerprint":"1","startsAt":"2026-12-03T08:00:00Z","status":{"state":"active"}},
            {"labels":{},"annotations":[],"fingerprint":"1","startsAt":"2026-12-03T08:00:00Z","status":{"state":"active"}},
            {"labels":{},"startsAt":"2026-12-03T08:00:00Z","status":{"state":"active"}},
            {"labels":{},"fingerprint":"1","startsAt":"yesterday","status":{"state":"active"}},
            {"labels":{},"fingerprint":"1","startsAt":"2026-12-03T08:00:00Z","endsAt":"2026-12-03T08:00:00","status":{"state":"active"}},
            {"labels":{},"fingerprint":"1","status":{"state":"active"}},
            {"labels":{},"fingerprint":"1","startsAt":"2026-12-03T08:00:00Z","status":{"state":"firing"}},
            {"labels":{},"fingerprint":"1","startsAt":"2026-12-03T08:00:00Z","status":{"silencedBy":[]}},
            {"labels":{},"fingerprint":"1","startsAt":"2026-12-03T08:00:00Z","status":{"state":"active","silencedBy":"s"}},
            {"labels":{},"fingerprint":"1","startsAt":"2026-12-03T08:00:00Z"},
            {"labels":{},"fingerprint":1,"startsAt":"2026-12-03T08:00:00Z","status":{"state":"active"}},
            {"labels":{},"fingerprint":"1","startsAt":"2026-12-03T08:00:00Z","receivers":[{"name":3}],"status":{"state":"active"}},
            {"labels":{"ok":"yes"},"fingerprint":"f","startsAt":"2026-12-03T08:00:00Z","status":{"state":"active"}}
        ]"#,
        );
        assert_eq!(list.alerts.len(), 1);
        assert_eq!(list.alerts[0].labels, labels(&[("ok", "yes")]));
        let described: Vec<String> = list.skipped.iter().map(|s| format!("{} {s}", s.problem.code())).collect();
        assert_eq!(
            described,
            [
                "alertmanager.entry-not-object alert [0] skipped: not an object",
                "alertmanager.missing-field alert [1] skipped: no `labels`",
                "alertmanager.bad-field alert [2] skipped: `labels` does not have the expected shape",
                "alertmanager.bad-field alert [3] skipped: `annotations` does not have the expected shape",
                "alertmanager.missing-field alert [4] skipped: no `fingerprint`",
                "alertmanager.bad-time alert [5] skipped: `startsAt` \"yesterday\" is not an RFC 3339 time",
                "alertmanager.bad-time alert [6] skipped: `endsAt` \"2026-12-03T08:00:00\" is not an RFC 3339 time",
                "alertmanager.missing-field alert [7] skipped: no `startsAt`",
                "alertmanager.unknown-state alert [8] skipped: `status.state` \"firing\" is not unprocessed, active or suppressed",
                "alertmanager.missing-field alert [9] skipped: no `status.state`",
                "alertmanager.bad-field alert [10] skipped: `status` does not have the expected shape",
                "alertmanager.missing-field alert [11] skipped: no `status`",
                "alertmanager.bad-field alert [12] skipped: `fingerprint` does not have the expected shape",
                "alertmanager.bad-field alert [13] skipped: `receivers` does not have the expected shape",
            ]
        );
        assert_eq!(list.skipped_total, 14);
    }

    #[test]
    fn skipped_items_beyond_the_cap_are_only_counted() {
        let items = vec!["1"; MAX_DESCRIBED + 5].join(",");
        let list = read(&format!("[{items}]"));
        assert_eq!((list.skipped.len(), list.skipped_total), (MAX_DESCRIBED, MAX_DESCRIBED + 5));
    }

    #[test]
    fn caps_cut_and_count() {
        let long = "v".repeat(300);
        let many_labels: Vec<String> = (0..MAX_LABELS + 3).map(|i| format!(r#""l{i:03}":"x""#)).collect();
        let many_receivers = vec![r#"{"name":"r"}"#; MAX_RECEIVERS + 2].join(",");
        let url = format!("http://p/graph?g0.expr={}", "x".repeat(MAX_URL_BYTES));
        let list = read(&format!(
            r#"[{{"labels":{{{}}},"annotations":{{"description":"{long}"}},"receivers":[{many_receivers}],"generatorURL":"{url}","fingerprint":"f","startsAt":"2026-12-03T08:00:00Z","status":{{"state":"active"}}}}]"#,
            many_labels.join(",")
        ));
        let alert = &list.alerts[0];
        assert_eq!(alert.labels.len(), MAX_LABELS);
        assert_eq!(alert.annotations.get("description").map(String::len), Some(256));
        assert_eq!(alert.receivers.len(), MAX_RECEIVERS);
        assert_eq!(alert.generator_url, None);
        // 3 labels past the cap, one cut description, 2 receivers past the cap, one dropped URL.
        assert_eq!(list.truncated, 7);
    }

    #[test]
    fn an_unreadable_answer_is_a_typed_error() {
        let error = |text: &str| read_alerts(text.as_bytes()).expect_err("unreadable");
        assert_eq!(read(" [ ] "), AlertList::default());
        assert_eq!(
            error(r#"{"code":602,"message":"0.labels in body is required"}"#),
            AlertsError::Shape { line: 1, column: 1, message: "expected an array of alerts, found an object".into() }
        );
        assert_eq!(error(r#"[{"labels":"#), AlertsError::Truncated { line: 1, column: 12 });
        assert_eq!(
            error("[] []").to_string(),
            "Alertmanager answer does not have the expected shape (line 1, column 4): expected the end of the answer, found an array"
        );
        let syntax = error("[{]");
        assert_eq!(syntax.code(), "alertmanager.unreadable");
        assert_eq!(syntax.to_string(), "Alertmanager answer is not valid JSON (line 1, column 3): expected a key");
    }
}
