import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../../api";
import type { Repository } from "../../api/types";
import { Modal } from "../../components/Modal";
import { errorText, Notice } from "../../components/States";

/** Edits PatchMon's record of a repository; the hosts' own configuration is never touched. */
export function RepositoryEditDialog({ repo, onClose }: { repo: Repository; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(repo.name);
  const [description, setDescription] = useState(repo.description ?? "");
  const [active, setActive] = useState(repo.is_active);
  const [priority, setPriority] = useState(repo.priority === undefined ? "" : String(repo.priority));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.put(`/repositories/${repo.id}`, { name: name.trim(), description: description.trim(), is_active: active, priority: priority.trim() });
      void queryClient.invalidateQueries({ queryKey: ["repositories"] });
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Edit repository"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="repo-form" className="btn btn-primary" disabled={busy || !name.trim()}>
            {busy ? "Saving…" : "Save"}
          </button>
        </>
      }
    >
      <form id="repo-form" className="form" onSubmit={submit}>
        <div className="form-field">
          <label htmlFor="repo-name">Name</label>
          <input id="repo-name" required maxLength={255} value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <div className="form-field">
          <label htmlFor="repo-description">Description</label>
          <textarea id="repo-description" rows={3} value={description} onChange={(event) => setDescription(event.target.value)} />
          <p className="help">For example why an HTTP-only mirror is acceptable.</p>
        </div>
        <div className="form-field">
          <label htmlFor="repo-priority">Priority</label>
          <input id="repo-priority" type="number" step={1} value={priority} onChange={(event) => setPriority(event.target.value)} />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={active} onChange={(event) => setActive(event.target.checked)} />
          Active
        </label>
        {error && <Notice kind="error">{error}</Notice>}
      </form>
    </Modal>
  );
}
