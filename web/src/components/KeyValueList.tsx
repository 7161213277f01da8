import type { ReactNode } from "react";
import { formatValue } from "../lib/format";

export type KeyValueEntry = [label: string, value: ReactNode | unknown];

function isNode(value: unknown): value is ReactNode {
  return typeof value === "object" && value !== null && "$$typeof" in value;
}

export function KeyValueList({ entries }: { entries: KeyValueEntry[] }) {
  return (
    <dl className="kv">
      {entries.map(([label, value]) => (
        <div key={label} style={{ display: "contents" }}>
          <dt>{label}</dt>
          <dd>{isNode(value) ? value : formatValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
