//! Alertmanager-style label matchers: `team=checkout,severity=~"critical|warning"`, as written in an entity's
//! `latencyheatmap/alert-selector` annotation and in the `filter` list of the Alertmanager source's config.
//!
//! Owns the syntax (`=`, `!=`, `=~`, `!~`; values bare or double-quoted with `\"`, `\\` and `\n` escapes;
//! matchers separated by commas, optionally inside `{…}`), matching against a label set (an absent label matches as
//! the empty string, as in Prometheus) and writing a matcher back in the quoted form Alertmanager's `filter=`
//! parameter reads. Regexes are fully anchored as Prometheus anchors them (`^(?s:…)$`) and compiled by
//! `regex-lite`, whose syntax is RE2's minus Unicode classes. It does not know where a selector came from or what
//! a matching alert means.

use std::collections::BTreeMap;
use std::fmt;

use regex_lite::Regex;
use thiserror::Error;

use crate::prometheus::queries::is_label_name;
use crate::quote::{bounded_message, quoted};

/// How a matcher compares a label's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOp {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

impl MatchOp {
    fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        }
    }
}

/// One `name op value` test.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    /// The value as written, unquoted and unescaped (for a regex, its source before anchoring).
    pub value: String,
    /// The anchored regex, for `=~` and `!~`.
    regex: Option<Regex>,
}

/// Two matchers are equal when they are written the same way (a compiled regex has no equality of its own).
impl PartialEq for Matcher {
    fn eq(&self, other: &Matcher) -> bool {
        (&self.name, self.op, &self.value) == (&other.name, other.op, &other.value)
    }
}

impl Matcher {
    /// A matcher from its parts; a regex value is checked and anchored here.
    pub fn new(name: &str, op: MatchOp, value: &str) -> Result<Matcher, SelectorError> {
        if !is_label_name(name) {
            return Err(SelectorError::BadName { name: name.to_owned() });
        }
        let regex = match op {
            MatchOp::Equal | MatchOp::NotEqual => None,
            MatchOp::Regex | MatchOp::NotRegex => Some(anchored_regex(name, value)?),
        };
        Ok(Matcher { name: name.to_owned(), op, value: value.to_owned(), regex })
    }

    /// Whether the labels pass this test; an absent label is the empty string.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.name).map_or("", String::as_str);
        match (self.op, &self.regex) {
            (MatchOp::Equal, _) => value == self.value,
            (MatchOp::NotEqual, _) => value != self.value,
            (MatchOp::Regex, Some(regex)) => regex.is_match(value),
            (MatchOp::NotRegex, Some(regex)) => !regex.is_match(value),
            // `new` compiles a regex for both regex operators.
            (MatchOp::Regex | MatchOp::NotRegex, None) => false,
        }
    }
}

/// `name="value"` with the value quoted and escaped: the form Alertmanager's `filter=` parameter reads.
impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        f.write_str(self.op.as_str())?;
        f.write_str("\"")?;
        for c in self.value.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("\"")
    }
}

/// Matchers that must all pass. Never empty: a selector without matchers would select every alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    matchers: Vec<Matcher>,
}

impl Selector {
    /// Reads `a=b, c=~"d|e"` or `{a=b,c!="d"}`; a trailing comma is allowed.
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let trimmed = text.trim();
        let inner = match trimmed.strip_prefix('{') {
            Some(rest) => rest.strip_suffix('}').ok_or(SelectorError::UnclosedBrace)?,
            None => trimmed,
        };
        let mut matchers = Vec::new();
        let mut rest = inner.trim_start();
        while !rest.is_empty() {
            let (matcher, after) = parse_matcher(rest)?;
            matchers.push(matcher);
            rest = after.trim_start();
            match rest.strip_prefix(',') {
                Some(after_comma) => rest = after_comma.trim_start(),
                None if rest.is_empty() => {}
                None => return Err(SelectorError::ExpectedComma { at: rest.to_owned() }),
            }
            if rest.starts_with(',') {
                return Err(SelectorError::EmptyMatcher);
            }
        }
        if matchers.is_empty() {
            return Err(SelectorError::Empty);
        }
        Ok(Selector { matchers })
    }

    pub fn matchers(&self) -> &[Matcher] {
        &self.matchers
    }

    /// Whether every matcher passes.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matchers.iter().all(|m| m.matches(labels))
    }
}

/// Why a selector could not be read. Values are quoted short, so a huge annotation never makes a huge message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SelectorError {
    #[error("the selector has no matchers (write e.g. team=checkout)")]
    Empty,
    #[error("two commas with no matcher between them")]
    EmptyMatcher,
    #[error("the selector opens with '{{' but does not end with '}}'")]
    UnclosedBrace,
    #[error("{} has no operator (=, !=, =~ or !~)", quoted(.matcher))]
    NoOperator { matcher: String },
    #[error("{} is not a label name (letters, digits and '_', not starting with a digit)", quoted(.name))]
    BadName { name: String },
    #[error("the value of {name} opens a quote that is never closed")]
    UnclosedQuote { name: String },
    #[error("the value of {name} has an unknown escape \\{escape} (use \\\", \\\\ or \\n)")]
    BadEscape { name: String, escape: char },
    #[error("expected ',' before {}", quoted(.at))]
    ExpectedComma { at: String },
    #[error("the regex of {name} cannot be read: {message}")]
    BadRegex { name: String, message: String },
}

/// Compiled alone first, so `a)|(b` is refused instead of escaping the anchors it would be wrapped in.
fn anchored_regex(name: &str, source: &str) -> Result<Regex, SelectorError> {
    let bad = |error: regex_lite::Error| SelectorError::BadRegex {
        name: name.to_owned(),
        message: bounded_message(error.to_string()),
    };
    Regex::new(source).map_err(bad)?;
    Regex::new(&format!("^(?s:{source})$")).map_err(bad)
}

/// One matcher at the start of `text`; the rest after it.
fn parse_matcher(text: &str) -> Result<(Matcher, &str), SelectorError> {
    let name_end = text.find(['=', '!', '~', ',', '"']).unwrap_or(text.len());
    let name = text[..name_end].trim();
    let after_name = &text[name_end..];
    let (op, after_op) =
        [("=~", MatchOp::Regex), ("!~", MatchOp::NotRegex), ("!=", MatchOp::NotEqual), ("=", MatchOp::Equal)]
            .into_iter()
            .find_map(|(token, op)| after_name.strip_prefix(token).map(|rest| (op, rest)))
            .ok_or_else(|| SelectorError::NoOperator {
                matcher: text[..text.find(',').unwrap_or(text.len())].trim().to_owned(),
            })?;
    if !is_label_name(name) {
        return Err(SelectorError::BadName { name: name.to_owned() });
    }
    let after_op = after_op.trim_start();
    let (value, rest) = match after_op.strip_prefix('"') {
        Some(quoted_value) => unquote(name, quoted_value)?,
        None => {
            let end = after_op.find(',').unwrap_or(after_op.len());
            (after_op[..end].trim_end().to_owned(), &after_op[end..])
        }
    };
    Ok((Matcher::new(name, op, &value)?, rest))
}

/// The value of a quoted string whose opening quote is already consumed, and what follows its closing quote.
fn unquote<'a>(name: &str, text: &'a str) -> Result<(String, &'a str), SelectorError> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &text[i + 1..])),
            '\\' => match chars.next() {
                Some((_, '"')) => value.push('"'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, 'n')) => value.push('\n'),
                Some((_, escape)) => return Err(SelectorError::BadEscape { name: name.to_owned(), escape }),
                None => break,
            },
            c => value.push(c),
        }
    }
    Err(SelectorError::UnclosedQuote { name: name.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    fn parse(text: &str) -> Selector {
        Selector::parse(text).expect("a selector")
    }

    fn error(text: &str) -> String {
        Selector::parse(text).expect_err("a bad selector").to_string()
    }

    #[test]
    fn reads_the_four_operators_bare_and_quoted() {
        let selector = parse(r#" team=checkout, severity=~critical|warning ,env!="dev, test", pod!~"canary-.*" "#);
        let written: Vec<String> = selector.matchers().iter().map(Matcher::to_string).collect();
        assert_eq!(
            written,
            [r#"team="checkout""#, r#"severity=~"critical|warning""#, r#"env!="dev, test""#, r#"pod!~"canary-.*""#]
        );
        assert!(selector.matches(&labels(&[("team", "checkout"), ("severity", "warning"), ("pod", "web-1")])));
        assert!(!selector.matches(&labels(&[("team", "checkout"), ("severity", "info")])));
        assert!(!selector.matches(&labels(&[("team", "checkout"), ("severity", "critical"), ("env", "dev, test")])));
        assert!(!selector.matches(&labels(&[("team", "checkout"), ("severity", "critical"), ("pod", "canary-7")])));
        assert_eq!(parse("{a=b,}"), parse("a = b"));
    }

    #[test]
    fn regexes_are_fully_anchored() {
        let selector = parse("severity=~crit");
        assert!(selector.matches(&labels(&[("severity", "crit")])));
        assert!(!selector.matches(&labels(&[("severity", "critical")])));
        assert!(!selector.matches(&labels(&[("severity", "acrit")])));
        // Alternation stays inside the anchors.
        let either = parse("severity=~critical|warning");
        assert!(!either.matches(&labels(&[("severity", "critical-ish")])));
        assert!(!either.matches(&labels(&[("severity", "not-warning")])));
        // `.` matches a newline, as in Prometheus's `(?s:…)`.
        assert!(parse("msg=~a.b").matches(&labels(&[("msg", "a\nb")])));
        assert_eq!(error("x=~a)|(b"), "the regex of x cannot be read: found closing ')' without matching '('");
    }

    #[test]
    fn an_absent_label_is_the_empty_string() {
        let none = labels(&[]);
        assert!(parse(r#"team="""#).matches(&none));
        assert!(parse("team!=checkout").matches(&none));
        assert!(parse("team!~check.*").matches(&none));
        assert!(!parse("team=~.+").matches(&none));
        assert!(parse("team=~.*").matches(&none));
    }

    #[test]
    fn quoted_values_unescape_and_write_back() {
        let selector = parse(r#"summary="say \"hi\", \\ then\nbye""#);
        assert_eq!(selector.matchers()[0].value, "say \"hi\", \\ then\nbye");
        assert_eq!(selector.matchers()[0].to_string(), r#"summary="say \"hi\", \\ then\nbye""#);
        assert_eq!(parse(&selector.matchers()[0].to_string()), selector);
    }

    #[test]
    fn bad_selectors_name_the_problem() {
        assert_eq!(error(""), "the selector has no matchers (write e.g. team=checkout)");
        assert_eq!(error(" {} "), "the selector has no matchers (write e.g. team=checkout)");
        assert_eq!(error("a=b,,c=d"), "two commas with no matcher between them");
        assert_eq!(error("{a=b"), "the selector opens with '{' but does not end with '}'");
        assert_eq!(error("team,severity=critical"), r#""team" has no operator (=, !=, =~ or !~)"#);
        // As in Alertmanager, everything after the first `=` is the bare value.
        assert_eq!(parse("team==checkout").matchers()[0].value, "=checkout");
        assert_eq!(
            error("1team=x"),
            r#""1team" is not a label name (letters, digits and '_', not starting with a digit)"#
        );
        assert_eq!(error("=x"), r#""" is not a label name (letters, digits and '_', not starting with a digit)"#);
        assert_eq!(error(r#"team="checkout"#), "the value of team opens a quote that is never closed");
        assert_eq!(error(r#"team="a\tb""#), "the value of team has an unknown escape \\t (use \\\", \\\\ or \\n)");
        assert_eq!(error(r#"team="a" b=c"#), r#"expected ',' before "b=c""#);
        assert_eq!(
            error("severity=~(critical"),
            "the regex of severity cannot be read: found open group without closing ')'"
        );
    }
}
