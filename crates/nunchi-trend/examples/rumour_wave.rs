//! Writes the series, episodes and chart of the tests' rumour scenario (real NSMC posts,
//! synthetic times) to a folder, for a look:
//!
//!     cargo run -p nunchi-trend --release --example rumour_wave -- OUT_DIR [WIDTH] [FROM TO]
//!
//! WIDTH is a bucket width (default 1h); FROM and TO (local Seoul times, e.g.
//! "2009-11-27 12:00") narrow the posts to a window.

#[path = "../tests/common/mod.rs"]
mod common;

use std::fs::File;
use std::path::PathBuf;

use nunchi_trend::{analyze, ChartOptions, MonitorConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: rumour_wave OUT_DIR [WIDTH] [FROM TO]")?,
    );
    let width = args.next().unwrap_or_else(|| "1h".into()).parse()?;
    let window = match (args.next(), args.next()) {
        (Some(from), Some(to)) => Some((common::at(&from), common::at(&to))),
        _ => None,
    };
    let scenario = common::generate(&common::week(7, Some(common::rumour())));
    let observations = scenario
        .observations
        .into_iter()
        .filter(|o| window.is_none_or(|(from, to)| (from..to).contains(&o.time)));
    let config = MonitorConfig::new(width, scenario.zone).with_targets(common::TARGETS);
    let trend = analyze(observations, config)?;
    std::fs::create_dir_all(&out)?;
    trend.write_series_csv(File::create(out.join("series.csv"))?)?;
    trend.write_episodes_csv(File::create(out.join("episodes.csv"))?)?;
    trend.write_json(File::create(out.join("trend.json"))?)?;
    trend.write_chart_svg(
        File::create(out.join("chart.svg"))?,
        &ChartOptions::default(),
    )?;
    for episode in &trend.episodes {
        eprintln!(
            "episode {} {:?}: {} .. {:?}, detected {}, {:.0} negative above baseline",
            episode.episode,
            episode.target,
            episode.start,
            episode.end,
            episode.detected_at,
            episode.excess_negative
        );
    }
    Ok(())
}
