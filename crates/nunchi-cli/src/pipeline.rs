//! The ordered, bounded, parallel pipeline that classify and trend run on, over rows of any
//! table format.
//!
//! Three stages connected by bounded channels: a reader thread cuts the input into chunks
//! (at most `rows` rows or about `bytes` bytes each), the calling thread processes each
//! chunk in parallel on a rayon pool (one worker per pool thread, kept across chunks, e.g. a scorer
//! with its tokenizer lattice), and a writer thread hands the processed chunks, in input
//! order, to a sink. At most `queue` chunks wait between two stages, so memory is bounded by
//! about `2 * queue + 3` chunks whatever the input size.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::sync_channel;
use std::sync::{Mutex, PoisonError};

use nunchi_table::{Row, RowReader};
use rayon::prelude::*;

/// The per-row work, with its per-thread state.
pub trait RowStage: Sync {
    /// Per-thread state: one per pool thread, kept from chunk to chunk.
    type Worker: Send;
    /// What a row becomes.
    type Output: Send;

    /// Creates a worker.
    ///
    /// # Errors
    ///
    /// The worker cannot be created; the run stops.
    fn worker(&self) -> anyhow::Result<Self::Worker>;

    /// Processes one row.
    fn process(&self, worker: &mut Self::Worker, row: &Row) -> Self::Output;

    /// What a row whose processing panicked becomes (a rejection), so that one bad post
    /// cannot end a multi-GB run; the worker is then replaced.
    fn panicked(&self, row: &Row) -> Self::Output;
}

/// A row with what it became.
pub struct Processed<O> {
    /// The input row.
    pub row: Row,
    /// The stage's output for it.
    pub output: O,
}

/// Whether the sink wants more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// Stop reading and processing (e.g. `--strict` at a bad row).
    Stop,
}

/// Chunk and queue sizes.
#[derive(Debug, Clone, Copy)]
pub struct Chunking {
    /// Most rows in a chunk.
    pub rows: usize,
    /// A chunk is closed once its rows hold this many bytes.
    pub bytes: usize,
    /// Chunks waiting between two stages.
    pub queue: usize,
}

impl Default for Chunking {
    fn default() -> Self {
        // 4096 posts keep every core busy between two hand-offs; 8 MiB caps chunks of long
        // posts. In flight: at most 2 * 2 + 3 = 7 chunks.
        Chunking {
            rows: 4096,
            bytes: 8 << 20,
            queue: 2,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunEnd {
    /// Rows read from the input.
    pub rows_read: u64,
    /// Whether the sink asked to stop before the end of the input.
    pub stopped: bool,
}

/// Runs `stage` over every row of `rows` on the current rayon pool, giving the results to
/// `sink` in input order, chunk by chunk.
///
/// # Errors
///
/// Reading the input failed, a worker could not be created, or the sink failed. The sink's
/// error wins (a broken pipe stops everything and must be recognisable).
pub fn run<S, F>(
    rows: &mut RowReader,
    stage: &S,
    chunking: Chunking,
    mut sink: F,
) -> anyhow::Result<RunEnd>
where
    S: RowStage,
    F: FnMut(Vec<Processed<S::Output>>) -> anyhow::Result<Flow> + Send,
{
    // Fail before reading anything if no worker can be made.
    stage.worker()?;
    std::thread::scope(|scope| {
        let (chunk_sender, chunk_receiver) = sync_channel::<Vec<Row>>(chunking.queue);
        let (done_sender, done_receiver) =
            sync_channel::<Vec<Processed<S::Output>>>(chunking.queue);

        let reader = scope.spawn(move || -> anyhow::Result<u64> {
            let mut count = 0u64;
            loop {
                let mut chunk = Vec::with_capacity(chunking.rows.min(1024));
                let mut bytes = 0;
                while chunk.len() < chunking.rows && bytes < chunking.bytes {
                    match rows.read()? {
                        Some(row) => {
                            bytes += row.held_bytes();
                            chunk.push(row);
                        }
                        None => break,
                    }
                }
                if chunk.is_empty() {
                    return Ok(count);
                }
                count += chunk.len() as u64;
                let last = chunk.len() < chunking.rows && bytes < chunking.bytes;
                if chunk_sender.send(chunk).is_err() || last {
                    // Downstream stopped, or the input ended.
                    return Ok(count);
                }
            }
        });

        let writer = scope.spawn(move || -> anyhow::Result<Flow> {
            for chunk in done_receiver {
                if sink(chunk)? == Flow::Stop {
                    return Ok(Flow::Stop);
                }
            }
            Ok(Flow::Continue)
        });

        // One worker per pool thread, kept across chunks: `map_init` made one per rayon job,
        // many per chunk, each starting with cold buffers and dictionary memos (a fifth of
        // a run's time went to rebuilding them, and to the page faults of doing so).
        let workers: Vec<Mutex<Option<anyhow::Result<S::Worker>>>> = (0
            ..rayon::current_num_threads())
            .map(|_| Mutex::new(None))
            .collect();
        let processing = (|| -> anyhow::Result<()> {
            for chunk in chunk_receiver.iter() {
                let outputs = chunk
                    .par_iter()
                    .map(|row| {
                        let thread = rayon::current_thread_index().unwrap_or(0) % workers.len();
                        // A panic is caught in `process_one`, so the lock is never poisoned
                        // by one; if it were, the worker is replaced there anyway.
                        let mut slot = workers[thread]
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner);
                        let worker = slot.get_or_insert_with(|| stage.worker());
                        process_one(stage, worker, row)
                    })
                    .collect::<anyhow::Result<Vec<S::Output>>>()?;
                let processed = chunk
                    .into_iter()
                    .zip(outputs)
                    .map(|(row, output)| Processed { row, output })
                    .collect();
                if done_sender.send(processed).is_err() {
                    break; // the writer stopped
                }
            }
            Ok(())
        })();
        // Unblock the other stages whichever way processing ended.
        drop(chunk_receiver);
        drop(done_sender);

        let flow = join(writer);
        let read = join(reader);
        let flow = flow?;
        let rows_read = read?;
        processing?;
        Ok(RunEnd {
            rows_read,
            stopped: flow == Flow::Stop,
        })
    })
}

fn process_one<S: RowStage>(
    stage: &S,
    worker: &mut anyhow::Result<S::Worker>,
    row: &Row,
) -> anyhow::Result<S::Output> {
    let active = match worker {
        Ok(active) => active,
        Err(e) => anyhow::bail!("cannot start a worker thread: {e:#}"),
    };
    match catch_unwind(AssertUnwindSafe(|| stage.process(active, row))) {
        Ok(output) => Ok(output),
        Err(_) => {
            *worker = stage.worker();
            Ok(stage.panicked(row))
        }
    }
}

fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nunchi_table::{ColumnSpec, Position, ReadOptions, Schema, Table};

    /// Uppercases the text; panics on "boom" to exercise the panic path.
    struct Upper(Schema, nunchi_table::Column);

    impl RowStage for Upper {
        type Worker = usize;
        type Output = Result<String, Position>;

        fn worker(&self) -> anyhow::Result<usize> {
            Ok(0)
        }

        fn process(&self, seen: &mut usize, row: &Row) -> Self::Output {
            *seen += 1;
            let text = self.0.value(row, &self.1).unwrap();
            let text = text.as_text().unwrap_or_default();
            assert!(text != "boom", "stage panicked on purpose");
            Ok(text.to_uppercase())
        }

        fn panicked(&self, row: &Row) -> Self::Output {
            Err(row.position())
        }
    }

    fn rows(n: usize) -> (Upper, RowReader) {
        let mut input = String::from("id,text\n");
        for i in 0..n {
            let text = if i == 7 {
                "boom".to_owned()
            } else {
                format!("row{i}")
            };
            input.push_str(&format!("{i},{text}\n"));
        }
        let table = Table::from_reader(
            std::io::Cursor::new(input),
            "test.csv",
            &ReadOptions::default(),
        )
        .unwrap();
        let (schema, rows) = table.into_parts();
        let text = schema.column(&ColumnSpec::Name("text".into())).unwrap();
        (Upper(schema, text), rows)
    }

    fn small_chunks() -> Chunking {
        Chunking {
            rows: 16,
            bytes: 1 << 20,
            queue: 1,
        }
    }

    #[test]
    fn keeps_order_and_accounts_for_every_row() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let mut seen = Vec::new();
        let (stage, mut rows) = rows(1000);
        let end = pool
            .install(|| {
                run(&mut rows, &stage, small_chunks(), |chunk| {
                    seen.extend(chunk.into_iter().map(|p| (p.row.position(), p.output)));
                    Ok(Flow::Continue)
                })
            })
            .unwrap();
        assert_eq!(
            end,
            RunEnd {
                rows_read: 1000,
                stopped: false
            }
        );
        assert_eq!(seen.len(), 1000);
        for (i, (position, output)) in seen.iter().enumerate() {
            assert_eq!(*position, Position::Line(i as u64 + 2));
            if i == 7 {
                assert_eq!(*output, Err(Position::Line(9)));
            } else {
                assert_eq!(*output, Ok(format!("ROW{i}")));
            }
        }
    }

    #[test]
    fn sink_can_stop_the_run_early() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let mut chunks = 0;
        let (stage, mut rows) = rows(10_000);
        let end = pool
            .install(|| {
                run(&mut rows, &stage, small_chunks(), |_| {
                    chunks += 1;
                    Ok(if chunks == 2 {
                        Flow::Stop
                    } else {
                        Flow::Continue
                    })
                })
            })
            .unwrap();
        assert!(end.stopped);
        assert_eq!(chunks, 2);
        // The reader stops within a few chunks of the writer, not at the end of the input.
        assert!(end.rows_read < 10_000, "{end:?}");
    }

    #[test]
    fn sink_errors_surface() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let (stage, mut rows) = rows(100);
        let error = pool
            .install(|| {
                run(&mut rows, &stage, small_chunks(), |_| {
                    Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe).into())
                })
            })
            .unwrap_err();
        assert_eq!(
            error.downcast_ref::<std::io::Error>().map(|e| e.kind()),
            Some(std::io::ErrorKind::BrokenPipe)
        );
    }
}
