import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api";
import type { EnvironmentVariable } from "../../api/types";
import { errorText, Notice } from "../../components/States";
import { Badge } from "../../components/StatusBadge";
import { formatValue } from "../../lib/format";
import { isEnvSourced } from "./settingsFields";

function parseInput(raw: string, template: unknown): unknown {
  if (typeof template === "number") return Number(raw);
  if (typeof template === "boolean") return raw === "true";
  return raw;
}

function VariableRow({ variable, onSaved }: { variable: EnvironmentVariable; onSaved: (message: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(formatValue(variable.effectiveValue));
  const [error, setError] = useState<string | null>(null);
  const fromEnv = isEnvSourced(variable);
  const save = async () => {
    setError(null);
    try {
      const result = await api.patch<{ message: string }>(`/settings/environment/${encodeURIComponent(variable.key)}`, {
        value: parseInput(value, variable.defaultValue ?? variable.effectiveValue),
      });
      setEditing(false);
      onSaved(result.message);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <tr>
      <td>
        <code>{variable.key}</code>
        <div className="muted small">{variable.description}</div>
      </td>
      <td>
        {editing ? (
          <div className="actions">
            <input aria-label={`Value of ${variable.key}`} value={value} onChange={(event) => setValue(event.target.value)} style={{ maxWidth: 220 }} />
            <button type="button" className="btn btn-small btn-primary" onClick={save}>
              Save
            </button>
            <button type="button" className="btn btn-small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <code>{formatValue(variable.effectiveValue)}</code>
        )}
        {error && <p className="field-error">{error}</p>}
      </td>
      <td>
        {fromEnv ? <Badge tone="warn">env</Badge> : <Badge>{variable.effectiveSource}</Badge>}
        {variable.conflict && <span className="muted small"> (overrides the saved value)</span>}
      </td>
      <td className="muted">{formatValue(variable.defaultValue)}</td>
      <td>
        {variable.editable && !fromEnv && !editing && (
          <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
      </td>
    </tr>
  );
}

export function EnvironmentTable({ variables }: { variables: EnvironmentVariable[] }) {
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const categories = Array.from(new Set(variables.map((variable) => variable.category)));
  const onSaved = (text: string) => {
    setMessage(text);
    void queryClient.invalidateQueries({ queryKey: ["settings"] });
  };
  return (
    <div className="stack">
      <p className="muted">Precedence: environment variable, then the saved value, then the built-in default. Values set in the environment are read-only here.</p>
      {message && <Notice kind="success">{message}</Notice>}
      {categories.map((category) => (
        <section key={category}>
          <h3>{category}</h3>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Variable</th>
                  <th>Value</th>
                  <th>Source</th>
                  <th>Default</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {variables
                  .filter((variable) => variable.category === category)
                  .map((variable) => (
                    <VariableRow key={variable.key} variable={variable} onSaved={onSaved} />
                  ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
