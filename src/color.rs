//! Colour: a score and status become a fill colour, a readable text colour and a non-colour pattern cue.
//!
//! Owns the palettes (RAG by default, viridis-like and cividis-like colour-blind-safe ramps, or custom anchors),
//! interpolation in Oklab so equal score steps look like equal colour steps, WCAG AA text contrast, and
//! validating user-supplied hex colours before `palette` sees them. It does not decide statuses or thresholds:
//! the score, status and band edges come from `evaluate`.
//!
//! The ramp is flat at the first anchor up to the amber start, runs through the anchors evenly between the amber
//! start and the red start, and saturates at the last anchor beyond. Colour-blind-safe ramps run from light
//! (healthy) to dark (breaching), so "heavier" always means "worse" even in greyscale.

use std::str::FromStr;

use palette::color_difference::Wcag21RelativeContrast;
use palette::{Clamp, FromColor, Mix, Oklab, Srgb};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::evaluate::{Bands, Status};

/// RAG anchors, healthy → breaching: green, amber, red.
pub const RAG: [&str; 3] = ["#2e9e4f", "#f2a516", "#d93025"];
/// Viridis stops, reversed so healthy is light yellow and breaching is dark purple.
pub const VIRIDIS: [&str; 5] = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];
/// Cividis stops (optimised for colour vision deficiency), reversed: healthy light yellow, breaching dark blue.
pub const CIVIDIS: [&str; 5] = ["#ffea46", "#bcaf6f", "#7c7b78", "#414d6b", "#00204d"];
/// Neutral grey for `unknown`: no hue, so it never reads as good or bad.
pub const UNKNOWN_GREY: &str = "#a0a0a0";
/// Text colours tried on each fill; one of pure black and white always reaches 4.5:1 against any colour.
pub const TEXT_DARK: &str = "#000000";
pub const TEXT_LIGHT: &str = "#ffffff";
/// WCAG 2.1 AA contrast for normal text.
pub const MIN_CONTRAST: f32 = 4.5;

const MAX_CUSTOM_ANCHORS: usize = 8;

/// Why a colour (or a custom palette) was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ColorError {
    #[error("colour {value:?} has non-ASCII characters (expected #rgb or #rrggbb)")]
    NotAscii { value: String },
    #[error("colour {value:?} is not a hex colour (expected #rgb or #rrggbb)")]
    NotHex { value: String },
    #[error("a custom palette needs 2 to {MAX_CUSTOM_ANCHORS} anchor colours, got {0}")]
    AnchorCount(usize),
    #[error("anchor colour #{index}: {error}")]
    Anchor { index: usize, error: Box<ColorError> },
}

/// The built-in palettes, by the name used in config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaletteName {
    #[default]
    Rag,
    Viridis,
    Cividis,
}

/// A palette as written in config: a built-in name, or custom anchor colours from healthy to breaching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PaletteChoice {
    Named(PaletteName),
    Custom(Vec<String>),
}

/// By hand rather than `untagged`, so a wrong value says what a palette is instead of "did not match any variant".
impl<'de> Deserialize<'de> for PaletteChoice {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ChoiceVisitor;
        impl<'de> serde::de::Visitor<'de> for ChoiceVisitor {
            type Value = PaletteChoice;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a palette name (rag, viridis, cividis) or a list of anchor colours")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<PaletteChoice, E> {
                PaletteName::deserialize(serde::de::value::StrDeserializer::<E>::new(name)).map(PaletteChoice::Named)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<PaletteChoice, A::Error> {
                Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(PaletteChoice::Custom)
            }
        }
        deserializer.deserialize_any(ChoiceVisitor)
    }
}

impl Default for PaletteChoice {
    fn default() -> Self {
        PaletteChoice::Named(PaletteName::Rag)
    }
}

/// Non-colour cue for the UI (stroke or hatch style), so colour is never the only signal. `unknown` shares
/// `solid` with green: it is told apart by its hue-less grey and by having no score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pattern {
    Solid,
    Dashed,
    Dotted,
}

impl Pattern {
    pub fn of_status(status: Status) -> Pattern {
        match status {
            Status::Green | Status::Unknown => Pattern::Solid,
            Status::Amber => Pattern::Dashed,
            Status::Red => Pattern::Dotted,
        }
    }
}

/// What the UI paints for one node or edge: CSS hex colours `#rrggbb` and a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Swatch {
    pub fill: String,
    pub text: String,
    pub pattern: Pattern,
}

/// Anchor colours in Oklab, healthy first. Always at least two.
#[derive(Debug, Clone, PartialEq)]
pub struct Palette {
    anchors: Vec<Oklab>,
}

impl Default for Palette {
    fn default() -> Self {
        Palette::named(PaletteName::Rag)
    }
}

impl Palette {
    pub fn named(name: PaletteName) -> Palette {
        let anchors: &[&str] = match name {
            PaletteName::Rag => &RAG,
            PaletteName::Viridis => &VIRIDIS,
            PaletteName::Cividis => &CIVIDIS,
        };
        // The constants are valid hex; a failure here would be caught by the tests, so skipping is safe.
        Palette { anchors: anchors.iter().filter_map(|hex| parse_hex(hex).ok()).map(to_oklab).collect() }
    }

    /// A palette from user-supplied anchors (`#rgb` or `#rrggbb`), healthy first; 2 to 8 of them.
    pub fn custom<S: AsRef<str>>(anchors: &[S]) -> Result<Palette, ColorError> {
        if !(2..=MAX_CUSTOM_ANCHORS).contains(&anchors.len()) {
            return Err(ColorError::AnchorCount(anchors.len()));
        }
        let anchors = anchors
            .iter()
            .enumerate()
            .map(|(index, hex)| {
                parse_hex(hex.as_ref())
                    .map(to_oklab)
                    .map_err(|error| ColorError::Anchor { index, error: Box::new(error) })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Palette { anchors })
    }

    pub fn from_choice(choice: &PaletteChoice) -> Result<Palette, ColorError> {
        match choice {
            PaletteChoice::Named(name) => Ok(Palette::named(*name)),
            PaletteChoice::Custom(anchors) => Palette::custom(anchors),
        }
    }

    /// The colour at `position` along the ramp, 0.0 = first anchor, 1.0 = last, interpolated in Oklab.
    pub fn at(&self, position: f64) -> Srgb<u8> {
        let segments = self.anchors.len().saturating_sub(1).max(1);
        let scaled = if position.is_finite() { position.clamp(0.0, 1.0) } else { 0.0 } * segments as f64;
        let segment = (scaled.floor() as usize).min(segments - 1);
        let local = (scaled - segment as f64) as f32;
        let colour = match (self.anchors.get(segment), self.anchors.get(segment + 1)) {
            (Some(a), Some(b)) => a.mix(*b, local),
            (Some(a), None) => *a,
            _ => Oklab::new(0.5, 0.0, 0.0),
        };
        from_oklab(colour)
    }
}

/// Where `score` falls on the ramp: 0 up to the amber start, 1 from the red start, linear in between.
pub fn ramp_position(score: f64, bands: Bands) -> f64 {
    let span = bands.red_start - bands.amber_start;
    if !score.is_finite() || span <= 0.0 {
        return if score >= bands.red_start { 1.0 } else { 0.0 };
    }
    ((score - bands.amber_start) / span).clamp(0.0, 1.0)
}

/// The swatch for a node or edge. `unknown` (or no score) is neutral grey whatever the palette.
pub fn swatch(score: Option<f64>, status: Status, palette: &Palette, bands: Bands) -> Swatch {
    let fill = match score.filter(|_| status != Status::Unknown) {
        Some(score) => palette.at(ramp_position(score, bands)),
        None => parse_hex(UNKNOWN_GREY).unwrap_or_default(),
    };
    Swatch { fill: to_hex(fill), text: to_hex(text_color_for(fill)), pattern: Pattern::of_status(status) }
}

/// The palette's colour at a status's band: the ramp's start for green, its middle for amber, its end for red;
/// grey for unknown, as [`swatch`] paints it. For what has a status but no score (an entity whose Alertmanager
/// alerts force it).
pub fn status_swatch(status: Status, palette: &Palette) -> Swatch {
    let fill = match status {
        Status::Unknown => parse_hex(UNKNOWN_GREY).unwrap_or_default(),
        Status::Green => palette.at(0.0),
        Status::Amber => palette.at(0.5),
        Status::Red => palette.at(1.0),
    };
    Swatch { fill: to_hex(fill), text: to_hex(text_color_for(fill)), pattern: Pattern::of_status(status) }
}

/// [`status_swatch`] of every status: `snapshot().statusSwatches`, so a UI paints an entity that has a status and
/// no node (its alerts fire, it has no telemetry) in the snapshot's own colours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusSwatches {
    pub green: Swatch,
    pub amber: Swatch,
    pub red: Swatch,
    pub unknown: Swatch,
}

impl StatusSwatches {
    pub fn of(palette: &Palette) -> StatusSwatches {
        StatusSwatches {
            green: status_swatch(Status::Green, palette),
            amber: status_swatch(Status::Amber, palette),
            red: status_swatch(Status::Red, palette),
            unknown: status_swatch(Status::Unknown, palette),
        }
    }
}

/// Black or white, whichever contrasts more with `fill` (always at least 4.5:1).
pub fn text_color_for(fill: Srgb<u8>) -> Srgb<u8> {
    let dark = parse_hex(TEXT_DARK).unwrap_or_default();
    let light = parse_hex(TEXT_LIGHT).unwrap_or_default();
    if contrast_ratio(fill, dark) >= contrast_ratio(fill, light) {
        dark
    } else {
        light
    }
}

/// WCAG 2.1 contrast ratio between two colours, 1.0 to 21.0.
pub fn contrast_ratio(a: Srgb<u8>, b: Srgb<u8>) -> f32 {
    a.into_format::<f32>().relative_contrast(b.into_format::<f32>())
}

/// Parses `#rgb` / `#rrggbb`. The text is checked first (ASCII, `#`, 3 or 6 hex digits): `palette` 0.7.7 slices
/// the string by byte index and panics on multi-byte characters.
pub fn parse_hex(text: &str) -> Result<Srgb<u8>, ColorError> {
    let text = text.trim();
    if !text.is_ascii() {
        return Err(ColorError::NotAscii { value: text.to_owned() });
    }
    let digits = text.strip_prefix('#').unwrap_or("");
    if !matches!(digits.len(), 3 | 6) || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ColorError::NotHex { value: text.to_owned() });
    }
    Srgb::<u8>::from_str(text).map_err(|_| ColorError::NotHex { value: text.to_owned() })
}

/// `#rrggbb`, lower case.
pub fn to_hex(colour: Srgb<u8>) -> String {
    // By hand: `format!("#{colour:x}")` went through palette's padded formatter, 4 % of a snapshot at scale.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(7);
    hex.push('#');
    for channel in [colour.red, colour.green, colour.blue] {
        hex.push(char::from(DIGITS[usize::from(channel >> 4)]));
        hex.push(char::from(DIGITS[usize::from(channel & 0xf)]));
    }
    hex
}

/// Oklab of a colour, for tests and legends that reason about perceived lightness and hue.
pub fn to_oklab(colour: Srgb<u8>) -> Oklab {
    Oklab::from_color(colour.into_format::<f32>())
}

fn from_oklab(colour: Oklab) -> Srgb<u8> {
    Srgb::from_color(colour).clamp().into_format::<u8>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_anchors_are_valid_hex() {
        for hex in RAG.iter().chain(&VIRIDIS).chain(&CIVIDIS).chain(&[UNKNOWN_GREY, TEXT_DARK, TEXT_LIGHT]) {
            assert!(parse_hex(hex).is_ok(), "{hex}");
        }
        assert_eq!(Palette::named(PaletteName::Viridis).anchors.len(), VIRIDIS.len());
    }

    #[test]
    fn palette_config_is_a_name_or_anchor_colours() {
        let read = |json: &str| {
            let value: serde_json::Value = serde_json::from_str(json).expect("test JSON");
            serde_json::from_value::<PaletteChoice>(value).map_err(|e| e.to_string())
        };
        assert_eq!(read("\"viridis\""), Ok(PaletteChoice::Named(PaletteName::Viridis)));
        assert_eq!(read(r##"["#fff","#000"]"##), Ok(PaletteChoice::Custom(vec!["#fff".into(), "#000".into()])));
        assert_eq!(read("\"rainbow\""), Err("unknown variant `rainbow`, expected one of `rag`, `viridis`, `cividis`".into()));
        assert_eq!(
            read("3"),
            Err("invalid type: integer `3`, expected a palette name (rag, viridis, cividis) or a list of anchor colours".into())
        );
        assert_eq!(read("[3]"), Err("invalid type: integer `3`, expected a string".into()));
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(parse_hex("#2e9e4f").map(to_hex), Ok("#2e9e4f".to_owned()));
        assert_eq!(parse_hex("#FFF").map(to_hex), Ok("#ffffff".to_owned()));
        assert_eq!(to_hex(Srgb::new(0, 10, 255)), "#000aff", "two digits a channel, leading zeros kept");
    }

    #[test]
    fn ramp_is_flat_below_amber_and_saturates_beyond_red() {
        let bands = Bands { amber_start: 0.8, red_start: 1.0 };
        assert_eq!(ramp_position(0.1, bands), 0.0);
        assert_eq!(ramp_position(0.8, bands), 0.0);
        assert!((ramp_position(0.9, bands) - 0.5).abs() < 1e-9);
        assert_eq!(ramp_position(1.0, bands), 1.0);
        assert_eq!(ramp_position(50.0, bands), 1.0);
        assert_eq!(ramp_position(f64::NAN, bands), 0.0);
        let palette = Palette::default();
        assert_eq!(to_hex(palette.at(0.0)), RAG[0]);
        assert_eq!(to_hex(palette.at(0.5)), RAG[1]);
        assert_eq!(to_hex(palette.at(1.0)), RAG[2]);
    }
}
