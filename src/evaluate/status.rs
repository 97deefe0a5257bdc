//! The judgement on one node or edge: green, amber, red, or unknown when there is nothing to judge.
//!
//! Owns the mapping from a score to a status under a tolerance profile. Computing the score is `score.rs`'s job.

use serde::{Deserialize, Serialize};

use super::tolerance::Bands;

/// Declared from least to most severe, so `Ord` sorts alerts by severity (`max` picks the worst).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// No data in the window, or no threshold from any source.
    #[default]
    Unknown,
    Green,
    Amber,
    Red,
}

impl Status {
    /// Status of a score: green below `amber_start`, amber from it, red from `red_start`; unknown without a score.
    pub fn from_score(score: Option<f64>, bands: Bands) -> Status {
        match score {
            Some(score) if score.is_finite() && score >= bands.red_start => Status::Red,
            Some(score) if score.is_finite() && score >= bands.amber_start => Status::Amber,
            Some(score) if score.is_finite() => Status::Green,
            _ => Status::Unknown,
        }
    }

    /// Amber and red are worth an alert.
    pub fn is_alert(self) -> bool {
        matches!(self, Status::Amber | Status::Red)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::Tolerance;

    #[test]
    fn band_edges_belong_to_the_worse_status() {
        let bands = Tolerance::Moderate.bands();
        assert_eq!(Status::from_score(Some(0.79), bands), Status::Green);
        assert_eq!(Status::from_score(Some(0.8), bands), Status::Amber);
        assert_eq!(Status::from_score(Some(1.0), bands), Status::Red);
        assert_eq!(Status::from_score(None, bands), Status::Unknown);
        assert_eq!(Status::from_score(Some(f64::NAN), bands), Status::Unknown);
    }

    #[test]
    fn severity_orders_unknown_green_amber_red() {
        assert!(Status::Red > Status::Amber && Status::Amber > Status::Green && Status::Green > Status::Unknown);
        assert!(Status::Amber.is_alert() && !Status::Unknown.is_alert());
    }
}
