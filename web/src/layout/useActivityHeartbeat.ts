import { useEffect } from "react";
import { api } from "../api";

const HEARTBEAT_INTERVAL_MS = 5 * 60 * 1000;

/**
 * Keeps the server-side session alive while a person is actually using the page:
 * clicks and key presses send at most one heartbeat (with X-User-Activity) every five minutes.
 */
export function useActivityHeartbeat(enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    let lastSent = Date.now();
    const onActivity = () => {
      if (Date.now() - lastSent < HEARTBEAT_INTERVAL_MS) return;
      lastSent = Date.now();
      void api.post("/auth/heartbeat", undefined, { userAction: true }).catch(() => undefined);
    };
    window.addEventListener("pointerdown", onActivity, { passive: true });
    window.addEventListener("keydown", onActivity);
    return () => {
      window.removeEventListener("pointerdown", onActivity);
      window.removeEventListener("keydown", onActivity);
    };
  }, [enabled]);
}
