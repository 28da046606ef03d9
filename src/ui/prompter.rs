//! The terminal implementation of the wizard's [`Prompt`] trait, on dialoguer and console.
//! The only file that imports dialoguer. Owns rendering and key handling; it must not validate
//! answers or decide the flow (that is `wizard`).

use std::io;

use console::{Key, Term, measure_text_width, style};
use dialoguer::theme::{ColorfulTheme, Theme};
use dialoguer::{Confirm, FuzzySelect, Select};

use crate::wizard::prompt::{Answer, Interrupted, Prompt};

/// Asks on the standard error terminal with dialoguer's colourful theme. Esc or Ctrl-C in any
/// question returns [`Interrupted`]; the cursor is shown again before returning.
pub struct TerminalPrompter {
    term: Term,
    theme: ColorfulTheme,
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        Self::new()
    }
}

impl TerminalPrompter {
    /// A prompter on stderr (so stdout stays clean for `plan` output that follows).
    pub fn new() -> Self {
        TerminalPrompter {
            term: Term::stderr(),
            theme: ColorfulTheme::default(),
        }
    }

    /// One line of text with Esc support (dialoguer's `Input` ignores Esc). `None` on Esc.
    fn read_line(&self, prompt: &str, default: Option<&str>) -> io::Result<Option<String>> {
        if !self.term.is_term() {
            return Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "not a terminal",
            ));
        }
        let mut head = String::new();
        self.theme
            .format_input_prompt(&mut head, prompt, default)
            .map_err(io::Error::other)?;
        self.term.write_str(&head)?;
        self.term.flush()?;
        let mut buf = String::new();
        loop {
            match self.term.read_key()? {
                Key::Enter => break,
                Key::Escape => {
                    self.term.write_line("")?;
                    return Ok(None);
                }
                Key::Backspace if buf.pop().is_some() => self.term.clear_chars(1)?,
                Key::Char(c) if !c.is_control() => {
                    buf.push(c);
                    self.term.write_str(c.encode_utf8(&mut [0; 4]))?;
                }
                _ => {}
            }
            self.term.flush()?;
        }
        // Replace the typed line (possibly wrapped) by the settled answer.
        let cols = usize::from(self.term.size().1).max(1);
        let rows = (measure_text_width(&head) + buf.chars().count()) / cols;
        self.term.clear_line()?;
        for _ in 0..rows {
            self.term.move_cursor_up(1)?;
            self.term.clear_line()?;
        }
        let answer = if buf.trim().is_empty() {
            default.unwrap_or("").to_string()
        } else {
            buf
        };
        let mut done = String::new();
        self.theme
            .format_input_prompt_selection(&mut done, prompt, &answer)
            .map_err(io::Error::other)?;
        self.term.write_line(&done)?;
        Ok(Some(answer))
    }

    /// Fits a select to the terminal: dialoguer clears a redrawn list by counting lines, so a
    /// prompt or item that wraps (a 40-column tmux pane) would leave stale lines behind. Returns
    /// the prompt (with `hint` when it fits), items cut to one line each (`…`), and how many
    /// items fit in the window's height.
    fn fit(&self, prompt: &str, hint: &str, items: Vec<String>) -> (String, Vec<String>, usize) {
        let (rows, cols) = self.term.size();
        let width = usize::from(cols).max(20);
        // The theme adds a marker before the prompt and "·"/the search text after it.
        let room = width.saturating_sub(18).max(8);
        let full = format!("{prompt}{hint}");
        let prompt_line = if measure_text_width(&full) <= room {
            full
        } else {
            console::truncate_str(prompt, room, "…").into_owned()
        };
        let item_room = width.saturating_sub(5).max(8);
        let items = items
            .iter()
            .map(|i| console::truncate_str(i, item_room, "…").into_owned())
            .collect();
        let max_rows = usize::from(rows).saturating_sub(3).max(3);
        (prompt_line, items, max_rows)
    }

    /// Maps a dialoguer result to an [`Answer`]: `None` (Esc) and every error (Ctrl-C, a
    /// terminal that went away) stop the wizard.
    fn settle<T>(&self, result: dialoguer::Result<Option<T>>) -> Answer<T> {
        restore_terminal();
        match result {
            Ok(Some(value)) => Ok(value),
            Ok(None) | Err(_) => Err(Interrupted),
        }
    }
}

/// Makes the terminal usable again after an interrupted prompt: shows the cursor that
/// dialoguer's selects hide. (console restores echo and cooked mode after every key read.)
pub fn restore_terminal() {
    let term = Term::stderr();
    // Only a terminal has a cursor to show: a redirected stderr would get a stray escape code.
    if term.is_term() {
        let _ = term.show_cursor();
    }
}

impl Prompt for TerminalPrompter {
    fn show(&mut self, text: &str) {
        let _ = self.term.write_line(text);
    }

    fn warn(&mut self, text: &str) {
        let _ = self
            .term
            .write_line(&format!("{} {text}", style("warning:").yellow().bold()));
    }

    fn reject(&mut self, reason: &str) {
        let mut line = String::new();
        let _ = self.theme.format_error(&mut line, reason);
        let _ = self.term.write_line(&line);
    }

    fn text(&mut self, prompt: &str, default: Option<&str>) -> Answer<String> {
        match self.read_line(prompt, default) {
            Ok(Some(answer)) => Ok(answer),
            Ok(None) | Err(_) => {
                restore_terminal();
                Err(Interrupted)
            }
        }
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Answer<bool> {
        let result = Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(default)
            .interact_on_opt(&self.term);
        self.settle(result)
    }

    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Answer<usize> {
        let (prompt_line, rows, max_rows) = self.fit(prompt, "", items.to_vec());
        let result = Select::with_theme(&self.theme)
            .with_prompt(prompt_line)
            .items(&rows)
            .default(default)
            .max_length(max_rows)
            .interact_on_opt(&self.term);
        self.settle(result)
    }

    /// dialoguer has no fuzzy multi-select, so this is a fuzzy select in a loop: each pick
    /// toggles an item (marked `[x]`), and the first entry ("done: …") finishes. The "done"
    /// entry names each chosen item by its first word.
    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        chosen: &[usize],
    ) -> Answer<Vec<usize>> {
        let mut picked: Vec<usize> = chosen.to_vec();
        loop {
            let names: Vec<&str> = picked
                .iter()
                .map(|i| items[*i].split(' ').next().unwrap_or_default())
                .collect();
            let done = if names.is_empty() {
                "done (nothing chosen yet)".to_string()
            } else {
                format!("done: {}", names.join(", "))
            };
            let mut rows = vec![done];
            rows.extend(items.iter().enumerate().map(|(i, item)| {
                format!("[{}] {item}", if picked.contains(&i) { "x" } else { " " })
            }));
            let (prompt_line, rows, max_rows) =
                self.fit(prompt, " (type to search, Enter toggles)", rows);
            let result = FuzzySelect::with_theme(&self.theme)
                .with_prompt(prompt_line)
                .items(&rows)
                .default(0)
                .max_length(max_rows.min(12))
                .report(false)
                .interact_on_opt(&self.term);
            match self.settle(result)? {
                0 => {
                    let mut line = String::new();
                    let _ = self.theme.format_input_prompt_selection(
                        &mut line,
                        prompt,
                        &names.join(", "),
                    );
                    let _ = self.term.write_line(&line);
                    return Ok(picked);
                }
                row => match picked.iter().position(|p| *p == row - 1) {
                    Some(at) => {
                        picked.remove(at);
                    }
                    None => picked.push(row - 1),
                },
            }
        }
    }
}

/// Set while [`confirm_apply`] waits for an answer (a Ctrl-C then belongs to the prompt).
static PROMPTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether a yes/no question of [`confirm_apply`] is on the terminal right now.
pub fn prompting() -> bool {
    PROMPTING.load(std::sync::atomic::Ordering::SeqCst)
}

/// Asks `prompt` as a yes/no question on the standard error terminal (default: no), for
/// `kvinit apply`'s "Apply these changes?". `Ok(answer)`; Esc is "no". Ctrl-C (the key, which
/// console turns into SIGINT, or a SIGINT from elsewhere) returns [`Interrupted`]. Either way
/// the cursor is shown again and the prompt line is ended before returning, so the caller's
/// message starts on a clean line.
pub async fn confirm_apply(prompt: &str) -> Answer<bool> {
    use std::sync::atomic::Ordering;
    PROMPTING.store(true, Ordering::SeqCst);
    let (tx, rx) = tokio::sync::oneshot::channel();
    let prompt = prompt.to_string();
    // A plain thread, not `spawn_blocking`: if SIGINT arrives from outside while the key read
    // blocks, the runtime must still be able to shut down without waiting for a key.
    std::thread::spawn(move || {
        let answer = Confirm::with_theme(&ColorfulTheme::default())
            .with_prompt(prompt)
            .default(false)
            .interact_on_opt(&Term::stderr());
        let _ = tx.send(answer);
    });
    let answer = tokio::select! {
        answer = rx => match answer {
            Ok(Ok(Some(yes))) => Ok(yes),
            Ok(Ok(None)) => Ok(false),
            Ok(Err(_)) | Err(_) => Err(Interrupted),
        },
        _ = tokio::signal::ctrl_c() => Err(Interrupted),
    };
    PROMPTING.store(false, Ordering::SeqCst);
    restore_terminal();
    if answer.is_err() {
        let term = Term::stderr();
        let _ = term.clear_line();
        let _ = term.write_line("");
    }
    answer
}
