//! What a long run tells the user on stderr: a progress line while it runs (only when stderr
//! is a terminal) and a summary at the end.

use std::fmt;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress of a run: rows done, rows/s, and an ETA when the input size is known.
pub struct Progress {
    bar: Option<ProgressBar>,
    raw_consumed: Arc<AtomicU64>,
    started: Instant,
}

impl Progress {
    /// A progress line on stderr unless `quiet` or stderr is not a terminal. `raw_size` is the
    /// input's size in raw bytes and `raw_consumed` the raw bytes read so far.
    pub fn new(quiet: bool, raw_size: Option<u64>, raw_consumed: Arc<AtomicU64>) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let (bar, template) = match raw_size {
                Some(size) => (
                    ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr()),
                    "{spinner} {elapsed_precise} [{wide_bar}] {percent:>3}% {msg}, ETA {eta}",
                ),
                None => (
                    ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
                    "{spinner} {elapsed_precise} {msg}",
                ),
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            raw_consumed,
            started: Instant::now(),
        }
    }

    /// Records that `rows` rows are done in all.
    pub fn update(&self, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.raw_consumed.load(Ordering::Relaxed));
            let rate = rows as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!("{rows} rows, {rate:.0} rows/s"));
        }
    }

    /// Prints a message line on stderr without garbling the progress line.
    pub fn println(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{message}")),
            None => eprintln!("{message}"),
        }
    }

    /// Removes the progress line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Time since the run started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// The account of a classify run.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Records read (header excluded).
    pub rows_in: u64,
    /// Rows written.
    pub rows_out: u64,
    /// Rows rejected.
    pub rows_rejected: u64,
    /// Rows written with a flag (an empty or missing text).
    pub rows_flagged: u64,
    /// Rows per label, in label order.
    pub labels: Vec<(String, u64)>,
    /// Where the rejected rows are listed, if in a file.
    pub rejects_file: Option<String>,
    /// Wall time.
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed.as_secs_f64();
        let rate = self.rows_in as f64 / seconds.max(1e-3);
        write!(
            f,
            "nunchi: {} rows in, {} rows out",
            self.rows_in, self.rows_out
        )?;
        if self.rows_flagged > 0 {
            write!(
                f,
                " ({} with an empty or missing text, flagged)",
                self.rows_flagged
            )?;
        }
        write!(f, ", {} rows rejected", self.rows_rejected)?;
        if let (Some(file), true) = (&self.rejects_file, self.rows_rejected > 0) {
            write!(f, " (listed in {file})")?;
        }
        writeln!(f, "; {seconds:.1} s, {rate:.0} rows/s")?;
        let labels: Vec<String> = self
            .labels
            .iter()
            .map(|(label, count)| {
                let share = 100.0 * *count as f64 / self.rows_out.max(1) as f64;
                format!("{label} {count} ({share:.1}%)")
            })
            .collect();
        write!(f, "nunchi: labels: {}", labels.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_well() {
        let summary = Summary {
            rows_in: 10,
            rows_out: 8,
            rows_rejected: 2,
            rows_flagged: 1,
            labels: vec![("negative".into(), 2), ("positive".into(), 6)],
            rejects_file: Some("errors.csv".into()),
            elapsed: Duration::from_secs(2),
        };
        assert_eq!(
            summary.to_string(),
            "nunchi: 10 rows in, 8 rows out (1 with an empty or missing text, flagged), 2 rows \
             rejected (listed in errors.csv); 2.0 s, 5 rows/s\nnunchi: labels: negative 2 \
             (25.0%), positive 6 (75.0%)"
        );
    }
}
