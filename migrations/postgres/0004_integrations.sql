-- Integration credentials (PatchMon's auto_enrollment_tokens): one table for every kind, told
-- apart by integration_type. `api` credentials call the scoped API over HTTP Basic and carry
-- scopes; `gethomepage` credentials feed dashboard widgets; `proxmox-lxc` and `direct-host`
-- credentials enroll hosts, within a per-day quota.
-- integration_type is also kept inside metadata (PatchMon's wire shape); the column is the
-- copy the server checks, and metadata cannot be edited after creation.

CREATE TABLE auto_enrollment_tokens (
    id                     TEXT PRIMARY KEY,
    token_name             TEXT NOT NULL,
    token_key              TEXT NOT NULL UNIQUE,
    -- Keyed hash of the secret (the secret itself is shown once, at creation).
    token_secret_hash      TEXT NOT NULL,
    integration_type       TEXT NOT NULL,
    created_by_user_id     TEXT REFERENCES users(id) ON DELETE SET NULL,
    is_active              BOOLEAN NOT NULL DEFAULT TRUE,
    allowed_ip_ranges      JSONB NOT NULL DEFAULT '[]',
    max_hosts_per_day      BIGINT NOT NULL DEFAULT 100,
    -- The daily quota counter; it belongs to last_reset_date (a UTC day) and counts as zero on
    -- any other day. Enrollment moves both with one conditional UPDATE.
    hosts_created_today    BIGINT NOT NULL DEFAULT 0,
    last_reset_date        DATE NOT NULL,
    default_host_group_id  TEXT REFERENCES host_groups(id) ON DELETE SET NULL,
    metadata               JSONB NOT NULL DEFAULT '{}',
    scopes                 JSONB,
    last_used_at           TIMESTAMPTZ,
    expires_at             TIMESTAMPTZ,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX auto_enrollment_tokens_created ON auto_enrollment_tokens (created_at);

-- Which credential enrolled a host, and what the enrolling script said about it.
ALTER TABLE hosts ADD COLUMN enrollment_token_id TEXT REFERENCES auto_enrollment_tokens(id) ON DELETE SET NULL;
ALTER TABLE hosts ADD COLUMN enrollment_metadata JSONB;
