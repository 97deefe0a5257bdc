//! Input text bounded before it is kept or shown: a prefix cut on a character boundary, and the short quoted form
//! every message uses for a bad value, so one megabyte of junk never becomes a megabyte of warning.
//!
//! Owns how much of a value a message shows, how a cut is marked, and how a message names a JSON value's type. It
//! does not know where the text came from or what cap a caller keeps (the catalog and telemetry choose their own,
//! e.g. 256 characters for names).

use std::borrow::Cow;

/// How many characters of a bad value a message quotes.
pub const QUOTED_CHARS: usize = 40;

/// The first `max_chars` characters of `text` (all of it when shorter).
pub fn prefix(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// The first `max_chars` characters of `text`, with `…` when more were cut.
pub fn cut(text: &str, max_chars: usize) -> Cow<'_, str> {
    let shown = prefix(text, max_chars);
    if shown.len() == text.len() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("{shown}…"))
    }
}

/// `text` for a message: its first [`QUOTED_CHARS`] characters, with `…` when more were cut.
pub fn shortened(text: &str) -> Cow<'_, str> {
    cut(text, QUOTED_CHARS)
}

/// `text` quoted for a message (`"abc"`): at most [`QUOTED_CHARS`] characters inside the quotes, then `…` when cut.
pub fn quoted(text: &str) -> String {
    let shown = prefix(text, QUOTED_CHARS);
    if shown.len() == text.len() {
        format!("{shown:?}")
    } else {
        format!("{shown:?}…")
    }
}

/// How many characters of a message written by a library about our input (serde's `invalid type: string "…"`) are
/// kept: such messages quote the value whole, and we cannot reword them.
pub const MESSAGE_CHARS: usize = 200;

/// `message` cut to [`MESSAGE_CHARS`] characters, with `…` when cut.
pub fn bounded_message(message: String) -> String {
    match cut(&message, MESSAGE_CHARS) {
        Cow::Owned(cut) => cut,
        Cow::Borrowed(_) => message,
    }
}

/// What a JSON value is, for a message that says what was expected instead ("expected an object, found an array").
pub fn json_type(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_on_character_boundaries() {
        assert_eq!(prefix("héllo", 2), "hé");
        assert_eq!(prefix("abc", 5), "abc");
        assert_eq!(prefix("", 3), "");
    }

    #[test]
    fn quotes_a_short_prefix_and_marks_the_cut() {
        assert_eq!(quoted("fast"), r#""fast""#);
        assert_eq!(quoted(&"é".repeat(1 << 20)), format!("\"{}\"…", "é".repeat(40)));
        assert_eq!(quoted("a\"b"), r#""a\"b""#);
        assert_eq!(shortened("short"), "short");
        assert_eq!(shortened(&"x".repeat(41)), format!("{}…", "x".repeat(40)));
    }

    #[test]
    fn bounds_library_messages() {
        assert_eq!(bounded_message("short".into()), "short");
        let long = format!("invalid type: string \"{}\"", "x".repeat(1 << 20));
        assert_eq!(bounded_message(long), format!("invalid type: string \"{}…", "x".repeat(MESSAGE_CHARS - 22)));
    }
}
