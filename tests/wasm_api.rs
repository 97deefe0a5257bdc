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
