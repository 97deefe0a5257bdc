//! Fuzzes the Zipkin reader and everything behind it (see `ingest.rs`).
#![no_main]

mod ingest;

use latency_heatmap::telemetry::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ingest::check(Format::Zipkin, data));
