//! Threshold resolution: which number a node or an edge is judged against, and who said so.
//!
//! Owns the precedence rule — edge annotation > entity annotation > config default — and `enforceDefaults`
//! (annotations may only tighten). A value that cannot be used (`"fast"`, `"-5ms"`, `""`, `"0ms"`) is skipped
//! with a warning naming the entity, the annotation and the source used instead. Under `enforceDefaults` an
//! annotation looser than the default is skipped the same way; with no default there is nothing to loosen, so
//! annotations stand. Services and calls the catalog does not know get the config default. Parsing annotation
//! values is the catalog's; judging an observation is `score.rs`'s.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::config::EvaluateConfig;
use super::warning::EvaluateWarning;
use crate::catalog::{AnnotationValue, Catalog, EntityRef, Kind, Percentile, RefContext};

/// Where the threshold in use came from, most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ThresholdSource {
    EdgeAnnotation,
    EntityAnnotation,
    ConfigDefault,
    /// Nothing configured: the status is `unknown`.
    None,
}

impl fmt::Display for ThresholdSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ThresholdSource::EdgeAnnotation => "the edge annotation",
            ThresholdSource::EntityAnnotation => "the entity annotation",
            ThresholdSource::ConfigDefault => "the config default",
            ThresholdSource::None => "no threshold",
        })
    }
}

/// What is being judged; also says what breached in an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Metric {
    /// Self time of one request inside the entity (`latencyheatmap/processingthreshold`).
    ProcessingTime,
    /// End-to-end latency of calls served by the entity (`latencyheatmap/latency-slo`).
    LatencySlo,
    /// Latency of one call from one entity to another (`latencyheatmap/edge-slo.<target>`).
    EdgeSlo,
    /// Share of failed calls (`defaults.errorRate`).
    ErrorRate,
    /// An alert an Alertmanager reports firing (its `alertname` says what).
    Alert,
}

/// The per-node metrics that have their own threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeMetric {
    ProcessingTime,
    LatencySlo,
}

/// The threshold a node or edge is judged against. `warnings` are not serialized: they belong in the
/// snapshot's `warnings` list, not on every node.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedThreshold {
    pub metric: Metric,
    pub threshold_ms: Option<f64>,
    #[serde(rename = "thresholdSource")]
    pub source: ThresholdSource,
    /// The entity whose annotation won (absent for config defaults).
    pub source_ref: Option<EntityRef>,
    /// The annotation key that won, as written.
    pub annotation: Option<String>,
    pub percentile: Percentile,
    #[serde(skip)]
    pub warnings: Vec<EvaluateWarning>,
}

/// An annotation competing to be the threshold, in precedence order.
struct Candidate<'a> {
    source: ThresholdSource,
    owner: &'a EntityRef,
    value: &'a AnnotationValue<f64>,
}

/// Threshold for one node's processing time or latency SLO: entity annotation > config default. A service the
/// catalog does not know (`entity` is `None`) gets the config default.
pub fn resolve_node_threshold(
    catalog: &Catalog,
    entity: Option<&EntityRef>,
    metric: NodeMetric,
    config: &EvaluateConfig,
) -> ResolvedThreshold {
    let settings = entity.and_then(|entity| catalog.thresholds(entity));
    let (annotation, default, metric) = match metric {
        NodeMetric::ProcessingTime => (
            settings.and_then(|s| s.processing_threshold.as_ref()),
            config.defaults.processing_threshold,
            Metric::ProcessingTime,
        ),
        NodeMetric::LatencySlo => {
            (settings.and_then(|s| s.latency_slo.as_ref()), config.defaults.latency_slo, Metric::LatencySlo)
        }
    };
    let Some(entity) = entity else { return config_default(metric, default, config) };
    let candidates = annotation
        .map(|value| Candidate { source: ThresholdSource::EntityAnnotation, owner: entity, value })
        .into_iter()
        .collect();
    choose(catalog, metric, candidates, default, entity, config)
}

/// Threshold for the call `from` → `to`: `from`'s `edge-slo.<to>` annotation > `to`'s latency SLO annotation >
/// config default latency SLO. `<to>` may be written as `to`'s name, its full reference, or an API `to` provides.
/// A call with an end the catalog does not know gets the config default latency SLO.
pub fn resolve_edge_threshold(
    catalog: &Catalog,
    from: Option<&EntityRef>,
    to: Option<&EntityRef>,
    config: &EvaluateConfig,
) -> ResolvedThreshold {
    let (Some(from), Some(to)) = (from, to) else {
        return config_default(Metric::EdgeSlo, config.defaults.latency_slo, config);
    };
    let mut candidates: Vec<Candidate<'_>> = catalog
        .thresholds(from)
        .map(|s| s.edge_slos.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|edge_slo| names_target(catalog, from, to, &edge_slo.target))
        .map(|edge_slo| Candidate { source: ThresholdSource::EdgeAnnotation, owner: from, value: &edge_slo.value })
        .collect();
    if let Some(value) = catalog.thresholds(to).and_then(|s| s.latency_slo.as_ref()) {
        candidates.push(Candidate { source: ThresholdSource::EntityAnnotation, owner: to, value });
    }
    choose(catalog, Metric::EdgeSlo, candidates, config.defaults.latency_slo, to, config)
}

/// The config default `threshold_ms` for `metric`, for services and calls the catalog does not know: no
/// annotation to read, no entity percentile, nothing to warn about.
fn config_default(metric: Metric, threshold_ms: Option<f64>, config: &EvaluateConfig) -> ResolvedThreshold {
    ResolvedThreshold {
        metric,
        threshold_ms,
        source: if threshold_ms.is_some() { ThresholdSource::ConfigDefault } else { ThresholdSource::None },
        source_ref: None,
        annotation: None,
        percentile: config.percentile,
        warnings: Vec::new(),
    }
}

/// Whether the text after `edge-slo.` names `to`, or an API that `to` provides.
fn names_target(catalog: &Catalog, from: &EntityRef, to: &EntityRef, target: &str) -> bool {
    let as_ref = |kind: &str| EntityRef::parse(target, RefContext::new(Some(kind), from.namespace())).ok();
    if as_ref(to.kind()).as_ref() == Some(to) {
        return true;
    }
    as_ref(Kind::Api.as_ref_kind())
        .filter(|api| catalog.entity(api).is_some())
        .is_some_and(|api| catalog.graph().callees(&api).contains(&to))
}

/// Walks the candidates in order, skipping unusable and (under `enforceDefaults`) looser ones, then the default.
fn choose(
    catalog: &Catalog,
    metric: Metric,
    candidates: Vec<Candidate<'_>>,
    default: Option<f64>,
    percentile_owner: &EntityRef,
    config: &EvaluateConfig,
) -> ResolvedThreshold {
    // Skipped candidates are reported once we know which source was used instead (`fallback` filled below).
    let mut warnings = Vec::new();
    let mut winner = None;
    for candidate in candidates {
        // Written out only for a warning: a snapshot resolves a threshold per node and edge.
        let entity_ref = || candidate.owner.to_string();
        let annotation = || candidate.value.key.clone();
        match (&candidate.value.parsed, default) {
            (Err(error), _) => warnings.push(EvaluateWarning::BadAnnotation {
                entity_ref: entity_ref(),
                annotation: annotation(),
                value: candidate.value.raw.clone(),
                reason: error.to_string(),
                fallback: ThresholdSource::None,
            }),
            (Ok(ms), Some(default_ms)) if config.enforce_defaults && *ms > default_ms => {
                warnings.push(EvaluateWarning::LooserThanDefault {
                    entity_ref: entity_ref(),
                    annotation: annotation(),
                    value_ms: *ms,
                    default_ms,
                    fallback: ThresholdSource::None,
                })
            }
            (Ok(ms), _) => {
                winner = Some((candidate, *ms));
                break;
            }
        }
    }
    let (threshold_ms, source, source_ref, annotation) = match winner {
        Some((c, ms)) => (Some(ms), c.source, Some(c.owner.clone()), Some(c.value.key.clone())),
        None if default.is_some() => (default, ThresholdSource::ConfigDefault, None, None),
        None => (None, ThresholdSource::None, None, None),
    };
    for warning in &mut warnings {
        warning.set_fallback(source);
    }
    let percentile_owner = source_ref.as_ref().unwrap_or(percentile_owner);
    let percentile = resolve_percentile(catalog, percentile_owner, config, &mut warnings);
    ResolvedThreshold { metric, threshold_ms, source, source_ref, annotation, percentile, warnings }
}

/// The entity's `latencyheatmap/percentile` if usable (and, under `enforceDefaults`, not looser), else config's.
fn resolve_percentile(
    catalog: &Catalog,
    entity: &EntityRef,
    config: &EvaluateConfig,
    warnings: &mut Vec<EvaluateWarning>,
) -> Percentile {
    let Some(annotation) = catalog.thresholds(entity).and_then(|s| s.percentile.as_ref()) else {
        return config.percentile;
    };
    match &annotation.parsed {
        Err(error) => {
            warnings.push(EvaluateWarning::BadAnnotation {
                entity_ref: entity.to_string(),
                annotation: annotation.key.clone(),
                value: annotation.raw.clone(),
                reason: error.to_string(),
                fallback: ThresholdSource::ConfigDefault,
            });
            config.percentile
        }
        Ok(percentile) if config.enforce_defaults && *percentile < config.percentile => {
            warnings.push(EvaluateWarning::LooserPercentile {
                entity_ref: entity.to_string(),
                annotation: annotation.key.clone(),
                value: *percentile,
                default: config.percentile,
            });
            config.percentile
        }
        Ok(percentile) => *percentile,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(json: &str) -> EvaluateConfig {
        serde_json::from_str(json).expect("test config")
    }

    fn known(catalog: &Catalog) -> EntityRef {
        catalog.entities().next().map(|e| e.entity_ref.clone()).expect("one entity in the test catalog")
    }

    #[test]
    fn a_service_the_catalog_does_not_know_gets_the_config_default_at_the_config_percentile() {
        let config = config(r#"{"defaults":{"latencySlo":"500ms","processingThreshold":"40ms"},"percentile":"p99"}"#);
        let catalog = Catalog::default();
        let slo = resolve_node_threshold(&catalog, None, NodeMetric::LatencySlo, &config);
        assert_eq!(
            slo,
            ResolvedThreshold {
                metric: Metric::LatencySlo,
                threshold_ms: Some(500.0),
                source: ThresholdSource::ConfigDefault,
                source_ref: None,
                annotation: None,
                percentile: Percentile::P99,
                warnings: Vec::new(),
            }
        );
        let processing = resolve_node_threshold(&catalog, None, NodeMetric::ProcessingTime, &config);
        assert_eq!((processing.metric, processing.threshold_ms), (Metric::ProcessingTime, Some(40.0)));
        let without = resolve_node_threshold(&catalog, None, NodeMetric::ProcessingTime, &EvaluateConfig::default());
        assert_eq!((without.threshold_ms, without.source), (None, ThresholdSource::None));
    }

    #[test]
    fn a_call_with_an_end_the_catalog_does_not_know_gets_the_default_latency_slo_as_an_edge_slo() {
        let (catalog, _) = Catalog::from_json(br#"[{"kind":"Component","metadata":{"name":"a",
            "annotations":{"latencyheatmap/latency-slo":"20ms","latencyheatmap/percentile":"p50"}}}]"#);
        let a = known(&catalog);
        let config = config(r#"{"defaults":{"latencySlo":"500ms"}}"#);
        for (from, to) in [(Some(&a), None), (None, Some(&a)), (None, None)] {
            let edge = resolve_edge_threshold(&catalog, from, to, &config);
            assert_eq!(
                (edge.metric, edge.threshold_ms, edge.source, edge.percentile),
                (Metric::EdgeSlo, Some(500.0), ThresholdSource::ConfigDefault, Percentile::P95)
            );
        }
        // Both ends known: the callee's own annotation and percentile count.
        let known = resolve_edge_threshold(&catalog, Some(&a), Some(&a), &config);
        assert_eq!(
            (known.threshold_ms, known.source, known.percentile),
            (Some(20.0), ThresholdSource::EntityAnnotation, Percentile::P50)
        );
    }
}
