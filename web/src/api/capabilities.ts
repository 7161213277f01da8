import { useQuery } from "@tanstack/react-query";
import { api } from ".";

/**
 * Which API routes this server has, read from its OpenAPI document. Pages ask before calling a
 * route that not every server provides, so a missing feature shows an "not available" state
 * instead of a failed request.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type EndpointState = "checking" | "available" | "missing";

interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
}

const API_PREFIX = "/api/v1";

/** Parameter names differ between callers and the spec (`{id}` vs `{host_id}`), so they are dropped. */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, "{}")}`;
}

export function routeKeysOf(document: OpenApiDocument): Set<string> {
  const keys = new Set<string>();
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    const relative = path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path;
    for (const method of Object.keys(operations)) keys.add(routeKey(method, relative));
  }
  return keys;
}

async function fetchServerRoutes(): Promise<Set<string> | null> {
  try {
    return routeKeysOf(await api.get<OpenApiDocument>("/openapi.json"));
  } catch {
    return null;
  }
}

/** The route set, or null when the server publishes no OpenAPI document (then every route is assumed). */
export const serverRoutesQuery = {
  queryKey: ["server-routes"],
  queryFn: fetchServerRoutes,
  staleTime: Infinity,
  gcTime: Infinity,
} as const;

export function useServerRoutes() {
  return useQuery(serverRoutesQuery);
}

export function endpointState(routes: Set<string> | null | undefined, method: HttpMethod, path: string): EndpointState {
  if (routes === undefined) return "checking";
  if (routes === null) return "available";
  return routes.has(routeKey(method, path)) ? "available" : "missing";
}

/** Whether the server has `method path`; `path` is relative to /api/v1 and may use `{param}` placeholders. */
export function useEndpoint(method: HttpMethod, path: string): EndpointState {
  return endpointState(useServerRoutes().data, method, path);
}
