//! What the latency state had to give up: spans analysed before their trace was complete, duplicate spans ignored,
//! observations past the key cap ignored.
//!
//! Owns the warning values and their wording, each with a stable `code` (also the `code` field of its JSON form)
//! so the UI and tests can match on it without parsing prose. The counts are totals since the state was created
//! or reset; the snapshot carries one warning of each kind at most.

use serde::{Deserialize, Serialize};
use thiserror::Error;

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

    #[serde(rename = "aggregate.key-limit")]
    #[error("{observations} observations of new services or edges were ignored: more than {max_keys} keys")]
    KeyLimit { observations: u64, max_keys: usize },
}

impl AggregateWarning {
    /// Stable identifier, equal to the `code` field of the serialized warning.
    pub fn code(&self) -> &'static str {
        match self {
            AggregateWarning::DroppedSpans { .. } => "aggregate.dropped-spans",
            AggregateWarning::DuplicateSpans { .. } => "aggregate.duplicate-spans",
            AggregateWarning::KeyLimit { .. } => "aggregate.key-limit",
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
                AggregateWarning::KeyLimit { observations: 5, max_keys: 10_000 },
                "aggregate.key-limit",
                "5 observations of new services or edges were ignored: more than 10000 keys",
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
}
