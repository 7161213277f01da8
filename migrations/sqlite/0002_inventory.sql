-- Inventory reported by agents: packages, repositories and report history (PatchMon Appendix B).
-- Timestamps are TEXT (RFC 3339, microseconds) and JSON columns TEXT, as in 0001.

CREATE TABLE packages (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    description     TEXT,
    category        TEXT,
    latest_version  TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE repositories (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    url           TEXT NOT NULL,
    distribution  TEXT NOT NULL,
    components    TEXT NOT NULL,
    repo_type     TEXT NOT NULL,
    is_active     BOOLEAN NOT NULL DEFAULT TRUE,
    is_secure     BOOLEAN NOT NULL DEFAULT TRUE,
    priority      INTEGER,
    description   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (url, distribution, components)
);

CREATE TABLE host_packages (
    id                    TEXT PRIMARY KEY,
    host_id               TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    package_id            TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
    current_version       TEXT NOT NULL,
    available_version     TEXT,
    needs_update          BOOLEAN NOT NULL DEFAULT FALSE,
    is_security_update    BOOLEAN NOT NULL DEFAULT FALSE,
    last_checked          TEXT NOT NULL,
    wua_guid              TEXT,
    wua_kb                TEXT,
    wua_severity          TEXT,
    wua_categories        TEXT,
    wua_description       TEXT,
    wua_support_url       TEXT,
    wua_revision_number   INTEGER,
    wua_date_installed    TEXT,
    wua_install_result    TEXT,
    source_repository     TEXT,
    source_repository_id  TEXT REFERENCES repositories(id) ON DELETE SET NULL,
    UNIQUE (host_id, package_id)
);
CREATE INDEX host_packages_package ON host_packages (package_id);
CREATE INDEX host_packages_needs_update ON host_packages (needs_update, is_security_update);

CREATE TABLE host_repositories (
    id             TEXT PRIMARY KEY,
    host_id        TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    repository_id  TEXT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    is_enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    last_checked   TEXT NOT NULL,
    UNIQUE (host_id, repository_id)
);
CREATE INDEX host_repositories_repository ON host_repositories (repository_id);

CREATE TABLE update_history (
    id                    TEXT PRIMARY KEY,
    host_id               TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    packages_count        INTEGER NOT NULL DEFAULT 0,
    security_count        INTEGER NOT NULL DEFAULT 0,
    total_packages        INTEGER,
    payload_size_kb       REAL,
    execution_time        REAL,
    timestamp             TEXT NOT NULL,
    status                TEXT NOT NULL DEFAULT 'success',
    error_message         TEXT,
    report_type           TEXT NOT NULL DEFAULT 'full',
    sections_sent         TEXT NOT NULL DEFAULT '[]',
    sections_unchanged    TEXT NOT NULL DEFAULT '[]',
    agent_execution_ms    INTEGER,
    server_processing_ms  INTEGER
);
CREATE INDEX update_history_host_time ON update_history (host_id, timestamp);
CREATE INDEX update_history_time ON update_history (timestamp);
