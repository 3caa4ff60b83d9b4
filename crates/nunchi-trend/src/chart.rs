//! The trend as an SVG chart: one panel per scope with volume bars (negative posts stacked
//! on the others), the negative share against its baseline, and the episodes shaded and
//! labelled with their top terms.
//!
//! What is drawn is bounded by the image, not by the data: a panel with more buckets than
//! its plot has pixel columns pools them per column, and targets without posts get a line
//! in the header rather than a panel.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;

use crate::batch::Trend;
use crate::error::Error;
use crate::report::{BucketRow, Episode};
use crate::time::Zone;

/// Settings of [`Trend::chart_svg`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChartOptions {
    /// The title; by default one naming the bucket width and zone.
    pub title: Option<String>,
    /// Width of the image in pixels (1200).
    pub width: u32,
    /// Height of each scope's plot area in pixels (240).
    pub panel_height: u32,
    /// How many terms label an episode (3).
    pub episode_terms: usize,
    /// The share line skips buckets with fewer posts than this (5): the share of one or two
    /// posts is noise that would draw spikes to 0% and 100%.
    pub share_min_posts: u32,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            title: None,
            width: 1200,
            panel_height: 240,
            episode_terms: 3,
            share_min_posts: 5,
        }
    }
}

/// Fonts with Hangul first; the viewer uses the first it has.
const FONTS: &str = "'Noto Sans CJK KR', 'Noto Sans KR', NanumGothic, 'Apple SD Gothic Neo', \
                     'Malgun Gothic', sans-serif";
const NEGATIVE: &str = "#d64541";
const OTHER: &str = "#b9c3cf";
const SHARE: &str = "#1f3a60";
const BASELINE: &str = "#7a8696";
const EPISODE: &str = "#f5a623";

const MARGIN_LEFT: f64 = 72.0;
const MARGIN_RIGHT: f64 = 64.0;
const HEADER: f64 = 84.0;
const PANEL_TITLE: f64 = 26.0;
const AXIS_LABELS: f64 = 46.0;

/// Tick steps for the time axis, in seconds.
const TIME_STEPS: &[i64] = &[
    60,
    300,
    600,
    1_800,
    3_600,
    2 * 3_600,
    3 * 3_600,
    6 * 3_600,
    12 * 3_600,
    86_400,
    2 * 86_400,
    7 * 86_400,
    14 * 86_400,
    28 * 86_400,
];

impl Trend {
    /// The chart as an SVG document: a panel per scope (all posts first, then each
    /// target) over a shared time axis in the trend's zone.
    pub fn chart_svg(&self, options: &ChartOptions) -> String {
        Chart::new(self, options).render()
    }

    /// Writes [`Self::chart_svg`].
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if writing fails.
    pub fn write_chart_svg(
        &self,
        mut out: impl Write,
        options: &ChartOptions,
    ) -> Result<(), Error> {
        out.write_all(self.chart_svg(options).as_bytes())?;
        Ok(())
    }
}

struct Chart<'a> {
    trend: &'a Trend,
    options: &'a ChartOptions,
    /// Time range shown, unix seconds.
    from: i64,
    to: i64,
    plot_width: f64,
    svg: String,
}

struct Panel<'a> {
    target: Option<&'a str>,
    bars: Vec<Bar>,
    /// Whether bars pool the buckets of a pixel column.
    pooled: bool,
    episodes: Vec<&'a Episode>,
    top: f64,
}

/// One bar of a panel: a bucket with posts, or the buckets with posts in one pixel column.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    start: i64,
    end: i64,
    posts: u64,
    negative: u64,
    negative_share: Option<f64>,
    /// The baseline share of its (last) bucket.
    baseline_share: Option<f64>,
}

impl Bar {
    fn of(row: &BucketRow) -> Bar {
        Bar {
            start: row.start.timestamp(),
            end: row.end.timestamp(),
            posts: u64::from(row.posts),
            negative: u64::from(row.negative),
            negative_share: row.negative_share,
            baseline_share: row.baseline_share,
        }
    }

    fn add(&mut self, row: &BucketRow) {
        self.posts += u64::from(row.posts);
        self.negative += u64::from(row.negative);
        self.negative_share = Some(self.negative as f64 / self.posts as f64);
        self.baseline_share = row.baseline_share;
    }
}

/// The bars of `rows` (in time order) on a plot of `columns` pixel columns over `from..to`:
/// one per row, or, if there are more rows than columns, one per column that has rows;
/// whether they are pooled.
fn bars(rows: &[&BucketRow], from: i64, to: i64, columns: usize) -> (Vec<Bar>, bool) {
    if rows.len() <= columns {
        return (rows.iter().map(|r| Bar::of(r)).collect(), false);
    }
    let span = i128::from(to - from);
    let columns = columns as i128;
    let column_start = |column: i128| from + (span * column / columns) as i64;
    let mut bars: Vec<Bar> = Vec::new();
    for row in rows {
        let time = row.start.timestamp();
        let column = (i128::from(time - from) * columns / span).clamp(0, columns - 1);
        let start = column_start(column);
        match bars.last_mut() {
            Some(bar) if bar.start == start => bar.add(row),
            _ => bars.push(Bar {
                start,
                end: column_start(column + 1),
                ..Bar::of(row)
            }),
        }
    }
    (bars, true)
}

impl<'a> Chart<'a> {
    fn new(trend: &'a Trend, options: &'a ChartOptions) -> Chart<'a> {
        let from = trend
            .series
            .iter()
            .map(|r| r.start.timestamp())
            .min()
            .unwrap_or(0);
        let to = trend
            .series
            .iter()
            .map(|r| r.end.timestamp())
            .max()
            .unwrap_or(from + 1)
            .max(from + 1);
        Chart {
            trend,
            options,
            from,
            to,
            plot_width: (f64::from(options.width) - MARGIN_LEFT - MARGIN_RIGHT).max(100.0),
            svg: String::new(),
        }
    }

    fn x(&self, time: i64) -> f64 {
        MARGIN_LEFT + (time - self.from) as f64 / (self.to - self.from) as f64 * self.plot_width
    }

    fn render(mut self) -> String {
        let mut rows: HashMap<Option<&str>, Vec<&BucketRow>> = HashMap::new();
        for row in &self.trend.series {
            rows.entry(row.target.as_deref()).or_default().push(row);
        }
        let mut episodes: HashMap<Option<&str>, Vec<&Episode>> = HashMap::new();
        for episode in &self.trend.episodes {
            episodes
                .entry(episode.target.as_deref())
                .or_default()
                .push(episode);
        }
        let (scopes, unmentioned): (Vec<Option<&str>>, Vec<Option<&str>>) = std::iter::once(None)
            .chain(self.trend.targets.iter().map(|t| Some(t.as_str())))
            .partition(|scope| scope.is_none() || rows.contains_key(scope));
        let panel_height = f64::from(self.options.panel_height);
        let panel_stride = PANEL_TITLE + panel_height + AXIS_LABELS;
        let height = HEADER + panel_stride * scopes.len() as f64 + 10.0;
        let width = f64::from(self.options.width);
        let _ = write!(
            self.svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{FONTS}" font-size="12">"#
        );
        let _ = write!(
            self.svg,
            r#"<rect width="{width}" height="{height}" fill="white"/>"#
        );
        let title = self.options.title.clone().unwrap_or_else(|| {
            format!(
                "Negative posts over time ({} buckets, {})",
                self.trend.width, self.trend.zone
            )
        });
        let _ = write!(
            self.svg,
            r#"<text x="{MARGIN_LEFT}" y="28" font-size="18" font-weight="bold">{}</text>"#,
            escape(&title)
        );
        self.legend();
        self.unmentioned(&unmentioned);
        if self.trend.series.is_empty() {
            let _ = write!(
                self.svg,
                r#"<text x="{MARGIN_LEFT}" y="{}" fill="{BASELINE}">No posts.</text>"#,
                HEADER + 20.0
            );
        }
        for (i, target) in scopes.into_iter().enumerate() {
            let rows = rows.remove(&target).unwrap_or_default();
            let (bars, pooled) = bars(&rows, self.from, self.to, self.plot_width as usize);
            let panel = Panel {
                target,
                bars,
                pooled,
                episodes: episodes.remove(&target).unwrap_or_default(),
                top: HEADER + panel_stride * i as f64 + PANEL_TITLE,
            };
            self.panel(&panel);
        }
        self.svg.push_str("</svg>\n");
        self.svg
    }

    /// Names the targets without posts (without a panel), the first few of them.
    fn unmentioned(&mut self, targets: &[Option<&str>]) {
        const SHOWN: usize = 10;
        if targets.is_empty() {
            return;
        }
        let names: Vec<String> = targets
            .iter()
            .take(SHOWN)
            .map(|t| format!("“{}”", t.unwrap_or_default()))
            .collect();
        let more = match targets.len().saturating_sub(SHOWN) {
            0 => String::new(),
            more => format!(" and {more} more"),
        };
        let _ = write!(
            self.svg,
            r#"<text x="{MARGIN_LEFT}" y="72" fill="{BASELINE}">{}</text>"#,
            escape(&format!("No posts mention {}{more}.", names.join(", ")))
        );
    }

    fn legend(&mut self) {
        let y = 52.0;
        let mut x = MARGIN_LEFT;
        let share = format!(
            "negative share (right axis; buckets of {}+ posts)",
            self.options.share_min_posts
        );
        let items: [(&str, &str); 5] = [
            ("bar", "negative posts"),
            ("other", "other posts"),
            ("share", &share),
            ("baseline", "baseline share"),
            ("episode", "episode (top negative terms)"),
        ];
        for (kind, label) in items {
            let swatch = match kind {
                "bar" => format!(
                    r#"<rect x="{x}" y="{}" width="14" height="10" fill="{NEGATIVE}"/>"#,
                    y - 9.0
                ),
                "other" => format!(
                    r#"<rect x="{x}" y="{}" width="14" height="10" fill="{OTHER}"/>"#,
                    y - 9.0
                ),
                "share" => format!(
                    r#"<line x1="{x}" x2="{}" y1="{}" y2="{}" stroke="{SHARE}" stroke-width="2"/>"#,
                    x + 14.0,
                    y - 4.0,
                    y - 4.0
                ),
                "baseline" => format!(
                    r#"<line x1="{x}" x2="{}" y1="{}" y2="{}" stroke="{BASELINE}" stroke-width="1.5" stroke-dasharray="4 3"/>"#,
                    x + 14.0,
                    y - 4.0,
                    y - 4.0
                ),
                _ => format!(
                    r#"<rect x="{x}" y="{}" width="14" height="10" fill="{EPISODE}" fill-opacity="0.3" stroke="{EPISODE}"/>"#,
                    y - 9.0
                ),
            };
            self.svg.push_str(&swatch);
            let _ = write!(
                self.svg,
                r#"<text x="{}" y="{y}">{}</text>"#,
                x + 19.0,
                escape(label)
            );
            x += 19.0 + 7.0 * label.chars().count() as f64 + 22.0;
        }
    }

    fn panel(&mut self, panel: &Panel<'_>) {
        let height = f64::from(self.options.panel_height);
        let (top, bottom) = (panel.top, panel.top + height);
        let left = MARGIN_LEFT;
        let right = MARGIN_LEFT + self.plot_width;
        let name = match panel.target {
            None => "All posts".to_owned(),
            Some(target) => format!("Posts mentioning “{target}”"),
        };
        let _ = write!(
            self.svg,
            r#"<text x="{left}" y="{}" font-size="14" font-weight="bold">{}</text>"#,
            top - 8.0,
            escape(&name)
        );

        // Episodes behind everything else, their labels over it.
        for episode in &panel.episodes {
            self.episode_area(episode, top, bottom);
        }

        // Left axis: posts per bucket.
        let max_posts = panel.bars.iter().map(|b| b.posts).max().unwrap_or(0).max(1) as f64;
        // Headroom above the bars for the episode labels.
        let headroom = if panel.episodes.is_empty() { 1.0 } else { 1.3 };
        let (step, axis_max) = nice_axis(max_posts * headroom);
        let y_posts = |posts: f64| bottom - posts / axis_max * height;
        let mut tick = 0.0;
        while tick <= axis_max + 1e-9 {
            let y = y_posts(tick);
            let _ = write!(
                self.svg,
                r##"<line x1="{left}" x2="{right}" y1="{y:.1}" y2="{y:.1}" stroke="#e6e9ee"/><text x="{}" y="{:.1}" text-anchor="end" fill="#444">{}</text>"##,
                left - 6.0,
                y + 4.0,
                format_count(tick)
            );
            tick += step;
        }
        let _ = write!(
            self.svg,
            r##"<text transform="translate({},{:.1}) rotate(-90)" text-anchor="middle" fill="#444">{}</text>"##,
            left - 52.0,
            top + height / 2.0,
            match panel.pooled {
                true => "posts per pixel column",
                false => "posts per bucket",
            }
        );
        // Right axis: negative share.
        for percent in [0, 25, 50, 75, 100] {
            let y = bottom - f64::from(percent) / 100.0 * height;
            let _ = write!(
                self.svg,
                r#"<text x="{}" y="{:.1}" fill="{SHARE}">{percent}%</text>"#,
                right + 6.0,
                y + 4.0
            );
        }
        let _ = write!(
            self.svg,
            r#"<text transform="translate({},{:.1}) rotate(90)" text-anchor="middle" fill="{SHARE}">negative share</text>"#,
            right + 50.0,
            top + height / 2.0
        );

        // Volume bars: the other posts, with the negative ones stacked on top.
        for row in &panel.bars {
            let x0 = self.x(row.start);
            let x1 = self.x(row.end);
            let bar = ((x1 - x0) * 0.85).max(0.5);
            let other = (row.posts - row.negative) as f64;
            let y_other = y_posts(other);
            let y_all = y_posts(row.posts as f64);
            if row.posts > row.negative {
                let _ = write!(
                    self.svg,
                    r#"<rect x="{x0:.2}" y="{y_other:.2}" width="{bar:.2}" height="{:.2}" fill="{OTHER}"/>"#,
                    bottom - y_other
                );
            }
            if row.negative > 0 {
                let _ = write!(
                    self.svg,
                    r#"<rect x="{x0:.2}" y="{y_all:.2}" width="{bar:.2}" height="{:.2}" fill="{NEGATIVE}"/>"#,
                    y_other - y_all
                );
            }
        }

        // Baseline share (dashed steps, held over empty buckets, where nothing is compared
        // with it) and negative share (line, broken at empty buckets and at buckets with too
        // few posts).
        let y_share = |share: f64| bottom - share * height;
        let mut baseline = String::new();
        let mut previous_end = None;
        for row in &panel.bars {
            let Some(share) = row.baseline_share else {
                previous_end = None;
                continue;
            };
            let (start, y) = (self.x(row.start), y_share(share));
            let _ = match previous_end {
                Some(end) if end == row.start => write!(baseline, "V{y:.2}"),
                Some(_) => write!(baseline, "H{start:.2}V{y:.2}"),
                None => write!(baseline, "M{start:.2} {y:.2}"),
            };
            let _ = write!(baseline, "H{:.2}", self.x(row.end));
            previous_end = Some(row.end);
        }
        if !baseline.is_empty() {
            let _ = write!(
                self.svg,
                r#"<path d="{baseline}" fill="none" stroke="{BASELINE}" stroke-width="1.5" stroke-dasharray="4 3"/>"#
            );
        }
        let mut share_path = String::new();
        let mut previous_end = None;
        for row in &panel.bars {
            match row
                .negative_share
                .filter(|_| row.posts >= u64::from(self.options.share_min_posts))
            {
                Some(share) => {
                    let middle = (row.start + row.end) / 2;
                    let _ = write!(
                        share_path,
                        "{}{:.2} {:.2}",
                        if previous_end == Some(row.start) {
                            "L"
                        } else {
                            "M"
                        },
                        self.x(middle),
                        y_share(share)
                    );
                    previous_end = Some(row.end);
                }
                None => previous_end = None,
            }
        }
        if !share_path.is_empty() {
            let _ = write!(
                self.svg,
                r#"<path d="{share_path}" fill="none" stroke="{SHARE}" stroke-width="1.8" stroke-linejoin="round"/>"#
            );
        }

        // Frame and time axis.
        let _ = write!(
            self.svg,
            r##"<rect x="{left}" y="{top}" width="{:.2}" height="{height}" fill="none" stroke="#8a94a3"/>"##,
            self.plot_width
        );
        self.time_axis(bottom);
        for episode in &panel.episodes {
            self.episode_label(episode, top);
        }
    }

    /// The episode's shaded span, with a dotted line where it was detected.
    fn episode_area(&mut self, episode: &Episode, top: f64, bottom: f64) {
        let x0 = self.x(episode.start.timestamp());
        let x1 = self.x(episode.end.map_or(self.to, |e| e.timestamp()));
        let _ = write!(
            self.svg,
            r#"<rect x="{x0:.2}" y="{top}" width="{:.2}" height="{:.2}" fill="{EPISODE}" fill-opacity="0.18" stroke="{EPISODE}" stroke-opacity="0.7"/>"#,
            (x1 - x0).max(1.0),
            bottom - top
        );
        let detected = self.x(episode.detected_at.timestamp());
        let _ = write!(
            self.svg,
            r#"<line x1="{detected:.2}" x2="{detected:.2}" y1="{top}" y2="{bottom}" stroke="{EPISODE}" stroke-width="1.5" stroke-dasharray="2 2"/>"#
        );
    }

    /// Id, span, size, detection time and top terms, at the top of the episode.
    fn episode_label(&mut self, episode: &Episode, top: f64) {
        let x0 = self.x(episode.start.timestamp());
        let zone = self.trend.zone;
        let terms: Vec<&str> = episode
            .top_negative_terms
            .iter()
            .take(self.options.episode_terms)
            .map(|t| display_term(&t.term))
            .collect();
        let until = match episode.end {
            Some(end) => short_time(&zone, end.timestamp()),
            None => "ongoing".to_owned(),
        };
        let heading = format!(
            "#{} {}–{} · +{:.0} negative",
            episode.episode,
            short_time(&zone, episode.start.timestamp()),
            until,
            episode.excess_negative
        );
        let detail = format!(
            "alert {} · {}",
            short_time(&zone, episode.detected_at.timestamp()),
            terms.join(", ")
        );
        // Labels start inside the shaded area, moved left if they would run off the plot.
        let label_width = 7.5 * heading.chars().count().max(detail.chars().count() + 4) as f64;
        let x = (x0 + 4.0)
            .min(MARGIN_LEFT + self.plot_width - label_width)
            .max(MARGIN_LEFT + 4.0);
        let _ = write!(
            self.svg,
            r##"<rect x="{:.2}" y="{}" width="{label_width:.0}" height="36" fill="white" fill-opacity="0.92" rx="3"/><text x="{x:.2}" y="{}" font-weight="bold" fill="#8a5200">{}</text><text x="{x:.2}" y="{}" fill="#8a5200">{}</text>"##,
            x - 3.0,
            top + 3.0,
            top + 17.0,
            escape(&heading),
            top + 33.0,
            escape(&detail)
        );
    }

    fn time_axis(&mut self, bottom: f64) {
        let zone = self.trend.zone;
        let span = self.to - self.from;
        // At most one tick every 80 pixels.
        let max_ticks = (self.plot_width / 80.0).max(2.0) as i64;
        let step = TIME_STEPS
            .iter()
            .copied()
            .find(|&s| span / s <= max_ticks)
            .unwrap_or(span / max_ticks + 1);
        // Dates name the year when the chart spans more than one.
        let date_format = match span > 365 * 86_400 {
            true => "%Y-%m-%d",
            false => "%a %m-%d",
        };
        let mut previous_date = None;
        for tick in local_ticks(&zone, self.from, self.to, step) {
            let x = self.x(tick);
            let local = zone.datetime(tick);
            let date = local.date_naive();
            let midnight = local.format("%H:%M").to_string() == "00:00";
            let _ = write!(
                self.svg,
                r##"<line x1="{x:.2}" x2="{x:.2}" y1="{bottom}" y2="{}" stroke="#8a94a3"/>"##,
                bottom + 5.0
            );
            if step < 86_400 {
                let _ = write!(
                    self.svg,
                    r##"<text x="{x:.2}" y="{}" text-anchor="middle" fill="#444">{}</text>"##,
                    bottom + 18.0,
                    local.format("%H:%M")
                );
            }
            if step >= 86_400 || midnight || previous_date.is_none() {
                let _ = write!(
                    self.svg,
                    r##"<text x="{x:.2}" y="{}" text-anchor="middle" font-weight="bold" fill="#222">{}</text>"##,
                    if step < 86_400 {
                        bottom + 33.0
                    } else {
                        bottom + 18.0
                    },
                    local.format(date_format)
                );
            }
            previous_date = Some(date);
        }
    }
}

/// Ticks every `step` seconds between `from` and `to`, aligned to local midnight in `zone`
/// (for steps of a day or more: to local midnights).
fn local_ticks(zone: &Zone, from: i64, to: i64, step: i64) -> Vec<i64> {
    let first_day = zone.datetime(from).date_naive();
    let mut ticks = Vec::new();
    if step >= 86_400 {
        let days = chrono::Days::new((step / 86_400) as u64);
        let mut date = Some(first_day);
        while let Some(day) = date {
            let t = zone.day_start(day);
            if t > to {
                break;
            }
            if t >= from {
                ticks.push(t);
            }
            date = day.checked_add_days(days);
        }
    } else {
        let mut t = zone.day_start(first_day);
        while t <= to {
            if t >= from {
                ticks.push(t);
            }
            t += step;
        }
    }
    ticks
}

/// `11-27 19:00`.
fn short_time(zone: &Zone, time: i64) -> String {
    zone.datetime(time).format("%m-%d %H:%M").to_string()
}

/// A scorer's term without its part-of-speech suffix: `황당/XR` → `황당`.
fn display_term(term: &str) -> &str {
    match term.rsplit_once('/') {
        Some((word, tag))
            if !word.is_empty()
                && !tag.is_empty()
                && tag.bytes().all(|b| b.is_ascii_uppercase() || b == b'+') =>
        {
            word
        }
        _ => term,
    }
}

/// A round tick step for values up to `max`, and the axis maximum (a multiple of it).
fn nice_axis(max: f64) -> (f64, f64) {
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * magnitude)
        .max(1.0);
    (step, (max / step).ceil() * step)
}

fn format_count(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_round() {
        assert_eq!(nice_axis(47.0), (10.0, 50.0));
        assert_eq!(nice_axis(3.0), (1.0, 3.0));
        assert_eq!(nice_axis(120.0), (25.0, 125.0));
    }

    #[test]
    fn terms_lose_their_tags_for_display() {
        assert_eq!(display_term("황당/XR"), "황당");
        assert_eq!(display_term("안+재밌/VA"), "안+재밌");
        assert_eq!(display_term("ㅋㅋ"), "ㅋㅋ");
        assert_eq!(display_term("1/2"), "1/2");
    }

    #[test]
    fn ticks_fall_on_local_hours() {
        let seoul: Zone = "Asia/Seoul".parse().unwrap();
        let from = crate::parse_timestamp("2009-11-27 17:20", &seoul).unwrap();
        let to = crate::parse_timestamp("2009-11-28 02:00", &seoul).unwrap();
        let ticks: Vec<String> = local_ticks(&seoul, from, to, 3 * 3_600)
            .into_iter()
            .map(|t| seoul.datetime(t).format("%d %H:%M").to_string())
            .collect();
        assert_eq!(ticks, ["27 18:00", "27 21:00", "28 00:00"]);
    }

    fn row(start: i64, posts: u32, negative: u32) -> BucketRow {
        let zone = Zone::utc();
        BucketRow {
            target: None,
            start: zone.datetime(start),
            end: zone.datetime(start + 60),
            posts,
            negative,
            neutral: 0,
            positive: posts - negative,
            negative_share: Some(f64::from(negative) / f64::from(posts)),
            mean_polarity: Some(0.0),
            baseline_share: Some(f64::from(start as u32 % 7) / 10.0),
            expected_negative: None,
            p_share: None,
            p_count: None,
            top_negative_terms: Vec::new(),
        }
    }

    #[test]
    fn more_buckets_than_pixels_are_pooled_per_column() {
        // 3,000 minutes with posts, the first 1,000 and the last 2,000 of a 10,000-minute
        // span, on 100 columns of 100 minutes each.
        let rows: Vec<BucketRow> = (0..1_000)
            .chain(8_000..10_000)
            .map(|minute| row(minute * 60, 3, u32::from(minute % 2 == 0)))
            .collect();
        let refs: Vec<&BucketRow> = rows.iter().collect();
        let (bars, pooled) = bars(&refs, 0, 600_000, 100);
        assert!(pooled);
        assert_eq!(bars.len(), 30, "10 columns, then 20, with a gap between");
        assert_eq!((bars[0].start, bars[0].end), (0, 6_000));
        assert_eq!((bars[9].end, bars[10].start), (60_000, 480_000));
        assert!(bars.iter().all(|b| b.posts == 300 && b.negative == 50));
        assert_eq!(bars[0].negative_share, Some(50.0 / 300.0));
        assert_eq!(bars[0].baseline_share, rows[99].baseline_share);
        // As many rows as columns or fewer: one bar each.
        let (bars, pooled) = super::bars(&refs[..100], 0, 600_000, 100);
        assert!(!pooled);
        assert_eq!(
            bars,
            refs[..100].iter().map(|r| Bar::of(r)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
