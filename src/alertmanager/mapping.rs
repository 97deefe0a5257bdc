//! Which catalog entities a firing alert belongs to, and the status it forces on them.
//!
//! Owns two rules. Mapping: an alert belongs to the entity named by each configured label (default `service`;
//! statusgraph's `service_id` is the usual other), whose value is a telemetry service name (through the catalog's
//! service index, so `latencyheatmap/service-name` counts) or else an entity ref or name (`checkout`,
//! `system:payments`); and to every entity whose `latencyheatmap/alert-selector` matches its labels. One alert can
//! belong to several entities; one that belongs to none is kept apart, not dropped. Severity: `critical` forces red,
//! `warning` at least amber, `info` and `none` colour nothing (the alert is still listed), and any other severity —
//! or none at all — forces amber: an alert somebody wrote fires for a reason, and red is kept for what says so. It
//! does not read answers (`reader`) nor judge latency (`evaluate/`); it only says the least status an entity may
//! show.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Deserializer};

use super::reader::{Alert, Labels};
use super::selector::Selector;
use crate::catalog::{Catalog, EntityRef};
use crate::evaluate::Status;

/// How alerts find their entities and what their severities force.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingConfig {
    /// Labels whose value names a service or an entity, each tried (an alert may name two).
    pub label_names: Vec<String>,
    pub severities: SeverityPolicy,
}

impl Default for MappingConfig {
    fn default() -> Self {
        MappingConfig { label_names: vec!["service".to_owned()], severities: SeverityPolicy::default() }
    }
}

/// The `alerts` section of the `HeatMap` config: `{ labels: ['service'], severities: { critical: 'red', … } }`.
/// `severities` is laid over the defaults (a severity not named keeps its default); keys are compared without
/// case.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AlertsConfig {
    #[serde(deserialize_with = "label_names")]
    pub labels: Option<Vec<String>>,
    pub severities: BTreeMap<String, Status>,
}

impl From<&AlertsConfig> for MappingConfig {
    fn from(config: &AlertsConfig) -> MappingConfig {
        let mut mapping = MappingConfig::default();
        if let Some(labels) = &config.labels {
            mapping.label_names = labels.clone();
        }
        for (severity, status) in &config.severities {
            mapping.severities.by_severity.insert(severity.to_lowercase(), *status);
        }
        mapping
    }
}

/// At least one label name, none empty.
fn label_names<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<String>>, D::Error> {
    let labels = Option::<Vec<String>>::deserialize(deserializer)?;
    match &labels {
        Some(names) if names.is_empty() => Err(serde::de::Error::custom("needs at least one label name")),
        Some(names) if names.iter().any(|n| n.trim().is_empty()) => {
            Err(serde::de::Error::custom("a label name is empty"))
        }
        _ => Ok(labels),
    }
}

/// Severity (the `severity` label, compared without case: keys are lower-case) → the least status it forces.
/// `Green` or `Unknown` force nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct SeverityPolicy {
    pub by_severity: BTreeMap<String, Status>,
    /// For a severity not in the map, and for an alert without one.
    pub otherwise: Status,
}

impl Default for SeverityPolicy {
    fn default() -> Self {
        let by_severity =
            [("critical", Status::Red), ("warning", Status::Amber), ("info", Status::Green), ("none", Status::Green)]
                .into_iter()
                .map(|(severity, status)| (severity.to_owned(), status))
                .collect();
        SeverityPolicy { by_severity, otherwise: Status::Amber }
    }
}

impl SeverityPolicy {
    /// The least status an alert of this severity forces.
    pub fn floor(&self, severity: Option<&str>) -> Status {
        severity.and_then(|severity| self.by_severity.get(&severity.to_lowercase())).copied().unwrap_or(self.otherwise)
    }
}

/// `judged` raised to `floor` when the floor is amber or red; green and unknown floors change nothing (an `info`
/// alert does not make an entity without data look measured and fine).
pub fn apply_floor(judged: Status, floor: Status) -> Status {
    if floor.is_alert() {
        judged.max(floor)
    } else {
        judged
    }
}

/// One firing alert as the map shows it. Its texts are data: render them as text, never as markup.
#[derive(Debug, Clone, PartialEq)]
pub struct FiringAlert {
    /// The `alertname` label; empty if it has none.
    pub alertname: String,
    pub severity: Option<String>,
    pub labels: Labels,
    pub annotations: Labels,
    pub starts_at_ms: i64,
    pub fingerprint: String,
    pub generator_url: Option<String>,
    /// The least status it forces on the entities it belongs to.
    pub floor: Status,
}

impl FiringAlert {
    fn new(alert: &Alert, severities: &SeverityPolicy) -> FiringAlert {
        let severity = alert.labels.get("severity").cloned();
        FiringAlert {
            alertname: alert.labels.get("alertname").cloned().unwrap_or_default(),
            floor: severities.floor(severity.as_deref()),
            severity,
            labels: alert.labels.clone(),
            annotations: alert.annotations.clone(),
            starts_at_ms: alert.starts_at_ms,
            fingerprint: alert.fingerprint.clone(),
            generator_url: alert.generator_url.clone(),
        }
    }

    pub fn summary(&self) -> Option<&str> {
        self.annotations.get("summary").map(String::as_str)
    }

    pub fn description(&self) -> Option<&str> {
        self.annotations.get("description").map(String::as_str)
    }

    pub fn runbook_url(&self) -> Option<&str> {
        self.annotations.get("runbook_url").map(String::as_str)
    }
}

/// Firing alerts by the entity they belong to, and those that belong to none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MappedAlerts {
    /// Each entity's alerts in the answer's order.
    pub by_entity: BTreeMap<EntityRef, Vec<FiringAlert>>,
    /// Alerts no label and no selector placed, in the answer's order.
    pub unmapped: Vec<FiringAlert>,
}

impl MappedAlerts {
    /// The worst floor the alerts of `entity` force (`Unknown` without alerts), for [`apply_floor`].
    pub fn floor(&self, entity: &EntityRef) -> Status {
        self.by_entity.get(entity).and_then(|alerts| alerts.iter().map(|a| a.floor).max()).unwrap_or_default()
    }
}

/// Places each alert on its entities.
pub fn map_alerts(alerts: &[Alert], catalog: &Catalog, config: &MappingConfig) -> MappedAlerts {
    let selectors: Vec<(&EntityRef, &Selector)> = catalog
        .entities()
        .filter_map(|e| {
            let selector = e.thresholds.alert_selector.as_ref()?.parsed.as_ref().ok()?;
            Some((&e.entity_ref, selector))
        })
        .collect();
    let mut mapped = MappedAlerts::default();
    for alert in alerts {
        let mut entities: BTreeSet<&EntityRef> = config
            .label_names
            .iter()
            .filter_map(|name| alert.labels.get(name))
            .filter_map(|value| catalog.entity_for_service(value).or_else(|| catalog.find(value, Some("component"))))
            .collect();
        entities.extend(selectors.iter().filter(|(_, s)| s.matches(&alert.labels)).map(|(entity, _)| *entity));
        let firing = FiringAlert::new(alert, &config.severities);
        if entities.is_empty() {
            mapped.unmapped.push(firing);
            continue;
        }
        for entity in entities {
            mapped.by_entity.entry(entity.clone()).or_default().push(firing.clone());
        }
    }
    mapped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alertmanager::reader::AlertState;
    use crate::catalog::RefContext;

    fn alert(fingerprint: &str, labels: &[(&str, &str)]) -> Alert {
        Alert {
            labels: labels.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            annotations: Labels::new(),
            starts_at_ms: 1_796_288_292_345,
            ends_at_ms: None,
            updated_at_ms: None,
            fingerprint: fingerprint.to_owned(),
            receivers: Vec::new(),
            generator_url: None,
            state: AlertState::Active,
        }
    }

    fn entity(text: &str) -> EntityRef {
        EntityRef::parse(text, RefContext::default()).expect("a ref")
    }

    fn catalog() -> Catalog {
        let json = r#"[
            {"kind":"Component","metadata":{"name":"checkout","annotations":{"latencyheatmap/service-name":"checkout-api,checkout-worker"}}},
            {"kind":"Component","metadata":{"name":"cart","annotations":{"latencyheatmap/alert-selector":"team=basket, severity=~critical|warning"}}},
            {"kind":"System","metadata":{"name":"shop","annotations":{"latencyheatmap/alert-selector":"{alertname=~\"Shop.*\"}"}}},
            {"kind":"Component","metadata":{"name":"search","annotations":{"latencyheatmap/alert-selector":"team=~(search"}}}
        ]"#;
        let (catalog, warnings) = Catalog::from_json(json.as_bytes());
        let codes: Vec<String> = warnings.iter().map(|w| format!("{}: {w}", w.code())).collect();
        assert_eq!(
            codes,
            ["catalog.bad-alert-selector: component:default/search: annotation \"latencyheatmap/alert-selector\" cannot be used: the regex of team cannot be read: found open group without closing ')'; alerts map to it by label only"]
        );
        catalog
    }

    fn fingerprints(alerts: &[FiringAlert]) -> Vec<&str> {
        alerts.iter().map(|a| a.fingerprint.as_str()).collect()
    }

    #[test]
    fn maps_by_service_label_entity_name_and_selector() {
        let catalog = catalog();
        let alerts = [
            alert("a1", &[("alertname", "Slow"), ("service", "checkout-worker"), ("severity", "critical")]),
            alert("a2", &[("alertname", "Errors"), ("service", "Cart"), ("severity", "warning")]),
            alert("a3", &[("alertname", "Basket"), ("team", "basket"), ("severity", "warning")]),
            alert("a4", &[("alertname", "Basket"), ("team", "basket"), ("severity", "info")]),
            alert("a5", &[("alertname", "ShopDown"), ("service", "system:shop"), ("severity", "critical")]),
            alert("a6", &[("alertname", "Search"), ("team", "search"), ("service", "nobody")]),
        ];
        let mapped = map_alerts(&alerts, &catalog, &MappingConfig::default());
        let by_entity: Vec<(String, Vec<&str>)> =
            mapped.by_entity.iter().map(|(e, alerts)| (e.to_string(), fingerprints(alerts))).collect();
        assert_eq!(
            by_entity,
            [
                // a2 by its service label (entity name, any case) and a3 by the selector; a4's severity fails it.
                ("component:default/cart".to_owned(), vec!["a2", "a3"]),
                ("component:default/checkout".to_owned(), vec!["a1"]),
                // a5 by its label (an entity ref) and by the selector, once.
                ("system:default/shop".to_owned(), vec!["a5"]),
            ]
        );
        assert_eq!(fingerprints(&mapped.unmapped), ["a4", "a6"]);
    }

    #[test]
    fn one_alert_on_several_entities_through_configured_labels() {
        let catalog = catalog();
        let config =
            MappingConfig { label_names: vec!["service_id".into(), "peer".into()], ..MappingConfig::default() };
        let alerts = [
            alert(
                "b1",
                &[
                    ("alertname", "CallSlow"),
                    ("service_id", "checkout-api"),
                    ("peer", "cart"),
                    ("team", "basket"),
                    ("severity", "critical"),
                ],
            ),
            alert("b2", &[("alertname", "Slow"), ("service", "checkout-api")]),
        ];
        let mapped = map_alerts(&alerts, &catalog, &config);
        assert_eq!(
            mapped.by_entity.keys().map(EntityRef::to_string).collect::<Vec<_>>(),
            ["component:default/cart", "component:default/checkout"]
        );
        let on_cart = &mapped.by_entity[&entity("component:cart")];
        assert_eq!(fingerprints(on_cart), ["b1"]);
        assert_eq!(mapped.by_entity[&entity("component:checkout")], on_cart.clone());
        // `service` is not among the configured labels any more.
        assert_eq!(fingerprints(&mapped.unmapped), ["b2"]);
    }

    #[test]
    fn firing_alerts_carry_their_texts_and_floor() {
        let catalog = catalog();
        let mut slow = alert("c1", &[("alertname", "Slow"), ("service", "checkout-api"), ("severity", "Warning")]);
        slow.annotations = [
            ("summary", "Checkout is slow"),
            ("description", "<b>p99</b> is 1.2 s"),
            ("runbook_url", "https://runbooks.example/checkout"),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
        slow.generator_url = Some("http://prometheus:9090/graph".into());
        let mapped = map_alerts(&[slow.clone()], &catalog, &MappingConfig::default());
        let firing = &mapped.by_entity[&entity("component:checkout")][0];
        assert_eq!((firing.alertname.as_str(), firing.severity.as_deref()), ("Slow", Some("Warning")));
        assert_eq!(firing.summary(), Some("Checkout is slow"));
        assert_eq!(firing.description(), Some("<b>p99</b> is 1.2 s"));
        assert_eq!(firing.runbook_url(), Some("https://runbooks.example/checkout"));
        assert_eq!(
            (firing.starts_at_ms, firing.generator_url.as_deref()),
            (1_796_288_292_345, Some("http://prometheus:9090/graph"))
        );
        assert_eq!((&firing.labels, firing.floor), (&slow.labels, Status::Amber));
        assert_eq!(mapped.floor(&entity("component:checkout")), Status::Amber);
        assert_eq!(mapped.floor(&entity("component:cart")), Status::Unknown);
    }

    #[test]
    fn severities_force_a_floor_never_a_better_status() {
        let policy = SeverityPolicy::default();
        let floors: Vec<Status> =
            [Some("critical"), Some("CRITICAL"), Some("warning"), Some("info"), Some("none"), Some("page"), None]
                .into_iter()
                .map(|s| policy.floor(s))
                .collect();
        assert_eq!(
            floors,
            [Status::Red, Status::Red, Status::Amber, Status::Green, Status::Green, Status::Amber, Status::Amber]
        );
        assert_eq!(apply_floor(Status::Green, Status::Red), Status::Red);
        assert_eq!(apply_floor(Status::Unknown, Status::Amber), Status::Amber);
        assert_eq!(apply_floor(Status::Red, Status::Amber), Status::Red);
        assert_eq!(apply_floor(Status::Unknown, Status::Green), Status::Unknown);
        let strict = SeverityPolicy {
            by_severity: [("warning".to_owned(), Status::Red)].into_iter().collect(),
            otherwise: Status::Green,
        };
        assert_eq!((strict.floor(Some("warning")), strict.floor(Some("critical"))), (Status::Red, Status::Green));
    }
}
