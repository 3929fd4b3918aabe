import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every example stack is rendered once, in parallel, before the tests that read out/.
    globalSetup: ["test/global-setup.ts"],
    // Files share a worker's module cache, so the provider SDKs load once per worker rather
    // than once per file (most of the run's time before). Each file that runs the program
    // installs its own mock runtime first (installMockRuntime resets mocks, config and the
    // stack name); the suite passes in shuffled file order.
    isolate: false,
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
