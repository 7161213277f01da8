//! Docker and compliance section hashes. Their inputs use the snake_case wire names of the
//! agent's `POST /integrations/docker` and `POST /compliance/scans` bodies.

use serde::{Deserialize, Serialize};

use super::encode::{array, normalize, Object};
use super::sha256_hex;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DockerContainer {
    #[serde(default)]
    pub container_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub image_repository: String,
    #[serde(default)]
    pub image_tag: String,
    #[serde(default)]
    pub image_id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub state: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DockerImage {
    #[serde(default)]
    pub repository: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub image_id: String,
    #[serde(default)]
    pub digest: Option<String>,
    #[serde(default)]
    pub size_bytes: i64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DockerVolume {
    #[serde(default)]
    pub volume_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub driver: String,
    #[serde(default)]
    pub scope: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DockerNetwork {
    #[serde(default)]
    pub network_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub driver: String,
    #[serde(default)]
    pub scope: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DockerUpdate {
    #[serde(default)]
    pub repository: String,
    #[serde(default)]
    pub current_tag: String,
    #[serde(default)]
    pub available_tag: String,
    #[serde(default)]
    pub current_digest: String,
    #[serde(default)]
    pub available_digest: String,
    #[serde(default)]
    pub image_id: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DockerInventory {
    #[serde(default)]
    pub containers: Vec<DockerContainer>,
    #[serde(default)]
    pub images: Vec<DockerImage>,
    #[serde(default)]
    pub volumes: Vec<DockerVolume>,
    #[serde(default)]
    pub networks: Vec<DockerNetwork>,
    #[serde(default)]
    pub updates: Vec<DockerUpdate>,
}

/// Normalises every string of each row, then stable-sorts rows by the given key columns.
fn sorted_rows<const N: usize>(rows: Vec<[String; N]>, key: &[usize]) -> Vec<[String; N]> {
    let mut rows: Vec<[String; N]> = rows
        .into_iter()
        .map(|row| row.map(|s| normalize(&s)))
        .collect();
    rows.sort_by(|a, b| {
        key.iter()
            .map(|&k| a[k].as_bytes().cmp(b[k].as_bytes()))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    rows
}

fn string_rows(out: &mut String, rows: &[[String; 4]], names: [&str; 4]) {
    array(out, rows, |out, row| {
        let mut object = Object::start(out);
        for (name, value) in names.iter().zip(row) {
            object.raw_text(name, value);
        }
        object.end();
    });
}

/// Canonical bytes of the docker section: every list present (`[]` when empty), no de-duplication.
pub fn docker_canonical(inventory: &DockerInventory) -> String {
    let containers = sorted_rows(
        inventory
            .containers
            .iter()
            .map(|c| {
                [
                    c.container_id.clone(),
                    c.name.clone(),
                    c.image_repository.clone(),
                    c.image_tag.clone(),
                    c.image_id.clone(),
                    c.status.clone(),
                    c.state.clone(),
                ]
            })
            .collect(),
        &[0],
    );
    // Images carry an integer, so sort (index, strings) and look the size up afterwards.
    let mut images: Vec<(i64, [String; 4])> = inventory
        .images
        .iter()
        .map(|i| {
            (
                i.size_bytes,
                [
                    normalize(&i.repository),
                    normalize(&i.tag),
                    normalize(&i.image_id),
                    normalize(i.digest.as_deref().unwrap_or("")),
                ],
            )
        })
        .collect();
    images.sort_by(|a, b| {
        (a.1[0].as_bytes(), a.1[1].as_bytes(), a.1[2].as_bytes()).cmp(&(
            b.1[0].as_bytes(),
            b.1[1].as_bytes(),
            b.1[2].as_bytes(),
        ))
    });
    let volumes = sorted_rows(
        inventory
            .volumes
            .iter()
            .map(|v| {
                [
                    v.volume_id.clone(),
                    v.name.clone(),
                    v.driver.clone(),
                    v.scope.clone(),
                ]
            })
            .collect(),
        &[0],
    );
    let networks = sorted_rows(
        inventory
            .networks
            .iter()
            .map(|n| {
                [
                    n.network_id.clone(),
                    n.name.clone(),
                    n.driver.clone(),
                    n.scope.clone(),
                ]
            })
            .collect(),
        &[0],
    );
    let updates = sorted_rows(
        inventory
            .updates
            .iter()
            .map(|u| {
                [
                    u.repository.clone(),
                    u.current_tag.clone(),
                    u.available_tag.clone(),
                    u.current_digest.clone(),
                    u.available_digest.clone(),
                    u.image_id.clone(),
                ]
            })
            .collect(),
        &[0, 1, 5],
    );
    let mut out = String::new();
    Object::start(&mut out)
        .with("containers", |out| {
            array(out, &containers, |out, c| {
                let names = [
                    "containerId",
                    "name",
                    "imageRepository",
                    "imageTag",
                    "imageId",
                    "status",
                    "state",
                ];
                let mut object = Object::start(out);
                for (name, value) in names.iter().zip(c) {
                    object.raw_text(name, value);
                }
                object.end();
            })
        })
        .with("images", |out| {
            array(out, &images, |out, (size, i)| {
                Object::start(out)
                    .raw_text("repository", &i[0])
                    .raw_text("tag", &i[1])
                    .raw_text("imageId", &i[2])
                    .raw_text("digest", &i[3])
                    .int("sizeBytes", *size)
                    .end();
            })
        })
        .with("volumes", |out| {
            string_rows(out, &volumes, ["volumeId", "name", "driver", "scope"])
        })
        .with("networks", |out| {
            string_rows(out, &networks, ["networkId", "name", "driver", "scope"])
        })
        .with("updates", |out| {
            array(out, &updates, |out, u| {
                let names = [
                    "repository",
                    "currentTag",
                    "availableTag",
                    "currentDigest",
                    "availableDigest",
                    "imageId",
                ];
                let mut object = Object::start(out);
                for (name, value) in names.iter().zip(u) {
                    object.raw_text(name, value);
                }
                object.end();
            })
        })
        .end();
    out
}

pub fn docker_hash(inventory: &DockerInventory) -> String {
    sha256_hex(docker_canonical(inventory).as_bytes())
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ComplianceResult {
    #[serde(default)]
    pub rule_ref: Option<String>,
    #[serde(default)]
    pub rule_id: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub finding: String,
    #[serde(default)]
    pub actual: String,
    #[serde(default)]
    pub expected: String,
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub remediation: String,
}

impl ComplianceResult {
    /// `rule_ref`, falling back to `rule_id`, then `id`.
    pub fn rule_ref(&self) -> &str {
        [&self.rule_ref, &self.rule_id, &self.id]
            .into_iter()
            .find_map(|v| v.as_deref().filter(|s| !s.is_empty()))
            .unwrap_or("")
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ComplianceScan {
    #[serde(default)]
    pub profile_name: String,
    #[serde(default)]
    pub profile_type: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub total_rules: Option<i64>,
    #[serde(default)]
    pub passed: Option<i64>,
    #[serde(default)]
    pub failed: Option<i64>,
    #[serde(default)]
    pub warnings: Option<i64>,
    #[serde(default)]
    pub skipped: Option<i64>,
    #[serde(default)]
    pub not_applicable: Option<i64>,
    #[serde(default)]
    pub remediation_applied: bool,
    #[serde(default)]
    pub remediation_count: i64,
    #[serde(default)]
    pub results: Vec<ComplianceResult>,
}

/// Canonical bytes of the compliance section (`{"scans":[...]}`); timestamps excluded, score
/// rounded half away from zero to four decimals.
pub fn compliance_canonical(scans: &[ComplianceScan]) -> String {
    const RESULT_FIELDS: [&str; 10] = [
        "ruleRef",
        "status",
        "severity",
        "section",
        "title",
        "description",
        "finding",
        "actual",
        "expected",
        "remediation",
    ];
    /// A scan, its normalised (profile name, profile type, status) and its sorted result rows.
    type ScanRow<'a> = (&'a ComplianceScan, [String; 3], Vec<[String; 10]>);
    let mut rows: Vec<ScanRow> = scans
        .iter()
        .map(|s| {
            let results: Vec<[String; 10]> = s
                .results
                .iter()
                .map(|r| {
                    [
                        r.rule_ref().to_string(),
                        r.status.clone(),
                        r.severity.clone(),
                        r.section.clone(),
                        r.title.clone(),
                        r.description.clone(),
                        r.finding.clone(),
                        r.actual.clone(),
                        r.expected.clone(),
                        r.remediation.clone(),
                    ]
                })
                .collect();
            let head = [
                normalize(&s.profile_name),
                normalize(&s.profile_type),
                normalize(&s.status),
            ];
            (s, head, sorted_rows(results, &[0, 1]))
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.1[0].as_bytes(), a.1[1].as_bytes()).cmp(&(b.1[0].as_bytes(), b.1[1].as_bytes()))
    });
    let mut out = String::new();
    Object::start(&mut out)
        .with("scans", |out| {
            array(out, &rows, |out, (scan, head, results)| {
                let score = (scan.score.unwrap_or(0.0) * 1e4).round() / 1e4;
                Object::start(out)
                    .raw_text("profileName", &head[0])
                    .raw_text("profileType", &head[1])
                    .raw_text("status", &head[2])
                    .float("score", score)
                    .int("totalRules", scan.total_rules.unwrap_or(0))
                    .int("passed", scan.passed.unwrap_or(0))
                    .int("failed", scan.failed.unwrap_or(0))
                    .int("warnings", scan.warnings.unwrap_or(0))
                    .int("skipped", scan.skipped.unwrap_or(0))
                    .int("notApplicable", scan.not_applicable.unwrap_or(0))
                    .bool("remediationApplied", scan.remediation_applied)
                    .int("remediationCount", scan.remediation_count)
                    .with("results", |out| {
                        array(out, results, |out, r| {
                            let mut object = Object::start(out);
                            for (name, value) in RESULT_FIELDS.iter().zip(r) {
                                object.raw_text(name, value);
                            }
                            object.end();
                        })
                    })
                    .end();
            })
        })
        .end();
    out
}

pub fn compliance_hash(scans: &[ComplianceScan]) -> String {
    sha256_hex(compliance_canonical(scans).as_bytes())
}
