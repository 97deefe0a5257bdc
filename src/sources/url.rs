//! Percent-encoding of the pieces we put into URLs: query values and path segments.
//!
//! Owns one rule, RFC 3986's: the unreserved characters (`A-Z a-z 0-9 - . _ ~`) stay, every other byte of the UTF-8
//! text becomes `%XX`. That is correct for a query value and for a path segment alike (a service called
//! `a&b=c` or `../x` cannot add a parameter or leave the path), so no URL crate is needed. It does not parse URLs.

use std::fmt::Write;

/// RFC 3986's unreserved characters: the bytes written as they are.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// `text` with every byte but the unreserved ones written as `%XX` (upper-case hex).
pub fn encode_component(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if is_unreserved(byte) {
            encoded.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// The length of `text` as [`encode_component`] writes it, without building it.
pub fn encoded_len(text: &str) -> usize {
    text.bytes().map(|byte| if is_unreserved(byte) { 1 } else { 3 }).sum()
}

/// `base?k1=v1&k2=v2`, each value encoded.
pub fn with_query(base: &str, pairs: &[(&str, String)]) -> String {
    let mut url = String::from(base);
    for (index, (key, value)) in pairs.iter().enumerate() {
        url.push(if index == 0 { '?' } else { '&' });
        url.push_str(key);
        url.push('=');
        url.push_str(&encode_component(value));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_characters_stay_and_everything_else_is_percent_encoded() {
        assert_eq!(encode_component("cart-api_v2.x~"), "cart-api_v2.x~");
        assert_eq!(encode_component("a&b=c d/e?f#g+h%"), "a%26b%3Dc%20d%2Fe%3Ff%23g%2Bh%25");
        assert_eq!(encode_component("../x"), "..%2Fx");
        assert_eq!(encode_component("café→"), "caf%C3%A9%E2%86%92");
        assert_eq!(encode_component(""), "");
    }

    #[test]
    fn the_encoded_length_is_that_of_the_encoding() {
        for text in ["cart-api_v2.x~", "a&b=c d/e?f#g+h%", "café→", "", r#"{server=~"a|b"}"#] {
            assert_eq!(encoded_len(text), encode_component(text).len(), "{text}");
        }
    }

    #[test]
    fn queries_join_encoded_values() {
        assert_eq!(
            with_query("http://h/api", &[("service", "a b".into()), ("limit", "5".into())]),
            "http://h/api?service=a%20b&limit=5"
        );
        assert_eq!(with_query("http://h/api", &[]), "http://h/api");
    }
}
