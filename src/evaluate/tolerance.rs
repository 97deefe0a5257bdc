//! Tolerance profiles: where amber and red begin, as fractions of a threshold.
//!
//! Owns the three named profiles and their numbers. A score is `observed / threshold`, so 1.0 means "exactly at
//! the threshold". The profiles are:
//!
//! | profile        | amber from | red from | reading                                                   |
//! |----------------|-----------:|---------:|-----------------------------------------------------------|
//! | `conservative` | 0.6        | 0.8      | warn early, go red before the SLO is actually breached    |
//! | `moderate`     | 0.8        | 1.0      | default: amber when close, red at the threshold           |
//! | `aggressive`   | 0.9        | 1.2      | only flag what is over budget by a margin (noisy systems) |

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Tolerance {
    Conservative,
    #[default]
    Moderate,
    Aggressive,
}

/// Scores at which a status turns amber and red. `amber_start < red_start` always.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bands {
    pub amber_start: f64,
    pub red_start: f64,
}

impl Tolerance {
    pub fn bands(self) -> Bands {
        let (amber_start, red_start) = match self {
            Tolerance::Conservative => (0.6, 0.8),
            Tolerance::Moderate => (0.8, 1.0),
            Tolerance::Aggressive => (0.9, 1.2),
        };
        Bands { amber_start, red_start }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_have_the_documented_numbers() {
        assert_eq!(Tolerance::Conservative.bands(), Bands { amber_start: 0.6, red_start: 0.8 });
        assert_eq!(Tolerance::Moderate.bands(), Bands { amber_start: 0.8, red_start: 1.0 });
        assert_eq!(Tolerance::Aggressive.bands(), Bands { amber_start: 0.9, red_start: 1.2 });
        assert_eq!(Tolerance::default(), Tolerance::Moderate);
    }
}
