import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { isMaskedSecret, SchemaForm, schemaDefaults, validateSchemaValue, type JsonSchemaObject, type SchemaValue } from "./SchemaForm";

const schema: JsonSchemaObject = {
  type: "object",
  required: ["url", "retries"],
  properties: {
    url: { type: "string", title: "Server URL", description: "Where to send events" },
    retries: { type: "integer", title: "Retries", minimum: 0, maximum: 10, default: 3 },
    ratio: { type: "number", title: "Ratio" },
    enabled: { type: "boolean", title: "Enabled", default: true },
    priority: { type: "string", title: "Priority", enum: ["low", "high"] },
    tags: { type: "array", title: "Tags", items: { type: "string" } },
    password: { type: "string", title: "Password", format: "password" },
    token: { type: "string", title: "Token", "x-secret": true },
  },
};

function Harness({ initial, onChange }: { initial: SchemaValue; onChange?: (value: SchemaValue) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <SchemaForm
      schema={schema}
      value={value}
      errors={validateSchemaValue(schema, value)}
      onChange={(next) => {
        setValue(next);
        onChange?.(next);
      }}
    />
  );
}

describe("SchemaForm", () => {
  it("renders one input of the right kind per property", () => {
    render(<Harness initial={schemaDefaults(schema)} />);
    expect(screen.getByLabelText(/Server URL/)).toHaveProperty("type", "text");
    expect(screen.getByLabelText(/Retries/)).toHaveProperty("type", "number");
    expect(screen.getByLabelText(/Retries/)).toHaveProperty("value", "3");
    expect(screen.getByLabelText(/Ratio/)).toHaveProperty("type", "number");
    expect(screen.getByLabelText("Enabled")).toHaveProperty("checked", true);
    expect(screen.getByLabelText(/Priority/).tagName).toBe("SELECT");
    expect(screen.getByLabelText(/^Password/)).toHaveProperty("type", "password");
    expect(screen.getByLabelText(/^Token/)).toHaveProperty("type", "password");
    expect(screen.getByText("Where to send events")).toBeTruthy();
  });

  it("marks required fields and reports them missing", () => {
    render(<Harness initial={{}} />);
    expect(screen.getAllByLabelText("required")).toHaveLength(2);
    expect(screen.getAllByText("Required")).toHaveLength(2);
  });

  it("emits typed values", () => {
    const onChange = vi.fn();
    render(<Harness initial={{}} onChange={onChange} />);
    fireEvent.change(screen.getByLabelText(/Retries/), { target: { value: "5" } });
    expect(onChange).toHaveBeenLastCalledWith({ retries: 5 });
    fireEvent.change(screen.getByLabelText(/Priority/), { target: { value: "high" } });
    expect(onChange).toHaveBeenLastCalledWith({ retries: 5, priority: "high" });
    fireEvent.click(screen.getByLabelText("Enabled"));
    expect(onChange).toHaveBeenLastCalledWith({ retries: 5, priority: "high", enabled: true });
  });

  it("edits an array of strings", () => {
    const onChange = vi.fn();
    render(<Harness initial={{ tags: ["a"] }} onChange={onChange} />);
    fireEvent.click(screen.getByText("Add item"));
    expect(onChange).toHaveBeenLastCalledWith({ tags: ["a", ""] });
    fireEvent.change(screen.getByLabelText("tags item 2"), { target: { value: "b" } });
    expect(onChange).toHaveBeenLastCalledWith({ tags: ["a", "b"] });
    fireEvent.click(screen.getAllByText("Remove")[0]!);
    expect(onChange).toHaveBeenLastCalledWith({ tags: ["b"] });
  });

  it("shows a masked secret as set without revealing it, and keeps the mask until replaced", () => {
    const onChange = vi.fn();
    render(<Harness initial={{ token: "********" }} onChange={onChange} />);
    const token = screen.getByLabelText(/^Token/) as HTMLInputElement;
    expect(token.value).toBe("");
    expect(token.placeholder).toBe("•••• (set)");
    fireEvent.change(token, { target: { value: "new-secret" } });
    expect(onChange).toHaveBeenLastCalledWith({ token: "new-secret" });
    fireEvent.change(token, { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith({ token: "********" });
  });

  it("validates ranges, integers and enums", () => {
    expect(validateSchemaValue(schema, { url: "x", retries: 11 })).toEqual({ retries: "Must be at most 10" });
    expect(validateSchemaValue(schema, { url: "x", retries: 1.5 })).toEqual({ retries: "Must be a whole number" });
    expect(validateSchemaValue(schema, { url: "x", retries: 1, priority: "urgent" })).toEqual({ priority: "Choose one of the listed values" });
    expect(validateSchemaValue(schema, { url: "x", retries: 0 })).toEqual({});
  });

  it("recognises masked values", () => {
    expect(isMaskedSecret("****")).toBe(true);
    expect(isMaskedSecret("••••")).toBe(true);
    expect(isMaskedSecret("hunter2")).toBe(false);
    expect(isMaskedSecret("")).toBe(false);
    expect(isMaskedSecret(undefined)).toBe(false);
  });

  it("shows whether a write-only secret is stored and never fills it in", () => {
    const secretSchema: JsonSchemaObject = {
      type: "object",
      required: ["token", "password"],
      properties: { token: { type: "string", title: "Token", writeOnly: true }, password: { type: "string", title: "Password", writeOnly: true } },
    };
    const onChange = vi.fn();
    render(<SchemaForm schema={secretSchema} value={{}} secretsSet={["token"]} errors={validateSchemaValue(secretSchema, {}, ["token"])} onChange={onChange} />);
    const token = screen.getByLabelText(/^Token/) as HTMLInputElement;
    expect(token.type).toBe("password");
    expect(token.placeholder).toBe("Stored: leave empty to keep it");
    expect(screen.getByText("set").className).toContain("badge-ok");
    expect(screen.getByText("not set")).toBeTruthy();
    // Only the secret that is not stored is missing.
    expect(screen.getAllByText("Required")).toHaveLength(1);
    fireEvent.change(token, { target: { value: "abc" } });
    expect(onChange).toHaveBeenLastCalledWith({ token: "abc" });
  });

  it("edits a string map as name/value rows", () => {
    const mapSchema: JsonSchemaObject = { type: "object", properties: { headers: { type: "object", title: "Headers", additionalProperties: { type: "string" } } } };
    const onChange = vi.fn();
    render(<SchemaForm schema={mapSchema} value={{ headers: { "X-A": "1" } }} onChange={onChange} />);
    expect((screen.getByLabelText("headers name 1") as HTMLInputElement).value).toBe("X-A");
    fireEvent.click(screen.getByText("Add entry"));
    fireEvent.change(screen.getByLabelText("headers name 2"), { target: { value: "X-B" } });
    expect(onChange).toHaveBeenLastCalledWith({ headers: { "X-A": "1", "X-B": "" } });
    fireEvent.change(screen.getByLabelText("headers value 2"), { target: { value: "2" } });
    expect(onChange).toHaveBeenLastCalledWith({ headers: { "X-A": "1", "X-B": "2" } });
    fireEvent.click(screen.getAllByText("Remove")[0]!);
    expect(onChange).toHaveBeenLastCalledWith({ headers: { "X-B": "2" } });
  });
});
