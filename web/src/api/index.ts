import { ApiClient } from "./client";

type Listener = () => void;
const sessionLostListeners = new Set<Listener>();

/** Subscribes to "the session is gone" (refresh failed); returns the unsubscribe function. */
export function onSessionLost(listener: Listener): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export const api = new ApiClient({
  fetch: (input, init) => window.fetch(input, init),
  storage: safeStorage(),
  onSessionLost: () => sessionLostListeners.forEach((listener) => listener()),
});

export { ApiError } from "./client";
