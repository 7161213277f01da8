import { ApiError } from "../../../api/client";
import type { CapabilityName, ConfigErrorBody, PluginKind, PluginStatus, PluginView, RequestedCapabilities } from "../../../api/plugins";
import { isSecretField, schemaDefaults, validateSchemaValue, type JsonSchemaObject, type JsonSchemaProperty, type SchemaValue } from "../../../components/SchemaForm";

/** Pure logic of the plugins page: capability wording, the grant step and the configuration form. */

export const KIND_LABELS: Record<PluginKind, string> = {
  collector: "Collector",
  notifier: "Notifier",
  integration: "Integration",
  scanner: "Scanner",
};

export const STATUS_LABELS: Record<PluginStatus, string> = {
  enabled: "Enabled",
  disabled: "Disabled",
  auto_disabled: "Auto-disabled",
};

export type Risk = "high" | "medium" | "low";

interface CapabilityInfo {
  title: string;
  summary: string;
  risk: Risk;
}

const CAPABILITY_INFO: Record<CapabilityName, CapabilityInfo> = {
  exec: {
    title: "Run programs",
    summary: "Run the commands below on the PatchMon server, with exactly these arguments. There is no shell, and each run is cut off at the call's time limit.",
    risk: "high",
  },
  fs_read: {
    title: "Read files",
    summary: "Read these files on the PatchMon server. A folder includes everything inside it.",
    risk: "high",
  },
  http: {
    title: "Make web requests",
    summary: "Send HTTP or HTTPS requests to the hosts below. Redirects are not followed.",
    risk: "medium",
  },
  mail: {
    title: "Send email",
    summary: "Send email through the server's mail relay. The relay's address and password stay with the server.",
    risk: "medium",
  },
  kv: {
    title: "Keep its own data",
    summary: "Store and read small values in a key-value store that only this plugin can see.",
    risk: "low",
  },
  fleet_read: {
    title: "Read the fleet inventory",
    summary: "Read the hosts PatchMon manages and what they report (packages, repositories), as far as the server shares them.",
    risk: "medium",
  },
  enroll: {
    title: "Add hosts",
    summary: "Create new hosts, following the server's enrolment rules.",
    risk: "high",
  },
};

export interface CapabilityExplanation {
  name: string;
  title: string;
  summary: string;
  risk: Risk;
  /** The concrete things asked for: command lines, paths, hosts. */
  details: string[];
}

/** How an `exec` argument pattern reads: `*` is any one argument, `**` any number of further ones. */
export function describeExecArg(arg: string): string {
  if (arg === "*") return "‹any argument›";
  if (arg === "**") return "‹any further arguments›";
  return /[\s"']/.test(arg) || arg === "" ? JSON.stringify(arg) : arg;
}

function fieldTitle(schema: JsonSchemaObject, key: string): string {
  return schema.properties[key]?.title ?? key;
}

/** Plain-words description of one requested capability, with what exactly is asked for. */
export function explainCapability(name: string, requested: RequestedCapabilities, schema: JsonSchemaObject): CapabilityExplanation {
  const info = CAPABILITY_INFO[name as CapabilityName] ?? { title: name, summary: "A capability this page does not know; read the plugin's documentation before granting it.", risk: "high" as Risk };
  let details: string[] = [];
  if (name === "exec") details = requested.exec.map((command) => [command.program, ...command.args.map(describeExecArg)].join(" "));
  if (name === "fs_read") details = [...requested.fs_read];
  if (name === "http") {
    details = [
      ...requested.http.hosts,
      ...requested.http.from_config.map((key) => `the host of the URL in the “${fieldTitle(schema, key)}” setting`),
    ];
  }
  return { name, ...info, details };
}

export function explainCapabilities(plugin: PluginView): CapabilityExplanation[] {
  const schema = formSchema(plugin.config_schema);
  return plugin.requested_capabilities.map((name) => explainCapability(name, plugin.requested, schema));
}

// --- The grant step -------------------------------------------------------------------------

/** The checkboxes' starting state: what is granted (only among what is requested). */
export function initialGrantSelection(plugin: PluginView): Set<string> {
  return new Set(plugin.granted_capabilities.filter((name) => plugin.requested_capabilities.includes(name)));
}

/** The body of `PUT /plugins/{id}/grants`, in the order the plugin requested the capabilities. */
export function grantPayload(plugin: PluginView, selection: Set<string>): { capabilities: string[] } {
  return { capabilities: plugin.requested_capabilities.filter((name) => selection.has(name)) };
}

export function grantsChanged(plugin: PluginView, selection: Set<string>): boolean {
  const current = initialGrantSelection(plugin);
  return current.size !== selection.size || [...selection].some((name) => !current.has(name));
}

/** Requested but not granted: the plugin will be refused these while it runs. */
export function ungranted(plugin: PluginView): string[] {
  return plugin.requested_capabilities.filter((name) => !plugin.granted_capabilities.includes(name));
}

// --- The configuration form -----------------------------------------------------------------

/** The manifest's JSON Schema as the form reads it (a schema without properties has no fields). */
export function formSchema(raw: Record<string, unknown>): JsonSchemaObject {
  const properties = raw.properties && typeof raw.properties === "object" ? (raw.properties as Record<string, JsonSchemaProperty>) : {};
  const required = Array.isArray(raw.required) ? raw.required.filter((item): item is string => typeof item === "string") : undefined;
  return { type: "object", title: typeof raw.title === "string" ? raw.title : undefined, properties, required };
}

export function secretFields(schema: JsonSchemaObject): string[] {
  return Object.entries(schema.properties)
    .filter(([, property]) => isSecretField(property))
    .map(([name]) => name);
}

/** What the form starts with: schema defaults, overlaid with the stored configuration (secrets never come back). */
export function initialConfigValue(plugin: PluginView): SchemaValue {
  const schema = formSchema(plugin.config_schema);
  const value: SchemaValue = { ...schemaDefaults(schema), ...plugin.config };
  for (const name of secretFields(schema)) delete value[name];
  return value;
}

/** Client-side checks; a stored secret left empty is not "missing". */
export function validateConfig(plugin: PluginView, value: SchemaValue): Record<string, string> {
  return validateSchemaValue(formSchema(plugin.config_schema), value, plugin.secrets_set);
}

/**
 * The body of `PUT /plugins/{id}/config`. An empty secret field is left out, which tells the server
 * to keep the stored secret; a typed one replaces it.
 */
export function configPayload(schema: JsonSchemaObject, value: SchemaValue): { config: SchemaValue } {
  const secrets = new Set(secretFields(schema));
  const config: SchemaValue = {};
  for (const [name, item] of Object.entries(value)) {
    if (item === undefined) continue;
    if (secrets.has(name) && (item === "" || item === null)) continue;
    config[name] = item;
  }
  return { config };
}

/** `/url` → `url`; JSON Pointer escapes undone. Nested paths point at their top-level field. */
export function fieldOfPointer(pointer: string): string {
  const first = pointer.replace(/^#?\//, "").split("/")[0] ?? "";
  return first.replace(/~1/g, "/").replace(/~0/g, "~");
}

/**
 * Splits a rejected configuration into messages under fields and the rest (whole-form errors or
 * fields this form does not show).
 */
export function configErrors(error: unknown, schema: JsonSchemaObject): { fields: Record<string, string>; general: string | null } {
  if (!(error instanceof ApiError)) return { fields: {}, general: error instanceof Error ? error.message : "Could not save the configuration" };
  const body = (error.body ?? {}) as Partial<ConfigErrorBody>;
  const fields: Record<string, string> = {};
  const leftover: string[] = [];
  for (const detail of Array.isArray(body.details) ? body.details : []) {
    const field = fieldOfPointer(detail.path ?? "");
    if (field && field in schema.properties) fields[field] = fields[field] ? `${fields[field]}; ${detail.message}` : detail.message;
    else leftover.push(detail.path ? `${detail.path}: ${detail.message}` : detail.message);
  }
  const general = leftover.length ? `${error.message}: ${leftover.join("; ")}` : Object.keys(fields).length ? null : error.message;
  return { fields, general };
}
