//! Alertmanager alerts on the map: the latest firing list kept (`ingest_alertmanager`), and in each snapshot the
//! status their severities force on the nodes they map to, their count per node, their entries in the alert list
//! and the warning naming those that map to no entity.
//!
//! Owns the join of a firing list with one level's nodes: an alert on an entity counts on that entity's nodes at
//! `component` and `entity` level, and on its System's or Domain's node above them (through the catalog, as
//! services collapse). Reading the answer and mapping alerts to entities are `alertmanager`'s; judging latency is
//! `judgement.rs`'s. The list is mapped anew in every snapshot, so a catalog set after the alerts still places them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::snapshot::{HeatNode, Warning};
use super::HeatMap;
use crate::alertmanager::mapping::{apply_floor, map_alerts, FiringAlert, MappedAlerts};
use crate::alertmanager::reader::{read_alerts, AlertList};
use crate::catalog::{Catalog, EntityRef, Level};
use crate::color::{status_swatch, Palette};
use crate::evaluate::{Alert, FiringDetails, Status};

/// Unmapped alerts named in their warning; the rest are counted.
pub const MAX_NAMED_UNMAPPED: usize = 5;

/// What one `ingestAlertmanager` read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertsReport {
    /// Firing alerts now kept (the previous list's when the answer could not be read).
    pub firing: usize,
    /// Of those, placed on at least one catalog entity / on none.
    pub mapped: usize,
    pub unmapped: usize,
    /// Left out: silenced, inhibited, muted (never shown as firing).
    pub silenced: usize,
    pub inhibited: usize,
    pub muted: usize,
    /// Items that could not be read and were skipped.
    pub skipped: usize,
    /// Skipped items (the first 100) and cut texts, with stable codes.
    pub warnings: Vec<Warning>,
    /// The answer could not be read at all (`alertmanager.unreadable`); the previous list is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Warning>,
    /// When the list now kept was received (ms since the epoch, as given).
    pub received_at: Option<f64>,
}

/// The firing list a `HeatMap` keeps between snapshots.
#[derive(Debug, Clone, Default)]
pub(super) struct FiringList {
    list: AlertList,
    received_at: Option<f64>,
}

impl FiringList {
    pub(super) fn clear(&mut self) {
        *self = FiringList::default();
    }
}

impl HeatMap {
    /// Reads one `GET /api/v2/alerts` answer received at `now_ms` and keeps its firing alerts in place of the
    /// previous ones. An answer that cannot be read changes nothing and says why in `error`.
    pub fn ingest_alertmanager(&mut self, bytes: &[u8], now_ms: f64) -> AlertsReport {
        let error = match read_alerts(bytes) {
            Ok(list) => {
                self.firing = FiringList { list, received_at: Some(now_ms) };
                None
            }
            Err(error) => Some(Warning { code: error.code().to_owned(), message: error.to_string() }),
        };
        let AlertList { alerts, left_out, skipped, skipped_total, truncated } = &self.firing.list;
        let mapped = map_alerts(alerts, &self.catalog, &self.alert_mapping);
        let mut warnings: Vec<Warning> = skipped
            .iter()
            .filter(|_| error.is_none())
            .map(|s| Warning { code: s.problem.code().to_owned(), message: s.to_string() })
            .collect();
        if *truncated > 0 && error.is_none() {
            warnings.push(Warning {
                code: "alertmanager.truncated".to_owned(),
                message: format!("{truncated} alert labels, annotations or texts were cut or dropped at their caps"),
            });
        }
        AlertsReport {
            firing: alerts.len(),
            mapped: alerts.len() - mapped.unmapped.len(),
            unmapped: mapped.unmapped.len(),
            silenced: left_out.silenced,
            inhibited: left_out.inhibited,
            muted: left_out.muted,
            skipped: *skipped_total,
            warnings,
            error,
            received_at: self.firing.received_at,
        }
    }

    /// Raises each node to the status its firing alerts force (recoloured at that status), counts them on it,
    /// and returns their alert entries, the unmapped warning, and the status forced on each entity that has firing
    /// alerts but no node (no telemetry of its own): its scorecard entry, so a scorecard reads it red too.
    pub(super) fn join_firing(
        &self,
        level: Level,
        palette: &Palette,
        nodes: &mut [HeatNode],
    ) -> (Vec<Alert>, Option<Warning>, Vec<(String, Status)>) {
        let mapped = map_alerts(&self.firing.list.alerts, &self.catalog, &self.alert_mapping);
        let on_nodes = alerts_by_node_entity(&mapped, &self.catalog, level);
        for node in nodes.iter_mut() {
            let Some(alerts) = node.entity_ref.as_ref().and_then(|r| on_nodes.get(r)) else { continue };
            node.firing_alerts = alerts.len();
            let floor = alerts.iter().map(|(_, a)| a.floor).max().unwrap_or_default();
            let judged = node.judgement.status;
            let forced = apply_floor(judged, floor);
            if forced != judged {
                node.judgement.status = forced;
                node.judgement.color = status_swatch(forced, palette);
            }
        }
        let mut entries = Vec::new();
        let mut without_node = Vec::new();
        for (node_entity, alerts) in &on_nodes {
            let node = nodes.iter().find(|n| n.entity_ref.as_deref() == Some(node_entity.as_str()));
            if node.is_none() {
                let floor = alerts.iter().map(|(_, a)| a.floor).max().unwrap_or_default();
                without_node.push((node_entity.clone(), apply_floor(Status::Unknown, floor)));
            }
            let id = node.map_or_else(|| node_entity.clone(), |n| n.latency.id.clone());
            for (entity, alert) in alerts {
                entries.push(Alert::firing(id.clone(), entity.to_string(), alert.floor, details(alert)));
            }
        }
        (entries, unmapped_warning(&mapped.unmapped), without_node)
    }
}

/// Per entity ref of a node at `level` (the entity itself, or its System or Domain above `entity` level): the
/// alerts on it and on its members, each once, with the entity each was mapped to.
fn alerts_by_node_entity<'a>(
    mapped: &'a MappedAlerts,
    catalog: &Catalog,
    level: Level,
) -> BTreeMap<String, Vec<(&'a EntityRef, &'a FiringAlert)>> {
    let mut on_nodes: BTreeMap<String, Vec<(&EntityRef, &FiringAlert)>> = BTreeMap::new();
    for (entity, alerts) in &mapped.by_entity {
        let node_entity = match level {
            Level::Component | Level::Entity => entity,
            _ => catalog.group_of(entity, level).unwrap_or(entity),
        };
        let held = on_nodes.entry(node_entity.to_string()).or_default();
        for alert in alerts {
            // One alert on a System and on one of its Components is one alert on the System's node.
            if !held.iter().any(|(_, a)| a.fingerprint == alert.fingerprint) {
                held.push((entity, alert));
            }
        }
    }
    on_nodes
}

fn details(alert: &FiringAlert) -> FiringDetails {
    FiringDetails {
        alertname: alert.alertname.clone(),
        severity: alert.severity.clone(),
        labels: alert.labels.clone(),
        annotations: alert.annotations.clone(),
        starts_at: alert.starts_at_ms as f64,
        fingerprint: alert.fingerprint.clone(),
        generator_url: alert.generator_url.clone(),
    }
}

/// `alertmanager.unmapped`: how many firing alerts no label or selector placed, the first few named.
fn unmapped_warning(unmapped: &[FiringAlert]) -> Option<Warning> {
    if unmapped.is_empty() {
        return None;
    }
    let named: Vec<String> = unmapped
        .iter()
        .take(MAX_NAMED_UNMAPPED)
        .map(|a| {
            let name = if a.alertname.is_empty() { a.fingerprint.as_str() } else { a.alertname.as_str() };
            crate::quote::quoted(name)
        })
        .collect();
    let more = unmapped.len().saturating_sub(MAX_NAMED_UNMAPPED);
    let rest = if more > 0 { format!(" and {more} more") } else { String::new() };
    Some(Warning {
        code: "alertmanager.unmapped".to_owned(),
        message: format!(
            "{} firing alert(s) map to no catalog entity and are not shown: {}{rest} (set a configured label such as \
             `service`, or a `latencyheatmap/alert-selector` annotation)",
            unmapped.len(),
            named.join(", ")
        ),
    })
}
