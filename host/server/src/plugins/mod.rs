//! WebAssembly plugins on the server: the registry of installed plugins (database rows plus
//! loaded handles), their grants and configuration, and `/api/v1/plugins` to install, upgrade,
//! grant, configure, enable, disable, test and uninstall them at runtime without a restart.
//! The runtime itself is `patchmon-runtime`; see docs/plugins.md for authors.

pub mod builtin;
pub mod cli;
pub mod collectors;
pub mod config;
pub mod grants;
pub mod install;
pub mod integrations;
mod mount;
pub mod registry;
pub mod services;
pub mod store;
mod view;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use patchmon_runtime::types::{Event, Severity};
use patchmon_runtime::{LoadedPlugin, Manifest, PluginPackage};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::http::route::{delete, get, perm, post, put, Route};
use crate::http::{ClientIp, Error, JsonBody, Result, StoreContext};
use crate::rbac::Permission::ManageSettings;
pub use registry::{CallError, PluginRegistry};

/// Largest `.pmplugin` upload: the runtime's component cap plus room for the manifest.
const MAX_UPLOAD_BYTES: usize = 65 * 1024 * 1024;

impl From<CallError> for Error {
    fn from(e: CallError) -> Error {
        match e {
            CallError::NotFound => Error::not_found("Plugin not found"),
            CallError::Disabled => Error::bad_request("The plugin is disabled"),
            CallError::Store(source) => Error::Store {
                context: "Failed to load the plugin",
                source,
            },
            CallError::Load(m) => Error::bad_request(format!("The plugin cannot be loaded: {m}")),
            CallError::Runtime(e) => Error::bad_request(e.to_string()),
        }
    }
}

async fn find(state: &AppState, id: &str) -> Result<store::PluginRow> {
    store::find(&state.store, id)
        .await
        .ctx("Failed to load the plugin")?
        .ok_or_else(|| Error::not_found("Plugin not found"))
}

/// A stored row's manifest; rows are written only after their manifest parsed.
fn manifest_of(row: &store::PluginRow) -> Result<Manifest> {
    Manifest::parse(&row.manifest_toml).map_err(|e| Error::internal(e.to_string()))
}

async fn render_one(state: &AppState, id: &str) -> Result<Json<Value>> {
    let row = find(state, id).await?;
    Ok(Json(view::render(
        &row,
        &state.keys,
        state.plugins.metrics(id),
    )))
}

async fn list(State(state): State<AppState>) -> Result<Json<Value>> {
    let rows = store::list(&state.store)
        .await
        .ctx("Failed to load plugins")?;
    let plugins: Vec<Value> = rows
        .iter()
        .map(|row| view::render(row, &state.keys, state.plugins.metrics(&row.id)))
        .collect();
    Ok(Json(json!({ "plugins": plugins })))
}

async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    render_one(&state, &id).await
}

/// Install or upgrade from a `.pmplugin` sent as the request body.
async fn upload(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    body: Body,
) -> Result<(StatusCode, Json<Value>)> {
    let bytes = axum::body::to_bytes(body, MAX_UPLOAD_BYTES)
        .await
        .map_err(|_| {
            Error::status(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The plugin file is larger than 65 MiB",
            )
        })?;
    if bytes.is_empty() {
        return Err(Error::bad_request(
            "Send the .pmplugin file as the request body",
        ));
    }
    let package =
        PluginPackage::from_bytes(&bytes).map_err(|e| Error::bad_request(e.to_string()))?;
    let version = package.manifest.version.clone();
    let installed = install::install(
        &state.store,
        &state.plugins,
        package,
        install::Origin::Upload,
    )
    .await
    .map_err(|e| match e {
        install::InstallError::Invalid(m) => Error::bad_request(m),
        install::InstallError::Conflict(m) => Error::conflict(m),
        install::InstallError::Store(source) => Error::Store {
            context: "Failed to install the plugin",
            source,
        },
    })?;
    let action = if installed.upgraded {
        "plugin_upgraded"
    } else {
        "plugin_installed"
    };
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        action,
        Some(("plugin", &installed.id)),
        json!({ "version": version }),
    )
    .await;
    let status = if installed.upgraded {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, render_one(&state, &installed.id).await?))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct GrantsBody {
    /// Capability names to grant (a subset of what the plugin requests); the rest are revoked.
    capabilities: Vec<String>,
}

async fn set_grants(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<GrantsBody>,
) -> Result<Json<Value>> {
    let row = find(&state, &id).await?;
    let manifest = manifest_of(&row)?;
    let granted = grants::check(&manifest, &body.capabilities).map_err(Error::bad_request)?;
    store::set_grants(&state.store, &id, &granted)
        .await
        .ctx("Failed to save the grants")?;
    state.plugins.evict(&id);
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "plugin_grants_changed",
        Some(("plugin", &id)),
        json!({ "granted": granted }),
    )
    .await;
    render_one(&state, &id).await
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ConfigBody {
    /// The plugin's configuration. Secret fields left out keep their stored value; `null`
    /// clears one.
    config: Value,
}

async fn set_config(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ConfigBody>,
) -> Result<Json<Value>> {
    let row = find(&state, &id).await?;
    if !body.config.is_object() {
        return Err(Error::bad_request("config must be a JSON object"));
    }
    let manifest = manifest_of(&row)?;
    let schema = &manifest.config_schema;
    let current = config::unseal(&state.keys, &row.config.0, row.secrets_sealed.as_deref());
    let merged = config::merge_update(schema, &current, &body.config);
    let problems = config::validate(schema, &merged);
    if !problems.is_empty() {
        return Err(Error::bad_request("Invalid configuration").with("details", json!(problems)));
    }
    if row.kind == "notifier" {
        let loaded = state.plugins.get(&id).await?;
        let candidate = merged.clone();
        let problems = state
            .plugins
            .call_loaded(&id, loaded, move |loaded| match &loaded.plugin {
                LoadedPlugin::Notifier(n) => n.validate_config(&loaded.settings, &candidate),
                _ => Ok(Vec::new()),
            })
            .await?;
        if !problems.is_empty() {
            let details: Vec<Value> = problems
                .iter()
                .map(|m| json!({ "path": "", "message": m }))
                .collect();
            return Err(Error::bad_request("Invalid configuration").with("details", json!(details)));
        }
    }
    let stored = config::seal(&state.keys, schema, &merged);
    store::set_config(&state.store, &id, &stored.public, stored.sealed.as_deref())
        .await
        .ctx("Failed to save the configuration")?;
    state.plugins.evict(&id);
    let mut fields: Vec<&String> = merged
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    fields.sort();
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "plugin_configured",
        Some(("plugin", &id)),
        json!({ "fields": fields }),
    )
    .await;
    render_one(&state, &id).await
}

async fn enable(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let row = find(&state, &id).await?;
    let manifest = manifest_of(&row)?;
    let full = config::unseal(&state.keys, &row.config.0, row.secrets_sealed.as_deref());
    let problems = config::validate(&manifest.config_schema, &full);
    if !problems.is_empty() {
        return Err(
            Error::bad_request("Configure the plugin before enabling it")
                .with("details", json!(problems)),
        );
    }
    set_enabled(&state, &actor, ip, &id, true).await
}

async fn disable(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    find(&state, &id).await?;
    set_enabled(&state, &actor, ip, &id, false).await
}

async fn set_enabled(
    state: &AppState,
    actor: &CurrentUser,
    ip: ClientIp,
    id: &str,
    enabled: bool,
) -> Result<Json<Value>> {
    let status = if enabled { "enabled" } else { "disabled" };
    store::set_status(&state.store, id, enabled, status, None)
        .await
        .ctx("Failed to update the plugin")?;
    state.plugins.evict(id);
    audit::record(
        &state.store,
        &Actor::user(actor, ip),
        if enabled {
            "plugin_enabled"
        } else {
            "plugin_disabled"
        },
        Some(("plugin", id)),
        json!({}),
    )
    .await;
    render_one(state, id).await
}

/// The event a notifier's "Send test" delivers.
fn test_event() -> Event {
    Event {
        id: crate::store::new_id(),
        kind: "test".into(),
        severity: Severity::Info,
        title: "PatchMon-RS test notification".into(),
        message: "If you can read this, the notifier is configured correctly.".into(),
        occurred_at: chrono::Utc::now().to_rfc3339(),
        host: None,
        details: json!({}),
    }
}

/// Exercise a plugin once, even while disabled, so an administrator can check it before
/// enabling it: a notifier delivers a test event, an integration reports its info.
async fn test(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>> {
    let loaded = state.plugins.get(&id).await?;
    let outcome = state
        .plugins
        .call_loaded(&id, loaded, |loaded| match &loaded.plugin {
            LoadedPlugin::Notifier(n) => n
                .deliver(&loaded.settings, &test_event())
                .map(|()| "Test notification delivered".to_string()),
            LoadedPlugin::Integration(i) => i
                .info(&loaded.settings)
                .map(|info| format!("{} {} responded", info.name, info.version)),
            LoadedPlugin::Collector(_) => Ok("Collector plugins run on agents".to_string()),
            LoadedPlugin::Scanner(_) => Ok("Scanner plugins run on agents".to_string()),
        })
        .await;
    Ok(Json(match outcome {
        Ok(message) => {
            tracing::info!(plugin = %id, "plugin test succeeded");
            json!({ "ok": true, "message": message })
        }
        Err(CallError::Runtime(e)) => {
            tracing::warn!(plugin = %id, error = %e, "plugin test failed");
            json!({ "ok": false, "message": e.to_string() })
        }
        Err(e) => return Err(e.into()),
    }))
}

async fn uninstall(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    let row = find(&state, &id).await?;
    if row.builtin {
        return Err(Error::bad_request(
            "built-in plugins can be disabled but not removed",
        ));
    }
    store::delete(&state.store, &id)
        .await
        .ctx("Failed to remove the plugin")?;
    state.plugins.evict(&id);
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "plugin_removed",
        Some(("plugin", &id)),
        json!({ "version": row.version }),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

pub fn routes() -> Vec<Route> {
    let admin = || perm(ManageSettings);
    vec![
        get("/plugins", admin(), "Installed plugins", list),
        post(
            "/plugins",
            admin(),
            "Install or upgrade a plugin from a .pmplugin file sent as the body",
            upload,
        ),
        get("/plugins/{id}", admin(), "One installed plugin", get_one),
        put(
            "/plugins/{id}/grants",
            admin(),
            "Grant capabilities the plugin requests (the rest are revoked)",
            set_grants,
        )
        .body::<GrantsBody>(),
        put(
            "/plugins/{id}/config",
            admin(),
            "Configure a plugin (validated against its JSON Schema)",
            set_config,
        )
        .body::<ConfigBody>(),
        post("/plugins/{id}/enable", admin(), "Enable a plugin", enable),
        post(
            "/plugins/{id}/disable",
            admin(),
            "Disable a plugin",
            disable,
        ),
        post(
            "/plugins/{id}/test",
            admin(),
            "Call a plugin once (a notifier delivers a test event)",
            test,
        ),
        delete("/plugins/{id}", admin(), "Uninstall a plugin", uninstall),
    ]
    .into_iter()
    .map(|r| r.tag("plugins"))
    .chain(mount::routes())
    .chain(integrations::routes())
    .chain(collectors::routes())
    .collect()
}
