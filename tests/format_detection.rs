//! A document given to the wrong `ingest*` method says so instead of reading as an empty map, and `ingest` tells
//! the format itself — checked on every real document we have: the OTel SDK fixtures (OTLP, Tempo, Jaeger,
//! Zipkin) and the public samples in `../shared/data/`.

mod common;

use common::*;
use latency_heatmap::telemetry::Format;

const FORMATS: [Format; 3] = [Format::Otlp, Format::Jaeger, Format::Zipkin];

/// Each real document, its format, and what gives it away.
fn documents() -> Vec<(String, Vec<u8>, Format, &'static str)> {
    let mut documents = vec![
        ("otel-sdk/otlp.json".to_owned(), fixture("otel-sdk/otlp.json"), Format::Otlp, "resourceSpans"),
        ("otel-sdk/tempo.json".to_owned(), fixture("otel-sdk/tempo.json"), Format::Otlp, "batches"),
        ("otel-sdk/jaeger.json".to_owned(), fixture("otel-sdk/jaeger.json"), Format::Jaeger, "data"),
        ("otel-sdk/zipkin.json".to_owned(), fixture("otel-sdk/zipkin.json"), Format::Zipkin, "an array of spans"),
        ("jaeger/nodejs-microservices.json".to_owned(), shared("jaeger/nodejs-microservices.json"), Format::Jaeger, "data"),
    ];
    let zipkin = format!("{}/../shared/data/zipkin", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&zipkin)
        .unwrap_or_else(|e| panic!("{zipkin}: {e}"))
        .map(|entry| entry.expect("directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 10, "the Zipkin samples");
    for name in names {
        let path = format!("zipkin/{name}");
        documents.push((path.clone(), shared(&path), Format::Zipkin, "an array of spans"));
    }
    documents
}

#[test]
fn every_real_document_is_told_by_its_start() {
    for (name, bytes, format, evidence) in documents() {
        let detected = latency_heatmap::telemetry::detect(&bytes).unwrap_or_else(|| panic!("{name}: not detected"));
        assert_eq!((detected.format, detected.evidence), (format, evidence), "{name}");
    }
}

#[test]
fn the_wrong_method_reads_nothing_and_names_the_right_one() {
    for (name, bytes, format, evidence) in documents() {
        for asked in FORMATS.into_iter().filter(|asked| *asked != format) {
            let mut state = state_with("all");
            let report = state.ingest(asked, &bytes);
            let method = match format {
                Format::Otlp => "ingestOtlp",
                Format::Jaeger => "ingestJaeger",
                Format::Zipkin => "ingestZipkin",
            };
            assert_eq!(report.error, Some(format!("this looks like {format} ({evidence}); use {method}")), "{name} as {asked}");
            assert_eq!((report.format, report.spans_read, report.accepted), (Some(asked), 0, 0), "{name} as {asked}");
            assert!(state.snapshot().nodes.is_empty(), "{name} as {asked}");
        }
    }
}

#[test]
fn ingest_detected_reads_each_document_as_its_own_method_does() {
    for (name, bytes, format, _) in documents() {
        let mut told = state_with("all");
        let mut asked = state_with("all");
        let report = told.ingest_detected(&bytes);
        let expected = asked.ingest(format, &bytes);
        assert_eq!(report.format, Some(format), "{name}");
        assert_eq!(report.error, None, "{name}");
        assert!(report.accepted > 0, "{name}");
        assert_eq!(
            (report.spans_read, report.accepted, report.rejected, report.paired, report.inferred, report.pending),
            (expected.spans_read, expected.accepted, expected.rejected, expected.paired, expected.inferred, expected.pending),
            "{name}"
        );
    }
    // The OTel SDK fixtures are one run of one system: all four read the same 608 spans.
    for file in ["otlp.json", "tempo.json", "jaeger.json", "zipkin.json"] {
        let report = state_with("all").ingest_detected(&fixture(&format!("otel-sdk/{file}")));
        assert_eq!((report.accepted, report.rejected), (608, 0), "{file}");
    }
}

#[test]
fn ingest_detected_says_when_it_cannot_tell() {
    let expected = "not a trace document this package reads: expected OTLP (resourceSpans, batches), Jaeger (data, or \
                    traces) or Zipkin (an array of spans)";
    for document in ["", "[]", "{}", "{\"traces\": []}", "hello"] {
        let report = state_with("all").ingest_detected(document.as_bytes());
        assert_eq!((report.format, report.error.as_deref(), report.spans_read), (None, Some(expected), 0), "{document:?}");
    }
}
