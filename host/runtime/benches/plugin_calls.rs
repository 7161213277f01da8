//! Criterion benchmarks: per-call overhead, cold load (compile vs cached),
//! and one webhook delivery to a local receiver.

mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use patchmon_runtime::{PluginSettings, Runtime, RuntimeConfig};
use patchmon_test_support::HttpReceiver;

fn call_overhead(c: &mut Criterion) {
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let trivial = runtime.load_notifier(&common::trivial_notifier()).unwrap();
    let webhook = runtime
        .load_notifier(&common::first_party("notifier-webhook"))
        .unwrap();
    let settings = PluginSettings::default();
    let event = common::event();
    let mut group = c.benchmark_group("notifier_call");
    group.bench_function("trivial_deliver", |b| {
        b.iter(|| trivial.deliver(&settings, &event).unwrap())
    });
    group.bench_function("webhook_info", |b| {
        b.iter(|| webhook.info(&settings).unwrap())
    });
    group.finish();
}

fn cold_load(c: &mut Criterion) {
    let package = common::first_party("notifier-webhook");
    let settings = PluginSettings::default();
    let mut group = c.benchmark_group("load_to_first_call");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("compile", |b| {
        b.iter(|| {
            let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
            runtime
                .load_notifier(&package)
                .unwrap()
                .info(&settings)
                .unwrap()
        })
    });
    let cache = tempfile::tempdir().unwrap();
    let cached = RuntimeConfig {
        cache_dir: Some(cache.path().to_path_buf()),
        ..RuntimeConfig::default()
    };
    Runtime::new(cached.clone())
        .unwrap()
        .load_notifier(&package)
        .unwrap();
    group.bench_function("disk_cache", |b| {
        b.iter(|| {
            let runtime = Runtime::new(cached.clone()).unwrap();
            runtime
                .load_notifier(&package)
                .unwrap()
                .info(&settings)
                .unwrap()
        })
    });
    let warm = Runtime::new(RuntimeConfig::default()).unwrap();
    warm.load_notifier(&package).unwrap();
    group.bench_function("memory_cache", |b| {
        b.iter(|| {
            warm.load_notifier(&package)
                .unwrap()
                .info(&settings)
                .unwrap()
        })
    });
    group.finish();
}

fn webhook_delivery(c: &mut Criterion) {
    let receiver = HttpReceiver::start(200);
    receiver.set_recording(false);
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let package = common::first_party("notifier-webhook");
    let webhook = runtime.load_notifier(&package).unwrap();
    let settings = common::webhook_settings(&package, &receiver.url("/bench"));
    let event = common::event();
    c.bench_function("webhook_delivery/local_receiver", |b| {
        b.iter(|| webhook.deliver(&settings, &event).unwrap())
    });
}

criterion_group!(benches, call_overhead, cold_load, webhook_delivery);
criterion_main!(benches);
