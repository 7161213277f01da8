//! Application state and assembly: the router built from every area's route table, and serving.

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tokio::net::{TcpListener, TcpSocket};
use tower::Layer;
use tower_http::normalize_path::NormalizePathLayer;

use crate::agent_hub::Agents;
use crate::auth::Jwt;
use crate::config::Config;
use crate::crypto::Keys;
use crate::ephemeral::{BatchedCounters, Ephemeral};
use crate::http::{self, Route};
use crate::ingest::agent_cache::AgentCache;
use crate::ingest::check_ins::CheckIns;
use crate::ingest::counters::IngestCounters;
use crate::plugins::PluginRegistry;
use crate::settings::SettingsCache;
use crate::store::Store;

pub struct AppInner {
    pub config: Config,
    pub store: Store,
    /// The same database for report ingest, through connections of the background runtime
    /// (`cpu_bound::in_background`), so a report's driver work yields to the check-ins.
    pub report_store: Store,
    pub ephemeral: Ephemeral,
    /// Rate-limit counts of the general and agent buckets, shared with other replicas lazily.
    pub request_counts: Arc<BatchedCounters>,
    pub keys: Keys,
    pub jwt: Jwt,
    pub settings: SettingsCache,
    /// Connected agents' WebSockets: this replica's, and with Redis every replica's.
    pub agents: Arc<Agents>,
    /// Installed WebAssembly plugins.
    pub plugins: Arc<PluginRegistry>,
    /// Reports and check-ins received by this process.
    pub ingest: IngestCounters,
    /// Check-ins of active hosts waiting for their batch write.
    pub check_ins: Arc<CheckIns>,
    /// Active hosts' agent credentials, for check-ins.
    pub agent_hosts: Arc<AgentCache>,
    pub started: Instant,
}

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

impl Deref for AppState {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("cannot connect to Redis: {0}")]
    Redis(#[from] crate::ephemeral::EphemeralError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

impl AppState {
    /// Connects to the database (migrating it) and Redis when configured, and seeds defaults.
    pub async fn build(mut config: Config) -> Result<AppState, StartError> {
        config.ensure_secrets()?;
        let store = Store::connect(&config).await?;
        Self::with_store(config, store).await
    }

    /// Builds the state on an already migrated store (tests use one schema per test).
    pub async fn with_store(config: Config, store: Store) -> Result<AppState, StartError> {
        let ephemeral = match config.redis_connection_url() {
            Some(url) => Ephemeral::redis(&url, &config.redis_key_prefix).await?,
            None => Ephemeral::memory(),
        };
        let keys = Keys::from_encryption_key(config.encryption_key.as_deref().unwrap_or_default());
        let jwt = Jwt::new(config.jwt_secret.as_deref().unwrap_or_default());
        crate::rbac::seed_built_in_roles(&store).await?;
        crate::settings::seed(&store, &config).await?;
        let settings = SettingsCache::new(store.clone(), &config);
        let agent_hosts = Arc::new(AgentCache::default());
        let agents = match (&ephemeral, config.redis_connection_url()) {
            (Ephemeral::Redis { conn, prefix }, Some(url)) => {
                let agents = Arc::new(Agents::shared(conn.clone(), prefix));
                Agents::spawn_tasks(agents.clone(), &url);
                AgentCache::share_through_redis(agent_hosts.clone(), conn.clone(), &url, prefix)
                    .map_err(crate::ephemeral::EphemeralError::from)?;
                agents
            }
            _ => Arc::new(Agents::local()),
        };
        let plugins = Arc::new(PluginRegistry::new(store.clone(), keys.clone(), &config));
        crate::plugins::builtin::seed(&store, &plugins).await?;
        PluginRegistry::spawn_sync(plugins.clone());
        let check_ins = CheckIns::start(store.clone());
        let (_, report_connections) = crate::store::split_connections(config.db_connection_limit);
        let report_store =
            store.twin_on(crate::cpu_bound::background_runtime(), report_connections);
        Ok(AppState(Arc::new(AppInner {
            config,
            store,
            report_store,
            request_counts: BatchedCounters::start(ephemeral.clone()),
            ephemeral,
            keys,
            jwt,
            settings,
            agents,
            plugins,
            ingest: IngestCounters::default(),
            check_ins,
            agent_hosts,
            started: Instant::now(),
        })))
    }
}

/// Every route of the API, from every area, in one table.
pub fn routes() -> Vec<Route> {
    [
        crate::auth::routes(),
        crate::tfa::routes(),
        crate::users::routes(),
        crate::rbac::routes(),
        crate::hosts::routes(),
        crate::groups::routes(),
        crate::settings::routes(),
        crate::audit::routes(),
        crate::dashboard::routes(),
        crate::packages::routes(),
        crate::repos::routes(),
        crate::ingest::routes(),
        crate::agent_hub::routes(),
        crate::credentials::routes(),
        crate::enrollment::routes(),
        crate::scoped_api::routes(),
        crate::plugins::routes(),
        crate::http::openapi::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

pub fn router(state: AppState) -> Router {
    let body_limit = state.config.json_body_limit_bytes();
    let api = http::build_api_router(&state, routes()).layer(DefaultBodyLimit::max(body_limit));
    let app = Router::new()
        .nest("/api/v1", api)
        .merge(crate::web::routes())
        .fallback(crate::web::fallback)
        .with_state(state.clone());
    http::middleware::apply_global(app, &state.config)
}

/// Serves until `shutdown` resolves. Returns the bound address through `on_bound`.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let check_ins = state.check_ins.clone();
    let app = NormalizePathLayer::trim_trailing_slash().layer(router(state));
    let service = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
        SocketAddr,
    >(app);
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await?;
    // Check-ins answered before the shutdown are written before the process goes.
    check_ins.flush().await;
    Ok(())
}

/// Connections the kernel holds for the server to accept (it caps this at
/// `net.core.somaxconn`). A fleet connects all at once after a restart or at a shared report
/// time: 1,000 simulated agents overflowed tokio's default queue of 1,024, and the kernel then
/// reset connections it could not take (docs/benchmarks.md, eleventh session).
const LISTEN_BACKLOG: u32 = 8192;

pub async fn bind(config: &Config) -> Result<TcpListener, StartError> {
    let addr = format!("{}:{}", config.bind_address, config.port);
    let listen = |local: SocketAddr| {
        let socket = if local.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        socket.bind(local)?;
        socket.listen(LISTEN_BACKLOG)
    };
    let resolved = match tokio::net::lookup_host(addr.clone()).await {
        Ok(resolved) => resolved,
        Err(source) => return Err(StartError::Bind { addr, source }),
    };
    let mut failure = std::io::Error::new(
        std::io::ErrorKind::AddrNotAvailable,
        "the address resolves to nothing",
    );
    for local in resolved {
        match listen(local) {
            Ok(listener) => return Ok(listener),
            Err(err) => failure = err,
        }
    }
    Err(StartError::Bind {
        addr,
        source: failure,
    })
}
