//! Before each collection the agent asks its server which collector plugins are current
//! (`GET /agent/collectors`) and downloads those whose component or manifest differs from its
//! cached copy. A download is kept only when both files have the SHA-256 the list announced and
//! the manifest pins the component; anything else is refused with an error line and the
//! previous copy (or the embedded one) keeps running. A server without the route (PatchMon
//! itself answers 404) or out of reach changes nothing: the copies at hand run.

use patchmon_proto::collectors::{CollectorEntry, CollectorList};
use patchmon_runtime::package::sha256_hex;
use patchmon_runtime::{PluginKind, PluginPackage};

use super::cache::{is_safe_id, PluginCache};
use crate::client::ServerClient;

/// Refreshes `cache` from the server; never fails the collection.
pub async fn sync(client: &ServerClient, cache: &PluginCache) {
    match client.collectors().await {
        Ok(Some(list)) => apply(client, cache, &list).await,
        Ok(None) => tracing::debug!("the server does not serve collector plugins"),
        Err(err) => tracing::debug!(error = %err, "collector plugin list unavailable"),
    }
}

/// Makes the cache hold exactly the collectors in `list`.
pub async fn apply(client: &ServerClient, cache: &PluginCache, list: &CollectorList) {
    for entry in &list.collectors {
        if !is_safe_id(&entry.id) {
            tracing::warn!(collector = %entry.id, "ignoring a collector with an invalid id");
            continue;
        }
        if cache
            .get(&entry.id)
            .is_some_and(|cached| is_current(&cached, entry))
        {
            continue;
        }
        match download(client, entry).await {
            Ok(package) => match cache.store(&package) {
                Ok(()) => {
                    tracing::info!(collector = %entry.id, version = %entry.version, sha256 = %entry.sha256, "collector plugin updated from the server")
                }
                Err(err) => {
                    tracing::warn!(collector = %entry.id, error = %err, "could not cache the collector plugin")
                }
            },
            Err(why) => {
                tracing::error!(collector = %entry.id, version = %entry.version, "refusing the server's collector plugin: {why}; keeping the previous copy")
            }
        }
    }
    for id in cache.ids() {
        if !list.collectors.iter().any(|e| e.id == id) {
            tracing::info!(collector = %id, "the server no longer serves this collector; dropping its copy");
            if let Err(err) = cache.remove(&id) {
                tracing::warn!(collector = %id, error = %err, "could not drop the collector plugin");
            }
        }
    }
}

fn is_current(cached: &PluginPackage, entry: &CollectorEntry) -> bool {
    cached.manifest.wasm_sha256 == entry.sha256
        && sha256_hex(cached.manifest_toml.as_bytes()) == entry.manifest_sha256
}

/// Both files of `entry`, verified against the list and against each other.
async fn download(client: &ServerClient, entry: &CollectorEntry) -> Result<PluginPackage, String> {
    let wasm = client
        .download_plugin_file(&entry.url)
        .await
        .map_err(|e| e.to_string())?;
    let actual = sha256_hex(&wasm);
    if actual != entry.sha256 {
        return Err(format!(
            "plugin.wasm has SHA-256 {actual}, the server announced {}",
            entry.sha256
        ));
    }
    let manifest = client
        .download_plugin_file(&entry.manifest_url)
        .await
        .map_err(|e| e.to_string())?;
    let actual = sha256_hex(&manifest);
    if actual != entry.manifest_sha256 {
        return Err(format!(
            "plugin.toml has SHA-256 {actual}, the server announced {}",
            entry.manifest_sha256
        ));
    }
    let manifest = String::from_utf8(manifest).map_err(|_| "plugin.toml is not UTF-8")?;
    let package = PluginPackage::from_parts(&manifest, wasm).map_err(|e| e.to_string())?;
    if package.manifest.id != entry.id || package.manifest.kind != PluginKind::Collector {
        return Err(format!(
            "the manifest describes the {} plugin {}",
            package.manifest.kind, package.manifest.id
        ));
    }
    Ok(package)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::collect::Collectors;
    use crate::config::{AgentConfig, Credentials};

    /// A real server (SQLite, in this process) and a client with a real host's credentials.
    async fn server_and_client(dir: &Path) -> (ServerClient, AgentConfig) {
        let vars = vec![
            (
                "DATA_DIR".to_string(),
                dir.join("data").display().to_string(),
            ),
            ("APP_ENV".to_string(), "test".to_string()),
        ];
        let mut config =
            patchmon_server::Config::load_from(Path::new("/nonexistent/patchmon.toml"), &vars)
                .unwrap();
        config.ensure_secrets().unwrap();
        let state = patchmon_server::AppState::build(config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(patchmon_server::app::serve(
            state,
            listener,
            std::future::pending(),
        ));
        let http = reqwest::Client::new();
        let admin: serde_json::Value = http
            .post(format!("{base}/api/v1/auth/setup-admin"))
            .json(
                &serde_json::json!({"firstName": "F", "lastName": "F", "username": "admin",
                "email": "f@example.com", "password": "Adm1n-Passw0rd!"}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let host: serde_json::Value = http
            .post(format!("{base}/api/v1/hosts/create"))
            .bearer_auth(admin["token"].as_str().unwrap())
            .json(&serde_json::json!({"friendly_name": "fetch-test"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut agent = AgentConfig::defaults(&dir.join("agent/config.yml"));
        agent.patchmon_server = base;
        let credentials = Credentials {
            api_id: host["apiId"].as_str().unwrap().into(),
            api_key: host["apiKey"].as_str().unwrap().into(),
        };
        (ServerClient::new(&agent, credentials).unwrap(), agent)
    }

    fn origin_of_apt(cache: &PluginCache) -> (String, crate::collect::Origin) {
        let collector = Collectors::new(cache)
            .unwrap()
            .get("collector-apt")
            .unwrap();
        (collector.version().to_string(), collector.origin())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn served_collectors_are_cached_and_a_sha256_mismatch_is_refused() {
        use crate::collect::Origin::{Embedded, Server};
        let dir = tempfile::tempdir().unwrap();
        let (client, agent) = server_and_client(dir.path()).await;
        let cache = PluginCache::new(dir.path().join("plugins"));
        let list = client
            .collectors()
            .await
            .unwrap()
            .expect("the server serves collectors");
        let ids: Vec<&str> = list.collectors.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids[0], "collector-apt", "{ids:?}");

        // An announcement the download does not match is refused: nothing cached, the embedded
        // copy runs.
        let mut lying = list.clone();
        lying.collectors[0].sha256 = "0".repeat(64);
        apply(&client, &cache, &lying).await;
        assert!(cache.get("collector-apt").is_none());
        assert_eq!(origin_of_apt(&cache), ("0.1.0".into(), Embedded));
        assert_eq!(cache.ids().len(), ids.len() - 1);

        // The truth is kept; a later lie leaves the previous good copy running.
        apply(&client, &cache, &list).await;
        assert_eq!(cache.ids().len(), ids.len());
        assert_eq!(origin_of_apt(&cache), ("0.1.0".into(), Server));
        let mut lying = list.clone();
        lying.collectors[0].manifest_sha256 = "0".repeat(64);
        apply(&client, &cache, &lying).await;
        let kept = cache.get("collector-apt").unwrap();
        assert!(is_current(&kept, &list.collectors[0]));
        assert_eq!(origin_of_apt(&cache), ("0.1.0".into(), Server));

        // What the server stops serving is dropped; a server without the route changes nothing.
        let mut fewer = list.clone();
        fewer.collectors.retain(|e| e.id != "collector-apk");
        apply(&client, &cache, &fewer).await;
        assert!(cache.get("collector-apk").is_none());
        let elsewhere = AgentConfig {
            api_version: "v0".into(),
            ..agent
        };
        let upstream = ServerClient::new(&elsewhere, client.credentials().clone()).unwrap();
        assert_eq!(upstream.collectors().await.unwrap(), None);
        sync(&upstream, &cache).await;
        assert_eq!(cache.ids().len(), ids.len() - 1);
    }
}
