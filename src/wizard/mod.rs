//! `kvinit init`'s interactive flow: asks the questions, validates each answer with the same
//! code as `plan`, and produces a plan file value plus its commented YAML. Pure over the
//! [`prompt::Prompt`] trait: it must not touch the terminal or import dialoguer.

pub mod ask;
pub mod check;
pub mod flow;
pub mod prompt;
pub mod review;
