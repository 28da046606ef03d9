//! Runs kvinit's real apply path (library API: `ArmClient::connect` + `apply::apply`, the same
//! calls `kvinit apply --emulator` makes) against an in-process `kvinit-emulator` with a fault
//! profile, and records what happened: wall time, the emulator's request log, kvinit's own
//! request counters, and a timeline of writes per subscription (from the executor's events).
//! Must not reimplement any of apply's logic.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kvinit::apply::{ApplyEvent, ApplyOptions, ApplyReport, Interrupt, Reporter};
use kvinit::azure::{ArmClient, ClientSettings, Target};
use kvinit::model::desired::DesiredState;
use kvinit_emulator::{EmulatorConfig, FaultProfile, LoggedRequest, RunningEmulator};

use crate::plan_gen::{Shape, TENANT_ID, plan_yaml};

/// Issue 6's realistic timing: 20 ms per request, 2 s vault provisioning, ARM's published
/// budgets per subscription (writes burst 200 + 10/s, reads burst 250 + 25/s), no random faults.
pub fn realistic() -> FaultProfile {
    FaultProfile {
        latency_ms: 20,
        provisioning_ms: 2_000,
        ..FaultProfile::arm_defaults()
    }
}

/// A plan of `vaults` vaults over 3 environments (one subscription each) × 2 regions.
pub fn desired(vaults: usize) -> DesiredState {
    assert!(vaults.is_multiple_of(6), "vaults must be a multiple of 6");
    let shape = Shape {
        apps: vaults / 6,
        envs: 3,
        regions: 2,
        subscriptions: 3,
    };
    let plan = kvinit::plan_file::parse(std::path::Path::new("generated.yaml"), &plan_yaml(shape))
        .expect("generated plan is valid");
    kvinit::model::desired::desired_state(&plan)
}

/// Starts an in-memory emulator with `faults`.
pub async fn start(faults: FaultProfile) -> RunningEmulator {
    kvinit_emulator::start(EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    })
    .await
    .expect("start the emulator")
}

/// Fresh clients for `emu` (what a new `kvinit` process builds: one credential, one pacer).
pub fn clients(emu: &RunningEmulator) -> ArmClient {
    clients_with(emu, ClientSettings::default())
}

/// [`clients`] with other settings.
pub fn clients_with(emu: &RunningEmulator, settings: ClientSettings) -> ArmClient {
    let target = Target::Emulator {
        base_url: emu.base_url(),
        tenant_id: TENANT_ID.to_string(),
        client_id: kvinit_emulator::DEFAULT_CLIENT_ID.to_string(),
        client_secret: kvinit_emulator::DEFAULT_CLIENT_SECRET.to_string(),
        ca_certificate_pem: Some(emu.ca_certificate_pem().to_string()),
    };
    ArmClient::connect(&target, settings).expect("connect")
}

/// A write as the executor reported it: when it finished (since the run began) and the
/// subscription it went to.
#[derive(Debug, Clone)]
pub struct WriteStart {
    pub at: Duration,
    pub subscription: String,
}

/// Records `ResourceStarted` events with their time.
pub struct Timeline {
    t0: Instant,
    pub writes: Mutex<Vec<WriteStart>>,
}

impl Timeline {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            t0: Instant::now(),
            writes: Mutex::new(Vec::new()),
        })
    }
}

impl Reporter for Timeline {
    fn report(&self, event: ApplyEvent) {
        // A write's end: the executor reports `ResourceFinished` after the PUT (and its polls)
        // returned; `ResourceStarted` comes before the pacer's wait, so ends are what show
        // whether a subscription's budget was kept busy.
        if let ApplyEvent::ResourceFinished { id, status, .. } = event {
            use kvinit::apply::ResourceStatus::{Created, Recovered, Updated};
            if matches!(status, Created | Updated | Recovered) {
                self.writes.lock().unwrap().push(WriteStart {
                    at: self.t0.elapsed(),
                    subscription: subscription_of(&id),
                });
            }
        }
    }
}

/// The subscription GUID in an ARM path or ID (lower case), or `""`.
pub fn subscription_of(path: &str) -> String {
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    while let Some(s) = segs.next() {
        if s.eq_ignore_ascii_case("subscriptions") {
            return segs.next().unwrap_or_default().to_ascii_lowercase();
        }
    }
    String::new()
}

/// What one apply did.
pub struct Run {
    pub wall: Duration,
    pub report: ApplyReport,
    /// The emulator's log lines of this run only.
    pub log: Vec<LoggedRequest>,
    pub writes: Vec<WriteStart>,
}

/// One `kvinit apply` (observe + diff + execute) of `desired` against `emu`.
pub async fn apply(emu: &RunningEmulator, desired: &DesiredState, concurrency: usize) -> Run {
    let before = emu.requests().len();
    let timeline = Timeline::new();
    let t = Instant::now();
    let clients = clients(emu);
    let options = ApplyOptions {
        concurrency,
        ..ApplyOptions::default()
    };
    let report = kvinit::apply::apply(
        &clients,
        desired,
        options,
        timeline.clone(),
        Interrupt::new(),
    )
    .await
    .expect("apply reads live state");
    let wall = t.elapsed();
    let log = emu.requests().split_off(before);
    let writes = timeline.writes.lock().unwrap().clone();
    Run {
        wall,
        report,
        log,
        writes,
    }
}

/// A request of the log is a write (changes something): PUT, PATCH, DELETE, and POST except
/// the read-only ones (`checkNameAvailability`, `list…`). Mirrors kvinit's own classification.
pub fn is_write(r: &LoggedRequest) -> bool {
    match r.method.as_str() {
        "PUT" | "PATCH" | "DELETE" => true,
        "POST" => {
            let last = r
                .path
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            !(last == "checknameavailability" || last.starts_with("list"))
        }
        _ => false,
    }
}

/// Whether the request went to ARM (not to the emulator's token endpoint).
pub fn is_arm(r: &LoggedRequest) -> bool {
    r.path.to_ascii_lowercase().starts_with("/subscriptions/")
        || r.path.to_ascii_lowercase().starts_with("/providers/")
}

/// (ARM reads, ARM writes, 429s, token requests) in `log`.
pub fn counts(log: &[LoggedRequest]) -> (usize, usize, usize, usize) {
    let arm: Vec<&LoggedRequest> = log.iter().filter(|r| is_arm(r)).collect();
    let writes = arm.iter().filter(|r| is_write(r)).count();
    let throttled = arm.iter().filter(|r| r.status == 429).count();
    (arm.len() - writes, writes, throttled, log.len() - arm.len())
}
