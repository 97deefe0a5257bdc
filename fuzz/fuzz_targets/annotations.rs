//! Fuzz target: the duration parser, percentile and colour parsing, and annotation reading must not panic on
//! any text, and a parsed duration is always finite and not negative.
#![no_main]

use std::collections::BTreeMap;

use latency_heatmap::catalog::{Percentile, ThresholdAnnotations};
use latency_heatmap::color::{parse_hex, Palette};
use latency_heatmap::duration::parse_duration_ms;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(ms) = parse_duration_ms(text) {
        assert!(ms.is_finite() && ms >= 0.0, "{text:?} parsed to {ms}");
    }
    let _ = Percentile::parse(text);
    let _ = parse_hex(text);
    let _ = Palette::custom(&[text, "#000"]);
    // Lines of `key=value` become an annotation map, with and without the latencyheatmap/ prefix.
    let annotations: BTreeMap<String, String> = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .flat_map(|(key, value)| {
            [(key.to_owned(), value.to_owned()), (format!("latencyheatmap/{key}"), value.to_owned())]
        })
        .collect();
    let (settings, _) = ThresholdAnnotations::read(&annotations);
    for value in [&settings.latency_slo, &settings.processing_threshold].into_iter().flatten() {
        if let Ok(ms) = value.parsed {
            assert!(ms.is_finite() && ms > 0.0);
        }
    }
});
