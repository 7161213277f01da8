//! A notifier whose `deliver` misbehaves as its configuration's `mode` says.
//! Every misbehaviour must end in a typed host error, never harm the host.

use patchmon_plugin_sdk::host::{self, HttpRequest, MailMessage};
use patchmon_plugin_sdk::notifier::{DeliveryError, Guest};
use patchmon_plugin_sdk::{Event, PluginInfo};

/// Bytes returned by the `oversized` modes: above the runtime's default 4 MiB output cap.
const OVERSIZED: usize = 6 * 1024 * 1024;

struct Hostile;

fn mode() -> String {
    host::config_json()
        .split("\"mode\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("ok")
        .to_string()
}

impl Guest for Hostile {
    fn info() -> PluginInfo {
        PluginInfo {
            id: "hostile-notifier".into(),
            name: "Hostile notifier".into(),
            version: "0.1.0".into(),
            description: "Misbehaves on purpose.".into(),
        }
    }

    fn config_schema() -> String {
        "{\"type\":\"object\"}".into()
    }

    fn validate_config(config_json: String) -> Result<(), Vec<String>> {
        if config_json.contains("oversized") {
            return Err(vec!["x".repeat(1024); OVERSIZED / 1024]);
        }
        Ok(())
    }

    fn deliver(_ev: Event) -> Result<(), DeliveryError> {
        match mode().as_str() {
            "loop" => {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            "memory" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 1024 * 1024]);
                    std::hint::black_box(&hoard);
                }
            }
            "panic" => panic!("hostile plugin panicked on purpose"),
            "unreachable" => trap(),
            "http" => host::http_send(&HttpRequest::new(
                "GET",
                "http://169.254.169.254/latest/meta-data/",
            ))
            .map(|_| ())
            .map_err(|e| DeliveryError::Permanent(format!("{e:?}"))),
            "mail" => host::send_mail(&MailMessage {
                to: vec!["victim@example.com".into()],
                subject: "spam".into(),
                body: "spam".into(),
            })
            .map_err(|e| DeliveryError::Permanent(format!("{e:?}"))),
            "kv" => {
                host::kv::set("k", b"v").map_err(|e| DeliveryError::Permanent(format!("{e:?}")))
            }
            "oversized" => Err(DeliveryError::Permanent("x".repeat(OVERSIZED))),
            _ => Ok(()),
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn trap() -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(not(target_arch = "wasm32"))]
fn trap() -> ! {
    std::process::abort()
}

patchmon_plugin_sdk::export_notifier!(Hostile);
