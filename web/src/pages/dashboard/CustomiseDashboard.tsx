import { useState } from "react";
import { Modal } from "../../components/Modal";
import { Notice } from "../../components/States";
import { CARD_CATALOGUE, moveSlot, type CardSlot } from "./cards";

interface Props {
  slots: CardSlot[];
  busy: boolean;
  error: string | null;
  onSave: (slots: CardSlot[]) => void;
  onClose: () => void;
}

export function CustomiseDashboard({ slots: initial, busy, error, onSave, onClose }: Props) {
  const [slots, setSlots] = useState(initial);
  const titleOf = (id: string) => CARD_CATALOGUE.find((card) => card.id === id)?.title ?? id;
  return (
    <Modal
      title="Customise dashboard"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => onSave(slots)}>
            {busy ? "Saving…" : "Save layout"}
          </button>
        </>
      }
    >
      <p className="muted">Choose which cards to show and their order. The layout is saved to your account.</p>
      <div>
        {slots.map((slot, index) => (
          <div key={slot.id} className="dashboard-card-controls">
            <input
              type="checkbox"
              aria-label={`Show ${titleOf(slot.id)}`}
              checked={slot.enabled}
              onChange={(event) => setSlots(slots.map((s) => (s.id === slot.id ? { ...s, enabled: event.target.checked } : s)))}
            />
            <span>{titleOf(slot.id)}</span>
            <button type="button" className="btn btn-small" aria-label={`Move ${titleOf(slot.id)} up`} disabled={index === 0} onClick={() => setSlots(moveSlot(slots, index, -1))}>
              ↑
            </button>
            <button type="button" className="btn btn-small" aria-label={`Move ${titleOf(slot.id)} down`} disabled={index === slots.length - 1} onClick={() => setSlots(moveSlot(slots, index, 1))}>
              ↓
            </button>
          </div>
        ))}
      </div>
      {error && <Notice kind="error">{error}</Notice>}
    </Modal>
  );
}
