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

/// A JS value built by `body` (the tests need getters, Proxies, cycles and detached buffers, which only JS makes).
fn js(body: &str) -> JsValue {
    js_sys::Function::new_no_args(body).call0(&JsValue::NULL).expect("test JS")
}

fn assert_error(result: Result<JsValue, JsValue>, code: &str, message: &str) {
    let error = result.expect_err("an error");
    assert!(error.is_instance_of::<js_sys::Error>(), "not an Error");
    assert_eq!(get(&error, &["name"]).as_string().as_deref(), Some("LatencyHeatmapError"));
    assert_eq!((code_of(&error).as_str(), message_of(&error).as_str()), (code, message));
}

/// The instance still does everything after a bad argument: ingests, snapshots and can be freed.
fn still_usable(mut map: wasm::JsHeatMap) {
    let report = map.ingest_otlp(JsValue::from_str(OTLP)).expect("ingest after a bad argument");
    assert_eq!(get(&report, &["accepted"]).as_f64(), Some(608.0));
    let snapshot = map.snapshot(JsValue::UNDEFINED).expect("snapshot after a bad argument");
    assert_eq!(js_sys::Array::from(&get(&snapshot, &["nodes"])).length(), 11);
    drop(map);
}

#[wasm_bindgen_test]
fn config_errors_name_the_field_with_its_path_and_code() {
    let new = |json: &str| wasm::JsHeatMap::new(config(json)).map(|_| JsValue::UNDEFINED);
    assert_error(
        new(r#"{"defaults":{"latencySlo":"fast"}}"#),
        "INVALID_CONFIG",
        r#"new HeatMap(config): config: defaults.latencySlo: "fast" has no number (expected e.g. 300ms, 1.5s, 250us)"#,
    );
    assert_error(
        new(r#"{"window":"fast"}"#),
        "INVALID_CONFIG",
        r#"new HeatMap(config): config: window: "fast" has no number (expected e.g. 300ms, 1.5s, 250us)"#,
    );
    assert_error(
        new(r#"{"palette":"rainbow"}"#),
        "INVALID_ARGUMENT",
        "new HeatMap(config): config: palette: unknown variant `rainbow`, expected one of `rag`, `viridis`, `cividis`",
    );
    assert_error(
        new(r#"{"defaults":{"errorRate":"high"}}"#),
        "INVALID_ARGUMENT",
        r#"new HeatMap(config): config: defaults.errorRate: invalid type: string "high", expected f64"#,
    );
}

#[wasm_bindgen_test]
fn unknown_keys_are_warnings_in_every_snapshot_and_in_layouts() {
    let mut map = wasm::JsHeatMap::new(config(r#"{"windw":"all","defaults":{"latencySLO":"1s"}}"#)).expect("heat map");
    let warnings = |snapshot: &JsValue| {
        js_sys::Array::from(&get(snapshot, &["warnings"]))
            .iter()
            .map(|w| (get(&w, &["code"]).as_string().unwrap_or_default(), get(&w, &["message"]).as_string().unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    let unknown = |message: &str| ("config.unknown-key".to_owned(), message.to_owned());
    let config_warnings = vec![
        unknown(r#"config: unknown key "defaults.latencySLO" is ignored (did you mean "defaults.latencySlo"?)"#),
        unknown(r#"config: unknown key "windw" is ignored (did you mean "window"?)"#),
    ];
    assert_eq!(warnings(&map.snapshot(JsValue::UNDEFINED).expect("snapshot")), config_warnings);
    let snapshot = map.snapshot(config(r#"{"levle":"system"}"#)).expect("snapshot");
    let mut expected = config_warnings.clone();
    expected.push(unknown(r#"snapshot options: unknown key "levle" is ignored (did you mean "level"?)"#));
    assert_eq!(warnings(&snapshot), expected);
    assert_eq!(warnings(&map.snapshot(JsValue::UNDEFINED).expect("snapshot")), config_warnings);

    let graph = config(r#"{"nodes":[{"id":"a","width":10,"height":10}]}"#);
    let layout = wasm::layout_graph_js(graph, config(r#"{"direction":"LR","nodeSep":5}"#)).expect("layout");
    assert_eq!(warnings(&layout), vec![unknown(r#"layout options: unknown key "nodeSep" is ignored (did you mean "nodesep"?)"#)]);
    assert_eq!(js_sys::Array::from(&get(&layout, &["nodes"])).length(), 1);
}

#[wasm_bindgen_test]
fn undefined_fields_are_absent_everywhere() {
    let mut map = wasm::JsHeatMap::new(js("return { window: undefined, ttl: undefined, palette: undefined }")).expect("top level");
    map.ingest_otlp(JsValue::from_str(OTLP)).expect("ingest");
    let snapshot = map.snapshot(js("return { level: undefined, layout: undefined }")).expect("snapshot options");
    assert_eq!(get(&snapshot, &["level"]).as_string().as_deref(), Some("component"));
    assert_eq!(get(&snapshot, &["window"]).as_f64(), Some(300_000.0));
    assert!(get(&snapshot, &["layout"]).is_undefined());
    let snapshot = map.snapshot(js("return { layout: { direction: undefined, nodeWidth: undefined } }")).expect("nested");
    assert_eq!(js_sys::Array::from(&get(&snapshot, &["layout", "nodes"])).length(), 11);

    let nested = js("return { defaults: { latencySlo: undefined, processingThreshold: '40ms' }, percentile: undefined }");
    let mut map = wasm::JsHeatMap::new(nested).expect("nested undefined");
    map.ingest_otlp(JsValue::from_str(OTLP)).expect("ingest");
    let snapshot = map.snapshot(JsValue::UNDEFINED).expect("snapshot");
    assert_eq!(js_sys::Array::from(&get(&snapshot, &["warnings"])).length(), 0);
    assert!(wasm::JsHeatMap::new(js("return { defaults: undefined }")).is_ok());

    let graph = config(r#"{"nodes":[{"id":"a","width":10,"height":10},{"id":"b","width":10,"height":10}],"edges":[{"from":"a","to":"b"}]}"#);
    let layout = wasm::layout_graph_js(graph, js("return { direction: undefined, nodesep: undefined }")).expect("layout");
    assert_eq!(js_sys::Array::from(&get(&layout, &["warnings"])).length(), 0);
    let nodes = js_sys::Array::from(&get(&layout, &["nodes"]));
    // Top to bottom, the default: b is below a.
    assert!(get(&nodes.get(1), &["y"]).as_f64() > get(&nodes.get(0), &["y"]).as_f64());
}

#[wasm_bindgen_test]
fn a_throwing_getter_is_an_invalid_argument_and_the_map_stays_usable() {
    let getter = "return { get level() { throw new Error('boom') } }";
    assert_error(
        wasm::JsHeatMap::new(js(getter)).map(|_| JsValue::UNDEFINED),
        "INVALID_ARGUMENT",
        "new HeatMap(config): reading it threw Error: boom",
    );
    let mut map = wasm::JsHeatMap::new(JsValue::UNDEFINED).expect("heat map");
    assert_error(map.snapshot(js(getter)), "INVALID_ARGUMENT", "snapshot(options): reading it threw Error: boom");
    assert_error(map.ingest_otlp(js(getter)), "INVALID_ARGUMENT", "ingestOtlp(payload): reading it threw Error: boom");
    assert_error(
        wasm::layout_graph_js(config(r#"{"nodes":[]}"#), js(getter)),
        "INVALID_ARGUMENT",
        "layoutGraph(graph, options): reading it threw Error: boom",
    );
    still_usable(map);
}

#[wasm_bindgen_test]
fn a_hostile_proxy_is_an_invalid_argument_and_the_map_stays_usable() {
    let proxy = "const trap = () => { throw new RangeError('trapped') };
                 return new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap })";
    let mut map = wasm::JsHeatMap::new(JsValue::UNDEFINED).expect("heat map");
    assert_error(map.snapshot(js(proxy)), "INVALID_ARGUMENT", "snapshot(options): reading it threw RangeError: trapped");
    assert_error(map.ingest_jaeger(js(proxy)), "INVALID_ARGUMENT", "ingestJaeger(payload): reading it threw RangeError: trapped");
    assert_error(map.set_catalog(js(proxy)), "INVALID_ARGUMENT", "setCatalog(entities): reading it threw RangeError: trapped");
    assert_error(map.ingest_any(js(proxy)), "INVALID_ARGUMENT", "ingest(payload): reading it threw RangeError: trapped");
    assert_error(
        wasm::JsHeatMap::new(js(proxy)).map(|_| JsValue::UNDEFINED),
        "INVALID_ARGUMENT",
        "new HeatMap(config): reading it threw RangeError: trapped",
    );
    still_usable(map);
}

#[wasm_bindgen_test]
fn a_detached_buffer_is_an_invalid_argument_and_the_map_stays_usable() {
    // Transferring a buffer (to a worker, here to a clone) detaches it; `ArrayBuffer.prototype.transfer` needs Node 21.
    let transferred = "const bytes = new TextEncoder().encode('[]'); structuredClone(bytes.buffer, { transfer: [bytes.buffer] });";
    let mut map = wasm::JsHeatMap::new(JsValue::UNDEFINED).expect("heat map");
    for (payload, what) in [("return bytes.buffer", "the ArrayBuffer"), ("return bytes", "a view of it")] {
        let error = map.ingest_zipkin(js(&format!("{transferred} {payload}"))).expect_err(what);
        assert_eq!(code_of(&error), "INVALID_ARGUMENT", "{what}");
        let message = message_of(&error);
        assert!(message.starts_with("ingestZipkin(payload): reading it threw TypeError: "), "{what}: {message}");
    }
    // An empty view of a live buffer is an empty document, not an unreadable argument.
    let report = map.ingest_zipkin(js_sys::Uint8Array::new_with_length(0).into()).expect("empty bytes");
    assert_eq!(get(&report, &["spansRead"]).as_f64(), Some(0.0));
    still_usable(map);
}

#[wasm_bindgen_test]
fn a_cyclic_object_is_an_invalid_argument_and_the_map_stays_usable() {
    let cyclic = "const o = { resourceSpans: [] }; o.self = o; return o";
    let mut map = wasm::JsHeatMap::new(JsValue::UNDEFINED).expect("heat map");
    for result in [map.ingest_otlp(js(cyclic)), map.snapshot(js(cyclic)), map.set_catalog(js(cyclic))] {
        let error = result.expect_err("cycle");
        assert_eq!(code_of(&error), "INVALID_ARGUMENT");
        assert!(message_of(&error).contains("reading it threw TypeError: "), "{}", message_of(&error));
    }
    assert!(wasm::JsHeatMap::new(js(cyclic)).is_err());
    still_usable(map);
}

#[wasm_bindgen_test]
fn each_ingest_method_names_the_right_one_and_ingest_tells_the_format() {
    let mut map = wasm::JsHeatMap::new(config(r#"{"window":"all"}"#)).expect("heat map");
    let report = map.ingest_jaeger(JsValue::from_str(OTLP)).expect("report");
    assert_eq!(get(&report, &["error"]).as_string().as_deref(), Some("this looks like OTLP (resourceSpans); use ingestOtlp"));
    assert_eq!(get(&report, &["spansRead"]).as_f64(), Some(0.0));
    let report = map.ingest_zipkin(JsValue::from_str(JAEGER)).expect("report");
    assert_eq!(get(&report, &["error"]).as_string().as_deref(), Some("this looks like Jaeger (data); use ingestJaeger"));
    let report = map.ingest_otlp(JsValue::from_str(ZIPKIN)).expect("report");
    assert_eq!(get(&report, &["error"]).as_string().as_deref(), Some("this looks like Zipkin (an array of spans); use ingestZipkin"));

    for (document, format) in [(OTLP, "otlp"), (JAEGER, "jaeger"), (ZIPKIN, "zipkin")] {
        let mut map = wasm::JsHeatMap::new(config(r#"{"window":"all"}"#)).expect("heat map");
        let report = map.ingest_any(js_sys::Uint8Array::from(document.as_bytes()).into()).expect("report");
        assert_eq!(get(&report, &["format"]).as_string().as_deref(), Some(format));
        assert_eq!(get(&report, &["accepted"]).as_f64(), Some(608.0), "{format}");
        assert!(get(&report, &["error"]).is_undefined(), "{format}");
    }
    let report = map.ingest_any(config(r#"{"traces":[]}"#)).expect("report");
    assert!(get(&report, &["format"]).is_undefined());
    assert!(get(&report, &["error"]).as_string().is_some_and(|e| e.starts_with("not a trace document this package reads")));
}

const JAEGER: &str = include_str!("fixtures/otel-sdk/jaeger.json");
const ZIPKIN: &str = include_str!("fixtures/otel-sdk/zipkin.json");

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

#[wasm_bindgen_test]
fn set_wall_clock_takes_a_time_or_nothing_and_refuses_the_rest() {
    let mut map = wasm::JsHeatMap::new(JsValue::UNDEFINED).expect("heat map");
    for good in [JsValue::from_f64(1_700_000_000_000.0), JsValue::UNDEFINED, JsValue::NULL] {
        map.set_wall_clock(good).expect("a time or nothing");
    }
    let expected = "setWallClock(nowMs): expected a finite, non-negative number of ms since the epoch (Date.now()), undefined or null";
    for bad in [JsValue::from_str("now"), JsValue::from_f64(f64::NAN), JsValue::from_f64(-1.0), JsValue::from_f64(f64::INFINITY)] {
        let error = map.set_wall_clock(bad).map(|_| JsValue::UNDEFINED);
        assert_error(error, "INVALID_ARGUMENT", expected);
    }
    still_usable(map);
}

/// Results cross as ASCII JSON text (`\u` escapes, surrogate pairs above U+FFFF): names beyond ASCII arrive intact.
#[wasm_bindgen_test]
fn names_beyond_ascii_cross_the_boundary_intact() {
    let otlp = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"café→😀"}}]},
        "scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"GET /",
        "kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000020000000"}]}]}]}"#;
    let mut js_map = wasm::JsHeatMap::new(config(r#"{"window":"all"}"#)).expect("heat map");
    js_map.ingest_otlp(JsValue::from_str(otlp)).expect("ingest");
    js_map.flush_pending().expect("flush");
    let snapshot = js_map.snapshot(JsValue::UNDEFINED).expect("snapshot");
    let ids = |list: &str, field: &str| -> Vec<String> {
        js_sys::Array::from(&get(&snapshot, &[list])).iter().filter_map(|item| get(&item, &[field]).as_string()).collect()
    };
    assert_eq!(ids("nodes", "id"), ["café→😀", "user"]);
    assert_eq!(ids("edges", "id"), ["user→café→😀:sync"]);
}

/// `poll` goes through gloo-net to the global `fetch` of the runtime (Node's, then Chromium's): an OTLP source at a
/// `data:` URL needs no server. A second round while the first runs is refused with its code.
#[wasm_bindgen_test]
async fn poll_fetches_with_the_global_fetch_and_refuses_a_second_round_at_once() {
    use wasm_bindgen_futures::JsFuture;
    let map = wasm::JsHeatMap::new(config(r#"{"window":"all"}"#)).unwrap();
    let url = format!("data:application/json,{}", String::from(js_sys::encode_uri_component(OTLP)));
    let source = config(&serde_json::json!({ "type": "otlp", "baseUrl": url }).to_string());
    let running = map.poll(source.clone());
    let refused = JsFuture::from(map.poll(source.clone())).await.unwrap_err();
    assert_eq!(code_of(&refused), "POLL_IN_PROGRESS");
    let report = JsFuture::from(running).await.unwrap();
    assert_eq!(get(&report, &["requests"]).as_f64(), Some(1.0));
    assert_eq!(get(&report, &["bytes"]).as_f64(), Some(OTLP.len() as f64));
    assert_eq!(get(&report, &["failures", "length"]).as_f64(), Some(0.0));
    assert_eq!(get(&report, &["ingest", "accepted"]).as_f64(), Some(608.0));
    let again = JsFuture::from(map.poll(source)).await.unwrap();
    assert_eq!(get(&again, &["ingest", "duplicates"]).as_f64(), Some(608.0));
}

/// Any view of the bytes is read, whatever its type or offset: a `DataView`, and a `subarray` that starts inside its
/// buffer (a Node `Buffer` from a pool does). Views and buffers of another realm: js/src/core/realms.test.ts.
#[wasm_bindgen_test]
fn every_kind_of_byte_view_is_read_at_its_offset() {
    let document = js_sys::Uint8Array::from(format!(" {ZIPKIN}").as_bytes());
    let views: [(&str, JsValue); 2] = [
        ("subarray", document.subarray(1, document.length()).into()),
        ("DataView", js_sys::DataView::new(&document.buffer(), 1, document.length() as usize - 1).into()),
    ];
    for (what, view) in views {
        let mut map = wasm::JsHeatMap::new(config(r#"{"window":"all"}"#)).expect("heat map");
        let report = map.ingest_zipkin(view).expect("report");
        assert_eq!(get(&report, &["accepted"]).as_f64(), Some(608.0), "{what}");
    }
}
