//! The JavaScript surface of the crate: the only module with `#[wasm_bindgen]`.
//!
//! Each export converts its arguments through [`interop`], calls the core, and converts the result back; no logic
//! lives here. Compiled only for `wasm32`.

mod interop;

use wasm_bindgen::prelude::*;

use crate::duration::parse_duration_ms;
use interop::{string_arg, BindingError};

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
