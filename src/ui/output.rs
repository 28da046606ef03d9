//! The one way kvinit prints a command's output to stdout or stderr: a reader that went away
//! (EPIPE, `kvinit plan | head -1`) or a stream that cannot be written means "stop printing",
//! never a panic and never a different exit code. It must not format or decide anything.
//!
//! Rust's runtime sets SIGPIPE to "ignore" before `main`, so a write to a closed pipe returns
//! `ErrorKind::BrokenPipe` instead of killing the process; `print!`/`println!` would then panic
//! (exit 101). These functions write with `write_all` and swallow the error instead, remembering
//! that the stream is gone so later output is skipped. A command's exit code therefore always
//! reflects what it did (for `apply`: the work that was done), even when nobody reads the output.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_GONE: AtomicBool = AtomicBool::new(false);
static STDOUT_WRITTEN: AtomicBool = AtomicBool::new(false);
static FIRST_ERROR: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
static STDERR_GONE: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout as is (no newline added); a closed or failing stdout is ignored.
pub fn stdout(text: &str) {
    if !text.is_empty() {
        STDOUT_WRITTEN.store(true, Ordering::Relaxed);
    }
    write_to(&mut std::io::stdout().lock(), &STDOUT_GONE, text);
}

/// Writes human-readable `text` (tables, messages) to stdout with every control character other
/// than its line breaks escaped by [`crate::ui::escape_block`], so a value from a plan or from ARM
/// cannot spoof a line; a closed or failing stdout is ignored. Machine output (JSON, YAML) goes
/// through [`stdout`] unchanged: its serialiser escapes control characters itself.
pub fn human(text: &str) {
    write_to(
        &mut std::io::stdout().lock(),
        &STDOUT_GONE,
        &crate::ui::escape_block(text),
    );
}

/// Writes `text` to stderr (no newline added) with every control character other than its line
/// breaks escaped by [`crate::ui::escape_block`]: stderr is always human output. A closed or
/// failing stderr is ignored.
pub fn stderr(text: &str) {
    remember_error(text);
    write_to(
        &mut std::io::stderr().lock(),
        &STDERR_GONE,
        &crate::ui::escape_block(text),
    );
}

/// Whether anything was printed to stdout (for `-o json`'s error object: a run that printed its
/// value does not print an error object too).
pub fn stdout_written() -> bool {
    STDOUT_WRITTEN.load(Ordering::Relaxed)
}

/// The first `error: …` this process printed to stderr, without the prefix, with its
/// `--> file:line:column (field)` location when the next line gives one; `None` when none.
pub fn first_error() -> Option<String> {
    FIRST_ERROR.lock().ok()?.clone()
}

fn remember_error(text: &str) {
    let Ok(mut first) = FIRST_ERROR.lock() else {
        return;
    };
    if first.is_some() {
        return;
    }
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(message) = line.strip_prefix("error: ") {
            let mut message = message.to_string();
            if let Some(at) = lines
                .next()
                .and_then(|l| l.trim_start().strip_prefix("--> "))
            {
                message.push_str(&format!(" (at {at})"));
            }
            *first = Some(message);
            return;
        }
    }
}

/// Whether stdout's reader went away (nothing more will be printed there).
pub fn stdout_gone() -> bool {
    STDOUT_GONE.load(Ordering::Relaxed)
}

fn write_to(out: &mut dyn Write, gone: &AtomicBool, text: &str) {
    if gone.load(Ordering::Relaxed) {
        return;
    }
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        gone.store(true, Ordering::Relaxed);
    }
}

/// `println!` through [`human`]: formats, appends a newline, ignores a reader that went away.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::ui::output::stdout("\n")
    };
    ($($arg:tt)*) => {
        $crate::ui::output::human(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` through [`stderr`]: formats, appends a newline, ignores a reader that went away.
#[macro_export]
macro_rules! errln {
    () => {
        $crate::ui::output::stderr("\n")
    };
    ($($arg:tt)*) => {
        $crate::ui::output::stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}
