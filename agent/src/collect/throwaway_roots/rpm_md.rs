//! dnf and zypper: one rpm-md repository (packages built with `rpmbuild`, indexed with
//! `createrepo_c`, an `updateinfo.xml` with a security and a bugfix advisory added with
//! `modifyrepo_c`), the old versions installed into a throwaway root with `rpm --root`.

use std::path::{Path, PathBuf};

use patchmon_collector_core::plan::Manager;
use patchmon_collector_core::{Package, Repository, Upgradable};

use super::{collect_at_root, path_str, require, run, sorted, write, TestPackage, PACKAGES};

/// Builds `name-version-release.noarch.rpm` and returns its path.
fn build_rpm(work: &Path, package: &TestPackage, (version, release): (&str, &str)) -> PathBuf {
    let topdir = work.join("rpmbuild");
    let spec = topdir.join(format!("SPECS/{}-{version}-{release}.spec", package.name));
    let name = package.name;
    write(
        &spec,
        &format!(
            "Name: {name}\nVersion: {version}\nRelease: {release}\nSummary: {summary}\n\
             License: MIT\nBuildArch: noarch\n%description\n{summary}.\n\
             %install\nmkdir -p %{{buildroot}}/usr/share/doc/{name}\n\
             echo {name} > %{{buildroot}}/usr/share/doc/{name}/README\n\
             %files\n/usr/share/doc/{name}/README\n",
            summary = package.summary()
        ),
    );
    let topdir_str = path_str(&topdir);
    run(&[
        "rpmbuild",
        "--define",
        &format!("_topdir {topdir_str}"),
        // rpmbuild opens an rpm database to check build dependencies: keep it out of $HOME.
        "--define",
        &format!("_dbpath {topdir_str}/db"),
        "--define",
        "_build_id_links none",
        "-bb",
        path_str(&spec),
    ]);
    topdir.join(format!("RPMS/noarch/{name}-{version}-{release}.noarch.rpm"))
}

const UPDATEINFO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<updates>
  <update from="security@example.org" status="stable" type="security" version="1">
    <id>RHSA-2024:0001</id>
    <title>Security update for pmtest-ssl</title>
    <severity>Important</severity>
    <issued date="2024-01-01 00:00:00"/>
    <description>Fixes a flaw in pmtest-ssl.</description>
    <pkglist><collection short="patchmon"><name>PatchMon</name>
      <package name="pmtest-ssl" version="1.0" release="2" epoch="0" arch="noarch">
        <filename>pmtest-ssl-1.0-2.noarch.rpm</filename>
      </package>
    </collection></pkglist>
  </update>
  <update from="bugs@example.org" status="stable" type="bugfix" version="1">
    <id>RHBA-2024:0002</id>
    <title>Bug fix update for pmtest-editor</title>
    <issued date="2024-01-02 00:00:00"/>
    <description>Fixes a crash in pmtest-editor.</description>
    <pkglist><collection short="patchmon"><name>PatchMon</name>
      <package name="pmtest-editor" version="2.1" release="1" epoch="0" arch="noarch">
        <filename>pmtest-editor-2.1-1.noarch.rpm</filename>
      </package>
    </collection></pkglist>
  </update>
</updates>
"#;

/// The repository (new versions and advisories) and the old packages to install.
struct RpmMd {
    work: tempfile::TempDir,
    repo: PathBuf,
    installed_rpms: Vec<String>,
}

fn build_repository() -> RpmMd {
    require("rpmbuild", "rpm");
    require("createrepo_c", "createrepo-c");
    require("modifyrepo_c", "createrepo-c");
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let mut installed_rpms = Vec::new();
    for package in &PACKAGES {
        let old = build_rpm(work.path(), package, package.old);
        installed_rpms.push(path_str(&old).to_string());
        let new = if package.new == package.old {
            old
        } else {
            build_rpm(work.path(), package, package.new)
        };
        std::fs::copy(&new, repo.join(new.file_name().unwrap())).unwrap();
    }
    run(&["createrepo_c", "--quiet", path_str(&repo)]);
    let updateinfo = work.path().join("updateinfo.xml");
    write(&updateinfo, UPDATEINFO);
    run(&[
        "modifyrepo_c",
        "--mdtype=updateinfo",
        path_str(&updateinfo),
        path_str(&repo.join("repodata")),
    ]);
    RpmMd {
        work,
        repo,
        installed_rpms,
    }
}

impl RpmMd {
    /// A root with the old packages installed and a `.repo` file in `repos_dir`: the local
    /// repository, enabled, and a disabled remote one that must never be fetched.
    fn root(&self, name: &str, repos_dir: &str) -> PathBuf {
        let root = self.work.path().join(name);
        write(
            &root.join(repos_dir).join("patchmon.repo"),
            &format!(
                "[patchmon-updates]\nname=PatchMon updates\nbaseurl={}\nenabled=1\n\
                 autorefresh=1\ngpgcheck=0\ntype=rpm-md\n\n\
                 [patchmon-extras]\nname=PatchMon extras\nbaseurl=https://example.org/extras\n\
                 enabled=0\ngpgcheck=0\n",
                self.url()
            ),
        );
        let mut rpm = vec!["rpm", "--root", path_str(&root), "-i", "--nodeps"];
        rpm.extend(self.installed_rpms.iter().map(String::as_str));
        run(&rpm);
        root
    }

    fn url(&self) -> String {
        format!("file://{}", path_str(&self.repo))
    }

    fn repositories(&self) -> Vec<Repository> {
        let repository = |id: &str, name: &str, url: &str, enabled: bool| Repository {
            name: name.into(),
            url: url.into(),
            distribution: id.into(),
            components: Vec::new(),
            repo_type: "rpm-md".into(),
            enabled,
            secure: url.starts_with("https://"),
        };
        vec![
            repository("patchmon-updates", "PatchMon updates", &self.url(), true),
            repository(
                "patchmon-extras",
                "PatchMon extras",
                "https://example.org/extras",
                false,
            ),
        ]
    }
}

fn installed_at_old_versions() -> Vec<Package> {
    let package = |name: &str, version: &str| Package {
        name: name.into(),
        version: version.into(),
        architecture: Some("noarch".into()),
        source_repository: None,
        description: Some(format!("{name} test package")),
    };
    vec![
        package("pmtest-docs", "3.0-1"),
        package("pmtest-editor", "2.0-1"),
        package("pmtest-ssl", "1.0-1"),
    ]
}

fn update(name: &str, from: Option<&str>, to: &str, repo: &str, security: bool) -> Upgradable {
    Upgradable {
        name: name.into(),
        current_version: from.map(str::to_string),
        available_version: to.into(),
        architecture: Some("noarch".into()),
        is_security: security,
        source_repository: Some(repo.into()),
    }
}

#[test]
fn dnf_reports_installed_updates_and_the_security_advisory() {
    require("dnf", "dnf");
    let repository = build_repository();
    let root = repository.root("dnf-root", "etc/yum.repos.d");
    let installroot = format!("--installroot={}", path_str(&root));
    run(&["dnf", &installroot, "-q", "makecache"]);

    let inventory = sorted(collect_at_root(Manager::Dnf, &root));

    assert_eq!(inventory.installed, installed_at_old_versions());
    // check-update names the repository by id and does not print the installed version.
    assert_eq!(
        inventory.upgradable,
        [
            update("pmtest-editor", None, "2.1-1", "patchmon-updates", false),
            update("pmtest-ssl", None, "1.0-2", "patchmon-updates", true),
        ]
    );
    assert_eq!(inventory.repositories, repository.repositories());
}

#[test]
fn zypper_reports_installed_updates_and_the_security_patch() {
    require("zypper", "zypper");
    let repository = build_repository();
    let root = repository.root("zypper-root", "etc/zypp/repos.d");
    run(&[
        "zypper",
        "--root",
        path_str(&root),
        "--non-interactive",
        "refresh",
    ]);

    let inventory = sorted(collect_at_root(Manager::Zypper, &root));

    assert_eq!(inventory.installed, installed_at_old_versions());
    // list-updates names the repository by its name and prints the installed version.
    assert_eq!(
        inventory.upgradable,
        [
            update(
                "pmtest-editor",
                Some("2.0-1"),
                "2.1-1",
                "PatchMon updates",
                false
            ),
            update(
                "pmtest-ssl",
                Some("1.0-1"),
                "1.0-2",
                "PatchMon updates",
                true
            ),
        ]
    );
    assert_eq!(inventory.repositories, repository.repositories());
}
