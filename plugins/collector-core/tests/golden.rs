//! Golden tests: each parser against output in its tool's documented format, and apt against
//! this Debian machine's real `dpkg-query` and `apt-get -s upgrade` output.

use patchmon_collector_core::{apk, apt, pacman, rpm, zypper, Upgradable};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn find<'a>(updates: &'a [Upgradable], name: &str) -> &'a Upgradable {
    updates
        .iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("{name} missing"))
}

#[test]
fn dpkg_query_from_a_real_debian_system() {
    let text = fixture("dpkg-query-debian.txt");
    let packages = apt::parse_dpkg_query(&text);
    assert_eq!(
        packages.len(),
        text.lines().count(),
        "every line of this system is installed (ii)"
    );
    let adduser = &packages[0];
    assert_eq!(
        (
            adduser.name.as_str(),
            adduser.version.as_str(),
            adduser.architecture.as_deref()
        ),
        ("adduser", "3.134", Some("all"))
    );
    assert_eq!(
        adduser.description.as_deref(),
        Some("add and remove users and groups")
    );
    assert!(packages
        .iter()
        .any(|p| p.name == "dpkg" && p.architecture.as_deref() == Some("amd64")));
    let not_installed =
        "foo\t1.0\tamd64\trc \tremoved, config files remain\nbar\t2.0\tamd64\tii \tbar tool\n";
    let parsed = apt::parse_dpkg_query(not_installed);
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].name, "bar");
}

#[test]
fn apt_simulation_from_a_real_debian_system_flags_security_pockets() {
    let text = fixture("apt-get-s-upgrade-debian.txt");
    let updates = apt::parse_apt_simulation(&text);
    assert_eq!(updates.len(), text.lines().count());
    let security = updates.iter().filter(|u| u.is_security).count();
    assert_eq!(
        security,
        text.lines().filter(|l| l.contains("-security")).count()
    );
    let bash = find(&updates, "bash");
    assert_eq!(
        (
            bash.current_version.as_deref(),
            bash.available_version.as_str(),
            bash.is_security
        ),
        (Some("5.2.15-2+b8"), "5.2.15-2+b13", false)
    );
    assert_eq!(
        bash.source_repository.as_deref(),
        Some("Debian:12.15/oldstable")
    );
    let gcrypt = find(&updates, "libgcrypt20-dev");
    assert!(gcrypt.is_security);
    assert_eq!(gcrypt.architecture.as_deref(), Some("amd64"));
}

#[test]
fn apt_list_upgradable() {
    let updates = apt::parse_apt_list_upgradable(&fixture("apt-list-upgradable.txt"));
    assert_eq!(updates.len(), 3, "the `Listing...` header is skipped");
    let openssl = find(&updates, "openssl");
    assert!(openssl.is_security);
    assert_eq!(
        openssl.current_version.as_deref(),
        Some("3.0.2-0ubuntu1.12")
    );
    assert_eq!(openssl.source_repository.as_deref(), Some("jammy-updates"));
    assert!(!find(&updates, "tzdata").is_security);
}

#[test]
fn apt_sources_one_line_and_deb822() {
    let repos = apt::parse_sources_list(&fixture("sources.list"));
    assert_eq!(repos.len(), 4, "commented lines are skipped");
    assert_eq!(repos[0].url, "http://archive.ubuntu.com/ubuntu");
    assert_eq!(
        (repos[0].distribution.as_str(), repos[0].components.clone()),
        ("jammy", vec!["main".to_string(), "restricted".to_string()])
    );
    assert!(!repos[0].secure);
    assert_eq!(
        repos[1].url, "https://download.docker.com/linux/ubuntu",
        "options in brackets skipped"
    );
    assert!(repos[1].secure);
    assert_eq!(repos[2].repo_type, "deb-src");

    let repos = apt::parse_deb822_sources(&fixture("debian.sources"));
    let suites: Vec<&str> = repos.iter().map(|r| r.distribution.as_str()).collect();
    assert_eq!(
        suites,
        ["bookworm", "bookworm-updates", "bookworm-security"]
    );
    assert_eq!(repos[2].url, "http://deb.debian.org/debian-security");
    let disabled = apt::parse_deb822_sources(
        "Types: deb deb-src\nURIs: https://a.example/x\nSuites: s\nComponents: main\nEnabled: no\n",
    );
    assert_eq!(disabled.len(), 2);
    assert!(disabled.iter().all(|r| !r.enabled && r.secure));
}

#[test]
fn rpm_query_drops_zero_epochs_and_gpg_keys() {
    let packages = rpm::parse_rpm_query(&fixture("rpm-qa.txt"));
    let versions: Vec<(&str, &str)> = packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        versions,
        [
            ("bash", "5.1.8-6.el9_1"),
            ("openssl", "1:3.0.7-24.el9"),
            ("tzdata", "2023c-1.el9")
        ]
    );
}

#[test]
fn dnf4_check_update_and_security_advisories() {
    let mut updates = rpm::parse_check_update(&fixture("dnf4-check-update.txt"));
    let names: Vec<&str> = updates.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "NetworkManager",
            "kernel",
            "openssl",
            "python3-some-really-long-package-name-for-wrapping"
        ],
        "wrapped row joined, obsoletes ignored"
    );
    assert_eq!(
        find(&updates, "openssl").available_version,
        "1:3.0.7-25.el9_3"
    );
    assert_eq!(
        find(&updates, "kernel").source_repository.as_deref(),
        Some("baseos")
    );
    let advisories = rpm::parse_security_advisories(&fixture("dnf4-updateinfo-security.txt"));
    assert_eq!(advisories["openssl"], ["RHSA-2024:0310"]);
    assert_eq!(advisories["kernel"], ["ALSA-2024:0897"]);
    assert_eq!(advisories["kernel-core"], ["RLSA-2024:0897"]);
    assert_eq!(advisories["libxml2"], ["ELSA-2024-0955"]);
    rpm::mark_security(&mut updates, &advisories);
    assert!(find(&updates, "openssl").is_security && find(&updates, "kernel").is_security);
    assert!(!find(&updates, "NetworkManager").is_security);
    let yum = rpm::parse_security_advisories(&fixture("yum-updateinfo-security.txt"));
    assert_eq!(yum["openssl"], ["CESA-2023:7877"]);
}

#[test]
fn dnf5_check_upgrade_and_advisories_with_hex_ids() {
    let updates = rpm::parse_check_update(&fixture("dnf5-check-upgrade.txt"));
    assert_eq!(updates.len(), 3);
    assert_eq!(
        find(&updates, "vim-minimal").available_version,
        "2:9.1.083-1.fc39"
    );
    let advisories = rpm::parse_security_advisories(&fixture("dnf5-advisory-security.txt"));
    assert_eq!(advisories.len(), 3);
    assert_eq!(advisories["curl"], ["FEDORA-2024-3f4a9c1b2d"]);
    assert_eq!(advisories["openssl"], ["FEDORA-2024-7e21c0a5b9"]);
    assert_eq!(advisories["zlib"], ["a1b2c3d4e5f60718"]);
}

#[test]
fn repo_files() {
    let repos = rpm::parse_repo_file(&fixture("rocky.repo"));
    assert_eq!(repos.len(), 2);
    assert_eq!(repos[0].distribution, "baseos");
    assert!(
        repos[0].url.starts_with("https://mirrors.rockylinux.org/")
            && repos[0].secure
            && repos[0].enabled
    );
    assert!(!repos[1].enabled && !repos[1].secure);
    assert_eq!(repos[1].name, "Rocky Linux $releasever - BaseOS - Debug");
}

#[test]
fn zypper_updates_and_security_patches() {
    let mut updates = zypper::parse_list_updates(&fixture("zypper-list-updates.txt"));
    assert_eq!(updates.len(), 3);
    assert_eq!(
        find(&updates, "vim").available_version,
        "9.1.0111-150500.20.9.1"
    );
    let patches = zypper::parse_security_patches(&fixture("zypper-list-patches-security.txt"));
    assert_eq!(patches.len(), 1, "applied patches are not needed");
    assert_eq!(
        (patches[0].name.as_str(), patches[0].severity.as_str()),
        ("openSUSE-SLE-15.5-2024-1234", "important")
    );
    zypper::mark_security(&mut updates, &patches);
    assert!(find(&updates, "openssl-3").is_security);
    assert!(!find(&updates, "vim").is_security);
}

#[test]
fn pacman_query_updates_and_conf() {
    assert_eq!(pacman::parse_query(&fixture("pacman-Q.txt")).len(), 3);
    let updates = pacman::parse_updates(&fixture("pacman-Qu.txt"));
    assert_eq!(updates.len(), 2, "ignored updates skipped");
    assert_eq!(find(&updates, "linux").available_version, "6.7.9.arch1-1");
    let repos = pacman::parse_pacman_conf(&fixture("pacman.conf"));
    let names: Vec<&str> = repos.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["core", "extra", "custom"]);
    assert_eq!(repos[2].url, "https://repo.example.com/$arch");
}

#[test]
fn apk_lists_and_repositories() {
    let installed = apk::parse_installed(&fixture("apk-list-installed.txt"));
    assert_eq!(installed.len(), 3);
    assert_eq!(
        (installed[2].name.as_str(), installed[2].version.as_str()),
        ("libssl3", "3.1.4-r1")
    );
    let updates = apk::parse_upgradable(&fixture("apk-list-upgradable.txt"));
    let ssl = find(&updates, "libssl3");
    assert_eq!(
        (
            ssl.current_version.as_deref(),
            ssl.available_version.as_str()
        ),
        (Some("3.1.4-r1"), "3.1.4-r5")
    );
    let repos = apk::parse_repositories(&fixture("apk-repositories"));
    assert_eq!(repos.len(), 3);
    assert_eq!(
        (repos[0].distribution.as_str(), repos[0].components.clone()),
        ("v3.19", vec!["main".to_string()])
    );
    assert!(!repos[2].enabled, "commented repository is disabled");
    assert_eq!(
        apk::split_name_version("alpine-baselayout-3.4.3-r2"),
        Some(("alpine-baselayout", "3.4.3-r2"))
    );
}
