import { describe, expect, it } from "vitest";
import { formatOs } from "./format";

describe("formatOs", () => {
  it("joins type and version, leaving out what the agent has not reported", () => {
    expect(formatOs("Ubuntu", "24.04")).toBe("Ubuntu 24.04");
    expect(formatOs("Ubuntu", "unknown")).toBe("Ubuntu");
    expect(formatOs("unknown", "unknown")).toBeNull();
    expect(formatOs(null, undefined)).toBeNull();
  });
});
