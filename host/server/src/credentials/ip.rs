//! Allowed IP ranges of a credential: exact addresses or CIDR blocks, IPv4 or IPv6.
//!
//! IPv4-mapped IPv6 addresses (`::ffff:10.0.0.7`, what a dual-stack socket reports for an IPv4
//! client) are compared as the IPv4 address they carry, on both sides, so an allow-list written
//! in IPv4 works whichever way the client connected.

use std::net::IpAddr;

/// One allow-list entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

fn bits(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

impl IpRange {
    /// `10.0.0.7`, `10.0.0.0/24`, `2001:db8::/32`, `::ffff:10.0.0.0/120`. Octets must be plain
    /// decimal (`010.0.0.1` is refused rather than guessed at).
    pub fn parse(text: &str) -> Option<IpRange> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let parsed: IpAddr = address.trim().parse().ok()?;
        let width = bits(parsed).1;
        let prefix = match prefix {
            None => width,
            Some(p) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => {
                p.parse::<u8>().ok().filter(|p| *p <= width)?
            }
            Some(_) => return None,
        };
        let network = canonical(parsed);
        // A mapped IPv6 block becomes the IPv4 block it covers; shorter prefixes reach outside
        // the mapped space and keep their IPv6 form.
        let prefix = match (parsed, network) {
            (IpAddr::V6(_), IpAddr::V4(_)) if prefix >= 96 => prefix - 96,
            (IpAddr::V6(_), IpAddr::V4(_)) => {
                return Some(IpRange {
                    network: parsed,
                    prefix,
                })
            }
            _ => prefix,
        };
        Some(IpRange { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        let candidate = match (self.network, ip) {
            (IpAddr::V6(_), IpAddr::V4(v4)) => IpAddr::V6(v4.to_ipv6_mapped()),
            _ => ip,
        };
        let (net, width) = bits(self.network);
        let (addr, addr_width) = bits(candidate);
        if width != addr_width {
            return false;
        }
        if self.prefix == 0 {
            return true;
        }
        let shift = u32::from(width - self.prefix);
        net >> shift == addr >> shift
    }
}

/// True when `ranges` is empty (no restriction) or one entry covers `ip`. Entries that do not
/// parse match nothing (creation refuses them; this guards rows written by other tools).
pub fn allows(ranges: &[String], ip: IpAddr) -> bool {
    ranges.is_empty()
        || ranges
            .iter()
            .filter_map(|r| IpRange::parse(r))
            .any(|r| r.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn exact_and_cidr_in_both_families() {
        let exact = IpRange::parse(" 192.168.1.10 ").unwrap();
        assert!(exact.contains(ip("192.168.1.10")));
        assert!(!exact.contains(ip("192.168.1.11")));
        let block = IpRange::parse("10.0.0.0/24").unwrap();
        assert!(block.contains(ip("10.0.0.255")));
        assert!(!block.contains(ip("10.0.1.0")));
        assert!(IpRange::parse("0.0.0.0/0")
            .unwrap()
            .contains(ip("203.0.113.9")));
        let v6 = IpRange::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")));
        assert!(!v6.contains(ip("2001:db9::5")));
        assert!(!v6.contains(ip("10.0.0.1")));
        assert!(!block.contains(ip("2001:db8::1")));
    }

    #[test]
    fn ipv4_mapped_addresses_match_ipv4_entries_and_back() {
        let block = IpRange::parse("10.0.0.0/24").unwrap();
        assert!(block.contains(ip("::ffff:10.0.0.7")));
        assert!(!block.contains(ip("::ffff:192.168.1.5")));
        let mapped = IpRange::parse("::ffff:10.0.0.0/120").unwrap();
        assert!(mapped.contains(ip("10.0.0.9")));
        assert!(IpRange::parse("::ffff:10.0.0.7")
            .unwrap()
            .contains(ip("10.0.0.7")));
        let wide = IpRange::parse("::/0").unwrap();
        assert!(
            wide.contains(ip("10.1.2.3")),
            "every address, mapped ones too"
        );
    }

    #[test]
    fn malformed_entries_are_refused() {
        for bad in [
            "",
            "10.0.0",
            "010.0.0.1",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "10.0.0.0/+8",
            "2001:db8::/129",
            "host.example",
            "10.0.0.0/24/8",
        ] {
            assert_eq!(IpRange::parse(bad), None, "{bad:?}");
        }
        assert!(allows(&[], ip("1.2.3.4")));
        assert!(!allows(&["garbage".into()], ip("1.2.3.4")));
        assert!(allows(
            &["garbage".into(), "1.2.3.0/24".into()],
            ip("1.2.3.4")
        ));
    }
}
