import { useState } from "react";
import { Modal } from "../../components/Modal";
import { OrderedChecklist } from "../../components/OrderedChecklist";
import { Notice } from "../../components/States";
import { moveItem } from "../../lib/reorder";
import { CARD_CATALOGUE, type CardSlot } from "./cards";
import { CHARTS_COLUMN_RANGE, columnChoices, STATS_COLUMN_RANGE, type ColumnRange, type DashboardLayout } from "./layout";

interface Props {
  slots: CardSlot[];
  layout: DashboardLayout;
  busy: boolean;
  error: string | null;
  onSave: (slots: CardSlot[], layout: DashboardLayout) => void;
  onClose: () => void;
}

function ColumnCountField({ id, label, range, value, onChange }: { id: string; label: string; range: ColumnRange; value: number; onChange: (columns: number) => void }) {
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {columnChoices(range).map((columns) => (
          <option key={columns} value={columns}>
            {columns}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CustomiseDashboard({ slots: initialSlots, layout: initialLayout, busy, error, onSave, onClose }: Props) {
  const [slots, setSlots] = useState(initialSlots);
  const [layout, setLayout] = useState(initialLayout);
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
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => onSave(slots, layout)}>
            {busy ? "Saving…" : "Save layout"}
          </button>
        </>
      }
    >
      <p className="muted">Choose which cards to show, their order, and how many share a row. The layout is saved to your account.</p>
      <div className="form-row">
        <ColumnCountField id="dashboard-stats-columns" label="Stat cards per row" range={STATS_COLUMN_RANGE} value={layout.stats_columns} onChange={(stats_columns) => setLayout({ ...layout, stats_columns })} />
        <ColumnCountField id="dashboard-charts-columns" label="Charts per row" range={CHARTS_COLUMN_RANGE} value={layout.charts_columns} onChange={(charts_columns) => setLayout({ ...layout, charts_columns })} />
      </div>
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
