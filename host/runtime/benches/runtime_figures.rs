//! Figures criterion does not give directly: call-latency percentiles,
//! resident memory per loaded plugin, and the throughput of 10,000 webhook
//! deliveries to a local receiver. Prints one line per figure.

mod common;

use std::time::{Duration, Instant};

use patchmon_runtime::package::pin_wasm_sha256;
use patchmon_runtime::{PluginPackage, PluginSettings, Runtime, RuntimeConfig};
use patchmon_test_support::{built_wasm, HttpReceiver};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn call_latency() {
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let trivial = runtime.load_notifier(&common::trivial_notifier()).unwrap();
    let settings = PluginSettings::default();
    let event = common::event();
    for _ in 0..1_000 {
        trivial.deliver(&settings, &event).unwrap();
    }
    let mut samples: Vec<Duration> = (0..20_000)
        .map(|_| {
            let start = Instant::now();
            trivial.deliver(&settings, &event).unwrap();
            start.elapsed()
        })
        .collect();
    samples.sort();
    println!(
        "trivial notifier call (fresh pooled instance per call), 20000 calls: p50 {:.1} µs, p90 {:.1} µs, p99 {:.1} µs",
        percentile(&samples, 0.5).as_secs_f64() * 1e6,
        percentile(&samples, 0.9).as_secs_f64() * 1e6,
        percentile(&samples, 0.99).as_secs_f64() * 1e6,
    );
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

fn memory_per_plugin() {
    let components = [
        "notifier-webhook",
        "notifier-ntfy",
        "hostile-notifier",
        "example-notifier",
    ];
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let settings = PluginSettings::default();
    let before = resident_bytes();
    let mut loaded = Vec::new();
    for name in components {
        let wasm = built_wasm(name);
        let manifest = format!(
            "id = \"{name}\"\nname = \"n\"\nversion = \"0.1.0\"\nkind = \"notifier\"\napi_version = \"0.1.0\"\n"
        );
        let package = PluginPackage::from_parts(&pin_wasm_sha256(&manifest, &wasm), wasm).unwrap();
        let plugin = runtime.load_notifier(&package).unwrap();
        plugin.info(&settings).unwrap();
        loaded.push(plugin);
    }
    let after = resident_bytes();
    println!(
        "resident memory per loaded plugin (compiled + pre-linked + one call), {} plugins: {:.2} MiB each",
        loaded.len(),
        (after.saturating_sub(before)) as f64 / loaded.len() as f64 / (1024.0 * 1024.0)
    );
}

fn webhook_throughput() {
    const DELIVERIES: usize = 10_000;
    const THREADS: usize = 4;
    let receiver = HttpReceiver::start(200);
    receiver.set_recording(false);
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let package = common::first_party("notifier-webhook");
    let webhook = runtime.load_notifier(&package).unwrap();
    let settings = common::webhook_settings(&package, &receiver.url("/bench"));
    let event = common::event();
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                for _ in 0..DELIVERIES / THREADS {
                    webhook.deliver(&settings, &event).unwrap();
                }
            });
        }
    });
    let elapsed = start.elapsed();
    let received = receiver.wait_for(DELIVERIES, Duration::from_secs(10)).len();
    assert_eq!(received, DELIVERIES);
    println!(
        "webhook deliveries to a local receiver: {DELIVERIES} in {:.2} s with {THREADS} threads = {:.0} deliveries/s",
        elapsed.as_secs_f64(),
        DELIVERIES as f64 / elapsed.as_secs_f64()
    );
}

fn main() {
    // `cargo test --benches` runs bench targets once in test mode; skip the work there.
    if std::env::args().any(|a| a == "--test") {
        return;
    }
    call_latency();
    memory_per_plugin();
    webhook_throughput();
}
