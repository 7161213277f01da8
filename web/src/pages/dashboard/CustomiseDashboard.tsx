import { useState } from "react";
import { Modal } from "../../components/Modal";
import { OrderedChecklist } from "../../components/OrderedChecklist";
import { Notice } from "../../components/States";
import { moveItem } from "../../lib/reorder";
import { CARD_CATALOGUE, type CardSlot } from "./cards";

interface Props {
  slots: CardSlot[];
  busy: boolean;
  error: string | null;
  onSave: (slots: CardSlot[]) => void;
  onClose: () => void;
}

export function CustomiseDashboard({ slots: initialSlots, busy, error, onSave, onClose }: Props) {
  const [slots, setSlots] = useState(initialSlots);
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
      <OrderedChecklist
        verb="Show"
        items={slots.map((slot) => ({ id: slot.id, label: titleOf(slot.id), checked: slot.enabled }))}
        onToggle={(id, checked) => setSlots(slots.map((slot) => (slot.id === id ? { ...slot, enabled: checked } : slot)))}
        onMove={(index, delta) => setSlots(moveItem(slots, index, delta))}
      />
      {error && <Notice kind="error">{error}</Notice>}
    </Modal>
  );
}
