//! `kvinit emulator`: runs the ARM emulator (crate `kvinit-emulator`) as a standalone HTTPS server
//! until Ctrl-C, then saves its state and exits 0. Glue only: argument checks, start, writing the
//! emulator's CA certificate where a client can read it, the banner, the wait; every ARM
//! behaviour lives in the emulator crate. Never prints the client secret.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};

use kvinit_emulator::{DEFAULT_CLIENT_ID, EmulatorConfig, EmulatorError, FaultProfile};

use crate::cli::EmulatorArgs;
use crate::exit::ExitCode;

/// Runs `kvinit emulator`. Exit codes: 0 after Ctrl-C with the state saved; 2 for a bad or
/// non-loopback `--listen`, an unreadable or invalid `--faults` file, a `--now` that is not RFC 3339, or a
/// state file that is not the emulator's; 1 when the address cannot be bound, the CA
/// certificate cannot be written, or the server fails.
pub fn run(args: EmulatorArgs) -> ExitCode {
    let listen = match parse_listen(&args.listen) {
        Ok(addr) => addr,
        Err(message) => {
            crate::errln!("error: --listen {}: {message}", args.listen);
            return ExitCode::BadInput;
        }
    };
    let faults = match &args.faults {
        Some(path) => match load_faults(path) {
            Ok(profile) => profile,
            Err(message) => {
                crate::errln!("error: {}: {message}", path.display());
                crate::errln!(
                    "  fix the fault profile (fields and units: `kvinit emulator --help`)"
                );
                return ExitCode::BadInput;
            }
        },
        None => FaultProfile::none(),
    };
    let now = match args.now.as_deref().map(kvinit_emulator::parse_now) {
        None => None,
        Some(Ok(now)) => Some(now),
        Some(Err(e)) => {
            crate::errln!("error: --now: {e}");
            return ExitCode::BadInput;
        }
    };
    super::runtime::run(serve(EmulatorConfig {
        listen,
        state_path: args.state.clone(),
        faults,
        now,
        ..EmulatorConfig::default()
    }))
}

/// Where the standalone emulator writes its CA certificate (PEM): next to the state file
/// (`<state>.ca.pem`), or without one in the temp dir (`kvinit-emulator-<port>.ca.pem`).
pub fn ca_certificate_path(state: Option<&Path>, port: u16) -> PathBuf {
    match state {
        Some(state) => {
            let mut name = state.as_os_str().to_owned();
            name.push(".ca.pem");
            PathBuf::from(name)
        }
        None => std::env::temp_dir().join(format!("kvinit-emulator-{port}.ca.pem")),
    }
}

/// A loopback `HOST:PORT`. Anything else is refused: the emulator's credentials are public
/// (README) and its certificate names only 127.0.0.1, ::1 and localhost, so it must not be
/// reachable from another machine (nor could a client there verify it).
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let addr = match text.parse::<SocketAddr>() {
        Ok(addr) => addr,
        Err(_) => text
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| "not an address; use HOST:PORT such as 127.0.0.1:8443".to_string())?,
    };
    if !addr.ip().is_loopback() {
        return Err(format!(
            "{} is not a loopback address; the emulator's credentials are public and its \
             certificate names only loopback hosts: listen on 127.0.0.1 or [::1]",
            addr.ip()
        ));
    }
    Ok(addr)
}

fn load_faults(path: &Path) -> Result<FaultProfile, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read the fault profile: {e}"))?;
    FaultProfile::from_yaml(&text).map_err(|e| e.to_string())
}

async fn serve(config: EmulatorConfig) -> ExitCode {
    let state_path = config.state_path.clone();
    let state = config
        .state_path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "in memory (use --state FILE to keep it)".into());
    let faults = describe(&config.faults);
    let emu = match kvinit_emulator::start(config).await {
        Ok(emu) => emu,
        Err(e @ EmulatorError::State { .. }) => {
            crate::errln!("error: {e}");
            return ExitCode::BadInput;
        }
        Err(e) => {
            crate::errln!("error: {e}");
            return ExitCode::Failure;
        }
    };
    let base = emu.base_url();
    let ca_path = ca_certificate_path(state_path.as_deref(), emu.local_addr().port());
    // The emulator's own file, new at every start: replaced atomically through `safe_write`
    // (never a dangling symlink or what is not a file).
    let ca_opts = crate::safe_write::Options {
        force: true,
        protect: &[],
        what: "CA certificates",
    };
    if let Err(e) =
        crate::safe_write::write(&ca_path, emu.ca_certificate_pem().as_bytes(), &ca_opts)
            .map_err(|refusal| refusal.message(&ca_path, ca_opts.what))
    {
        crate::errln!(
            "error: cannot write the emulator's CA certificate to {}: {e}",
            ca_path.display()
        );
        let _ = emu.shutdown().await;
        return ExitCode::Failure;
    }
    let ca = ca_path.display();
    crate::outln!("kvinit ARM emulator listening on {base}");
    crate::outln!("  state:  {state}");
    crate::outln!("  faults: {faults}");
    crate::outln!("  clock:  {}", describe_clock(&emu));
    crate::outln!("  CA certificate (trust it for this emulator only): {ca}");
    crate::outln!();
    crate::outln!(
        "Point kvinit at it (dev-only credentials; README.md, section \"The ARM emulator\", gives the client secret):"
    );
    crate::outln!("  export AZURE_TENANT_ID=<any tenant GUID>");
    crate::outln!("  export AZURE_CLIENT_ID={DEFAULT_CLIENT_ID}");
    crate::outln!("  export AZURE_CLIENT_SECRET=<the emulator's dev secret from README.md>");
    crate::outln!("  export AZURE_AUTHORITY_HOST={base}");
    crate::outln!("  export KVINIT_CA_CERT={ca}");
    crate::outln!(
        "  kvinit apply --arm-endpoint {base} --authority-host {base} --ca-cert {ca} -f kvinit.yaml"
    );
    crate::outln!();
    crate::outln!("Stats: {base}/_emulator/stats   Request log: {base}/_emulator/requests");
    crate::outln!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        crate::errln!("error: cannot wait for Ctrl-C: {e}");
    }
    let stats = emu.stats();
    match emu.shutdown().await {
        Ok(()) => {
            let total: u64 = stats.by_method.values().sum();
            crate::outln!("stopped after {total} ARM requests; state saved to {state}");
            ExitCode::Success
        }
        Err(e) => {
            crate::errln!("error: {e}");
            ExitCode::Failure
        }
    }
}

/// `real time`, or the set start when the clock was moved (`--now` / the fault profile's `now`).
fn describe_clock(emu: &kvinit_emulator::RunningEmulator) -> String {
    let now = emu.now();
    let skew = now - time::OffsetDateTime::now_utc();
    if skew.whole_seconds().abs() < 60 {
        "real time".into()
    } else {
        let text = now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        format!("set: now is {text} (runs at real speed)")
    }
}

fn describe(p: &FaultProfile) -> String {
    if *p == FaultProfile::none() {
        return "none".into();
    }
    format!(
        "seed {}, latency {} ms, writes {}/{} per s, reads {}/{} per s, 429 {:.0}%, 5xx {:.0}%, 409 {:.0}%, read-after-write lag {} ms, provisioning {} ms",
        p.seed,
        p.latency_ms,
        p.write_burst,
        p.write_refill_per_sec,
        p.read_burst,
        p.read_refill_per_sec,
        p.throttle_rate * 100.0,
        p.server_error_rate * 100.0,
        p.conflict_rate * 100.0,
        p.read_after_write_lag_ms,
        p.provisioning_ms
    )
}
