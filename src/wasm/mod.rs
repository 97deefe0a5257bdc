//! The JavaScript surface of the crate: the only module with `#[wasm_bindgen]`.
//!
//! Each export converts its arguments through [`interop`], calls the core, and converts the result back; no logic
//! lives here. Compiled only for `wasm32`. The package's TypeScript shim (`js/src/core/index.ts`) wraps these exports
//! with documented types.
//!
//! Arguments are converted to bytes before anything else, and conversion cannot throw through the module (see
//! [`interop`]), so a hostile argument is an `INVALID_ARGUMENT` error and the `HeatMap` stays usable.

mod interop;
mod poll;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::duration::parse_duration_ms;
use crate::heatmap::{HeatMap, HeatMapConfig, HeatMapError, SnapshotOptions, Warning};
use crate::layout::{layout_graph, Layout, LayoutInput, LayoutOptions};
use crate::options::{self, KeySet};
use crate::sources::SourceConfig;
use crate::telemetry::Format;
use interop::{options_json, payload_bytes, string_arg, to_js, BindingError};

/// Runs once when the module is instantiated (`initSync` in the JS package): panics show their message in the
/// console instead of a bare `unreachable`.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// `parseDuration("300ms") === 300`: the same parser the catalog annotations and the config go through.
#[wasm_bindgen(js_name = parseDuration)]
pub fn parse_duration(text: JsValue) -> Result<f64, JsValue> {
    let text = string_arg(&text, "parseDuration(text)")?;
    parse_duration_ms(&text)
        .map_err(|source| BindingError::Duration { what: "parseDuration(text)", source }.into())
}

/// `layoutGraph(graph, options)`: layered layout with positions, edge routes and group boxes, and warnings about
/// option keys it does not know.
#[wasm_bindgen(js_name = layoutGraph)]
pub fn layout_graph_js(graph: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    const WHAT: &str = "layoutGraph(graph)";
    const OPTIONS: &str = "layoutGraph(graph, options)";
    let graph = options_json(&graph, WHAT, "an object { nodes, edges }")?;
    let options = options_json(&options, OPTIONS, "an options object")?;
    if graph.is_empty() {
        return Err(BindingError::WrongType { what: WHAT, expected: "an object { nodes, edges }" }.into());
    }
    let input: LayoutInput = options::object(&graph)
        .and_then(|graph| options::section(&graph))
        .map_err(|source| BindingError::Options { what: WHAT, source })?;
    let (options, unknown_keys) = options::read::<LayoutOptions>(&options, &KeySet::of::<LayoutOptions>())
        .map_err(|source| BindingError::Options { what: OPTIONS, source })?;
    let started = now_ms();
    let mut layout = layout_graph(&input, &options).map_err(|source| BindingError::Layout { what: WHAT, source })?;
    layout.stats.ms = now_ms() - started;
    let warnings = unknown_keys
        .iter()
        .map(|key| Warning { code: key.code().to_owned(), message: format!("layout options: {key}") })
        .collect();
    Ok(to_js(&LaidOut { layout: &layout, warnings }, WHAT)?)
}

/// `layoutGraph`'s result: the layout and, beside it, what was wrong with the options.
#[derive(Serialize)]
pub struct LaidOut<'a> {
    #[serde(flatten)]
    layout: &'a Layout,
    warnings: Vec<Warning>,
}

/// `new HeatMap(config)`: latency state kept across polls, a catalog, thresholds and a palette.
///
/// Shared (`Rc<RefCell>`) with a running [`JsHeatMap::poll`], which borrows it only while it ingests one answer: a
/// poll's future must own what it uses across its awaits, and `free()` during a round then drops only this share.
#[wasm_bindgen(js_name = HeatMap)]
pub struct JsHeatMap {
    inner: Rc<RefCell<HeatMap>>,
    /// A round is running (refused: a second one at once would interleave two wall clocks and double the requests).
    polling: Rc<Cell<bool>>,
}

#[wasm_bindgen(js_class = HeatMap)]
impl JsHeatMap {
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<JsHeatMap, JsValue> {
        const WHAT: &str = "new HeatMap(config)";
        let config = options_json(&config, WHAT, "a config object")?;
        let config = HeatMapConfig::from_json(&config)
            .map_err(|source| BindingError::Config { what: WHAT, source: source.into() })?;
        HeatMap::new(config)
            .map(|inner| JsHeatMap { inner: Rc::new(RefCell::new(inner)), polling: Rc::new(Cell::new(false)) })
            .map_err(|source| BindingError::Config { what: WHAT, source }.into())
    }

    /// Entities as the catalog API returns them (array or `{ items }`), as objects or JSON.
    #[wasm_bindgen(js_name = setCatalog)]
    pub fn set_catalog(&mut self, entities: JsValue) -> Result<JsValue, JsValue> {
        const WHAT: &str = "setCatalog(entities)";
        let bytes = payload_bytes(&entities, WHAT)?;
        let report = self.inner.borrow_mut().set_catalog(&bytes);
        Ok(to_js(&report, WHAT)?)
    }

    #[wasm_bindgen(js_name = ingestOtlp)]
    pub fn ingest_otlp(&mut self, payload: JsValue) -> Result<JsValue, JsValue> {
        self.ingest(Format::Otlp, payload, "ingestOtlp(payload)")
    }

    #[wasm_bindgen(js_name = ingestJaeger)]
    pub fn ingest_jaeger(&mut self, payload: JsValue) -> Result<JsValue, JsValue> {
        self.ingest(Format::Jaeger, payload, "ingestJaeger(payload)")
    }

    #[wasm_bindgen(js_name = ingestZipkin)]
    pub fn ingest_zipkin(&mut self, payload: JsValue) -> Result<JsValue, JsValue> {
        self.ingest(Format::Zipkin, payload, "ingestZipkin(payload)")
    }

    /// Any of the three formats, told by the document's shape; the report's `format` says which was read.
    #[wasm_bindgen(js_name = ingest)]
    pub fn ingest_any(&mut self, payload: JsValue) -> Result<JsValue, JsValue> {
        const WHAT: &str = "ingest(payload)";
        let bytes = payload_bytes(&payload, WHAT)?;
        let report = self.inner.borrow_mut().ingest_detected(&bytes);
        Ok(to_js(&report, WHAT)?)
    }

    /// One Alertmanager `GET /api/v2/alerts` answer (text, object or bytes): its firing alerts replace the
    /// previous ones. An answer that cannot be read is reported in the result's `error` (the previous list kept),
    /// never thrown; only a payload of the wrong type throws.
    #[wasm_bindgen(js_name = ingestAlertmanager)]
    pub fn ingest_alertmanager(&mut self, payload: JsValue) -> Result<JsValue, JsValue> {
        const WHAT: &str = "ingestAlertmanager(payload)";
        let bytes = payload_bytes(&payload, WHAT)?;
        let report = self.inner.borrow_mut().ingest_alertmanager(&bytes, js_sys::Date::now());
        Ok(to_js(&report, WHAT)?)
    }

    /// Ends a recorded replay: spans still waiting for a partner are analysed now.
    #[wasm_bindgen(js_name = flushPending)]
    pub fn flush_pending(&mut self) -> Result<JsValue, JsValue> {
        let report = self.inner.borrow_mut().flush_pending();
        Ok(to_js(&report, "flushPending()")?)
    }

    /// Live polling: the wall-clock now in ms (`Date.now()`), against which spans count as ending too far ahead;
    /// `undefined` or `null` for recorded replays. Anything else (a string, `NaN`, a negative time) is refused, so
    /// a broken clock source cannot silently turn the check off.
    #[wasm_bindgen(js_name = setWallClock)]
    pub fn set_wall_clock(&mut self, now_ms: JsValue) -> Result<(), JsValue> {
        let now_ms = match now_ms.as_f64() {
            None if now_ms.is_undefined() || now_ms.is_null() => None,
            Some(ms) if ms.is_finite() && ms >= 0.0 => Some(ms),
            _ => {
                let expected = "a finite, non-negative number of ms since the epoch (Date.now()), undefined or null";
                return Err(BindingError::WrongType { what: "setWallClock(nowMs)", expected }.into());
            }
        };
        self.inner.borrow_mut().set_wall_clock(now_ms);
        Ok(())
    }

    /// Forgets the latency state; catalog and config stay.
    pub fn reset(&mut self) {
        self.inner.borrow_mut().reset();
    }

    pub fn snapshot(&mut self, options: JsValue) -> Result<JsValue, JsValue> {
        const WHAT: &str = "snapshot(options)";
        let options = options_json(&options, WHAT, "an options object")?;
        let options =
            SnapshotOptions::from_json(&options).map_err(|source| BindingError::Options { what: WHAT, source })?;
        let snapshot = self.inner.borrow_mut().snapshot(&options).map_err(|source| match source {
            HeatMapError::Layout(source) => BindingError::Layout { what: WHAT, source },
            HeatMapError::SnapshotOption(source) => BindingError::Options { what: WHAT, source },
            source => BindingError::Config { what: WHAT, source },
        })?;
        Ok(to_js(&snapshot, WHAT)?)
    }

    /// `await map.poll(source)`: one poll round against a tracing backend (`src/wasm/poll.rs`), resolving to its
    /// report. Rejects at once with `INVALID_ARGUMENT`/`INVALID_CONFIG` for a bad source, `POLL_IN_PROGRESS` while
    /// another round of this map runs; a failed request is an entry of the report, never a rejection.
    pub fn poll(&self, source: JsValue) -> js_sys::Promise {
        const WHAT: &str = "poll(source)";
        let config = self.source(&source, WHAT);
        let (config, unknown) = match config {
            Ok(read) => read,
            Err(error) => return js_sys::Promise::reject(&error.into()),
        };
        let running = RoundRunning::start(&self.polling);
        let map = self.inner.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let report = poll::poll(map, config, &unknown).await;
            drop(running);
            Ok(to_js(&report, WHAT)?)
        })
    }
}

/// Marks a round as running until dropped, however the round ends.
struct RoundRunning(Rc<Cell<bool>>);

impl RoundRunning {
    fn start(polling: &Rc<Cell<bool>>) -> RoundRunning {
        polling.set(true);
        RoundRunning(polling.clone())
    }
}

impl Drop for RoundRunning {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

impl JsHeatMap {
    /// The source of a `poll`, unless a round is running or the object cannot be used.
    fn source(&self, source: &JsValue, what: &'static str) -> Result<(SourceConfig, Vec<options::UnknownKey>), BindingError> {
        if self.polling.get() {
            return Err(BindingError::PollInProgress { what });
        }
        const EXPECTED: &str = "a source object { type, baseUrl, services, … }";
        let json = options_json(source, what, EXPECTED)?;
        if json.is_empty() {
            return Err(BindingError::WrongType { what, expected: EXPECTED });
        }
        SourceConfig::from_json(&json).map_err(|source| BindingError::Source { what, source })
    }

    fn ingest(&mut self, format: Format, payload: JsValue, what: &'static str) -> Result<JsValue, JsValue> {
        let bytes = payload_bytes(&payload, what)?;
        let report = self.inner.borrow_mut().ingest(format, &bytes);
        Ok(to_js(&report, what)?)
    }
}

/// A monotonic clock where there is one (`performance.now()` in browsers, workers and Node), else `Date.now()`.
fn now_ms() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok();
    performance
        .and_then(|performance| {
            let now = js_sys::Reflect::get(&performance, &JsValue::from_str("now")).ok()?;
            now.dyn_into::<js_sys::Function>().ok()?.call0(&performance).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}
