//! The prompt trait the wizard talks through, so the flow runs without a terminal in tests.
//! Owns only the interface; it must not validate answers (the flow does, with `model::names`)
//! and must not import dialoguer (the terminal implementation is `ui::prompter`).

use std::fmt;

/// The user pressed Esc or Ctrl-C: the wizard stops, writes nothing and exits 130.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted;

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// What every question returns: the answer, or [`Interrupted`].
pub type Answer<T> = Result<T, Interrupted>;

/// A way to ask a person questions. Implementations only collect raw answers; validation and
/// re-asking are the flow's job (see `wizard::ask`), so a terminal and a script behave alike.
pub trait Prompt {
    /// Shows a line of information (section titles, previews, tables). May span lines.
    fn show(&mut self, text: &str);

    /// Shows a warning (a name that breaks Key Vault rules, an irreversible setting).
    fn warn(&mut self, text: &str);

    /// Shows why the last answer was rejected; the same question is asked again next.
    fn reject(&mut self, reason: &str);

    /// Asks for one line of text. `default` is returned when the user just presses Enter.
    fn text(&mut self, prompt: &str, default: Option<&str>) -> Answer<String>;

    /// Asks a yes/no question.
    fn confirm(&mut self, prompt: &str, default: bool) -> Answer<bool>;

    /// Picks one of `items` (arrow keys); returns its index. `items` is never empty.
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Answer<usize>;

    /// Picks any number of `items`, searchable by typing (fuzzy); `chosen` are pre-selected.
    /// Returns the chosen indices in the order they were chosen (possibly empty: the flow
    /// checks).
    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        chosen: &[usize],
    ) -> Answer<Vec<usize>>;
}
