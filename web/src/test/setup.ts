import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// Lazy pages load their chunk on first render; on a loaded CI machine (cargo building in
// parallel) that can take longer than Testing Library's default 1 s wait.
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => cleanup());
