//! The process exit codes kvinit uses, in one place. Scripts and CI depend on them: never renumber.

/// A process exit code with its documented meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0 — the command did what was asked; for `plan --detailed-exitcode`: no changes pending.
    Success,
    /// 1 — a runtime failure: at least one vault failed to converge, or Azure/the emulator
    /// answered with an error that is not the user's input. Also: the `--emulator` /
    /// `kvinit emulator --state` state file is in use by another kvinit process (its lock is
    /// held; a condition of the moment, not bad input — run again when the other one is done).
    Failure,
    /// 2 — bad input: the plan file, flags or terminal do not allow the command to run.
    /// Nothing was sent to ARM. Includes an `--arm-endpoint`/`--authority-host` that is not an
    /// https URL (plain http included), conflicting target flags, and an `--emulator` state file that is a
    /// directory, cannot be parsed (it is left untouched) or whose folder cannot be created;
    /// an unknown rule ID (`kvinit rules`) or command (`kvinit man`), and a `kvinit man --dir`
    /// folder that cannot be written.
    BadInput,
    /// 3 — `plan --detailed-exitcode` only: the run succeeded and changes are pending.
    ChangesPending,
    /// 4 — findings at or above the `--fail-on` severity: `audit` (live vaults), `plan` (the
    /// planned vaults' compliance rules; the plan is still printed) and `apply` (the same rules,
    /// checked before any ARM call: nothing is sent).
    FindingsAtThreshold,
    /// 5 — `apply FILE` with a saved change set: live state moved since the plan was made.
    StalePlan,
    /// 130 — interrupted (Ctrl-C / SIGINT); what was done is reported before exiting.
    Interrupted,
}

impl ExitCode {
    /// The numeric code handed to the operating system.
    pub fn as_u8(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Failure => 1,
            ExitCode::BadInput => 2,
            ExitCode::ChangesPending => 3,
            ExitCode::FindingsAtThreshold => 4,
            ExitCode::StalePlan => 5,
            ExitCode::Interrupted => 130,
        }
    }
}
