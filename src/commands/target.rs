//! The run's ARM target from `TargetArgs`: Azure (or `--arm-endpoint`) with the default
//! credential chain, or the embedded emulator started in-process on a state file with a random
//! per-run client secret. Shared by the commands that read ARM (`plan`, `apply`, `audit`).
//! Glue only: it must not read or write resources.

use std::path::Path;
#[cfg(feature = "emulator")]
use std::path::PathBuf;

use crate::azure::Target;
use crate::cli::TargetArgs;
use crate::exit::ExitCode;
use crate::model::regions::Cloud;

/// The emulator to start, decided (and its inputs read) before any runtime or request.
pub enum TargetChoice {
    /// Azure, or the endpoint given with `--arm-endpoint`.
    Azure {
        /// ARM endpoint.
        arm_endpoint: String,
        /// Authority host override.
        authority_host: Option<String>,
        /// The credential chain's steps (`--credential` / `AZURE_TOKEN_CREDENTIALS`).
        credential: crate::azure::CredentialSelection,
        /// The `--ca-cert` / `KVINIT_CA_CERT` file's PEM text.
        ca_certificate_pem: Option<String>,
    },
    /// The embedded emulator on this state file.
    #[cfg(feature = "emulator")]
    Embedded {
        /// State file (created with its folder when missing).
        state: PathBuf,
        /// Fault profile.
        faults: kvinit_emulator::FaultProfile,
        /// The command only reads (`audit`, live `plan`): shared lock, state never written.
        read_only: bool,
    },
}

impl TargetChoice {
    /// Reads the flags (and the fault profile file). Without `--arm-endpoint`, the target is
    /// `cloud`'s ARM endpoint — the cloud of the plan's regions, so a plan for `usgovvirginia`
    /// goes to `management.usgovcloudapi.net` — and, for a sovereign cloud, its Microsoft Entra
    /// authority unless `--authority-host` or `AZURE_AUTHORITY_HOST` names one. Bad input →
    /// prints the problem and returns [`ExitCode::BadInput`].
    pub fn from_args(args: &TargetArgs, cloud: Cloud) -> Result<Self, ExitCode> {
        #[cfg(feature = "emulator")]
        if let Some(state) = &args.emulator {
            let faults = match &args.emulator_faults {
                None => kvinit_emulator::FaultProfile::none(),
                Some(path) => read_faults(path)?,
            };
            check_state(state)?;
            let state = resolve_state(state)?;
            return Ok(TargetChoice::Embedded {
                state,
                faults,
                read_only: false,
            });
        }
        let arm_endpoint = args
            .arm_endpoint
            .clone()
            .unwrap_or_else(|| cloud.arm_endpoint().to_string());
        check_url("--arm-endpoint", &arm_endpoint)?;
        if let Some(host) = &args.authority_host {
            check_url("--authority-host", host)?;
        }
        let sovereign_default = args.arm_endpoint.is_none()
            && cloud != Cloud::Public
            && std::env::var_os("AZURE_AUTHORITY_HOST").is_none_or(|v| v.is_empty());
        let authority_host = args
            .authority_host
            .clone()
            .or_else(|| sovereign_default.then(|| cloud.authority_host().to_string()));
        let ca_certificate_pem = match &args.ca_cert {
            None => None,
            Some(path) => Some(read_ca_cert(path)?),
        };
        let credential = match args.credential.as_deref().map(str::trim) {
            None | Some("") => crate::azure::CredentialSelection::default(),
            Some(name) => name.parse().map_err(|e: String| {
                crate::errln!("error: --credential / AZURE_TOKEN_CREDENTIALS: {e}");
                ExitCode::BadInput
            })?,
        };
        Ok(TargetChoice::Azure {
            arm_endpoint,
            authority_host,
            credential,
            ca_certificate_pem,
        })
    }

    /// Marks the run as read-only: an embedded emulator then shares its state file with other
    /// read-only runs and never writes it (no-op for Azure).
    pub fn read_only(self) -> Self {
        match self {
            #[cfg(feature = "emulator")]
            TargetChoice::Embedded { state, faults, .. } => TargetChoice::Embedded {
                state,
                faults,
                read_only: true,
            },
            other => other,
        }
    }

    /// Whether this is a real Azure cloud's ARM endpoint (public or sovereign), not an
    /// emulator (`--emulator`, or `--arm-endpoint` naming another URL).
    pub fn is_azure_cloud(&self) -> bool {
        matches!(self, TargetChoice::Azure { arm_endpoint, .. }
            if Cloud::of_arm_endpoint(arm_endpoint).is_some())
    }
}

/// The cloud a desired state's vaults live in (see [`Cloud::of_locations`]).
pub fn cloud_of(state: &crate::resources::DesiredState) -> Cloud {
    Cloud::of_locations(state.vaults.iter().map(|v| v.location.as_str()))
}

/// An endpoint flag must be an absolute https URL with a host (bad input → exit 2; plain http is
/// refused because azure_core sends tokens over https only).
fn check_url(flag: &str, raw: &str) -> Result<(), ExitCode> {
    let endpoint = Target::azure(raw).endpoint();
    let ok = endpoint.as_ref().is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
    });
    if ok && endpoint.as_ref().is_ok_and(|url| url.scheme() == "http") {
        // azure_core 1.x sends bearer tokens and token requests over https only, so an http
        // endpoint could never work: refuse it before anything is sent.
        crate::errln!(
            "error: {flag} `{raw}` is plain http; kvinit sends access tokens over https only"
        );
        crate::errln!(
            "hint: use https (the standalone emulator serves https: pass the CA file it prints with --ca-cert)"
        );
        return Err(ExitCode::BadInput);
    }
    if ok {
        return Ok(());
    }
    crate::errln!("error: {flag} `{raw}` is not an https URL");
    crate::errln!(
        "hint: give the endpoint's base URL, e.g. https://management.usgovcloudapi.net or https://127.0.0.1:8443"
    );
    Err(ExitCode::BadInput)
}

/// The `--ca-cert` file must be readable PEM holding a certificate (bad input → exit 2).
fn read_ca_cert(path: &Path) -> Result<String, ExitCode> {
    let problem = match std::fs::read_to_string(path) {
        Ok(text) if text.contains("-----BEGIN CERTIFICATE-----") => return Ok(text),
        Ok(_) => "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_string(),
        Err(e) => e.to_string(),
    };
    crate::errln!("error: --ca-cert `{}`: {problem}", path.display());
    crate::errln!(
        "hint: pass the PEM file the emulator printed at start-up (or your proxy's CA), or unset KVINIT_CA_CERT"
    );
    Err(ExitCode::BadInput)
}

/// The `--emulator` state path must be usable before anything starts: its folder creatable and
/// the file, when present, the emulator's JSON. A file that cannot be parsed is bad input (exit
/// 2) and is never overwritten.
#[cfg(feature = "emulator")]
/// The state file's real path: a symlink (to the file or to a folder on the way) is followed, so
/// the emulator's lock and its atomic save act on the file itself — through a link, the save
/// replaced the link with a regular file and a second run through another path took a lock of its
/// own. A dangling link is refused (exit 2). A file that does not exist yet keeps its name in its
/// resolved folder (the folder is created by the run that writes).
/// A path with no link on the way is kept as given (messages and saved change sets show it as
/// the user wrote it).
fn resolve_state(state: &Path) -> Result<std::path::PathBuf, ExitCode> {
    let linked = |given: &Path, real: &Path| {
        std::path::absolute(given).is_ok_and(|abs| abs.components().ne(real.components()))
    };
    if let Ok(real) = std::fs::canonicalize(state) {
        return Ok(if linked(state, &real) {
            real
        } else {
            state.to_path_buf()
        });
    }
    if std::fs::symlink_metadata(state).is_ok() {
        crate::errln!(
            "error: --emulator state file `{}` is a symlink to nothing",
            state.display()
        );
        crate::errln!("hint: point it at an existing file or folder, or pass the real path");
        return Err(ExitCode::BadInput);
    }
    let (Some(parent), Some(name)) = (state.parent(), state.file_name()) else {
        return Ok(state.to_path_buf());
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    Ok(match std::fs::canonicalize(parent) {
        Ok(real) if linked(parent, &real) => real.join(name),
        _ => state.to_path_buf(),
    })
}

fn check_state(state: &Path) -> Result<(), ExitCode> {
    let hint = || {
        crate::errln!(
            "hint: pass --emulator=FILE naming the emulator's JSON state file (a missing file starts empty), \
             or move the broken file away to start empty"
        );
        ExitCode::BadInput
    };
    // The folder is created only by a run that writes; here the nearest existing ancestor must
    // be a folder, or the path can never hold a state file.
    let mut ancestor = state.parent();
    while let Some(dir) = ancestor.filter(|p| !p.as_os_str().is_empty()) {
        let problem = match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => break,
            Ok(_) => format!("`{}` is not a folder", dir.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                ancestor = dir.parent();
                continue;
            }
            Err(e) => e.to_string(),
        };
        crate::errln!(
            "error: --emulator state file `{}`: cannot create its folder: {problem}",
            state.display()
        );
        return Err(hint());
    }
    if let Err(e) = kvinit_emulator::check_state_file(state) {
        crate::errln!("error: --emulator {e}");
        return Err(hint());
    }
    Ok(())
}

#[cfg(feature = "emulator")]
fn read_faults(path: &Path) -> Result<kvinit_emulator::FaultProfile, ExitCode> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        crate::errln!(
            "error: cannot read the fault profile `{}`: {e}",
            path.display()
        );
        ExitCode::BadInput
    })?;
    kvinit_emulator::FaultProfile::from_yaml(&text).map_err(|e| {
        // `e` reads "fault profile: …" already.
        crate::errln!("error: `{}`: {e}", path.display());
        ExitCode::BadInput
    })
}

/// A started target: where to send requests, and the embedded emulator when there is one.
pub struct RunTarget {
    /// Endpoint and identity for `ArmClient::connect`.
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
                credential,
                ca_certificate_pem,
            } => {
                let _ = tenant_id;
                Ok(Self {
                    target: Target::Azure {
                        arm_endpoint,
                        authority_host,
                        credential,
                        ca_certificate_pem,
                    },
                    #[cfg(feature = "emulator")]
                    emulator: None,
                })
            }
            #[cfg(feature = "emulator")]
            TargetChoice::Embedded {
                state,
                faults,
                read_only,
            } => {
                let (emu, secret) = start_emulator(&state, faults, read_only).await?;
                Ok(Self {
                    target: Target::Emulator {
                        base_url: emu.base_url(),
                        tenant_id: tenant_id.to_string(),
                        client_id: kvinit_emulator::DEFAULT_CLIENT_ID.to_string(),
                        client_secret: secret,
                        ca_certificate_pem: emulator_certificate(&emu),
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

    /// Starts the target ([`RunTarget::start`]), runs `work` with its [`Target`], then stops
    /// it ([`RunTarget::finish`]: the embedded emulator saves its state). Returns `work`'s exit
    /// code, or [`ExitCode::Failure`] (exit 1, `error: …` on stderr) when the target cannot
    /// start (`work` does not run) or cannot be stopped.
    pub async fn run(
        choice: TargetChoice,
        tenant_id: &str,
        work: impl AsyncFnOnce(&Target) -> ExitCode,
    ) -> ExitCode {
        let run_target = match Self::start(choice, tenant_id).await {
            Ok(t) => t,
            Err(message) => {
                crate::errln!("error: {message}");
                return ExitCode::Failure;
            }
        };
        let code = work(&run_target.target).await;
        if let Err(message) = run_target.finish().await {
            crate::errln!("error: {message}");
            return ExitCode::Failure;
        }
        code
    }
}

/// The in-process emulator's CA certificate (PEM), the only one trusted for it.
#[cfg(feature = "emulator")]
fn emulator_certificate(emu: &kvinit_emulator::RunningEmulator) -> Option<String> {
    Some(emu.ca_certificate_pem().to_string())
}

/// Starts the embedded emulator on `state` with a random client secret for this run;
/// `read_only` runs share the state file's lock and never write it.
#[cfg(feature = "emulator")]
pub async fn start_emulator(
    state: &Path,
    faults: kvinit_emulator::FaultProfile,
    read_only: bool,
) -> Result<(kvinit_emulator::RunningEmulator, String), String> {
    if let Some(parent) = state
        .parent()
        .filter(|p| !p.as_os_str().is_empty() && !read_only)
    {
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
        read_only,
        ..kvinit_emulator::EmulatorConfig::default()
    };
    let emu = kvinit_emulator::start(config)
        .await
        .map_err(|e| format!("cannot start the emulator: {e}"))?;
    Ok((emu, secret))
}

/// Builds the run's ARM client (one credential, one pipeline) for `target`, whose
/// calls stop when `interrupt` is set (see `azure::interrupt`); a failure is printed and mapped
/// to [`ExitCode::Failure`]. Shared by `plan` (live) and `apply`.
pub fn connect(
    target: &Target,
    interrupt: crate::azure::interrupt::Interrupt,
) -> Result<crate::azure::ArmClient, ExitCode> {
    let settings = crate::azure::ClientSettings {
        interrupt,
        ..crate::azure::ClientSettings::default()
    };
    crate::azure::ArmClient::connect(target, settings).map_err(|e| {
        crate::errln!("error: {e}");
        ExitCode::Failure
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn azure(choice: TargetChoice) -> (String, Option<String>) {
        match choice {
            TargetChoice::Azure {
                arm_endpoint,
                authority_host,
                ..
            } => (arm_endpoint, authority_host),
            #[cfg(feature = "emulator")]
            TargetChoice::Embedded { .. } => panic!("expected Azure"),
        }
    }

    #[test]
    fn the_plans_cloud_picks_the_default_endpoint_and_authority() {
        let args = TargetArgs::default();
        let (endpoint, authority) = azure(TargetChoice::from_args(&args, Cloud::Public).unwrap());
        assert_eq!(endpoint, "https://management.azure.com");
        assert_eq!(authority, None);
        let sovereign_authority = std::env::var_os("AZURE_AUTHORITY_HOST").is_none();
        for (cloud, arm, login) in [
            (
                Cloud::UsGovernment,
                "https://management.usgovcloudapi.net",
                "https://login.microsoftonline.us",
            ),
            (
                Cloud::China,
                "https://management.chinacloudapi.cn",
                "https://login.chinacloudapi.cn",
            ),
        ] {
            let choice = TargetChoice::from_args(&args, cloud).unwrap();
            assert!(choice.is_azure_cloud());
            let (endpoint, authority) = azure(choice);
            assert_eq!(endpoint, arm);
            if sovereign_authority {
                assert_eq!(authority.as_deref(), Some(login));
            }
        }
    }

    #[test]
    fn explicit_flags_win_over_the_plans_cloud() {
        let args = TargetArgs {
            arm_endpoint: Some("https://127.0.0.1:8443".into()),
            ..TargetArgs::default()
        };
        let choice = TargetChoice::from_args(&args, Cloud::UsGovernment).unwrap();
        assert!(!choice.is_azure_cloud());
        let (endpoint, authority) = azure(choice);
        assert_eq!(endpoint, "https://127.0.0.1:8443");
        assert_eq!(authority, None);
        let args = TargetArgs {
            authority_host: Some("https://login.example.test".into()),
            ..TargetArgs::default()
        };
        let (endpoint, authority) = azure(TargetChoice::from_args(&args, Cloud::China).unwrap());
        assert_eq!(endpoint, "https://management.chinacloudapi.cn");
        assert_eq!(authority.as_deref(), Some("https://login.example.test"));
    }
}
