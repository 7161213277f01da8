import { useState } from "react";
import { Modal } from "../../components/Modal";
import { OrderedChecklist } from "../../components/OrderedChecklist";
import { errorText, Notice } from "../../components/States";
import { moveItem } from "../../lib/reorder";
import { DEFAULT_HOST_COLUMNS, hostColumn, isDefaultHostColumns, setHostColumnVisible, type HostColumnSetting } from "./hostColumns";

interface Props {
  settings: HostColumnSetting[];
  onSave: (next: HostColumnSetting[]) => Promise<void>;
  onClose: () => void;
}

/** Show, hide and order the host list's columns; saved to the user's preferences. */
export function HostColumnChooser({ settings: initial, onSave, onClose }: Props) {
  const [settings, setSettings] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSave(settings);
      onClose();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Columns"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" disabled={isDefaultHostColumns(settings)} onClick={() => setSettings(DEFAULT_HOST_COLUMNS.map((column) => ({ ...column })))}>
            Reset to default
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void save()}>
            {busy ? "Saving…" : "Save columns"}
          </button>
        </>
      }
    >
      <p className="muted">Choose the host list's columns and their order. They are saved to your account.</p>
      <OrderedChecklist
        verb="Show"
        items={settings.map((setting) => {
          const column = hostColumn(setting.id);
          return { id: setting.id, label: column.label, checked: setting.visible, locked: column.required };
        })}
        onToggle={(id, visible) => setSettings(setHostColumnVisible(settings, id, visible))}
        onMove={(index, delta) => setSettings(moveItem(settings, index, delta))}
      />
      {error && <Notice kind="error">{error}</Notice>}
    </Modal>
  );
}
