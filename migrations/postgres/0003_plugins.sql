-- Installed WebAssembly plugins, what an administrator granted them, their configuration
-- (secret fields sealed separately) and their private key-value storage.

CREATE TABLE plugins (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    version          TEXT NOT NULL,
    kind             TEXT NOT NULL,
    api_version      TEXT NOT NULL,
    wasm_sha256      TEXT NOT NULL,
    manifest_toml    TEXT NOT NULL,
    wasm             BYTEA NOT NULL,
    builtin          BOOLEAN NOT NULL DEFAULT FALSE,
    enabled          BOOLEAN NOT NULL DEFAULT FALSE,
    status           TEXT NOT NULL DEFAULT 'disabled',
    status_reason    TEXT,
    granted          JSONB NOT NULL DEFAULT '[]',
    config           JSONB NOT NULL DEFAULT '{}',
    secrets_sealed   TEXT,
    installed_at     TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE plugin_kv (
    plugin_id   TEXT NOT NULL REFERENCES plugins(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       BYTEA NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (plugin_id, key)
);
