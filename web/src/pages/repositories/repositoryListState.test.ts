import { describe, expect, it } from "vitest";
import { scoreTone } from "../../components/charts/ScoreRing";
import {
  DEFAULT_REPOSITORY_LIST_STATE,
  parseRepositoryListState,
  repositoryDisplayName,
  repositoryListApiQuery,
  repositoryListStateToParams,
} from "./repositoryListState";

describe("repository list state", () => {
  it("round-trips through the URL and drops invalid values", () => {
    const state = { search: "debian", security: "insecure" as const, status: "active" as const, host: "h1", sort: "hostCount" as const, order: "desc" as const, page: 2 };
    expect(parseRepositoryListState(repositoryListStateToParams(state))).toEqual(state);
    expect(parseRepositoryListState(new URLSearchParams("type=ftp&status=maybe&sort=x&page=0"))).toEqual(DEFAULT_REPOSITORY_LIST_STATE);
    expect(repositoryListStateToParams(DEFAULT_REPOSITORY_LIST_STATE).toString()).toBe("");
  });

  it("asks the server for the paged envelope with the filters", () => {
    expect(repositoryListApiQuery({ ...DEFAULT_REPOSITORY_LIST_STATE, security: "secure", page: 3 })).toEqual({
      search: undefined,
      type: "secure",
      status: undefined,
      host: undefined,
      sort: "name",
      order: "asc",
      limit: 50,
      offset: 100,
    });
  });

  it("strips the deb prefixes from names and grades the security score", () => {
    expect(repositoryDisplayName("deb-src-bookworm-main")).toBe("bookworm-main");
    expect(repositoryDisplayName("deb-bookworm")).toBe("bookworm");
    expect(repositoryDisplayName("debian-security")).toBe("debian-security");
    expect([scoreTone(100), scoreTone(80), scoreTone(79), scoreTone(50), scoreTone(49)]).toEqual(["ok", "ok", "warn", "warn", "danger"]);
  });
});
