//! Hostile catalogs stay small in what they cost and in what they say: warnings are capped per code with a summary,
//! bad values are quoted as short prefixes, one entity nested too deep is skipped alone, and over-long names are
//! refused or cut (issue 11).

use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, Snapshot, SnapshotOptions, Warning};
use latency_heatmap::telemetry::Format;

const MEGABYTE: usize = 1 << 20;

fn heat_map() -> HeatMap {
    let config: HeatMapConfig = serde_json::from_str(r#"{ "window": "all" }"#).expect("config");
    HeatMap::new(config).expect("heat map")
}

/// One SERVER span of `service`, so the snapshot has a node to judge.
fn one_span(map: &mut HeatMap, service: &str) {
    let zipkin = format!(
        r#"[{{"traceId":"0af7651916cd43dd8448eb211c80319c","id":"b7ad6b7169203331","name":"GET /",
            "kind":"SERVER","timestamp":1700000000000000,"duration":25000,"localEndpoint":{{"serviceName":"{service}"}}}}]"#
    );
    let report = map.ingest(Format::Zipkin, zipkin.as_bytes());
    assert_eq!((report.accepted, report.rejected), (1, 0));
}

fn snapshot(map: &mut HeatMap) -> Snapshot {
    map.snapshot(&SnapshotOptions::default()).expect("snapshot")
}

fn messages(warnings: &[Warning]) -> Vec<&str> {
    warnings.iter().map(|w| w.message.as_str()).collect()
}

#[test]
fn a_hundred_thousand_bad_entities_give_twenty_warnings_and_a_summary() {
    let catalog = format!("[{}{{\"kind\":\"Component\",\"metadata\":{{\"name\":\"a\"}}}}]", "42,".repeat(100_000));
    let mut map = heat_map();
    let report = map.set_catalog(catalog.as_bytes());
    assert_eq!(report.entities, 1);
    assert_eq!(report.warnings.len(), 21);
    assert_eq!(
        report.warnings.first().map(|w| w.message.as_str()),
        Some("entity #0 could not be read and was skipped: expected an object, found a number")
    );
    assert_eq!(
        report.warnings.last(),
        Some(&Warning {
            code: "catalog.invalid-entity".into(),
            message: "… and 99980 more catalog.invalid-entity warnings".into()
        })
    );
    one_span(&mut map, "a");
    for _ in 0..2 {
        let warnings = snapshot(&mut map).warnings;
        assert_eq!(warnings.len(), 21, "every snapshot lists the same capped set");
        assert!(warnings.iter().all(|w| w.code == "catalog.invalid-entity"));
        let listed: Vec<&str> = messages(&warnings).into_iter().take(3).collect();
        assert_eq!(
            listed,
            [
                "entity #0 could not be read and was skipped: expected an object, found a number",
                "entity #1 could not be read and was skipped: expected an object, found a number",
                "entity #10 could not be read and was skipped: expected an object, found a number",
            ]
        );
        assert_eq!(
            warnings.last().map(|w| w.message.as_str()),
            Some("… and 99980 more catalog.invalid-entity warnings")
        );
    }
}

#[test]
fn a_megabyte_annotation_value_is_quoted_once_as_a_short_prefix() {
    let value = format!("300ms{}", "x".repeat(MEGABYTE));
    let catalog = format!(
        r#"[{{"kind":"Component","metadata":{{"name":"a","annotations":{{"latencyheatmap/latency-slo":"{value}"}}}}}}]"#
    );
    let mut map = heat_map();
    assert_eq!(map.set_catalog(catalog.as_bytes()).warnings, []);
    one_span(&mut map, "a");
    let warnings = snapshot(&mut map).warnings;
    assert_eq!(
        messages(&warnings),
        [format!(
            "component:default/a: annotation latencyheatmap/latency-slo = \"300ms{}\"… cannot be used (it is 1048581 \
             characters long; at most 256 are read); using no threshold instead",
            "x".repeat(35)
        )]
    );
}

#[test]
fn one_entity_nested_too_deep_is_skipped_and_the_others_load() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let catalog = format!(
        r#"[{{"kind":"Component","metadata":{{"name":"a"}}}},
            {{"kind":"Component","metadata":{{"name":"deep"}},"spec":{{"x":{deep}}}}},
            {{"kind":"Component","metadata":{{"name":"b"}},"spec":{{"dependsOn":["component:a"]}}}}]"#
    );
    let mut map = heat_map();
    let report = map.set_catalog(catalog.as_bytes());
    assert_eq!(report.entities, 2);
    assert_eq!(
        report.warnings,
        [Warning {
            code: "catalog.invalid-entity".into(),
            message: "entity #1 (component:default/deep) could not be read and was skipped: it is nested deeper than \
                      128 levels"
                .into()
        }]
    );
}

#[test]
fn a_megabyte_name_is_refused_and_long_titles_and_service_names_are_cut() {
    let long = "n".repeat(MEGABYTE);
    let catalog = format!(
        r#"[{{"kind":"Component","metadata":{{"name":"{long}"}}}},
            {{"kind":"Component","metadata":{{"name":"a","title":"{long}",
              "annotations":{{"latencyheatmap/service-name":"a, {long}"}}}}}}]"#
    );
    let mut map = heat_map();
    let report = map.set_catalog(catalog.as_bytes());
    assert_eq!(report.entities, 1);
    assert_eq!(
        messages(&report.warnings),
        [
            format!(
                "entity #0 could not be read and was skipped: the name \"{}\"… is 1048576 characters long; at most \
                 256 are allowed",
                "n".repeat(40)
            )
            .as_str(),
            "component:default/a: metadata.title is 1048576 characters long; only its first 256 are kept",
            "component:default/a: a latencyheatmap/service-name entry is 1048576 characters long; only its first 256 \
             are kept",
        ]
    );
    assert_eq!(
        report.warnings.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(),
        ["catalog.invalid-entity", "catalog.truncated", "catalog.truncated"]
    );
    // The cut service name is the name telemetry's 256-character cap leaves, so it still maps.
    one_span(&mut map, &"n".repeat(256));
    let snapshot = snapshot(&mut map);
    let node = snapshot.nodes.first().expect("one node");
    assert_eq!(node.entity_ref.as_deref(), Some("component:default/a"));
    assert!(node.label == "n".repeat(256), "the label is cut too ({} characters)", node.label.chars().count());
}

#[test]
fn unknown_annotations_name_the_nearest_known_one() {
    let catalog = r#"[{"kind":"Component","metadata":{"name":"a","annotations":{
        "latencyheatmap/latency-sol":"300ms","latencyheatmap/edge-sol.payments":"1s","latencyheatmap/colour":"red"}}}]"#;
    let mut map = heat_map();
    let report = map.set_catalog(catalog.as_bytes());
    assert_eq!(
        messages(&report.warnings),
        [
            r#"component:default/a: annotation "latencyheatmap/colour" is not one latencyheatmap reads"#,
            r#"component:default/a: annotation "latencyheatmap/edge-sol.payments" is not one latencyheatmap reads (did you mean "latencyheatmap/edge-slo.payments"?)"#,
            r#"component:default/a: annotation "latencyheatmap/latency-sol" is not one latencyheatmap reads (did you mean "latencyheatmap/latency-slo"?)"#,
        ]
    );
}
