//! What threshold resolution had to work around: annotations that could not be used and the source used instead.
//!
//! Owns the warning values and their wording, each with a stable `code` (also the `code` field of its JSON
//! form). Warnings are produced per resolution; the pipeline deduplicates them (they compare with `==`). A value or
//! annotation key is quoted as a short prefix: the catalog keeps up to 256 characters of it, a message far fewer.

use serde::Serialize;
use thiserror::Error;

use super::thresholds::ThresholdSource;
use crate::catalog::Percentile;
use crate::quote::{quoted, shortened};

#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all_fields = "camelCase")]
pub enum EvaluateWarning {
    #[serde(rename = "evaluate.bad-annotation")]
    #[error("{entity_ref}: annotation {} = {} cannot be used ({reason}); using {fallback} instead", shortened(.annotation), quoted(.value))]
    BadAnnotation { entity_ref: String, annotation: String, value: String, reason: String, fallback: ThresholdSource },

    #[serde(rename = "evaluate.looser-than-default")]
    #[error("{entity_ref}: annotation {} ({value_ms} ms) is looser than the enforced default ({default_ms} ms); using {fallback} instead", shortened(.annotation))]
    LooserThanDefault {
        entity_ref: String,
        annotation: String,
        value_ms: f64,
        default_ms: f64,
        fallback: ThresholdSource,
    },

    #[serde(rename = "evaluate.looser-percentile")]
    #[error("{entity_ref}: annotation {} ({value}) is looser than the enforced default percentile ({default}); using {default}", shortened(.annotation))]
    LooserPercentile { entity_ref: String, annotation: String, value: Percentile, default: Percentile },
}

impl EvaluateWarning {
    /// Stable identifier, equal to the `code` field of the serialized warning.
    pub fn code(&self) -> &'static str {
        match self {
            EvaluateWarning::BadAnnotation { .. } => "evaluate.bad-annotation",
            EvaluateWarning::LooserThanDefault { .. } => "evaluate.looser-than-default",
            EvaluateWarning::LooserPercentile { .. } => "evaluate.looser-percentile",
        }
    }

    /// Records which source was used instead of the skipped annotation.
    pub(crate) fn set_fallback(&mut self, source: ThresholdSource) {
        match self {
            EvaluateWarning::BadAnnotation { fallback, .. } | EvaluateWarning::LooserThanDefault { fallback, .. } => {
                *fallback = source
            }
            EvaluateWarning::LooserPercentile { .. } => {}
        }
    }
}
