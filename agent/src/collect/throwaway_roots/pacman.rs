//! pacman: packages made by hand as `.pkg.tar.zst` with a `.PKGINFO` (makepkg refuses to run as
//! root, which tests and CI are), a local repository made with `repo-add`, the old versions
//! installed with `pacman -U` into a throwaway root and its sync database filled by
//! `pacman -Sy`. Arch publishes no security flag, so none is expected.

use std::path::{Path, PathBuf};

use patchmon_collector_core::plan::Manager;
use patchmon_collector_core::{Package, Repository, Upgradable};

use super::{collect_at_root, path_str, require, run, sorted, write, TestPackage, PACKAGES};

/// Builds `name-version-release-any.pkg.tar.zst` into `out` and returns its path.
fn build_package(work: &Path, out: &Path, package: &TestPackage, version: &str) -> PathBuf {
    let name = package.name;
    let tree = work.join(format!("build/{name}-{version}"));
    write(
        &tree.join(".PKGINFO"),
        &format!(
            "pkgname = {name}\npkgbase = {name}\npkgver = {version}\npkgdesc = {}\n\
             url = https://example.org/{name}\nbuilddate = 1700000000\n\
             packager = PatchMon tests <tests@example.org>\nsize = 7\narch = any\n\
             license = MIT\n",
            package.summary()
        ),
    );
    write(
        &tree.join(format!("usr/share/doc/{name}/README")),
        &format!("{name}\n"),
    );
    std::fs::create_dir_all(out).unwrap();
    let archive = out.join(format!("{name}-{version}-any.pkg.tar.zst"));
    run(&[
        "bsdtar",
        "-C",
        path_str(&tree),
        "--zstd",
        "-cf",
        path_str(&archive),
        ".PKGINFO",
        "usr",
    ]);
    archive
}

#[test]
fn pacman_reports_installed_packages_updates_and_the_configured_repository() {
    require("pacman", "pacman-package-manager");
    require("repo-add", "pacman-package-manager");
    require("bsdtar", "libarchive-tools");
    require("zstd", "zstd");
    let work = tempfile::tempdir().unwrap();
    let (packages, repo, root) = (
        work.path().join("packages"),
        work.path().join("repo"),
        work.path().join("root"),
    );

    let mut installed = Vec::new();
    let mut published = Vec::new();
    for package in &PACKAGES {
        let old = build_package(work.path(), &packages, package, &package.old_version());
        installed.push(path_str(&old).to_string());
        let new = if package.new == package.old {
            old
        } else {
            build_package(work.path(), &packages, package, &package.new_version())
        };
        let in_repo = repo.join(new.file_name().unwrap());
        std::fs::create_dir_all(&repo).unwrap();
        std::fs::copy(&new, &in_repo).unwrap();
        published.push(path_str(&in_repo).to_string());
    }
    // "local" is pacman's name for the installed-package database, so the repository is not.
    let mut repo_add = vec!["repo-add", "--quiet"];
    let database = repo.join("updates.db.tar.zst");
    repo_add.push(path_str(&database));
    repo_add.extend(published.iter().map(String::as_str));
    run(&repo_add);

    let url = format!("file://{}", path_str(&repo));
    write(
        &root.join("etc/pacman.conf"),
        &format!(
            "[options]\nArchitecture = auto\nSigLevel = Never\n\n\
             [updates]\nServer = {url}\n\n\
             #[testing]\n#Server = https://example.org/testing\n"
        ),
    );
    for dir in ["var/lib/pacman", "var/cache/pacman/pkg", "var/log"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    let root_str = path_str(&root);
    let in_root = |path: &str| format!("{root_str}{path}");
    let (dbpath, config, cachedir, logfile) = (
        in_root("/var/lib/pacman"),
        in_root("/etc/pacman.conf"),
        in_root("/var/cache/pacman/pkg"),
        in_root("/var/log/pacman.log"),
    );
    let pacman = |operation: &[&str]| {
        let mut argv = vec![
            "pacman",
            "--root",
            root_str,
            "--dbpath",
            &dbpath,
            "--config",
            &config,
            "--cachedir",
            &cachedir,
            "--logfile",
            &logfile,
            "--noconfirm",
        ];
        argv.extend(operation);
        run(&argv);
    };
    let mut install = vec!["-U"];
    install.extend(installed.iter().map(String::as_str));
    pacman(&install);
    pacman(&["-Sy"]);

    let inventory = sorted(collect_at_root(Manager::Pacman, &root));

    let package = |name: &str, version: &str| Package {
        name: name.into(),
        version: version.into(),
        ..Package::default()
    };
    assert_eq!(
        inventory.installed,
        [
            package("pmtest-docs", "3.0-1"),
            package("pmtest-editor", "2.0-1"),
            package("pmtest-ssl", "1.0-1"),
        ]
    );
    let update = |name: &str, from: &str, to: &str| Upgradable {
        name: name.into(),
        current_version: Some(from.into()),
        available_version: to.into(),
        ..Upgradable::default()
    };
    assert_eq!(
        inventory.upgradable,
        [
            update("pmtest-editor", "2.0-1", "2.1-1"),
            update("pmtest-ssl", "1.0-1", "1.0-2"),
        ]
    );
    assert_eq!(
        inventory.repositories,
        [Repository {
            name: "updates".into(),
            url,
            distribution: "updates".into(),
            components: Vec::new(),
            repo_type: "pacman".into(),
            enabled: true,
            secure: false,
        }]
    );
}
