import { render, screen } from "@testing-library/react";
import { Suspense } from "react";
import { describe, expect, it } from "vitest";
import { lazyPage } from "./lazyPage";

function Hello() {
  return <p>hello</p>;
}

describe("lazyPage", () => {
  it("renders without a fallback once preloaded", async () => {
    const Page = lazyPage(() => Promise.resolve({ default: Hello }));
    await Page.preload();
    render(
      <Suspense fallback={<p>loading</p>}>
        <Page />
      </Suspense>,
    );
    expect(screen.getByText("hello")).toBeTruthy();
    expect(screen.queryByText("loading")).toBeNull();
  });

  it("suspends like React.lazy when not preloaded, and loads the code once", async () => {
    let loads = 0;
    const Page = lazyPage(() => {
      loads += 1;
      return Promise.resolve({ default: Hello });
    });
    render(
      <Suspense fallback={<p>loading</p>}>
        <Page />
      </Suspense>,
    );
    expect(await screen.findByText("hello")).toBeTruthy();
    await Page.preload();
    expect(loads).toBe(1);
  });
});
