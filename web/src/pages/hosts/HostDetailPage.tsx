import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { ApiError } from "../../api/client";
import { usePermissions } from "../../auth/AuthProvider";
import { useEndpoint } from "../../api/capabilities";
import { EmptyState, ErrorState, Loading, NotAvailable } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { Tabs, type TabDef } from "../../components/Tabs";
import { HistoryTab } from "./detail/HistoryTab";
import { HostActions } from "./detail/HostActions";
import { IntegrationsTab } from "./detail/IntegrationsTab";
import { NetworkTab } from "./detail/NetworkTab";
import { NotesTab } from "./detail/NotesTab";
import { OverviewTab } from "./detail/OverviewTab";
import { PackagesTab } from "./detail/PackagesTab";
import { QueueTab } from "./detail/QueueTab";
import { RepositoriesTab } from "./detail/RepositoriesTab";
import { SystemTab } from "./detail/SystemTab";
import { useHost, useHostDetail } from "./detail/useHostDetail";
import { formatOs } from "../../lib/format";

type TabKey = "overview" | "system" | "network" | "packages" | "repositories" | "history" | "queue" | "notes" | "integrations";

const TABS: TabDef<TabKey>[] = [
  { key: "overview", label: "Overview" },
  { key: "system", label: "System" },
  { key: "network", label: "Network" },
  { key: "packages", label: "Packages" },
  { key: "repositories", label: "Repositories" },
  { key: "history", label: "Report history" },
  { key: "queue", label: "Agent queue" },
  { key: "notes", label: "Notes" },
  { key: "integrations", label: "Integrations" },
];

/** Tabs that read `/dashboard/hosts/{id}`. */
const DETAIL_TABS: TabKey[] = ["system", "network", "packages", "history"];

function isTab(value: string | null): value is TabKey {
  return TABS.some((tab) => tab.key === value);
}

export default function HostDetailPage() {
  const { hostId = "" } = useParams();
  const permissions = usePermissions();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get("tab");
  const tab: TabKey = isTab(tabParam) ? tabParam : "overview";
  const [historyOffset, setHistoryOffset] = useState(0);
  const host = useHost(hostId);
  const detail = useHostDetail(hostId, historyOffset);
  const detailEndpoint = useEndpoint("GET", "/dashboard/hosts/{id}");

  if (host.isLoading) return <Loading label="Loading host…" />;
  if (host.isError) {
    if (host.error instanceof ApiError && host.error.status === 404) {
      return (
        <EmptyState title="Host not found">
          <Link to="/hosts">Back to hosts</Link>
        </EmptyState>
      );
    }
    return <ErrorState error={host.error} onRetry={() => void host.refetch()} />;
  }
  if (!host.data) return null;
  const data = host.data;
  const detailData = detail.data;
  const canManage = permissions.can_manage_hosts;
  // A 404 from the detail endpoint just means "no extra data": those tabs show their empty state.
  const detailFailed = detail.isError && !(detail.error instanceof ApiError && detail.error.status === 404);

  return (
    <div className="page">
      <p className="small">
        <Link to="/hosts">← Hosts</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>
            {data.friendly_name} <StatusBadge status={data.effective_status || data.status} />
          </h1>
          <div className="muted">{[data.hostname, data.ip, formatOs(data.os_type, data.os_version)].filter(Boolean).join(" · ")}</div>
        </div>
        {canManage && <HostActions key={data.id + data.friendly_name} host={data} />}
      </div>
      <Tabs tabs={TABS} active={tab} onChange={(key) => setParams({ tab: key }, { replace: true })} />
      {DETAIL_TABS.includes(tab) &&
        (detailEndpoint === "missing" ? (
          <NotAvailable what="Reported system, network, package and history details are" />
        ) : detail.isLoading ? (
          <Loading />
        ) : detailFailed ? (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        ) : (
          <>
            {tab === "system" && <SystemTab host={data} detail={detailData} />}
            {tab === "network" && <NetworkTab host={data} detail={detailData} />}
            {tab === "packages" && <PackagesTab packages={detailData?.host_packages} />}
            {tab === "history" && <HistoryTab history={detailData?.update_history} pagination={detailData?.pagination} onPage={setHistoryOffset} />}
          </>
        ))}
      {tab === "overview" && <OverviewTab host={data} detail={detailData} />}
      {tab === "repositories" && <RepositoriesTab hostId={hostId} />}
      {tab === "queue" && <QueueTab hostId={hostId} />}
      {tab === "notes" && <NotesTab host={data} canEdit={canManage} />}
      {tab === "integrations" && <IntegrationsTab hostId={hostId} canEdit={canManage} />}
    </div>
  );
}
