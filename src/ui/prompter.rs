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
    let _ = Term::stderr().show_cursor();
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
        let result = Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items)
            .default(default)
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
            let result = FuzzySelect::with_theme(&self.theme)
                .with_prompt(format!("{prompt} (type to search, Enter toggles)"))
                .items(&rows)
                .default(0)
                .max_length(12)
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
