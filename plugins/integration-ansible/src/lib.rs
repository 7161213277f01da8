//! Ansible integration: the fleet in the JSON shape of an Ansible dynamic inventory (`--list`):
//! every host under `_meta.hostvars` with `ansible_host` set to its IP, PatchMon host groups as
//! Ansible groups, and two groups to patch by, `patchmon_needs_updates` and
//! `patchmon_security_updates`.

use std::collections::{BTreeMap, BTreeSet};

use patchmon_plugin_sdk::integration::{
    json_response, list_hosts, Guest, HostSummary, HttpRequest, HttpResponse, Route,
};
use patchmon_plugin_sdk::{Event, PluginInfo};
use serde_json::{json, Map, Value};

struct Ansible;

impl Guest for Ansible {
    fn info() -> PluginInfo {
        PluginInfo {
            id: "integration-ansible".into(),
            name: "Ansible inventory".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "The fleet as an Ansible dynamic inventory.".into(),
        }
    }

    fn routes() -> Vec<Route> {
        vec![Route {
            method: "GET".into(),
            path: "/inventory".into(),
            description: "Every host with its variables, host groups as Ansible groups.".into(),
        }]
    }

    fn handle(request: HttpRequest) -> HttpResponse {
        if (request.method.as_str(), request.path.as_str()) != ("GET", "/inventory") {
            return json_response(404, &json!({ "error": "Route not found" }));
        }
        match list_hosts() {
            Ok(hosts) => json_response(200, &inventory(&hosts)),
            Err(e) => json_response(
                500,
                &json!({ "error": format!("fleet unavailable: {e:?}") }),
            ),
        }
    }

    fn on_event(_event: Event) -> Result<(), String> {
        Ok(())
    }
}

/// An Ansible group name: letters, digits and underscores, not starting with a digit.
pub fn group_name(name: &str) -> String {
    let mut out: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Inventory names: the reported host name, made unique with the id when two hosts share one.
fn inventory_names(hosts: &[HostSummary]) -> Vec<String> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for host in hosts {
        *seen.entry(host.hostname.as_str()).or_default() += 1;
    }
    hosts
        .iter()
        .map(|host| match seen[host.hostname.as_str()] {
            1 => host.hostname.clone(),
            _ => {
                let short: String = host.id.chars().take(8).collect();
                format!("{}-{short}", host.hostname)
            }
        })
        .collect()
}

/// The `--list` document.
pub fn inventory(hosts: &[HostSummary]) -> Value {
    let names = inventory_names(hosts);
    let mut hostvars = Map::new();
    let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut ungrouped = BTreeSet::new();
    for (host, name) in hosts.iter().zip(&names) {
        let mut vars = json!({
            "patchmon_id": host.id,
            "patchmon_friendly_name": host.friendly_name,
            "patchmon_os": host.os,
            "patchmon_status": host.status,
            "patchmon_outdated_packages": host.outdated_packages,
            "patchmon_security_updates": host.security_updates,
            "patchmon_groups": host.groups,
            "patchmon_last_seen": host.last_seen,
        });
        if let Some(ip) = &host.ip {
            vars["ansible_host"] = json!(ip);
        }
        hostvars.insert(name.clone(), vars);
        if host.groups.is_empty() {
            ungrouped.insert(name.clone());
        }
        for group in &host.groups {
            groups
                .entry(group_name(group))
                .or_default()
                .insert(name.clone());
        }
        if host.outdated_packages > 0 {
            groups
                .entry("patchmon_needs_updates".into())
                .or_default()
                .insert(name.clone());
        }
        if host.security_updates > 0 {
            groups
                .entry("patchmon_security_updates".into())
                .or_default()
                .insert(name.clone());
        }
    }
    let mut document = Map::new();
    let mut children: Vec<String> = groups.keys().cloned().collect();
    children.push("ungrouped".into());
    document.insert("_meta".into(), json!({ "hostvars": hostvars }));
    document.insert("all".into(), json!({ "children": children }));
    for (group, members) in groups {
        document.insert(group, json!({ "hosts": members }));
    }
    document.insert("ungrouped".into(), json!({ "hosts": ungrouped }));
    Value::Object(document)
}

patchmon_plugin_sdk::export_integration!(Ansible);

#[cfg(test)]
mod tests {
    use super::*;
    use patchmon_plugin_sdk::harness::Harness;

    fn host(
        id: &str,
        hostname: &str,
        groups: &[&str],
        outdated: u32,
        security: u32,
    ) -> HostSummary {
        HostSummary {
            id: id.into(),
            hostname: hostname.into(),
            friendly_name: Some(hostname.to_uppercase()),
            os: "Debian 12".into(),
            status: "active".into(),
            outdated_packages: outdated,
            security_updates: security,
            groups: groups.iter().map(|g| g.to_string()).collect(),
            last_seen: None,
            ip: Some(format!("192.0.2.{}", hostname.len())),
        }
    }

    fn get(path: &str) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            path: path.into(),
            query: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    #[test]
    fn groups_hostvars_and_patch_groups() {
        let hosts = vec![
            host("aaaaaaaa-1", "web-1", &["Web Servers", "prod"], 3, 1),
            host("bbbbbbbb-2", "db-1", &["prod"], 0, 0),
            host("cccccccc-3", "lab", &[], 1, 0),
        ];
        let (response, _) = Harness::new()
            .with_fleet(hosts)
            .run(|| Ansible::handle(get("/inventory")));
        assert_eq!(response.status, 200);
        let inventory: Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(inventory["prod"]["hosts"], json!(["db-1", "web-1"]));
        assert_eq!(inventory["web_servers"]["hosts"], json!(["web-1"]));
        assert_eq!(inventory["ungrouped"]["hosts"], json!(["lab"]));
        assert_eq!(
            inventory["patchmon_needs_updates"]["hosts"],
            json!(["lab", "web-1"])
        );
        assert_eq!(
            inventory["patchmon_security_updates"]["hosts"],
            json!(["web-1"])
        );
        assert_eq!(
            inventory["all"]["children"],
            json!([
                "patchmon_needs_updates",
                "patchmon_security_updates",
                "prod",
                "web_servers",
                "ungrouped"
            ])
        );
        let web = &inventory["_meta"]["hostvars"]["web-1"];
        assert_eq!(web["ansible_host"], "192.0.2.5");
        assert_eq!(web["patchmon_groups"], json!(["Web Servers", "prod"]));
        assert_eq!(web["patchmon_outdated_packages"], 3);
    }

    #[test]
    fn shared_host_names_are_made_unique_and_names_are_valid_groups() {
        let hosts = vec![
            host("aaaaaaaa-1", "web", &[], 0, 0),
            host("bbbbbbbb-2", "web", &[], 0, 0),
        ];
        let inventory = inventory(&hosts);
        let names: Vec<&String> = inventory["_meta"]["hostvars"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(names, ["web-aaaaaaaa", "web-bbbbbbbb"]);
        assert_eq!(group_name("10 Gb/s rack"), "_10_gb_s_rack");
        assert_eq!(group_name(""), "_");
    }

    #[test]
    fn without_the_fleet_the_inventory_fails_and_other_paths_are_404() {
        let (response, _) = Harness::new().run(|| Ansible::handle(get("/inventory")));
        assert_eq!(response.status, 500);
        let (response, _) = Harness::new()
            .with_fleet(Vec::new())
            .run(|| Ansible::handle(get("/x")));
        assert_eq!(response.status, 404);
    }
}
