//! Golden tests: the fixture hashes PatchMon publishes, and byte-exact canonical forms derived
//! from the rules (key order, escapes, sorting, de-duplication, null vs empty lists).

use super::*;
use crate::report::{InterfaceAddress, NetworkInterface, Package, Repository};

fn package(name: &str, version: &str) -> Package {
    Package {
        name: name.into(),
        current_version: version.into(),
        ..Package::default()
    }
}

#[test]
fn hostname_fixtures_match_patchmon() {
    assert_eq!(
        hostname_hash("host01.example.com"),
        "53554747ce60798e79ea261d11aed46b499afe42156abec92d72348ae151dbbb"
    );
    let expected = "e93b36970fb6236ea6b7a3cca75ac0834a3da67653d0c82506ec9bbacf2412d7";
    assert_eq!(hostname_hash("caf\u{e9}.host"), expected);
    assert_eq!(
        hostname_hash("cafe\u{301}.host"),
        expected,
        "NFD input normalises to NFC"
    );
    assert_eq!(
        hostname_hash("  caf\u{e9}.host\n"),
        expected,
        "trimmed after NFC"
    );
}

#[test]
fn zero_packages_hash_matches_patchmon() {
    assert_eq!(packages_canonical(&[]), "[]");
    assert_eq!(
        packages_hash(&[]),
        "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
    );
}

#[test]
fn package_rows_have_fixed_key_order_and_null_categories() {
    let mut openssl = package("openssl", "3.0.2");
    openssl.available_version = Some("3.0.13".into());
    openssl.needs_update = true;
    openssl.is_security_update = true;
    assert_eq!(
        packages_canonical(&[openssl]),
        r#"[{"name":"openssl","description":"","category":"","currentVersion":"3.0.2","availableVersion":"3.0.13","needsUpdate":true,"isSecurityUpdate":true,"sourceRepository":"","wuaGuid":"","wuaKb":"","wuaSeverity":"","wuaCategories":null,"wuaSupportUrl":"","wuaRevisionNumber":0}]"#
    );
    let mut empty_list = package("a", "1");
    empty_list.wua_categories = Some(vec![]);
    assert!(packages_canonical(&[empty_list]).contains(r#""wuaCategories":null"#));
}

#[test]
fn wua_categories_sort_raw_then_normalise() {
    let mut p = package("kb", "1");
    // " b" sorts before "a" on raw bytes (space < 'a'), and is trimmed afterwards.
    p.wua_categories = Some(vec!["a".into(), " b".into()]);
    p.wua_revision_number = Some(7);
    let text = packages_canonical(&[p]);
    assert!(text.contains(r#""wuaCategories":["b","a"]"#), "{text}");
    assert!(text.ends_with(r#""wuaRevisionNumber":7}]"#));
}

#[test]
fn packages_sort_by_name_and_last_duplicate_wins() {
    let rows = [
        package("openssl", "1"),
        package("curl", "7"),
        package("openssl", "2"),
        package("Zlib", "1"),
    ];
    let text = packages_canonical(&rows);
    let names: Vec<&str> = text
        .match_indices(r#""name":""#)
        .map(|(i, _)| &text[i + 8..i + 12])
        .collect();
    assert_eq!(
        names,
        ["Zlib", "curl", "open"],
        "byte-wise order: uppercase first"
    );
    assert!(
        text.contains(r#""name":"openssl","description":"","category":"","currentVersion":"2""#)
    );
    assert!(!text.contains(r#""currentVersion":"1","availableVersion":"","needsUpdate":false,"isSecurityUpdate":false,"sourceRepository":"","wuaGuid":"","wuaKb":"","wuaSeverity":"","wuaCategories":null,"wuaSupportUrl":"","wuaRevisionNumber":0},{"name":"openssl""#));
    // Input order does not matter once names differ.
    let reversed: Vec<Package> = rows.iter().rev().cloned().collect();
    assert_ne!(
        packages_hash(&rows),
        packages_hash(&reversed),
        "duplicate order decides the winner"
    );
    let distinct = [package("b", "1"), package("a", "1")];
    let swapped = [package("a", "1"), package("b", "1")];
    assert_eq!(packages_hash(&distinct), packages_hash(&swapped));
}

#[test]
fn strings_are_escaped_like_go() {
    let mut p = package("x", "1");
    p.description = Some("a<b>&\"c\"\\\n\t\r\u{1}\u{2028}\u{2029}é".into());
    let text = packages_canonical(&[p]);
    assert!(
        text.contains(r#""description":"a\u003cb\u003e\u0026\"c\"\\\n\t\r\u0001\u2028\u2029é""#),
        "{text}"
    );
}

#[test]
fn repos_sort_by_url_distribution_components_and_dedupe() {
    let repo = |name: &str, url: &str, dist: &str, secure: bool| Repository {
        name: name.into(),
        url: url.into(),
        distribution: dist.into(),
        components: "main".into(),
        repo_type: "deb".into(),
        is_enabled: true,
        is_secure: secure,
    };
    let rows = [
        repo(
            "security",
            "http://security.ubuntu.com/ubuntu",
            "jammy-security",
            true,
        ),
        repo("ubuntu", "http://archive.ubuntu.com/ubuntu", "jammy", false),
        repo(
            "ubuntu-dup",
            "http://archive.ubuntu.com/ubuntu",
            "jammy",
            true,
        ),
    ];
    assert_eq!(
        repos_canonical(&rows),
        concat!(
            r#"[{"name":"ubuntu-dup","url":"http://archive.ubuntu.com/ubuntu","distribution":"jammy","components":"main","repoType":"deb","isEnabled":true,"isSecure":true},"#,
            r#"{"name":"security","url":"http://security.ubuntu.com/ubuntu","distribution":"jammy-security","components":"main","repoType":"deb","isEnabled":true,"isSecure":true}]"#
        )
    );
}

#[test]
fn interfaces_exclude_volatile_fields_and_lowercase_macs() {
    let eth0 = NetworkInterface {
        name: "eth0".into(),
        kind: "ethernet".into(),
        mac_address: Some("AA:BB:CC:DD:EE:FF".into()),
        mtu: Some(1500),
        status: Some("up".into()),
        link_speed: Some(1000),
        duplex: Some("full".into()),
        addresses: vec![
            InterfaceAddress {
                address: "fe80::1".into(),
                family: "inet6".into(),
                netmask: Some("/64".into()),
                gateway: None,
            },
            InterfaceAddress {
                address: "192.168.1.10".into(),
                family: "inet".into(),
                netmask: Some("/24".into()),
                gateway: Some("192.168.1.1".into()),
            },
        ],
    };
    let lo = NetworkInterface {
        name: "lo".into(),
        kind: "loopback".into(),
        ..NetworkInterface::default()
    };
    let text = interfaces_canonical(&[lo.clone(), eth0.clone()]);
    assert_eq!(
        text,
        concat!(
            r#"[{"name":"eth0","type":"ethernet","macAddress":"aa:bb:cc:dd:ee:ff","addresses":["#,
            r#"{"address":"192.168.1.10","family":"inet","netmask":"/24","gateway":"192.168.1.1"},"#,
            r#"{"address":"fe80::1","family":"inet6","netmask":"/64","gateway":""}]},"#,
            r#"{"name":"lo","type":"loopback","macAddress":"","addresses":[]}]"#
        )
    );
    let mut flapping = eth0.clone();
    flapping.status = Some("down".into());
    flapping.link_speed = Some(-1);
    assert_eq!(
        interfaces_hash(&[eth0, lo.clone()]),
        interfaces_hash(&[flapping, lo])
    );
}

#[test]
fn floats_print_like_go() {
    let cases = [
        (100.0, "100"),
        (92.4567, "92.4567"),
        (0.1, "0.1"),
        (1e-7, "1e-7"),
        (1e21, "1e+21"),
        (1.5e21, "1.5e+21"),
        (0.000001, "0.000001"),
        (f64::NAN, "0"),
        (-2.5, "-2.5"),
    ];
    for (value, expected) in cases {
        let mut out = String::new();
        encode::float(&mut out, value);
        assert_eq!(out, expected, "{value}");
    }
}

#[test]
fn docker_lists_are_always_present_and_sorted() {
    let empty = DockerInventory::default();
    assert_eq!(
        docker_canonical(&empty),
        r#"{"containers":[],"images":[],"volumes":[],"networks":[],"updates":[]}"#
    );
    let inventory = DockerInventory {
        containers: vec![
            DockerContainer {
                container_id: "c2".into(),
                name: "web".into(),
                image_repository: "nginx".into(),
                image_tag: "latest".into(),
                image_id: "sha256:a".into(),
                status: "Up 2 hours".into(),
                state: "running".into(),
            },
            DockerContainer {
                container_id: "c1".into(),
                name: "redis".into(),
                image_repository: "redis".into(),
                image_tag: "7".into(),
                image_id: "sha256:b".into(),
                status: "Up 1 hour".into(),
                state: "running".into(),
            },
        ],
        images: vec![DockerImage {
            repository: "nginx".into(),
            tag: "latest".into(),
            image_id: "sha256:a".into(),
            digest: None,
            size_bytes: 12_345_678,
        }],
        ..DockerInventory::default()
    };
    let text = docker_canonical(&inventory);
    assert!(text.starts_with(r#"{"containers":[{"containerId":"c1","name":"redis","imageRepository":"redis","imageTag":"7","imageId":"sha256:b","status":"Up 1 hour","state":"running"},{"containerId":"c2""#), "{text}");
    assert!(text.contains(r#""images":[{"repository":"nginx","tag":"latest","imageId":"sha256:a","digest":"","sizeBytes":12345678}]"#));
    assert_eq!(null_hash(), sha256_hex(b"null"));
}

#[test]
fn compliance_rounds_scores_and_sorts_results() {
    let result = |rule: &str, status: &str| ComplianceResult {
        rule_id: Some(rule.into()),
        status: status.into(),
        title: format!("Rule {rule}"),
        ..ComplianceResult::default()
    };
    let scan = ComplianceScan {
        profile_name: "CIS Level 1".into(),
        profile_type: "openscap".into(),
        status: "completed".into(),
        score: Some(92.45675),
        total_rules: Some(2),
        passed: Some(1),
        failed: Some(1),
        results: vec![result("r2", "fail"), result("r1", "pass")],
        ..ComplianceScan::default()
    };
    let text = compliance_canonical(&[scan]);
    assert!(text.starts_with(r#"{"scans":[{"profileName":"CIS Level 1","profileType":"openscap","status":"completed","score":92.4568,"totalRules":2,"passed":1,"failed":1,"warnings":0,"skipped":0,"notApplicable":0,"remediationApplied":false,"remediationCount":0,"results":[{"ruleRef":"r1","status":"pass""#), "{text}");
    assert_eq!(compliance_canonical(&[]), r#"{"scans":[]}"#);
}
