import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "../../../api";
import type { Host } from "../../../api/types";
import { EmptyState, errorText, Notice } from "../../../components/States";

export function NotesTab({ host, canEdit }: { host: Host; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [notes, setNotes] = useState(host.notes ?? "");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);

  useEffect(() => setNotes(host.notes ?? ""), [host.notes]);

  if (!canEdit) {
    return host.notes ? <div className="card" style={{ whiteSpace: "pre-wrap" }}>{host.notes}</div> : <EmptyState title="No notes for this host" />;
  }

  const save = async () => {
    setBusy(true);
    setMessage(null);
    try {
      await api.patch(`/hosts/${host.id}/notes`, { notes: notes.trim() === "" ? null : notes });
      setMessage({ kind: "success", text: "Notes saved" });
      void queryClient.invalidateQueries({ queryKey: ["hosts"] });
    } catch (err) {
      setMessage({ kind: "error", text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card stack">
      <label htmlFor="host-notes" className="sr-only">
        Notes
      </label>
      <textarea id="host-notes" rows={8} value={notes} onChange={(event) => setNotes(event.target.value)} placeholder="Free-text notes about this host (owner, purpose, maintenance windows…)" />
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <div>
        <button type="button" className="btn btn-primary" disabled={busy || notes === (host.notes ?? "")} onClick={save}>
          {busy ? "Saving…" : "Save notes"}
        </button>
      </div>
    </div>
  );
}
