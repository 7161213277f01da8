//! apt and dpkg: a local repository with a `stable` and a `stable-security` suite (packages
//! built with `dpkg-deb`, indexed and released with `apt-ftparchive`), the old versions
//! installed into a throwaway dpkg database with `dpkg --root`, the root's apt lists filled by
//! `apt-get update` with the root's one-line `sources.list` and deb822 `.sources`.

use std::path::Path;

use patchmon_collector_core::plan::Manager;
use patchmon_collector_core::{Package, Repository, Upgradable};

use super::{
    collect_at_root, path_str, require, run, run_in, sorted, write, TestPackage, PACKAGES,
};

const ORIGIN: &str = "PatchMon";

/// Builds `name_version_all.deb` into `dir` and returns its path.
fn build_deb(work: &Path, dir: &Path, package: &TestPackage, version: &str) -> String {
    let tree = work.join(format!("{}_{version}", package.name));
    write(
        &tree.join("DEBIAN/control"),
        &format!(
            "Package: {}\nVersion: {version}\nArchitecture: all\n\
             Maintainer: PatchMon tests <tests@example.org>\nDescription: {}\n",
            package.name,
            package.summary()
        ),
    );
    write(
        &tree.join(format!("usr/share/doc/{}/README", package.name)),
        &format!("{} {version}\n", package.name),
    );
    std::fs::create_dir_all(dir).unwrap();
    let deb = dir.join(format!("{}_{version}_all.deb", package.name));
    run(&[
        "dpkg-deb",
        "--root-owner-group",
        "--build",
        path_str(&tree),
        path_str(&deb),
    ]);
    path_str(&deb).to_string()
}

/// Indexes `pool/<pool>` as `dists/<suite>/main/binary-all/Packages` and writes the suite's
/// `Release`.
fn publish_suite(repo: &Path, suite: &str, pool: &str) {
    let packages = run_in(
        repo,
        &["apt-ftparchive", "packages", &format!("pool/{pool}")],
    );
    write(
        &repo.join(format!("dists/{suite}/main/binary-all/Packages")),
        &packages,
    );
    let field = |name: &str, value: &str| format!("APT::FTPArchive::Release::{name}={value}");
    let release = run_in(
        repo,
        &[
            "apt-ftparchive",
            "-o",
            &field("Origin", ORIGIN),
            "-o",
            &field("Label", ORIGIN),
            "-o",
            &field("Suite", suite),
            "-o",
            &field("Codename", suite),
            "-o",
            &field("Architectures", "all"),
            "-o",
            &field("Components", "main"),
            "release",
            &format!("dists/{suite}"),
        ],
    );
    write(&repo.join(format!("dists/{suite}/Release")), &release);
}

#[test]
fn apt_reports_installed_updates_the_security_pocket_and_both_source_formats() {
    require("dpkg-deb", "dpkg");
    require("apt-get", "apt");
    require("apt-ftparchive", "apt-utils");
    let work = tempfile::tempdir().unwrap();
    let (build, repo, root) = (
        work.path().join("build"),
        work.path().join("repo"),
        work.path().join("root"),
    );

    let mut installed_debs = Vec::new();
    for package in &PACKAGES {
        let old = build_deb(
            &build,
            &repo.join("pool/stable"),
            package,
            &package.old_version(),
        );
        installed_debs.push(old);
        if package.new != package.old {
            let pool = if package.security {
                "security"
            } else {
                "stable"
            };
            build_deb(
                &build,
                &repo.join("pool").join(pool),
                package,
                &package.new_version(),
            );
        }
    }
    publish_suite(&repo, "stable", "stable");
    publish_suite(&repo, "stable-security", "security");

    let url = format!("file://{}", path_str(&repo));
    write(
        &root.join("etc/apt/sources.list"),
        &format!("deb [trusted=yes] {url} stable main\n# deb-src {url} stable main\n"),
    );
    write(
        &root.join("etc/apt/sources.list.d/patchmon.sources"),
        &format!(
            "Types: deb\nURIs: {url}\nSuites: stable-security\nComponents: main\nTrusted: yes\n\n\
             Types: deb\nURIs: {url}/absent\nSuites: stable-backports\nComponents: main\n\
             Enabled: no\n"
        ),
    );
    for dir in [
        "var/lib/dpkg/info",
        "var/lib/dpkg/updates",
        "var/lib/apt/lists/partial",
        "var/cache/apt/archives/partial",
        "var/log",
        "etc/apt/apt.conf.d",
        "etc/apt/preferences.d",
    ] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    write(&root.join("var/lib/dpkg/status"), "");
    let root_str = path_str(&root);
    let mut dpkg = vec![
        "dpkg".to_string(),
        format!("--root={root_str}"),
        // dpkg logs to the machine's /var/log/dpkg.log unless told otherwise.
        format!("--log={root_str}/var/log/dpkg.log"),
        "-i".to_string(),
    ];
    dpkg.extend(installed_debs);
    run(&dpkg.iter().map(String::as_str).collect::<Vec<_>>());
    run(&[
        "apt-get",
        "-o",
        &format!("Dir={root_str}"),
        "-o",
        &format!("Dir::State::status={root_str}/var/lib/dpkg/status"),
        // apt's download sandbox user cannot enter the private temporary directory.
        "-o",
        "APT::Sandbox::User=root",
        "update",
    ]);

    let inventory = sorted(collect_at_root(Manager::Apt, &root));

    let package = |name: &str, version: &str| Package {
        name: name.into(),
        version: version.into(),
        architecture: Some("all".into()),
        source_repository: None,
        description: Some(format!("{name} test package")),
    };
    assert_eq!(
        inventory.installed,
        [
            package("pmtest-docs", "3.0-1"),
            package("pmtest-editor", "2.0-1"),
            package("pmtest-ssl", "1.0-1"),
        ]
    );
    let update = |name: &str, from: &str, to: &str, suite: &str, security: bool| Upgradable {
        name: name.into(),
        current_version: Some(from.into()),
        available_version: to.into(),
        architecture: Some("all".into()),
        is_security: security,
        source_repository: Some(format!("{ORIGIN}:{suite}")),
    };
    assert_eq!(
        inventory.upgradable,
        [
            update("pmtest-editor", "2.0-1", "2.1-1", "stable", false),
            update("pmtest-ssl", "1.0-1", "1.0-2", "stable-security", true),
        ]
    );
    let repository = |url: &str, suite: &str, enabled: bool| Repository {
        name: format!("{} {suite}", url.trim_start_matches("file://")),
        url: url.into(),
        distribution: suite.into(),
        components: vec!["main".into()],
        repo_type: "deb".into(),
        enabled,
        secure: false,
    };
    assert_eq!(
        inventory.repositories,
        [
            repository(&url, "stable", true),
            repository(&url, "stable-security", true),
            repository(&format!("{url}/absent"), "stable-backports", false),
        ]
    );

    let on_this_machine = std::process::Command::new("dpkg-query")
        .args(["-W", "pmtest-ssl"])
        .output()
        .unwrap();
    assert!(
        !on_this_machine.status.success(),
        "the machine's own dpkg database is untouched"
    );
}
