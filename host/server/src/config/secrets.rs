//! Secrets generated on first run and kept in the data directory, readable by the owner only.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use rand::RngCore;

use super::ConfigError;

/// Reads `<data_dir>/<name>`, or creates it with 64 random hex characters and mode 0600.
pub fn load_or_generate(data_dir: &Path, name: &str) -> Result<String, ConfigError> {
    let path = data_dir.join(name);
    let io_err = |source| ConfigError::DataDir {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(existing) if !existing.trim().is_empty() => {
            let mode = std::fs::metadata(&path)
                .map_err(io_err)?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                    .map_err(io_err)?;
                tracing::warn!(file = %path.display(), "secret file was readable by others; tightened to 0600");
            }
            return Ok(existing.trim().to_string());
        }
        Ok(_) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(io_err(err)),
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .map_err(io_err)?;
    file.write_all(secret.as_bytes()).map_err(io_err)?;
    file.sync_all().map_err(io_err)?;
    tracing::info!(file = %path.display(), "generated a new secret");
    Ok(secret)
}
