//! RFC 3339 timestamps (`2026-12-03T09:00:00.123456789Z`, `…+01:00`), as Alertmanager writes `startsAt`,
//! `endsAt` and `updatedAt`, read into ms since the Unix epoch.
//!
//! Owns the grammar of RFC 3339 §5.6: `T`, `t` or a space between date and time (§5.6's note), any number of
//! fraction digits (cut to the millisecond, towards the past), `Z`/`z` or a `±hh:mm` offset, days checked against
//! their month and leap years. A leap second (`23:59:60`) reads as the first instant of the next minute, as POSIX
//! time has no place for it. Anything else is `None`; the caller says which field it was.

use crate::sources::days_from_civil;

/// `text` as ms since 1970-01-01T00:00:00Z, or `None` when it is not an RFC 3339 date-time.
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    if !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (number(&bytes[0..4])?, number(&bytes[5..7])?, number(&bytes[8..10])?);
    let (hour, minute, second) = (number(&bytes[11..13])?, number(&bytes[14..16])?, number(&bytes[17..19])?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &bytes[19..];
    let mut fraction_ms = 0;
    if let Some(after_dot) = rest.strip_prefix(b".") {
        let digits = after_dot.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        // The first three digits are the ms; later ones only refine within it.
        fraction_ms = after_dot[..digits.min(3)].iter().fold(0, |ms, b| ms * 10 + i64::from(b - b'0'));
        fraction_ms *= [100, 10, 1][digits.min(3) - 1];
        rest = &after_dot[digits..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (hours, minutes) = (number(&[*h1, *h2])?, number(&[*m1, *m2])?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let minutes = hours * 60 + minutes;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + fraction_ms)
}

/// ASCII digits as a number; `None` for anything else.
fn number(digits: &[u8]) -> Option<i64> {
    digits.iter().try_fold(0, |n, b| b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0')))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-03T09:00:00Z, from `date -u -d 2026-12-03T09:00:00Z +%s`.
    const DEC_3_MS: i64 = 1_796_288_400_000;

    #[test]
    fn reads_utc_and_offsets_to_the_same_instant() {
        assert_eq!(parse_rfc3339_ms("2026-12-03T09:00:00Z"), Some(DEC_3_MS));
        assert_eq!(parse_rfc3339_ms("2026-12-03T10:30:00+01:30"), Some(DEC_3_MS));
        assert_eq!(parse_rfc3339_ms("2026-12-02T23:00:00-10:00"), Some(DEC_3_MS));
        assert_eq!(parse_rfc3339_ms("2026-12-03t09:00:00z"), Some(DEC_3_MS));
        assert_eq!(parse_rfc3339_ms("2026-12-03 09:00:00+00:00"), Some(DEC_3_MS));
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_ms("1969-12-31T23:59:59.5Z"), Some(-500));
    }

    #[test]
    fn fractions_are_cut_to_the_millisecond() {
        // Go writes nanoseconds, trailing zeros dropped.
        assert_eq!(parse_rfc3339_ms("2026-12-03T09:00:00.123456789Z"), Some(DEC_3_MS + 123));
        assert_eq!(parse_rfc3339_ms("2026-12-03T09:00:00.9999Z"), Some(DEC_3_MS + 999));
        assert_eq!(parse_rfc3339_ms("2026-12-03T09:00:00.5Z"), Some(DEC_3_MS + 500));
        assert_eq!(parse_rfc3339_ms("2026-12-03T09:00:00.05+00:00"), Some(DEC_3_MS + 50));
    }

    #[test]
    fn leap_days_and_leap_seconds() {
        // 2028 and 2000 are leap years, 2026 and 1900 are not.
        assert_eq!(parse_rfc3339_ms("2028-02-29T00:00:00Z"), Some(1_835_395_200_000));
        assert_eq!(parse_rfc3339_ms("2000-02-29T12:00:00Z"), Some(951_825_600_000));
        assert_eq!(parse_rfc3339_ms("2026-02-29T00:00:00Z"), None);
        assert_eq!(parse_rfc3339_ms("1900-02-29T00:00:00Z"), None);
        // The leap second at the end of 1998 (RFC 3339's own example), in UTC and at -08:00.
        let new_year_1999 = parse_rfc3339_ms("1999-01-01T00:00:00Z");
        assert_eq!(new_year_1999, Some(915_148_800_000));
        assert_eq!(parse_rfc3339_ms("1998-12-31T23:59:60Z"), new_year_1999);
        assert_eq!(parse_rfc3339_ms("1998-12-31T15:59:60-08:00"), new_year_1999);
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "2026-12-03",
            "2026-12-03T09:00:00",
            "2026-12-03T09:00Z",
            "2026-13-03T09:00:00Z",
            "2026-04-31T09:00:00Z",
            "2026-12-00T09:00:00Z",
            "2026-12-03T24:00:00Z",
            "2026-12-03T09:60:00Z",
            "2026-12-03T09:00:61Z",
            "2026-12-03T09:00:00.Z",
            "2026-12-03T09:00:00+0100",
            "2026-12-03T09:00:00+24:00",
            "2026-12-03T09:00:00Z ",
            "2026-12-03X09:00:00Z",
            "+2026-12-03T09:00:00Z",
            "2026-12-03T09:00:00.123€",
            "1796288400",
        ] {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad:?}");
        }
    }
}
