import { describe, expect, it } from "vitest";
import { endpointState, routeKey, routeKeysOf } from "./capabilities";

const document = {
  paths: {
    "/api/v1/hosts/{host_id}": { get: {}, delete: {} },
    "/api/v1/hosts/admin/list": { get: {} },
  },
};

describe("server route list", () => {
  it("keys routes by method and path relative to /api/v1, ignoring parameter names", () => {
    expect(routeKeysOf(document)).toEqual(new Set(["GET /hosts/{}", "DELETE /hosts/{}", "GET /hosts/admin/list"]));
    expect(routeKey("get", "/hosts/{id}")).toBe("GET /hosts/{}");
  });

  it("answers available, missing, or checking while the document loads", () => {
    const routes = routeKeysOf(document);
    expect(endpointState(routes, "GET", "/hosts/{hostId}")).toBe("available");
    expect(endpointState(routes, "POST", "/hosts/{hostId}")).toBe("missing");
    expect(endpointState(routes, "GET", "/dashboard/stats")).toBe("missing");
    expect(endpointState(undefined, "GET", "/dashboard/stats")).toBe("checking");
  });

  it("assumes every route exists when the server publishes no document", () => {
    expect(endpointState(null, "GET", "/dashboard/stats")).toBe("available");
  });
});
