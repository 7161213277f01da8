use std::os::unix::fs::PermissionsExt;

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_need_no_configuration() {
    let config = Config::load_from(Path::new("/nonexistent/patchmon.toml"), &[]).unwrap();
    assert_eq!(config.port, 3000);
    assert_eq!(config.database_url, "sqlite://./data/patchmon.db");
    assert_eq!(config.source_of("port"), Source::Default);
}

#[test]
fn environment_beats_file_beats_default() {
    let dir = tempdir();
    let file = dir.join("patchmon.toml");
    std::fs::write(&file, "port = 4000\nrate_limit_max = 10\n").unwrap();
    let config =
        Config::load_from(&file, &env(&[("PORT", "5000"), ("TRUST_PROXY", "true")])).unwrap();
    assert_eq!(config.port, 5000);
    assert_eq!(config.source_of("port"), Source::Environment);
    assert_eq!(config.rate_limit_max, 10);
    assert_eq!(config.source_of("rate_limit_max"), Source::File);
    assert!(config.trust_proxy);
    assert_eq!(config.source_of("max_login_attempts"), Source::Default);
}

#[test]
fn invalid_values_name_the_variable() {
    let err =
        Config::load_from(Path::new("/nonexistent"), &env(&[("PORT", "eighty")])).unwrap_err();
    assert!(err.to_string().starts_with("PORT:"), "{err}");
    assert!(
        err.to_string().contains("environment variable PORT"),
        "{err}"
    );

    let err = Config::load_from(
        Path::new("/nonexistent"),
        &env(&[("JWT_EXPIRES_IN", "soon")]),
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("JWT_EXPIRES_IN:"), "{err}");

    let err = Config::load_from(
        Path::new("/nonexistent"),
        &env(&[("JSON_BODY_LIMIT", "huge")]),
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("JSON_BODY_LIMIT:"), "{err}");
    let err = Config::load_from(Path::new("/nonexistent"), &env(&[("SMTP_SECURITY", "ssl")]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "SMTP_SECURITY: must be starttls, tls or none"
    );
}

#[test]
fn legacy_encryption_key_name_is_honoured() {
    let key = "0123456789abcdef0123456789abcdef";
    let config = Config::load_from(
        Path::new("/nonexistent"),
        &env(&[("AI_ENCRYPTION_KEY", key)]),
    )
    .unwrap();
    assert_eq!(config.encryption_key.as_deref(), Some(key));
}

#[test]
fn secrets_are_generated_once_with_private_permissions() {
    let dir = tempdir();
    let vars = env(&[("DATA_DIR", dir.to_str().unwrap())]);
    let mut first = Config::load_from(Path::new("/nonexistent"), &vars).unwrap();
    first.ensure_secrets().unwrap();
    let mode = std::fs::metadata(dir.join("jwt_secret"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(first.source_of("jwt_secret"), Source::Generated);

    let mut second = Config::load_from(Path::new("/nonexistent"), &vars).unwrap();
    second.ensure_secrets().unwrap();
    assert_eq!(first.jwt_secret, second.jwt_secret);
    assert_eq!(first.encryption_key, second.encryption_key);
    assert_eq!(first.jwt_secret.as_ref().unwrap().len(), 64);
}

#[test]
fn describe_masks_secrets() {
    let vars = env(&[
        ("JWT_SECRET", "a-very-long-jwt-secret-that-is-long-enough"),
        (
            "DATABASE_URL",
            "postgres://patchmon:hunter2@db:5432/patchmon",
        ),
    ]);
    let config = Config::load_from(Path::new("/nonexistent"), &vars).unwrap();
    let described = config.describe();
    let text = format!("{described:?}");
    assert!(!text.contains("hunter2"));
    assert!(!text.contains("a-very-long-jwt-secret"));
    assert!(text.contains("postgres://patchmon:********@db:5432/patchmon"));
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("patchmon-config-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
