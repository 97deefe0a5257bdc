//! The warning lists a snapshot and `setCatalog` return, bounded: a million bad entities must not become a million
//! warnings in every snapshot.
//!
//! Owns the caps and the summary that stands for what was left out: per code, the first [`MAX_PER_CODE`] warnings
//! in the order given and at most [`MAX_LISTED`] in all, then one warning of that code saying how many more there
//! were. It does not word or order the warnings themselves; the steps that find them do.

use std::collections::BTreeMap;

use super::snapshot::Warning;

/// Warnings listed per code before the rest are summed up.
pub const MAX_PER_CODE: usize = 20;
/// Warnings listed in all (summaries aside: at most one per code, and codes are a fixed set).
pub const MAX_LISTED: usize = 200;

/// Warnings kept to be shown, and how many more of each code were left out.
#[derive(Debug, Clone, Default)]
pub(super) struct WarningList {
    listed: Vec<Warning>,
    unlisted: BTreeMap<String, usize>,
}

impl WarningList {
    /// Keeps `warnings` in their order within the caps; a repeat of a listed warning is dropped, anything else
    /// beyond the caps is counted under its code.
    pub(super) fn capped(warnings: impl IntoIterator<Item = Warning>) -> WarningList {
        let mut list = WarningList::default();
        let mut per_code: BTreeMap<String, usize> = BTreeMap::new();
        for warning in warnings {
            let listed = per_code.get(&warning.code).copied().unwrap_or(0);
            if listed >= MAX_PER_CODE || list.listed.len() >= MAX_LISTED {
                *list.unlisted.entry(warning.code).or_insert(0) += 1;
            } else if !list.listed.contains(&warning) {
                per_code.insert(warning.code.clone(), listed + 1);
                list.listed.push(warning);
            }
        }
        list
    }

    /// Adds what `earlier` left out, for warnings listed again from an earlier list (the catalog's, in every
    /// snapshot).
    pub(super) fn and_unlisted_of(mut self, earlier: &WarningList) -> WarningList {
        for (code, count) in &earlier.unlisted {
            *self.unlisted.entry(code.clone()).or_insert(0) += count;
        }
        self
    }

    pub(super) fn listed(&self) -> &[Warning] {
        &self.listed
    }

    /// The list as shown: each code's summary right after its last listed warning, or at the end (in code order)
    /// when none of that code was listed.
    pub(super) fn into_warnings(self) -> Vec<Warning> {
        let WarningList { listed, mut unlisted } = self;
        let mut last_of_code: BTreeMap<&str, usize> = BTreeMap::new();
        for (at, warning) in listed.iter().enumerate() {
            last_of_code.insert(&warning.code, at);
        }
        let summary_after: BTreeMap<usize, String> = last_of_code
            .into_iter()
            .filter(|(code, _)| unlisted.contains_key(*code))
            .map(|(code, at)| (at, code.to_owned()))
            .collect();
        let mut shown = Vec::with_capacity(listed.len() + unlisted.len());
        for (at, warning) in listed.into_iter().enumerate() {
            shown.push(warning);
            if let Some((code, count)) = summary_after.get(&at).and_then(|code| unlisted.remove_entry(code)) {
                shown.push(summary(code, count));
            }
        }
        shown.extend(unlisted.into_iter().map(|(code, count)| summary(code, count)));
        shown
    }
}

/// The one warning that stands for `count` left out, under their own code so a card switching on codes sees it.
fn summary(code: String, count: usize) -> Warning {
    let message = format!("… and {count} more {code} warnings");
    Warning { code, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(code: &str, n: usize) -> Warning {
        Warning { code: code.to_owned(), message: format!("{code} #{n}") }
    }

    fn messages(warnings: &[Warning]) -> Vec<&str> {
        warnings.iter().map(|w| w.message.as_str()).collect()
    }

    #[test]
    fn lists_the_first_of_each_code_then_one_summary_after_them() {
        let bad = (0..100_000).map(|n| warning("catalog.invalid-entity", n));
        let input = bad.chain([warning("config.unknown-key", 0)]);
        let shown = WarningList::capped(input).into_warnings();
        assert_eq!(shown.len(), MAX_PER_CODE + 2);
        assert_eq!(shown.get(19).map(|w| w.message.as_str()), Some("catalog.invalid-entity #19"));
        assert_eq!(
            shown.get(20),
            Some(&Warning {
                code: "catalog.invalid-entity".into(),
                message: "… and 99980 more catalog.invalid-entity warnings".into()
            })
        );
        assert_eq!(shown.get(21).map(|w| w.message.as_str()), Some("config.unknown-key #0"));
    }

    #[test]
    fn the_total_cap_counts_whole_codes_at_the_end() {
        let codes: Vec<String> = (0..12).map(|c| format!("code.{c:02}")).collect();
        let input = codes.iter().flat_map(|code| (0..MAX_PER_CODE).map(move |n| warning(code, n)));
        let shown = WarningList::capped(input).into_warnings();
        assert_eq!(shown.len(), MAX_LISTED + 2);
        assert_eq!(
            messages(shown.get(MAX_LISTED..).unwrap_or_default()),
            ["… and 20 more code.10 warnings", "… and 20 more code.11 warnings"]
        );
    }

    #[test]
    fn repeats_are_listed_once_and_short_lists_are_unchanged() {
        let input = [warning("a", 1), warning("b", 1), warning("a", 1), warning("a", 2)];
        let shown = WarningList::capped(input).into_warnings();
        assert_eq!(messages(&shown), ["a #1", "b #1", "a #2"]);
    }

    #[test]
    fn counts_left_out_earlier_join_the_summary_of_their_code() {
        let catalog = WarningList::capped((0..25).map(|n| warning("catalog.self-loop", n)));
        assert_eq!(catalog.listed().len(), MAX_PER_CODE);
        let again = catalog.listed().iter().cloned().chain([warning("evaluate.bad-annotation", 0)]);
        let shown = WarningList::capped(again).and_unlisted_of(&catalog).into_warnings();
        assert_eq!(shown.len(), MAX_PER_CODE + 2);
        assert_eq!(shown.get(20).map(|w| w.message.as_str()), Some("… and 5 more catalog.self-loop warnings"));
        let none_listed = WarningList::default().and_unlisted_of(&catalog).into_warnings();
        assert_eq!(messages(&none_listed), ["… and 5 more catalog.self-loop warnings"]);
    }
}
