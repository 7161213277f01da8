//! The four sections of `POST /hosts/update`: packages, repos, interfaces, hostname.

use std::borrow::Cow;

use super::encode::{array, normalize, normalized, Object};
use super::sha256_hex;
use crate::report::{NetworkInterface, Package, Repository};

fn opt(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// Canonical bytes of the packages section: rows sorted by name, last row of each name kept.
pub fn packages_canonical(packages: &[Package]) -> String {
    let mut rows: Vec<(Cow<str>, &Package)> =
        packages.iter().map(|p| (normalized(&p.name), p)).collect();
    rows.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let kept: Vec<&(Cow<str>, &Package)> = rows
        .iter()
        .enumerate()
        .filter(|(i, row)| rows.get(i + 1).is_none_or(|next| next.0 != row.0))
        .map(|(_, row)| row)
        .collect();
    let mut out = String::new();
    array(&mut out, &kept, |out, (name, p)| {
        Object::start(out)
            .raw_text("name", name)
            .text("description", opt(&p.description))
            .text("category", opt(&p.category))
            .text("currentVersion", &p.current_version)
            .text("availableVersion", opt(&p.available_version))
            .bool("needsUpdate", p.needs_update)
            .bool("isSecurityUpdate", p.is_security_update)
            .text("sourceRepository", opt(&p.source_repository))
            .text("wuaGuid", opt(&p.wua_guid))
            .text("wuaKb", opt(&p.wua_kb))
            .text("wuaSeverity", opt(&p.wua_severity))
            .with("wuaCategories", |out| {
                wua_categories(out, &p.wua_categories)
            })
            .text("wuaSupportUrl", opt(&p.wua_support_url))
            .int(
                "wuaRevisionNumber",
                i64::from(p.wua_revision_number.unwrap_or(0)),
            )
            .end();
    });
    out
}

/// Sorted byte-wise on the raw strings, then each normalised; `null` when missing or empty.
fn wua_categories(out: &mut String, categories: &Option<Vec<String>>) {
    match categories {
        Some(list) if !list.is_empty() => {
            let mut sorted: Vec<&String> = list.iter().collect();
            sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            let normalized: Vec<String> = sorted.iter().map(|c| normalize(c)).collect();
            array(out, &normalized, |out, c| super::encode::string(out, c));
        }
        _ => out.push_str("null"),
    }
}

pub fn packages_hash(packages: &[Package]) -> String {
    sha256_hex(packages_canonical(packages).as_bytes())
}

/// Canonical bytes of the repos section: sorted by (url, distribution, components), de-duplicated
/// on that key, last wins.
pub fn repos_canonical(repos: &[Repository]) -> String {
    struct Row {
        url: String,
        distribution: String,
        components: String,
        name: String,
        repo_type: String,
        enabled: bool,
        secure: bool,
    }
    let mut rows: Vec<Row> = repos
        .iter()
        .map(|r| Row {
            url: normalize(&r.url),
            distribution: normalize(&r.distribution),
            components: normalize(&r.components),
            name: normalize(&r.name),
            repo_type: normalize(&r.repo_type),
            enabled: r.is_enabled,
            secure: r.is_secure,
        })
        .collect();
    let sort_key = |r: &Row| {
        (
            r.url.as_bytes().to_vec(),
            r.distribution.as_bytes().to_vec(),
            r.components.as_bytes().to_vec(),
        )
    };
    rows.sort_by_key(sort_key);
    let dedup_key = |r: &Row| format!("{}|{}|{}", r.url, r.distribution, r.components);
    let kept: Vec<&Row> = rows
        .iter()
        .enumerate()
        .filter(|(i, row)| {
            rows.get(i + 1)
                .is_none_or(|next| dedup_key(next) != dedup_key(row))
        })
        .map(|(_, row)| row)
        .collect();
    let mut out = String::new();
    array(&mut out, &kept, |out, row| {
        Object::start(out)
            .raw_text("name", &row.name)
            .raw_text("url", &row.url)
            .raw_text("distribution", &row.distribution)
            .raw_text("components", &row.components)
            .raw_text("repoType", &row.repo_type)
            .bool("isEnabled", row.enabled)
            .bool("isSecure", row.secure)
            .end();
    });
    out
}

pub fn repos_hash(repos: &[Repository]) -> String {
    sha256_hex(repos_canonical(repos).as_bytes())
}

/// Canonical bytes of the interfaces section: volatile fields (mtu, status, speed, duplex)
/// excluded, addresses sorted by (family, address), interfaces sorted by name, no de-duplication.
pub fn interfaces_canonical(interfaces: &[NetworkInterface]) -> String {
    struct Row {
        name: String,
        kind: String,
        mac: String,
        addresses: Vec<[String; 4]>,
    }
    let mut rows: Vec<Row> = interfaces
        .iter()
        .map(|i| {
            let mut addresses: Vec<[String; 4]> = i
                .addresses
                .iter()
                .map(|a| {
                    [
                        normalize(&a.address),
                        normalize(&a.family),
                        normalize(opt(&a.netmask)),
                        normalize(opt(&a.gateway)),
                    ]
                })
                .collect();
            addresses.sort_by(|a, b| {
                (a[1].as_bytes(), a[0].as_bytes()).cmp(&(b[1].as_bytes(), b[0].as_bytes()))
            });
            Row {
                name: normalize(&i.name),
                kind: normalize(&i.kind),
                mac: normalize(opt(&i.mac_address)).to_lowercase(),
                addresses,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let mut out = String::new();
    array(&mut out, &rows, |out, row| {
        Object::start(out)
            .raw_text("name", &row.name)
            .raw_text("type", &row.kind)
            .raw_text("macAddress", &row.mac)
            .with("addresses", |out| {
                array(out, &row.addresses, |out, a| {
                    Object::start(out)
                        .raw_text("address", &a[0])
                        .raw_text("family", &a[1])
                        .raw_text("netmask", &a[2])
                        .raw_text("gateway", &a[3])
                        .end();
                })
            })
            .end();
    });
    out
}

pub fn interfaces_hash(interfaces: &[NetworkInterface]) -> String {
    sha256_hex(interfaces_canonical(interfaces).as_bytes())
}

/// SHA-256 of the normalised hostname's UTF-8 bytes, no JSON wrapping.
pub fn hostname_hash(hostname: &str) -> String {
    sha256_hex(normalize(hostname).as_bytes())
}
