//! Time zones and the timestamp formats that social-media exports use.

use std::fmt;
use std::str::FromStr;

use chrono::offset::LocalResult;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, Tz};

use crate::error::Error;

/// The time zone that naive timestamps are read in, that day buckets follow and that output
/// times are shown in: a fixed UTC offset or an IANA zone (with its daylight-saving rules).
///
/// Parsed from `UTC`, `Z`, an offset (`+09:00`, `+0900`, `-05`) or an IANA name
/// (`Asia/Seoul`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// A fixed offset from UTC.
    Fixed(FixedOffset),
    /// An IANA time zone.
    Iana(Tz),
}

impl Default for Zone {
    fn default() -> Self {
        Zone::utc()
    }
}

impl Zone {
    /// UTC.
    pub fn utc() -> Zone {
        Zone::Fixed(Utc.fix())
    }

    /// The offset in force at `time` (unix seconds).
    pub fn offset_at(&self, time: i64) -> FixedOffset {
        let instant = utc_datetime(time);
        match self {
            Zone::Fixed(offset) => *offset,
            Zone::Iana(tz) => tz.offset_from_utc_datetime(&instant.naive_utc()).fix(),
        }
    }

    /// `time` (unix seconds) as a date-time in this zone.
    pub fn datetime(&self, time: i64) -> DateTime<FixedOffset> {
        utc_datetime(time).with_timezone(&self.offset_at(time))
    }

    /// The wall-clock time at `time` (unix seconds) in this zone.
    pub(crate) fn local(&self, time: i64) -> NaiveDateTime {
        self.datetime(time).naive_local()
    }

    /// The zone's standard (non-daylight-saving) offset in seconds, as of 2000-01-01: the
    /// reference that fixed-width buckets are aligned to.
    pub(crate) fn standard_offset_seconds(&self) -> i64 {
        match self {
            Zone::Fixed(offset) => i64::from(offset.local_minus_utc()),
            Zone::Iana(tz) => {
                let reference = utc_datetime(946_684_800).naive_utc();
                tz.offset_from_utc_datetime(&reference)
                    .base_utc_offset()
                    .num_seconds()
            }
        }
    }

    /// The first instant of `date` in this zone: midnight, or the first quarter hour after
    /// a daylight-saving change that skipped it.
    pub(crate) fn day_start(&self, date: NaiveDate) -> i64 {
        let midnight = date.and_time(chrono::NaiveTime::MIN);
        (0..=24 * 60)
            .step_by(15)
            .find_map(|minutes| self.instant(midnight + chrono::Duration::minutes(minutes)))
            .unwrap_or_else(|| midnight.and_utc().timestamp())
    }

    /// The instant of wall-clock time `local` in this zone: the earlier one when the clock
    /// was set back (the time occurs twice), `None` when the clock skipped it.
    pub(crate) fn instant(&self, local: NaiveDateTime) -> Option<i64> {
        let result = match self {
            Zone::Fixed(offset) => offset.from_local_datetime(&local).map(|t| t.timestamp()),
            Zone::Iana(tz) => tz.from_local_datetime(&local).map(|t| t.timestamp()),
        };
        match result {
            LocalResult::Single(t) => Some(t),
            LocalResult::Ambiguous(earlier, _) => Some(earlier),
            LocalResult::None => None,
        }
    }
}

fn utc_datetime(time: i64) -> DateTime<Utc> {
    // Out-of-range instants only arise from arithmetic far outside any parsed timestamp's
    // range; clamping keeps formatting total.
    DateTime::from_timestamp(time, 0).unwrap_or(if time < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Zone::Fixed(offset) if offset.local_minus_utc() == 0 => f.write_str("UTC"),
            Zone::Fixed(offset) => write!(f, "{offset}"),
            Zone::Iana(tz) => f.write_str(tz.name()),
        }
    }
}

impl FromStr for Zone {
    type Err = Error;

    fn from_str(value: &str) -> Result<Zone, Error> {
        let trimmed = value.trim();
        if trimmed.eq_ignore_ascii_case("utc") || trimmed == "Z" {
            return Ok(Zone::utc());
        }
        if let Some(offset) = parse_offset(trimmed) {
            return Ok(Zone::Fixed(offset));
        }
        trimmed
            .parse::<Tz>()
            .map(Zone::Iana)
            .map_err(|_| Error::TimeZone {
                value: value.to_owned(),
            })
    }
}

/// `+09:00`, `+0900`, `+09`, `-05:30`.
fn parse_offset(s: &str) -> Option<FixedOffset> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(|&c| c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// Timestamps whose number is at least this are epoch milliseconds, below it epoch seconds:
/// 10^11 ms is 1973-03-03, while 10^11 s would be the year 5138.
pub const EPOCH_MILLIS_FROM: i64 = 100_000_000_000;

/// Timestamps outside these years are refused: they are broken values, not posts.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Date-time formats with an explicit offset, besides RFC 3339 and RFC 2822.
const WITH_OFFSET: &[&str] = &[
    // Twitter's API: `Sat Nov 28 10:20:00 +0000 2009`.
    "%a %b %d %H:%M:%S %z %Y",
    // ISO 8601 with an offset without colon: `2009-11-28T10:20:00+0900`.
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f %z",
];

/// Local (naive) date-time formats, read in the given zone.
const NAIVE: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S%.f",
    "%Y.%m.%d %H:%M",
];

/// Local dates (midnight in the given zone).
const DATES: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"];

/// Reads a timestamp into unix seconds (UTC), in any of the formats that post exports use:
///
/// - RFC 3339 / ISO 8601 with an offset: `2009-11-28T10:20:00+09:00`, `…Z`, a space for the
///   `T`, fractional seconds, `+0900`;
/// - Twitter's `Sat Nov 28 10:20:00 +0000 2009` and RFC 2822 `Sat, 28 Nov 2009 10:20:00 +0000`;
/// - a local time without offset, read in `zone`: `2009-11-28 10:20:00`, `2009-11-28 10:20`,
///   `2009/11/28 10:20:00`, `2009.11.28 10:20`, or a bare date (its midnight). A local time
///   that occurs twice (clocks set back) is the earlier instant; one that the clocks skipped
///   is an error;
/// - epoch seconds, or epoch milliseconds from [`EPOCH_MILLIS_FROM`] on (decimals allowed).
///
/// Fractions of a second are dropped (rounded down).
///
/// # Errors
///
/// [`Error::Timestamp`], naming the value, if it has none of these forms, names a local time
/// that does not exist in `zone`, or lies outside the years 1900–2199.
pub fn parse_timestamp(value: &str, zone: &Zone) -> Result<i64, Error> {
    let fail = |reason: String| Error::Timestamp {
        value: value.to_owned(),
        reason,
    };
    let s = value.trim();
    if s.is_empty() {
        return Err(fail("it is empty".into()));
    }
    let time = if let Some(epoch) = parse_epoch(s) {
        epoch.ok_or_else(|| fail("the number is out of range".into()))?
    } else if let Some(time) = parse_with_offset(s) {
        time
    } else if let Some(local) = parse_naive(s) {
        zone.instant(local).ok_or_else(|| {
            fail(format!(
                "this local time does not exist in {zone} (skipped by a daylight-saving change)"
            ))
        })?
    } else {
        return Err(fail(
            "expected RFC 3339 (2009-11-28T10:20:00+09:00), a local time (2009-11-28 10:20:00), \
             Twitter's format (Sat Nov 28 10:20:00 +0000 2009) or epoch seconds/milliseconds"
                .into(),
        ));
    };
    let year = chrono::Datelike::year(&utc_datetime(time));
    if !YEARS.contains(&year) || DateTime::from_timestamp(time, 0).is_none() {
        return Err(fail(format!(
            "it lies outside the years {}–{}",
            YEARS.start(),
            YEARS.end()
        )));
    }
    Ok(time)
}

/// `Some(Some(seconds))` for a number, `Some(None)` for a number out of range, `None` for
/// anything that is not a plain number.
fn parse_epoch(s: &str) -> Option<Option<i64>> {
    let (integer, fraction) = s.split_once('.').unwrap_or((s, ""));
    let digits = integer.strip_prefix('-').unwrap_or(integer);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let Ok(number) = integer.parse::<i64>() else {
        return Some(None);
    };
    let negative = integer.starts_with('-');
    // Round toward minus infinity, so that -1.5 s is before -1 s.
    let floor = |n: i64, has_fraction: bool| {
        if negative && has_fraction {
            n - 1
        } else {
            n
        }
    };
    let has_fraction = fraction.bytes().any(|b| b != b'0');
    if number.unsigned_abs() >= EPOCH_MILLIS_FROM as u64 {
        Some(Some(floor(
            number.div_euclid(1000),
            has_fraction && number % 1000 == 0,
        )))
    } else {
        Some(Some(floor(number, has_fraction)))
    }
}

fn parse_with_offset(s: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp());
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.timestamp());
    }
    WITH_OFFSET
        .iter()
        .find_map(|format| DateTime::parse_from_str(s, format).ok())
        .map(|t| t.timestamp())
}

fn parse_naive(s: &str) -> Option<NaiveDateTime> {
    NAIVE
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(s, format).ok())
        .or_else(|| {
            DATES
                .iter()
                .find_map(|format| NaiveDate::parse_from_str(s, format).ok())
                .map(|date| date.and_time(chrono::NaiveTime::MIN))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seoul() -> Zone {
        "Asia/Seoul".parse().unwrap()
    }

    // 2009-11-28T10:20:00Z
    const T: i64 = 1_259_403_600;

    #[test]
    fn offset_formats_agree() {
        for value in [
            "2009-11-28T10:20:00Z",
            "2009-11-28T10:20:00+00:00",
            "2009-11-28 10:20:00Z",
            "2009-11-28T19:20:00+09:00",
            "2009-11-28T19:20:00.999+09:00",
            "2009-11-28T19:20:00+0900",
            "2009-11-28 19:20:00 +0900",
            "Sat Nov 28 10:20:00 +0000 2009",
            "Sat, 28 Nov 2009 10:20:00 +0000",
            "  2009-11-28T10:20:00Z\t",
        ] {
            assert_eq!(parse_timestamp(value, &seoul()).unwrap(), T, "{value}");
        }
    }

    #[test]
    fn naive_times_are_read_in_the_zone() {
        for value in [
            "2009-11-28 19:20:00",
            "2009-11-28T19:20:00",
            "2009-11-28 19:20",
            "2009/11/28 19:20:00",
            "2009.11.28 19:20",
            "2009-11-28 19:20:00.5",
        ] {
            assert_eq!(parse_timestamp(value, &seoul()).unwrap(), T, "{value}");
        }
        assert_eq!(
            parse_timestamp("2009-11-28 10:20:00", &Zone::utc()).unwrap(),
            T
        );
        let fixed: Zone = "+09:00".parse().unwrap();
        assert_eq!(parse_timestamp("2009-11-28 19:20", &fixed).unwrap(), T);
        // A bare date is its midnight in the zone.
        assert_eq!(
            parse_timestamp("2009-11-29", &seoul()).unwrap(),
            T + (4 * 60 + 40) * 60
        );
    }

    #[test]
    fn epoch_seconds_and_milliseconds_by_magnitude() {
        let zone = Zone::utc();
        assert_eq!(parse_timestamp("1259403600", &zone).unwrap(), T);
        assert_eq!(parse_timestamp("1259403600000", &zone).unwrap(), T);
        assert_eq!(parse_timestamp("1259403600999", &zone).unwrap(), T);
        assert_eq!(parse_timestamp("1259403600.75", &zone).unwrap(), T);
        // Just below the threshold is seconds (year 5138 is refused), at it milliseconds.
        assert!(parse_timestamp("99999999999", &zone).is_err());
        assert_eq!(
            parse_timestamp(&EPOCH_MILLIS_FROM.to_string(), &zone).unwrap(),
            EPOCH_MILLIS_FROM / 1000
        );
    }

    #[test]
    fn daylight_saving_gap_and_overlap() {
        let new_york: Zone = "America/New_York".parse().unwrap();
        // 2021-03-14 02:30 never happened in New York.
        let err = parse_timestamp("2021-03-14 02:30:00", &new_york).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
        // 2021-11-07 01:30 happened twice: the earlier (EDT, -04:00) one is taken.
        assert_eq!(
            parse_timestamp("2021-11-07 01:30:00", &new_york).unwrap(),
            parse_timestamp("2021-11-07T01:30:00-04:00", &new_york).unwrap()
        );
    }

    #[test]
    fn errors_name_the_value() {
        for value in [
            "",
            "yesterday",
            "2009-13-28 10:20:00",
            "28/11/2009",
            "12e5",
            "1.2.3",
        ] {
            let err = parse_timestamp(value, &Zone::utc()).unwrap_err();
            assert!(matches!(&err, Error::Timestamp { value: v, .. } if v == value));
            assert!(err.to_string().contains(&format!("{value:?}")), "{err}");
        }
        let err = parse_timestamp("2500-01-01T00:00:00Z", &Zone::utc()).unwrap_err();
        assert!(err.to_string().contains("1900–2199"), "{err}");
    }

    #[test]
    fn zones_parse_and_display() {
        assert_eq!("UTC".parse::<Zone>().unwrap(), Zone::utc());
        assert_eq!("Z".parse::<Zone>().unwrap().to_string(), "UTC");
        assert_eq!("+0900".parse::<Zone>().unwrap().to_string(), "+09:00");
        assert_eq!("-05".parse::<Zone>().unwrap().to_string(), "-05:00");
        assert_eq!(
            "+05:30"
                .parse::<Zone>()
                .unwrap()
                .offset_at(0)
                .local_minus_utc(),
            19_800
        );
        assert_eq!(seoul().to_string(), "Asia/Seoul");
        assert_eq!(seoul().offset_at(T).local_minus_utc(), 9 * 3600);
        for bad in ["Mars/Olympus", "+25:00", "+9", "KST9", ""] {
            let err = bad.parse::<Zone>().unwrap_err();
            assert!(matches!(err, Error::TimeZone { .. }), "{bad}");
        }
        assert_eq!(seoul().standard_offset_seconds(), 9 * 3600);
        let new_york: Zone = "America/New_York".parse().unwrap();
        assert_eq!(new_york.standard_offset_seconds(), -5 * 3600);
    }
}
