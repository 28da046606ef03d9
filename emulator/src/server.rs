//! The HTTP front: one axum fallback handler that normalizes the path, serves `/_emulator/*` and
//! the token endpoint, and for ARM requests applies, in ARM's order: authentication, api-version,
//! latency, throttling and random faults, schema validation, the in-flight-write check, then the
//! route; it adds the remaining-requests headers and records the request. It owns that order,
//! not any resource rule.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::app::App;
use crate::arm_error::ArmError;
use crate::faults::{Access, Fault};
use crate::routes::{self, Reply, Req};
use crate::target::{Target, normalize};

/// The axum router of one emulator.
pub(crate) fn router(app: Arc<App>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(app)
}

fn json_response(
    status: StatusCode,
    body: Option<&Value>,
    headers: &[(String, String)],
) -> Response {
    let mut resp = match body {
        Some(b) => (
            status,
            [("content-type", "application/json; charset=utf-8")],
            b.to_string(),
        )
            .into_response(),
        None => status.into_response(),
    };
    for (k, v) in headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::try_from(k.as_str()),
            HeaderValue::from_str(v),
        ) {
            resp.headers_mut().insert(name, value);
        }
    }
    resp
}

fn query_map(uri: &Uri) -> HashMap<String, String> {
    uri.query().map(url_decode_pairs).unwrap_or_default()
}

/// Decodes `application/x-www-form-urlencoded` pairs (query strings and the token form).
pub(crate) fn url_decode_pairs(text: &str) -> HashMap<String, String> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k, true), decode(v, true))
        })
        .collect()
}

/// Percent-decodes `s`; `plus_is_space` for form/query encoding (never for paths).
fn decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn handle(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = normalize(&decode(uri.path(), false));
    let lower = path.to_ascii_lowercase();
    if method == Method::GET && lower == "/_emulator/stats" {
        let stats = app.recorder.stats.lock().expect("stats").clone();
        return json_response(StatusCode::OK, Some(&json!(stats)), &[]);
    }
    if method == Method::GET && lower == "/_emulator/requests" {
        let log = app.recorder.log.lock().expect("log").clone();
        return json_response(StatusCode::OK, Some(&json!(log)), &[]);
    }
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if method == Method::POST
        && segs.len() == 4
        && segs[1..]
            .join("/")
            .eq_ignore_ascii_case("oauth2/v2.0/token")
    {
        let form = url_decode_pairs(&String::from_utf8_lossy(&body));
        let (status, answer) =
            crate::token::answer(&app.tokens, segs[0], &form, &app.client_secret);
        app.recorder
            .log(method.as_str(), &path, None, status.as_u16());
        return json_response(
            status,
            Some(&answer),
            &[("Cache-Control".into(), "no-store".into())],
        );
    }

    app.recorder.count_method(method.as_str());
    let (status, body_value, mut extra) = arm(&app, &method, &uri, &path, &headers, &body).await;
    let sub = Target::subscription(&path);
    for access in [Access::Read, Access::Write] {
        extra.push((
            format!("x-ms-ratelimit-remaining-subscription-{}", access.plural()),
            app.faults.remaining(&sub, access).to_string(),
        ));
    }
    extra.push(("x-ms-request-id".into(), uuid::Uuid::new_v4().to_string()));
    let api_version = query_map(&uri).remove("api-version");
    app.recorder.log(
        method.as_str(),
        &path,
        api_version.as_deref(),
        status.as_u16(),
    );
    let body_value = if method == Method::HEAD {
        None
    } else {
        body_value
    };
    json_response(status, body_value.as_ref(), &extra)
}

type Answer = (StatusCode, Option<Value>, Vec<(String, String)>);

fn from_error(e: ArmError) -> Answer {
    let body = e.body();
    (e.status, Some(body), e.headers)
}

fn from_reply(r: Reply) -> Answer {
    (r.status, r.body, r.headers)
}

async fn arm(
    app: &Arc<App>,
    method: &Method,
    uri: &Uri,
    path: &str,
    headers: &HeaderMap,
    raw: &Bytes,
) -> Answer {
    // 1. Authentication.
    let auth = headers
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let Some(token) = auth
        .strip_prefix("Bearer ")
        .or_else(|| auth.strip_prefix("bearer "))
    else {
        app.recorder.bump(|s| s.rejected += 1);
        return from_error(ArmError::authentication_failed());
    };
    let Some(client_id) = app.tokens.client_of(token.trim()) else {
        app.recorder.bump(|s| s.rejected += 1);
        return from_error(ArmError::invalid_token());
    };

    // 2. api-version: served for this resource type and not retired at the emulator's now.
    let target = Target::parse(path);
    let query = query_map(uri);
    let accepted = match crate::api_versions::check(
        &target,
        query.get("api-version").map(String::as_str),
        app.clock.now(),
    ) {
        Ok(accepted) => accepted,
        Err(e) => {
            app.recorder.bump(|s| s.rejected += 1);
            return from_error(e);
        }
    };
    let api_version = accepted.as_ref().map(|a| a.version);
    let mut answer = arm_served(
        app,
        method,
        path,
        target,
        query,
        api_version,
        &client_id,
        raw,
    )
    .await;
    if let Some(notice) = accepted.and_then(|a| a.deprecating) {
        answer.2.push(("azure-deprecating".into(), notice));
    }
    answer
}

/// Steps 3 to 6 for a request whose api-version is served.
#[allow(clippy::too_many_arguments)]
async fn arm_served(
    app: &Arc<App>,
    method: &Method,
    path: &str,
    target: Target,
    query: HashMap<String, String>,
    api_version: Option<&'static str>,
    client_id: &str,
    raw: &Bytes,
) -> Answer {
    // 3. Latency, throttling, random faults.
    let profile = &app.faults.profile;
    if profile.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(profile.latency_ms)).await;
    }
    let access = if matches!(*method, Method::GET | Method::HEAD) {
        Access::Read
    } else {
        Access::Write
    };
    let sub = Target::subscription(path);
    let mut rng = app.faults.rng_for(method.as_str(), path);
    let random = app.faults.random_fault(&mut rng);
    let bucket = app.faults.take(&sub, access);
    let throttle_secs = match (&bucket, &random) {
        (Err(secs), _) => Some(*secs),
        (Ok(_), Some(Fault::Throttled { retry_after_secs })) => Some(*retry_after_secs),
        _ => None,
    };
    if let Some(secs) = throttle_secs {
        app.recorder.bump(|s| s.throttled += 1);
        // Source: Azure Resource Manager throttling docs (code, message shape, Retry-After).
        return from_error(
            ArmError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "SubscriptionRequestsThrottled",
                format!(
                    "Number of '{}' requests for subscription '{sub}' actor '{client_id}' exceeded. Please try again after '{secs}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling",
                    if access == Access::Read { "read" } else { "write" }
                ),
            )
            .with_header("Retry-After", secs.to_string()),
        );
    }
    if let Some(Fault::ServerError { unavailable }) = random {
        app.recorder.bump(|s| s.server_errors += 1);
        return from_error(if unavailable {
            ArmError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "The service is temporarily unavailable. Please retry later.",
            )
            .with_header("Retry-After", "1")
        } else {
            ArmError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerError",
                "Encountered internal server error. Please retry the request.",
            )
        });
    }

    // 4. Body: JSON, then the spec's schema.
    let body = if raw.is_empty() {
        None
    } else {
        match serde_json::from_slice::<Value>(raw) {
            Ok(v) => Some(v),
            Err(e) => {
                app.recorder.bump(|s| s.rejected += 1);
                return from_error(ArmError::invalid_request_content(&format!(
                    "the body is not valid JSON ({e})."
                )));
            }
        }
    };
    if let (Some(b), Some(op)) = (
        &body,
        crate::spec::operation_for(&target, method, api_version),
    ) && let Err(e) = crate::spec::check_request(op, b)
    {
        app.recorder.bump(|s| s.rejected += 1);
        return from_error(e);
    }

    // 5. One write at a time per vault.
    let vault_key = if access == Access::Write {
        target.vault_write_key()
    } else {
        None
    };
    if let Some(key) = &vault_key
        && app.faults.begin_vault_write(key, &mut rng)
    {
        app.recorder.bump(|s| s.conflicts += 1);
        return from_error(ArmError::new(
            StatusCode::CONFLICT,
            "Conflict",
            "There was a conflict while processing the request: another operation on this vault is in progress. Retry after it completes.",
        ));
    }

    // 6. The route (latency is spent inside the in-flight window so concurrent writes overlap).
    if vault_key.is_some() && profile.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(profile.latency_ms / 2)).await;
    }
    let req = Req {
        app,
        method: method.clone(),
        target,
        path: path.to_string(),
        query,
        body,
        client_id: client_id.to_string(),
        api_version,
    };
    let outcome = {
        let mut store = app.store.lock().expect("store");
        routes::dispatch(&req, &mut store).map(|reply| (reply, store.generation()))
    };
    // At the current Key Vault and activity log alerts api-versions the answer itself is checked
    // against the spec's response schema: a non-conforming answer is the emulator's bug, and a
    // 500 says so instead of teaching clients a shape Azure never sends.
    let outcome = outcome.and_then(|(reply, generation)| {
        if let (Some(body), Some(op)) = (
            reply.body.as_ref(),
            crate::spec::operation_for(&req.target, method, api_version)
                .filter(|_| crate::spec::answers_are_checked(api_version)),
        ) {
            crate::spec::check_response(op, reply.status.as_u16(), body)?;
        }
        Ok((reply, generation))
    });
    // A successful write is answered once the state file holds it (the store lock is not held
    // while waiting: the saver writes many requests' changes at once).
    let answer = match outcome {
        Ok((reply, generation)) => {
            let is_write = access == Access::Write
                && reply.status.is_success()
                && req.target.shape != crate::routes::vaults::CHECK_VAULT_NAME;
            match if is_write {
                app.commit(generation).await
            } else {
                Ok(())
            } {
                Ok(()) => from_reply(reply),
                Err(e) => from_error(e),
            }
        }
        Err(e) => from_error(e),
    };
    if let Some(key) = &vault_key {
        app.faults.end_write(key);
    }
    answer
}
