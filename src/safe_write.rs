//! The one way kvinit writes a file (`plan --out` change sets, `init` plan files): every file
//! kvinit itself writes goes through [`write`]. The emulator's own state file is written by the
//! emulator crate, not here.
//!
//! Rules, each a refusal with a sentence saying why and how to proceed ([`Refusal`]):
//! - an existing file is replaced only with `force` (`--force`, or the wizard's "Overwrite?");
//! - a symlink is never written through silently: without `force` it is refused naming its
//!   target; with `force` its target (a regular file) is replaced, the link is kept, and the
//!   caller is told ([`Written::through_symlink`]) so it says so; a dangling symlink (its target
//!   does not exist) is always refused — kvinit does not create files where a link points;
//! - the input files given in `protect` (the plan being read) are never written, even with
//!   `force`: same file means same device and inode, whatever the path spelling or links;
//! - only regular files: a directory, a device, a FIFO or a socket is refused;
//! - a missing parent directory is refused, never created;
//! - the write is atomic: a temporary file in the destination's own directory
//!   (`.NAME.kvinit-PID.tmp`, created exclusively), flushed to disk, then renamed over the
//!   destination, so a crash or Ctrl-C never leaves a torn file. [`discard_pending`] removes a
//!   temporary file left by an interruption.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary file being written, if any (for [`discard_pending`]).
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// What to allow.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// Replace an existing file (also one a symlink points to).
    pub force: bool,
    /// Files that must never be written (the input plan file), compared by device and inode.
    pub protect: &'a [&'a Path],
    /// What is written, for messages: e.g. "plans", "change sets".
    pub what: &'a str,
}

/// What a path holds now, before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Existing {
    /// Nothing: the file will be created.
    Nothing,
    /// A regular file.
    File,
    /// A symlink (chain) ending at a regular file, which is what would be replaced.
    Symlink {
        /// The regular file the link points to.
        target: PathBuf,
    },
}

/// Why a write was refused (or failed).
#[derive(Debug)]
pub enum Refusal {
    /// The file exists and `force` was not given.
    Exists,
    /// A symlink and `force` was not given.
    Symlink {
        /// Where it points.
        target: PathBuf,
    },
    /// A symlink whose target does not exist.
    DanglingSymlink {
        /// Where it points.
        target: PathBuf,
    },
    /// The destination is one of the protected input files.
    InputFile {
        /// The protected path it is the same file as.
        input: PathBuf,
    },
    /// A directory, device, FIFO or socket; the sentence says which.
    NotRegular(String),
    /// The parent directory does not exist.
    MissingParent(PathBuf),
    /// An I/O error while checking or writing.
    Io(std::io::Error),
}

impl Refusal {
    /// True when the refusal is about the user's input (exit 2), false for an I/O failure.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, Refusal::Io(_))
    }

    /// What is wrong, as a sentence about `path` (for `error: …`).
    pub fn message(&self, path: &Path, what: &str) -> String {
        let p = path.display();
        match self {
            Refusal::Exists => format!("{p} already exists; kvinit does not overwrite it"),
            Refusal::Symlink { target } => format!(
                "{p} is a symlink to {}; kvinit does not write through a symlink without --force",
                target.display()
            ),
            Refusal::DanglingSymlink { target } => format!(
                "{p} is a symlink to {}, which does not exist; kvinit does not create files through symlinks",
                target.display()
            ),
            Refusal::InputFile { input } => format!(
                "{p} is the input file {}; kvinit never writes over its input",
                input.display()
            ),
            Refusal::NotRegular(why) => {
                format!("{why}; kvinit writes {what} only to regular files")
            }
            Refusal::MissingParent(dir) => format!(
                "the directory {} does not exist; kvinit does not create directories",
                dir.display()
            ),
            Refusal::Io(e) => format!("cannot write {p}: {e}"),
        }
    }

    /// How to proceed (for `hint: …`), if there is something to say.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            Refusal::Exists => "pass --force to replace it, or name another file",
            Refusal::Symlink { .. } => {
                "pass --force to replace the file it points to (the link is kept), or name a regular file"
            }
            Refusal::DanglingSymlink { .. } => "remove the link, or name a regular file",
            Refusal::InputFile { .. } => "name another file",
            Refusal::NotRegular(_) => "name a regular file (or a new one)",
            Refusal::MissingParent(_) => {
                "create the directory first, or name a file in an existing one"
            }
            Refusal::Io(_) => return None,
        })
    }
}

/// What [`write`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The regular file that now holds the content.
    pub file: PathBuf,
    /// Set when `path` was a symlink: the content went to its target (`file`), the link stays.
    pub through_symlink: bool,
    /// True when an existing file was replaced.
    pub replaced: bool,
}

/// What `path` holds now: nothing, a regular file, or a symlink to one. `Err` for what
/// [`write`] would refuse whatever the options (dangling symlink, not a regular file, loop).
pub fn inspect(path: &Path) -> Result<Existing, Refusal> {
    let mut target = path.to_path_buf();
    let mut linked = false;
    for _ in 0..40 {
        match std::fs::symlink_metadata(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return if linked {
                    Err(Refusal::DanglingSymlink { target })
                } else {
                    Ok(Existing::Nothing)
                };
            }
            Err(e) => return Err(Refusal::Io(e)),
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&target).map_err(Refusal::Io)?;
                target = match target.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
                linked = true;
            }
            Ok(meta) if meta.is_file() => {
                return Ok(if linked {
                    Existing::Symlink { target }
                } else {
                    Existing::File
                });
            }
            Ok(meta) => {
                let what = if meta.is_dir() {
                    "a directory"
                } else {
                    "not a regular file (a device, FIFO or socket)"
                };
                return Err(Refusal::NotRegular(format!(
                    "{} is {what}",
                    target.display()
                )));
            }
        }
    }
    Err(Refusal::NotRegular(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// Checks `path` against every rule in the module documentation without writing anything, so a
/// command can refuse bad input before it does any work (e.g. before reading live state). Ok:
/// the regular file [`write`] would write now (the symlink's target for a symlink).
pub fn check(path: &Path, opts: &Options<'_>) -> Result<PathBuf, Refusal> {
    check_existing(path, opts).map(|(_, file)| file)
}

fn check_existing(path: &Path, opts: &Options<'_>) -> Result<(Existing, PathBuf), Refusal> {
    let existing = inspect(path)?;
    let file = match &existing {
        Existing::Nothing | Existing::File => path.to_path_buf(),
        Existing::Symlink { target } => target.clone(),
    };
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(Refusal::MissingParent(dir.to_path_buf()));
        }
    }
    if existing != Existing::Nothing {
        for input in opts.protect {
            if same_file(&file, input) {
                return Err(Refusal::InputFile {
                    input: input.to_path_buf(),
                });
            }
        }
    }
    match (&existing, opts.force) {
        (Existing::File, false) => Err(Refusal::Exists),
        (Existing::Symlink { target }, false) => Err(Refusal::Symlink {
            target: target.clone(),
        }),
        _ => Ok((existing, file)),
    }
}

/// Writes `content` to `path` under the rules in the module documentation (checked again here,
/// right before writing). Returns what was written where; the caller reports a symlink that was
/// written through.
pub fn write(path: &Path, content: &[u8], opts: &Options<'_>) -> Result<Written, Refusal> {
    let (existing, file) = check_existing(path, opts)?;
    replace_atomically(&file, content).map_err(Refusal::Io)?;
    Ok(Written {
        file,
        through_symlink: matches!(existing, Existing::Symlink { .. }),
        replaced: existing != Existing::Nothing,
    })
}

/// Removes the temporary file of a write that was interrupted (called from a Ctrl-C handler).
pub fn discard_pending() {
    let tmp = PENDING.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(tmp) = tmp {
        let _ = std::fs::remove_file(tmp);
    }
}

/// True when `a` and `b` are the same existing file (same device and inode on Unix; the same
/// canonical path elsewhere).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// Writes `content` to a new temporary file next to `file`, flushes it, and renames it over
/// `file` (a regular file or a new one).
fn replace_atomically(file: &Path, content: &[u8]) -> std::io::Result<()> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = file.with_file_name(format!(".{name}.kvinit-{}.tmp", std::process::id()));
    *PENDING.lock().unwrap_or_else(|e| e.into_inner()) = Some(tmp.clone());
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(content)?;
        f.sync_all()?;
        std::fs::rename(&tmp, file)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    *PENDING.lock().unwrap_or_else(|e| e.into_inner()) = None;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(force: bool) -> Options<'static> {
        Options {
            force,
            protect: &[],
            what: "plans",
        }
    }

    #[test]
    fn creates_refuses_existing_and_replaces_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        let w = write(&p, b"one", &opts(false)).unwrap();
        assert!(!w.replaced && !w.through_symlink);
        assert!(matches!(
            write(&p, b"two", &opts(false)),
            Err(Refusal::Exists)
        ));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        assert!(write(&p, b"two", &opts(true)).unwrap().replaced);
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_refused_without_force_and_dangling_ones_always() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("real", &link).unwrap();
        assert!(matches!(
            write(&link, b"new", &opts(false)),
            Err(Refusal::Symlink { .. })
        ));
        let w = write(&link, b"new", &opts(true)).unwrap();
        assert!(w.through_symlink);
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());

        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("sub/none", &dangling).unwrap();
        assert!(matches!(
            write(&dangling, b"x", &opts(true)),
            Err(Refusal::DanglingSymlink { .. })
        ));
        assert!(!dir.path().join("sub").exists());
    }

    #[test]
    fn never_writes_the_input_nor_creates_directories() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("plan.yaml");
        std::fs::write(&input, "plan").unwrap();
        let spelled = dir.path().join(".").join("plan.yaml");
        let protect = [input.as_path()];
        let o = Options {
            force: true,
            protect: &protect,
            what: "change sets",
        };
        assert!(matches!(
            write(&spelled, b"x", &o),
            Err(Refusal::InputFile { .. })
        ));
        assert_eq!(std::fs::read(&input).unwrap(), b"plan");
        let nested = dir.path().join("missing/dir/out.json");
        assert!(matches!(
            write(&nested, b"x", &opts(true)),
            Err(Refusal::MissingParent(_))
        ));
        assert!(!dir.path().join("missing").exists());
    }
}
