import { describe, expect, it } from "vitest";
import { CARD_CATALOGUE, mergeCardLayout, preferencesPayload } from "./cards";

describe("dashboard layout", () => {
  it("uses the catalogue order, all shown, when nothing is saved", () => {
    const slots = mergeCardLayout(CARD_CATALOGUE, []);
    expect(slots.map((slot) => slot.id)).toEqual(CARD_CATALOGUE.map((card) => card.id));
    expect(slots.every((slot) => slot.enabled)).toBe(true);
  });

  it("applies saved order and visibility, appending unsaved cards", () => {
    const catalogue = CARD_CATALOGUE.slice(0, 3);
    const [a, b, c] = catalogue.map((card) => card.id) as [string, string, string];
    const slots = mergeCardLayout(catalogue, [
      { card_id: b, enabled: false, order: 0 },
      { card_id: a, enabled: true, order: 1 },
    ]);
    expect(slots).toEqual([
      { id: b, enabled: false },
      { id: a, enabled: true },
      { id: c, enabled: true },
    ]);
  });

  it("sends back preferences for cards it does not draw", () => {
    const payload = preferencesPayload([{ id: "totalHosts", enabled: true }], [{ card_id: "complianceStats", enabled: false, order: 9, col_span: 2 }]);
    expect(payload.preferences).toEqual([
      { cardId: "totalHosts", enabled: true, order: 0, col_span: 1 },
      { cardId: "complianceStats", enabled: false, order: 1, col_span: 2 },
    ]);
  });
});
