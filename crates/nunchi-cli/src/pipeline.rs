//! The ordered, bounded, parallel pipeline that classify runs on.
//!
//! Three stages connected by bounded channels: a reader thread cuts the input into chunks
//! (at most `rows` records or about `bytes` bytes each), the calling thread processes each
//! chunk in parallel on a rayon pool (one worker per pool thread, kept across chunks, e.g. a scorer
//! with its tokenizer lattice), and a writer thread hands the processed chunks, in input
//! order, to a sink. At most `queue` chunks wait between two stages, so memory is bounded by
//! about `2 * queue + 3` chunks whatever the input size.

use std::io::BufRead;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::sync_channel;
use std::sync::{Mutex, PoisonError};

use anyhow::Context;
use rayon::prelude::*;

use crate::records::{Record, RecordReader};

/// The per-record work, with its per-thread state.
pub trait RecordStage: Sync {
    /// Per-thread state: one per pool thread, kept from chunk to chunk.
    type Worker: Send;
    /// What a record becomes.
    type Output: Send;

    /// Creates a worker.
    ///
    /// # Errors
    ///
    /// The worker cannot be created; the run stops.
    fn worker(&self) -> anyhow::Result<Self::Worker>;

    /// Processes one record.
    fn process(&self, worker: &mut Self::Worker, record: &Record) -> Self::Output;

    /// What a record whose processing panicked becomes (a rejection), so that one bad post
    /// cannot end a multi-GB run; the worker is then replaced.
    fn panicked(&self, record: &Record) -> Self::Output;
}

/// A record with what it became.
pub struct Processed<O> {
    /// The input record.
    pub record: Record,
    /// The stage's output for it.
    pub output: O,
}

/// Whether the sink wants more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// Stop reading and processing (e.g. `--strict` at a bad record).
    Stop,
}

/// Chunk and queue sizes.
#[derive(Debug, Clone, Copy)]
pub struct Chunking {
    /// Most records in a chunk.
    pub rows: usize,
    /// A chunk is closed once its records hold this many bytes.
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
    /// Records read from the input.
    pub records_read: u64,
    /// Whether the sink asked to stop before the end of the input.
    pub stopped: bool,
}

/// Runs `stage` over every record of `records` on the current rayon pool, giving the results to `sink` in
/// input order, chunk by chunk.
///
/// # Errors
///
/// Reading the input failed, a worker could not be created, or the sink failed. The sink's
/// error wins (a broken pipe stops everything and must be recognisable).
pub fn run<R, S, F>(
    records: &mut RecordReader<R>,
    stage: &S,
    chunking: Chunking,
    mut sink: F,
) -> anyhow::Result<RunEnd>
where
    R: BufRead + Send,
    S: RecordStage,
    F: FnMut(Vec<Processed<S::Output>>) -> anyhow::Result<Flow> + Send,
{
    // Fail before reading anything if no worker can be made.
    stage.worker()?;
    std::thread::scope(|scope| {
        let (chunk_sender, chunk_receiver) = sync_channel::<Vec<Record>>(chunking.queue);
        let (done_sender, done_receiver) =
            sync_channel::<Vec<Processed<S::Output>>>(chunking.queue);

        let reader = scope.spawn(move || -> anyhow::Result<u64> {
            let mut count = 0u64;
            loop {
                let mut chunk = Vec::with_capacity(chunking.rows.min(1024));
                let mut bytes = 0;
                while chunk.len() < chunking.rows && bytes < chunking.bytes {
                    let last_line = chunk.last().map_or(0, |r: &Record| r.end_line);
                    match records
                        .read()
                        .with_context(|| format!("cannot read the input after line {last_line}"))?
                    {
                        Some(record) => {
                            bytes += record.kept_bytes();
                            chunk.push(record);
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
                    .map(|record| {
                        let thread = rayon::current_thread_index().unwrap_or(0) % workers.len();
                        // A panic is caught in `process_one`, so the lock is never poisoned
                        // by one; if it were, the worker is replaced there anyway.
                        let mut slot = workers[thread]
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner);
                        let worker = slot.get_or_insert_with(|| stage.worker());
                        process_one(stage, worker, record)
                    })
                    .collect::<anyhow::Result<Vec<S::Output>>>()?;
                let processed = chunk
                    .into_iter()
                    .zip(outputs)
                    .map(|(record, output)| Processed { record, output })
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
        let records_read = read?;
        processing?;
        Ok(RunEnd {
            records_read,
            stopped: flow == Flow::Stop,
        })
    })
}

fn process_one<S: RecordStage>(
    stage: &S,
    worker: &mut anyhow::Result<S::Worker>,
    record: &Record,
) -> anyhow::Result<S::Output> {
    let active = match worker {
        Ok(active) => active,
        Err(e) => anyhow::bail!("cannot start a worker thread: {e:#}"),
    };
    match catch_unwind(AssertUnwindSafe(|| stage.process(active, record))) {
        Ok(output) => Ok(output),
        Err(_) => {
            *worker = stage.worker();
            Ok(stage.panicked(record))
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
    use crate::records::Limits;

    /// Uppercases the second field; panics on "boom" to exercise the panic path.
    struct Upper;

    impl RecordStage for Upper {
        type Worker = usize;
        type Output = Result<String, u64>;

        fn worker(&self) -> anyhow::Result<usize> {
            Ok(0)
        }

        fn process(&self, seen: &mut usize, record: &Record) -> Self::Output {
            *seen += 1;
            let text = String::from_utf8_lossy(record.fields().nth(1).unwrap_or_default());
            assert!(text != "boom", "stage panicked on purpose");
            Ok(text.to_uppercase())
        }

        fn panicked(&self, record: &Record) -> Self::Output {
            Err(record.line)
        }
    }

    fn records(n: usize) -> RecordReader<std::io::Cursor<Vec<u8>>> {
        let mut input = String::new();
        for i in 0..n {
            let text = if i == 7 {
                "boom".to_owned()
            } else {
                format!("row{i}")
            };
            input.push_str(&format!("{i},{text}\n"));
        }
        let limits = Limits {
            field_bytes: 100,
            record_bytes: 200,
            fields: 8,
        };
        RecordReader::new(std::io::Cursor::new(input.into_bytes()), b',', true, limits)
    }

    fn small_chunks() -> Chunking {
        Chunking {
            rows: 16,
            bytes: 1 << 20,
            queue: 1,
        }
    }

    #[test]
    fn keeps_order_and_accounts_for_every_record() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let mut seen = Vec::new();
        let end = pool
            .install(|| {
                run(&mut records(1000), &Upper, small_chunks(), |chunk| {
                    seen.extend(chunk.into_iter().map(|p| (p.record.line, p.output)));
                    Ok(Flow::Continue)
                })
            })
            .unwrap();
        assert_eq!(
            end,
            RunEnd {
                records_read: 1000,
                stopped: false
            }
        );
        assert_eq!(seen.len(), 1000);
        for (i, (line, output)) in seen.iter().enumerate() {
            assert_eq!(*line, i as u64 + 1);
            if i == 7 {
                assert_eq!(*output, Err(8));
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
        let end = pool
            .install(|| {
                run(&mut records(10_000), &Upper, small_chunks(), |_| {
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
        assert!(end.records_read < 10_000, "{end:?}");
    }

    #[test]
    fn sink_errors_surface() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let error = pool
            .install(|| {
                run(&mut records(100), &Upper, small_chunks(), |_| {
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
