//! The known name nearest to a misspelt one, for "did you mean …?" hints.
//!
//! Owns the distance (case-insensitive, an adjacent swap counts as one edit) and how close counts as a likely typo.
//! It does not know where names come from: config keys, option keys and annotations all ask the same question, and
//! end their message with the same hint.

/// The candidate closest to `name`, if one is close enough to be a likely typo: the same name in another case, or
/// at most two edits away (one for names of three characters or fewer). Ties go to the earlier candidate.
pub fn nearest_name<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let limit = if name.len() <= 3 { 1 } else { 2 };
    candidates
        .into_iter()
        // Lengths further apart than the limit cannot be close; skipping them keeps a megabyte-long key cheap.
        .filter(|candidate| candidate.chars().flat_map(char::to_lowercase).count().abs_diff(name.len()) <= limit)
        .map(|candidate| (edit_distance(&name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// The hint a message ends with: ` (did you mean "window"?)`, or nothing when no name is close.
pub fn did_you_mean(nearest: &Option<String>) -> String {
    nearest.as_ref().map(|name| format!(" (did you mean {name:?}?)")).unwrap_or_default()
}

/// Optimal string alignment distance between `a` (already lower-cased) and `b`, ignoring case.
fn edit_distance(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    // Three rolling rows: the one before the previous is needed for transpositions.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: [&str; 5] = ["window", "ttl", "maxPending", "latencySlo", "processingThreshold"];

    #[test]
    fn finds_typos_case_slips_and_swaps() {
        assert_eq!(nearest_name("windw", KEYS), Some("window"));
        assert_eq!(nearest_name("latencySLO", KEYS), Some("latencySlo"));
        assert_eq!(nearest_name("maxPnedign", KEYS), Some("maxPending"));
        assert_eq!(nearest_name("maxPendingSpans", KEYS), None);
        assert_eq!(nearest_name("wnidow", KEYS), Some("window"));
        assert_eq!(nearest_name("tll", KEYS), Some("ttl"));
    }

    #[test]
    fn says_nothing_when_nothing_is_close() {
        assert_eq!(nearest_name("colour", KEYS), None);
        assert_eq!(nearest_name("abc", KEYS), None);
        assert_eq!(nearest_name("window", []), None);
        assert_eq!(nearest_name(&"w".repeat(1 << 20), KEYS), None);
    }

    #[test]
    fn distances_are_edits() {
        let d = |a: &str, b: &str| edit_distance(&a.chars().collect::<Vec<_>>(), b);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("ab", "ba"), 1);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("abc", "ABC"), 0);
    }
}
