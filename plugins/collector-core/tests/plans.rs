//! Plans: the running system's argv is the one the agent has always run, a root moves every
//! command and file with the tool's own options, and `assemble` reads outputs in plan order.

use patchmon_collector_core::plan::{Manager, Outputs, Plan, Read};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn argvs(plan: &Plan) -> Vec<Vec<&str>> {
    plan.commands
        .iter()
        .map(|c| c.argv.iter().map(String::as_str).collect())
        .collect()
}

const DPKG_FORMAT: &str =
    "${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${binary:Summary}\n";
const RPM_FORMAT: &str = "%{NAME}\t%{EPOCHNUM}\t%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SUMMARY}\n";

#[test]
fn the_running_system_gets_the_argv_the_agent_always_ran() {
    let expected: [(Manager, Vec<Vec<&str>>); 6] = [
        (
            Manager::Apt,
            vec![
                vec!["dpkg-query", "-W", "-f", DPKG_FORMAT],
                vec!["apt-get", "-s", "-o", "Debug::NoLocking=1", "upgrade"],
            ],
        ),
        (
            Manager::Dnf,
            vec![
                vec!["rpm", "-qa", "--qf", RPM_FORMAT],
                vec!["dnf", "-q", "check-update"],
                vec!["dnf", "-q", "updateinfo", "list", "--security"],
            ],
        ),
        (
            Manager::Yum,
            vec![
                vec!["rpm", "-qa", "--qf", RPM_FORMAT],
                vec!["yum", "-q", "check-update"],
                vec!["yum", "-q", "updateinfo", "list", "--security"],
            ],
        ),
        (
            Manager::Zypper,
            vec![
                vec!["rpm", "-qa", "--qf", RPM_FORMAT],
                vec!["zypper", "--non-interactive", "list-updates"],
                vec![
                    "zypper",
                    "--non-interactive",
                    "list-patches",
                    "--category",
                    "security",
                ],
            ],
        ),
        (
            Manager::Pacman,
            vec![vec!["pacman", "-Q"], vec!["pacman", "-Qu"]],
        ),
        (
            Manager::Apk,
            vec![
                vec!["apk", "list", "--installed"],
                vec!["apk", "list", "--upgradable"],
            ],
        ),
    ];
    for (manager, argv) in expected {
        assert_eq!(argvs(&manager.plan(None)), argv, "{}", manager.name());
    }
    let exit_codes = |m: Manager| -> Vec<(Vec<i32>, bool)> {
        m.plan(None)
            .commands
            .into_iter()
            .map(|c| (c.ok_exit_codes, c.required))
            .collect()
    };
    assert_eq!(
        exit_codes(Manager::Dnf),
        [(vec![0], true), (vec![0, 100], true), (vec![0], false)]
    );
    assert_eq!(
        exit_codes(Manager::Pacman),
        [(vec![0], true), (vec![0, 1], true)]
    );
    assert_eq!(Manager::Apt.programs(), ["dpkg-query", "apt-get"]);
    assert_eq!(Manager::Zypper.programs(), ["rpm", "zypper"]);
    assert_eq!(
        Manager::Apt.plan(None).reads,
        [
            Read::File("/etc/apt/sources.list".into()),
            Read::Dir {
                path: "/etc/apt/sources.list.d".into(),
                suffixes: vec![".list".into()]
            },
            Read::Dir {
                path: "/etc/apt/sources.list.d".into(),
                suffixes: vec![".sources".into()]
            },
        ]
    );
}

#[test]
fn a_root_moves_every_command_and_file_with_the_tools_own_options() {
    let root = Some("/srv/host/");
    assert_eq!(
        argvs(&Manager::Apt.plan(root)),
        [
            vec![
                "dpkg-query",
                "--admindir=/srv/host/var/lib/dpkg",
                "-W",
                "-f",
                DPKG_FORMAT
            ],
            vec![
                "apt-get",
                "-s",
                "-o",
                "Debug::NoLocking=1",
                "-o",
                "Dir=/srv/host/",
                "-o",
                "Dir::State::status=/srv/host/var/lib/dpkg/status",
                "upgrade"
            ],
        ]
    );
    assert_eq!(
        argvs(&Manager::Dnf.plan(root))[1..],
        [
            vec!["dnf", "--installroot=/srv/host/", "-q", "check-update"],
            vec![
                "dnf",
                "--installroot=/srv/host/",
                "-q",
                "updateinfo",
                "list",
                "--security"
            ],
        ]
    );
    assert_eq!(
        argvs(&Manager::Zypper.plan(root)),
        [
            vec!["rpm", "--root", "/srv/host/", "-qa", "--qf", RPM_FORMAT],
            vec![
                "zypper",
                "--root",
                "/srv/host/",
                "--non-interactive",
                "list-updates"
            ],
            vec![
                "zypper",
                "--root",
                "/srv/host/",
                "--non-interactive",
                "list-patches",
                "--category",
                "security"
            ],
        ]
    );
    assert_eq!(
        argvs(&Manager::Pacman.plan(root))[1],
        [
            "pacman",
            "--root",
            "/srv/host/",
            "--dbpath",
            "/srv/host/var/lib/pacman",
            "--config",
            "/srv/host/etc/pacman.conf",
            "-Qu"
        ]
    );
    assert_eq!(
        argvs(&Manager::Apk.plan(root))[0],
        ["apk", "--root", "/srv/host/", "list", "--installed"]
    );
    let reads = |m: Manager| m.plan(root).reads;
    assert_eq!(
        reads(Manager::Yum),
        [Read::Dir {
            path: "/srv/host/etc/yum.repos.d".into(),
            suffixes: vec![".repo".into()]
        }]
    );
    assert_eq!(
        reads(Manager::Zypper),
        [Read::Dir {
            path: "/srv/host/etc/zypp/repos.d".into(),
            suffixes: vec![".repo".into()]
        }]
    );
    assert_eq!(
        reads(Manager::Pacman),
        [Read::File("/srv/host/etc/pacman.conf".into())]
    );
    assert_eq!(
        reads(Manager::Apk),
        [Read::File("/srv/host/etc/apk/repositories".into())]
    );
}

#[test]
fn assemble_reads_outputs_in_plan_order() {
    let apt = Manager::Apt.assemble(&Outputs {
        commands: vec![
            Some(fixture("dpkg-query-debian.txt")),
            Some(fixture("apt-get-s-upgrade-debian.txt")),
        ],
        reads: vec![
            vec![fixture("sources.list")],
            vec![],
            vec![fixture("debian.sources")],
        ],
    });
    assert_eq!(
        apt.installed.len(),
        fixture("dpkg-query-debian.txt").lines().count()
    );
    assert!(apt.upgradable.iter().any(|u| u.is_security));
    let from_list = patchmon_collector_core::apt::parse_sources_list(&fixture("sources.list"));
    let from_deb822 =
        patchmon_collector_core::apt::parse_deb822_sources(&fixture("debian.sources"));
    assert_eq!(apt.repositories, [from_list, from_deb822].concat());

    // A failed optional advisory list leaves dnf's updates unflagged.
    let dnf_outputs = |advisories: Option<String>| Outputs {
        commands: vec![
            Some(fixture("rpm-qa.txt")),
            Some(fixture("dnf4-check-update.txt")),
            advisories,
        ],
        reads: vec![vec![fixture("rocky.repo")]],
    };
    let flagged =
        Manager::Dnf.assemble(&dnf_outputs(Some(fixture("dnf4-updateinfo-security.txt"))));
    let unflagged = Manager::Dnf.assemble(&dnf_outputs(None));
    assert!(flagged.upgradable.iter().any(|u| u.is_security));
    assert!(unflagged.upgradable.iter().all(|u| !u.is_security));
    assert_eq!(flagged.upgradable.len(), unflagged.upgradable.len());
    assert_eq!(flagged.installed, unflagged.installed);
    assert!(!flagged.repositories.is_empty());
}
