import type { DashboardPreference, PermissionFlag } from "../../api/types";

export type CardKind = "stat" | "chart" | "list";

export interface CardDefinition {
  id: string;
  title: string;
  kind: CardKind;
  requires: PermissionFlag;
  /** Stat cards: the key in `stats.cards`. */
  statKey?: string;
  /** Where clicking the card goes (the host list pre-filtered to what the card counts). */
  link?: string;
}

/** The cards this dashboard can draw; ids match PatchMon's card ids where one exists. */
export const CARD_CATALOGUE: CardDefinition[] = [
  { id: "totalHosts", title: "Total hosts", kind: "stat", requires: "can_view_hosts", statKey: "totalHosts", link: "/hosts" },
  { id: "upToDateHosts", title: "Up to date", kind: "stat", requires: "can_view_hosts", statKey: "upToDateHosts", link: "/hosts?filter=upToDate" },
  { id: "hostsNeedingUpdates", title: "Needs updating", kind: "stat", requires: "can_view_hosts", statKey: "hostsNeedingUpdates", link: "/hosts?filter=needsUpdates" },
  { id: "hostsNeedingReboot", title: "Needs reboot", kind: "stat", requires: "can_view_hosts", statKey: "hostsNeedingReboot", link: "/hosts?reboot=true" },
  { id: "offlineHosts", title: "Offline", kind: "stat", requires: "can_view_hosts", statKey: "offlineHosts", link: "/hosts?filter=offline" },
  { id: "erroredHosts", title: "Not reporting", kind: "stat", requires: "can_view_hosts", statKey: "erroredHosts", link: "/hosts?filter=inactive" },
  { id: "totalOutdatedPackages", title: "Outdated packages", kind: "stat", requires: "can_view_packages", statKey: "totalOutdatedPackages", link: "/packages?filter=outdated" },
  { id: "securityUpdates", title: "Security updates", kind: "stat", requires: "can_view_packages", statKey: "securityUpdates", link: "/packages?filter=security" },
  { id: "totalHostGroups", title: "Host groups", kind: "stat", requires: "can_view_hosts", statKey: "totalHostGroups", link: "/host-groups" },
  { id: "updateStatus", title: "Update status", kind: "chart", requires: "can_view_reports" },
  { id: "osDistributionBar", title: "OS distribution", kind: "chart", requires: "can_view_reports" },
  { id: "osDistributionDoughnut", title: "OS distribution (ring)", kind: "chart", requires: "can_view_reports" },
  { id: "recentCollection", title: "Recently reporting hosts", kind: "list", requires: "can_view_hosts" },
];

export interface CardSlot {
  id: string;
  enabled: boolean;
}

/**
 * Orders the catalogue by the user's saved preferences; cards the user never saved keep their
 * default position after the saved ones and are shown.
 */
export function mergeCardLayout(catalogue: CardDefinition[], saved: DashboardPreference[]): CardSlot[] {
  const byId = new Map(saved.map((pref) => [pref.card_id, pref]));
  const known = catalogue.filter((card) => byId.has(card.id)).sort((a, b) => (byId.get(a.id)?.order ?? 0) - (byId.get(b.id)?.order ?? 0));
  const unsaved = catalogue.filter((card) => !byId.has(card.id));
  return [...known.map((card) => ({ id: card.id, enabled: byId.get(card.id)?.enabled ?? true })), ...unsaved.map((card) => ({ id: card.id, enabled: true }))];
}

/**
 * The body for `PUT /dashboard-preferences`. The server replaces every row, so preferences for
 * cards this dashboard does not draw are sent back unchanged after ours.
 */
export function preferencesPayload(slots: CardSlot[], saved: DashboardPreference[]) {
  const ours = new Set(slots.map((slot) => slot.id));
  const foreign = saved.filter((pref) => !ours.has(pref.card_id));
  return {
    preferences: [
      ...slots.map((slot, index) => ({ cardId: slot.id, enabled: slot.enabled, order: index, col_span: 1 })),
      ...foreign.map((pref, index) => ({ cardId: pref.card_id, enabled: pref.enabled, order: slots.length + index, col_span: pref.col_span ?? 1 })),
    ],
  };
}
