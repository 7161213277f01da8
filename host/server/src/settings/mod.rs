//! Server settings: the settings row, tunables with their sources, and the public settings the
//! login page needs.

mod store;
pub mod tunables;
mod validate;

pub use store::{build_server_url, load as load_row, seed, SettingsCache, SettingsRow};

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Map, Value};

use crate::app::AppState;
use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::http::route::{delete, get, patch, perm, put, Access, Route};
use crate::http::{ClientIp, Error, JsonBody, Result, StoreContext};
use crate::rbac::{Permission, ADMIN, SUPERADMIN};
use tunables::TUNABLES;

/// Settings columns whose value can also come from the environment (env wins).
const ENV_BACKED: &[(&str, &str)] = &[
    ("server_protocol", "server_protocol"),
    ("server_host", "server_host"),
    ("server_port", "server_port"),
    ("default_user_role", "default_user_role"),
];

/// The row with environment values applied, and the source of each such value.
fn effective_row(state: &AppState, row: &SettingsRow) -> (SettingsRow, Map<String, Value>) {
    let mut row = row.clone();
    let mut sources = Map::new();
    let config = &state.config;
    for (column, key) in ENV_BACKED {
        let explicit = config.source_of(key).is_explicit();
        sources.insert(
            (*column).into(),
            json!(if explicit { "env" } else { "database" }),
        );
    }
    if config.source_of("server_protocol").is_explicit() {
        row.server_protocol = config.server_protocol.clone();
    }
    if config.source_of("server_host").is_explicit() {
        row.server_host = config.server_host.clone();
    }
    if config.source_of("server_port").is_explicit() {
        row.server_port = config.server_port as i64;
    }
    let url_from_env = ["server_protocol", "server_host", "server_port"]
        .iter()
        .any(|k| config.source_of(k).is_explicit());
    if url_from_env {
        row.server_url = build_server_url(&row.server_protocol, &row.server_host, row.server_port);
    }
    sources.insert(
        "server_url".into(),
        json!(if url_from_env { "env" } else { "database" }),
    );
    if config.source_of("default_user_role").is_explicit() {
        row.default_user_role = config.default_user_role.clone();
    }
    (row, sources)
}

fn settings_json(state: &AppState, row: &SettingsRow) -> Value {
    let (row, sources) = effective_row(state, row);
    json!({
        "id": row.id,
        "server_url": row.server_url,
        "server_protocol": row.server_protocol,
        "server_host": row.server_host,
        "server_port": row.server_port,
        "update_interval": row.update_interval,
        "auto_update": row.auto_update,
        "default_compliance_mode": row.default_compliance_mode,
        "compliance_scan_interval": row.compliance_scan_interval,
        "package_cache_refresh_mode": row.package_cache_refresh_mode,
        "package_cache_refresh_max_age": row.package_cache_refresh_max_age,
        "signup_enabled": row.signup_enabled,
        "default_user_role": row.default_user_role,
        "ignore_ssl_self_signed": row.ignore_ssl_self_signed,
        "show_github_version_on_login": row.show_github_version_on_login,
        "alerts_enabled": row.alerts_enabled,
        "metrics_enabled": row.metrics_enabled,
        "timezone": row.timezone.clone().unwrap_or_else(|| state.config.tz.clone()),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "sources": sources,
    })
}

/// A setting the environment provides cannot be changed here: the write would have no effect.
fn refuse_env_backed(state: &AppState, body: &Map<String, Value>) -> Result<()> {
    let camel = |key: &str| {
        let mut out = String::new();
        let mut upper = false;
        for c in key.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    };
    let address_keys = ["server_protocol", "server_host", "server_port"];
    for (column, key) in ENV_BACKED
        .iter()
        .chain([("server_url", "server_host")].iter())
    {
        let sent = body.contains_key(*column) || body.contains_key(&camel(column));
        let from_env = if *column == "server_url" {
            address_keys
                .iter()
                .any(|k| state.config.source_of(k).is_explicit())
        } else {
            state.config.source_of(key).is_explicit()
        };
        if sent && from_env {
            let variable = if *column == "server_url" {
                "SERVER_PROTOCOL/SERVER_HOST/SERVER_PORT".to_string()
            } else {
                key.to_ascii_uppercase()
            };
            return Err(Error::bad_request(format!(
                "{column} is set by the environment ({variable}); change it there"
            )));
        }
    }
    Ok(())
}

async fn load(state: &AppState) -> Result<std::sync::Arc<store::Effective>> {
    state.settings.get().await.ctx("Failed to load settings")
}

/// The server URL agents and install scripts use (environment first).
pub async fn server_url(state: &AppState) -> Result<String> {
    let settings = load(state).await?;
    Ok(effective_row(state, &settings.row).0.server_url)
}

async fn get_server_url(State(state): State<AppState>) -> Result<Json<Value>> {
    Ok(Json(json!({"server_url": server_url(&state).await?})))
}

async fn current_url(headers: HeaderMap) -> Json<Value> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let scheme = header("x-forwarded-proto").unwrap_or_else(|| "http".into());
    let host = header("x-forwarded-host")
        .or_else(|| header("host"))
        .unwrap_or_else(|| "localhost:3000".into());
    Json(json!({"url": format!("{scheme}://{host}")}))
}

async fn login_settings(State(state): State<AppState>) -> Result<Json<Value>> {
    let settings = load(&state).await?;
    let admins = crate::users::store::count_active_with_roles(&state.store, &[ADMIN, SUPERADMIN])
        .await
        .ctx("Failed to load settings")?;
    Ok(Json(json!({
        "signup_enabled": settings.row.signup_enabled,
        "show_github_version_on_login": settings.row.show_github_version_on_login,
        "current_version": env!("CARGO_PKG_VERSION"),
        "show_newsletter": false,
        "admin_mode": false,
        "discord": {"enabled": false, "buttonText": "Login with Discord"},
        "updated_at": settings.row.updated_at,
        "hasAdminUsers": admins > 0,
        "oidc": {"enabled": false, "autoCreateUsers": false, "canBypassWelcome": false},
        "password_policy": settings.tunables.password_policy,
    })))
}

async fn public_settings(State(state): State<AppState>, _user: CurrentUser) -> Result<Json<Value>> {
    let settings = load(&state).await?;
    let row = &settings.row;
    Ok(Json(json!({
        "auto_update": row.auto_update,
        "alerts_enabled": row.alerts_enabled,
        "updated_at": row.updated_at,
        "timezone": row.timezone.clone().unwrap_or_else(|| state.config.tz.clone()),
        "admin_mode": false,
        "update_interval": row.update_interval,
    })))
}

async fn get_settings(State(state): State<AppState>) -> Result<Json<Value>> {
    let settings = load(&state).await?;
    Ok(Json(settings_json(&state, &settings.row)))
}

async fn update_settings(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>> {
    refuse_env_backed(&state, &body)?;
    let mut row = load(&state).await?.row.clone();
    let changed = validate::apply(&mut row, &body).map_err(Error::bad_request)?;
    if changed.iter().any(|k| k == "default_user_role")
        && !crate::rbac::role_exists(&state.store, &row.default_user_role)
            .await
            .ctx("Failed to update settings")?
    {
        return Err(Error::bad_request(format!(
            "Role does not exist: {}",
            row.default_user_role
        )));
    }
    row.updated_at = crate::store::now();
    store::save(&state.store, &row)
        .await
        .ctx("Failed to update settings")?;
    state.settings.invalidate().await;
    if changed
        .iter()
        .any(|k| crate::agent_hub::PUSHED_SETTINGS.contains(&k.as_str()))
    {
        crate::agent_hub::push_settings(
            &state,
            crate::agent_hub::AgentSettings {
                update_interval: row.update_interval,
                compliance_scan_interval: row.compliance_scan_interval,
                package_cache_refresh_mode: &row.package_cache_refresh_mode,
                package_cache_refresh_max_age: row.package_cache_refresh_max_age,
            },
        )
        .await;
    }
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "settings_updated",
        Some(("settings", store::SETTINGS_ID)),
        json!({"changed": changed}),
    )
    .await;
    Ok(Json(settings_json(&state, &row)))
}

/// Every tunable with its effective value and where that value came from.
async fn environment(State(state): State<AppState>) -> Result<Json<Value>> {
    let settings = load(&state).await?;
    let variables: Vec<Value> = TUNABLES
        .iter()
        .map(|t| {
            let r = tunables::resolve(&state.config, &settings.row.overrides, t.key);
            let mut v = json!({
                "category": t.category,
                "key": t.key.to_ascii_uppercase(),
                "type": t.kind,
                "effectiveValue": r.value,
                "effectiveSource": r.source,
                "defaultValue": r.default_value,
                "editable": r.env_value.is_none(),
                "conflict": r.env_value.is_some() && r.db_value.is_some(),
                "description": t.description,
            });
            if let Some(env) = r.env_value {
                v["envValue"] = env;
            }
            if let Some(db) = r.db_value {
                v["dbValue"] = db;
            }
            v
        })
        .collect();
    Ok(Json(json!({"variables": variables})))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct EnvValue {
    value: Option<Value>,
}

async fn set_environment(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(key): Path<String>,
    JsonBody(body): JsonBody<EnvValue>,
) -> Result<Json<Value>> {
    let tunable = tunables::find(&key.to_ascii_lowercase())
        .ok_or_else(|| Error::bad_request("unknown config key"))?;
    let value = body
        .value
        .filter(|v| !v.is_null())
        .ok_or_else(|| Error::bad_request("Value is required"))?;
    let value = tunables::validate(tunable, &value).map_err(Error::bad_request)?;
    let mut row = load(&state).await?.row.clone();
    row.overrides.0.insert(tunable.key.into(), value.clone());
    row.updated_at = crate::store::now();
    store::save(&state.store, &row)
        .await
        .ctx("Failed to save setting")?;
    state.settings.invalidate().await;
    audit::record(
        &state.store,
        &Actor::user(&actor, ip),
        "setting_changed",
        Some(("setting", tunable.key)),
        json!({"value": value}),
    )
    .await;
    let note = if state.config.source_of(tunable.key).is_explicit() {
        format!(
            "Saved, but {} is set in the environment, which takes precedence.",
            tunable.key.to_ascii_uppercase()
        )
    } else {
        "Saved. The new value is in effect.".to_string()
    };
    Ok(Json(json!({"message": note})))
}

async fn clear_environment(
    State(state): State<AppState>,
    actor: CurrentUser,
    ip: ClientIp,
    Path(key): Path<String>,
) -> Result<Json<Value>> {
    let tunable = tunables::find(&key.to_ascii_lowercase())
        .ok_or_else(|| Error::bad_request("unknown config key"))?;
    let mut row = load(&state).await?.row.clone();
    if row.overrides.0.remove(tunable.key).is_some() {
        row.updated_at = crate::store::now();
        store::save(&state.store, &row)
            .await
            .ctx("Failed to save setting")?;
        state.settings.invalidate().await;
        audit::record(
            &state.store,
            &Actor::user(&actor, ip),
            "setting_cleared",
            Some(("setting", tunable.key)),
            json!({}),
        )
        .await;
    }
    Ok(Json(json!({"message": "Database override removed."})))
}

pub fn routes() -> Vec<Route> {
    use Access::{Public, User};
    use Permission::ManageSettings;
    vec![
        get(
            "/settings/server-url",
            Public,
            "The server URL agents use",
            get_server_url,
        ),
        get(
            "/settings/current-url",
            Public,
            "The URL this request reached the server on",
            current_url,
        ),
        get(
            "/settings/login-settings",
            Public,
            "What the login page needs (first-run, signup, password policy)",
            login_settings,
        ),
        get(
            "/settings/public",
            User,
            "Settings any signed-in user may read",
            public_settings,
        ),
        get(
            "/settings",
            perm(ManageSettings),
            "All settings, with the source of env-backed values",
            get_settings,
        ),
        put(
            "/settings",
            perm(ManageSettings),
            "Update settings",
            update_settings,
        )
        .body::<Map<String, Value>>(),
        patch(
            "/settings",
            perm(ManageSettings),
            "Update settings",
            update_settings,
        )
        .body::<Map<String, Value>>(),
        get(
            "/settings/environment",
            perm(ManageSettings),
            "Tunables with effective value and source",
            environment,
        ),
        patch(
            "/settings/environment/{key}",
            perm(ManageSettings),
            "Store a database value for a tunable",
            set_environment,
        )
        .body::<EnvValue>(),
        delete(
            "/settings/environment/{key}",
            perm(ManageSettings),
            "Remove a tunable's database value",
            clear_environment,
        ),
    ]
    .into_iter()
    .map(|r| r.tag("settings"))
    .collect()
}
