import type { HostSortField } from "./hostListState";

/**
 * The host list's columns. Ids and labels are PatchMon's (`hosts_column_config` in
 * `/user/preferences`), so a layout saved by either UI means the same columns. The selection
 * checkbox is not one of them: it is always first, and only there for users who can manage hosts.
 */
export const HOST_COLUMN_IDS = [
  "host",
  "hostname",
  "os",
  "os_version",
  "group",
  "updates",
  "security_updates",
  "status",
  "needs_reboot",
  "agent_version",
  "integrations",
  "uptime",
  "last_update",
  "ip",
  "notes",
] as const;
export type HostColumnId = (typeof HOST_COLUMN_IDS)[number];

export interface HostColumnDefinition {
  id: HostColumnId;
  label: string;
  sort: HostSortField;
  /** Cannot be hidden. */
  required?: boolean;
  defaultVisible: boolean;
  /** CSS grid track, and the narrowest it gets (for the table's horizontal scroll width). */
  track: string;
  minWidth: number;
  /** Kept on phone-width screens, with this narrower track; other columns are hidden there. */
  phoneTrack?: string;
}

/** Catalogue order is the default order; the default visible set is the list as it was before columns could be chosen. */
export const HOST_COLUMNS: readonly HostColumnDefinition[] = [
  { id: "host", label: "Friendly Name", sort: "friendly_name", required: true, defaultVisible: true, track: "minmax(160px, 2fr)", minWidth: 160, phoneTrack: "minmax(120px, 1fr)" },
  { id: "hostname", label: "System Hostname", sort: "hostname", defaultVisible: false, track: "minmax(140px, 1.3fr)", minWidth: 140 },
  { id: "os", label: "OS", sort: "os_type", defaultVisible: true, track: "minmax(110px, 1fr)", minWidth: 110 },
  { id: "os_version", label: "OS Version", sort: "os_version", defaultVisible: false, track: "minmax(90px, 0.8fr)", minWidth: 90 },
  { id: "group", label: "Group", sort: "group", defaultVisible: true, track: "minmax(120px, 1.3fr)", minWidth: 120 },
  { id: "updates", label: "Updates", sort: "updates", defaultVisible: true, track: "90px", minWidth: 90, phoneTrack: "64px" },
  { id: "security_updates", label: "Security Updates", sort: "security_updates", defaultVisible: false, track: "90px", minWidth: 90 },
  { id: "status", label: "Status", sort: "status", defaultVisible: true, track: "90px", minWidth: 90, phoneTrack: "84px" },
  { id: "needs_reboot", label: "Reboot", sort: "needs_reboot", defaultVisible: false, track: "80px", minWidth: 80 },
  { id: "agent_version", label: "Agent Version", sort: "agent_version", defaultVisible: false, track: "minmax(90px, 0.8fr)", minWidth: 90 },
  { id: "integrations", label: "Integrations", sort: "integrations", defaultVisible: false, track: "minmax(110px, 1fr)", minWidth: 110 },
  { id: "uptime", label: "Uptime", sort: "uptime", defaultVisible: false, track: "minmax(90px, 0.8fr)", minWidth: 90 },
  { id: "last_update", label: "Last Update", sort: "last_update", defaultVisible: true, track: "minmax(110px, 1fr)", minWidth: 110 },
  { id: "ip", label: "IP Address", sort: "ip", defaultVisible: true, track: "minmax(120px, 1fr)", minWidth: 120 },
  { id: "notes", label: "Notes", sort: "notes", defaultVisible: false, track: "minmax(140px, 1.5fr)", minWidth: 140 },
];

/** One column in the user's arrangement; the list's order is the column order. */
export interface HostColumnSetting {
  id: HostColumnId;
  visible: boolean;
}

/** What `hosts_column_config` holds: PatchMon's shape. */
export interface SavedHostColumn {
  id: string;
  visible: boolean;
  order: number;
}

const BY_ID = new Map<string, HostColumnDefinition>(HOST_COLUMNS.map((column) => [column.id, column]));

export function hostColumn(id: HostColumnId): HostColumnDefinition {
  const column = BY_ID.get(id);
  if (!column) throw new Error(`unknown host column ${id}`);
  return column;
}

export const DEFAULT_HOST_COLUMNS: readonly HostColumnSetting[] = HOST_COLUMNS.map((column) => ({ id: column.id, visible: column.defaultVisible }));

/**
 * The user's arrangement from a saved `hosts_column_config`, which may be anything: null, another
 * shape, ids from an older or newer UI. Entries are ordered by their `order` (else their position);
 * unknown and repeated ids are dropped; a missing or non-boolean `visible` takes the default;
 * required columns are always visible; columns the saved list lacks follow in default order.
 */
export function mergeHostColumns(saved: unknown): HostColumnSetting[] {
  if (!Array.isArray(saved)) return DEFAULT_HOST_COLUMNS.map((column) => ({ ...column }));
  const seen = new Set<string>();
  const entries: { setting: HostColumnSetting; rank: number; position: number }[] = [];
  saved.forEach((entry: unknown, position) => {
    if (typeof entry !== "object" || entry === null) return;
    const { id, visible, order } = entry as Record<string, unknown>;
    const column = typeof id === "string" ? BY_ID.get(id) : undefined;
    if (!column || seen.has(column.id)) return;
    seen.add(column.id);
    const shown = column.required || (typeof visible === "boolean" ? visible : column.defaultVisible);
    const rank = typeof order === "number" && Number.isFinite(order) ? order : position;
    entries.push({ setting: { id: column.id, visible: shown }, rank, position });
  });
  entries.sort((a, b) => a.rank - b.rank || a.position - b.position);
  const missing = DEFAULT_HOST_COLUMNS.filter((column) => !seen.has(column.id)).map((column) => ({ ...column }));
  return [...entries.map((entry) => entry.setting), ...missing];
}

/** Shows or hides one column; required columns stay visible. */
export function setHostColumnVisible(settings: readonly HostColumnSetting[], id: HostColumnId, visible: boolean): HostColumnSetting[] {
  return settings.map((setting) => (setting.id === id ? { ...setting, visible: visible || Boolean(hostColumn(id).required) } : setting));
}

/** The value for `PATCH /user/preferences` `hosts_column_config`. */
export function hostColumnsPayload(settings: readonly HostColumnSetting[]): SavedHostColumn[] {
  return settings.map((setting, order) => ({ id: setting.id, visible: setting.visible, order }));
}

export function isDefaultHostColumns(settings: readonly HostColumnSetting[]): boolean {
  return settings.length === DEFAULT_HOST_COLUMNS.length && settings.every((setting, index) => setting.id === DEFAULT_HOST_COLUMNS[index]?.id && setting.visible === DEFAULT_HOST_COLUMNS[index]?.visible);
}

export function visibleHostColumns(settings: readonly HostColumnSetting[]): HostColumnDefinition[] {
  return settings.filter((setting) => setting.visible).map((setting) => hostColumn(setting.id));
}

const SELECT_COLUMN = { track: "36px", phoneTrack: "32px", minWidth: 36 };
const COLUMN_GAP_PX = 8;
const ROW_PADDING_PX = 20;

export interface HostGridLayout {
  /** grid-template-columns on wide screens, and on phone-width screens (only the phone columns). */
  columns: string;
  phoneColumns: string;
  /** Below this width the table scrolls sideways instead of squeezing columns. */
  minWidth: number;
}

export function hostGridLayout(columns: readonly HostColumnDefinition[], selectable: boolean): HostGridLayout {
  const select = selectable ? [SELECT_COLUMN] : [];
  const all = [...select, ...columns];
  const phone = [...select.map((column) => column.phoneTrack), ...columns.flatMap((column) => (column.phoneTrack ? [column.phoneTrack] : []))];
  return {
    columns: all.map((column) => column.track).join(" "),
    phoneColumns: phone.join(" "),
    minWidth: all.reduce((sum, column) => sum + column.minWidth, 0) + COLUMN_GAP_PX * Math.max(0, all.length - 1) + ROW_PADDING_PX,
  };
}
