//! `map.poll(source)` performed: the round's requests sent with gloo-net (the global `fetch`, so browsers and
//! Node 18+ alike), at most [`IN_FLIGHT`] at a time, each aborted after the source's `timeout` and tried again after
//! a JS timer when the retry policy says so; each answer's bytes, copied once into wasm memory, go straight to the
//! format's reader — for Prometheus, to the round's [`ServiceGraphRound`], taken into the map once every query has
//! ended (and not at all when none was answered: the last good figures stay), and the extra `queries`' answers to
//! its [`ExtraRound`], whose values the map takes for the services the round knows.
//!
//! Owns that I/O and nothing a native test could check: what to ask, when to retry and the report's shape are
//! [`crate::sources`]'. The map is borrowed only while one answer is ingested, never across an `await`, so its other
//! methods stay usable while a round runs, and `free()` only drops the binding's share of it.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_net::http::Request;
use js_sys::{Array, Date, Math, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortController;

use crate::heatmap::{HeatMap, Warning};
use crate::options::UnknownKey;
use crate::prometheus::extra_queries::ExtraRound;
use crate::prometheus::response::read_instant;
use crate::prometheus::service_graph::ServiceGraphRound;
use crate::sources::{
    figure, known_services, plan_prometheus, plan_queries, plan_trace_fetches, read_tempo_search, take_answer, Attempt,
    FailureReason, Planned, PollFailure, PollReport, PrometheusSource, retry_after_ms, RetryPolicy, SourceConfig, Step,
};

/// Requests in flight at once: enough to overlap a slow backend's answers, few enough not to crowd it (or the
/// browser's six connections per host).
pub const IN_FLIGHT: usize = 4;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// One round's shared state: the workers take requests from the plan and add to one report.
struct Round {
    map: Rc<RefCell<HeatMap>>,
    config: SourceConfig,
    policy: RetryPolicy,
    report: RefCell<PollReport>,
    /// A Prometheus round's answers, gathered as they come.
    graph: RefCell<Option<ServiceGraphRound>>,
    /// Service-graph answers that were read (an error envelope or unreadable body is not; nor are extra queries').
    answered: Cell<usize>,
    /// The extra `queries`' answers, gathered as they come.
    extra: RefCell<Option<ExtraRound>>,
}

/// One poll round: the wall clock set from `Date.now()`, the queries (for Tempo, then the traces they found), the
/// answers ingested as they come.
pub async fn poll(map: Rc<RefCell<HeatMap>>, config: SourceConfig, unknown: &[UnknownKey]) -> PollReport {
    let started = super::now_ms();
    let now = Date::now();
    map.borrow_mut().set_wall_clock(Some(now));
    let policy = RetryPolicy::of(&config);
    let report = RefCell::new(PollReport::for_source(unknown));
    let prometheus = config.prometheus.clone();
    let round = Rc::new(Round { map, config, policy, report, graph: RefCell::new(None), answered: Cell::new(0),
        extra: RefCell::new(None),
    });
    if let Some(prometheus) = prometheus {
        poll_prometheus(&round, &prometheus, now).await;
        let mut report = round.report.take();
        report.ms = super::now_ms() - started;
        return report;
    }
    let searches = perform_all(&round, plan_queries(&round.config, now)).await;
    if !searches.is_empty() {
        perform_all(&round, plan_trace_fetches(&round.config, &searches)).await;
    }
    let mut report = round.report.take();
    report.ms = super::now_ms() - started;
    report
}

/// A Prometheus round: its queries POSTed, each answer read into the round's service graph, which the map takes at
/// the evaluation time when at least one answer was read.
async fn poll_prometheus(round: &Rc<Round>, prometheus: &PrometheusSource, now: f64) {
    let window_ms = round.map.borrow().window_ms();
    let plan = match plan_prometheus(&round.config, prometheus, window_ms, now) {
        Ok(plan) => plan,
        Err(error) => {
            // `SourceConfig::from_json` checked what could fail; kept as a warning rather than trusted.
            let warning = Warning { code: error.code().to_owned(), message: format!("poll source: {error}") };
            round.report.borrow_mut().warnings.push(warning);
            return;
        }
    };
    round.report.borrow_mut().planned(&plan);
    round.graph.replace(Some(ServiceGraphRound::new(prometheus.labels(), plan.rate_window_ms)));
    round.extra.replace(Some(ExtraRound::new(prometheus.queries.iter().map(|q| q.name.clone()).collect())));
    perform_all(round, plan.requests).await;
    let Some(graph) = round.graph.take().map(ServiceGraphRound::finish) else { return };
    if round.answered.get() > 0 {
        let taken = round.map.borrow_mut().ingest_service_graph(&graph, plan.time_ms);
        round.report.borrow_mut().metrics = Some(taken);
    }
    if let Some(extra) = round.extra.take() {
        let known = known_services(&round.config, &graph);
        round.map.borrow_mut().take_query_values(extra.finish(|service| known.contains(service)), plan.time_ms);
    }
}

/// Every planned request, [`IN_FLIGHT`] workers taking them in order; the trace ids of the Tempo searches.
async fn perform_all(round: &Rc<Round>, planned: Vec<Planned>) -> Vec<Vec<String>> {
    let queue = Rc::new(RefCell::new(VecDeque::from(planned)));
    let found = Rc::new(RefCell::new(Vec::new()));
    let workers = Array::new();
    for _ in 0..IN_FLIGHT.min(queue.borrow().len()) {
        let (round, queue, found) = (round.clone(), queue.clone(), found.clone());
        workers.push(&future_to_promise(async move {
            loop {
                let next = queue.borrow_mut().pop_front();
                let Some(planned) = next else { break };
                if let Some(ids) = round.perform(planned).await {
                    found.borrow_mut().push(ids);
                }
            }
            Ok(JsValue::UNDEFINED)
        }));
    }
    // The workers never reject: every failure is an entry in the report.
    let _ = JsFuture::from(Promise::all(&workers)).await;
    found.take()
}

impl Round {
    /// One request to its end: its spans ingested (or its trace ids returned), or a failure entry.
    async fn perform(&self, planned: Planned) -> Option<Vec<String>> {
        let bytes = match self.fetch(&planned).await {
            Ok(bytes) => bytes,
            Err(reason) => {
                self.fail(planned.described(), reason);
                return None;
            }
        };
        match planned.step {
            Step::Spans(format) => {
                let ingested = self.map.borrow_mut().ingest(format, &bytes);
                self.report.borrow_mut().ingest.add(&ingested);
                if let Some(error) = ingested.error {
                    self.fail(planned.url, FailureReason::Unreadable(error));
                }
                None
            }
            Step::Metrics(kind) => {
                let answer = self.graph.borrow_mut().as_mut().map(|graph| graph.add_answer(kind, &bytes));
                if let Some(answer) = answer {
                    if take_answer(&mut self.report.borrow_mut(), &planned, figure(kind), answer) {
                        self.answered.set(self.answered.get() + 1);
                    }
                }
                None
            }
            Step::Extra(index) => {
                // Planned from this config: the index is there.
                let query = self.config.prometheus.as_ref().and_then(|p| p.queries.get(index))?;
                let mut extra = self.extra.borrow_mut();
                let answer = extra.as_mut().map(|extra| extra.add_answer(index, &query.service_label, &bytes));
                drop(extra);
                if let Some(answer) = answer {
                    let figure = format!("extra {}", crate::quote::quoted(&query.name));
                    take_answer(&mut self.report.borrow_mut(), &planned, &figure, answer);
                }
                None
            }
            Step::Alerts => {
                let mut taken = self.map.borrow_mut().ingest_alertmanager(&bytes, Date::now());
                let mut report = self.report.borrow_mut();
                report.warnings.append(&mut taken.warnings);
                match taken.error.take() {
                    Some(error) => report.failures.push(PollFailure {
                        url: planned.url,
                        reason: FailureReason::Unreadable(error.message),
                    }),
                    None => report.alerts = Some(taken),
                }
                None
            }
            Step::TempoSearch => match read_tempo_search(&bytes) {
                Ok(ids) => Some(ids),
                Err(error) => {
                    self.fail(planned.url, FailureReason::Unreadable(error.to_string()));
                    None
                }
            },
        }
    }

    fn fail(&self, url: String, reason: FailureReason) {
        self.report.borrow_mut().failures.push(PollFailure { url, reason });
    }

    /// The answer's bytes, with the policy's retries.
    async fn fetch(&self, planned: &Planned) -> Result<Vec<u8>, FailureReason> {
        let mut tried = 0;
        loop {
            tried += 1;
            self.report.borrow_mut().requests += 1;
            let reason = match self.fetch_once(planned).await {
                Ok(bytes) => {
                    self.report.borrow_mut().bytes += bytes.len() as u64;
                    return Ok(bytes);
                }
                Err(reason) => reason,
            };
            match self.policy.after(tried, &reason, Math::random()) {
                Attempt::GiveUp => return Err(reason),
                Attempt::RetryAfter(ms) => {
                    self.report.borrow_mut().retries += 1;
                    sleep(ms).await;
                }
            }
        }
    }

    /// One try, aborted when the whole answer has not arrived within the source's `timeout`.
    async fn fetch_once(&self, planned: &Planned) -> Result<Vec<u8>, FailureReason> {
        let controller = AbortController::new().map_err(|error| FailureReason::Network(super::interop::describe(&error)))?;
        let timed_out = Rc::new(Cell::new(false));
        let on_timeout = {
            let (controller, timed_out) = (controller.clone(), timed_out.clone());
            // `abort()` without a reason: fetch then rejects with an `AbortError`, which gloo-net reads as an Error.
            Closure::once(move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let timer = set_timeout(on_timeout.as_ref().unchecked_ref(), self.config.timeout);
        let result = self.send(planned, &controller).await;
        clear_timeout(&timer);
        drop(on_timeout);
        match result {
            Err(_) if timed_out.get() => Err(FailureReason::Timeout { ms: self.config.timeout }),
            other => other,
        }
    }

    async fn send(&self, planned: &Planned, controller: &AbortController) -> Result<Vec<u8>, FailureReason> {
        let network = |error: gloo_net::Error| FailureReason::Network(error.to_string());
        let signal = controller.signal();
        let builder = match planned.body {
            Some(_) => Request::post(&planned.url).header("Content-Type", "application/x-www-form-urlencoded"),
            None => Request::get(&planned.url),
        };
        // Every API we poll answers JSON; Tempo's trace-by-id answers protobuf unless asked for JSON.
        let mut builder = builder.abort_signal(Some(&signal)).header("Accept", "application/json");
        for (name, value) in &self.config.headers {
            builder = builder.header(name, value);
        }
        let response = match &planned.body {
            Some(body) => builder.body(body.as_str()).map_err(network)?.send().await,
            None => builder.send().await,
        }
        .map_err(network)?;
        if !response.ok() {
            let status = response.status();
            let retry_after_ms = response.headers().get("retry-after").and_then(|value| retry_after_ms(&value, Date::now()));
            // Prometheus says why in an error envelope (400 bad_data, 422 execution, 503 timeout); other bodies
            // are not wanted: release the connection.
            let detail = match planned.step {
                Step::Metrics(_) | Step::Extra(_) => match response.binary().await {
                    Ok(body) => read_instant(&body).err().filter(|e| e.code() == "prometheus.api-error").map(|e| e.to_string()),
                    Err(_) => None,
                },
                _ => None,
            };
            controller.abort();
            return Err(FailureReason::Status { status, retry_after_ms, detail });
        }
        response.binary().await.map_err(network)
    }
}

/// Resolves after `ms` (a JS timer), for the backoff between tries.
async fn sleep(ms: f64) {
    let timer = Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(timer).await;
}
