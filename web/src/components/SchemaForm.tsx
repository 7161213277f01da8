import { useId, useState } from "react";

/** The subset of JSON Schema that plugin configuration uses. */
export interface JsonSchemaProperty {
  type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
  title?: string;
  description?: string;
  enum?: (string | number)[];
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  items?: { type?: string };
  "x-secret"?: boolean;
  /** JSON Schema's mark for a value the server accepts but never returns (a secret). */
  writeOnly?: boolean;
  /** For `type: "object"`: a map whose values follow this schema (edited as key/value rows). */
  additionalProperties?: boolean | { type?: string };
}

export interface JsonSchemaObject {
  type?: "object";
  title?: string;
  properties: Record<string, JsonSchemaProperty>;
  required?: string[];
}

export type SchemaValue = Record<string, unknown>;

/** The server sends a stored secret back as a run of mask characters, never the secret itself. */
export function isMaskedSecret(value: unknown): boolean {
  return typeof value === "string" && /^[*•]+$/.test(value);
}

export function isSecretField(property: JsonSchemaProperty): boolean {
  return property.format === "password" || property["x-secret"] === true || property.writeOnly === true;
}

export function schemaDefaults(schema: JsonSchemaObject): SchemaValue {
  const result: SchemaValue = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    if (property.default !== undefined) result[name] = property.default;
  }
  return result;
}

function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

/**
 * Field name → message for every rule the value breaks. `secretsSet` names secret fields the
 * server already stores: left empty they keep the stored value, so they are not "missing".
 */
export function validateSchemaValue(schema: JsonSchemaObject, value: SchemaValue, secretsSet: string[] = []): Record<string, string> {
  const errors: Record<string, string> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties)) {
    const current = value[name];
    if (isEmptyValue(current)) {
      const stored = isSecretField(property) && secretsSet.includes(name);
      if (required.has(name) && property.type !== "boolean" && !stored) errors[name] = "Required";
      continue;
    }
    if (property.type === "number" || property.type === "integer") {
      if (typeof current !== "number" || Number.isNaN(current)) errors[name] = "Must be a number";
      else if (property.type === "integer" && !Number.isInteger(current)) errors[name] = "Must be a whole number";
      else if (property.minimum !== undefined && current < property.minimum) errors[name] = `Must be at least ${property.minimum}`;
      else if (property.maximum !== undefined && current > property.maximum) errors[name] = `Must be at most ${property.maximum}`;
    }
    if (property.enum && !property.enum.includes(current as string | number)) errors[name] = "Choose one of the listed values";
  }
  return errors;
}

interface SchemaFormProps {
  schema: JsonSchemaObject;
  value: SchemaValue;
  onChange: (value: SchemaValue) => void;
  errors?: Record<string, string>;
  disabled?: boolean;
  /**
   * Secret fields the server stores but never returns. When given, every secret field shows
   * whether it is set, and an empty input means "keep the stored secret".
   */
  secretsSet?: string[];
}

/** Renders one input per schema property; the caller owns the value and submission. */
export function SchemaForm({ schema, value, onChange, errors = {}, disabled, secretsSet }: SchemaFormProps) {
  const required = new Set(schema.required ?? []);
  return (
    <div className="schema-form">
      {Object.entries(schema.properties).map(([name, property]) => (
        <SchemaField
          key={name}
          name={name}
          property={property}
          required={required.has(name)}
          value={value[name]}
          error={errors[name]}
          disabled={disabled}
          secretState={secretsSet && isSecretField(property) ? (secretsSet.includes(name) ? "set" : "unset") : undefined}
          onChange={(next) => {
            const updated = { ...value };
            if (next === undefined) delete updated[name];
            else updated[name] = next;
            onChange(updated);
          }}
        />
      ))}
    </div>
  );
}

interface FieldProps {
  name: string;
  property: JsonSchemaProperty;
  required: boolean;
  value: unknown;
  error?: string;
  disabled?: boolean;
  /** For secrets the server never returns: whether one is stored. */
  secretState?: "set" | "unset";
  onChange: (value: unknown) => void;
}

function SchemaField({ name, property, required, value, error, disabled, secretState, onChange }: FieldProps) {
  const id = useId();
  const label = property.title ?? name;
  const helpId = property.description ? `${id}-help` : undefined;
  const common = { id, name, disabled, "aria-invalid": error ? true : undefined, "aria-describedby": helpId };

  if (property.type === "boolean") {
    return (
      <div className="form-field form-field-checkbox">
        <label htmlFor={id}>
          <input {...common} type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked)} />
          {label}
        </label>
        {property.description && <p id={helpId} className="help">{property.description}</p>}
        {error && <p className="field-error">{error}</p>}
      </div>
    );
  }

  return (
    <div className="form-field">
      <label htmlFor={id}>
        {label}
        {required && (
          <span className="required-marker" aria-label="required">
            {" "}
            *
          </span>
        )}
        {secretState && <span className={`badge secret-state ${secretState === "set" ? "badge-ok" : ""}`}>{secretState === "set" ? "set" : "not set"}</span>}
      </label>
      {secretState ? (
        <input
          {...common}
          type="password"
          autoComplete="new-password"
          placeholder={secretState === "set" ? "Stored: leave empty to keep it" : undefined}
          value={typeof value === "string" ? value : ""}
          onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)}
        />
      ) : (
        renderInput(property, value, onChange, common, required)
      )}
      {property.description && <p id={helpId} className="help">{property.description}</p>}
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}

type CommonInputProps = { id: string; name: string; disabled?: boolean; "aria-invalid"?: boolean; "aria-describedby"?: string };

function renderInput(property: JsonSchemaProperty, value: unknown, onChange: (value: unknown) => void, common: CommonInputProps, required: boolean) {
  if (property.enum) {
    const numeric = property.type === "number" || property.type === "integer";
    return (
      <select
        {...common}
        value={value === undefined || value === null ? "" : String(value)}
        onChange={(event) => {
          const raw = event.target.value;
          onChange(raw === "" ? undefined : numeric ? Number(raw) : raw);
        }}
      >
        {(!required || value === undefined) && <option value="">—</option>}
        {property.enum.map((option) => (
          <option key={String(option)} value={String(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  }
  if (property.type === "number" || property.type === "integer") {
    return (
      <input
        {...common}
        type="number"
        step={property.type === "integer" ? 1 : "any"}
        min={property.minimum}
        max={property.maximum}
        value={typeof value === "number" ? value : ""}
        onChange={(event) => onChange(event.target.value === "" ? undefined : Number(event.target.value))}
      />
    );
  }
  if (property.type === "array") {
    return <StringListInput common={common} value={Array.isArray(value) ? value.map(String) : []} onChange={onChange} />;
  }
  if (property.type === "object") {
    const map = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    return <KeyValueInput common={common} value={Object.entries(map).map(([key, item]) => [key, String(item ?? "")])} onChange={onChange} />;
  }
  if (isSecretField(property)) return <SecretInput common={common} value={value} onChange={onChange} />;
  return <input {...common} type="text" value={typeof value === "string" ? value : ""} onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)} />;
}

/**
 * A secret never comes back from the server in clear: a stored one arrives masked. Typing replaces
 * it; clearing the input restores the mask, which tells the server "keep the stored secret".
 */
function SecretInput({ common, value, onChange }: { common: CommonInputProps; value: unknown; onChange: (value: unknown) => void }) {
  const [storedMask] = useState(() => (isMaskedSecret(value) ? (value as string) : undefined));
  const masked = isMaskedSecret(value);
  return (
    <input
      {...common}
      type="password"
      autoComplete="new-password"
      placeholder={storedMask ? "•••• (set)" : undefined}
      value={masked || typeof value !== "string" ? "" : value}
      onChange={(event) => onChange(event.target.value === "" ? storedMask : event.target.value)}
    />
  );
}

function StringListInput({ common, value, onChange }: { common: CommonInputProps; value: string[]; onChange: (value: unknown) => void }) {
  const update = (next: string[]) => onChange(next.length ? next : undefined);
  return (
    <div className="string-list" id={common.id} aria-describedby={common["aria-describedby"]}>
      {value.map((item, index) => (
        <div className="string-list-row" key={index}>
          <input
            type="text"
            aria-label={`${common.name} item ${index + 1}`}
            disabled={common.disabled}
            value={item}
            onChange={(event) => update(value.map((existing, i) => (i === index ? event.target.value : existing)))}
          />
          <button type="button" className="btn btn-small" disabled={common.disabled} onClick={() => update(value.filter((_, i) => i !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" disabled={common.disabled} onClick={() => update([...value, ""])}>
        Add item
      </button>
    </div>
  );
}

/**
 * A string map (`type: "object"` with string values), edited as rows. Rows live in local state so
 * a row whose key is still empty, or a duplicate key being typed, is not lost; the emitted object
 * keeps the last row of each non-empty key.
 */
function KeyValueInput({ common, value, onChange }: { common: CommonInputProps; value: [string, string][]; onChange: (value: unknown) => void }) {
  const [rows, setRows] = useState<[string, string][]>(value);
  const update = (next: [string, string][]) => {
    setRows(next);
    const object = Object.fromEntries(next.filter(([key]) => key.trim() !== "").map(([key, item]) => [key.trim(), item]));
    onChange(Object.keys(object).length ? object : undefined);
  };
  return (
    <div className="string-list" id={common.id} aria-describedby={common["aria-describedby"]}>
      {rows.map(([key, item], index) => (
        <div className="string-list-row" key={index}>
          <input type="text" aria-label={`${common.name} name ${index + 1}`} placeholder="Name" disabled={common.disabled} value={key} onChange={(event) => update(rows.map((row, i) => (i === index ? [event.target.value, row[1]] : row)))} />
          <input type="text" aria-label={`${common.name} value ${index + 1}`} placeholder="Value" disabled={common.disabled} value={item} onChange={(event) => update(rows.map((row, i) => (i === index ? [row[0], event.target.value] : row)))} />
          <button type="button" className="btn btn-small" disabled={common.disabled} onClick={() => update(rows.filter((_, i) => i !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" disabled={common.disabled} onClick={() => setRows([...rows, ["", ""]])}>
        Add entry
      </button>
    </div>
  );
}
