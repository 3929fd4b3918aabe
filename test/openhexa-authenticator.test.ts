/**
 * The openhexa login's Python (components/hub/openhexa_authenticator.py), run by
 * test/python/test_openhexa_authenticator.py: against a credentials server it starts
 * on loopback (live session, refused session, App down, App broken), inside Debian's
 * JupyterHub's Authenticator, and in a real Debian JupyterHub 3.0 process on loopback that
 * logs users in with it, stores their env encrypted, and (with the Renku-style preset's
 * roles) lets a server token read its own user's auth state and no one else's.
 */
import { describe, expect, it } from "vitest";
import { debianPythonHas, runUnittestFile } from "./support/python-unittest";

describe("the OpenHexa App authenticator", () => {
  it("passes its Python tests, the in-hub ones included where JupyterHub is installed", () => {
    const outcome = runUnittestFile("test_openhexa_authenticator.py");
    expect(outcome.report).toMatch(/\nOK/);
    expect(outcome.ok).toBe(true);
    expect(outcome.ran).toBeGreaterThanOrEqual(20);
    // CI installs Debian's JupyterHub: there, no test may be skipped.
    if (debianPythonHas("jupyterhub")) expect(outcome.skipped).toBe(0);
  });
});
