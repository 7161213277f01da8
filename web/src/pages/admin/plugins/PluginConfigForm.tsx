import { useMemo, useState, type FormEvent } from "react";
import { pluginApi, useStorePlugin, type PluginView } from "../../../api/plugins";
import { SchemaForm, type SchemaValue } from "../../../components/SchemaForm";
import { Notice } from "../../../components/States";
import { configErrors, configPayload, formSchema, initialConfigValue, validateConfig } from "./pluginLogic";

/** The plugin's settings, drawn from its JSON Schema; secrets show only whether they are set. */
export function PluginConfigForm({ plugin }: { plugin: PluginView }) {
  const store = useStorePlugin();
  const schema = useMemo(() => formSchema(plugin.config_schema), [plugin.config_schema]);
  const [value, setValue] = useState<SchemaValue>(() => initialConfigValue(plugin));
  const [touched, setTouched] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  if (Object.keys(schema.properties).length === 0) return <p className="muted">This plugin has no settings.</p>;

  const localErrors = validateConfig(plugin, value);
  const errors = touched ? { ...serverErrors, ...localErrors } : serverErrors;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    setResult(null);
    if (Object.keys(localErrors).length > 0) return;
    setBusy(true);
    try {
      const updated = await pluginApi.setConfig(plugin.id, configPayload(schema, value).config);
      await store(updated);
      setValue(initialConfigValue(updated));
      setServerErrors({});
      setTouched(false);
      setResult({ kind: "success", text: "Configuration saved" });
    } catch (err) {
      const { fields, general } = configErrors(err, schema);
      setServerErrors(fields);
      setResult({ kind: "error", text: general ?? "The server did not accept some settings; see the fields above." });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} aria-label="Plugin configuration" noValidate>
      <SchemaForm
        schema={schema}
        value={value}
        errors={errors}
        secretsSet={plugin.secrets_set}
        disabled={busy}
        onChange={(next) => {
          setValue(next);
          setResult(null);
          setServerErrors({});
        }}
      />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Saving…" : "Save configuration"}
        </button>
        {result && <Notice kind={result.kind}>{result.text}</Notice>}
      </div>
    </form>
  );
}
