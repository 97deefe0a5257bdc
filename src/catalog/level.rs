//! C4 levels of the catalog model: which zoom level of the map each kind belongs to, and the level names
//! `snapshot({ level })` takes (`component`, `entity`, `system`, `domain`).
//!
//! Owns the mapping from kind to level (Domain = C4 landscape, System = context, Component/API/Resource =
//! container, after Spotify's "system landscape / system context / system components" views). Collapsing nodes
//! into their groups is the catalog's `group_of`; merging their statistics is `evaluate/levels.rs`'s.

use serde::{Deserialize, Serialize};

use super::entity::Kind;

/// A C4 zoom level, from the widest to the narrowest; what one node of the map stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// Domains (C4 system landscape): services collapsed into their Domain.
    Domain,
    /// Systems (C4 system context): services collapsed into their System.
    System,
    /// Catalog entities: every telemetry service an entity claims collapsed into that entity (the boxes of the
    /// catalog graph card). Between System and Component: one entity may stand for several services.
    Entity,
    /// Components, APIs and resources (C4 containers): one node per telemetry service.
    #[default]
    Component,
}

impl Level {
    /// The level an entity of `kind` is drawn at; `None` for kinds that are not part of the system model
    /// (groups, users, locations, templates).
    pub fn of_kind(kind: Kind) -> Option<Level> {
        match kind {
            Kind::Domain => Some(Level::Domain),
            Kind::System => Some(Level::System),
            Kind::Component | Kind::Api | Kind::Resource => Some(Level::Component),
            Kind::Group | Kind::User | Kind::Location | Kind::Template => None,
        }
    }

    /// The kind that forms a group at this level (what nodes collapse into).
    pub fn group_kind(self) -> Option<Kind> {
        match self {
            Level::Domain => Some(Kind::Domain),
            Level::System => Some(Kind::System),
            Level::Entity | Level::Component => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_c4_levels() {
        assert_eq!(Level::of_kind(Kind::Domain), Some(Level::Domain));
        assert_eq!(Level::of_kind(Kind::System), Some(Level::System));
        for kind in [Kind::Component, Kind::Api, Kind::Resource] {
            assert_eq!(Level::of_kind(kind), Some(Level::Component));
        }
        assert_eq!(Level::of_kind(Kind::Group), None);
    }

    #[test]
    fn levels_read_and_write_the_names_snapshot_options_take() {
        let levels: Vec<Level> = serde_json::from_str(r#"["component", "entity", "system", "domain"]"#).expect("level names");
        assert_eq!(levels, [Level::Component, Level::Entity, Level::System, Level::Domain]);
        assert_eq!(serde_json::to_string(&Level::default()).expect("level as JSON"), r#""component""#);
        // Widest first: an entity wider than the level asked for has no group at it.
        assert!(Level::Domain < Level::System && Level::System < Level::Component);
        assert!(Level::System < Level::Entity && Level::Entity < Level::Component);
    }
}
