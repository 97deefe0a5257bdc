//! The binding layer as JavaScript sees it, run by `wasm-bindgen-test-runner` in Node and in headless Chromium
//! (`make test-wasm`). Bad calls must come back as `Error`s with a `code`, never as traps.
#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use latency_heatmap::wasm;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn code_of(error: &JsValue) -> String {
    Reflect::get(error, &JsValue::from_str("code")).ok().and_then(|code| code.as_string()).unwrap_or_default()
}

fn message_of(error: &JsValue) -> String {
    Reflect::get(error, &JsValue::from_str("message")).ok().and_then(|m| m.as_string()).unwrap_or_default()
}

#[wasm_bindgen_test]
fn parse_duration_reads_annotation_values() {
    assert_eq!(wasm::parse_duration(JsValue::from_str("300ms")).unwrap(), 300.0);
    assert_eq!(wasm::parse_duration(JsValue::from_str("1.5 s")).unwrap(), 1500.0);
}

#[wasm_bindgen_test]
fn parse_duration_rejects_bad_values_with_a_code() {
    for bad in ["fast", "-5ms", "", "300"] {
        let error = wasm::parse_duration(JsValue::from_str(bad)).unwrap_err();
        assert!(error.is_instance_of::<js_sys::Error>(), "{bad}: not an Error");
        assert_eq!(code_of(&error), "INVALID_DURATION", "{bad}");
        assert!(message_of(&error).contains("parseDuration"), "{bad}: {}", message_of(&error));
    }
}

#[wasm_bindgen_test]
fn wrong_argument_types_are_typed_errors() {
    for wrong in [JsValue::from_f64(300.0), JsValue::UNDEFINED, JsValue::NULL, js_sys::Object::new().into()] {
        let error = wasm::parse_duration(wrong).unwrap_err();
        assert_eq!(code_of(&error), "INVALID_ARGUMENT");
    }
}

const OTLP: &str = include_str!("fixtures/otel-sdk/otlp.json");
const CATALOG: &str = include_str!("fixtures/catalog/otel-shop.json");

fn get(value: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(value.clone(), |value, key| Reflect::get(&value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED))
}

fn config(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON")
}

#[wasm_bindgen_test]
fn heat_map_ingests_a_string_bytes_or_an_object_alike() {
    let payloads: [JsValue; 3] = [
        JsValue::from_str(OTLP),
        js_sys::Uint8Array::from(OTLP.as_bytes()).into(),
        js_sys::JSON::parse(OTLP).expect("fixture"),
    ];
    for payload in payloads {
        let mut map = wasm::JsHeatMap::new(config(r#"{"window":"all"}"#)).expect("heat map");
        let report = map.ingest_otlp(payload).expect("ingest");
        assert_eq!(get(&report, &["accepted"]).as_f64(), Some(608.0));
        assert_eq!(get(&report, &["rejected"]).as_f64(), Some(0.0));
    }
}

#[wasm_bindgen_test]
fn snapshot_is_a_plain_object_with_judged_coloured_nodes() {
    let mut map = wasm::JsHeatMap::new(JsValue::UNDEFINED).expect("default config");
    let catalog = map.set_catalog(JsValue::from_str(CATALOG)).expect("catalog");
    assert_eq!(get(&catalog, &["entities"]).as_f64(), Some(18.0));
    map.ingest_otlp(JsValue::from_str(OTLP)).expect("ingest");
    let snapshot = map.snapshot(config(r#"{"layout":{}}"#)).expect("snapshot");
    let nodes = js_sys::Array::from(&get(&snapshot, &["nodes"]));
    assert!(nodes.length() >= 7);
    let first = nodes.get(0);
    assert!(get(&first, &["color", "fill"]).as_string().is_some_and(|fill| fill.starts_with('#')));
    assert!(get(&first, &["status"]).as_string().is_some());
    assert_eq!(js_sys::Array::from(&get(&snapshot, &["layout", "nodes"])).length(), nodes.length());
}

#[wasm_bindgen_test]
fn bad_config_and_payloads_are_typed_errors() {
    let error = wasm::JsHeatMap::new(config(r#"{"window":"fast"}"#)).err().expect("bad window");
    assert_eq!(code_of(&error), "INVALID_CONFIG");
    assert!(message_of(&error).contains("window"), "{}", message_of(&error));
    let error = wasm::JsHeatMap::new(JsValue::from_f64(3.0)).err().expect("not an object");
    assert_eq!(code_of(&error), "INVALID_ARGUMENT");
    let error = wasm::JsHeatMap::new(config(r#"{"ewmaHalfLife":[1]}"#)).err().expect("wrong type");
    assert_eq!(code_of(&error), "INVALID_ARGUMENT");

    let mut map = wasm::JsHeatMap::new(JsValue::UNDEFINED).expect("heat map");
    let error = map.ingest_zipkin(JsValue::from_f64(1.0)).unwrap_err();
    assert_eq!(code_of(&error), "INVALID_ARGUMENT");
    // Not JSON at all: not an exception, a report that says so; the map still works.
    let report = map.ingest_jaeger(JsValue::from_str("{\"data\": [")).expect("report");
    assert!(get(&report, &["error"]).as_string().is_some());
    assert!(map.snapshot(JsValue::UNDEFINED).is_ok());
}

#[wasm_bindgen_test]
fn layout_graph_lays_out_and_rejects_bad_graphs_with_codes() {
    let layout = wasm::layout_graph_js(
        config(r#"{"nodes":[{"id":"a","width":100,"height":40},{"id":"b","width":100,"height":40}],"edges":[{"from":"a","to":"b"}]}"#),
        JsValue::UNDEFINED,
    )
    .expect("layout");
    assert_eq!(js_sys::Array::from(&get(&layout, &["nodes"])).length(), 2);
    assert!(get(&layout, &["stats", "ms"]).as_f64().is_some_and(|ms| ms >= 0.0));

    let unknown = config(r#"{"nodes":[{"id":"a","width":1,"height":1}],"edges":[{"from":"a","to":"nope"}]}"#);
    let error = wasm::layout_graph_js(unknown, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(code_of(&error), "INVALID_GRAPH");
    assert!(message_of(&error).contains("nope"), "{}", message_of(&error));
    let error = wasm::layout_graph_js(JsValue::from_str("a->b"), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(code_of(&error), "INVALID_ARGUMENT");
    let error = wasm::layout_graph_js(config(r#"{"nodes":[{"id":"a"}]}"#), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(code_of(&error), "INVALID_ARGUMENT");
}

/// Structural equality as JavaScript sees it: same array lengths, same own keys in the same order, and
/// `Object.is` on every leaf (so `null` ≠ `undefined`, `-0` ≠ `0`, a number ≠ its string).
fn same_js(a: &JsValue, b: &JsValue, path: &str) -> Result<(), String> {
    if js_sys::Array::is_array(a) || js_sys::Array::is_array(b) {
        let (a, b) = (js_sys::Array::from(a), js_sys::Array::from(b));
        if a.length() != b.length() {
            return Err(format!("{path}: {} vs {} elements", a.length(), b.length()));
        }
        return (0..a.length()).try_for_each(|i| same_js(&a.get(i), &b.get(i), &format!("{path}[{i}]")));
    }
    if a.is_object() && b.is_object() {
        let keys = |v: &JsValue| -> Vec<String> {
            js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>()).iter().filter_map(|k| k.as_string()).collect()
        };
        let (ka, kb) = (keys(a), keys(b));
        if ka != kb {
            return Err(format!("{path}: keys {ka:?} vs {kb:?}"));
        }
        return ka.iter().try_for_each(|k| same_js(&get(a, &[k]), &get(b, &[k]), &format!("{path}.{k}")));
    }
    if js_sys::Object::is(a, b) {
        Ok(())
    } else {
        Err(format!("{path}: {a:?} vs {b:?}"))
    }
}

/// The snapshot crosses the boundary as JSON text and `JSON.parse` (faster than building each object through
/// serde-wasm-bindgen); the objects must be exactly those the serde-wasm-bindgen `json_compatible` serializer made.
#[wasm_bindgen_test]
fn snapshot_objects_are_those_serde_wasm_bindgen_made() {
    use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, SnapshotLayout, SnapshotOptions};
    use latency_heatmap::telemetry::Format;
    use serde::Serialize;

    let config_json = r#"{"window":"all","defaults":{"latencySlo":"20ms","errorRate":0.01}}"#;
    let mut js_map = wasm::JsHeatMap::new(config(config_json)).expect("heat map");
    js_map.set_catalog(JsValue::from_str(CATALOG)).expect("catalog");
    js_map.ingest_otlp(JsValue::from_str(OTLP)).expect("ingest");
    let mut native: HeatMap =
        HeatMap::new(serde_json::from_str::<HeatMapConfig>(config_json).expect("config")).expect("heat map");
    native.set_catalog(CATALOG.as_bytes());
    native.ingest(Format::Otlp, OTLP.as_bytes());
    let cases = [
        (r#"{}"#, SnapshotOptions::default()),
        (r#"{"level":"system"}"#, serde_json::from_str(r#"{"level":"system"}"#).expect("options")),
        (r#"{"layout":{}}"#, SnapshotOptions { layout: Some(SnapshotLayout::default()), ..SnapshotOptions::default() }),
        (r#"{"entryPoints":false}"#, SnapshotOptions { entry_points: false, ..SnapshotOptions::default() }),
    ];
    for (js_options, options) in cases {
        let ours = js_map.snapshot(config(js_options)).expect("snapshot");
        let snapshot = native.snapshot(&options).expect("snapshot");
        let before = snapshot.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).expect("serde-wasm-bindgen");
        assert_eq!(same_js(&ours, &before, "snapshot"), Ok(()), "{js_options}");
        assert!(js_sys::Array::from(&get(&ours, &["alerts"])).length() > 0, "{js_options}: the fixture breaches");
        let entry_points = get(&ours, &["entryPoints"]);
        let expected = if js_options.contains("entryPoints") { 0 } else { 2 };
        assert!(js_sys::Array::is_array(&entry_points), "{js_options}: entryPoints is an array");
        assert_eq!(js_sys::Array::from(&entry_points).length(), expected, "{js_options}");
    }
}
