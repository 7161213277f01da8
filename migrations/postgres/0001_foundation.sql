-- Foundation schema: users and their sessions, roles, hosts and groups, settings, audit log.
-- Identifiers are text (UUID strings), as in PatchMon, so rows move between backends unchanged.

CREATE TABLE role_permissions (
    id                          TEXT PRIMARY KEY,
    role                        TEXT NOT NULL UNIQUE,
    can_view_dashboard          BOOLEAN NOT NULL DEFAULT TRUE,
    can_view_hosts              BOOLEAN NOT NULL DEFAULT TRUE,
    can_manage_hosts            BOOLEAN NOT NULL DEFAULT FALSE,
    can_view_packages           BOOLEAN NOT NULL DEFAULT TRUE,
    can_manage_packages         BOOLEAN NOT NULL DEFAULT FALSE,
    can_view_users              BOOLEAN NOT NULL DEFAULT FALSE,
    can_manage_users            BOOLEAN NOT NULL DEFAULT FALSE,
    can_manage_superusers       BOOLEAN NOT NULL DEFAULT FALSE,
    can_view_reports            BOOLEAN NOT NULL DEFAULT TRUE,
    can_export_data             BOOLEAN NOT NULL DEFAULT FALSE,
    can_manage_settings         BOOLEAN NOT NULL DEFAULT FALSE,
    can_manage_notifications    BOOLEAN NOT NULL DEFAULT FALSE,
    can_view_notification_logs  BOOLEAN NOT NULL DEFAULT FALSE,
    can_manage_patching         BOOLEAN NOT NULL DEFAULT FALSE,
    can_manage_compliance       BOOLEAN NOT NULL DEFAULT FALSE,
    can_manage_docker           BOOLEAN NOT NULL DEFAULT FALSE,
    can_manage_alerts           BOOLEAN NOT NULL DEFAULT FALSE,
    can_manage_automation       BOOLEAN NOT NULL DEFAULT FALSE,
    can_use_remote_access       BOOLEAN NOT NULL DEFAULT FALSE,
    can_manage_billing          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at                  TIMESTAMPTZ NOT NULL,
    updated_at                  TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id                        TEXT PRIMARY KEY,
    username                  TEXT NOT NULL,
    email                     TEXT NOT NULL,
    password_hash             TEXT,
    role                      TEXT NOT NULL,
    is_active                 BOOLEAN NOT NULL DEFAULT TRUE,
    first_name                TEXT,
    last_name                 TEXT,
    last_login                TIMESTAMPTZ,
    tfa_enabled               BOOLEAN NOT NULL DEFAULT FALSE,
    tfa_secret                TEXT,
    tfa_backup_codes          JSONB,
    theme_preference          TEXT NOT NULL DEFAULT 'dark',
    color_theme               TEXT NOT NULL DEFAULT 'cyber_blue',
    ui_preferences            JSONB,
    avatar_url                TEXT,
    created_at                TIMESTAMPTZ NOT NULL,
    updated_at                TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_username_lower ON users (LOWER(username));
CREATE UNIQUE INDEX users_email_lower ON users (LOWER(email));

-- One row per login on a device. The refresh token is the session's current one; the previous
-- one is kept briefly so two tabs refreshing at once are not mistaken for token theft.
CREATE TABLE user_sessions (
    id                      TEXT PRIMARY KEY,
    user_id                 TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    refresh_token_hash      TEXT NOT NULL UNIQUE,
    previous_refresh_hash   TEXT,
    rotated_at              TIMESTAMPTZ,
    ip_address              TEXT,
    user_agent              TEXT,
    device_id               TEXT,
    last_activity           TIMESTAMPTZ NOT NULL,
    expires_at              TIMESTAMPTZ NOT NULL,
    created_at              TIMESTAMPTZ NOT NULL,
    is_revoked              BOOLEAN NOT NULL DEFAULT FALSE,
    revoked_reason          TEXT,
    tfa_remember_me         BOOLEAN NOT NULL DEFAULT FALSE,
    tfa_bypass_until        TIMESTAMPTZ,
    login_count             BIGINT NOT NULL DEFAULT 1,
    last_login_ip           TEXT
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);

CREATE TABLE user_trusted_devices (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    user_agent    TEXT,
    ip_address    TEXT,
    label         TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    is_revoked    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX user_trusted_devices_user ON user_trusted_devices (user_id);

CREATE TABLE host_groups (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    description  TEXT,
    color        TEXT NOT NULL DEFAULT '#3B82F6',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE hosts (
    id                               TEXT PRIMARY KEY,
    machine_id                       TEXT,
    friendly_name                    TEXT NOT NULL,
    hostname                         TEXT,
    ip                               TEXT,
    os_type                          TEXT NOT NULL DEFAULT 'unknown',
    os_version                       TEXT NOT NULL DEFAULT 'unknown',
    architecture                     TEXT,
    status                           TEXT NOT NULL DEFAULT 'pending',
    last_update                      TIMESTAMPTZ NOT NULL,
    api_id                           TEXT NOT NULL UNIQUE,
    api_key_hash                     TEXT NOT NULL,
    agent_version                    TEXT,
    auto_update                      BOOLEAN NOT NULL DEFAULT FALSE,
    cpu_cores                        BIGINT,
    cpu_model                        TEXT,
    ram_installed                    DOUBLE PRECISION,
    swap_size                        DOUBLE PRECISION,
    disk_details                     JSONB,
    dns_servers                      JSONB,
    network_interfaces               JSONB,
    load_average                     JSONB,
    gateway_ip                       TEXT,
    kernel_version                   TEXT,
    installed_kernel_version         TEXT,
    selinux_status                   TEXT,
    system_uptime                    TEXT,
    boot_time                        TIMESTAMPTZ,
    notes                            TEXT,
    needs_reboot                     BOOLEAN,
    reboot_reason                    TEXT,
    docker_enabled                   BOOLEAN NOT NULL DEFAULT FALSE,
    compliance_enabled               BOOLEAN NOT NULL DEFAULT FALSE,
    compliance_on_demand_only        BOOLEAN NOT NULL DEFAULT TRUE,
    compliance_openscap_enabled      BOOLEAN NOT NULL DEFAULT TRUE,
    compliance_docker_bench_enabled  BOOLEAN NOT NULL DEFAULT FALSE,
    host_down_alerts_enabled         BOOLEAN,
    expected_platform                TEXT,
    package_manager                  TEXT,
    primary_interface                TEXT,
    packages_hash                    TEXT,
    repos_hash                       TEXT,
    interfaces_hash                  TEXT,
    hostname_hash                    TEXT,
    docker_hash                      TEXT,
    compliance_hash                  TEXT,
    last_full_report_at              TIMESTAMPTZ,
    created_at                       TIMESTAMPTZ NOT NULL,
    updated_at                       TIMESTAMPTZ NOT NULL
);
CREATE INDEX hosts_friendly_name ON hosts (friendly_name);
CREATE INDEX hosts_machine_id ON hosts (machine_id);

CREATE TABLE host_group_memberships (
    id             TEXT PRIMARY KEY,
    host_id        TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    host_group_id  TEXT NOT NULL REFERENCES host_groups(id) ON DELETE CASCADE,
    created_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (host_id, host_group_id)
);
CREATE INDEX host_group_memberships_group ON host_group_memberships (host_group_id);

-- Single row (id 'default'). Tunables are nullable overrides consulted after the environment.
CREATE TABLE settings (
    id                             TEXT PRIMARY KEY,
    server_url                     TEXT NOT NULL,
    server_protocol                TEXT NOT NULL,
    server_host                    TEXT NOT NULL,
    server_port                    BIGINT NOT NULL,
    update_interval                BIGINT NOT NULL DEFAULT 60,
    auto_update                    BOOLEAN NOT NULL DEFAULT FALSE,
    default_compliance_mode        TEXT NOT NULL DEFAULT 'on-demand',
    compliance_scan_interval       BIGINT NOT NULL DEFAULT 1440,
    package_cache_refresh_mode     TEXT NOT NULL DEFAULT 'always',
    package_cache_refresh_max_age  BIGINT NOT NULL DEFAULT 60,
    signup_enabled                 BOOLEAN NOT NULL DEFAULT FALSE,
    default_user_role              TEXT NOT NULL DEFAULT 'user',
    ignore_ssl_self_signed         BOOLEAN NOT NULL DEFAULT FALSE,
    show_github_version_on_login   BOOLEAN NOT NULL DEFAULT TRUE,
    alerts_enabled                 BOOLEAN NOT NULL DEFAULT TRUE,
    metrics_enabled                BOOLEAN NOT NULL DEFAULT TRUE,
    timezone                       TEXT,
    overrides                      JSONB NOT NULL DEFAULT '{}',
    created_at                     TIMESTAMPTZ NOT NULL,
    updated_at                     TIMESTAMPTZ NOT NULL
);

CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY,
    created_at   TIMESTAMPTZ NOT NULL,
    user_id      TEXT,
    username     TEXT,
    action       TEXT NOT NULL,
    target_type  TEXT,
    target_id    TEXT,
    ip_address   TEXT,
    details      JSONB
);
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX audit_log_action ON audit_log (action);

CREATE TABLE dashboard_preferences (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    card_id     TEXT NOT NULL,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    "order"     BIGINT NOT NULL DEFAULT 0,
    col_span    BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, card_id)
);

CREATE TABLE dashboard_layout (
    user_id         TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    stats_columns   BIGINT NOT NULL DEFAULT 6,
    charts_columns  BIGINT NOT NULL DEFAULT 4,
    updated_at      TIMESTAMPTZ NOT NULL
);
