//! Colour through the public API: ramps move one way perceptually as the score rises (hue for RAG, lightness
//! for the colour-blind-safe ramps), every fill has a text colour with WCAG AA contrast, patterns follow status,
//! unknown is grey, and user-supplied colours are validated without panicking.

use latency_heatmap::color::{
    contrast_ratio, parse_hex, swatch, to_oklab, ColorError, Palette, PaletteChoice, PaletteName, Pattern, Swatch,
    CIVIDIS, MIN_CONTRAST, UNKNOWN_GREY, VIRIDIS,
};
use latency_heatmap::evaluate::{Status, Tolerance};
use proptest::prelude::*;

/// Sweeps scores from 0 to 2× the threshold (past every profile's red start) and returns the swatches.
fn sweep(palette: &Palette, tolerance: Tolerance) -> Vec<Swatch> {
    let bands = tolerance.bands();
    (0..=400)
        .map(|step| {
            let score = f64::from(step) / 200.0;
            swatch(Some(score), Status::from_score(Some(score), bands), palette, bands)
        })
        .collect()
}

fn oklab(hex: &str) -> (f32, f32, f32) {
    let lab = to_oklab(parse_hex(hex).unwrap_or_else(|e| panic!("{hex}: {e}")));
    (lab.l, lab.a, lab.b)
}

fn hue_degrees(hex: &str) -> f32 {
    let (_, a, b) = oklab(hex);
    b.atan2(a).to_degrees()
}

/// Asserts `values` never move against `direction` by more than quantisation noise, and move overall.
fn assert_monotonic(values: &[f32], direction: f32, tolerance: f32, what: &str) {
    for pair in values.windows(2) {
        if let [a, b] = pair {
            assert!((b - a) * direction >= -tolerance, "{what} went backwards: {a} → {b}");
        }
    }
    let (first, last) = (values.first().copied().unwrap_or(0.0), values.last().copied().unwrap_or(0.0));
    assert!((last - first) * direction > 0.0, "{what} did not move: {first} → {last}");
}

#[test]
fn rag_hue_moves_from_green_to_red_one_way() {
    for tolerance in [Tolerance::Conservative, Tolerance::Moderate, Tolerance::Aggressive] {
        let hues: Vec<f32> = sweep(&Palette::default(), tolerance).iter().map(|s| hue_degrees(&s.fill)).collect();
        assert_monotonic(&hues, -1.0, 0.5, "RAG hue");
        assert!(hues.first().is_some_and(|h| *h > 120.0), "starts green: {:?}", hues.first());
        assert!(hues.last().is_some_and(|h| *h < 40.0), "ends red: {:?}", hues.last());
    }
}

#[test]
fn colour_blind_ramps_darken_one_way() {
    for name in [PaletteName::Viridis, PaletteName::Cividis] {
        let lightness: Vec<f32> =
            sweep(&Palette::named(name), Tolerance::Moderate).iter().map(|s| oklab(&s.fill).0).collect();
        assert_monotonic(&lightness, -1.0, 0.002, &format!("{name:?} lightness"));
    }
    let ends = |anchors: &[&str]| (anchors.first().map(|h| oklab(h).0), anchors.last().map(|h| oklab(h).0));
    assert!(matches!(ends(&VIRIDIS), (Some(first), Some(last)) if first > last));
    assert!(matches!(ends(&CIVIDIS), (Some(first), Some(last)) if first > last));
}

#[test]
fn green_below_amber_and_saturated_beyond_red() {
    let palette = Palette::default();
    let bands = Tolerance::Moderate.bands();
    let at = |score| swatch(Some(score), Status::from_score(Some(score), bands), &palette, bands);
    assert_eq!(at(0.0).fill, at(0.79).fill);
    assert_ne!(at(0.85).fill, at(0.95).fill);
    assert_eq!(at(1.0).fill, at(10.0).fill);
    assert_eq!(at(10.0).fill, at(1e6).fill);
}

#[test]
fn every_fill_has_aa_text_contrast() {
    let palettes = [
        Palette::named(PaletteName::Rag),
        Palette::named(PaletteName::Viridis),
        Palette::named(PaletteName::Cividis),
        Palette::custom(&["#ff0", "#777777", "#00f"]).expect("custom palette"),
    ];
    for palette in &palettes {
        for swatch in sweep(palette, Tolerance::Moderate) {
            let (fill, text) = (parse_hex(&swatch.fill), parse_hex(&swatch.text));
            let ratio = fill.and_then(|f| text.map(|t| contrast_ratio(f, t))).unwrap_or(0.0);
            assert!(ratio >= MIN_CONTRAST, "{} on {}: {ratio}", swatch.text, swatch.fill);
        }
    }
}

#[test]
fn unknown_is_grey_and_patterns_follow_status() {
    let palette = Palette::named(PaletteName::Viridis);
    let bands = Tolerance::Moderate.bands();
    let unknown = swatch(None, Status::Unknown, &palette, bands);
    assert_eq!(unknown.fill, UNKNOWN_GREY);
    assert_eq!(swatch(Some(0.9), Status::Unknown, &palette, bands).fill, UNKNOWN_GREY);
    let (_, a, b) = oklab(&unknown.fill);
    assert!(a.abs() < 0.01 && b.abs() < 0.01, "no hue");
    assert_eq!(swatch(Some(0.1), Status::Green, &palette, bands).pattern, Pattern::Solid);
    assert_eq!(swatch(Some(0.9), Status::Amber, &palette, bands).pattern, Pattern::Dashed);
    assert_eq!(swatch(Some(1.5), Status::Red, &palette, bands).pattern, Pattern::Dotted);
    let json = serde_json::to_value(swatch(Some(1.5), Status::Red, &Palette::default(), bands)).expect("swatch as JSON");
    assert_eq!(json, serde_json::json!({ "fill": "#d93025", "text": "#ffffff", "pattern": "dotted" }));
}

#[test]
fn fills_are_css_hex() {
    for swatch in sweep(&Palette::named(PaletteName::Cividis), Tolerance::Aggressive) {
        for hex in [&swatch.fill, &swatch.text] {
            assert!(hex.len() == 7 && hex.starts_with('#'), "{hex}");
            assert!(hex.chars().skip(1).all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{hex}");
        }
    }
}

#[test]
fn custom_colours_are_validated_before_palette_parses_them() {
    assert!(parse_hex("#abc").is_ok() && parse_hex("#A0B1C2").is_ok() && parse_hex(" #a0b1c2 ").is_ok());
    // "#€" and "€€" make palette 0.7.7 panic if passed straight through (it slices inside a character).
    for text in ["#€", "€€", "#a€", "#ñ12", "ÿÿÿ", "#12345ä", "#🎨🎨"] {
        assert!(matches!(parse_hex(text), Err(ColorError::NotAscii { .. })), "{text}");
    }
    for text in ["", "#", "abc", "#abcd", "#ggg", "#12345", "#1234567", "red", "#+1+2+3"] {
        assert!(matches!(parse_hex(text), Err(ColorError::NotHex { .. })), "{text}");
    }
    assert_eq!(Palette::custom(&["#fff"]), Err(ColorError::AnchorCount(1)));
    let error = Palette::custom(&["#fff", "#ñ00"]).err().map(|e| e.to_string()).expect("an error for a non-hex anchor");
    assert!(error.contains("anchor colour #1") && error.contains("non-ASCII"), "{error}");
}

#[test]
fn palettes_are_chosen_by_name_or_anchors_in_config() {
    let named: PaletteChoice = serde_json::from_str("\"cividis\"").expect("named palette");
    assert_eq!(Palette::from_choice(&named), Ok(Palette::named(PaletteName::Cividis)));
    let custom: PaletteChoice = serde_json::from_str(r##"["#0f0", "#f00"]"##).expect("custom palette anchors");
    assert!(Palette::from_choice(&custom).is_ok());
    assert_eq!(Palette::from_choice(&PaletteChoice::default()), Ok(Palette::default()));
}

proptest! {
    #[test]
    fn arbitrary_colour_text_never_panics(text in "\\PC{0,10}") {
        if let Ok(colour) = parse_hex(&text) {
            prop_assert!(text.trim().is_ascii());
            prop_assert_eq!(parse_hex(&latency_heatmap::color::to_hex(colour)), Ok(colour));
        }
        let _ = Palette::custom(&[text.as_str(), "#000"]);
    }

    #[test]
    fn any_custom_palette_and_score_gives_readable_hex(
        anchors in proptest::collection::vec("#[0-9a-fA-F]{6}", 2..6),
        score in prop_oneof![any::<f64>(), 0.0..3.0],
    ) {
        let palette = Palette::custom(&anchors);
        prop_assert!(palette.is_ok());
        let palette = palette.expect("anchors written as #rrggbb make a palette");
        let bands = Tolerance::Moderate.bands();
        let swatch = swatch(Some(score), Status::from_score(Some(score), bands), &palette, bands);
        let ratio = parse_hex(&swatch.fill).and_then(|f| parse_hex(&swatch.text).map(|t| contrast_ratio(f, t)));
        prop_assert!(ratio.is_ok_and(|r| r >= MIN_CONTRAST));
    }
}
