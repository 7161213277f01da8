//! gethomepage integration: the fleet statistics behind gethomepage's `customapi` widget
//! (`/stats`) and a credential check (`/health`). The server serves both at
//! `/api/v1/gethomepage/*` after checking the caller's gethomepage credential, whose name it
//! passes in the `x-patchmon-credential` header.

use std::time::{SystemTime, UNIX_EPOCH};

use patchmon_plugin_sdk::integration::{
    json_response, overview, FleetOverview, Guest, HttpRequest, HttpResponse, Route,
};
use patchmon_plugin_sdk::{Event, PluginInfo};
use serde_json::{json, Map, Value};

/// Header carrying the name of the credential the request authenticated with.
const CREDENTIAL_HEADER: &str = "x-patchmon-credential";

/// The widget shows three operating systems; missing places read `None` / 0.
const TOP_OS: usize = 3;

struct GetHomepage;

impl Guest for GetHomepage {
    fn info() -> PluginInfo {
        PluginInfo {
            id: "integration-gethomepage".into(),
            name: "gethomepage".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fleet statistics for the gethomepage dashboard widget.".into(),
        }
    }

    fn routes() -> Vec<Route> {
        vec![
            Route {
                method: "GET".into(),
                path: "/stats".into(),
                description: "Fleet counts, the top operating systems and when they were taken."
                    .into(),
            },
            Route {
                method: "GET".into(),
                path: "/health".into(),
                description: "Confirms the credential works and names it.".into(),
            },
        ]
    }

    fn handle(request: HttpRequest) -> HttpResponse {
        match (request.method.as_str(), request.path.as_str()) {
            ("GET", "/stats") => match overview() {
                Ok(figures) => json_response(200, &stats(&figures, &now_rfc3339())),
                Err(_) => json_response(500, &json!({ "error": "Failed to fetch statistics" })),
            },
            ("GET", "/health") => {
                let credential = request
                    .headers
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(CREDENTIAL_HEADER))
                    .map(|(_, value)| value.as_str());
                json_response(
                    200,
                    &json!({ "status": "ok", "timestamp": now_rfc3339(), "api_key": credential }),
                )
            }
            _ => json_response(404, &json!({ "error": "Route not found" })),
        }
    }

    fn on_event(_event: Event) -> Result<(), String> {
        Ok(())
    }
}

/// The `/stats` document: every field always present.
pub fn stats(figures: &FleetOverview, generated_at: &str) -> Value {
    let mut body = Map::new();
    body.insert("total_hosts".into(), figures.active_hosts.into());
    body.insert(
        "total_outdated_packages".into(),
        figures.outdated_packages.into(),
    );
    body.insert("total_repos".into(), figures.active_repositories.into());
    body.insert(
        "hosts_needing_updates".into(),
        figures.hosts_needing_updates.into(),
    );
    body.insert(
        "up_to_date_hosts".into(),
        figures
            .active_hosts
            .saturating_sub(figures.hosts_needing_updates)
            .into(),
    );
    body.insert(
        "awaiting_data_hosts".into(),
        figures.awaiting_data_hosts.into(),
    );
    body.insert("security_updates".into(), figures.security_packages.into());
    body.insert(
        "hosts_with_security_updates".into(),
        figures.hosts_with_security_updates.into(),
    );
    body.insert("recent_updates_24h".into(), figures.reports_last_24h.into());
    let distribution: Vec<Value> = figures
        .os_distribution
        .iter()
        .map(|share| json!({ "name": share.os_type, "count": share.hosts, "os_type": share.os_type }))
        .collect();
    body.insert("os_distribution".into(), Value::Array(distribution));
    for place in 0..TOP_OS {
        let share = figures.os_distribution.get(place);
        body.insert(
            format!("top_os_{}_name", place + 1),
            share.map_or("None", |s| s.os_type.as_str()).into(),
        );
        body.insert(
            format!("top_os_{}_count", place + 1),
            share.map_or(0, |s| s.hosts).into(),
        );
    }
    body.insert("last_updated".into(), generated_at.into());
    Value::Object(body)
}

/// The current UTC time as RFC 3339 with milliseconds, e.g. `2026-11-23T04:05:06.789Z`.
fn now_rfc3339() -> String {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(since_epoch.as_millis() as i64)
}

/// Formats milliseconds since the Unix epoch (proleptic Gregorian calendar, UTC).
pub fn rfc3339(epoch_millis: i64) -> String {
    let (days, day_millis) = (
        epoch_millis.div_euclid(86_400_000),
        epoch_millis.rem_euclid(86_400_000),
    );
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let seconds = day_millis / 1000;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        day_millis % 1000
    )
}

patchmon_plugin_sdk::export_integration!(GetHomepage);

#[cfg(test)]
mod tests {
    use super::*;
    use patchmon_plugin_sdk::harness::Harness;
    use patchmon_plugin_sdk::integration::OsShare;

    fn figures() -> FleetOverview {
        FleetOverview {
            active_hosts: 42,
            awaiting_data_hosts: 2,
            hosts_needing_updates: 15,
            hosts_with_security_updates: 8,
            outdated_packages: 156,
            security_packages: 23,
            active_repositories: 12,
            reports_last_24h: 34,
            os_distribution: vec![
                OsShare {
                    os_type: "Ubuntu".into(),
                    hosts: 30,
                },
                OsShare {
                    os_type: "Debian".into(),
                    hosts: 12,
                },
            ],
        }
    }

    fn get(path: &str, headers: Vec<(String, String)>) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            path: path.into(),
            query: String::new(),
            headers,
            body: Vec::new(),
        }
    }

    fn body(response: &HttpResponse) -> Value {
        serde_json::from_slice(&response.body).unwrap()
    }

    #[test]
    fn stats_carry_every_widget_field() {
        let (response, _) = Harness::new()
            .with_overview(figures())
            .run(|| GetHomepage::handle(get("/stats", Vec::new())));
        assert_eq!(response.status, 200);
        let stats = body(&response);
        let expected = json!({
            "total_hosts": 42, "total_outdated_packages": 156, "total_repos": 12,
            "hosts_needing_updates": 15, "up_to_date_hosts": 27, "awaiting_data_hosts": 2,
            "security_updates": 23, "hosts_with_security_updates": 8, "recent_updates_24h": 34,
            "os_distribution": [
                {"name": "Ubuntu", "count": 30, "os_type": "Ubuntu"},
                {"name": "Debian", "count": 12, "os_type": "Debian"}
            ],
            "top_os_1_name": "Ubuntu", "top_os_1_count": 30,
            "top_os_2_name": "Debian", "top_os_2_count": 12,
            "top_os_3_name": "None", "top_os_3_count": 0,
            "last_updated": stats["last_updated"].clone(),
        });
        assert_eq!(stats, expected);
        assert!(stats["last_updated"].as_str().unwrap().ends_with('Z'));
    }

    #[test]
    fn stats_without_the_fleet_are_a_500() {
        let (response, _) = Harness::new().run(|| GetHomepage::handle(get("/stats", Vec::new())));
        assert_eq!(response.status, 500);
        assert_eq!(body(&response)["error"], "Failed to fetch statistics");
    }

    #[test]
    fn health_names_the_credential_and_other_paths_are_404() {
        let header = vec![("x-patchmon-credential".to_string(), "Homepage".to_string())];
        let (response, _) = Harness::new().run(|| GetHomepage::handle(get("/health", header)));
        let health = body(&response);
        assert_eq!(
            (health["status"].as_str(), health["api_key"].as_str()),
            (Some("ok"), Some("Homepage"))
        );
        let (response, _) = Harness::new().run(|| GetHomepage::handle(get("/other", Vec::new())));
        assert_eq!(response.status, 404);
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(1_795_402_800_123), "2026-11-23T03:00:00.123Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59.999Z");
    }
}
