import { vi } from "vitest";

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

type Handler = (request: RecordedRequest) => { status: number; body?: unknown } | undefined;

/** Replaces window.fetch with a tiny in-memory API; unknown routes answer 404. */
export function installFakeServer(handler: Handler) {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    const request: RecordedRequest = {
      method: init?.method ?? "GET",
      path: url.pathname.replace(/^\/api\/v1/, "") + url.search,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : init?.body ?? undefined,
      headers: (init?.headers ?? {}) as Record<string, string>,
    };
    requests.push(request);
    const answer = handler(request) ?? { status: 404, body: { error: "Not found" } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return { requests };
}
