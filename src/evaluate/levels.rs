//! Levels of the map: collapsing services into the catalog entity, System or Domain they belong to, with their
//! latency merged.
//!
//! Owns where each telemetry service is drawn at a level (the level names are the catalog's [`Level`]), and merging
//! the member services' and calls' [`LatencyStats`] (merged sketches and summed counts, never averaged
//! percentiles). Calls inside one group are dropped, their critical-path time counted as the group's; calls between
//! groups merge per kind. Services the catalog does not know, and entities without a group at that level, stay as
//! they are. Which group an entity belongs to is the catalog's `group_of`; judging and drawing the merged nodes is
//! the pipeline's.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::aggregate::{EdgeKey, EdgeState, LatencyState, NodeState, StatsSettings};
use crate::catalog::{Catalog, EntityRef, Level};

/// What a telemetry service is drawn as at a level: its group's node, or its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The node id: the group's entity ref (the service's own entity at the `entity` level), or the service name.
    pub node_id: String,
    /// The group, or the service's own entity (null when unknown to the catalog).
    pub entity: Option<EntityRef>,
}

pub fn place(catalog: &Catalog, service: &str, level: Level) -> Placement {
    let entity = catalog.entity_for_service(service);
    let group = match level {
        Level::Component => None,
        _ => entity.and_then(|e| catalog.group_of(e, level)),
    };
    match group {
        Some(group) => Placement { node_id: group.to_string(), entity: Some(group.clone()) },
        None => Placement { node_id: service.to_owned(), entity: entity.cloned() },
    }
}

/// A node at a level with its members' state merged.
#[derive(Debug, Clone)]
pub struct GroupNode {
    pub placement: Placement,
    /// Telemetry services merged into this node, sorted.
    pub members: Vec<String>,
    /// Ids of service-level calls between its members (not drawn; their time is time spent in this node).
    pub internal_edges: Vec<String>,
    pub state: NodeState,
}

/// A call between two nodes at a level, merged over its member calls of one kind.
#[derive(Debug, Clone)]
pub struct GroupEdge {
    pub key: EdgeKey,
    pub from: Placement,
    pub to: Placement,
    /// Ids of the service-level edges merged into this one, sorted.
    pub members: Vec<String>,
    pub state: EdgeState,
}

/// The latency state seen at one level.
#[derive(Debug, Clone, Default)]
pub struct Collapsed {
    /// Sorted by id.
    pub nodes: Vec<GroupNode>,
    /// Sorted by id.
    pub edges: Vec<GroupEdge>,
}

/// Merges the latency state into the nodes and edges of `level`. Members merge in sorted order, so the result
/// (down to the "recent samples" list) does not depend on hash order.
pub fn collapse(state: &LatencyState, catalog: &Catalog, level: Level) -> Collapsed {
    let settings = &state.settings().stats;
    let mut services: Vec<(&str, &NodeState)> = state.nodes().collect();
    services.sort_by_key(|(service, _)| *service);
    let mut nodes: BTreeMap<String, GroupNode> = BTreeMap::new();
    for (service, node) in services {
        let placement = place(catalog, service, level);
        let group = nodes.entry(placement.node_id.clone()).or_insert_with(|| {
            // Virtual until a member with spans of its own is merged in.
            let mut state = NodeState::default();
            state.is_virtual = true;
            GroupNode { placement, members: Vec::new(), internal_edges: Vec::new(), state }
        });
        group.members.push(service.to_owned());
        merge_node(&mut group.state, node, settings);
    }

    let mut calls: Vec<(&EdgeKey, &EdgeState)> = state.edges().collect();
    calls.sort_by(|a, b| a.0.cmp(b.0));
    let mut edges: BTreeMap<String, GroupEdge> = BTreeMap::new();
    for (key, edge) in calls {
        let (from, to) = (place(catalog, &key.from, level), place(catalog, &key.to, level));
        if from.node_id == to.node_id {
            // Both ends are services, so their node exists. Time on a call inside the group is time in the group.
            if let Some(node) = nodes.get_mut(&from.node_id) {
                node.internal_edges.push(key.id());
                node.state.critical.merge(&edge.critical, settings);
            }
            continue;
        }
        let group_key =
            EdgeKey { from: Arc::from(from.node_id.as_str()), to: Arc::from(to.node_id.as_str()), kind: key.kind };
        let group = edges.entry(group_key.id()).or_insert_with(|| GroupEdge {
            key: group_key,
            from,
            to,
            members: Vec::new(),
            state: EdgeState { inferred: true, ..EdgeState::default() },
        });
        group.members.push(key.id());
        merge_edge(&mut group.state, edge, settings);
    }
    Collapsed { nodes: nodes.into_values().collect(), edges: edges.into_values().collect() }
}

fn merge_node(into: &mut NodeState, member: &NodeState, settings: &StatsSettings) {
    for (into, member) in into.stats_mut().into_iter().zip(member.stats()) {
        into.merge(member, settings);
    }
    into.is_virtual &= member.is_virtual;
}

fn merge_edge(into: &mut EdgeState, member: &EdgeState, settings: &StatsSettings) {
    for (into, member) in into.stats_mut().into_iter().zip(member.stats()) {
        into.merge(member, settings);
    }
    into.inferred &= member.inferred;
}
