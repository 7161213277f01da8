/** Wire types of the PatchMon v2 API (only the fields the dashboard reads). */

export const PERMISSION_FLAGS = [
  "can_view_dashboard",
  "can_view_hosts",
  "can_manage_hosts",
  "can_view_packages",
  "can_manage_packages",
  "can_view_users",
  "can_manage_users",
  "can_manage_superusers",
  "can_view_reports",
  "can_export_data",
  "can_manage_settings",
  "can_manage_notifications",
  "can_view_notification_logs",
  "can_manage_patching",
  "can_manage_compliance",
  "can_manage_docker",
  "can_manage_alerts",
  "can_manage_automation",
  "can_use_remote_access",
  "can_manage_billing",
] as const;

export type PermissionFlag = (typeof PERMISSION_FLAGS)[number];
export type Permissions = Record<PermissionFlag, boolean>;

export interface PasswordPolicy {
  min_length: number;
  require_uppercase: boolean;
  require_lowercase: boolean;
  require_number: boolean;
  require_special: boolean;
}

export interface LoginSettings {
  signup_enabled: boolean;
  show_github_version_on_login?: boolean;
  current_version?: string;
  admin_mode?: boolean;
  hasAdminUsers: boolean;
  logo_dark?: string;
  logo_light?: string;
  oidc?: { enabled: boolean; autoCreateUsers?: boolean; canBypassWelcome?: boolean };
  password_policy?: PasswordPolicy;
}

export interface User {
  id: string;
  username: string;
  email: string;
  role: string;
  is_active: boolean;
  theme_preference?: string;
  first_name?: string;
  last_name?: string;
  last_login?: string;
  has_password?: boolean;
  oidc_sub?: string;
  oidc_provider?: string;
  avatar_url?: string;
}

export interface LoginSuccess {
  message: string;
  user: User;
  expires_at?: string;
}

export interface TfaRequired {
  message: string;
  requiresTfa: true;
  username: string;
  tfaTicket: string;
}

export type LoginResponse = LoginSuccess | TfaRequired;

export interface UserPreferences {
  theme_preference: "light" | "dark" | string;
  color_theme?: string;
  ui_preferences?: Record<string, unknown>;
  hosts_column_config?: unknown;
}

export interface HostGroupRef {
  id: string;
  name: string;
  color: string;
}

export interface HostListItem {
  id: string;
  friendly_name: string;
  hostname: string | null;
  ip: string | null;
  os_type: string;
  os_version: string;
  status: string;
  effectiveStatus: string;
  agent_version: string | null;
  api_id: string;
  needs_reboot: boolean | null;
  notes: string | null;
  system_uptime?: string | null;
  last_update: string;
  isStale?: boolean;
  docker_enabled?: boolean;
  compliance_enabled?: boolean;
  host_group_memberships: { host_groups: HostGroupRef }[];
  /** Absent when the list comes from an endpoint without package data (`/hosts`, `/hosts/admin/list`). */
  updatesCount?: number;
  securityUpdatesCount?: number;
  totalPackagesCount?: number;
  reportingState?: string;
  updateState?: string;
}

export interface Paged<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** HostResponse (`GET /hosts/{id}`): group memberships are flat here. */
export interface Host {
  id: string;
  friendly_name: string;
  api_id: string;
  os_type: string;
  os_version: string;
  status: string;
  effective_status: string;
  hostname: string | null;
  ip: string | null;
  architecture: string | null;
  agent_version: string | null;
  notes: string | null;
  system_uptime: string | null;
  last_update: string;
  created_at: string;
  boot_time: string | null;
  auto_update: boolean;
  docker_enabled: boolean;
  compliance_enabled: boolean;
  needs_reboot: boolean | null;
  host_group_memberships: HostGroupRef[];
}

export interface HostPackage {
  id: string;
  current_version: string;
  available_version: string | null;
  needs_update: boolean;
  is_security_update: boolean;
  last_checked?: string;
  packages?: { name: string };
}

export interface UpdateHistoryEntry {
  id: string;
  packages_count: number;
  security_count: number;
  total_packages: number | null;
  payload_size_kb: number | null;
  execution_time: number | null;
  timestamp: string;
  status: string;
  error_message: string | null;
}

export interface NetworkInterface {
  name: string;
  type?: string;
  macAddress?: string;
  addresses?: { address: string; family?: string; netmask?: string; gateway?: string }[];
}

export interface HostDetail {
  id: string;
  machine_id?: string | null;
  gateway_ip?: string | null;
  reboot_reason?: string | null;
  kernel_version?: string | null;
  installed_kernel_version?: string | null;
  cpu_cores?: number | null;
  cpu_model?: string | null;
  ram_installed?: number | string | null;
  swap_size?: number | string | null;
  selinux_status?: string | null;
  dns_servers?: string[] | null;
  network_interfaces?: NetworkInterface[] | null;
  disk_details?: unknown;
  load_average?: unknown;
  stats?: { total_packages: number; outdated_packages: number; security_updates: number };
  host_packages?: HostPackage[];
  update_history?: UpdateHistoryEntry[];
}

export interface HostGroup {
  id: string;
  name: string;
  description: string | null;
  color: string;
  created_at?: string;
  _count?: { hosts: number };
}

export interface CreateHostResponse {
  message: string;
  hostId: string;
  friendlyName: string;
  apiId: string;
  apiKey: string;
  hostGroups: HostGroupRef[];
}

export interface RegeneratedCredentials {
  message: string;
  apiId: string;
  apiKey: string;
  warning?: string;
}

export interface AdminUser {
  id: string;
  username: string;
  email: string;
  role: string;
  is_active: boolean;
  created_at: string;
  first_name?: string;
  last_name?: string;
  last_login?: string;
}

export interface PageEnvelope<T> {
  data: T[];
  pagination: { total: number; page: number; pageSize: number; totalPages: number };
}

export type RoleObject = { id: string; role: string; created_at?: string; updated_at?: string } & Permissions;

export interface EnvironmentVariable {
  category: string;
  key: string;
  effectiveValue: unknown;
  effectiveSource: string;
  envValue?: unknown;
  dbValue?: unknown;
  defaultValue: unknown;
  editable: boolean;
  conflict: boolean;
  description: string;
}

export type SettingsObject = Record<string, unknown>;

export interface AuditLogEntry {
  id: string;
  created_at: string;
  user_id: string | null;
  username: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip_address: string | null;
  details: unknown;
}

export interface Session {
  id: string;
  ip_address: string;
  user_agent: string;
  last_activity: string;
  created_at: string;
  expires_at: string;
  login_count?: number;
  is_current_session: boolean;
  device_info?: { browser: string; os: string; device: string };
  location_info?: { country: string; city: string };
}

export interface TrustedDevice {
  id: string;
  label: string;
  user_agent: string;
  ip_address: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  is_current: boolean;
}

export interface OsDistributionEntry {
  name: string;
  count: number;
  os_type?: string;
  os_version?: string;
}

export interface DashboardStats {
  cards: Record<string, number>;
  charts: {
    osDistribution: OsDistributionEntry[];
    updateStatusDistribution: { name: string; filter: string; count: number }[];
    packageUpdateDistribution?: { name: string; count: number }[];
  };
  lastUpdated?: string;
}

export interface RecentCollectionHost {
  id: string;
  friendly_name: string;
  hostname: string | null;
  last_update: string;
  status: string;
}

export interface DashboardPreference {
  card_id: string;
  enabled: boolean;
  order: number;
  col_span?: number;
}

/** A repository a package was installed from (`sourceRepos` of the package views). */
export interface SourceRepo {
  repoId: string;
  repoName: string;
  repoUrl: string;
  repoType: string;
}

export interface PackageStats {
  totalInstalls: number;
  updatesNeeded: number;
  securityUpdates: number;
  upToDate?: number;
}

/** One row of `GET /packages`. */
export interface PackageListItem {
  id: string;
  name: string;
  description: string | null;
  category: string | null;
  latest_version: string | null;
  packageHostsCount: number;
  stats: PackageStats;
  sourceRepos: SourceRepo[];
}

export interface PackagePagination {
  page: number;
  limit: number;
  total: number;
  pages: number;
}

export interface PackageList {
  packages: PackageListItem[];
  totalInstalls: number;
  pagination: PackagePagination;
}

/** `GET /packages/{id}` (its per-host rows are read from `/packages/{id}/hosts`). */
export interface PackageDetail {
  id: string;
  name: string;
  description: string | null;
  category: string | null;
  latest_version: string | null;
  created_at: string;
  updated_at: string;
  stats: Required<PackageStats>;
  distributions?: { versions: { version: string; count: number }[]; osTypes: { osType: string; count: number }[] };
  sourceRepos: SourceRepo[];
}

/** One row of `GET /packages/{id}/hosts`. */
export interface PackageHost {
  hostId: string;
  friendlyName: string;
  hostname: string | null;
  osType: string;
  osVersion: string;
  lastUpdate: string;
  currentVersion: string;
  availableVersion: string | null;
  needsUpdate: boolean;
  isSecurityUpdate: boolean;
  lastChecked: string;
  needsReboot: boolean | null;
  sourceRepoName: string | null;
}

/** PatchMon's Repository object. */
export interface Repository {
  id: string;
  name: string;
  url: string;
  distribution: string;
  components: string;
  repo_type: string;
  is_active: boolean;
  isSecure: boolean;
  priority?: number;
  description?: string;
  created_at: string;
  updated_at: string;
}

export interface RepositoryListItem extends Repository {
  hostCount: number;
  enabledHostCount: number;
  activeHostCount: number;
}

export interface RepositorySummary {
  totalRepositories: number;
  activeRepositories: number;
  secureRepositories: number;
  enabledHostRepositories: number;
  securityPercentage: number;
}

export interface RepositoryHostLink {
  id: string;
  host_id: string;
  is_enabled: boolean;
  last_checked: string;
  hosts: { id: string; friendly_name: string; hostname: string | null; ip: string | null; os_type: string; os_version: string; status: string; last_update: string; needs_reboot: boolean | null };
}

export interface RepositoryDetail extends Repository {
  host_repositories: RepositoryHostLink[];
}
