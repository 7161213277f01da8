import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { VirtualList, visibleRange } from "./VirtualList";

describe("VirtualList", () => {
  it("computes the padded visible window", () => {
    expect(visibleRange(0, 500, 50, 10_000, 5)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(5000, 500, 50, 10_000, 5)).toEqual({ start: 95, end: 115 });
    expect(visibleRange(499_500, 500, 50, 10_000, 5)).toEqual({ start: 9985, end: 10_000 });
  });

  it("mounts only the rows in view for 10,000 items", () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ id: `h${i}` }));
    const { container } = render(<VirtualList items={items} rowHeight={50} height={500} overscan={5} getKey={(item) => item.id} renderRow={(item) => <span>{item.id}</span>} />);
    expect(container.querySelectorAll(".virtual-row")).toHaveLength(15);
    const spacer = container.querySelector(".virtual-scroll > div") as HTMLElement;
    expect(spacer.style.height).toBe("500000px");
  });
});
