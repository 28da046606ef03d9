//! Each fault kind, over HTTP, and its determinism for a seed.
use crate::common;
use std::time::{Duration, Instant};

use common::*;
use kvinit_emulator::FaultProfile;
use serde_json::json;

#[tokio::test]
async fn write_bucket_throttles_with_retry_after_and_remaining_headers() {
    let emu = start(FaultProfile {
        write_burst: 3,
        write_refill_per_sec: 0.5,
        ..FaultProfile::none()
    })
    .await;
    let c = Client::new(&emu).await;
    let mut remaining = Vec::new();
    for i in 0..3 {
        let a = c
            .put(
                &format!("{}?{RG_API}", rg_path(SUB, &format!("rg{i}"))),
                json!({"location": "westeurope"}),
            )
            .await;
        assert_eq!(a.status, 201);
        remaining.push(
            a.header("x-ms-ratelimit-remaining-subscription-writes")
                .unwrap(),
        );
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let a = c
        .put(
            &format!("{}?{RG_API}", rg_path(SUB, "rg3")),
            json!({"location": "westeurope"}),
        )
        .await;
    assert_eq!((a.status, a.code()), (429, "SubscriptionRequestsThrottled"));
    assert_eq!(a.header("retry-after").as_deref(), Some("2"));
    // Reads have their own bucket; another subscription has its own budget.
    assert_eq!(
        c.get(&format!("{}?{RG_API}", rg_path(SUB, "rg0")))
            .await
            .status,
        200
    );
    assert_eq!(
        c.put(
            &format!("{}?{RG_API}", rg_path(SUB2, "rg0")),
            json!({"location": "westeurope"})
        )
        .await
        .status,
        201
    );
    assert_eq!(emu.stats().throttled, 1);
    // After the advertised wait, a token is back.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        c.put(
            &format!("{}?{RG_API}", rg_path(SUB, "rg3")),
            json!({"location": "westeurope"})
        )
        .await
        .status,
        201
    );
}

#[test]
fn arm_defaults_are_arms_published_figures() {
    let p = FaultProfile::arm_defaults();
    assert_eq!(
        (
            p.write_burst,
            p.write_refill_per_sec,
            p.read_burst,
            p.read_refill_per_sec
        ),
        (200, 10.0, 250, 25.0)
    );
    assert_eq!(
        (p.throttle_rate, p.server_error_rate, p.conflict_rate),
        (0.0, 0.0, 0.0)
    );
}

/// The statuses of 40 GETs of the same resource group under `faults`.
async fn statuses(faults: FaultProfile) -> (Vec<u16>, kvinit_emulator::RequestStats) {
    let emu = start(faults).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let mut out = Vec::new();
    for _ in 0..40 {
        out.push(
            c.get(&format!("{}?{RG_API}", rg_path(SUB, "rg")))
                .await
                .status,
        );
    }
    (out, emu.stats())
}

#[tokio::test]
async fn random_throttles_and_server_errors_are_deterministic_for_a_seed() {
    let faults = FaultProfile {
        seed: 42,
        throttle_rate: 0.2,
        server_error_rate: 0.2,
        ..FaultProfile::none()
    };
    // (With seed 42 the resource group's PUT draws no fault; make_rg asserts it.)
    let (a, stats_a) = statuses(faults.clone()).await;
    let (b, stats_b) = statuses(faults.clone()).await;
    assert_eq!(a, b, "same seed, same requests → same answers");
    assert!(
        a.contains(&429) && a.iter().any(|s| *s == 500 || *s == 503) && a.contains(&200),
        "{a:?}"
    );
    let faulted = a.iter().filter(|s| **s != 200).count() as u64;
    assert!(
        (8..=24).contains(&faulted),
        "{faulted} of 40 with rates 0.2+0.2"
    );
    assert_eq!(stats_a, stats_b);
    assert_eq!(stats_a.throttled + stats_a.server_errors, faulted);
    let (c, _) = statuses(FaultProfile { seed: 43, ..faults }).await;
    assert_ne!(a, c, "another seed draws other faults");
}

#[tokio::test]
async fn conflict_rate_answers_409_for_vault_writes_deterministically() {
    let run = || async {
        let emu = start(FaultProfile {
            seed: 9,
            conflict_rate: 0.5,
            ..FaultProfile::none()
        })
        .await;
        let c = Client::new(&emu).await;
        make_rg(&c, SUB, "rg").await;
        let mut out = Vec::new();
        for _ in 0..16 {
            let a = make_vault(&c, SUB, "rg", "kv-conflict").await;
            if a.status == 409 {
                assert_eq!(a.code(), "Conflict");
            }
            out.push(a.status);
        }
        // Reads never conflict.
        assert_ne!(
            c.get(&format!("{}?{KV}", vault_path(SUB, "rg", "kv-conflict")))
                .await
                .status,
            409
        );
        (out, emu.stats().conflicts)
    };
    let (a, n) = run().await;
    let (b, m) = run().await;
    assert_eq!(a, b);
    assert_eq!(n, m);
    assert!(
        a.contains(&409) && (a.contains(&201) || a.contains(&200)),
        "{a:?}"
    );
    assert_eq!(n, a.iter().filter(|s| **s == 409).count() as u64);
}

#[tokio::test]
async fn concurrent_writes_to_one_vault_conflict() {
    let emu = start(FaultProfile {
        seed: 1,
        conflict_rate: 1e-12,
        latency_ms: 300,
        ..FaultProfile::none()
    })
    .await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    make_vault(&c, SUB, "rg", "kv-busy").await;
    // Two pooled (already TLS-handshaken) connections, so both writes start at once.
    let rg = format!("{}?{RG_API}", rg_path(SUB, "rg"));
    let (w1, w2) = tokio::join!(c.get(&rg), c.get(&rg));
    assert_eq!((w1.status, w2.status), (200, 200));
    let (x, y) = tokio::join!(
        make_vault(&c, SUB, "rg", "kv-busy"),
        make_vault(&c, SUB, "rg", "kv-busy")
    );
    let mut got = vec![x.status, y.status];
    got.sort();
    assert_eq!(got, [200, 409]);
    assert_eq!(emu.stats().conflicts, 1);
}

#[tokio::test]
async fn read_after_write_window_answers_404_then_the_resource() {
    let emu = start(FaultProfile {
        read_after_write_lag_ms: 400,
        ..FaultProfile::none()
    })
    .await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let url = format!("{}?{RG_API}", rg_path(SUB, "rg"));
    let a = c.get(&url).await;
    assert_eq!((a.status, a.code()), (404, "ResourceGroupNotFound"));
    // Writes see the truth: a vault can go into the RG at once.
    assert_eq!(make_vault(&c, SUB, "rg", "kv-lag").await.status, 201);
    let list = c
        .get(&format!(
            "{}/providers/Microsoft.KeyVault/vaults?{KV}",
            rg_path(SUB, "rg")
        ))
        .await;
    assert_eq!(list.body["value"].as_array().unwrap().len(), 0);
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(c.get(&url).await.status, 200);
    assert_eq!(emu.stats().lag_404s, 1);
}

#[tokio::test]
async fn vault_creation_is_a_long_running_operation() {
    let emu = start(FaultProfile {
        provisioning_ms: 600,
        ..FaultProfile::none()
    })
    .await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg").await;
    let a = make_vault(&c, SUB, "rg", "kv-lro").await;
    assert_eq!(a.status, 201);
    assert_eq!(a.body["properties"]["provisioningState"], "RegisteringDns");
    assert_eq!(a.header("retry-after").as_deref(), Some("1"));
    // azure_core's poller re-sends the PUT: still in progress, 200.
    let again = make_vault(&c, SUB, "rg", "kv-lro").await;
    assert_eq!(
        (
            again.status,
            again.body["properties"]["provisioningState"].as_str()
        ),
        (200, Some("RegisteringDns"))
    );
    tokio::time::sleep(Duration::from_millis(650)).await;
    let g = c
        .get(&format!("{}?{KV}", vault_path(SUB, "rg", "kv-lro")))
        .await;
    assert_eq!(g.body["properties"]["provisioningState"], "Succeeded");
    let done = make_vault(&c, SUB, "rg", "kv-lro").await;
    assert_eq!(done.body["properties"]["provisioningState"], "Succeeded");
    assert!(done.header("retry-after").is_none());
}

#[tokio::test]
async fn latency_is_added_per_request() {
    let emu = start(FaultProfile {
        latency_ms: 150,
        ..FaultProfile::none()
    })
    .await;
    let c = Client::new(&emu).await;
    let t = Instant::now();
    make_rg(&c, SUB, "rg").await;
    assert!(t.elapsed() >= Duration::from_millis(150));
}

#[test]
fn fault_profile_yaml_is_strict() {
    let p = FaultProfile::from_yaml(
        "seed: 7\nthrottleRate: 0.1\nwriteBurst: 200\nwriteRefillPerSec: 10\n",
    )
    .unwrap();
    assert_eq!((p.seed, p.throttle_rate, p.write_burst), (7, 0.1, 200));
    assert_eq!(p.read_burst, 0);
    let e = FaultProfile::from_yaml("throtleRate: 0.1\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("throtleRate") && e.contains("throttleRate"),
        "{e}"
    );
    let e = FaultProfile::from_yaml("serverErrorRate: 1.5\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("serverErrorRate"), "{e}");
    let e = FaultProfile::from_yaml("writeBurst: 5\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("writeRefillPerSec"), "{e}");
    assert_eq!(FaultProfile::from_yaml("").unwrap(), FaultProfile::none());
}
