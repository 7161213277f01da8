//! Stored agent data in the shapes the scoped API documents.
//!
//! Agents report a load-average array, disks as `{name, size, mountpoint}` and interfaces with
//! an address list; PatchMon's API answers with `{"1min","5min","15min"}`, `{filesystem, size,
//! used, available, use_percent, mounted_on}` and `{name, ip, mac}`. Values the agent did not
//! report are null rather than invented.

use serde_json::{json, Map, Value};

fn first_str<'a>(item: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| item.get(*k).and_then(Value::as_str))
}

/// `[1, 5, 15]` (or an already keyed object) as `{"1min", "5min", "15min"}`; `{}` when unknown.
pub fn load_average(stored: Option<&Value>) -> Value {
    match stored {
        Some(Value::Array(values)) => {
            let mut out = Map::new();
            for (key, value) in ["1min", "5min", "15min"].iter().zip(values) {
                out.insert((*key).into(), value.clone());
            }
            Value::Object(out)
        }
        Some(object @ Value::Object(_)) => object.clone(),
        _ => json!({}),
    }
}

/// Disks in PatchMon's API shape, whichever agent generation reported them; `[]` when unknown.
pub fn disks(stored: Option<&Value>) -> Value {
    let Some(Value::Array(items)) = stored else {
        return json!([]);
    };
    Value::Array(
        items
            .iter()
            .filter_map(Value::as_object)
            .map(|d| {
                json!({
                    "filesystem": first_str(d, &["filesystem", "device", "name"]),
                    "size": first_str(d, &["size"]),
                    "used": first_str(d, &["used"]),
                    "available": first_str(d, &["available"]),
                    "use_percent": first_str(d, &["use_percent", "usePercent"]),
                    "mounted_on": first_str(d, &["mounted_on", "mountPoint", "mountpoint"]),
                })
            })
            .collect(),
    )
}

/// Interfaces as `{name, ip, mac}`: the first IPv4 address (else the first address) of each.
pub fn interfaces(stored: Option<&Value>) -> Value {
    let Some(Value::Array(items)) = stored else {
        return json!([]);
    };
    Value::Array(
        items
            .iter()
            .filter_map(Value::as_object)
            .map(|i| {
                let addresses = i
                    .get("addresses")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let address =
                    |a: &Value| a.get("address").and_then(Value::as_str).map(str::to_string);
                let ip = addresses
                    .iter()
                    .find(|a| a.get("family").and_then(Value::as_str) == Some("inet"))
                    .and_then(address)
                    .or_else(|| addresses.first().and_then(address))
                    .or_else(|| first_str(i, &["ip"]).map(str::to_string));
                json!({
                    "name": first_str(i, &["name"]),
                    "ip": ip,
                    "mac": first_str(i, &["mac", "macAddress"]),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_shapes_become_api_shapes() {
        assert_eq!(
            load_average(Some(&json!([0.5, 0.3, 0.2]))),
            json!({"1min": 0.5, "5min": 0.3, "15min": 0.2})
        );
        assert_eq!(load_average(None), json!({}));
        assert_eq!(
            disks(Some(
                &json!([{"name": "/dev/sda1", "size": "50G", "mountpoint": "/"}])
            )),
            json!([{"filesystem": "/dev/sda1", "size": "50G", "used": null, "available": null, "use_percent": null, "mounted_on": "/"}])
        );
        assert_eq!(disks(Some(&json!("junk"))), json!([]));
        let stored = json!([{
            "name": "eth0", "type": "ethernet", "macAddress": "00:11:22:33:44:55",
            "addresses": [{"address": "fe80::1", "family": "inet6"}, {"address": "192.168.1.100", "family": "inet"}],
        }]);
        assert_eq!(
            interfaces(Some(&stored)),
            json!([{"name": "eth0", "ip": "192.168.1.100", "mac": "00:11:22:33:44:55"}])
        );
        assert_eq!(interfaces(None), json!([]));
    }
}
