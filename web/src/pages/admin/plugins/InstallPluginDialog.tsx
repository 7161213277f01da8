import { useState, type FormEvent } from "react";
import { pluginApi, useStorePlugin, type PluginView } from "../../../api/plugins";
import { Modal } from "../../../components/Modal";
import { errorText, Notice } from "../../../components/States";

export interface InstallOutcome {
  plugin: PluginView;
  /** False for a new install (201), true when an installed plugin was upgraded (200). */
  upgraded: boolean;
}

/** Uploads a `.pmplugin` package as the raw request body. */
export function InstallPluginDialog({ onClose, onInstalled }: { onClose: () => void; onInstalled: (outcome: InstallOutcome) => void }) {
  const store = useStorePlugin();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await pluginApi.install(file);
      await store(answer.body);
      onInstalled({ plugin: answer.body, upgraded: answer.status !== 201 });
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Install plugin"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="install-plugin-form" className="btn btn-primary" disabled={busy || !file}>
            {busy ? "Installing…" : "Install"}
          </button>
        </>
      }
    >
      <form id="install-plugin-form" className="form" onSubmit={submit}>
        <div className="form-field">
          <label htmlFor="plugin-file">Plugin package</label>
          <input
            id="plugin-file"
            type="file"
            accept=".pmplugin"
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              setError(null);
            }}
          />
          <p className="help">
            A <code>.pmplugin</code> file built with <code>patchmon-server plugin pack</code>. A new plugin is installed disabled, with no permissions; a package
            of an installed plugin upgrades it.
          </p>
        </div>
        {file && !file.name.endsWith(".pmplugin") && <Notice kind="info">This file is not named *.pmplugin; the server checks what it really is.</Notice>}
        {error && <Notice kind="error">{error}</Notice>}
      </form>
    </Modal>
  );
}
