//! `fs-read`: read files below granted paths, with no escape by `..` or symlink.

use std::io::Read;
use std::path::Path;

use super::CapError;
use crate::call::CallContext;
use crate::error::Capability;
use crate::grants::has_parent_component;

/// Check `path` against the grants and return its canonical form.
fn authorise(ctx: &mut CallContext, path: &str) -> Result<std::path::PathBuf, CapError> {
    let requested = Path::new(path);
    if !requested.is_absolute() {
        let detail = format!("path `{path}` is not absolute");
        return Err(CapError::Denied(ctx.deny(Capability::FsRead, detail)));
    }
    if has_parent_component(requested) {
        let detail = format!("path `{path}` contains `..`");
        return Err(CapError::Denied(ctx.deny(Capability::FsRead, detail)));
    }
    // Refuse before touching the disk, so a denial reveals nothing about what exists.
    let grants = &ctx.settings.grants;
    let lexically_granted = grants.fs_read.iter().any(|granted| {
        requested.starts_with(granted)
            || granted
                .canonicalize()
                .is_ok_and(|canonical| requested.starts_with(canonical))
    });
    if !lexically_granted {
        let detail = format!("no fs-read grant covers `{path}`");
        return Err(CapError::Denied(ctx.deny(Capability::FsRead, detail)));
    }
    let canonical = requested
        .canonicalize()
        .map_err(|e| CapError::Failed(format!("`{path}`: {e}")))?;
    if !ctx.settings.grants.allows_read(&canonical) {
        let detail = format!(
            "`{path}` resolves to `{}`, outside the granted paths",
            canonical.display()
        );
        return Err(CapError::Denied(ctx.deny(Capability::FsRead, detail)));
    }
    Ok(canonical)
}

pub(crate) fn read_file(ctx: &mut CallContext, path: &str) -> Result<Vec<u8>, CapError> {
    let canonical = authorise(ctx, path)?;
    let cap = ctx.limits.file_bytes;
    let file =
        std::fs::File::open(&canonical).map_err(|e| CapError::Failed(format!("`{path}`: {e}")))?;
    let mut data = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut data)
        .map_err(|e| CapError::Failed(format!("`{path}`: {e}")))?;
    if data.len() as u64 > cap {
        return Err(CapError::TooLarge);
    }
    Ok(data)
}

pub(crate) fn list_dir(ctx: &mut CallContext, path: &str) -> Result<Vec<String>, CapError> {
    let canonical = authorise(ctx, path)?;
    let entries =
        std::fs::read_dir(&canonical).map_err(|e| CapError::Failed(format!("`{path}`: {e}")))?;
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names)
}
