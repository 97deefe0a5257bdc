//! `new HeatMap(config)` and `snapshot(options)` as the bindings read them (JSON in, through `HeatMapConfig::from_json`
//! / `SnapshotOptions::from_json`): every bad value names its field with its path, a value its type does not allow
//! (what TypeScript rules out) is told apart from a value that cannot be used, and unknown keys are warnings with the
//! nearest known key — never errors, never silent.

use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, HeatMapError, SnapshotOptions, Warning};
use latency_heatmap::options::OptionError;

/// The error `new HeatMap(config)` gives for `json`, as its message.
fn config_error(json: &str) -> String {
    match HeatMapConfig::from_json(json.as_bytes()) {
        Err(error) => HeatMapError::from(error).to_string(),
        Ok(config) => HeatMap::new(config).err().map(|error| error.to_string()).unwrap_or_else(|| panic!("{json} was accepted")),
    }
}

fn config_warnings(json: &str) -> Vec<Warning> {
    let config = HeatMapConfig::from_json(json.as_bytes()).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.snapshot(&SnapshotOptions::default()).expect("snapshot").warnings
}

fn unknown_key(message: &str) -> Warning {
    Warning { code: "config.unknown-key".into(), message: message.into() }
}

#[test]
fn every_section_names_the_bad_field_the_same_way() {
    let cases = [
        (r#"{"window":"fast"}"#, r#"config: window: "fast" has no number (expected e.g. 300ms, 1.5s, 250us)"#),
        (r#"{"ttl":"-5s"}"#, r#"config: ttl: negative duration "-5s": durations must be zero or more"#),
        (r#"{"defaults":{"latencySlo":"fast"}}"#, r#"config: defaults.latencySlo: "fast" has no number (expected e.g. 300ms, 1.5s, 250us)"#),
        (r#"{"defaults":{"processingThreshold":"3 weeks"}}"#, r#"config: defaults.processingThreshold: "3 weeks" has unknown unit "weeks" (use ns, us, ms, s, m or h)"#),
        (r#"{"defaults":{"latencySlo":-5}}"#, "config: defaults.latencySlo: -5 is not a positive finite number of milliseconds"),
        (r#"{"defaults":{"latencySlo":"0ms"}}"#, r#"config: defaults.latencySlo: "0ms": a threshold must be greater than zero"#),
        (r#"{"defaults":{"errorRate":5}}"#, "config: defaults.errorRate: error rate 5 must be a fraction above 0 and at most 1"),
        (r#"{"percentile":"p75"}"#, "config: percentile: unknown variant `p75`, expected one of `p50`, `p90`, `p95`, `p99`"),
        (r#"{"tolerance":"reckless"}"#, "config: tolerance: unknown variant `reckless`, expected one of `conservative`, `moderate`, `aggressive`"),
        (r#"{"palette":"rainbow"}"#, "config: palette: unknown variant `rainbow`, expected one of `rag`, `viridis`, `cividis`"),
        (r##"{"palette":["#00ff00"]}"##, "config: palette: a custom palette needs 2 to 8 anchor colours, got 1"),
        (r#"{"maxPending":0}"#, "config: maxPending: must be at least 1, got 0"),
    ];
    for (json, message) in cases {
        assert_eq!(config_error(json), message, "{json}");
    }
}

#[test]
fn a_value_of_the_wrong_type_is_told_apart_from_an_unusable_one() {
    let read = |json: &str| HeatMapConfig::from_json(json.as_bytes()).map(|_| ()).err();
    assert_eq!(
        read(r#"{"ewmaHalfLife":[1]}"#),
        Some(OptionError::WrongType {
            path: "ewmaHalfLife".into(),
            message: r#"invalid type: sequence, expected a duration such as "300ms" or a number of milliseconds"#.into(),
        })
    );
    assert_eq!(
        read(r#"{"defaults":{"latencySlo":true}}"#),
        Some(OptionError::WrongType {
            path: "defaults.latencySlo".into(),
            message: r#"invalid type: boolean `true`, expected a duration such as "300ms" or a number of milliseconds"#.into(),
        })
    );
    assert_eq!(
        read(r#"{"palette":3}"#),
        Some(OptionError::WrongType {
            path: "palette".into(),
            message: "invalid type: integer `3`, expected a palette name (rag, viridis, cividis) or a list of anchor colours".into(),
        })
    );
    assert_eq!(read(r#"{"defaults":"500ms"}"#).map(|e| e.to_string()), Some(r#"defaults: invalid type: string "500ms", expected struct Defaults"#.into()));
    assert_eq!(
        read(r#"{"tolerance":"lenient"}"#),
        Some(OptionError::WrongType {
            path: "tolerance".into(),
            message: "unknown variant `lenient`, expected one of `conservative`, `moderate`, `aggressive`".into(),
        })
    );
    assert_eq!(
        read(r#"{"defaults":{"latencySlo":"fast"}}"#),
        Some(OptionError::BadValue {
            path: "defaults.latencySlo".into(),
            message: r#""fast" has no number (expected e.g. 300ms, 1.5s, 250us)"#.into(),
        })
    );
    assert_eq!(read("[1]"), Some(OptionError::NotAnObject("an array")));
}

#[test]
fn unknown_keys_warn_with_the_nearest_known_key_and_change_nothing() {
    let warnings = config_warnings(
        r#"{"windw":"1m","defaults":{"latencySLO":"1ms","processingThreshold":"40ms"},"pallete":"viridis","colour":"red"}"#,
    );
    assert_eq!(
        warnings,
        vec![
            unknown_key(r#"config: unknown key "colour" is ignored"#),
            unknown_key(r#"config: unknown key "defaults.latencySLO" is ignored (did you mean "defaults.latencySlo"?)"#),
            unknown_key(r#"config: unknown key "pallete" is ignored (did you mean "palette"?)"#),
            unknown_key(r#"config: unknown key "windw" is ignored (did you mean "window"?)"#),
        ]
    );
    let config = HeatMapConfig::from_json(br#"{"windw":"1m","defaults":{"latencySLO":"1ms"}}"#).expect("config");
    assert_eq!(config.evaluate.defaults.latency_slo, None, "a misspelt key must not be half-applied");
    assert_eq!(config.aggregate, HeatMapConfig::default().aggregate);
}

#[test]
fn every_documented_key_is_known() {
    let json = r##"{"window":"all","ttl":"30s","maxPending":10,"recentSamples":5,"ewmaHalfLife":"1m",
        "defaults":{"latencySlo":"500ms","processingThreshold":100,"errorRate":0.01},
        "percentile":"p99","tolerance":"aggressive","enforceDefaults":true,"palette":["#ffffff","#000000"]}"##;
    assert_eq!(config_warnings(json), vec![]);
    let options = SnapshotOptions::from_json(
        br#"{"level":"system","layout":{"direction":"LR","nodesep":1,"ranksep":2,"edgesep":3,"groupPadding":4,"maxSweeps":5,"nodeWidth":6,"nodeHeight":7}}"#,
    )
    .expect("options");
    assert_eq!(options.unknown_keys, vec![]);
}

#[test]
fn snapshot_options_warn_about_unknown_keys_in_that_snapshot_only() {
    let mut map = HeatMap::new(HeatMapConfig::default()).expect("heat map");
    let options = SnapshotOptions::from_json(br#"{"levl":"system","layout":{"nodeWidht":100}}"#).expect("options");
    let warnings = map.snapshot(&options).expect("snapshot").warnings;
    assert_eq!(
        warnings,
        vec![
            unknown_key(r#"snapshot options: unknown key "layout.nodeWidht" is ignored (did you mean "layout.nodeWidth"?)"#),
            unknown_key(r#"snapshot options: unknown key "levl" is ignored (did you mean "level"?)"#),
        ]
    );
    assert_eq!(map.snapshot(&SnapshotOptions::default()).expect("snapshot").warnings, vec![]);
    assert_eq!(
        SnapshotOptions::from_json(br#"{"level":"galaxy"}"#).err(),
        Some(OptionError::WrongType {
            path: "level".into(),
            message: "unknown variant `galaxy`, expected one of `domain`, `system`, `entity`, `component`".into()
        })
    );
}
