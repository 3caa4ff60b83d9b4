//! Time buckets: their width (`10m`, `1h`, `1d`) and the grid of bucket starts.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};

use crate::error::Error;
use crate::time::Zone;

/// The width of a time bucket, parsed from a whole number and a unit: `30s`, `10m`, `1h`,
/// `2h`, `1d`.
///
/// Widths in seconds, minutes or hours are fixed durations. Widths in days are calendar
/// days of the [`Zone`]: they start at local midnight, so a day with a daylight-saving
/// change is 23 or 25 hours long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BucketWidth {
    /// A fixed number of seconds.
    Fixed {
        /// The width in seconds.
        seconds: u32,
    },
    /// A number of calendar days.
    Days(u32),
}

/// The longest bucket accepted: a year.
const MAX_SECONDS: u64 = 366 * 86_400;

impl BucketWidth {
    /// The nominal width in seconds (days count 86,400 s).
    pub fn nominal_seconds(self) -> i64 {
        match self {
            BucketWidth::Fixed { seconds } => i64::from(seconds),
            BucketWidth::Days(days) => i64::from(days) * 86_400,
        }
    }
}

impl FromStr for BucketWidth {
    type Err = Error;

    fn from_str(value: &str) -> Result<BucketWidth, Error> {
        let fail = |reason| Error::BucketWidth {
            value: value.to_owned(),
            reason,
        };
        let s = value.trim();
        let split = s
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(|| fail("a unit is missing: use s, m, h or d (e.g. 10m, 1h, 1d)"))?;
        let (number, unit) = s.split_at(split);
        if number.is_empty() {
            return Err(fail("expected a whole number before the unit (e.g. 10m)"));
        }
        let count: u64 = number
            .parse()
            .map_err(|_| fail("the number is too large"))?;
        if count == 0 {
            return Err(fail("the width must be positive"));
        }
        let unit_seconds: u64 = match unit {
            "s" => 1,
            "m" | "min" => 60,
            "h" => 3_600,
            "d" => 86_400,
            _ => return Err(fail("unknown unit: use s, m, h or d (e.g. 10m, 1h, 1d)")),
        };
        let seconds = count.saturating_mul(unit_seconds);
        if seconds > MAX_SECONDS {
            return Err(fail("the width must be at most 366 days"));
        }
        Ok(if unit == "d" {
            BucketWidth::Days(count as u32)
        } else {
            BucketWidth::Fixed {
                seconds: seconds as u32,
            }
        })
    }
}

impl fmt::Display for BucketWidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BucketWidth::Days(days) => write!(f, "{days}d"),
            BucketWidth::Fixed { seconds } if seconds % 3_600 == 0 => {
                write!(f, "{}h", seconds / 3_600)
            }
            BucketWidth::Fixed { seconds } if seconds % 60 == 0 => write!(f, "{}m", seconds / 60),
            BucketWidth::Fixed { seconds } => write!(f, "{seconds}s"),
        }
    }
}

/// The sequence of bucket starts: which bucket an instant falls in, and where the next one
/// begins.
///
/// Fixed widths are aligned to whole multiples of the width counted from 1970-01-01 00:00 in
/// the zone's standard time (as of 2000): in a zone without daylight saving such as
/// Asia/Seoul, `1h`, `2h` or `6h` buckets start at local midnight and `10m` buckets on the
/// ten minutes. Day widths start at local midnight (the first instant of the day, if a
/// daylight-saving change skips midnight), `Nd` buckets every N days from 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketGrid {
    width: BucketWidth,
    zone: Zone,
    origin: i64,
}

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_DAY_FROM_CE: i64 = 719_163;

impl BucketGrid {
    /// The grid of `width` buckets in `zone`.
    pub fn new(width: BucketWidth, zone: Zone) -> BucketGrid {
        BucketGrid {
            width,
            zone,
            origin: -zone.standard_offset_seconds(),
        }
    }

    /// The bucket width.
    pub fn width(&self) -> BucketWidth {
        self.width
    }

    /// The zone.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// Start (unix seconds) of the bucket that holds `time`.
    pub fn start_of(&self, time: i64) -> i64 {
        match self.width {
            BucketWidth::Fixed { seconds } => {
                let width = i64::from(seconds);
                self.origin + (time - self.origin).div_euclid(width) * width
            }
            BucketWidth::Days(days) => {
                let local_day = self.local_day(time);
                let first_day = local_day - local_day.rem_euclid(i64::from(days));
                let date = NaiveDate::from_num_days_from_ce_opt(
                    (first_day + UNIX_EPOCH_DAY_FROM_CE) as i32,
                )
                .unwrap_or(NaiveDate::MIN);
                // Clamp: a zone whose midnight came after `time` cannot place `time` earlier.
                self.zone.day_start(date).min(time)
            }
        }
    }

    /// Start of the bucket after the one that starts at `start`.
    pub fn next_start(&self, start: i64) -> i64 {
        match self.width {
            BucketWidth::Fixed { seconds } => start + i64::from(seconds),
            BucketWidth::Days(days) => {
                let date = self.zone.local(start).date();
                let next = date
                    .checked_add_days(Days::new(u64::from(days)))
                    .unwrap_or(NaiveDate::MAX);
                self.zone.day_start(next).max(start + 1)
            }
        }
    }

    /// Number of buckets from the one starting at `from` to the one holding `to` (0 when
    /// the same bucket, or when `to` is earlier).
    pub(crate) fn buckets_between(&self, from: i64, to: i64) -> u64 {
        let (span, width) = match self.width {
            BucketWidth::Fixed { seconds } => (to.saturating_sub(from), i64::from(seconds)),
            // Calendar days, which are not all 86,400 s long.
            BucketWidth::Days(days) => (self.local_day(to) - self.local_day(from), i64::from(days)),
        };
        (span.max(0) / width) as u64
    }

    /// The local date of `time` in days from 1970-01-01.
    fn local_day(&self, time: i64) -> i64 {
        i64::from(self.zone.local(time).date().num_days_from_ce()) - UNIX_EPOCH_DAY_FROM_CE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    fn width(s: &str) -> BucketWidth {
        s.parse().unwrap()
    }

    #[test]
    fn widths_parse() {
        assert_eq!(width("30s"), BucketWidth::Fixed { seconds: 30 });
        assert_eq!(width("10m"), BucketWidth::Fixed { seconds: 600 });
        assert_eq!(width("10min"), BucketWidth::Fixed { seconds: 600 });
        assert_eq!(width("1h"), BucketWidth::Fixed { seconds: 3_600 });
        assert_eq!(width("2h"), BucketWidth::Fixed { seconds: 7_200 });
        assert_eq!(width("1d"), BucketWidth::Days(1));
        assert_eq!(width(" 7d "), BucketWidth::Days(7));
        for (s, shown) in [("90m", "90m"), ("120m", "2h"), ("45s", "45s"), ("1d", "1d")] {
            assert_eq!(width(s).to_string(), shown);
        }
    }

    #[test]
    fn bad_widths_are_named() {
        for bad in [
            "",
            "h",
            "10",
            "0h",
            "1.5h",
            "-1h",
            "1w",
            "10 m",
            "400d",
            "99999999999999999999s",
        ] {
            let err = bad.parse::<BucketWidth>().unwrap_err();
            assert!(
                matches!(&err, Error::BucketWidth { value, .. } if value == bad),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn fixed_buckets_align_to_local_standard_time() {
        let seoul: Zone = "Asia/Seoul".parse().unwrap();
        let t = parse_timestamp("2009-11-28 19:47:13", &seoul).unwrap();
        let at = |s| parse_timestamp(s, &seoul).unwrap();
        let grid = BucketGrid::new(width("1h"), seoul);
        assert_eq!(grid.start_of(t), at("2009-11-28 19:00"));
        assert_eq!(grid.next_start(grid.start_of(t)), at("2009-11-28 20:00"));
        // 2-hour buckets start at even local hours, not at odd ones as UTC alignment would.
        assert_eq!(
            BucketGrid::new(width("2h"), seoul).start_of(t),
            at("2009-11-28 18:00")
        );
        assert_eq!(
            BucketGrid::new(width("10m"), seoul).start_of(t),
            at("2009-11-28 19:40")
        );
        // In UTC, epoch alignment.
        let utc = BucketGrid::new(width("2h"), Zone::utc());
        assert_eq!(utc.start_of(t) % 7_200, 0);
        // An instant exactly on a boundary starts its bucket.
        assert_eq!(
            grid.start_of(at("2009-11-28 19:00")),
            at("2009-11-28 19:00")
        );
        assert_eq!(
            grid.start_of(at("2009-11-28 19:00") - 1),
            at("2009-11-28 18:00")
        );
    }

    #[test]
    fn day_buckets_start_at_local_midnight() {
        let seoul: Zone = "Asia/Seoul".parse().unwrap();
        let at = |s| parse_timestamp(s, &seoul).unwrap();
        let grid = BucketGrid::new(width("1d"), seoul);
        assert_eq!(grid.start_of(at("2009-11-28 23:59:59")), at("2009-11-28"));
        assert_eq!(grid.start_of(at("2009-11-29 00:00:00")), at("2009-11-29"));
        assert_eq!(grid.next_start(at("2009-11-28")), at("2009-11-29"));
    }

    #[test]
    fn day_buckets_follow_daylight_saving() {
        let new_york: Zone = "America/New_York".parse().unwrap();
        let at = |s| parse_timestamp(s, &new_york).unwrap();
        let grid = BucketGrid::new(width("1d"), new_york);
        let day = at("2021-03-14");
        assert_eq!(grid.start_of(at("2021-03-14 12:00")), day);
        // The spring-forward day has 23 hours.
        assert_eq!(grid.next_start(day) - day, 23 * 3_600);
        let fall = at("2021-11-07");
        assert_eq!(grid.next_start(fall) - fall, 25 * 3_600);
        // Counted in calendar days: 2021-03-13 .. 03-15 is 47 hours, two buckets.
        assert_eq!(grid.buckets_between(at("2021-03-13"), at("2021-03-15")), 2);
        assert_eq!(
            grid.buckets_between(at("2021-03-13"), at("2021-03-14 23:59")),
            1
        );
        // Midnight skipped (Santiago, 2022-09-11 00:00 -> 01:00): the day starts at 01:00.
        let santiago: Zone = "America/Santiago".parse().unwrap();
        let grid = BucketGrid::new(width("1d"), santiago);
        let noon = parse_timestamp("2022-09-11 12:00", &santiago).unwrap();
        let start = grid.start_of(noon);
        assert_eq!(
            santiago.datetime(start).to_rfc3339(),
            "2022-09-11T01:00:00-03:00"
        );
    }

    #[test]
    fn multi_day_buckets() {
        let grid = BucketGrid::new(width("7d"), Zone::utc());
        let t = parse_timestamp("2009-11-28 10:00", &Zone::utc()).unwrap();
        let start = grid.start_of(t);
        assert!(start <= t && t < grid.next_start(start));
        assert_eq!(grid.next_start(start) - start, 7 * 86_400);
        assert_eq!((start / 86_400) % 7, 0);
    }
}
