//! Reader tests shared by the three formats: streaming, rejections with locations, fatal errors, deep nesting.

use super::*;

#[derive(Default)]
pub(crate) struct Collected {
    pub spans: Vec<Span>,
    pub rejections: Vec<(String, String)>,
    pub truncated: u32,
}

impl SpanSink for Collected {
    fn span(&mut self, span: Span) {
        self.spans.push(span);
    }
    fn reject(&mut self, location: String, reason: RejectReason) {
        self.rejections.push((location, reason.to_string()));
    }
    fn truncated(&mut self, values: u32) {
        self.truncated += values;
    }
}

fn collect(format: Format, text: &str) -> (Collected, Result<(), IngestError>) {
    let mut out = Collected::default();
    let result = read(format, text.as_bytes(), &ReadLimits::default(), &mut out);
    (out, result)
}

const OTLP: &str = r#"{"resourceSpans":[
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"frontend"}}]},
  "scopeSpans":[{"scope":{"name":"x"},"spans":[
   {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"",
    "name":"GET /","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,
    "attributes":[{"key":"http.response.status_code","value":{"intValue":"503"}}],"status":{"code":2}},
   {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174",
    "kind":"SPAN_KIND_CLIENT","startTimeUnixNano":"1544712660100000000","endTimeUnixNano":"1544712660000000000"},
   {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b176","parentSpanId":"eee19b7ec3c1b174",
    "kind":"SPAN_KIND_CLIENT","startTimeUnixNano":{"oops":1},"endTimeUnixNano":"1544712660000000000"},
   {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b177","parentSpanId":"eee19b7ec3c1b174",
    "kind":3,"startTimeUnixNano":"1544712660100000000","endTimeUnixNano":"1544712660200000000",
    "attributes":[{"value":{"stringValue":"postgresql"},"key":"db.system"},{"key":"db.name","value":{"stringValue":"orders"}}],
    "links":[{"traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b100"}]}
  ]}]},
 {"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"aee19b7ec3c1b174",
    "startTimeUnixNano":"1544712660300000000","endTimeUnixNano":"1544712660400000000"}]}],
  "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"late-resource"}}]}}
]}"#;

#[test]
fn otlp_streams_spans_and_reports_bad_ones_with_locations() {
    let (out, result) = collect(Format::Otlp, OTLP);
    assert_eq!(result, Ok(()));
    assert_eq!(out.spans.len(), 3);
    assert_eq!(
        out.rejections,
        vec![
            ("resourceSpans[0].scopeSpans[0].spans[1]".to_owned(), "endTimeUnixNano before startTimeUnixNano".to_owned()),
            (
                "resourceSpans[0].scopeSpans[0].spans[2]".to_owned(),
                "startTimeUnixNano is not a timestamp: an array or object".to_owned()
            ),
        ]
    );
    let root = &out.spans[0];
    assert_eq!(&*root.service, "frontend");
    assert_eq!(root.kind, SpanKind::Server);
    assert_eq!(root.parent_id, None);
    assert_eq!(root.duration_ns(), 1_000_000_000);
    assert!(root.is_error());
    assert_eq!(root.attributes.http_status, Some(503));
    let db = &out.spans[1];
    assert_eq!(db.kind, SpanKind::Client);
    assert_eq!(db.attributes.db_system(), Some("postgresql"));
    assert_eq!(db.attributes.db_name(), Some("orders"));
    assert_eq!(db.links.len(), 1);
    assert_eq!(db.parent_id, Some(SpanId(0xeee19b7ec3c1b174)));
    assert_eq!(&*out.spans[2].service, "late-resource");
}

#[test]
fn otlp_accepts_tempo_wrappers() {
    for wrapped in [
        OTLP.replacen("resourceSpans", "batches", 1),
        format!(r#"{{"trace": {OTLP}}}"#),
    ] {
        let (out, result) = collect(Format::Otlp, &wrapped);
        assert_eq!(result, Ok(()));
        assert_eq!(out.spans.len(), 3);
        assert!(out.rejections[0].0.contains("scopeSpans[0].spans[1]"), "{:?}", out.rejections);
    }
}

#[test]
fn truncated_documents_are_typed_errors_after_the_spans_already_read() {
    let cut = &OTLP[..OTLP.find("eee19b7ec3c1b177").unwrap_or(0)];
    let (out, result) = collect(Format::Otlp, cut);
    assert!(matches!(result, Err(IngestError::Truncated { format: Format::Otlp, .. })), "{result:?}");
    assert_eq!(out.spans.len(), 1);
    let (_, result) = collect(Format::Jaeger, "not json");
    assert!(matches!(result, Err(IngestError::Syntax { .. })), "{result:?}");
    let (_, result) = collect(Format::Otlp, "[1,2]");
    assert!(matches!(result, Err(IngestError::Shape { .. })), "{result:?}");
    let message = collect(Format::Zipkin, "{}").1.unwrap_err().to_string();
    assert!(message.starts_with("Zipkin input does not have the expected shape"), "{message}");
}

#[test]
fn million_deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 1_000_000;
    for (format, head) in [
        (Format::Otlp, r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"#),
        (Format::Jaeger, r#"{"data":[{"spans":[{"tags":"#),
        (Format::Zipkin, r#"[{"tags":"#),
        (Format::Otlp, ""),
    ] {
        let text = format!("{head}{}{}", "[".repeat(depth), "]".repeat(depth));
        let (_, result) = collect(format, &text);
        assert!(result.is_err(), "{format}");
        let text = format!("{head}{}", "{\"a\":".repeat(depth));
        assert!(collect(format, &text).1.is_err());
    }
}

#[test]
fn jaeger_resolves_processes_declared_after_spans() {
    let text = r#"{"data":[{"traceID":"1002499809f48d4b","spans":[
      {"traceID":"1002499809f48d4b","spanID":"1","references":[{"refType":"CHILD_OF","traceID":"1002499809f48d4b","spanID":"1002499809f48d4b"}],
       "startTime":1695317293594000,"duration":13000,"tags":[{"key":"span.kind","type":"string","value":"server"},{"key":"error","type":"bool","value":true}],"processID":"p2"},
      {"traceID":"1002499809f48d4b","spanID":"2","references":[{"refType":"FOLLOWS_FROM","traceID":"00000000000000000000000000000009","spanID":"7"}],
       "startTime":1695317293594000,"duration":-1,"processID":"p2"},
      {"traceID":"1002499809f48d4b","spanID":"3","startTime":1695317293594000,"duration":1,"processID":"nope"}
    ],"processes":{"p2":{"serviceName":"service1","tags":[]}}}]}"#;
    let (out, result) = collect(Format::Jaeger, text);
    assert_eq!(result, Ok(()));
    assert_eq!(out.spans.len(), 1);
    let span = &out.spans[0];
    assert_eq!((&*span.service, span.kind, span.is_error()), ("service1", SpanKind::Server, true));
    assert_eq!(span.duration_ns(), 13_000_000);
    assert_eq!(span.parent_id, Some(SpanId(0x1002499809f48d4b)));
    assert_eq!(
        out.rejections,
        vec![
            ("data[0].spans[1]".to_owned(), "duration is not a timestamp: negative value -1".to_owned()),
            ("data[0].spans[2]".to_owned(), "missing process for processID".to_owned()),
        ]
    );
}

#[test]
fn zipkin_shared_server_spans_get_the_client_as_parent() {
    let text = r#"[[
      {"traceId":"1e223ff1f80f1c69","parentId":"bf396325699c84bf","id":"74280ae0c10d8062","kind":"SERVER",
       "timestamp":1470150004008761,"duration":93577,"localEndpoint":{"serviceName":"serviceb"},"shared":true},
      {"traceId":"1e223ff1f80f1c69","parentId":"bf396325699c84bf","id":"74280ae0c10d8062","kind":"CLIENT",
       "timestamp":1470150004074202,"duration":94539,"localEndpoint":{"serviceName":"servicea"},
       "remoteEndpoint":{"serviceName":"serviceb"},"tags":{"http.status_code":"500"}},
      {"traceId":"1e223ff1f80f1c69","id":"zz","timestamp":1,"duration":1}
    ]]"#;
    let (out, result) = collect(Format::Zipkin, text);
    assert_eq!(result, Ok(()));
    assert_eq!(out.spans.len(), 2);
    let (server, client) = (&out.spans[0], &out.spans[1]);
    assert_eq!(server.parent_id, Some(client.span_id));
    assert_eq!(server.span_id, zipkin::shared_server_id(client.span_id));
    assert_eq!(client.attributes.peer_service(), Some("serviceb"));
    assert!(client.is_error());
    assert_eq!(out.rejections.len(), 1);
    assert_eq!(out.rejections[0].0, "[0][2]");
}

fn shared(path: &str) -> Vec<u8> {
    let full = format!("{}/../shared/data/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

#[test]
fn shared_samples_read_with_exactly_the_incomplete_spans_rejected() {
    // Counts from the files themselves: 175 of smartthings' 1 041 spans have no duration (84 also no timestamp).
    for (format, path, spans, rejected) in [
        (Format::Zipkin, "zipkin/smartthings-mobile-web-install.json", 866, 175),
        (Format::Zipkin, "zipkin/smartthings-oauth-authorization.json", 156, 19),
        (Format::Zipkin, "zipkin/messaging-kafka.json", 28, 0),
        (Format::Zipkin, "zipkin/skew.json", 4, 0),
    ] {
        let mut out = Collected::default();
        assert_eq!(read(format, &shared(path), &ReadLimits::default(), &mut out), Ok(()), "{path}");
        assert_eq!((out.spans.len(), out.rejections.len()), (spans, rejected), "{path}");
        assert!(out.rejections.iter().all(|(_, why)| why.starts_with("missing")), "{path}");
    }
    let mut out = Collected::default();
    assert_eq!(read(Format::Jaeger, &shared("jaeger/nodejs-microservices.json"), &ReadLimits::default(), &mut out), Ok(()));
    assert!(out.rejections.is_empty(), "{:?}", &out.rejections[..out.rejections.len().min(3)]);
    assert!(out.spans.len() > 150);
}

#[test]
fn spans_stay_small_to_move() {
    // Names of called systems are boxed: a span without them is moved around pairing at this size.
    assert!(std::mem::size_of::<Span>() <= 160, "{}", std::mem::size_of::<Span>());
}

#[test]
fn json_lines_are_read_document_after_document() {
    let one_line = OTLP.replace('\n', "");
    let text = format!("{one_line}\n{one_line}\n\n{one_line}\n");
    let (out, result) = collect(Format::Otlp, &text);
    assert_eq!(result, Ok(()));
    assert_eq!((out.spans.len(), out.rejections.len()), (9, 6));
    // An error in the third line is reported on line 3.
    let broken = format!("{one_line}\n{one_line}\n{{\"resourceSpans\": 5}}\n");
    let (out, result) = collect(Format::Otlp, &broken);
    assert_eq!(out.spans.len(), 6);
    assert!(matches!(result, Err(IngestError::Shape { line: 3, .. })), "{result:?}");
}

#[test]
fn jaeger_child_of_another_trace_is_a_link_and_same_trace_references_stay_parents() {
    // The span's own traceID comes after its references: the choice waits for the whole object.
    let text = r#"{"data":[{"spans":[
      {"spanID":"b1","references":[
         {"refType":"CHILD_OF","traceID":"0a0a","spanID":"a2"},
         {"refType":"CHILD_OF","traceID":"0b0b","spanID":"b0"},
         {"refType":"FOLLOWS_FROM","traceID":"0c0c","spanID":"c1"}],
       "traceID":"0b0b","startTime":1695317293594000,"duration":1000,"processID":"p1"},
      {"spanID":"b2","references":[{"refType":"CHILD_OF","traceID":"0a0a","spanID":"a2"}],
       "traceID":"0b0b","startTime":1695317293594000,"duration":1000,"processID":"p1"}
    ],"processes":{"p1":{"serviceName":"billing"}}}]}"#;
    let (out, result) = collect(Format::Jaeger, text);
    assert_eq!((result, out.rejections.len()), (Ok(()), 0));
    let link = |trace, span| SpanLink { trace_id: TraceId(trace), span_id: SpanId(span) };
    assert_eq!(out.spans[0].parent_id, Some(SpanId(0xb0)));
    assert_eq!(out.spans[0].links, vec![link(0x0a0a, 0xa2), link(0x0c0c, 0xc1)]);
    assert_eq!(out.spans[1].parent_id, None);
    assert_eq!(out.spans[1].links, vec![link(0x0a0a, 0xa2)]);
}

#[test]
fn kept_values_are_cut_and_counted_once_each() {
    let long = "p".repeat(300);
    let text = format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{long}"}}}},
            {{"key":"peer.service","value":{{"stringValue":"{long}"}}}}]}},
          "scopeSpans":[{{"spans":[{{"traceId":"0a","spanId":"01","kind":3,"startTimeUnixNano":"1695317293594000000",
            "endTimeUnixNano":"1695317293595000000","attributes":[{{"key":"peer.service","value":{{"stringValue":"{long}"}}}},
            {{"key":"db.name","value":{{"stringValue":"{long}"}}}},{{"key":"db.system","value":{{"stringValue":"ok"}}}}]}}]}}]}}]}}"#
    );
    let (out, result) = collect(Format::Otlp, &text);
    assert_eq!(result, Ok(()));
    // service.name and the span's two long values; the resource's peer.service is not kept, so not counted.
    assert_eq!(out.truncated, 3);
    let span = &out.spans[0];
    assert_eq!((&*span.service, span.attributes.peer_service()), (&long[..256], Some(&long[..256])));
    assert_eq!((span.attributes.db_name(), span.attributes.db_system()), (Some(&long[..256]), Some("ok")));
}
