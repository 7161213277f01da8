import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type CSSProperties } from "react";
import { api } from "../../api";
import { useEndpoint } from "../../api/capabilities";
import { ApiError } from "../../api/client";
import type { DashboardPreference, DashboardStats } from "../../api/types";
import { usePermissions } from "../../auth/AuthProvider";
import { EmptyState, ErrorState, errorText, Loading } from "../../components/States";
import { formatRelative } from "../../lib/format";
import { CARD_CATALOGUE, mergeCardLayout, preferencesPayload, type CardSlot } from "./cards";
import { CustomiseDashboard } from "./CustomiseDashboard";
import { ChartCard, RecentCollectionCard, StatCard } from "./DashboardCards";
import { HostSummary } from "./HostSummary";
import { DEFAULT_DASHBOARD_LAYOUT, parseDashboardLayout, sameLayout, type DashboardLayout } from "./layout";

const PREFERENCES_KEY = ["dashboard", "preferences"];
const LAYOUT_KEY = ["dashboard", "layout"];

/** The stylesheet turns these into "at most N per row", so narrow screens still get fewer. */
function gridColumns(columns: number): CSSProperties {
  return { "--grid-columns": columns } as CSSProperties;
}

export default function DashboardPage() {
  const permissions = usePermissions();
  const queryClient = useQueryClient();
  const [customising, setCustomising] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);

  const statsEndpoint = useEndpoint("GET", "/dashboard/stats");
  const stats = useQuery({
    queryKey: ["dashboard", "stats"],
    queryFn: () => api.get<DashboardStats>("/dashboard/stats"),
    refetchInterval: 60_000,
    enabled: statsEndpoint === "available",
  });
  // Preferences are optional: without them (or on 404) the default layout is used.
  const preferences = useQuery({
    queryKey: PREFERENCES_KEY,
    queryFn: async () => {
      try {
        return await api.get<DashboardPreference[]>("/dashboard-preferences");
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return [];
        throw err;
      }
    },
  });

  // Like the card preferences: a server without the layout route gets the default column counts.
  const layoutQuery = useQuery({
    queryKey: LAYOUT_KEY,
    queryFn: async () => {
      try {
        return parseDashboardLayout(await api.get<unknown>("/dashboard-preferences/layout"));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return DEFAULT_DASHBOARD_LAYOUT;
        throw err;
      }
    },
  });
  const layout = layoutQuery.data ?? DEFAULT_DASHBOARD_LAYOUT;

  const saved = useMemo(() => (Array.isArray(preferences.data) ? preferences.data : []), [preferences.data]);
  const allowedCards = CARD_CATALOGUE.filter((card) => permissions[card.requires]);
  const slots = mergeCardLayout(allowedCards, saved);
  const visible = slots.filter((slot) => slot.enabled).map((slot) => allowedCards.find((card) => card.id === slot.id)!);

  const saveLayout = async (nextSlots: CardSlot[], nextLayout: DashboardLayout) => {
    setSaving(true);
    setSaveError(null);
    try {
      await Promise.all([
        api.put("/dashboard-preferences", preferencesPayload(nextSlots, saved)),
        sameLayout(nextLayout, layout) ? undefined : api.put("/dashboard-preferences/layout", nextLayout),
      ]);
      await Promise.all([queryClient.invalidateQueries({ queryKey: PREFERENCES_KEY }), queryClient.invalidateQueries({ queryKey: LAYOUT_KEY })]);
      setCustomising(false);
    } catch (err) {
      setSaveError(errorText(err));
    } finally {
      setSaving(false);
    }
  };

  let body;
  if (statsEndpoint === "missing") body = <HostSummary />;
  else if (stats.isPending || preferences.isPending || layoutQuery.isPending) body = <Loading label="Loading dashboard…" />;
  else if (stats.isError) body = <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />;
  else if (!stats.data) body = null;
  else if (visible.length === 0) body = <EmptyState title="No cards to show">Use “Customise” to choose the cards on your dashboard.</EmptyState>;
  else {
    const data = stats.data;
    body = (
      <>
        <div className="grid-cards grid-columns" style={gridColumns(layout.stats_columns)}>
          {visible.filter((card) => card.kind === "stat").map((card) => (
            <StatCard key={card.id} card={card} stats={data} />
          ))}
        </div>
        <div className="grid-charts grid-columns" style={gridColumns(layout.charts_columns)}>
          {visible.filter((card) => card.kind !== "stat").map((card) =>
            card.kind === "list" ? <RecentCollectionCard key={card.id} card={card} /> : <ChartCard key={card.id} card={card} stats={data} />,
          )}
        </div>
      </>
    );
  }

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Dashboard</h1>
          {stats.data?.lastUpdated && <div className="muted small">Updated {formatRelative(stats.data.lastUpdated)}</div>}
        </div>
        <button type="button" className="btn" onClick={() => { setSaveError(null); setCustomising(true); }}>
          Customise
        </button>
      </div>
      {body}
      {customising && <CustomiseDashboard slots={slots} layout={layout} busy={saving} error={saveError} onSave={saveLayout} onClose={() => setCustomising(false)} />}
    </div>
  );
}
