import { useHostGroups } from "../../api/queries";
import { GroupChip } from "../../components/StatusBadge";

/** Checkbox list of host groups; `selected` holds group ids. */
export function GroupPicker({ selected, onChange }: { selected: string[]; onChange: (ids: string[]) => void }) {
  const groups = useHostGroups();
  if (groups.isLoading) return <span className="muted">Loading groups…</span>;
  if (groups.isError) return <span className="field-error">{groups.error.message}</span>;
  if (!groups.data?.length) return <span className="muted">No host groups yet. Create them under Host groups.</span>;
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((existing) => existing !== id));
  return (
    <div className="stack" style={{ gap: "0.3rem" }}>
      {groups.data.map((group) => (
        <label key={group.id} className="checkbox">
          <input type="checkbox" checked={selected.includes(group.id)} onChange={(event) => toggle(group.id, event.target.checked)} />
          <GroupChip name={group.name} color={group.color} />
        </label>
      ))}
    </div>
  );
}
