/** Error raised for any non-2xx answer; `message` is the server's `error` (or `message`) text. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, message: string, body: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Sent as-is instead of a JSON `body` (file uploads), with `contentType` (default octet-stream). */
  rawBody?: Blob | ArrayBuffer | Uint8Array<ArrayBuffer>;
  contentType?: string;
  /** Marks a request as caused by the user (slides the session's inactivity timer). */
  userAction?: boolean;
  signal?: AbortSignal;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface ApiClientOptions {
  fetch: typeof fetch;
  baseUrl?: string;
  storage?: KeyValueStore;
  /** Called once the session cannot be recovered (refresh failed); the app goes to the login page. */
  onSessionLost?: () => void;
}

export const DEVICE_ID_KEY = "patchmon_device_id";

/** 401 errors that a refresh of the access token can fix. */
const REFRESHABLE_ERRORS = new Set(["Invalid token", "Session expired", "Unauthorized"]);

/** Paths whose 401 means "bad credentials", never "stale access token". */
const NO_REFRESH_PATHS = ["/auth/login", "/auth/refresh", "/auth/verify-tfa", "/auth/setup-admin", "/auth/signup"];

function randomUuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID is missing outside secure contexts (plain-http LAN installs).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function getDeviceId(storage: KeyValueStore | undefined): string {
  const existing = storage?.getItem(DEVICE_ID_KEY);
  if (existing) return existing;
  const id = randomUuid();
  storage?.setItem(DEVICE_ID_KEY, id);
  return id;
}

export function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return `${baseUrl}${path}${qs ? `?${qs}` : ""}`;
}

/** Parses a body that may be JSON sent as text/plain (the auth middleware does that). */
async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function errorMessageOf(body: unknown, fallback: string): string {
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    if (typeof record.error === "string" && record.error) return record.error;
    if (typeof record.message === "string" && record.message) return record.message;
  }
  if (typeof body === "string" && body.trim() && body.length < 300) return body.trim();
  return fallback;
}

export class ApiClient {
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;
  private readonly storage?: KeyValueStore;
  private readonly onSessionLost?: () => void;
  /** One refresh in flight at a time, shared by every request that hit a 401 meanwhile. */
  private refreshInFlight: Promise<boolean> | null = null;

  constructor(options: ApiClientOptions) {
    this.fetchImpl = options.fetch;
    this.baseUrl = options.baseUrl ?? "/api/v1";
    this.storage = options.storage;
    this.onSessionLost = options.onSessionLost;
  }

  get deviceId(): string {
    return getDeviceId(this.storage);
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("GET", path, options);
  }
  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("POST", path, { ...options, body });
  }
  put<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("PUT", path, { ...options, body });
  }
  patch<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("PATCH", path, { ...options, body });
  }
  delete<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("DELETE", path, { ...options, body });
  }

  /** Sends a file or other raw bytes; answers the status too (201 and 200 can mean different things). */
  upload<T>(path: string, data: Blob | ArrayBuffer | Uint8Array<ArrayBuffer>, contentType = "application/octet-stream", method = "POST"): Promise<ApiAnswer<T>> {
    return this.exchange<T>(method, path, { rawBody: data, contentType });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.exchange<T>(method, path, options)).body;
  }

  /** Like `request`, with the answer's status. */
  async exchange<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiAnswer<T>> {
    const first = await this.send(method, path, options);
    if (first.status !== 401 || NO_REFRESH_PATHS.includes(path)) return this.finish<T>(first);

    const body = await readBody(first);
    const message = errorMessageOf(body, "Unauthorized");
    if (!REFRESHABLE_ERRORS.has(message)) {
      this.onSessionLost?.();
      throw new ApiError(401, message, body);
    }
    if (!(await this.refreshSession())) {
      this.onSessionLost?.();
      throw new ApiError(401, message, body);
    }
    const retried = await this.send(method, path, options);
    if (retried.status === 401) this.onSessionLost?.();
    return this.finish<T>(retried);
  }

  /** Asks the server for a new access token; true when it succeeded. */
  refreshSession(): Promise<boolean> {
    if (!this.refreshInFlight) {
      // A refresh is not user activity: it may be triggered by background polling.
      this.refreshInFlight = this.send("POST", "/auth/refresh", { userAction: false })
        .then((response) => response.ok)
        .catch(() => false)
        .finally(() => {
          this.refreshInFlight = null;
        });
    }
    return this.refreshInFlight;
  }

  private send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: "application/json",
      "X-Device-ID": this.deviceId,
    };
    const userAction = options.userAction ?? method !== "GET";
    if (userAction) headers["X-User-Activity"] = "1";
    let body: BodyInit | undefined;
    if (options.rawBody !== undefined) {
      headers["Content-Type"] = options.contentType ?? "application/octet-stream";
      body = options.rawBody;
    } else if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    return this.fetchImpl(buildUrl(this.baseUrl, path, options.query), {
      method,
      headers,
      body,
      credentials: "include",
      signal: options.signal,
    });
  }

  private async finish<T>(response: Response): Promise<ApiAnswer<T>> {
    // An unknown API route falls through to the SPA's index.html with 200: treat it as missing.
    if (response.ok && (response.headers.get("Content-Type") ?? "").includes("text/html")) {
      throw new ApiError(404, "This server does not provide this endpoint", undefined);
    }
    const body = await readBody(response);
    if (!response.ok) {
      throw new ApiError(response.status, errorMessageOf(body, `Request failed (${response.status})`), body);
    }
    return { status: response.status, body: body as T };
  }
}
