//! Conversion between JavaScript values and the core's Rust types, and nothing else.
//!
//! Every value that crosses the boundary goes through here: payloads (string, `Uint8Array` or parsed object) become
//! bytes for the streaming readers, serde types become plain JS objects, and every failure becomes a JS `Error`
//! whose `code` property a caller can switch on. The core never sees a `JsValue`.

use js_sys::{Reflect, Uint8Array, JSON};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{JsCast, JsValue};

use crate::duration::DurationError;
use crate::heatmap::HeatMapError;
use crate::layout::LayoutError;

/// A failure at the boundary, with the stable `code` that the JS `Error` carries.
#[derive(Debug, thiserror::Error)]
pub enum BindingError {
    #[error("{what}: expected {expected}")]
    WrongType { what: &'static str, expected: &'static str },
    #[error("{what}: {reason}")]
    InvalidArgument { what: &'static str, reason: String },
    #[error("{what}: {source}")]
    Duration { what: &'static str, source: DurationError },
    #[error("{what}: {source}")]
    Config { what: &'static str, source: HeatMapError },
    #[error("{what}: {source}")]
    Layout { what: &'static str, source: LayoutError },
}

impl BindingError {
    /// The machine-readable code, documented in the package's `index.d.ts`.
    pub fn code(&self) -> &'static str {
        match self {
            BindingError::WrongType { .. } | BindingError::InvalidArgument { .. } => "INVALID_ARGUMENT",
            BindingError::Duration { .. } => "INVALID_DURATION",
            BindingError::Config { .. } => "INVALID_CONFIG",
            BindingError::Layout { .. } => "INVALID_GRAPH",
        }
    }
}

impl From<BindingError> for JsValue {
    fn from(error: BindingError) -> JsValue {
        let js_error = js_sys::Error::new(&error.to_string());
        js_error.set_name("LatencyHeatmapError");
        // Setting a property on a fresh Error object cannot fail.
        let _ = Reflect::set(&js_error, &JsValue::from_str("code"), &JsValue::from_str(error.code()));
        js_error.into()
    }
}

/// A string argument, rejected with a typed error when it is anything else.
pub fn string_arg(value: &JsValue, what: &'static str) -> Result<String, BindingError> {
    value.as_string().ok_or(BindingError::WrongType { what, expected: "a string" })
}

/// The bytes of a JSON payload given as a string, a `Uint8Array`/`ArrayBuffer`, or an already-parsed object.
pub fn payload_bytes(value: &JsValue, what: &'static str) -> Result<Vec<u8>, BindingError> {
    if let Some(text) = value.as_string() {
        return Ok(text.into_bytes());
    }
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer).to_vec());
    }
    if value.is_object() {
        let text = JSON::stringify(value).map_err(|_| BindingError::InvalidArgument {
            what,
            reason: "the object cannot be serialised to JSON (a cycle or a BigInt?)".into(),
        })?;
        return text
            .as_string()
            .map(String::into_bytes)
            .ok_or(BindingError::WrongType { what, expected: "a JSON string, Uint8Array or object" });
    }
    Err(BindingError::WrongType { what, expected: "a JSON string, Uint8Array or object" })
}

/// A serde value read from a plain JS object; `undefined`/`null` give the type's default.
pub fn from_js<T: DeserializeOwned + Default>(value: JsValue, what: &'static str) -> Result<T, BindingError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|error| BindingError::InvalidArgument { what, reason: error.to_string() })
}

/// A serde value as a plain JS object (maps as objects, 64-bit integers as numbers, `None` as `null`): written as
/// JSON text in Rust and built by `JSON.parse`, which makes a 15 MiB snapshot's objects in a fraction of the time
/// serde-wasm-bindgen's one call per field takes. The objects are the same as its `json_compatible()` ones
/// (`tests/wasm_api.rs` compares them), except that a non-finite float would be `null` rather than `NaN`/`Infinity`.
pub fn to_js<T: Serialize + ?Sized>(value: &T, what: &'static str) -> Result<JsValue, BindingError> {
    let text = serde_json::to_string(value)
        .map_err(|error| BindingError::InvalidArgument { what, reason: error.to_string() })?;
    JSON::parse(&text).map_err(|_| BindingError::InvalidArgument { what, reason: "JSON.parse failed".into() })
}
