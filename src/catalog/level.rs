//! C4 levels of the catalog model: which zoom level of the map each kind belongs to.
//!
//! Owns the mapping from kind to level (Domain = landscape, System = context, Component/API/Resource = container,
//! after Spotify's "system landscape / system context / system components" views). Collapsing nodes into their
//! groups is the catalog's `group_of`; merging their statistics is the pipeline's.

use serde::{Deserialize, Serialize};

use super::entity::Kind;

/// A C4 zoom level, from the widest (landscape) to the narrowest (container).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    Landscape,
    Context,
    Container,
}

impl Level {
    /// The level an entity of `kind` is drawn at; `None` for kinds that are not part of the system model
    /// (groups, users, locations, templates).
    pub fn of_kind(kind: Kind) -> Option<Level> {
        match kind {
            Kind::Domain => Some(Level::Landscape),
            Kind::System => Some(Level::Context),
            Kind::Component | Kind::Api | Kind::Resource => Some(Level::Container),
            Kind::Group | Kind::User | Kind::Location | Kind::Template => None,
        }
    }

    /// The kind that forms a group at this level (what nodes collapse into).
    pub fn group_kind(self) -> Option<Kind> {
        match self {
            Level::Landscape => Some(Kind::Domain),
            Level::Context => Some(Kind::System),
            Level::Container => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_c4_levels() {
        assert_eq!(Level::of_kind(Kind::Domain), Some(Level::Landscape));
        assert_eq!(Level::of_kind(Kind::System), Some(Level::Context));
        for kind in [Kind::Component, Kind::Api, Kind::Resource] {
            assert_eq!(Level::of_kind(kind), Some(Level::Container));
        }
        assert_eq!(Level::of_kind(Kind::Group), None);
    }
}
