-- Inventory reported by agents: packages, repositories and report history (PatchMon Appendix B).
-- Native TIMESTAMPTZ and JSONB columns, as in 0001.

CREATE TABLE packages (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    description     TEXT,
    category        TEXT,
    latest_version  TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
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
    priority      BIGINT,
    description   TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
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
    last_checked          TIMESTAMPTZ NOT NULL,
    wua_guid              TEXT,
    wua_kb                TEXT,
    wua_severity          TEXT,
    wua_categories        JSONB,
    wua_description       TEXT,
    wua_support_url       TEXT,
    wua_revision_number   BIGINT,
    wua_date_installed    TIMESTAMPTZ,
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
    last_checked   TIMESTAMPTZ NOT NULL,
    UNIQUE (host_id, repository_id)
);
CREATE INDEX host_repositories_repository ON host_repositories (repository_id);

CREATE TABLE update_history (
    id                    TEXT PRIMARY KEY,
    host_id               TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    packages_count        BIGINT NOT NULL DEFAULT 0,
    security_count        BIGINT NOT NULL DEFAULT 0,
    total_packages        BIGINT,
    payload_size_kb       DOUBLE PRECISION,
    execution_time        DOUBLE PRECISION,
    timestamp             TIMESTAMPTZ NOT NULL,
    status                TEXT NOT NULL DEFAULT 'success',
    error_message         TEXT,
    report_type           TEXT NOT NULL DEFAULT 'full',
    sections_sent         JSONB NOT NULL DEFAULT '[]',
    sections_unchanged    JSONB NOT NULL DEFAULT '[]',
    agent_execution_ms    BIGINT,
    server_processing_ms  BIGINT
);
CREATE INDEX update_history_host_time ON update_history (host_id, timestamp);
CREATE INDEX update_history_time ON update_history (timestamp);
