//! The shape of a field kvinit never weakens on an existing resource: which live value is the
//! stricter one and who can undo it. Each type lists its own in its descriptor
//! (`ResourceType::guarded_fields`, e.g. `vault::GUARDED_FIELDS`); `change::guard` applies them.

/// Which live value of a guarded field is the stricter one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stricter {
    /// This string (compared case-insensitively) is stricter than any other value.
    Is(&'static str),
    /// `true` is stricter than `false` or absent.
    True,
    /// A higher number is stricter.
    Higher,
}

/// Who can undo the live value, which decides the note and whether raising it can be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permanence {
    /// A person can change it (portal, `az`): the note says "change it by hand if intended".
    ByHand,
    /// Key Vault cannot turn it off once on: not reconcilable.
    Irreversible,
    /// Key Vault fixes it when the vault is created: no change is ever sent; a plan asking for a
    /// stricter value than live is blocked (the plan cannot be met on this vault).
    SetOnce,
}

/// One vault field kvinit never weakens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuardedField {
    /// Dotted path in the vault body, as in `change::FieldChange::path`.
    pub path: &'static str,
    /// Which direction is stricter.
    pub stricter: Stricter,
    /// What the plan means when its body leaves the field out (`None`: the server's default,
    /// not compared).
    pub plan_absent: Option<bool>,
    /// Who can undo the live value.
    pub permanence: Permanence,
    /// The plan-file setting that matches the live value (shown in the note), e.g.
    /// `purgeProtection: true`.
    pub plan_setting: &'static str,
}
