import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "../../api";
import { useEndpoint } from "../../api/capabilities";
import { useHostGroups } from "../../api/queries";
import type { OsDistributionEntry } from "../../api/types";
import { DEFAULT_HOST_LIST_STATE, HOST_FILTER_LABELS, HOST_FILTERS, type HostFilter, type HostListState } from "./hostListState";

const SEARCH_DEBOUNCE_MS = 300;

interface HostFiltersProps {
  state: HostListState;
  onChange: (next: HostListState) => void;
  /** State, reboot and stale filters need the dashboard host list; the plain lists lack them. */
  fullFilters: boolean;
}

export function HostFilters({ state, onChange, fullFilters }: HostFiltersProps) {
  const groups = useHostGroups();
  const filterOptions = useEndpoint("GET", "/dashboard/host-filter-options");
  const osOptions = useQuery({
    queryKey: ["host-filter-options"],
    queryFn: () => api.get<{ osDistribution: OsDistributionEntry[] }>("/dashboard/host-filter-options"),
    enabled: filterOptions === "available",
  });
  const [search, setSearch] = useState(state.search);

  useEffect(() => setSearch(state.search), [state.search]);
  useEffect(() => {
    if (search === state.search) return;
    const timer = window.setTimeout(() => onChange({ ...state, search }), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [search, state, onChange]);

  const osNames = Array.from(new Set((osOptions.data?.osDistribution ?? []).map((entry) => entry.os_type ?? entry.name))).filter(Boolean);
  const isFiltered = JSON.stringify({ ...state, sort: "", order: "" }) !== JSON.stringify({ ...DEFAULT_HOST_LIST_STATE, sort: "", order: "" });

  return (
    <div className="toolbar" role="search">
      <input type="search" placeholder="Search hosts…" aria-label="Search hosts" value={search} onChange={(event) => setSearch(event.target.value)} />
      {fullFilters && (
        <select aria-label="Filter by state" value={state.filter} onChange={(event) => onChange({ ...state, filter: event.target.value as HostFilter | "" })}>
          <option value="">All states</option>
          {HOST_FILTERS.map((filter) => (
            <option key={filter} value={filter}>
              {HOST_FILTER_LABELS[filter]}
            </option>
          ))}
        </select>
      )}
      <select aria-label="Filter by group" value={state.group} onChange={(event) => onChange({ ...state, group: event.target.value })}>
        <option value="">All groups</option>
        <option value="ungrouped">Ungrouped</option>
        {(groups.data ?? []).map((group) => (
          <option key={group.id} value={group.id}>
            {group.name}
          </option>
        ))}
      </select>
      {(osNames.length > 0 || state.os) && (
        <select aria-label="Filter by OS" value={state.os} onChange={(event) => onChange({ ...state, os: event.target.value })}>
          <option value="">All OS</option>
          {state.os && !osNames.includes(state.os) && <option value={state.os}>{state.os}</option>}
          {osNames.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      )}
      {fullFilters && (
        <>
          <label className="checkbox">
            <input type="checkbox" checked={state.reboot} onChange={(event) => onChange({ ...state, reboot: event.target.checked })} />
            Needs reboot
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={state.hideStale} onChange={(event) => onChange({ ...state, hideStale: event.target.checked })} />
            Hide stale
          </label>
        </>
      )}
      {isFiltered && (
        <button type="button" className="btn btn-small" onClick={() => onChange({ ...DEFAULT_HOST_LIST_STATE, sort: state.sort, order: state.order })}>
          Clear filters
        </button>
      )}
    </div>
  );
}
