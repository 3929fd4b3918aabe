import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every example stack is rendered once, in parallel, before the tests that read out/.
    globalSetup: ["test/global-setup.ts"],
    // Each file gets its own Pulumi runtime state (mocks, config, stack name).
    isolate: true,
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
