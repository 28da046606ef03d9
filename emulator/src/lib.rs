//! `kvinit-emulator`: a faithful fake of the Azure Resource Manager subset kvinit calls — an
//! Entra-like token endpoint, resource groups, Key Vault vaults (soft delete, purge protection,
//! global names, long-running creation), role assignments, diagnostic settings, action groups,
//! metric alerts, activity log alerts and subnets — over HTTPS on loopback (a certificate
//! authority generated at start-up, [`RunningEmulator::ca_certificate_pem`]), with request/response shapes
//! validated against the official specs in `arm-specs/` (vendored, exact copies of the project's shared specs), ARM's error codes, and
//! deterministic fault injection (throttling, 500/503, in-flight 409, read-after-write lag).
//!
//! It must not depend on kvinit: real ARM clients and azure_identity's `ClientSecretCredential`
//! are pointed at it (authority host and ARM endpoint = [`RunningEmulator::base_url`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), kvinit_emulator::EmulatorError> {
//! let emu = kvinit_emulator::start(kvinit_emulator::EmulatorConfig::default()).await?;
//! let base = emu.base_url(); // https://127.0.0.1:PORT — token endpoint: {base}/{tenant}/oauth2/v2.0/token
//! let ca = emu.ca_certificate_pem(); // trust this PEM as a root certificate for `base`
//! // ... point clients at `base` with DEFAULT_CLIENT_ID / DEFAULT_CLIENT_SECRET ...
//! println!("{:?}", emu.stats().by_method);
//! emu.shutdown().await?;
//! # Ok(()) }
//! ```

mod api_versions;
mod app;
mod arm_error;
mod clock;
mod error;
mod faults;
mod lock;
mod route;
mod routes;
mod server;
pub mod spec;
mod stats;
mod store;
mod target;
mod tls;
mod token;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use api_versions::KEYVAULT_RETIREMENT;
pub use clock::parse_now;
pub use error::EmulatorError;
pub use faults::FaultProfile;
pub use stats::{LoggedRequest, RequestStats};
pub use token::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PRINCIPAL_ID};

/// How to run an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to listen on; port 0 picks a free port (see [`RunningEmulator::base_url`]).
    pub listen: SocketAddr,
    /// State file (JSON: `resources`, lower-cased ARM resource ID → body GET returns, and
    /// `deletedVaults`). Locked (exclusive advisory lock on `.{name}.lock` next to it) for the
    /// emulator's lifetime, loaded at start, rewritten atomically by a background saver (a
    /// write is answered once the file holds it; one save covers every write made before it,
    /// at most one save per 200 ms on a large state) and never written (nor created) when
    /// nothing changed. `None`: in memory only.
    pub state_path: Option<PathBuf>,
    /// Faults and limits to inject.
    pub faults: FaultProfile,
    /// The client secret the token endpoint accepts for [`DEFAULT_CLIENT_ID`].
    pub client_secret: String,
    /// Take resources the emulator does not model (Log Analytics workspaces, subnets nobody
    /// created, custom role definitions) as existing and ready, as `kvinit apply --emulator` needs.
    pub assume_referenced_exist: bool,
    /// A run that only reads (`kvinit audit`, a live `kvinit plan`): the state file is locked
    /// shared (other read-only runs may use it at the same time, a writing one may not) and is
    /// never written; writes still work, in memory only.
    pub read_only: bool,
    /// Where the emulator's clock starts (UTC; it then runs at real speed). `None`: the real time,
    /// unless the fault profile sets `now`. The clock decides api-version retirement (Key Vault
    /// versions before 2026-02-01 are refused from [`KEYVAULT_RETIREMENT`], 2027-02-27T00:00:00Z,
    /// on) and every timestamp the emulator writes. Parse text with [`parse_now`].
    pub now: Option<time::OffsetDateTime>,
}

impl Default for EmulatorConfig {
    /// `127.0.0.1:0`, no state file, [`FaultProfile::none`], [`DEFAULT_CLIENT_SECRET`],
    /// `assume_referenced_exist: true`, `read_only: false`, `now: None` (real time).
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            state_path: None,
            faults: FaultProfile::none(),
            client_secret: DEFAULT_CLIENT_SECRET.to_string(),
            assume_referenced_exist: true,
            read_only: false,
            now: None,
        }
    }
}

/// A running emulator. Dropping it without [`RunningEmulator::shutdown`] stops accepting
/// requests when the runtime ends; the state file already holds every acknowledged write.
#[derive(Debug)]
pub struct RunningEmulator {
    addr: SocketAddr,
    /// PEM of the CA that signed the server certificate (generated at start-up).
    ca_pem: String,
    app: Arc<app::App>,
    shutdown: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The background saver (with a state file): its stop signal and task.
    #[allow(clippy::type_complexity)]
    saver: Mutex<
        Option<(
            tokio::sync::oneshot::Sender<()>,
            tokio::task::JoinHandle<()>,
        )>,
    >,
    /// Held until the emulator is dropped (after the final save).
    _lock: Option<lock::StateLock>,
}

/// Checks a state file without starting anything: it may be absent (an empty store), or must be
/// a readable file with the emulator's JSON shape.
///
/// # Errors
/// [`EmulatorError::State`] naming the file, what is wrong and how to fix it.
pub fn check_state_file(path: &std::path::Path) -> Result<(), EmulatorError> {
    store::Store::load(Some(path)).map(|_| ())
}

/// Binds `config.listen`, loads the state file, and spawns the server on the current tokio
/// runtime.
///
/// # Errors
/// [`EmulatorError::Bind`] when the address cannot be bound; [`EmulatorError::StateInUse`] when
/// another process runs an emulator on the same state file; [`EmulatorError::State`] when the
/// state file exists but is unreadable or not the emulator's JSON (it is then left untouched).
pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, EmulatorError> {
    let lock = match config.state_path.as_deref() {
        Some(path) => Some(lock::StateLock::acquire(path, config.read_only)?),
        None => None,
    };
    let fault_now = match config.faults.now.as_deref() {
        Some(text) => Some(clock::parse_now(text)?),
        None => None,
    };
    let clock = clock::Clock::starting_at(config.now.or(fault_now));
    let store = store::Store::load(config.state_path.as_deref())?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| EmulatorError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| EmulatorError::Bind {
            addr: config.listen,
            source,
        })?;
    let app = Arc::new(app::App {
        store: Mutex::new(store),
        state_path: config.state_path.filter(|_| !config.read_only),
        tokens: token::TokenStore::default(),
        faults: faults::FaultEngine::new(config.faults),
        recorder: stats::Recorder::default(),
        client_secret: config.client_secret,
        clock,
        assume_referenced_exist: config.assume_referenced_exist,
        save_wanted: tokio::sync::Notify::new(),
        save_status: tokio::sync::watch::Sender::new(app::SaveStatus::default()),
    });
    let saver = app.state_path.as_ref().map(|_| {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        (stop, tokio::spawn(app::saver(app.clone(), stopped)))
    });
    let certificates = tls::generate()?;
    let listener = tls::TlsListener::new(listener, certificates.server_config, addr);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let router = server::router(app.clone());
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok(RunningEmulator {
        addr,
        ca_pem: certificates.ca_pem,
        app,
        shutdown: Mutex::new(Some(tx)),
        task,
        saver: Mutex::new(saver),
        _lock: lock,
    })
}

impl RunningEmulator {
    /// `https://127.0.0.1:PORT` (`https://[::1]:PORT` when listening on IPv6) — both the ARM
    /// endpoint and the authority host. The server certificate names `127.0.0.1`, `::1` and
    /// `localhost`; a client must trust [`RunningEmulator::ca_certificate_pem`].
    pub fn base_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// The PEM (one `-----BEGIN CERTIFICATE-----` block) of the certificate authority that signed
    /// this emulator's server certificate: the trust anchor a client adds for
    /// [`RunningEmulator::base_url`], and only for it. Generated at start-up (ECDSA P-256, valid
    /// from a day before start for 397 days); a new one per start, so never pin it across runs.
    pub fn ca_certificate_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// A snapshot of the request counters.
    pub fn stats(&self) -> RequestStats {
        self.app.recorder.stats.lock().expect("stats").clone()
    }

    /// The emulator's clock now (see [`EmulatorConfig::now`]).
    pub fn now(&self) -> time::OffsetDateTime {
        self.app.clock.now()
    }

    /// A snapshot of the request log (method, path, api-version, status), in arrival order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.app.recorder.log.lock().expect("log").clone()
    }

    /// Stops accepting connections, lets in-flight requests finish, and persists the state if
    /// it changed since the last save (a run without writes leaves no file behind).
    ///
    /// # Errors
    /// [`EmulatorError::Server`] if the server task failed; [`EmulatorError::State`] if the final
    /// save fails.
    pub async fn shutdown(self) -> Result<(), EmulatorError> {
        if let Some(tx) = self.shutdown.lock().expect("shutdown").take() {
            let _ = tx.send(());
        }
        match self.task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(EmulatorError::Server(e.to_string())),
            Err(e) => return Err(EmulatorError::Server(e.to_string())),
        }
        // In-flight writes have been saved (they wait for the saver); stop it, then save what
        // changed since (e.g. provisioning settled by a read).
        let saver = self.saver.lock().expect("saver").take();
        if let Some((stop, task)) = saver {
            let _ = stop.send(());
            let _ = task.await;
        }
        self.app.save_now()
    }
}
