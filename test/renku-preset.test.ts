/**
 * The Renku-style preset's Python, run by test/python/test_renku_preset.py: branch names
 * checked by git itself, the spawn form's rules, what the spawner gets (no GitLab token
 * anywhere in it), the token asked of a hub on loopback, and clone, autosave and restore
 * with real git against a local origin.
 */
import { describe, expect, it } from "vitest";
import { runUnittestFile } from "./support/python-unittest";

describe("the Renku-style preset's hooks and git steps", () => {
  it("pass their Python tests", () => {
    const outcome = runUnittestFile("test_renku_preset.py", 60_000);
    expect(outcome.report).toMatch(/\nOK/);
    expect(outcome.ok).toBe(true);
    expect(outcome.ran).toBeGreaterThanOrEqual(21);
    expect(outcome.skipped).toBe(0);
  });
});
