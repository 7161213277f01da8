import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../api";
import { ApiError } from "../../api/client";
import type { EnvironmentVariable, SettingsObject } from "../../api/types";
import { EmptyState, ErrorState, errorText, Loading, Notice } from "../../components/States";
import { Badge } from "../../components/StatusBadge";
import { Tabs } from "../../components/Tabs";
import { EnvironmentTable } from "./EnvironmentTable";
import { changedSettings, envSourceOf, SETTINGS_SECTIONS, type SettingsField } from "./settingsFields";

function FieldInput({ field, value, disabled, onChange }: { field: SettingsField; value: unknown; disabled: boolean; onChange: (value: unknown) => void }) {
  const id = `setting-${field.key}`;
  if (field.type === "boolean") {
    return <input id={id} type="checkbox" checked={value === true} disabled={disabled} onChange={(event) => onChange(event.target.checked)} />;
  }
  if (field.type === "select") {
    return (
      <select id={id} value={String(value ?? "")} disabled={disabled} onChange={(event) => onChange(event.target.value)}>
        {(field.options ?? []).map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  }
  if (field.type === "number") {
    return <input id={id} type="number" value={typeof value === "number" ? value : ""} disabled={disabled} onChange={(event) => onChange(event.target.value === "" ? undefined : Number(event.target.value))} />;
  }
  return <input id={id} type="text" value={typeof value === "string" ? value : ""} disabled={disabled} onChange={(event) => onChange(event.target.value)} />;
}

function GeneralSettings({ settings, variables }: { settings: SettingsObject; variables: EnvironmentVariable[] }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<SettingsObject>(settings);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);

  useEffect(() => setDraft(settings), [settings]);
  const changes = changedSettings(settings, draft);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      await api.put("/settings", changes);
      setMessage({ kind: "success", text: "Settings saved" });
      await queryClient.invalidateQueries({ queryKey: ["settings"] });
    } catch (err) {
      setMessage({ kind: "error", text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit}>
      {SETTINGS_SECTIONS.map((section) => (
        <section key={section.title} className="card">
          <h2>{section.title}</h2>
          <div className="form">
            {section.fields.map((field) => {
              const envName = envSourceOf(field.key, settings.sources, variables);
              const input = <FieldInput field={field} value={draft[field.key]} disabled={envName !== undefined} onChange={(value) => setDraft({ ...draft, [field.key]: value })} />;
              const badge = envName && (
                <span className="env-badge" title={`Set by the environment (${envName}); read-only here`}>
                  <Badge tone="warn">env</Badge>
                </span>
              );
              return field.type === "boolean" ? (
                <div key={field.key} className="form-field form-field-checkbox">
                  <label htmlFor={`setting-${field.key}`}>
                    {input} {field.label} {badge}
                  </label>
                </div>
              ) : (
                <div key={field.key} className="form-field">
                  <label htmlFor={`setting-${field.key}`}>
                    {field.label} {badge}
                  </label>
                  {input}
                  {field.help && <p className="help">{field.help}</p>}
                </div>
              );
            })}
          </div>
        </section>
      ))}
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy || Object.keys(changes).length === 0}>
          {busy ? "Saving…" : "Save settings"}
        </button>
      </div>
    </form>
  );
}

type SettingsTab = "general" | "environment";

export default function SettingsPage() {
  const [tab, setTab] = useState<SettingsTab>("general");
  const settings = useQuery({ queryKey: ["settings", "object"], queryFn: () => api.get<SettingsObject>("/settings") });
  const environment = useQuery({
    queryKey: ["settings", "environment"],
    queryFn: async () => {
      try {
        return (await api.get<{ variables: EnvironmentVariable[] }>("/settings/environment")).variables;
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return [];
        throw err;
      }
    },
  });

  return (
    <div className="page">
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      <Tabs
        tabs={[
          { key: "general", label: "General" },
          { key: "environment", label: "Environment" },
        ]}
        active={tab}
        onChange={setTab}
      />
      {settings.isLoading || environment.isLoading ? (
        <Loading />
      ) : tab === "general" ? (
        settings.isError ? (
          <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
        ) : (
          settings.data && <GeneralSettings settings={settings.data} variables={environment.data ?? []} />
        )
      ) : environment.isError ? (
        <ErrorState error={environment.error} onRetry={() => void environment.refetch()} />
      ) : environment.data?.length ? (
        <EnvironmentTable variables={environment.data} />
      ) : (
        <EmptyState title="No environment variables listed by this server" />
      )}
    </div>
  );
}
