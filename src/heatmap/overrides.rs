//! What one snapshot is judged with: the config's percentile, tolerance, palette and window, with the overrides
//! `snapshot(options)` gives applied (the card's selectors).
//!
//! Owns applying those overrides and checking them: a usable palette, and a window no longer than the one the
//! latency state keeps, rounded up to whole slices (the state keeps `SLICES_PER_WINDOW` slices per window, so a
//! shorter window is read from the newest of them). Errors name the option. Does not know how a node or an edge is
//! judged (`judgement.rs`) nor how slices are read (`aggregate`).

use std::borrow::Cow;

use super::{HeatMap, HeatMapError, SnapshotOptions};
use crate::aggregate::{StatsSettings, SLICES_PER_WINDOW};
use crate::catalog::Percentile;
use crate::color::Palette;
use crate::duration::{parse_duration_ms, DurationValue};
use crate::evaluate::EvaluateConfig;
use crate::options::OptionError;

/// The settings of one snapshot's judgements.
pub(super) struct Judging<'a> {
    /// The config's evaluation settings, with the snapshot's tolerance.
    pub(super) evaluate: Cow<'a, EvaluateConfig>,
    /// The percentile every node, edge and entry point is judged at when the snapshot asks for one: the viewer's
    /// explicit choice, so it wins over entity annotations as well as the config.
    pub(super) percentile: Option<Percentile>,
    pub(super) palette: Cow<'a, Palette>,
    /// How stats are read: the state's settings, reading only the newest slices for a shorter window.
    pub(super) stats: StatsSettings,
}

impl Judging<'_> {
    /// The percentile a judgement resolved to (annotation or config), unless the snapshot chose one.
    pub(super) fn percentile(&self, resolved: Percentile) -> Percentile {
        self.percentile.unwrap_or(resolved)
    }
}

impl HeatMap {
    /// The config's settings with `options`' overrides, checked.
    pub(super) fn judging(&self, options: &SnapshotOptions) -> Result<Judging<'_>, HeatMapError> {
        let evaluate = match options.tolerance {
            Some(tolerance) if tolerance != self.evaluate.tolerance => {
                Cow::Owned(EvaluateConfig { tolerance, ..self.evaluate.clone() })
            }
            _ => Cow::Borrowed(&self.evaluate),
        };
        let palette = match &options.palette {
            Some(choice) => Cow::Owned(Palette::from_choice(choice).map_err(|error| {
                HeatMapError::SnapshotOption(OptionError::BadValue { path: "palette".into(), message: error.to_string() })
            })?),
            None => Cow::Borrowed(&self.palette),
        };
        let stats = self.state.settings().stats;
        let stats = match &options.window {
            Some(window) => stats.reading(read_slices(window, &stats).map_err(HeatMapError::SnapshotOption)?),
            None => stats,
        };
        Ok(Judging { evaluate, percentile: options.percentile, palette, stats })
    }
}

/// How many of the newest slices cover `window`: whole slices, rounded up. The window must fit in the one the
/// state keeps; `"all"` only when that is `"all"` too.
fn read_slices(window: &DurationValue, stats: &StatsSettings) -> Result<u32, OptionError> {
    let bad = |message: String| OptionError::BadValue { path: "window".into(), message };
    let asks_all = matches!(window, DurationValue::Text(text) if text.trim().eq_ignore_ascii_case("all"));
    let (Some(kept_ms), Some(slice_ms)) = (stats.window_ms, stats.slice_ms()) else {
        return if asks_all {
            Ok(SLICES_PER_WINDOW)
        } else {
            Err(bad("the config's window is \"all\", which keeps no slices to read a shorter window from".into()))
        };
    };
    let ms = match window {
        _ if asks_all => return Err(bad(format!("\"all\" is longer than the config's window of {kept_ms} ms"))),
        DurationValue::Millis(ms) => *ms,
        DurationValue::Text(text) => parse_duration_ms(text).map_err(|error| bad(error.to_string()))?,
    };
    if !(ms.is_finite() && ms > 0.0) {
        return Err(bad(format!("{ms} is not a positive finite number of milliseconds")));
    }
    if ms > kept_ms {
        return Err(bad(format!("{ms} ms is longer than the config's window of {kept_ms} ms")));
    }
    // A hair below a whole number of slices is that number: 90 000 / 30 000 must not round up to 4.
    let slices = (ms / slice_ms - 1e-9).ceil();
    Ok((slices as u32).clamp(1, SLICES_PER_WINDOW))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn five_minutes() -> StatsSettings {
        StatsSettings { window_ms: Some(300_000.0), read_slices: SLICES_PER_WINDOW, half_life_ms: 1.0, recent_samples: 1 }
    }

    fn slices(window: DurationValue) -> Result<u32, String> {
        read_slices(&window, &five_minutes()).map_err(|error| error.to_string())
    }

    #[test]
    fn a_window_rounds_up_to_whole_slices_of_the_kept_one() {
        assert_eq!(slices(DurationValue::Text("30s".into())), Ok(1));
        assert_eq!(slices(DurationValue::Millis(30_001.0)), Ok(2));
        assert_eq!(slices(DurationValue::Text("90s".into())), Ok(3));
        assert_eq!(slices(DurationValue::Millis(1.0)), Ok(1));
        assert_eq!(slices(DurationValue::Text("5m".into())), Ok(10));
        assert_eq!(five_minutes().reading(3).read_window_ms(), Some(90_000.0));
    }

    #[test]
    fn a_window_longer_than_the_kept_one_or_unusable_is_refused_naming_it() {
        assert_eq!(slices(DurationValue::Text("6m".into())), Err("window: 360000 ms is longer than the config's window of 300000 ms".into()));
        assert_eq!(slices(DurationValue::Text("all".into())), Err("window: \"all\" is longer than the config's window of 300000 ms".into()));
        assert_eq!(slices(DurationValue::Millis(0.0)), Err("window: 0 is not a positive finite number of milliseconds".into()));
        assert_eq!(
            slices(DurationValue::Text("soon".into())),
            Err("window: \"soon\" has no number (expected e.g. 300ms, 1.5s, 250us)".into())
        );
        let all = StatsSettings { window_ms: None, ..five_minutes() };
        assert_eq!(read_slices(&DurationValue::Text("all".into()), &all), Ok(SLICES_PER_WINDOW));
        assert_eq!(
            read_slices(&DurationValue::Text("1m".into()), &all).map_err(|e| e.to_string()),
            Err("window: the config's window is \"all\", which keeps no slices to read a shorter window from".into())
        );
    }
}
