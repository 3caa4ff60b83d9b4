//! Writing a model directory atomically: filled under a temporary name next to its final
//! one, renamed only when complete.

use std::path::Path;

use anyhow::Context;

/// Temporary directories are created private (0700); a model directory should not be.
fn make_dir_readable(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Best effort: a model that stays private is still a correct model.
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Creates the directory `path` with `fill`, atomically: `fill` writes into a temporary
/// directory next to `path`, which is renamed to `path` only if `fill` succeeds.
///
/// # Errors
///
/// `path` exists already, the temporary directory cannot be created, `fill` failed, or the
/// rename failed.
pub fn write_dir_atomically(
    path: &Path,
    fill: impl FnOnce(&Path) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if path.exists() {
        anyhow::bail!(
            "{} exists already: remove it or choose another directory",
            path.display()
        );
    }
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".nunchi-model.")
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "cannot create a directory in {}: check that it exists and is writable",
                parent.display()
            )
        })?;
    let pending = nunchi_table::Pending::register(temp.path());
    fill(temp.path())?;
    make_dir_readable(temp.path());
    pending
        .settle(|| std::fs::rename(temp.path(), path))
        .with_context(|| format!("cannot create {}", path.display()))?;
    // The directory now lives under its final name; nothing is left to clean up.
    let _ = temp.keep();
    Ok(())
}
