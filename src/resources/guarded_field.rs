//! The shape of a protective control kvinit never weakens on an existing resource: which live
//! value is the stricter one, who can undo it, and whether `--allow-weaken NAME` may let a
//! weaker plan value through. Each type lists its own in its descriptor
//! (`ResourceType::guarded_fields`, e.g. `vault::GUARDED_FIELDS`); `change::guard` applies them,
//! one rule for every control: a plan value weaker than live is kept at the live value ("kept:
//! live value is stricter") and not sent, unless `--allow-weaken` names the field.

/// Which live value of a guarded field is the stricter one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stricter {
    /// This string (compared case-insensitively) is stricter than any other value.
    Is(&'static str),
    /// `true` is stricter than `false` or absent.
    True,
    /// A higher number is stricter.
    Higher,
    /// A metric alert criterion's `threshold`: stricter is the value that fires sooner, read
    /// from the live criterion's sibling `operator` (`LessThan`/`LessThanOrEqual`: higher;
    /// `GreaterThan`/`GreaterThanOrEqual`: lower).
    AlertThreshold,
    /// An array of enabled entries (diagnostic `logs`, `metrics`): more entries is stricter.
    /// The plan is weaker when it drops an entry live has enabled; the kept value is the plan's
    /// entries plus the live ones it drops (additions still go through).
    Superset,
    /// An array of allowed sources (`networkAcls.ipRules`, `networkAcls.virtualNetworkRules`):
    /// fewer is stricter. The plan is weaker when it allows a source no live entry covers (an
    /// address outside every live CIDR, a new subnet); the kept value is the plan's entries
    /// that live already allows (removals still go through).
    Subset,
}

/// Who can undo the live value, which decides the note and whether raising it can be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permanence {
    /// A person can change it (portal, `az`): the note says "change it by hand if intended";
    /// `--allow-weaken NAME` lets kvinit send the weaker plan value.
    ByHand,
    /// Key Vault cannot turn it off once on: not reconcilable, never sent weaker (not even with
    /// `--allow-weaken`).
    Irreversible,
    /// Key Vault fixes it when the vault is created: no change is ever sent; a plan asking for a
    /// stricter value than live is blocked (the plan cannot be met on this vault).
    SetOnce,
}

/// One protective field kvinit never weakens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuardedField {
    /// Dotted path in the body, as in `change::FieldChange::path` (an array index is a
    /// segment: `properties.criteria.allOf.0.threshold`).
    pub path: &'static str,
    /// The name `--allow-weaken` takes for it, e.g. `networkAcls.ipRules`, `diagnostics.logs`.
    /// Several types may share a name (`alerts.enabled`).
    pub name: &'static str,
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

/// The guarded fields `--allow-weaken` named (only [`Permanence::ByHand`] ones can be named).
/// A bit set over [`allow_weaken_names`]; `Copy`, so it travels in `DiffOptions`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllowWeaken(u64);

/// Every name `--allow-weaken` accepts, in descriptor order, each once.
pub fn allow_weaken_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for kind in super::ResourceKind::ALL {
        for f in kind.descriptor().guarded_fields {
            if f.permanence == Permanence::ByHand && !names.contains(&f.name) {
                names.push(f.name);
            }
        }
    }
    names
}

impl AllowWeaken {
    /// Parses `--allow-weaken` values (case-insensitive). Errors: a name that is not a guarded
    /// field, or one Key Vault cannot undo (purge protection, soft delete, retention), as a
    /// sentence listing the accepted names.
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<Self, String> {
        let names = allow_weaken_names();
        let mut bits = 0u64;
        for value in values {
            let value = value.as_ref().trim();
            let value = value.strip_prefix("properties.").unwrap_or(value);
            match names.iter().position(|n| n.eq_ignore_ascii_case(value)) {
                Some(i) => bits |= 1 << i,
                None => {
                    let fixed = super::ResourceKind::ALL
                        .iter()
                        .flat_map(|k| k.descriptor().guarded_fields)
                        .any(|f| f.name.eq_ignore_ascii_case(value));
                    let why = if fixed {
                        "Key Vault cannot undo it, so kvinit never sends it weaker"
                    } else {
                        "it is not a protective field kvinit guards"
                    };
                    return Err(format!(
                        "--allow-weaken `{value}`: {why}; accepted names: {}",
                        names.join(", ")
                    ));
                }
            }
        }
        Ok(Self(bits))
    }

    /// Whether the weaker plan value of `field` may be sent.
    pub fn allows(self, field: &GuardedField) -> bool {
        field.permanence == Permanence::ByHand
            && allow_weaken_names()
                .iter()
                .position(|n| *n == field.name)
                .is_some_and(|i| self.0 & (1 << i) != 0)
    }

    /// This set plus the field named `name` (a name [`allow_weaken_names`] lists; others are
    /// ignored).
    pub fn with(self, name: &str) -> Self {
        match allow_weaken_names().iter().position(|n| *n == name) {
            Some(i) => Self(self.0 | 1 << i),
            None => self,
        }
    }

    /// Whether nothing was named.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}
