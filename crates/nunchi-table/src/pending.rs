//! The temporary files and directories of outputs not yet under their final names, listed
//! process-wide so that a signal handler can remove them: an interrupted run leaves nothing
//! behind and never touches a final name.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Every registered path, by registration number.
static PENDING: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());
static NEXT: AtomicU64 = AtomicU64::new(0);

fn pending() -> MutexGuard<'static, Vec<(u64, PathBuf)>> {
    // A thread that panicked while holding the lock left the list whole (each change is a
    // single push or remove).
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A temporary file or directory, registered until it takes its final name or is dropped;
/// [`remove_pending`] removes it if neither happened yet.
#[derive(Debug)]
pub struct Pending {
    id: u64,
}

impl Pending {
    /// Registers `path` (a temporary file or directory about to be filled).
    pub fn register(path: &Path) -> Pending {
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        pending().push((id, path.to_owned()));
        Pending { id }
    }

    /// Runs `rename` (which moves the temporary to its final name) and unregisters it,
    /// under the list's lock: a signal arriving meanwhile waits for the rename, and one
    /// that came first has already removed the temporary (and `rename` never runs).
    pub fn settle<T>(self, rename: impl FnOnce() -> T) -> T {
        let mut list = pending();
        let result = rename();
        list.retain(|(id, _)| *id != self.id);
        drop(list);
        std::mem::forget(self);
        result
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        pending().retain(|(id, _)| *id != self.id);
    }
}

/// Removes every registered temporary file and directory, for a handler of SIGINT, SIGTERM
/// or SIGHUP that exits next. The list stays locked afterwards: no output can take its
/// final name (nor a new one be registered) until the process exits.
pub fn remove_pending() {
    let list = pending();
    for (_, path) in list.iter() {
        // Best effort: one that cannot be removed must not keep the others.
        let _ = match path.is_dir() {
            true => std::fs::remove_dir_all(path),
            false => std::fs::remove_file(path),
        };
    }
    std::mem::forget(list);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settled_and_dropped_paths_are_unregistered() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        let registered = |path: &Path| pending().iter().any(|(_, p)| p == path);
        let first = Pending::register(&a);
        let second = Pending::register(&b);
        assert!(registered(&a) && registered(&b));
        assert_eq!(first.settle(|| 7), 7);
        assert!(!registered(&a) && registered(&b));
        drop(second);
        assert!(!registered(&b));
    }
}
