//! Prometheus integration: `/metrics` in the Prometheus text exposition format (0.0.4). Fleet
//! and per-host gauges come from the `fleet` interface; the counters the server keeps itself
//! (reports and check-ins received, plugin calls and refusals) arrive as JSON in the request
//! body, since a plugin cannot see them otherwise.

use std::collections::BTreeMap;
use std::fmt::Write;

use patchmon_plugin_sdk::integration::{
    list_hosts, overview, FleetOverview, Guest, HostSummary, HttpRequest, HttpResponse, Route,
};
use patchmon_plugin_sdk::{Event, PluginInfo};
use serde::Deserialize;

struct Prometheus;

/// The server's own counters, as it sends them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ServerCounters {
    pub ingest: IngestCounters,
    /// Per plugin id.
    pub plugins: BTreeMap<String, PluginCounters>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IngestCounters {
    pub reports_stored: u64,
    pub reports_refused: u64,
    pub pings: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PluginCounters {
    pub calls: u64,
    pub denials: u64,
    pub traps: u64,
    pub timeouts: u64,
}

fn text(status: u16, body: String) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![(
            "content-type".into(),
            "text/plain; version=0.0.4; charset=utf-8".into(),
        )],
        body: body.into_bytes(),
    }
}

impl Guest for Prometheus {
    fn info() -> PluginInfo {
        PluginInfo {
            id: "integration-prometheus".into(),
            name: "Prometheus".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fleet, ingest and plugin metrics for Prometheus to scrape.".into(),
        }
    }

    fn routes() -> Vec<Route> {
        vec![Route {
            method: "GET".into(),
            path: "/metrics".into(),
            description: "Fleet, per-host, ingest and plugin metrics (Prometheus text format)."
                .into(),
        }]
    }

    fn handle(request: HttpRequest) -> HttpResponse {
        if (request.method.as_str(), request.path.as_str()) != ("GET", "/metrics") {
            return text(404, "not found\n".into());
        }
        let counters: ServerCounters = serde_json::from_slice(&request.body).unwrap_or_default();
        match (overview(), list_hosts()) {
            (Ok(figures), Ok(hosts)) => text(200, exposition(&figures, &hosts, &counters)),
            (Err(e), _) | (_, Err(e)) => text(500, format!("fleet unavailable: {e:?}\n")),
        }
    }

    fn on_event(_event: Event) -> Result<(), String> {
        Ok(())
    }
}

/// One metric family: its help and type lines, then its samples.
struct Family<'a> {
    out: &'a mut String,
    name: &'static str,
}

impl<'a> Family<'a> {
    fn new(out: &'a mut String, name: &'static str, kind: &str, help: &str) -> Self {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        Family { out, name }
    }

    fn sample(&mut self, labels: &[(&str, &str)], value: u64) {
        let _ = write!(self.out, "{}", self.name);
        if !labels.is_empty() {
            let pairs: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                .collect();
            let _ = write!(self.out, "{{{}}}", pairs.join(","));
        }
        let _ = writeln!(self.out, " {value}");
    }
}

/// Label values escape backslash, double quote and line feed.
pub fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn gauge(out: &mut String, name: &'static str, help: &str, value: u32) {
    Family::new(out, name, "gauge", help).sample(&[], value.into());
}

/// A metric family drawn from each item of a list: name, help, value of one item.
type Series<T> = (&'static str, &'static str, fn(&T) -> u64);

/// The whole exposition.
pub fn exposition(
    figures: &FleetOverview,
    hosts: &[HostSummary],
    counters: &ServerCounters,
) -> String {
    let mut out = String::new();
    let mut by_status: BTreeMap<&str, u64> = BTreeMap::new();
    for status in ["active", "inactive", "pending"] {
        by_status.insert(status, 0);
    }
    for host in hosts {
        *by_status.entry(host.status.as_str()).or_default() += 1;
    }
    let mut family = Family::new(&mut out, "patchmon_hosts", "gauge", "Hosts by status.");
    for (status, count) in &by_status {
        family.sample(&[("status", status)], *count);
    }
    gauge(
        &mut out,
        "patchmon_hosts_needing_updates",
        "Active hosts with at least one available update.",
        figures.hosts_needing_updates,
    );
    gauge(
        &mut out,
        "patchmon_hosts_with_security_updates",
        "Active hosts with at least one available security update.",
        figures.hosts_with_security_updates,
    );
    gauge(
        &mut out,
        "patchmon_outdated_packages",
        "Distinct packages with an update on at least one host.",
        figures.outdated_packages,
    );
    gauge(
        &mut out,
        "patchmon_security_packages",
        "Distinct packages with a security update on at least one host.",
        figures.security_packages,
    );
    gauge(
        &mut out,
        "patchmon_repositories_active",
        "Package repositories marked active.",
        figures.active_repositories,
    );
    gauge(
        &mut out,
        "patchmon_reports_last_24h",
        "Successful agent reports in the last 24 hours.",
        figures.reports_last_24h,
    );
    let mut family = Family::new(
        &mut out,
        "patchmon_os_hosts",
        "gauge",
        "Active hosts per operating system.",
    );
    for share in &figures.os_distribution {
        family.sample(&[("os_type", &share.os_type)], share.hosts.into());
    }

    let per_host: [Series<HostSummary>; 3] = [
        (
            "patchmon_host_outdated_packages",
            "Packages with an available update on the host.",
            |h| h.outdated_packages.into(),
        ),
        (
            "patchmon_host_security_updates",
            "Packages with an available security update on the host.",
            |h| h.security_updates.into(),
        ),
        (
            "patchmon_host_active",
            "1 when the host reports on schedule (status active), else 0.",
            |h| u64::from(h.status == "active"),
        ),
    ];
    for (name, help, value) in per_host {
        let mut family = Family::new(&mut out, name, "gauge", help);
        for host in hosts {
            let display = host.friendly_name.as_deref().unwrap_or(&host.hostname);
            family.sample(
                &[("host_id", &host.id), ("host", display), ("os", &host.os)],
                value(host),
            );
        }
    }

    let ingest = &counters.ingest;
    let mut family = Family::new(
        &mut out,
        "patchmon_ingest_reports_total",
        "counter",
        "Agent reports received by this server process, by outcome.",
    );
    family.sample(&[("outcome", "stored")], ingest.reports_stored);
    family.sample(&[("outcome", "refused")], ingest.reports_refused);
    Family::new(
        &mut out,
        "patchmon_ingest_pings_total",
        "counter",
        "Agent check-ins received by this server process.",
    )
    .sample(&[], ingest.pings);

    let per_plugin: [Series<PluginCounters>; 4] = [
        (
            "patchmon_plugin_calls_total",
            "Calls into each plugin by this server process.",
            |c| c.calls,
        ),
        (
            "patchmon_plugin_denials_total",
            "Capability calls refused for lack of a grant.",
            |c| c.denials,
        ),
        (
            "patchmon_plugin_traps_total",
            "Plugin calls that trapped (including memory and fuel exhaustion).",
            |c| c.traps,
        ),
        (
            "patchmon_plugin_timeouts_total",
            "Plugin calls interrupted by their deadline.",
            |c| c.timeouts,
        ),
    ];
    for (name, help, value) in per_plugin {
        let mut family = Family::new(&mut out, name, "counter", help);
        for (plugin, plugin_counters) in &counters.plugins {
            family.sample(&[("plugin", plugin)], value(plugin_counters));
        }
    }
    out
}

patchmon_plugin_sdk::export_integration!(Prometheus);

#[cfg(test)]
mod tests {
    use super::*;
    use patchmon_plugin_sdk::harness::Harness;
    use patchmon_plugin_sdk::integration::OsShare;

    fn host(id: &str, name: &str, status: &str, outdated: u32, security: u32) -> HostSummary {
        HostSummary {
            id: id.into(),
            hostname: format!("{name}.lab"),
            friendly_name: Some(name.into()),
            os: "Debian 12".into(),
            status: status.into(),
            outdated_packages: outdated,
            security_updates: security,
            groups: Vec::new(),
            last_seen: None,
            ip: None,
        }
    }

    fn request(body: &str) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            path: "/metrics".into(),
            query: String::new(),
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn figures() -> FleetOverview {
        FleetOverview {
            active_hosts: 1,
            awaiting_data_hosts: 1,
            hosts_needing_updates: 1,
            hosts_with_security_updates: 1,
            outdated_packages: 4,
            security_packages: 1,
            active_repositories: 2,
            reports_last_24h: 5,
            os_distribution: vec![OsShare {
                os_type: "Debian".into(),
                hosts: 1,
            }],
        }
    }

    #[test]
    fn metrics_cover_fleet_hosts_ingest_and_plugins() {
        let hosts = vec![
            host("h1", "web-1", "active", 4, 1),
            host("h2", "new \"1\"", "pending", 0, 0),
        ];
        let body = r#"{"ingest":{"reports_stored":7,"reports_refused":1,"pings":30},
                       "plugins":{"notifier-webhook":{"calls":3,"denials":1,"traps":0,"timeouts":2}}}"#;
        let (response, _) = Harness::new()
            .with_fleet(hosts)
            .with_overview(figures())
            .run(|| Prometheus::handle(request(body)));
        assert_eq!(response.status, 200);
        let text = String::from_utf8(response.body).unwrap();
        for line in [
            "# TYPE patchmon_hosts gauge",
            "patchmon_hosts{status=\"active\"} 1",
            "patchmon_hosts{status=\"inactive\"} 0",
            "patchmon_hosts{status=\"pending\"} 1",
            "patchmon_outdated_packages 4",
            "patchmon_os_hosts{os_type=\"Debian\"} 1",
            "patchmon_host_outdated_packages{host_id=\"h1\",host=\"web-1\",os=\"Debian 12\"} 4",
            "patchmon_host_active{host_id=\"h2\",host=\"new \\\"1\\\"\",os=\"Debian 12\"} 0",
            "# TYPE patchmon_ingest_reports_total counter",
            "patchmon_ingest_reports_total{outcome=\"stored\"} 7",
            "patchmon_ingest_pings_total 30",
            "patchmon_plugin_timeouts_total{plugin=\"notifier-webhook\"} 2",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
    }

    #[test]
    fn a_missing_body_still_exposes_the_fleet_and_other_paths_are_404() {
        let (response, _) = Harness::new()
            .with_fleet(Vec::new())
            .with_overview(FleetOverview {
                os_distribution: Vec::new(),
                ..figures()
            })
            .run(|| Prometheus::handle(request("")));
        let text = String::from_utf8(response.body).unwrap();
        assert!(text.contains("patchmon_ingest_pings_total 0"), "{text}");
        let mut other = request("");
        other.path = "/other".into();
        let (response, _) = Harness::new().run(|| Prometheus::handle(other));
        assert_eq!(response.status, 404);
    }

    #[test]
    fn without_the_fleet_grant_the_scrape_fails_loudly() {
        let (response, _) = Harness::new().run(|| Prometheus::handle(request("{}")));
        assert_eq!(response.status, 500);
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    }
}
