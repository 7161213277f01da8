import { fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it, vi } from "vitest";
import type { HostListItem } from "../../api/types";
import { mergeHostColumns, visibleHostColumns } from "./hostColumns";
import { DEFAULT_HOST_LIST_STATE } from "./hostListState";
import { HostTable } from "./HostTable";

function host(index: number): HostListItem {
  return {
    id: `h${index}`,
    friendly_name: `host-${index}`,
    hostname: `host-${index}.example`,
    ip: `10.0.${Math.floor(index / 250)}.${index % 250}`,
    os_type: "Debian",
    os_version: "12",
    status: "active",
    effectiveStatus: "active",
    agent_version: "1.4.0",
    api_id: `patchmon_${index}`,
    needs_reboot: false,
    notes: null,
    last_update: "2026-01-01T00:00:00Z",
    host_group_memberships: [],
    updatesCount: index % 7,
  };
}

describe("HostTable", () => {
  it("draws the chosen columns in order, sorts by them, and windows 10,000 hosts", () => {
    const columns = visibleHostColumns(
      mergeHostColumns([
        { id: "ip", visible: true, order: 0 },
        { id: "host", visible: true, order: 1 },
        { id: "agent_version", visible: true, order: 2 },
        ...["os", "group", "updates", "status", "last_update"].map((id, index) => ({ id, visible: false, order: 3 + index })),
      ]),
    );
    const hosts = Array.from({ length: 10_000 }, (_, index) => host(index));
    const onSort = vi.fn();
    render(
      <MemoryRouter>
        <HostTable hosts={hosts} columns={columns} state={DEFAULT_HOST_LIST_STATE} onSort={onSort} canSort={() => true} selectable selected={new Set()} onSelectionChange={() => undefined} />
      </MemoryRouter>,
    );

    const headers = screen.getAllByRole("columnheader").map((header) => header.textContent);
    expect(headers).toEqual(["", "IP Address", "Friendly Name", "Agent Version"]);
    fireEvent.click(screen.getByRole("button", { name: "Agent Version" }));
    expect(onSort).toHaveBeenCalledWith("agent_version");

    const rows = screen.getAllByRole("row").slice(1);
    expect(rows.length).toBeLessThan(40);
    expect(within(rows[0] as HTMLElement).getAllByRole("cell").map((cell) => cell.textContent)).toEqual(["", "10.0.0.0", "host-0host-0.example", "1.4.0"]);
  });
});
