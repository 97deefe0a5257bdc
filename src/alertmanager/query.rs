//! The one request of an Alertmanager poll: `GET api/v2/alerts` for firing alerts that are neither silenced nor
//! inhibited, narrowed by the config's `filter` matchers.
//!
//! Owns the path and query relative to the source's base URL (joining them is the poller's), each matcher written
//! in Alertmanager's quoted form and percent-encoded. `unprocessed` keeps its default (true): an alert Alertmanager
//! has not yet run through its silences and inhibitions is firing. It does not read the answer (`reader`'s job).

use super::selector::Matcher;
use crate::sources::encode_component;

/// The alerts endpoint of API v2, relative to the base URL (`/api/v1` is gone since Alertmanager 0.27).
pub const ALERTS_PATH: &str = "api/v2/alerts";

/// `api/v2/alerts?active=true&silenced=false&inhibited=false` plus one `filter=` per matcher, in the given order.
pub fn alerts_query(filters: &[Matcher]) -> String {
    let mut query = format!("{ALERTS_PATH}?active=true&silenced=false&inhibited=false");
    for matcher in filters {
        query.push_str("&filter=");
        query.push_str(&encode_component(&matcher.to_string()));
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alertmanager::selector::Selector;

    #[test]
    fn asks_for_firing_unsilenced_uninhibited_alerts() {
        assert_eq!(alerts_query(&[]), "api/v2/alerts?active=true&silenced=false&inhibited=false");
    }

    #[test]
    fn each_filter_is_quoted_and_percent_encoded() {
        let selector = Selector::parse(r#"severity=~critical|warning, team!="a&b=c", env="x\"y""#).expect("a selector");
        assert_eq!(
            alerts_query(selector.matchers()),
            "api/v2/alerts?active=true&silenced=false&inhibited=false\
             &filter=severity%3D~%22critical%7Cwarning%22\
             &filter=team%21%3D%22a%26b%3Dc%22\
             &filter=env%3D%22x%5C%22y%22"
        );
    }
}
