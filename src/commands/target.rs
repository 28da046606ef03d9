//! The run's ARM target from `TargetArgs`: Azure (or `--arm-endpoint`) with the default
//! credential chain, or the embedded emulator started in-process on a state file with a random
//! per-run client secret. Shared by commands that read ARM (`audit`; `apply` has its own copy
//! of the same start-up, which can move here). Glue only: it must not read or write resources.

#[cfg(feature = "emulator")]
use std::path::{Path, PathBuf};

use crate::azure::Target;
use crate::cli::TargetArgs;
use crate::exit::ExitCode;

/// The emulator to start, decided (and its inputs read) before any runtime or request.
pub enum TargetChoice {
    /// Azure, or the endpoint given with `--arm-endpoint`.
    Azure {
        /// ARM endpoint.
        arm_endpoint: String,
        /// Authority host override.
        authority_host: Option<String>,
    },
    /// The embedded emulator on this state file.
    #[cfg(feature = "emulator")]
    Embedded {
        /// State file (created with its folder when missing).
        state: PathBuf,
        /// Fault profile.
        faults: kvinit_emulator::FaultProfile,
    },
}

impl TargetChoice {
    /// Reads the flags (and the fault profile file). Bad input → prints the problem and returns
    /// [`ExitCode::BadInput`].
    pub fn from_args(args: &TargetArgs) -> Result<Self, ExitCode> {
        #[cfg(feature = "emulator")]
        if let Some(state) = &args.emulator {
            let faults = match &args.emulator_faults {
                None => kvinit_emulator::FaultProfile::none(),
                Some(path) => read_faults(path)?,
            };
            return Ok(TargetChoice::Embedded {
                state: state.clone(),
                faults,
            });
        }
        Ok(TargetChoice::Azure {
            arm_endpoint: args
                .arm_endpoint
                .clone()
                .unwrap_or_else(|| crate::azure::credential::AZURE_ARM_ENDPOINT.to_string()),
            authority_host: args.authority_host.clone(),
        })
    }

    /// Whether this is real Azure's public endpoint (no `--emulator`, no `--arm-endpoint`).
    pub fn is_public_azure(&self) -> bool {
        matches!(self, TargetChoice::Azure { arm_endpoint, .. }
            if arm_endpoint == crate::azure::credential::AZURE_ARM_ENDPOINT)
    }
}

#[cfg(feature = "emulator")]
fn read_faults(path: &Path) -> Result<kvinit_emulator::FaultProfile, ExitCode> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!(
            "error: cannot read the fault profile `{}`: {e}",
            path.display()
        );
        ExitCode::BadInput
    })?;
    kvinit_emulator::FaultProfile::from_yaml(&text).map_err(|e| {
        eprintln!("error: fault profile `{}`: {e}", path.display());
        ExitCode::BadInput
    })
}

/// A started target: where to send requests, and the embedded emulator when there is one.
pub struct RunTarget {
    /// Endpoint and identity for `ArmClients::connect`.
    pub target: Target,
    #[cfg(feature = "emulator")]
    emulator: Option<kvinit_emulator::RunningEmulator>,
}

impl RunTarget {
    /// Starts the target on the current tokio runtime. `tenant_id` is the tenant the emulator's
    /// token is issued for (ignored for Azure). Errors are sentences for the user.
    pub async fn start(choice: TargetChoice, tenant_id: &str) -> Result<Self, String> {
        match choice {
            TargetChoice::Azure {
                arm_endpoint,
                authority_host,
            } => {
                let _ = tenant_id;
                Ok(Self {
                    target: Target::Azure {
                        arm_endpoint,
                        authority_host,
                    },
                    #[cfg(feature = "emulator")]
                    emulator: None,
                })
            }
            #[cfg(feature = "emulator")]
            TargetChoice::Embedded { state, faults } => {
                let (emu, secret) = start_emulator(&state, faults).await?;
                Ok(Self {
                    target: Target::Emulator {
                        base_url: emu.base_url(),
                        tenant_id: tenant_id.to_string(),
                        client_id: kvinit_emulator::DEFAULT_CLIENT_ID.to_string(),
                        client_secret: secret,
                    },
                    emulator: Some(emu),
                })
            }
        }
    }

    /// Stops the embedded emulator (saving its state); nothing to do for Azure.
    pub async fn finish(self) -> Result<(), String> {
        #[cfg(feature = "emulator")]
        if let Some(emu) = self.emulator {
            emu.shutdown()
                .await
                .map_err(|e| format!("the emulator could not save its state: {e}"))?;
        }
        Ok(())
    }
}

/// Starts the embedded emulator on `state` with a random client secret for this run.
#[cfg(feature = "emulator")]
pub async fn start_emulator(
    state: &Path,
    faults: kvinit_emulator::FaultProfile,
) -> Result<(kvinit_emulator::RunningEmulator, String), String> {
    if let Some(parent) = state.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| {
            format!(
                "cannot create `{}` for the emulator state: {e}",
                parent.display()
            )
        })?;
    }
    let secret = uuid::Uuid::new_v4().simple().to_string();
    let config = kvinit_emulator::EmulatorConfig {
        state_path: Some(state.to_path_buf()),
        faults,
        client_secret: secret.clone(),
        assume_referenced_exist: true,
        ..kvinit_emulator::EmulatorConfig::default()
    };
    let emu = kvinit_emulator::start(config)
        .await
        .map_err(|e| format!("cannot start the emulator: {e}"))?;
    Ok((emu, secret))
}
