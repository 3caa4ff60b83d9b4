//! The `nunchi` command: classify tables of Korean posts (CSV, TSV, JSON Lines, Parquet),
//! score and tokenize single posts, train, evaluate and inspect models.
//!
//! This file holds the command line (clap), the dispatch and the exit codes.

mod args;
mod commands;
mod model_dir;
mod pipeline;
mod posts;
mod report;
mod text_lines;

use std::io;
use std::process::ExitCode;

use args::{LABELED_EXIT_CODES, TABLE_EXIT_CODES, TEXT_EXIT_CODES};
use clap::{Parser, Subcommand};

/// Sentiment analysis for Korean social posts.
#[derive(Debug, Parser)]
#[command(name = "nunchi", version, after_long_help = TABLE_EXIT_CODES)]
struct Cli {
    /// Worker threads (0: one per core).
    #[arg(long, global = true, default_value_t = 0, value_name = "N")]
    threads: usize,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Label every post of a table: CSV, TSV, JSON Lines or Parquet (streaming, parallel,
    /// in input order).
    #[command(after_long_help = TABLE_EXIT_CODES)]
    Classify(commands::classify::ClassifyArgs),
    /// Score posts given as arguments or stdin lines.
    #[command(after_long_help = TEXT_EXIT_CODES)]
    Score(commands::score::ScoreArgs),
    /// Train a model on labeled data and print its dev evaluation.
    #[command(after_long_help = LABELED_EXIT_CODES)]
    Train(commands::train::TrainArgs),
    /// Evaluate a model on labeled data.
    #[command(after_long_help = LABELED_EXIT_CODES)]
    Eval(commands::eval::EvalArgs),
    /// Show the tokenizer's analysis of posts (for debugging dictionaries).
    #[command(after_long_help = TEXT_EXIT_CODES)]
    Tokenize(commands::tokenize::TokenizeArgs),
    /// Negative sentiment over time: series per time bucket and target, negative waves
    /// (episodes), chart.
    #[command(after_long_help = TABLE_EXIT_CODES)]
    Trend(commands::trend::TrendArgs),
    /// Export a model's lexicon, or merge a user lexicon into a new model.
    #[command(subcommand)]
    Lexicon(commands::lexicon::LexiconCommand),
}

/// How a command that did its job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was processed.
    Complete,
    /// Some rows or lines were rejected (exit code 2).
    RowsRejected,
}

impl Outcome {
    /// `RowsRejected` if any input was skipped.
    pub fn from_skipped(skipped: u64) -> Self {
        if skipped == 0 {
            Outcome::Complete
        } else {
            Outcome::RowsRejected
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap exits 2 on a usage error; here 2 means "rows rejected", so usage errors
            // are fatal errors (1). --help and --version print to stdout and succeed.
            let code = if error.use_stderr() { 1 } else { 0 };
            let printed = error.print();
            return ExitCode::from(if printed.is_err() { 0 } else { code });
        }
    };
    match run(cli) {
        Ok(Outcome::Complete) => ExitCode::SUCCESS,
        Ok(Outcome::RowsRejected) => ExitCode::from(2),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("nunchi: error: {error:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    #[cfg(unix)]
    remove_outputs_on_signals()?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(cli.threads)
        .build_global()
        .map_err(|e| anyhow::anyhow!("cannot start {} worker threads: {e}", cli.threads))?;
    match &cli.command {
        Command::Classify(args) => commands::classify::run(args),
        Command::Score(args) => commands::score::run(args),
        Command::Train(args) => commands::train::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Tokenize(args) => commands::tokenize::run(args),
        Command::Trend(args) => commands::trend::run(args),
        Command::Lexicon(command) => commands::lexicon::run(command),
    }
}

/// On SIGINT, SIGTERM or SIGHUP: removes the temporary files of outputs not yet under their
/// names and exits 128 + the signal (130, 143, 129), leaving every final name untouched.
#[cfg(unix)]
fn remove_outputs_on_signals() -> anyhow::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .map_err(|e| anyhow::anyhow!("cannot handle signals: {e}"))?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                nunchi_table::remove_pending();
                std::process::exit(128 + signal);
            }
        })
        .map_err(|e| anyhow::anyhow!("cannot start the signal thread: {e}"))?;
    Ok(())
}

/// Rust's runtime puts /dev/null, open for reading and writing, on a standard descriptor
/// that is closed at start-up: with stdout closed (`>&-`), every write would vanish and the
/// run succeed. This ELF constructor runs first and puts /dev/null there read-only instead,
/// so that an output to stdout is refused before anything runs.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static READ_ONLY_CLOSED_STDOUT: extern "C" fn() = read_only_closed_stdout;

#[cfg(target_os = "linux")]
extern "C" fn read_only_closed_stdout() {
    // SAFETY: plain descriptor calls, before any Rust code owns a descriptor.
    unsafe {
        if libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) == -1 {
            // The lowest free descriptor: 1, or 0 if stdin is closed too (left as /dev/null).
            let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY);
            if fd >= 0 && fd != libc::STDOUT_FILENO {
                libc::dup2(fd, libc::STDOUT_FILENO);
            }
        }
    }
}

/// Whether the error comes from writing to a closed pipe (`nunchi ... | head`), which is
/// how a reader says it has seen enough: not an error. A `csv::Error` does not expose its
/// I/O error as a source (the trend crate's writers return one), so it is looked into.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    let broken = |e: &io::Error| e.kind() == io::ErrorKind::BrokenPipe;
    error.chain().any(|cause| {
        cause.downcast_ref::<io::Error>().is_some_and(broken)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if broken(io)))
    })
}
