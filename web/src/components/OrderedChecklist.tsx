export interface ChecklistItem<Id extends string> {
  id: Id;
  label: string;
  checked: boolean;
  /** Always on: the checkbox is shown ticked and cannot be cleared. */
  locked?: boolean;
}

interface OrderedChecklistProps<Id extends string> {
  items: ChecklistItem<Id>[];
  /** Names the checkbox, e.g. "Show" → "Show Total hosts". */
  verb: string;
  onToggle: (id: Id, checked: boolean) => void;
  onMove: (index: number, delta: -1 | 1) => void;
}

/** A list of things to show or hide and put in order (dashboard cards, host list columns). */
export function OrderedChecklist<Id extends string>({ items, verb, onToggle, onMove }: OrderedChecklistProps<Id>) {
  return (
    <ul className="ordered-checklist">
      {items.map((item, index) => (
        <li key={item.id}>
          <input
            type="checkbox"
            aria-label={`${verb} ${item.label}`}
            checked={item.checked || Boolean(item.locked)}
            disabled={item.locked}
            onChange={(event) => onToggle(item.id, event.target.checked)}
          />
          <span>
            {item.label}
            {item.locked && <span className="muted small"> (always shown)</span>}
          </span>
          <button type="button" className="btn btn-small" aria-label={`Move ${item.label} up`} disabled={index === 0} onClick={() => onMove(index, -1)}>
            ↑
          </button>
          <button type="button" className="btn btn-small" aria-label={`Move ${item.label} down`} disabled={index === items.length - 1} onClick={() => onMove(index, 1)}>
            ↓
          </button>
        </li>
      ))}
    </ul>
  );
}
