//! The state file's exclusive advisory lock, held for the lifetime of a running emulator, so
//! two emulators (two `kvinit apply --emulator` runs, or `kvinit emulator --state`) never load
//! the same state file and overwrite each other's work. It must not read or write the state.
//!
//! The state file itself is replaced by `rename` on every save, so the lock lives on a sidecar
//! file next to it, `.{name}.lock`, holding the owner's pid (for the error message). The lock is
//! an OS advisory lock (fs4: `flock` on Unix, `LockFileEx` on Windows), released by the kernel
//! when the process dies, so a killed emulator never leaves a stale lock behind.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use fs4::FileExt;
use fs4::TryLockError;

use crate::error::EmulatorError;

/// A held lock; dropping it removes the sidecar file (when no one else holds it) and releases
/// the lock.
#[derive(Debug)]
pub(crate) struct StateLock {
    /// `None` for a reader of a state file whose folder does not exist.
    file: Option<File>,
    path: PathBuf,
    shared: bool,
}

impl StateLock {
    /// Takes the lock for `state` without waiting: exclusive for an emulator that may write,
    /// `shared` for read-only runs (several may read at once; none while one writes).
    ///
    /// # Errors
    /// [`EmulatorError::StateInUse`] when another process holds it; [`EmulatorError::State`]
    /// when the sidecar file cannot be created (e.g. the folder cannot be made).
    pub fn acquire(state: &Path, shared: bool) -> Result<Self, EmulatorError> {
        let io_err = |e: std::io::Error| EmulatorError::State {
            path: state.to_path_buf(),
            message: format!("cannot lock it: {e}"),
        };
        if let Some(dir) = state.parent().filter(|d| !d.as_os_str().is_empty()) {
            if shared && !dir.exists() {
                // Nothing to read and nothing to guard: no state file can exist yet, and a
                // reader must not create folders.
                return Ok(Self {
                    file: None,
                    path: PathBuf::new(),
                    shared,
                });
            }
            std::fs::create_dir_all(dir).map_err(io_err)?;
        }
        let path = lock_path(state);
        // A holder that is shutting down unlinks the sidecar while we may have it open; retry
        // until the file we locked is the one at `path`.
        for _ in 0..20 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_err)?;
            let locked = if shared {
                FileExt::try_lock_shared(&file)
            } else {
                FileExt::try_lock(&file)
            };
            match locked {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let mut pid = String::new();
                    let _ = file.read_to_string(&mut pid);
                    return Err(EmulatorError::StateInUse {
                        path: state.to_path_buf(),
                        pid: pid.trim().parse().ok(),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io_err(e)),
            }
            if !same_file(&file, &path) {
                continue;
            }
            if shared {
                return Ok(Self {
                    file: Some(file),
                    path,
                    shared,
                });
            }
            file.set_len(0).map_err(io_err)?;
            file.seek(SeekFrom::Start(0)).map_err(io_err)?;
            write!(file, "{}", std::process::id()).map_err(io_err)?;
            file.flush().map_err(io_err)?;
            return Ok(Self {
                file: Some(file),
                path,
                shared,
            });
        }
        Err(io_err(std::io::Error::other(
            "the lock file kept changing; try again",
        )))
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        let Some(file) = &self.file else {
            return;
        };
        // Unlink while holding the lock exclusively (a shared holder first tries to become the
        // only one; if others still read, the file stays for them), then release it.
        if !self.shared || FileExt::try_lock(file).is_ok() {
            let _ = std::fs::remove_file(&self.path);
        }
        let _ = FileExt::unlock(file);
    }
}

/// `.{name}.lock` next to the state file.
fn lock_path(state: &Path) -> PathBuf {
    let name = state
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    state.with_file_name(format!(".{name}.lock"))
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}
