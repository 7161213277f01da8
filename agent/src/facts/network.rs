//! Network interfaces (sysfs for link facts, `getifaddrs` for addresses), default gateway
//! (/proc/net/route) and DNS servers (/etc/resolv.conf).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use patchmon_proto::report::{InterfaceAddress, NetworkInterface};

fn sys(iface: &str, file: &str) -> String {
    super::read(&format!("/sys/class/net/{iface}/{file}"))
}

fn prefix_len(mask: &[u8]) -> u32 {
    mask.iter().map(|b| b.count_ones()).sum()
}

/// Addresses per interface name, from the C library.
fn addresses() -> BTreeMap<String, Vec<InterfaceAddress>> {
    let mut out: BTreeMap<String, Vec<InterfaceAddress>> = BTreeMap::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs allocates a list we walk read-only and free with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return out;
    }
    let mut cursor = head;
    while !cursor.is_null() {
        // SAFETY: cursor is a valid node of the list until freeifaddrs.
        let entry = unsafe { &*cursor };
        cursor = entry.ifa_next;
        if entry.ifa_addr.is_null() || entry.ifa_name.is_null() {
            continue;
        }
        let name = unsafe { std::ffi::CStr::from_ptr(entry.ifa_name) }
            .to_string_lossy()
            .into_owned();
        let family = i32::from(unsafe { (*entry.ifa_addr).sa_family });
        let address = match family {
            libc::AF_INET => {
                // SAFETY: the family says these are sockaddr_in.
                let addr = unsafe { &*(entry.ifa_addr as *const libc::sockaddr_in) };
                let ip = Ipv4Addr::from(u32::from_be(addr.sin_addr.s_addr));
                let mask = (!entry.ifa_netmask.is_null()).then(|| {
                    let m = unsafe { &*(entry.ifa_netmask as *const libc::sockaddr_in) };
                    prefix_len(&m.sin_addr.s_addr.to_ne_bytes())
                });
                (IpAddr::V4(ip), mask, "inet")
            }
            libc::AF_INET6 => {
                // SAFETY: the family says these are sockaddr_in6.
                let addr = unsafe { &*(entry.ifa_addr as *const libc::sockaddr_in6) };
                let mask = (!entry.ifa_netmask.is_null()).then(|| {
                    let m = unsafe { &*(entry.ifa_netmask as *const libc::sockaddr_in6) };
                    prefix_len(&m.sin6_addr.s6_addr)
                });
                (
                    IpAddr::V6(Ipv6Addr::from(addr.sin6_addr.s6_addr)),
                    mask,
                    "inet6",
                )
            }
            _ => continue,
        };
        out.entry(name).or_default().push(InterfaceAddress {
            address: address.0.to_string(),
            family: address.2.into(),
            netmask: address.1.map(|m| format!("/{m}")),
            gateway: None,
        });
    }
    // SAFETY: head came from getifaddrs.
    unsafe { libc::freeifaddrs(head) };
    out
}

fn kind(iface: &str) -> String {
    if iface == "lo" {
        return "loopback".into();
    }
    let base = format!("/sys/class/net/{iface}");
    if std::path::Path::new(&format!("{base}/wireless")).exists() {
        "wireless".into()
    } else if std::path::Path::new(&format!("{base}/bridge")).exists() {
        "bridge".into()
    } else if !std::path::Path::new(&format!("{base}/device")).exists() {
        "virtual".into()
    } else {
        "ethernet".into()
    }
}

pub fn interfaces() -> Vec<NetworkInterface> {
    let mut addresses = addresses();
    let mut names: Vec<String> = std::fs::read_dir("/sys/class/net")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let mac = sys(&name, "address");
            NetworkInterface {
                kind: kind(&name),
                mac_address: (!mac.is_empty() && mac != "00:00:00:00:00:00").then_some(mac),
                mtu: sys(&name, "mtu").parse().ok(),
                status: Some(
                    if sys(&name, "operstate") == "down" {
                        "down"
                    } else {
                        "up"
                    }
                    .into(),
                ),
                link_speed: Some(sys(&name, "speed").parse().unwrap_or(-1)),
                duplex: Some(sys(&name, "duplex")).filter(|d| !d.is_empty()),
                addresses: addresses.remove(&name).unwrap_or_default(),
                name,
            }
        })
        .collect()
}

/// (gateway address, interface) of the default route in /proc/net/route (little-endian hex).
pub fn default_gateway(route: &str) -> (Option<String>, Option<String>) {
    for line in route.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() > 2 && fields[1] == "00000000" {
            if let Ok(raw) = u32::from_str_radix(fields[2], 16) {
                return (
                    Some(Ipv4Addr::from(raw.to_le_bytes()).to_string()),
                    Some(fields[0].to_string()),
                );
            }
        }
    }
    (None, None)
}

/// The IPv4 address of the default-route interface, else the first non-loopback one.
pub fn primary_ipv4(interfaces: &[NetworkInterface], gateway_iface: Option<&str>) -> String {
    let v4 = |i: &NetworkInterface| {
        i.addresses
            .iter()
            .find(|a| a.family == "inet")
            .map(|a| a.address.clone())
    };
    gateway_iface
        .and_then(|g| interfaces.iter().find(|i| i.name == g).and_then(v4))
        .or_else(|| interfaces.iter().filter(|i| i.name != "lo").find_map(v4))
        .unwrap_or_default()
}

pub fn dns_servers(resolv_conf: &str) -> Vec<String> {
    resolv_conf
        .lines()
        .filter_map(|l| l.trim().strip_prefix("nameserver"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_resolv_and_live_interfaces() {
        let route = "Iface\tDestination\tGateway\tFlags\nens4\t00000000\t0100800A\t0003\nens4\t0000800A\t00000000\t0001\n";
        assert_eq!(
            default_gateway(route),
            (Some("10.128.0.1".into()), Some("ens4".into()))
        );
        assert_eq!(
            dns_servers("# x\nnameserver 1.1.1.1\nnameserver  fd00::1\nsearch lan\n"),
            ["1.1.1.1", "fd00::1"]
        );
        let live = interfaces();
        let lo = live
            .iter()
            .find(|i| i.name == "lo")
            .expect("loopback exists");
        assert_eq!(lo.kind, "loopback");
        assert!(lo
            .addresses
            .iter()
            .any(|a| a.address == "127.0.0.1" && a.netmask.as_deref() == Some("/8")));
    }
}
