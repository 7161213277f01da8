import { describe, expect, it, vi } from "vitest";
import { ApiClient, ApiError, DEVICE_ID_KEY, type KeyValueStore } from "./client";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function memoryStore(): KeyValueStore {
  const data = new Map<string, string>();
  return { getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
}

function jsonResponse(status: number, body: unknown, contentType = "application/json"): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": contentType } });
}

/** A fake fetch answering from a queue of handlers, recording every call. */
function fakeFetch(handler: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body as string | undefined,
    };
    calls.push(call);
    return handler(call);
  });
  return { fetchImpl: fetchImpl as unknown as typeof fetch, calls };
}

describe("ApiClient refresh-then-retry", () => {
  it("refreshes once on 'Invalid token' and retries the original request", async () => {
    let hostCalls = 0;
    const { fetchImpl, calls } = fakeFetch((call) => {
      if (call.url === "/api/v1/auth/refresh") return jsonResponse(200, { expires_at: "2030-01-01T00:00:00Z" });
      hostCalls += 1;
      // The auth middleware sends its JSON as text/plain.
      return hostCalls === 1 ? jsonResponse(401, { error: "Invalid token" }, "text/plain; charset=utf-8") : jsonResponse(200, [{ id: "h1" }]);
    });
    const onSessionLost = vi.fn();
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore(), onSessionLost });

    await expect(client.get("/hosts")).resolves.toEqual([{ id: "h1" }]);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(["GET /api/v1/hosts", "POST /api/v1/auth/refresh", "GET /api/v1/hosts"]);
    expect(calls.every((c) => c.headers["X-Device-ID"])).toBe(true);
    expect(calls[1]?.headers["X-User-Activity"]).toBeUndefined();
    expect(onSessionLost).not.toHaveBeenCalled();
  });

  it.each(["Session expired", "Unauthorized"])("also refreshes on '%s'", async (error) => {
    let first = true;
    const { fetchImpl, calls } = fakeFetch((call) => {
      if (call.url.endsWith("/auth/refresh")) return jsonResponse(200, {});
      if (first) {
        first = false;
        return jsonResponse(401, { error });
      }
      return jsonResponse(200, { ok: true });
    });
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore() });
    await expect(client.get("/dashboard/stats")).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(3);
  });

  it("reports the session lost and throws when the refresh fails", async () => {
    const { fetchImpl, calls } = fakeFetch((call) =>
      call.url.endsWith("/auth/refresh") ? jsonResponse(401, { error: "Missing refresh token" }) : jsonResponse(401, { error: "Invalid token" }),
    );
    const onSessionLost = vi.fn();
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore(), onSessionLost });

    const error = await client.get("/hosts").catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(onSessionLost).toHaveBeenCalledTimes(1);
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/hosts", "/api/v1/auth/refresh"]);
  });

  it("shares one refresh between concurrent requests", async () => {
    let refreshed = false;
    const { fetchImpl, calls } = fakeFetch(async (call) => {
      if (call.url.endsWith("/auth/refresh")) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        refreshed = true;
        return jsonResponse(200, {});
      }
      return refreshed ? jsonResponse(200, { url: call.url }) : jsonResponse(401, { error: "Invalid token" });
    });
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore() });
    const results = await Promise.all([client.get("/a"), client.get("/b"), client.get("/c")]);
    expect(results).toHaveLength(3);
    expect(calls.filter((c) => c.url.endsWith("/auth/refresh"))).toHaveLength(1);
  });

  it("does not refresh on an inactivity logout; it goes straight to login", async () => {
    const { fetchImpl, calls } = fakeFetch(() => jsonResponse(401, { error: "Session expired due to inactivity" }));
    const onSessionLost = vi.fn();
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore(), onSessionLost });
    await expect(client.get("/hosts")).rejects.toThrow("Session expired due to inactivity");
    expect(calls).toHaveLength(1);
    expect(onSessionLost).toHaveBeenCalledTimes(1);
  });

  it("treats 401 from login as bad credentials, not a stale token", async () => {
    const { fetchImpl, calls } = fakeFetch(() => jsonResponse(401, { error: "Invalid credentials" }));
    const onSessionLost = vi.fn();
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore(), onSessionLost });
    await expect(client.post("/auth/login", { username: "a", password: "b" })).rejects.toThrow("Invalid credentials");
    expect(calls).toHaveLength(1);
    expect(onSessionLost).not.toHaveBeenCalled();
  });

  it("does not retry more than once when the retried request is still unauthorised", async () => {
    const { fetchImpl, calls } = fakeFetch((call) => (call.url.endsWith("/auth/refresh") ? jsonResponse(200, {}) : jsonResponse(401, { error: "Invalid token" })));
    const onSessionLost = vi.fn();
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore(), onSessionLost });
    await expect(client.get("/hosts")).rejects.toBeInstanceOf(ApiError);
    expect(calls).toHaveLength(3);
    expect(onSessionLost).toHaveBeenCalledTimes(1);
  });
});

describe("ApiClient requests", () => {
  it("keeps one device id across requests and stores it", async () => {
    const store = memoryStore();
    const { fetchImpl, calls } = fakeFetch(() => jsonResponse(200, {}));
    const client = new ApiClient({ fetch: fetchImpl, storage: store });
    await client.get("/a");
    await client.get("/b");
    const ids = calls.map((c) => c.headers["X-Device-ID"]);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(store.getItem(DEVICE_ID_KEY)).toBe(ids[0]);
  });

  it("marks user actions with X-User-Activity but not background reads", async () => {
    const { fetchImpl, calls } = fakeFetch(() => jsonResponse(200, {}));
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore() });
    await client.get("/dashboard/stats");
    await client.post("/hosts/create", { friendly_name: "x" });
    await client.get("/tfa/setup", { userAction: true });
    expect(calls.map((c) => c.headers["X-User-Activity"])).toEqual([undefined, "1", "1"]);
    expect(calls[1]?.headers["Content-Type"]).toBe("application/json");
    expect(calls[1]?.body).toBe('{"friendly_name":"x"}');
  });

  it("sends credentials and skips empty query values", async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, {}));
    const client = new ApiClient({ fetch: fetchImpl as unknown as typeof fetch, storage: memoryStore() });
    await client.get("/dashboard/hosts", { query: { search: "", limit: 100, offset: 0, group: undefined } });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/dashboard/hosts?limit=100&offset=0");
    expect(init.credentials).toBe("include");
  });

  it("surfaces the server's error message", async () => {
    const { fetchImpl } = fakeFetch(() => jsonResponse(400, { error: "Name is required" }));
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore() });
    await expect(client.post("/host-groups", {})).rejects.toMatchObject({ status: 400, message: "Name is required" });
  });

  it("treats the SPA fallback page as a missing endpoint", async () => {
    const { fetchImpl } = fakeFetch(() => new Response("<!doctype html><html></html>", { status: 200, headers: { "Content-Type": "text/html" } }));
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore() });
    await expect(client.get("/audit-log")).rejects.toMatchObject({ status: 404 });
  });
});

describe("ApiClient uploads", () => {
  it("sends raw bytes with their content type and answers the status with the body", async () => {
    const { fetchImpl, calls } = fakeFetch(() => jsonResponse(201, { id: "p1" }));
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore() });
    const bytes = new Uint8Array([0x1f, 0x8b, 0x08]).buffer;
    await expect(client.upload("/plugins", bytes)).resolves.toEqual({ status: 201, body: { id: "p1" } });
    expect(calls[0]?.method).toBe("POST");
    expect(calls[0]?.headers["Content-Type"]).toBe("application/octet-stream");
    expect(calls[0]?.headers["X-User-Activity"]).toBe("1");
    expect(calls[0]?.body).toBe(bytes);
  });

  it("raises the server's error for a rejected upload", async () => {
    const { fetchImpl } = fakeFetch(() => jsonResponse(400, { error: "not a plugin package" }));
    const client = new ApiClient({ fetch: fetchImpl, storage: memoryStore() });
    await expect(client.upload("/plugins", new Blob(["x"]))).rejects.toMatchObject({ status: 400, message: "not a plugin package" });
  });
});
