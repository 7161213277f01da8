import { describe, expect, it } from "vitest";
import { ApiError } from "../../../api/client";
import {
  configErrors,
  configPayload,
  describeExecArg,
  explainCapabilities,
  fieldOfPointer,
  formSchema,
  grantPayload,
  grantsChanged,
  initialConfigValue,
  initialGrantSelection,
  ungranted,
  validateConfig,
} from "./pluginLogic";
import { testPlugin } from "./testPlugin";

describe("capability explanations", () => {
  it("explains each requested capability in order, with what exactly is asked for", () => {
    const explained = explainCapabilities(testPlugin());
    expect(explained.map((cap) => [cap.name, cap.title, cap.risk])).toEqual([
      ["exec", "Run programs", "high"],
      ["fs_read", "Read files", "high"],
      ["http", "Make web requests", "medium"],
      ["kv", "Keep its own data", "low"],
    ]);
    expect(explained[0]?.details).toEqual(["dpkg-query -W ‹any argument› ‹any further arguments›"]);
    expect(explained[1]?.details).toEqual(["/etc/apt"]);
    // A config-derived host is named by the setting's title.
    expect(explained[2]?.details).toEqual(["ntfy.sh", "the host of the URL in the “Destination URL” setting"]);
    expect(explained[3]?.details).toEqual([]);
  });

  it("quotes arguments with spaces and flags unknown capabilities as high risk", () => {
    expect(describeExecArg("-f=${Package} ${Version}")).toBe('"-f=${Package} ${Version}"');
    expect(describeExecArg("")).toBe('""');
    const [unknown] = explainCapabilities(testPlugin({ requested_capabilities: ["teleport"] }));
    expect(unknown).toMatchObject({ name: "teleport", title: "teleport", risk: "high" });
  });
});

describe("the grant step", () => {
  it("starts from what is granted among what is requested", () => {
    const plugin = testPlugin({ granted_capabilities: ["kv", "mail"] });
    expect([...initialGrantSelection(plugin)]).toEqual(["kv"]);
    expect(ungranted(plugin)).toEqual(["exec", "fs_read", "http"]);
  });

  it("sends the ticked capabilities in the requested order and notices changes", () => {
    const plugin = testPlugin();
    const selection = new Set(["kv", "http", "exec"]);
    expect(grantPayload(plugin, selection)).toEqual({ capabilities: ["exec", "http", "kv"] });
    expect(grantsChanged(plugin, selection)).toBe(true);
    expect(grantsChanged(plugin, new Set(["kv"]))).toBe(false);
    expect(grantsChanged(plugin, new Set())).toBe(true);
    // Something not requested can never be sent.
    expect(grantPayload(plugin, new Set(["enroll", "kv"]))).toEqual({ capabilities: ["kv"] });
  });
});

describe("the configuration form", () => {
  const plugin = testPlugin();
  const schema = formSchema(plugin.config_schema);

  it("reads schemas without properties as having no fields", () => {
    expect(formSchema({ type: "object" })).toEqual({ type: "object", title: undefined, properties: {}, required: undefined });
    expect(formSchema({ properties: { a: { type: "string" } }, required: ["a", 3] }).required).toEqual(["a"]);
  });

  it("starts from the defaults overlaid with the stored values, never with a secret", () => {
    expect(initialConfigValue(plugin)).toEqual({ url: "https://hooks.example/in", retries: 2 });
    expect(initialConfigValue(testPlugin({ config: { url: "u", retries: 4, secret: "leaked?" } }))).toEqual({ url: "u", retries: 4 });
  });

  it("does not call a stored secret missing, but does call an unset one missing", () => {
    expect(validateConfig(plugin, { url: "https://x" })).toEqual({});
    expect(validateConfig(testPlugin({ secrets_set: [] }), { url: "https://x" })).toEqual({ secret: "Required" });
    expect(validateConfig(plugin, { url: "https://x", retries: 9 })).toEqual({ retries: "Must be at most 5" });
  });

  it("leaves an empty secret out so the server keeps it, and sends a typed one", () => {
    expect(configPayload(schema, { url: "https://x", retries: 2, secret: "" })).toEqual({ config: { url: "https://x", retries: 2 } });
    expect(configPayload(schema, { url: "https://x", secret: undefined })).toEqual({ config: { url: "https://x" } });
    expect(configPayload(schema, { url: "https://x", secret: "s3cret" })).toEqual({ config: { url: "https://x", secret: "s3cret" } });
  });

  it("maps the server's JSON Pointer paths onto fields", () => {
    expect(fieldOfPointer("/url")).toBe("url");
    expect(fieldOfPointer("/headers/X-Token")).toBe("headers");
    expect(fieldOfPointer("/a~1b~0c")).toBe("a/b~c");
    expect(fieldOfPointer("")).toBe("");

    const rejected = new ApiError(400, "invalid configuration", {
      error: "invalid configuration",
      details: [
        { path: "/url", message: "must be an http(s) URL" },
        { path: "/url", message: "host not allowed" },
        { path: "", message: "unexpected property `extra`" },
      ],
    });
    expect(configErrors(rejected, schema)).toEqual({
      fields: { url: "must be an http(s) URL; host not allowed" },
      general: "invalid configuration: unexpected property `extra`",
    });
    expect(configErrors(new ApiError(400, "invalid configuration", { error: "invalid configuration", details: [{ path: "/url", message: "bad" }] }), schema)).toEqual({
      fields: { url: "bad" },
      general: null,
    });
    expect(configErrors(new ApiError(500, "boom", undefined), schema)).toEqual({ fields: {}, general: "boom" });
  });
});
