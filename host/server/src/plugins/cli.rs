//! `patchmon-server plugin …`: author and administer plugins from the command line.
//!
//! `new`, `pack` and `inspect <file>` work offline; `list`, `install` and `remove` act on the
//! configured database, and a running server picks the change up within
//! [`SYNC_INTERVAL`](super::registry::SYNC_INTERVAL).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use patchmon_runtime::PluginPackage;

use super::install::{self, Origin};
use super::registry::PluginRegistry;
use super::{grants, store};
use crate::audit::{self, Actor};
use crate::config::Config;
use crate::crypto::Keys;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Installed plugins: id, version, kind, status and granted capabilities.
    List,
    /// Show a package's manifest (a .pmplugin path) or an installed plugin (an id).
    Inspect { target: String },
    /// Install or upgrade a plugin from a .pmplugin file.
    Install {
        file: PathBuf,
        /// Grant these requested capabilities (comma-separated, e.g. `http,kv`).
        #[arg(long, value_delimiter = ',', conflicts_with = "grant_all")]
        grant: Vec<String>,
        /// Grant every capability the plugin requests.
        #[arg(long)]
        grant_all: bool,
        /// Enable the plugin after installing it (its configuration must be valid).
        #[arg(long)]
        enable: bool,
    },
    /// Uninstall a plugin and delete its stored data.
    Remove { id: String },
    /// Write a new plugin crate (kind: collector, notifier, integration or scanner).
    New {
        kind: String,
        name: String,
        /// Destination directory (default: ./<name>).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Path of the plugin SDK (`plugin-sdk` in a checkout of this repository).
        #[arg(long, env = "PATCHMON_PLUGIN_SDK")]
        sdk: Option<PathBuf>,
    },
    /// Pin a built component into its manifest and write a .pmplugin file.
    Pack {
        manifest: PathBuf,
        wasm: PathBuf,
        /// Output file (default: <id>-<version>.pmplugin).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

pub async fn run(command: PluginCommand, config: Config) -> Result<(), String> {
    match command {
        PluginCommand::New {
            kind,
            name,
            dir,
            sdk,
        } => new_crate(&kind, &name, dir, sdk),
        PluginCommand::Pack {
            manifest,
            wasm,
            output,
        } => pack(&manifest, &wasm, output),
        PluginCommand::Inspect { target } if Path::new(&target).is_file() => {
            let package =
                PluginPackage::read_file(Path::new(&target)).map_err(|e| e.to_string())?;
            print!("{}", package.manifest_toml);
            Ok(())
        }
        command => with_database(command, config).await,
    }
}

fn new_crate(
    kind: &str,
    name: &str,
    dir: Option<PathBuf>,
    sdk: Option<PathBuf>,
) -> Result<(), String> {
    let sdk = sdk.or_else(checkout_sdk).ok_or(
        "cannot find the plugin SDK: pass --sdk <path to plugin-sdk> or set PATCHMON_PLUGIN_SDK",
    )?;
    let sdk = sdk
        .canonicalize()
        .map_err(|e| format!("plugin SDK {}: {e}", sdk.display()))?;
    let dest = dir.unwrap_or_else(|| PathBuf::from(name));
    let files =
        patchmon_plugin_scaffold::scaffold(kind, name, &dest, &sdk).map_err(|e| e.to_string())?;
    for file in files {
        println!("wrote {}", file.display());
    }
    println!(
        "next: cd {} && cargo build --target wasm32-wasip2 --release",
        dest.display()
    );
    Ok(())
}

/// The SDK of the checkout this binary was built from, when it is still there.
fn checkout_sdk() -> Option<PathBuf> {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plugin-sdk");
    sdk.join("Cargo.toml").is_file().then_some(sdk)
}

fn pack(manifest: &Path, wasm: &Path, output: Option<PathBuf>) -> Result<(), String> {
    let toml = std::fs::read_to_string(manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let bytes = std::fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let package = PluginPackage::pack(&toml, bytes).map_err(|e| e.to_string())?;
    let output = output.unwrap_or_else(|| {
        PathBuf::from(format!(
            "{}-{}.pmplugin",
            package.manifest.id, package.manifest.version
        ))
    });
    package.write_file(&output).map_err(|e| e.to_string())?;
    println!(
        "packed {} {} ({}) -> {}",
        package.manifest.id,
        package.manifest.version,
        package.manifest.wasm_sha256,
        output.display()
    );
    Ok(())
}

async fn with_database(command: PluginCommand, mut config: Config) -> Result<(), String> {
    config.ensure_secrets().map_err(|e| e.to_string())?;
    let store = Store::connect(&config).await.map_err(|e| e.to_string())?;
    let keys = Keys::from_encryption_key(config.encryption_key.as_deref().unwrap_or_default());
    let registry = PluginRegistry::new(store.clone(), keys, &config);
    let result = match command {
        PluginCommand::List => list(&store).await,
        PluginCommand::Inspect { target } => inspect_installed(&store, &target).await,
        PluginCommand::Install {
            file,
            grant,
            grant_all,
            enable,
        } => install_file(&store, &registry, &file, grant, grant_all, enable).await,
        PluginCommand::Remove { id } => remove(&store, &id).await,
        PluginCommand::New { .. } | PluginCommand::Pack { .. } => unreachable!("handled offline"),
    };
    store.close().await;
    result
}

async fn list(store: &Store) -> Result<(), String> {
    let rows = store::list(store).await.map_err(|e| e.to_string())?;
    if rows.is_empty() {
        println!("no plugins installed");
    }
    for row in rows {
        let origin = if row.builtin { " (built-in)" } else { "" };
        println!(
            "{:24} {:10} {:12} {:14} granted: {}{origin}",
            row.id,
            row.version,
            row.kind,
            row.status,
            if row.granted.0.is_empty() {
                "-".to_string()
            } else {
                row.granted.0.join(",")
            }
        );
        if let Some(reason) = row.status_reason {
            println!("    {reason}");
        }
    }
    Ok(())
}

async fn inspect_installed(store: &Store, id: &str) -> Result<(), String> {
    let row = store::find(store, id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no such file, and no installed plugin with id '{id}'"))?;
    print!("{}", row.manifest_toml);
    println!("# status: {}", row.status);
    println!("# granted: {}", row.granted.0.join(", "));
    Ok(())
}

async fn install_file(
    store: &Store,
    registry: &PluginRegistry,
    file: &Path,
    grant: Vec<String>,
    grant_all: bool,
    enable: bool,
) -> Result<(), String> {
    let package = PluginPackage::read_file(file).map_err(|e| e.to_string())?;
    let manifest = package.manifest.clone();
    let requested = grants::requested(&manifest);
    let granted = if grant_all {
        requested
    } else {
        grants::check(&manifest, &grant)?
    };
    let installed = install::install(store, registry, package, Origin::Upload)
        .await
        .map_err(|e| e.to_string())?;
    if grant_all || !grant.is_empty() {
        store::set_grants(store, &installed.id, &granted)
            .await
            .map_err(|e| e.to_string())?;
    }
    if enable {
        let row = store::find(store, &installed.id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the plugin vanished while being installed")?;
        let problems = super::config::validate(&manifest.config_schema, &row.config.0);
        if !problems.is_empty() {
            return Err(format!(
                "installed but not enabled: configure it first ({})",
                problems
                    .iter()
                    .map(|p| p.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        store::set_status(store, &installed.id, true, "enabled", None)
            .await
            .map_err(|e| e.to_string())?;
    }
    audit::record(
        store,
        &Actor::system(),
        if installed.upgraded {
            "plugin_upgraded"
        } else {
            "plugin_installed"
        },
        Some(("plugin", &installed.id)),
        serde_json::json!({ "version": manifest.version, "via": "cli" }),
    )
    .await;
    println!(
        "{} {} {} ({}); granted: {}",
        if installed.upgraded {
            "upgraded"
        } else {
            "installed"
        },
        manifest.id,
        manifest.version,
        if enable { "enabled" } else { "disabled" },
        if granted.is_empty() {
            "nothing".to_string()
        } else {
            granted.join(", ")
        }
    );
    Ok(())
}

async fn remove(store: &Store, id: &str) -> Result<(), String> {
    let row = store::find(store, id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no installed plugin with id '{id}'"))?;
    if row.builtin {
        return Err("built-in plugins can be disabled but not removed".into());
    }
    store::delete(store, id).await.map_err(|e| e.to_string())?;
    audit::record(
        store,
        &Actor::system(),
        "plugin_removed",
        Some(("plugin", id)),
        serde_json::json!({ "version": row.version, "via": "cli" }),
    )
    .await;
    println!("removed {id}");
    Ok(())
}
