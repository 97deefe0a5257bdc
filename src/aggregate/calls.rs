//! What a call between services is, and which span pairs make one: CLIENT→SERVER (sync, or database when the
//! client names a database), PRODUCER→CONSUMER (async), any other parent→child pair in two services (inferred),
//! a caller that never met its partner (a call to a virtual node named from its attributes), and `user` → a root
//! SERVER span (a request from outside the traced system).
//!
//! Owns [`CallKind`], [`EdgeKey`], [`CallObservation`] and the classification, as pure functions of spans. Knows
//! nothing of stores, traces or recorded state: pairing decides *when* spans meet, this says *what* they form.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

use crate::telemetry::{Span, SpanKind};

/// The client of root SERVER spans (requests from outside the traced system).
pub const USER_NODE: &str = "user";

/// What kind of call an edge is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CallKind {
    Sync,
    Async,
    Database,
}

impl fmt::Display for CallKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CallKind::Sync => "sync",
            CallKind::Async => "async",
            CallKind::Database => "database",
        })
    }
}

/// An edge's identity: caller, callee, kind. Its id is `from→to:kind`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EdgeKey {
    pub from: Arc<str>,
    pub to: Arc<str>,
    pub kind: CallKind,
}

impl EdgeKey {
    pub fn id(&self) -> String {
        format!("{}→{}:{}", self.from, self.to, self.kind)
    }
}

/// One call between services, paired (or inferred) from spans. Times in ns.
#[derive(Debug, Clone, PartialEq)]
pub struct CallObservation {
    pub key: EdgeKey,
    /// The callee is not an instrumented service but named from the caller's attributes.
    pub virtual_target: bool,
    /// The caller is outside the traced system (`user`): it has no spans, so its node stays virtual.
    pub external_caller: bool,
    pub inferred: bool,
    /// What the caller waits: the CLIENT span (sync, database), consumer end − producer start (async), or the
    /// child's duration (inferred).
    pub latency_ns: u64,
    pub server_ns: Option<u64>,
    pub gap_ns: Option<u64>,
    pub queue_ns: Option<u64>,
    pub error: bool,
    /// Event time of the observation (the later end).
    pub at_ns: u64,
}

/// The name a call to an uninstrumented peer gets, from the caller's attributes.
pub fn virtual_name(span: &Span) -> Option<&str> {
    let a = &span.attributes;
    a.peer_service().or(a.db_name()).or(a.db_system()).or(a.server_address()).or(a.messaging_destination())
}

/// A client span that talks to a database (`db.system`, or a statement without it).
pub fn is_database(span: &Span) -> bool {
    span.attributes.db_system().is_some() || span.attributes.db_query
}

/// The call formed by `caller` (CLIENT/PRODUCER or any parent) and `callee` in another service.
pub fn call_between(caller: &Span, callee: &Span) -> CallObservation {
    // (kind, inferred, latency, server, gap, queue delay)
    let (kind, inferred, latency_ns, server_ns, gap_ns, queue_ns) = match (caller.kind, callee.kind) {
        (SpanKind::Client, SpanKind::Server) => {
            let kind = if is_database(caller) { CallKind::Database } else { CallKind::Sync };
            let gap_ns = caller.duration_ns().saturating_sub(callee.duration_ns());
            (kind, false, caller.duration_ns(), Some(callee.duration_ns()), Some(gap_ns), None)
        }
        (SpanKind::Producer, SpanKind::Consumer) => {
            let queue_ns = callee.start_ns.saturating_sub(caller.end_ns);
            let latency_ns = callee.end_ns.saturating_sub(caller.start_ns);
            (CallKind::Async, false, latency_ns, Some(callee.duration_ns()), None, Some(queue_ns))
        }
        (caller_kind, callee_kind) => {
            let asynchronous = caller_kind == SpanKind::Producer || callee_kind == SpanKind::Consumer;
            let kind = if asynchronous { CallKind::Async } else { CallKind::Sync };
            (kind, true, callee.duration_ns(), None, None, None)
        }
    };
    CallObservation {
        key: EdgeKey { from: caller.service.clone(), to: callee.service.clone(), kind },
        virtual_target: false,
        external_caller: false,
        inferred,
        latency_ns,
        server_ns,
        gap_ns,
        queue_ns,
        error: caller.is_error() || callee.is_error(),
        at_ns: caller.end_ns.max(callee.end_ns),
    }
}

/// The edge a CLIENT/PRODUCER that never met its partner becomes: to a virtual node named from its attributes.
/// `intern` gives the shared name for the callee (so later lookups of the node hit by pointer).
pub fn call_to_virtual(caller: &Span, intern: impl FnOnce(&str) -> Arc<str>) -> Option<CallObservation> {
    // A peer named like the caller's own service is a call within it, not an edge.
    let to = intern(virtual_name(caller).filter(|name| *name != &*caller.service)?);
    let kind = match caller.kind {
        SpanKind::Producer => CallKind::Async,
        _ if is_database(caller) => CallKind::Database,
        _ => CallKind::Sync,
    };
    Some(CallObservation {
        key: EdgeKey { from: caller.service.clone(), to, kind },
        virtual_target: true,
        external_caller: false,
        inferred: false,
        latency_ns: caller.duration_ns(),
        server_ns: None,
        gap_ns: None,
        queue_ns: None,
        error: caller.is_error(),
        at_ns: caller.end_ns,
    })
}

/// `user` → `span` when `span` is a root SERVER span: a request from outside the traced system. `intern` gives the
/// shared name of [`USER_NODE`].
pub fn call_from_user(span: &Span, intern: impl FnOnce(&str) -> Arc<str>) -> Option<CallObservation> {
    if span.parent_id.is_some() || span.kind != SpanKind::Server {
        return None;
    }
    Some(CallObservation {
        key: EdgeKey { from: intern(USER_NODE), to: span.service.clone(), kind: CallKind::Sync },
        virtual_target: false,
        external_caller: true,
        inferred: false,
        latency_ns: span.duration_ns(),
        server_ns: None,
        gap_ns: None,
        queue_ns: None,
        error: span.is_error(),
        at_ns: span.end_ns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::trace::tests::span;
    use crate::telemetry::{AttributeNames, SpanKind::*};

    /// A fresh shared name (what interning gives for a name not seen before).
    fn shared(name: &str) -> Arc<str> {
        Arc::from(name)
    }

    fn named(mut span: Span, names: AttributeNames) -> Span {
        span.attributes.names = Some(Box::new(names));
        span
    }

    fn db(span: Span) -> Span {
        named(
            span,
            AttributeNames {
                db_system: Some("postgresql".into()),
                db_name: Some("orders".into()),
                ..Default::default()
            },
        )
    }

    #[test]
    fn client_and_server_make_a_sync_call_with_its_gap() {
        let call = call_between(&span(1, None, "a", Client, 10, 50), &span(2, Some(1), "b", Server, 15, 45));
        assert_eq!(call.key.id(), "a→b:sync");
        assert_eq!(
            (call.latency_ns, call.server_ns, call.gap_ns, call.queue_ns),
            (40_000_000, Some(30_000_000), Some(10_000_000), None)
        );
        assert_eq!(
            (call.inferred, call.virtual_target, call.external_caller, call.at_ns),
            (false, false, false, 50_000_000)
        );
    }

    #[test]
    fn a_client_naming_a_database_makes_a_database_call() {
        let call = call_between(&db(span(1, None, "a", Client, 10, 50)), &span(2, Some(1), "pg", Server, 15, 45));
        assert_eq!(call.key.id(), "a→pg:database");
        let mut statement = span(3, None, "a", Client, 0, 5);
        statement.attributes.db_query = true;
        assert!(is_database(&statement));
        assert!(!is_database(&span(4, None, "a", Client, 0, 5)));
    }

    #[test]
    fn producer_and_consumer_make_an_async_call_with_its_queue_delay() {
        let call = call_between(&span(1, None, "a", Producer, 10, 12), &span(2, Some(1), "b", Consumer, 30, 70));
        assert_eq!(call.key.id(), "a→b:async");
        // What the caller's message waited end to end: consumer end − producer start.
        assert_eq!(
            (call.latency_ns, call.server_ns, call.gap_ns, call.queue_ns),
            (60_000_000, Some(40_000_000), None, Some(18_000_000))
        );
        assert_eq!(call.at_ns, 70_000_000);
    }

    #[test]
    fn other_pairs_are_inferred_sync_or_async_by_either_side() {
        let call = call_between(&span(1, None, "a", Internal, 0, 100), &span(2, Some(1), "b", Unspecified, 10, 40));
        assert_eq!((call.key.id(), call.inferred, call.latency_ns), ("a→b:sync".to_owned(), true, 30_000_000));
        let call = call_between(&span(1, None, "a", Internal, 0, 100), &span(2, Some(1), "b", Consumer, 10, 40));
        assert_eq!((call.key.id(), call.inferred), ("a→b:async".to_owned(), true));
        let mut failed = span(2, Some(1), "b", Server, 10, 40);
        failed.attributes.status_error = true;
        assert!(call_between(&span(1, None, "a", Internal, 0, 100), &failed).error);
    }

    #[test]
    fn an_unanswered_caller_becomes_a_call_to_a_virtual_node_named_from_its_attributes() {
        let peer = named(
            span(1, None, "a", Client, 0, 8),
            AttributeNames {
                peer_service: Some("billing".into()),
                server_address: Some("10.0.0.1".into()),
                ..Default::default()
            },
        );
        let call = call_to_virtual(&peer, shared).expect("a peer.service names the callee");
        assert_eq!(
            (call.key.id(), call.virtual_target, call.latency_ns),
            ("a→billing:sync".to_owned(), true, 8_000_000)
        );
        let database = call_to_virtual(&db(span(1, None, "a", Client, 0, 8)), shared).expect("db.name names it");
        assert_eq!(database.key.id(), "a→orders:database");
        let queue = named(
            span(1, None, "a", Producer, 0, 8),
            AttributeNames { messaging_destination: Some("jobs".into()), ..Default::default() },
        );
        assert_eq!(call_to_virtual(&queue, shared).map(|c| c.key.id()), Some("a→jobs:async".to_owned()));
        // Nothing names the peer, or it names the caller itself: no edge.
        assert_eq!(call_to_virtual(&span(1, None, "a", Client, 0, 8), shared), None);
        let own = named(
            span(1, None, "a", Client, 0, 8),
            AttributeNames { peer_service: Some("a".into()), ..Default::default() },
        );
        assert_eq!(call_to_virtual(&own, shared), None);
        assert_eq!(virtual_name(&peer), Some("billing"));
    }

    #[test]
    fn a_root_server_span_is_called_by_the_outside_user() {
        let call = call_from_user(&span(1, None, "front", Server, 0, 20), shared).expect("a root server span");
        assert_eq!(call.key.id(), "user→front:sync");
        assert_eq!((call.external_caller, call.virtual_target, call.latency_ns), (true, false, 20_000_000));
        assert_eq!(call_from_user(&span(2, Some(1), "front", Server, 0, 20), shared), None);
        assert_eq!(call_from_user(&span(1, None, "front", Internal, 0, 20), shared), None);
    }
}
