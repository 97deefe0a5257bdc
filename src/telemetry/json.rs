//! A pull reader over JSON bytes: the tokenizer under the three span readers.
//!
//! Owns JSON syntax (RFC 8259) and nothing else. A reader asks for what it expects next (an object's next key, an
//! array's next element, a string, a number) and skips what it does not need without decoding it. Keys come back
//! as raw bytes, compared without UTF-8 validation; strings that are kept are unescaped and read as UTF-8 (invalid
//! sequences become U+FFFD rather than failing the document). Skipping is iterative and nesting is bounded by
//! [`MAX_DEPTH`], so no input can overflow the stack.
//!
//! Why not serde_json here (it is used everywhere else): ingestion is the product's hot path, and the issue's goal
//! is parse + pair + stats several times faster than `JSON.parse`. Measured in wasm on the shared Jaeger sample,
//! serde_json's visitors spent 3× the time of a bare skip of the same bytes on keys and values we then threw away;
//! this reader compares keys as bytes and skips unwanted values in one tight loop.

use std::borrow::Cow;

/// Objects and arrays nest at most this deep (serde_json's own default limit).
pub(crate) const MAX_DEPTH: u32 = 128;

/// What the next value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl Kind {
    fn described(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
        }
    }
}

/// A JSON number as written: whole numbers that fit 64 bits stay exact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Number {
    U64(u64),
    I64(i64),
    F64(f64),
}

/// Why reading stopped, with the byte offset where it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// Not JSON.
    Syntax { at: usize, message: &'static str },
    /// The input ends inside a value.
    Eof { at: usize },
    /// Valid JSON, but not the shape the format has.
    Shape { at: usize, message: String },
}

impl JsonError {
    /// The 1-based line and column in `bytes` (the input read) where reading stopped, for error messages.
    pub(crate) fn line_column(&self, bytes: &[u8]) -> (usize, usize) {
        let (JsonError::Syntax { at, .. } | JsonError::Eof { at } | JsonError::Shape { at, .. }) = self;
        line_column(bytes, *at)
    }
}

pub(crate) type Result<T> = std::result::Result<T, JsonError>;

/// Bytes that end the fast scan through a string: its closing quote, an escape, or a control character (which
/// JSON does not allow unescaped).
const STRING_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        table[i] = true;
        i += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// A one in every byte of a `u64`, for the eight-bytes-at-a-time (SWAR) scans below.
const ONES: u64 = u64::from_le_bytes([1; 8]);

/// Where the fast scan through a string starting at `i` stops: the first [`STRING_STOP`] byte, or the end.
///
/// Eight bytes at a time (SWAR on a `u64`, which wasm has natively): for each byte, "equals `"`", "equals `\\`"
/// and "below 0x20" set its high bit. These tests can also flag a byte above a true match (a borrow carries
/// upwards), never one below it, so the lowest flagged byte is the first stop.
#[inline]
fn string_stop(bytes: &[u8], mut i: usize) -> usize {
    const HIGH_BITS: u64 = ONES << 7;
    const QUOTES: u64 = ONES * b'"' as u64;
    const BACKSLASHES: u64 = ONES * b'\\' as u64;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let quote = word ^ QUOTES;
        let backslash = word ^ BACKSLASHES;
        let stops = (quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash
            | word.wrapping_sub(ONES * 0x20) & !word)
            & HIGH_BITS;
        if stops != 0 {
            return i + stops.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    while i < bytes.len() && !STRING_STOP[usize::from(bytes[i])] {
        i += 1;
    }
    i
}

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: u32,
    /// Bit `d % 64` of word `d / 64` is set when the container at depth `d + 1` is an object (for skipping). Two
    /// words, not a `u128`: every `u128` shift is a library call in wasm.
    objects: [u64; 2],
    /// The last token opened a container: its first key or element has no comma before it.
    after_open: bool,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0, depth: 0, objects: [0; 2], after_open: false }
    }

    /// Skips whitespace; whether any input is left.
    pub fn more(&mut self) -> bool {
        self.skip_whitespace();
        self.pos < self.bytes.len()
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// A syntax error at the cursor, or the end of input if the cursor is past it.
    fn syntax(&self, message: &'static str) -> JsonError {
        if self.pos >= self.bytes.len() {
            JsonError::Eof { at: self.bytes.len() }
        } else {
            JsonError::Syntax { at: self.pos, message }
        }
    }

    /// What the next value is, without consuming it.
    #[inline]
    pub fn peek(&mut self) -> Result<Kind> {
        self.skip_whitespace();
        match self.bytes.get(self.pos) {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            _ => Err(self.syntax("expected a value")),
        }
    }

    /// The error for a next value that is not `expected`; syntax errors take precedence.
    pub fn shape(&mut self, expected: &str) -> JsonError {
        let found = match self.peek() {
            Ok(found @ (Kind::Bool | Kind::Null)) => {
                let at = self.pos;
                let literal = self.literal();
                self.pos = at;
                literal.map(|_| found)
            }
            other => other,
        };
        match found {
            Ok(found) => JsonError::Shape { at: self.pos, message: format!("expected {expected}, found {}", found.described()) },
            Err(error) => error,
        }
    }

    fn open(&mut self, object: bool) -> Result<()> {
        if self.depth >= MAX_DEPTH {
            return Err(JsonError::Syntax { at: self.pos, message: "nesting deeper than 128 levels" });
        }
        let (word, bit) = (&mut self.objects[self.depth as usize / 64], 1u64 << (self.depth % 64));
        *word = if object { *word | bit } else { *word & !bit };
        self.depth += 1;
        self.pos += 1;
        self.after_open = true;
        Ok(())
    }

    /// Enters the next value if it is a `container` (`Kind::Object` or `Kind::Array`).
    #[inline]
    fn begin(&mut self, container: Kind) -> Result<bool> {
        if self.peek()? != container {
            return Ok(false);
        }
        self.open(container == Kind::Object)?;
        Ok(true)
    }

    /// Enters the next value if it is an object (then read it to its end with [`Reader::next_key`]).
    pub fn begin_object(&mut self) -> Result<bool> {
        self.begin(Kind::Object)
    }

    /// Enters the next value if it is an array (then read it to its end with [`Reader::next_element`]).
    pub fn begin_array(&mut self) -> Result<bool> {
        self.begin(Kind::Array)
    }

    /// Enters the next value if it is a `container`; skips it otherwise.
    fn begin_or_skip(&mut self, container: Kind) -> Result<bool> {
        let entered = self.begin(container)?;
        if !entered {
            self.skip()?;
        }
        Ok(entered)
    }

    /// Enters the next value if it is an object; skips it otherwise.
    pub fn object_or_skip(&mut self) -> Result<bool> {
        self.begin_or_skip(Kind::Object)
    }

    /// Enters the next value if it is an array; skips it otherwise.
    pub fn array_or_skip(&mut self) -> Result<bool> {
        self.begin_or_skip(Kind::Array)
    }

    /// Inside an object: the next key (escapes decoded), with the cursor on its value; `None` after the closing
    /// brace. Every value must be read or skipped before the next key is asked for.
    #[inline(always)]
    pub fn next_key(&mut self) -> Result<Option<Cow<'a, [u8]>>> {
        if !self.next_member(b'}')? {
            return Ok(None);
        }
        if self.bytes.get(self.pos) != Some(&b'"') {
            return Err(self.syntax("expected a key"));
        }
        let key = self.string_bytes()?;
        self.colon()?;
        Ok(Some(key))
    }

    /// Inside an array: whether another element follows (the cursor is then on it).
    #[inline(always)]
    pub fn next_element(&mut self) -> Result<bool> {
        self.next_member(b']')
    }

    fn colon(&mut self) -> Result<()> {
        self.skip_whitespace();
        if self.bytes.get(self.pos) != Some(&b':') {
            return Err(self.syntax("expected ':'"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Consumes the comma before a member, or the closing `close` (and returns false).
    #[inline(always)]
    fn next_member(&mut self, close: u8) -> Result<bool> {
        self.skip_whitespace();
        let byte = self.bytes.get(self.pos).copied();
        if byte == Some(close) {
            self.pos += 1;
            self.depth -= 1;
            self.after_open = false;
            return Ok(false);
        }
        if std::mem::take(&mut self.after_open) {
            return Ok(true);
        }
        match byte {
            Some(b',') => {
                self.pos += 1;
                self.skip_whitespace();
                Ok(true)
            }
            _ => Err(self.syntax(if close == b'}' { "expected ',' or '}'" } else { "expected ',' or ']'" })),
        }
    }

    /// The string at the cursor as bytes, escapes decoded (borrowed when it has none), not checked as UTF-8.
    #[inline(always)]
    pub fn string_bytes(&mut self) -> Result<Cow<'a, [u8]>> {
        let bytes = self.bytes;
        if bytes.get(self.pos) != Some(&b'"') {
            return Err(self.shape("a string"));
        }
        let start = self.pos + 1;
        let i = string_stop(bytes, start);
        match bytes.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                Ok(Cow::Borrowed(&bytes[start..i]))
            }
            Some(b'\\') => self.unescape(start, i).map(Cow::Owned),
            _ => {
                self.pos = i;
                Err(self.syntax("control character in a string"))
            }
        }
    }

    /// Decodes a string with escapes; `i` is the first backslash, `start` the first byte after the quote.
    fn unescape(&mut self, start: usize, mut i: usize) -> Result<Vec<u8>> {
        let bytes = self.bytes;
        let mut out = Vec::with_capacity(i - start + 16);
        let mut run = start;
        loop {
            match bytes.get(i) {
                Some(b'"') => {
                    out.extend_from_slice(&bytes[run..i]);
                    self.pos = i + 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.extend_from_slice(&bytes[run..i]);
                    let (decoded, len) = self.escape(i)?;
                    let mut buffer = [0u8; 4];
                    out.extend_from_slice(decoded.encode_utf8(&mut buffer).as_bytes());
                    i += len;
                    run = i;
                }
                _ => {
                    self.pos = i;
                    return Err(self.syntax("control character in a string"));
                }
            }
            i = string_stop(bytes, i);
        }
    }

    /// The escape starting with the backslash at `i`: the character it stands for and its length in bytes. A lone
    /// UTF-16 surrogate stands for U+FFFD.
    fn escape(&mut self, i: usize) -> Result<(char, usize)> {
        let simple = match self.bytes.get(i + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(i),
            _ => {
                self.pos = i + 1;
                return Err(self.syntax("invalid escape"));
            }
        };
        Ok((simple, 2))
    }

    fn unicode_escape(&mut self, i: usize) -> Result<(char, usize)> {
        let first = self.hex4(i + 2)?;
        if (0xD800..0xDC00).contains(&first) && self.bytes.get(i + 6..i + 8) == Some(b"\\u") {
            let second = self.hex4(i + 8)?;
            if (0xDC00..0xE000).contains(&second) {
                let code = 0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00);
                return Ok((char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER), 12));
            }
        }
        Ok((char::from_u32(u32::from(first)).unwrap_or(char::REPLACEMENT_CHARACTER), 6))
    }

    fn hex4(&mut self, at: usize) -> Result<u16> {
        let mut value = 0u16;
        for offset in 0..4 {
            let digit = self.bytes.get(at + offset).and_then(|&b| char::from(b).to_digit(16));
            match digit {
                Some(d) => value = (value << 4) | d as u16,
                None => {
                    self.pos = at + offset;
                    return Err(self.syntax("invalid \\u escape"));
                }
            }
        }
        Ok(value)
    }

    /// Moves past the string at the cursor, checking its escapes, decoding nothing.
    #[inline(always)]
    fn skip_string(&mut self) -> Result<()> {
        let bytes = self.bytes;
        let mut i = self.pos + 1;
        loop {
            i = string_stop(bytes, i);
            match bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(());
                }
                Some(b'\\') => i += self.escape(i)?.1,
                _ => {
                    self.pos = i;
                    return Err(self.syntax("control character in a string"));
                }
            }
        }
    }

    /// The number at the cursor.
    pub fn number(&mut self) -> Result<Number> {
        let start = self.pos;
        let (end, fraction_or_exponent) = self.number_end()?;
        self.pos = end;
        // number_end accepted only ASCII digits, signs, '.', 'e' and 'E'.
        let text = std::str::from_utf8(&self.bytes[start..end]).unwrap_or_default();
        if !fraction_or_exponent {
            let (negative, digits) = match text.strip_prefix('-') {
                Some(digits) => (true, digits),
                None => (false, text),
            };
            if let Some(magnitude) = decimal_u64(digits.as_bytes()) {
                if !negative || magnitude == 0 {
                    return Ok(Number::U64(magnitude));
                }
                if let Some(value) = 0i64.checked_sub_unsigned(magnitude) {
                    return Ok(Number::I64(value));
                }
            }
        }
        // Out-of-range magnitudes become ±infinity, which the readers reject as out of range.
        Ok(Number::F64(text.parse::<f64>().unwrap_or(f64::NAN)))
    }

    /// Where the number at the cursor ends, following JSON's grammar, and whether it has a fraction or exponent.
    fn number_end(&self) -> Result<(usize, bool)> {
        let bytes = self.bytes;
        let digits = |mut i: usize| {
            let from = i;
            while let Some(b'0'..=b'9') = bytes.get(i) {
                i += 1;
            }
            (i, i > from)
        };
        let fail = |at: usize| {
            if at >= bytes.len() {
                JsonError::Eof { at: bytes.len() }
            } else {
                JsonError::Syntax { at, message: "invalid number" }
            }
        };
        let mut i = self.pos + usize::from(bytes.get(self.pos) == Some(&b'-'));
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i = digits(i).0,
            _ => return Err(fail(i)),
        }
        let mut decorated = false;
        if bytes.get(i) == Some(&b'.') {
            let (end, any) = digits(i + 1);
            if !any {
                return Err(fail(end));
            }
            (i, decorated) = (end, true);
        }
        if let Some(b'e' | b'E') = bytes.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = bytes.get(i) {
                i += 1;
            }
            let (end, any) = digits(i);
            if !any {
                return Err(fail(end));
            }
            (i, decorated) = (end, true);
        }
        Ok((i, decorated))
    }

    /// `true`, `false` or `null` at the cursor: `Some(bool)`, or `None` for null.
    pub fn literal(&mut self) -> Result<Option<bool>> {
        let rest = &self.bytes[self.pos..];
        for (word, value) in [(&b"true"[..], Some(true)), (b"false", Some(false)), (b"null", None)] {
            if rest.starts_with(word) {
                self.pos += word.len();
                return Ok(value);
            }
            if rest.first() == word.first() {
                let matched = rest.iter().zip(word).take_while(|(a, b)| a == b).count();
                self.pos += matched;
                return Err(self.syntax("invalid literal"));
            }
        }
        Err(self.syntax("expected a value"))
    }

    /// Moves past the next value. A scalar is checked token by token; inside a skipped array or object only the
    /// structure is (strings closed, escapes valid, no raw control characters, brackets matched, nesting within
    /// [`MAX_DEPTH`]), in one loop over the bytes: nothing in there is ever used, and this is most of the input.
    pub fn skip(&mut self) -> Result<()> {
        match self.peek()? {
            Kind::String => self.skip_string(),
            Kind::Number => {
                self.pos = self.number_end()?.0;
                Ok(())
            }
            Kind::Bool | Kind::Null => self.literal().map(drop),
            Kind::Object | Kind::Array => self.skip_container(),
        }
    }

    fn skip_container(&mut self) -> Result<()> {
        let base = self.depth;
        loop {
            let Some(&byte) = self.bytes.get(self.pos) else { return Err(JsonError::Eof { at: self.bytes.len() }) };
            match byte {
                b'"' => self.skip_string()?,
                b'{' | b'[' => self.open(byte == b'{')?,
                b'}' | b']' => {
                    let inner = self.depth - 1;
                    let in_object = (self.objects[inner as usize / 64] >> (inner % 64)) & 1 == 1;
                    if in_object != (byte == b'}') {
                        return Err(self.syntax("mismatched bracket"));
                    }
                    self.depth -= 1;
                    self.pos += 1;
                    if self.depth == base {
                        self.after_open = false;
                        return Ok(());
                    }
                }
                _ => self.pos += 1,
            }
        }
    }
}

/// A whole number in ASCII decimal digits (an optional leading `+`). Without the 128-bit multiply that an
/// overflow-checked parse costs in wasm for every digit: up to 19 digits cannot overflow. Timestamps (16 to 19
/// digits) go eight digits at a time.
#[inline]
pub(crate) fn decimal_u64(text: &[u8]) -> Option<u64> {
    let digits = text.strip_prefix(b"+").unwrap_or(text);
    if digits.is_empty() {
        return None;
    }
    if digits.len() > 19 {
        // Still possible: leading zeros. (`parse` alone would accept a second `+`.)
        return digits.iter().all(u8::is_ascii_digit).then(|| std::str::from_utf8(digits).ok()?.parse().ok())?;
    }
    let (head, groups) = digits.split_at(digits.len() % 8);
    // Branch-free: one check at the end tells whether any byte was not a digit.
    let (value, all_digits) = head.iter().fold((0u64, true), |(value, all_digits), &byte| {
        let digit = byte.wrapping_sub(b'0');
        (value * 10 + u64::from(digit), all_digits & (digit < 10))
    });
    groups.chunks_exact(8).try_fold(all_digits.then_some(value)?, |value, group| {
        Some(value * 100_000_000 + eight_digits(u64::from_le_bytes(group.try_into().ok()?))?)
    })
}

/// Eight ASCII digits read little-endian into `word` (the first in the low byte) as their value, SWAR: digit
/// pairs, then pairs of pairs, combined by multiplies (the well-known 8-digit parse); `None` if any byte is not
/// a digit (high nibble 3, and low nibble at most 9).
fn eight_digits(word: u64) -> Option<u64> {
    const HIGH_NIBBLES: u64 = ONES * 0xf0;
    const ZEROS: u64 = ONES * 0x30;
    if word & HIGH_NIBBLES != ZEROS || word.wrapping_add(ONES * 6) & HIGH_NIBBLES != ZEROS {
        return None;
    }
    let digits = word - ZEROS;
    let pairs = digits.wrapping_mul(10).wrapping_add(digits >> 8);
    const ONE_IN_FOUR: u64 = 0x0000_00ff_0000_00ff;
    let high = (pairs & ONE_IN_FOUR).wrapping_mul(100 + (1_000_000 << 32));
    let low = ((pairs >> 16) & ONE_IN_FOUR).wrapping_mul(1 + (10_000 << 32));
    Some(high.wrapping_add(low) >> 32)
}

/// Unescaped string bytes as UTF-8, invalid sequences replaced by U+FFFD; borrowed stays borrowed when valid.
pub(crate) fn utf8_lossy(bytes: Cow<'_, [u8]>) -> Cow<'_, str> {
    match bytes {
        Cow::Borrowed(raw) => String::from_utf8_lossy(raw),
        Cow::Owned(decoded) => match String::from_utf8(decoded) {
            Ok(text) => Cow::Owned(text),
            Err(error) => Cow::Owned(String::from_utf8_lossy(error.as_bytes()).into_owned()),
        },
    }
}

/// The 1-based line and column of byte `at`, for error messages.
fn line_column(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (1 + before.iter().filter(|&&b| b == b'\n').count(), at - line_start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Skips one document and returns where reading stopped (or the error).
    fn skip(text: &str) -> Result<usize> {
        let mut json = Reader::new(text.as_bytes());
        json.skip()?;
        Ok(json.pos)
    }

    /// Reads one document through the strict calls the span readers use for what they read.
    fn walk(text: &str) -> Result<usize> {
        fn value(json: &mut Reader<'_>) -> Result<()> {
            match json.peek()? {
                Kind::Object => {
                    json.begin_object()?;
                    while json.next_key()?.is_some() {
                        value(json)?;
                    }
                }
                Kind::Array => {
                    json.begin_array()?;
                    while json.next_element()? {
                        value(json)?;
                    }
                }
                _ => json.skip()?,
            }
            Ok(())
        }
        let mut json = Reader::new(text.as_bytes());
        value(&mut json)?;
        Ok(json.pos)
    }

    #[test]
    fn skips_every_kind_of_value() {
        let text = r#" {"a": [1, -2.5e+3, "x\"y\\u00e9\n", true, false, null, {}, [], {"b": {"c": [[]]}}], "d": 0} "#;
        assert_eq!(skip(text), Ok(text.len() - 1));
        assert_eq!(walk(text), Ok(text.len() - 1));
        assert_eq!(skip("-0"), Ok(2));
        assert_eq!(skip("\"\\ud83d\\ude00\""), Ok(14));
    }

    #[test]
    fn rejects_what_is_not_json() {
        for (text, message) in [
            ("[1,]", "expected a value"),
            ("[1 2]", "expected ',' or ']'"),
            (r#"{"a" 1}"#, "expected ':'"),
            (r#"{"a":1,}"#, "expected a key"),
            ("{,}", "expected a key"),
            ("[,1]", "expected a value"),
            ("01", "trailing"),
            ("1.x", "invalid number"),
            ("-x", "invalid number"),
            ("nul!", "invalid literal"),
            ("\"a\u{1}\"", "control character in a string"),
            (r#""\x""#, "invalid escape"),
            (r#""\u12G4""#, "invalid \\u escape"),
            ("@", "expected a value"),
        ] {
            let result = walk(text);
            if message == "trailing" {
                assert_eq!(result, Ok(1), "{text}");
                continue;
            }
            assert!(matches!(result, Err(JsonError::Syntax { message: m, .. }) if m == message), "{text}: {result:?}");
        }
    }

    #[test]
    fn skipping_checks_structure() {
        for (text, message) in [
            ("[1}", "mismatched bracket"),
            (r#"{"a": [1, {"b": 2]]}"#, "mismatched bracket"),
            ("[\"a\u{1}\"]", "control character in a string"),
            (r#"["\q"]"#, "invalid escape"),
        ] {
            let result = skip(text);
            assert!(matches!(result, Err(JsonError::Syntax { message: m, .. }) if m == message), "{text}: {result:?}");
        }
    }

    #[test]
    fn truncation_is_end_of_input() {
        for text in ["", "{", r#"{"a""#, r#"{"a":"#, "[1,", "\"abc", "\"a\\", "\"\\u12", "tru", "-", "1e", "[{\"a\":[1"] {
            assert!(matches!(skip(text), Err(JsonError::Eof { .. })), "{text:?}: {:?}", skip(text));
            assert!(matches!(walk(text), Err(JsonError::Eof { .. })), "{text:?}: {:?}", walk(text));
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert_eq!(skip(&ok), Ok(256));
        let deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert!(matches!(skip(&deep), Err(JsonError::Syntax { message: "nesting deeper than 128 levels", .. })));
    }

    #[test]
    fn strings_are_unescaped_and_kept_as_utf8() {
        let mut text = br#"["plain", "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "\ud800x", "#.to_vec();
        text.extend_from_slice(b"\"caf\xc3\xa9\"]");
        let mut json = Reader::new(&text);
        assert_eq!(json.begin_array(), Ok(true));
        let mut out = Vec::new();
        while json.next_element().unwrap_or(false) {
            out.push(json.string_bytes().map(utf8_lossy).expect("a string").into_owned());
        }
        assert_eq!(out, ["plain", "a\"b\\c/d\n\té😀", "\u{fffd}x", "café"]);
        let mut bad = Reader::new(b"\"\xff\"");
        assert_eq!(bad.string_bytes().map(utf8_lossy).map(Cow::into_owned), Ok("\u{fffd}".to_owned()));
    }

    #[test]
    fn numbers_keep_whole_values_exact() {
        let read = |text: &str| Reader::new(text.as_bytes()).number();
        assert_eq!(read("1700000000000000000"), Ok(Number::U64(1_700_000_000_000_000_000)));
        assert_eq!(read("18446744073709551615"), Ok(Number::U64(u64::MAX)));
        assert_eq!(read("-9223372036854775808"), Ok(Number::I64(i64::MIN)));
        assert_eq!(read("-5"), Ok(Number::I64(-5)));
        assert_eq!(read("1.5e3"), Ok(Number::F64(1500.0)));
        assert_eq!(read("18446744073709551616"), Ok(Number::F64(18_446_744_073_709_551_616.0)));
        assert_eq!(read("1e999"), Ok(Number::F64(f64::INFINITY)));
    }

    #[test]
    fn objects_are_read_key_by_key() {
        let mut json = Reader::new(br#"{"a": 1, "b\u0031": {"skip": [1, {"x": 2}]}, "c": "z"} @tail"#);
        assert_eq!(json.begin_object(), Ok(true));
        let mut keys = Vec::new();
        while let Some(key) = json.next_key().unwrap_or(None) {
            keys.push(String::from_utf8_lossy(&key).into_owned());
            assert_eq!(json.skip(), Ok(()));
        }
        assert_eq!(keys, ["a", "b1", "c"]);
        assert!(json.more());
        assert_eq!(json.peek(), Err(JsonError::Syntax { at: 55, message: "expected a value" }));
    }

    #[test]
    fn decimals_parse_exactly_to_the_last_digit() {
        assert_eq!(decimal_u64(b"1700000000089299179"), Some(1_700_000_000_089_299_179));
        assert_eq!(decimal_u64(b"9999999999999999999"), Some(9_999_999_999_999_999_999));
        assert_eq!(decimal_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(decimal_u64(b"18446744073709551616"), None);
        assert_eq!(decimal_u64(b"+7"), Some(7));
        assert_eq!(decimal_u64(b"000000000000000000000007"), Some(7));
        for bad in [&b""[..], b"+", b"-1", b"1 2", b"0x10", b"1.5", b"++7", b"++1234567890123456789"] {
            assert_eq!(decimal_u64(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn positions_become_lines_and_columns() {
        assert_eq!(line_column(b"ab\ncd\nef", 7), (3, 2));
        assert_eq!(line_column(b"ab", 0), (1, 1));
    }

    /// Any JSON value serde_json can write, strings with escapes and non-ASCII included.
    fn any_json() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e300f64..1e300).prop_map(Value::from),
            "\\PC{0,12}|[\"\\\\\u{0}-\u{1f}é😀]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::btree_map("\\PC{0,8}", inner, 0..8)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    /// Reads a value through the strict calls into a serde_json value, to compare with serde_json's own reading.
    fn to_value(json: &mut Reader<'_>) -> Result<serde_json::Value> {
        use serde_json::Value;
        Ok(match json.peek()? {
            Kind::Object => {
                json.begin_object()?;
                let mut map = serde_json::Map::new();
                while let Some(key) = json.next_key()? {
                    let key = String::from_utf8_lossy(&key).into_owned();
                    map.insert(key, to_value(json)?);
                }
                Value::Object(map)
            }
            Kind::Array => {
                json.begin_array()?;
                let mut items = Vec::new();
                while json.next_element()? {
                    items.push(to_value(json)?);
                }
                Value::Array(items)
            }
            Kind::String => Value::String(utf8_lossy(json.string_bytes()?).into_owned()),
            Kind::Number => match json.number()? {
                Number::U64(v) => Value::from(v),
                Number::I64(v) => Value::from(v),
                Number::F64(v) => Value::from(v),
            },
            Kind::Bool | Kind::Null => json.literal()?.map_or(Value::Null, Value::Bool),
        })
    }

    proptest::proptest! {
        /// Whatever serde_json writes, compact or pretty, we read to the same value and skip to its end.
        #[test]
        fn reads_and_skips_whatever_serde_json_writes(value in any_json(), pretty in proptest::bool::ANY) {
            let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) };
            let text = text.expect("serde_json writes any Value");
            proptest::prop_assert_eq!(skip(&text), Ok(text.len()));
            let mut json = Reader::new(text.as_bytes());
            proptest::prop_assert_eq!(to_value(&mut json), Ok(value));
            proptest::prop_assert!(!json.more());
        }

        /// The eight-bytes-at-a-time scan stops where a byte-by-byte one does: stop bytes, bytes next to them
        /// (`!`, `#`, `[`, `]`, 0x1f, 0x20, 0x7f-0x80) and anything else, at every alignment.
        #[test]
        fn string_scan_stops_at_the_first_stop_byte(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(&b"\"\\!#[]\x1f\x20\x7f\x80\x00"[..]),
                    proptest::num::u8::ANY,
                    proptest::sample::select(&b"abc"[..]),
                ],
                0..48,
            ),
            start in 0usize..48,
        ) {
            let start = start.min(bytes.len());
            let expected = start + bytes[start..].iter().position(|&b| STRING_STOP[usize::from(b)]).unwrap_or(bytes.len() - start);
            proptest::prop_assert_eq!(string_stop(&bytes, start), expected);
        }

        /// Eight digits at a time read as digit by digit does: digits and the bytes next to them (`/`, `:`, 0x06
        /// past `9`, high bytes), every length up to 19.
        #[test]
        fn decimals_read_like_digit_by_digit(
            text in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => proptest::sample::select(&b"0123456789"[..]),
                    1 => proptest::sample::select(&b"/:?@\xb0\xff+-"[..]),
                ],
                0..=19,
            ),
        ) {
            let digits = text.strip_prefix(b"+").unwrap_or(&text);
            let expected = (!digits.is_empty() && digits.iter().all(u8::is_ascii_digit))
                .then(|| std::str::from_utf8(digits).ok()?.parse::<u64>().ok())
                .flatten();
            proptest::prop_assert_eq!(decimal_u64(&text), expected);
        }

        /// Any prefix of a document that is cut inside it is the end of input, never a panic or a value.
        #[test]
        fn cut_documents_end_early(value in any_json(), cut in 0.0f64..1.0) {
            let text = serde_json::to_string(&value).expect("serde_json writes any Value");
            let mut at = (text.len() as f64 * cut) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let prefix = &text[..at];
            // A number cut short is still a number; everything else cut short must be an error.
            if matches!(value, serde_json::Value::Object(_) | serde_json::Value::Array(_) | serde_json::Value::String(_)) {
                proptest::prop_assert!(matches!(skip(prefix), Err(JsonError::Eof { .. })), "{:?}", prefix);
            }
        }
    }
}
