/**
 * The openhexa login's Python (components/hub/openhexa_authenticator.py), run by
 * test/python/test_openhexa_authenticator.py: against a credentials server it starts
 * on loopback (live session, refused session, App down, App broken), and inside
 * Debian's JupyterHub, whose Authenticator base class it extends.
 */
import { describe, expect, it } from "vitest";
import { debianPythonHas, runUnittestFile } from "./support/python-unittest";

describe("the OpenHexa App authenticator", () => {
  it("passes its Python tests, the in-hub ones included where JupyterHub is installed", () => {
    const outcome = runUnittestFile("test_openhexa_authenticator.py");
    expect(outcome.report).toMatch(/\nOK/);
    expect(outcome.ok).toBe(true);
    expect(outcome.ran).toBeGreaterThanOrEqual(16);
    // CI installs Debian's JupyterHub: there, no test may be skipped.
    if (debianPythonHas("jupyterhub")) expect(outcome.skipped).toBe(0);
  });
});
