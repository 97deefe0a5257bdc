//! Alertmanager as a source of firing alerts: what to ask (`GET /api/v2/alerts` with `filter=` matchers), how to
//! read the answer, the label matchers of the entity annotation `latencyheatmap/alert-selector`, and which catalog
//! entities each alert belongs to with the status it forces on them.
//!
//! Owns four pure halves — [`query`] (the request path), [`reader`] (streaming reader of the alert list, silenced
//! and inhibited alerts left out and counted), [`selector`] (Alertmanager-style matchers) and [`mapping`] (alerts →
//! entities, severity → status floor) — tested natively. Performs no I/O and knows nothing of the heat map's
//! latency state or of wasm; `selector` knows nothing of the rest and is what the catalog reads its annotation
//! with, as it reads durations with `duration.rs`.

pub mod mapping;
pub mod query;
pub mod reader;
mod rfc3339;
pub mod selector;
