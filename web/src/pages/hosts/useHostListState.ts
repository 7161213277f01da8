import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router-dom";
import { hostListStateToParams, parseHostListState, type HostListState } from "./hostListState";

/** The host list's filters and sort live in the URL, so they survive reloads and can be linked to. */
export function useHostListState(): [HostListState, (next: HostListState) => void] {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseHostListState(params), [params]);
  const update = useCallback(
    (next: HostListState) => setParams((current) => hostListStateToParams(next, current), { replace: true }),
    [setParams],
  );
  return [state, update];
}
