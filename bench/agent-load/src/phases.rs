//! The measured phases, in order: create hosts; enrolment (every host's first full report, a
//! bounded number in flight); the steady state (every host checking in on its interval while
//! changed reports arrive at a fixed rate); a burst (every host reporting at once); then open
//! WebSockets held for a while.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use patchmon_proto::{API_ID_HEADER, API_KEY_HEADER};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::fleet::{create_host, SimulatedHost, CHANGED_PER_REPORT};
use crate::latency::{Samples, Summary};
use crate::Args;

/// Host creations in flight at once.
const CREATE_CONCURRENCY: usize = 32;
/// The burst's package versions: newer than anything the steady state sent.
const BURST_GENERATION: u32 = 1_000_000;
/// WebSocket handshakes in flight at once.
const CONNECT_CONCURRENCY: usize = 256;

fn client(connections: usize) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| e.to_string())
}

/// POSTs `body` as one agent and times it. A 2xx is a success; `check` can still refuse it.
async fn post_as(
    client: &reqwest::Client,
    url: &str,
    host: &SimulatedHost,
    body: Vec<u8>,
    check: fn(&serde_json::Value) -> Result<(), String>,
    samples: &mut Samples,
) {
    let started = Instant::now();
    let sent = client
        .post(url)
        .header(API_ID_HEADER, &host.api_id)
        .header(API_KEY_HEADER, &host.api_key)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(e) => {
            // reqwest's top line ("error sending request") hides the cause.
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            return samples.error(message);
        }
    };
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !status.is_success() {
        return samples.http_error(status.as_u16(), format!("HTTP {status}: {text}"));
    }
    let checked = serde_json::from_str(&text)
        .map_err(|e| format!("unreadable answer: {e}"))
        .and_then(|json| check(&json));
    match checked {
        Ok(()) => samples.ok(started.elapsed()),
        Err(message) => samples.error(message),
    }
}

fn accepted(_: &serde_json::Value) -> Result<(), String> {
    Ok(())
}

/// A check-in whose hashes all match must not be asked for anything.
fn hash_gated(answer: &serde_json::Value) -> Result<(), String> {
    match answer.get("requestFull") {
        None => Ok(()),
        Some(stale) => Err(format!("hash gate missed: requestFull {stale}")),
    }
}

fn serialise<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("wire types serialise")
}

/// Sends every body (one per host, in host order) with at most `in_flight` requests at once;
/// prints the summary and returns it.
async fn send_all(
    label: &str,
    client: &reqwest::Client,
    url: &str,
    hosts: &Arc<Vec<SimulatedHost>>,
    bodies: Vec<Vec<u8>>,
    in_flight: usize,
) -> Summary {
    let started = Instant::now();
    let results: Vec<Samples> = stream::iter(bodies.into_iter().enumerate())
        .map(|(i, body)| {
            let (client, url, hosts) = (client.clone(), url.to_string(), hosts.clone());
            async move {
                let mut samples = Samples::default();
                post_as(&client, &url, &hosts[i], body, accepted, &mut samples).await;
                samples
            }
        })
        .buffer_unordered(in_flight.max(1))
        .collect()
        .await;
    let mut all = Samples::default();
    for samples in results {
        all.merge(samples);
    }
    let summary = all.summary(started.elapsed());
    println!("{label}: {summary}");
    summary
}

pub async fn run(args: &Args) -> Result<(), String> {
    let server = args.server.trim_end_matches('/').to_string();
    let total_hosts = args.hosts.max(args.websockets);
    let client = client(args.hosts.max(CREATE_CONCURRENCY))?;

    let started = Instant::now();
    let created: Vec<Result<SimulatedHost, String>> = stream::iter(0..total_hosts)
        .map(|i| create_host(&client, &server, &args.token, i))
        .buffer_unordered(CREATE_CONCURRENCY)
        .collect()
        .await;
    let mut hosts = created.into_iter().collect::<Result<Vec<_>, _>>()?;
    hosts.sort_by_key(|h| h.index);
    println!(
        "created {total_hosts} hosts in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let hosts = Arc::new(hosts);
    let reporters = &hosts[..args.hosts];

    let update = format!("{server}/api/v1/hosts/update");
    let ping = format!("{server}/api/v1/hosts/ping");
    let first: Vec<_> = reporters
        .iter()
        .map(|h| h.report(args.packages, 0))
        .collect();
    let pings: Vec<Vec<u8>> = first
        .iter()
        .map(|r| serialise(&SimulatedHost::ping(r)))
        .collect();
    let bodies: Vec<Vec<u8>> = first.iter().map(serialise).collect();
    drop(first);
    let label = format!(
        "enrolment: first full report of {} hosts, {} packages each ({} KB), {} in flight",
        args.hosts,
        args.packages,
        bodies.first().map_or(0, Vec::len) / 1024,
        args.enrol_in_flight
    );
    let mut errors = send_all(
        &label,
        &client,
        &update,
        &hosts,
        bodies,
        args.enrol_in_flight,
    )
    .await
    .errors;

    errors += steady_state(args, &client, &ping, &update, &hosts, pings).await;

    // The thundering herd: every host at once. Turned away with 503 is a clear, retryable
    // answer; anything else is a failure.
    let bodies: Vec<Vec<u8>> = reporters
        .iter()
        .map(|h| serialise(&h.report(args.packages, BURST_GENERATION)))
        .collect();
    let label = format!(
        "burst: changed full reports ({CHANGED_PER_REPORT} versions moved) from all {} hosts at once",
        args.hosts
    );
    let burst = send_all(&label, &client, &update, &hosts, bodies, args.hosts).await;
    errors += burst.errors - burst.errors_with_status(503);

    if args.websockets > 0 {
        errors += websockets(args, &server, &hosts).await;
    }
    if errors > 0 {
        return Err(format!("{errors} requests failed"));
    }
    Ok(())
}

/// The fleet at work for the phase's length: every host checks in every `--checkin-every`
/// seconds (starts spread over that interval, as agents' report offsets spread them), while
/// changed full reports arrive at `--report-rate` per second. Both are open loops.
async fn steady_state(
    args: &Args,
    client: &reqwest::Client,
    ping_url: &str,
    update_url: &str,
    hosts: &Arc<Vec<SimulatedHost>>,
    pings: Vec<Vec<u8>>,
) -> usize {
    let every = Duration::from_secs_f64(args.checkin_every);
    // One host in ten sends the changed reports; the others check in. A host whose packages
    // changed is rightly asked for them at its next check-in, which would blur the hash gate.
    let reporting = (args.hosts / 10).max(1);
    let checking_in = args.hosts - reporting;
    // The reports' bodies are made before the clock starts: hundreds of megabytes of JSON built
    // during the phase would time this generator's CPU, not the server.
    let count = (args.report_rate * args.seconds as f64).round() as usize;
    let reporter = |n: usize| checking_in + n % reporting;
    let bodies: Vec<Vec<u8>> = (0..count)
        .map(|n| serialise(&hosts[reporter(n)].report(args.packages, 1 + (n / reporting) as u32)))
        .collect();
    let deadline = Instant::now() + args.phase_length();
    let started = Instant::now();
    let mut checkins = JoinSet::new();
    for (i, body) in pings.into_iter().enumerate().take(checking_in) {
        let (client, url, hosts) = (client.clone(), ping_url.to_string(), hosts.clone());
        let offset = every.mul_f64(i as f64 / checking_in.max(1) as f64);
        checkins.spawn(async move {
            let mut samples = Samples::default();
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, every);
            loop {
                tick.tick().await;
                if Instant::now() >= deadline {
                    break;
                }
                post_as(
                    &client,
                    &url,
                    &hosts[i],
                    body.clone(),
                    hash_gated,
                    &mut samples,
                )
                .await;
            }
            samples
        });
    }

    let mut tick =
        tokio::time::interval(Duration::from_secs_f64(1.0 / args.report_rate.max(0.001)));
    let mut reports = JoinSet::new();
    for (n, body) in bodies.into_iter().enumerate() {
        tick.tick().await;
        let (client, url, hosts) = (client.clone(), update_url.to_string(), hosts.clone());
        let host = reporter(n);
        reports.spawn(async move {
            let mut samples = Samples::default();
            post_as(&client, &url, &hosts[host], body, accepted, &mut samples).await;
            samples
        });
    }

    let mut errors = 0;
    for (label, mut tasks) in [
        (
            format!(
                "steady state: hash-gated check-ins, {checking_in} hosts each every {} s",
                args.checkin_every
            ),
            checkins,
        ),
        (
            format!(
                "steady state: changed full reports at {:.0}/s from the other {reporting} hosts",
                args.report_rate
            ),
            reports,
        ),
    ] {
        let mut all = Samples::default();
        while let Some(samples) = tasks.join_next().await {
            all.merge(samples.expect("a request task panicked"));
        }
        let summary = all.summary(started.elapsed());
        println!("{label}: {summary}");
        errors += summary.errors;
    }
    errors
}

/// Opens one agent WebSocket per host and holds them all open for the phase's length; every
/// connection must still be open at the end.
async fn websockets(args: &Args, server: &str, hosts: &Arc<Vec<SimulatedHost>>) -> usize {
    let url = format!("{}/api/v1/agents/ws", server.replacen("http", "ws", 1));
    let hold_until = Instant::now() + args.phase_length() + Duration::from_secs(60);
    let started = Instant::now();
    let connected: Vec<Result<HeldSocket, String>> =
        stream::iter(hosts.iter().take(args.websockets))
            .map(|host| open(&url, host, hold_until))
            .buffer_unordered(CONNECT_CONCURRENCY)
            .collect()
            .await;
    let mut handshakes = Samples::default();
    let mut held = JoinSet::new();
    for result in connected {
        match result {
            Ok((took, task)) => {
                handshakes.ok(took);
                held.spawn(task);
            }
            Err(message) => handshakes.error(message),
        }
    }
    let open_errors = handshakes.errors();
    println!(
        "WebSocket handshakes, {} agents, {CONNECT_CONCURRENCY} at a time: {}",
        args.websockets,
        handshakes.summary(started.elapsed())
    );
    println!("websockets_open {}", args.websockets - open_errors);
    // The script samples the server's memory while every connection is open.
    tokio::time::sleep(args.phase_length()).await;
    let still_open = held.len();
    held.abort_all();
    let mut dropped = 0;
    while let Some(outcome) = held.join_next().await {
        if let Ok(Err(message)) = outcome {
            dropped += 1;
            if dropped == 1 {
                println!("first dropped WebSocket: {message}");
            }
        }
    }
    println!(
        "WebSockets held {} s: {} open, {dropped} dropped by the server",
        args.seconds,
        still_open - dropped
    );
    open_errors + dropped
}

type HeldSocket = (
    Duration,
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>>,
);

/// Connects as `host`; the returned future reads (and so answers pings) until `hold_until`,
/// failing if the server closes the connection first.
async fn open(url: &str, host: &SimulatedHost, hold_until: Instant) -> Result<HeldSocket, String> {
    let mut request = url.into_client_request().map_err(|e| e.to_string())?;
    let headers = request.headers_mut();
    let value = |v: &str| v.parse().map_err(|_| "bad header value".to_string());
    headers.insert(API_ID_HEADER, value(&host.api_id)?);
    headers.insert(API_KEY_HEADER, value(&host.api_key)?);
    let started = Instant::now();
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| format!("WebSocket handshake: {e}"))?;
    let took = started.elapsed();
    let hold = async move {
        let deadline = tokio::time::Instant::from_std(hold_until);
        loop {
            match tokio::time::timeout_at(deadline, socket.next()).await {
                Err(_) => return Ok(()),
                Ok(None) => return Err("closed by the server".to_string()),
                Ok(Some(Err(e))) => return Err(e.to_string()),
                Ok(Some(Ok(_))) => {}
            }
        }
    };
    Ok((took, Box::pin(hold)))
}
