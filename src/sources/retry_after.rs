//! Reading a `Retry-After` header (RFC 9110 §10.2.3): how long a backend that answered 429 or 503 asked to be left
//! alone, in ms from now.
//!
//! Owns the two forms the header takes, delay-seconds (`120`) and an HTTP-date in the IMF-fixdate form every sender
//! must use (`Wed, 03 Dec 2026 14:02:00 GMT`). Anything else (the obsolete RFC 850 and asctime dates, garbage)
//! reads as no hint, and the backoff applies as if the header were absent. What to do with the hint is
//! [`super::retry`]'s.

/// The delay a `Retry-After` value asks for, in ms after `now_ms` (ms since the epoch); a date in the past is 0.
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Any run of digits is a valid delay; past ~10^15 s it only means "a very long time".
        return Some(value.parse::<f64>().ok()? * 1000.0);
    }
    let at_ms = imf_fixdate_ms(value)?;
    Some((at_ms - now_ms).max(0.0))
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `Sun, 06 Nov 1994 08:49:37 GMT` → ms since the epoch. The weekday is checked only for its form.
fn imf_fixdate_ms(value: &str) -> Option<f64> {
    let (weekday, rest) = value.split_once(", ")?;
    let mut parts = rest.split(' ');
    let (day, month, year, time, zone) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if !DAYS.contains(&weekday) || zone != "GMT" || parts.next().is_some() || day.len() != 2 || year.len() != 4 {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    let (day, year) = (digits(day)?, digits(year)?);
    let mut clock = time.split(':');
    let (hour, minute, second) = (digits(clock.next()?)?, digits(clock.next()?)?, digits(clock.next()?)?);
    if clock.next().is_some() || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(seconds as f64 * 1000.0)
}

fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-03T14:02:00Z, from `date -u -d 2026-12-03T14:02:00Z +%s`.
    const NOW_MS: f64 = 1_796_306_520_000.0;

    #[test]
    fn delay_seconds() {
        assert_eq!(retry_after_ms("120", NOW_MS), Some(120_000.0));
        assert_eq!(retry_after_ms(" 0 ", NOW_MS), Some(0.0));
    }

    #[test]
    fn http_dates_count_from_now_and_the_past_is_now() {
        assert_eq!(retry_after_ms("Thu, 03 Dec 2026 14:02:30 GMT", NOW_MS), Some(30_000.0));
        assert_eq!(retry_after_ms("Thu, 03 Dec 2026 13:00:00 GMT", NOW_MS), Some(0.0));
        // RFC 9110's own example, against the epoch (`date -u -d '1994-11-06 08:49:37' +%s` = 784111777).
        assert_eq!(retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 0.0), Some(784_111_777_000.0));
        assert_eq!(retry_after_ms("Tue, 29 Feb 2028 00:00:00 GMT", 0.0), Some(1_835_395_200_000.0));
    }

    #[test]
    fn other_forms_are_no_hint() {
        for value in [
            "",
            "-5",
            "1.5",
            "soon",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
        ] {
            assert_eq!(retry_after_ms(value, NOW_MS), None, "{value:?}");
        }
    }
}
