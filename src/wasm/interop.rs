//! Conversion between JavaScript values and the core's Rust types, and nothing else.
//!
//! Every value that crosses the boundary goes through here: payloads (string, `Uint8Array`, `ArrayBuffer` or
//! parsed object) become bytes for the streaming readers, option objects become JSON for [`crate::options`], serde
//! types become plain JS objects, and every failure becomes a JS `Error` whose `code` property a caller can switch
//! on. The core never sees a `JsValue`.
//!
//! Reading an argument runs the caller's code (getters, Proxy traps, `toJSON`) and can meet a detached buffer. A JS
//! exception that unwound through the module would skip the release of the `HeatMap`'s borrow and poison it for
//! good ("recursive use of an object", even in `free()`), so every JS call made on an argument is one that returns
//! the exception as a value (`catch` imports, js-sys's `Result` APIs), and it becomes `INVALID_ARGUMENT`.

use js_sys::{ArrayBuffer, Reflect, Uint8Array, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::duration::DurationError;
use crate::heatmap::HeatMapError;
use crate::layout::LayoutError;
use crate::options::OptionError;

#[wasm_bindgen]
extern "C" {
    /// `Object.prototype.toString.call(value)`: `"[object ArrayBuffer]"` for an `ArrayBuffer` of any realm (a
    /// jsdom window's or a worker's, which `instanceof` misses); a Proxy's throwing trap comes back as an error.
    #[wasm_bindgen(catch, js_namespace = ["Object", "prototype", "toString"], js_name = call)]
    fn to_string_tag(value: &JsValue) -> Result<JsValue, JsValue>;

    /// What js-sys's `Uint8Array::to_vec` does, except that a detached buffer's `TypeError` is returned.
    #[wasm_bindgen(catch, js_namespace = Uint8Array, js_name = "prototype.set.call")]
    fn copy_bytes(target: &mut [u8], source: &Uint8Array) -> Result<(), JsValue>;
}

/// A failure at the boundary, with the stable `code` that the JS `Error` carries.
#[derive(Debug, thiserror::Error)]
pub enum BindingError {
    #[error("{what}: expected {expected}")]
    WrongType { what: &'static str, expected: &'static str },
    /// Reading the argument threw (a getter, a Proxy trap, a cycle, a detached buffer).
    #[error("{what}: reading it threw {thrown}")]
    Unreadable { what: &'static str, thrown: String },
    /// Options of the wrong shape (`layoutGraph`, `snapshot`): always the caller's argument.
    #[error("{what}: {source}")]
    Options { what: &'static str, source: OptionError },
    #[error("{what}: {reason}")]
    Serialize { what: &'static str, reason: String },
    #[error("{what}: {source}")]
    Duration { what: &'static str, source: DurationError },
    #[error("{what}: {source}")]
    Config { what: &'static str, source: HeatMapError },
    #[error("{what}: {source}")]
    Layout { what: &'static str, source: LayoutError },
    /// `poll(source)` with a source object that cannot be used.
    #[error("{what}: {source}")]
    Source { what: &'static str, source: OptionError },
    #[error("{what}: a poll of this HeatMap is still running; await it before starting another")]
    PollInProgress { what: &'static str },
}

impl BindingError {
    /// The machine-readable code, documented with the API in `js/src/core/types.ts` and `js/src/core/errors.ts`.
    pub fn code(&self) -> &'static str {
        match self {
            BindingError::WrongType { .. }
            | BindingError::Unreadable { .. }
            | BindingError::Options { .. }
            | BindingError::Serialize { .. } => "INVALID_ARGUMENT",
            // A config value its type rules out is a wrong argument; one that type-checks but cannot be used is bad
            // config.
            BindingError::Config {
                source:
                    HeatMapError::Options(
                        OptionError::WrongType { .. } | OptionError::NotAnObject(_) | OptionError::NotJson(_),
                    ),
                ..
            } => "INVALID_ARGUMENT",
            BindingError::Source { source: OptionError::BadValue { .. }, .. } => "INVALID_CONFIG",
            BindingError::Source { .. } => "INVALID_ARGUMENT",
            BindingError::PollInProgress { .. } => "POLL_IN_PROGRESS",
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

const PAYLOAD: &str = "a JSON string, Uint8Array, ArrayBuffer or object";

/// The bytes of a JSON payload given as a string, a `Uint8Array`/`ArrayBuffer`, or an already-parsed object.
pub fn payload_bytes(value: &JsValue, what: &'static str) -> Result<Vec<u8>, BindingError> {
    let unreadable = |thrown: JsValue| BindingError::Unreadable { what, thrown: describe(&thrown) };
    if let Some(text) = value.as_string() {
        return Ok(text.into_bytes());
    }
    if !value.is_object() {
        return Err(BindingError::WrongType { what, expected: PAYLOAD });
    }
    // `isView` reads an internal slot, so it runs no caller code, and it holds for views of every realm (a Node
    // `Buffer` handed over from a jsdom test is a `Uint8Array` of another realm).
    if ArrayBuffer::is_view(value) {
        let field = |name: &str| Reflect::get(value, &JsValue::from_str(name)).map_err(unreadable);
        let bytes = js_sys::Array::of3(&field("buffer")?, &field("byteOffset")?, &field("byteLength")?);
        return uint8_view(&bytes, what);
    }
    if to_string_tag(value).map_err(unreadable)?.as_string().as_deref() == Some("[object ArrayBuffer]") {
        return uint8_view(&js_sys::Array::of1(value), what);
    }
    json_text(value, what)?.map(String::into_bytes).ok_or(BindingError::WrongType { what, expected: PAYLOAD })
}

/// The bytes of `new Uint8Array(...args)` (a buffer, or a buffer with offset and length), copied into wasm memory.
/// Constructed through `Reflect`, so a detached buffer's `TypeError` is reported instead of thrown through.
fn uint8_view(args: &js_sys::Array, what: &'static str) -> Result<Vec<u8>, BindingError> {
    let unreadable = |thrown: JsValue| BindingError::Unreadable { what, thrown: describe(&thrown) };
    let constructor: js_sys::Function = Uint8Array::new_with_length(0).constructor();
    let view: Uint8Array = Reflect::construct(&constructor, args).map_err(unreadable)?.unchecked_into();
    let mut bytes = vec![0; view.length() as usize];
    copy_bytes(&mut bytes, &view).map_err(unreadable)?;
    Ok(bytes)
}

/// An option object as JSON for [`crate::options`]: `undefined` and `null` are no options (empty input), and
/// `JSON.stringify` leaves out properties that are `undefined`, so an explicitly `undefined` field is absent at
/// every depth — what Backstage's `config.getOptionalString()` returns for an unset key.
pub fn options_json(value: &JsValue, what: &'static str, expected: &'static str) -> Result<Vec<u8>, BindingError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    if !value.is_object() {
        return Err(BindingError::WrongType { what, expected });
    }
    json_text(value, what)?.map(String::into_bytes).ok_or(BindingError::WrongType { what, expected })
}

/// `JSON.stringify(value)`; `None` when it gives `undefined` (a `toJSON` that returns nothing).
fn json_text(value: &JsValue, what: &'static str) -> Result<Option<String>, BindingError> {
    let text = JSON::stringify(value).map_err(|thrown| BindingError::Unreadable { what, thrown: describe(&thrown) })?;
    Ok(text.as_string())
}

/// A thrown value, for a message: `TypeError: …` for errors, the text for a thrown string. Read with `Reflect`,
/// so a hostile thrown object cannot throw again.
pub fn describe(thrown: &JsValue) -> String {
    if let Some(text) = thrown.as_string() {
        return text;
    }
    let field = |name: &str| Reflect::get(thrown, &JsValue::from_str(name)).ok().and_then(|value| value.as_string());
    match (field("name"), field("message")) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        (None, Some(message)) => message,
        _ => "a value that is not an Error".to_owned(),
    }
}

/// A serde value as a plain JS object (maps as objects, 64-bit integers as numbers, `None` as `null`): written as
/// JSON text in Rust and built by `JSON.parse`, which makes a 15 MiB snapshot's objects in a fraction of the time
/// serde-wasm-bindgen's one call per field takes. The objects are the same as its `json_compatible()` ones
/// (`tests/wasm_api.rs` compares them), except that a non-finite float would be `null` rather than `NaN`/`Infinity`.
///
/// The text is ASCII: characters beyond it are written as `\u` escapes. One `→` (every edge id has one) would
/// otherwise make the whole text a two-byte string in JS, slower to decode and to parse (a snapshot at scale: about
/// a third of its JS side).
pub fn to_js<T: Serialize + ?Sized>(value: &T, what: &'static str) -> Result<JsValue, BindingError> {
    let mut text = Vec::with_capacity(1 << 16);
    value
        .serialize(&mut serde_json::Serializer::with_formatter(&mut text, AsciiJson))
        .map_err(|error| BindingError::Serialize { what, reason: error.to_string() })?;
    // Only ASCII was written, so the bytes are UTF-8.
    let text = String::from_utf8(text).map_err(|error| BindingError::Serialize { what, reason: error.to_string() })?;
    JSON::parse(&text).map_err(|thrown| BindingError::Serialize { what, reason: describe(&thrown) })
}

/// serde_json's compact output with every non-ASCII character of a string escaped (`\uXXXX`, surrogate pairs
/// above U+FFFF): the same JSON value, in ASCII.
struct AsciiJson;

impl serde_json::ser::Formatter for AsciiJson {
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, fragment: &str) -> std::io::Result<()> {
        if fragment.is_ascii() {
            return writer.write_all(fragment.as_bytes());
        }
        let mut rest = fragment;
        while let Some(at) = rest.bytes().position(|b| !b.is_ascii()) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let tail = &rest[at..];
            let Some(c) = tail.chars().next() else { break };
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &tail[c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}
