import { useInfiniteQuery, type InfiniteData } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useEndpoint } from "../../api/capabilities";
import type { HostListItem, Paged } from "../../api/types";
import { usePermissions } from "../../auth/AuthProvider";
import { Icon } from "../../components/Icon";
import { EmptyState, ErrorState, Loading } from "../../components/States";
import { AddHostWizard } from "./AddHostWizard";
import { BulkActions } from "./BulkActions";
import { HostColumnChooser } from "./HostColumnChooser";
import { visibleHostColumns } from "./hostColumns";
import { HostFilters } from "./HostFilters";
import { HostTable } from "./HostTable";
import { canSortBy, chooseHostListSource, fetchHostPage } from "./hostListSource";
import { toggleSort, type HostListState } from "./hostListState";
import { useHostColumns } from "./useHostColumns";
import { useHostListState } from "./useHostListState";

export default function HostsPage() {
  const permissions = usePermissions();
  const [state, setState] = useHostListState();
  const [params, setParams] = useSearchParams();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [choosingColumns, setChoosingColumns] = useState(false);
  const hostColumns = useHostColumns();
  const columns = useMemo(() => visibleHostColumns(hostColumns.settings), [hostColumns.settings]);
  const adding = params.get("add") === "1" && permissions.can_manage_hosts;
  const dashboardHosts = useEndpoint("GET", "/dashboard/hosts");
  const source = chooseHostListSource(dashboardHosts, permissions.can_manage_hosts);

  const query = useInfiniteQuery<Paged<HostListItem>, Error, InfiniteData<Paged<HostListItem>>, unknown[], number>({
    queryKey: ["hosts", "list", source, state],
    queryFn: ({ pageParam }) => fetchHostPage(source, state, pageParam),
    enabled: dashboardHosts !== "checking",
    initialPageParam: 0,
    getNextPageParam: (last) => (last.offset + last.items.length < last.total && last.items.length > 0 ? last.offset + last.items.length : undefined),
  });

  const hosts = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const total = query.data?.pages[0]?.total ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const changeState = useCallback(
    (next: HostListState) => {
      setSelected(new Set());
      setState(next);
    },
    [setState],
  );

  const setAdding = (on: boolean) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (on) next.set("add", "1");
        else next.delete("add");
        return next;
      },
      { replace: true },
    );

  return (
    <div className="page">
      <div className="page-header">
        <h1>Hosts</h1>
        <div className="actions">
          {query.isSuccess && <span className="muted">{total} host(s)</span>}
          <button type="button" className="btn" onClick={() => setChoosingColumns(true)}>
            Columns
          </button>
          {permissions.can_manage_hosts && (
            <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
              <Icon name="plus" /> Add host
            </button>
          )}
        </div>
      </div>
      <HostFilters state={state} onChange={changeState} fullFilters={source === "dashboard"} />
      {permissions.can_manage_hosts && <BulkActions selected={selected} onDone={() => setSelected(new Set())} />}
      {query.isPending || hostColumns.loading ? (
        <Loading label="Loading hosts…" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : hosts.length === 0 ? (
        <EmptyState title="No hosts found">
          {total === 0 && !params.toString() ? "Add your first host to start monitoring its packages." : "No host matches these filters."}
        </EmptyState>
      ) : (
        <>
          <HostTable
            hosts={hosts}
            columns={columns}
            state={state}
            onSort={(field) => changeState(toggleSort(state, field))}
            canSort={(field) => canSortBy(source, field)}
            selectable={permissions.can_manage_hosts}
            selected={selected}
            onSelectionChange={setSelected}
            onNearEnd={loadMore}
          />
          {isFetchingNextPage && <Loading label="Loading more hosts…" />}
        </>
      )}
      {adding && <AddHostWizard onClose={() => setAdding(false)} />}
      {choosingColumns && <HostColumnChooser settings={hostColumns.settings} onSave={hostColumns.save} onClose={() => setChoosingColumns(false)} />}
    </div>
  );
}
