import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { authStateValues } from "../components/hub/auth-state";
import { frameAncestorsPolicy, openhexaLoginFragment, openhexaLoginProblems } from "../components/hub/openhexa";
import { installMockRuntime, resolveOutputs, settle, type PlanRecorder } from "../scripts/render/mock-runtime";
import { chartFilesPresent, chartSchemaErrors, SKIP_REASON } from "./support/chart-schema";

const get = (values: unknown, keyPath: string): unknown =>
  keyPath.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);

const fragment = openhexaLoginFragment({ appUrl: "https://app.openhexa.example.org", admins: ["zoe", "ada"] });
const values = fragment.values;

describe("the openhexa login's hub values", () => {
  it("gives the hub the App's address and credentials URL", () => {
    expect(get(values, "hub.extraEnv.APP_URL")).toBe("https://app.openhexa.example.org");
    expect(get(values, "hub.extraEnv.APP_CREDENTIALS_URL")).toBe("https://app.openhexa.example.org/notebooks/credentials/");
  });

  it("runs the authenticator file the Python tests test, which selects itself", () => {
    const file = fs.readFileSync(path.resolve(__dirname, "..", "components", "hub", "openhexa_authenticator.py"), "utf8");
    expect(get(values, "hub.extraConfig.hubfleet-20-openhexa-auth")).toBe(file);
    expect(file).toContain("c.JupyterHub.authenticator_class = OpenHexaAppAuthenticator");
    expect(get(values, "hub.config.JupyterHub.authenticator_class")).toBeUndefined();
  });

  it("keeps auth state encrypted with a key read from a Secret, and refreshes it before every spawn", () => {
    expect(get(values, "hub.extraEnv.JUPYTERHUB_CRYPT_KEY")).toEqual({
      valueFrom: { secretKeyRef: { name: "hubfleet-auth-state-key", key: "crypt-key" } },
    });
    // The chart configures its own key, which wins over the variable: this entry puts the estate's first.
    expect(get(values, "hub.extraConfig.hubfleet-05-auth-state-key")).toBe(
      fs.readFileSync(path.resolve(__dirname, "..", "components", "hub", "auth_state_key.py"), "utf8"),
    );
    expect(get(values, "hub.config.Authenticator")).toEqual({
      enable_auth_state: true,
      admin_users: ["ada", "zoe"],
      allow_all: true,
      auto_login: true,
      refresh_pre_spawn: true,
    });
  });

  it("lets only the App (and the page itself) frame the hub and the notebook servers", () => {
    const csp = "frame-ancestors 'self' https://app.openhexa.example.org;";
    expect(get(values, "hub.config.JupyterHub.tornado_settings")).toEqual({
      slow_spawn_timeout: 0,
      headers: { "Content-Security-Policy": csp },
    });
    expect(get(values, "singleuser.extraEnv.CONTENT_SECURITY_POLICY")).toBe(csp);
    expect(get(values, "singleuser.extraFiles.hubfleet-csp")).toEqual({
      mountPath: "/usr/local/etc/jupyter/jupyter_server_config.d/hubfleet-csp.json",
      data: { ServerApp: { tornado_settings: { headers: { "Content-Security-Policy": csp } } } },
    });
    expect(frameAncestorsPolicy("https://App.Example.org:8443")).toBe("frame-ancestors 'self' https://app.example.org:8443;");
  });

  it("says that the per-user environment replaces the tenant-wide one", () => {
    expect(fragment.keepsTenantNotebookEnv).toBe(false);
  });

  it("refuses an App that is not an https origin", () => {
    expect(openhexaLoginProblems({ appUrl: "http://app.example.org" })).toHaveLength(1);
    expect(openhexaLoginProblems({ appUrl: "https://app.example.org/hexa/" })).toHaveLength(1);
    expect(openhexaLoginProblems({ appUrl: "app.example.org" })).toHaveLength(1);
    expect(openhexaLoginProblems({ appUrl: "https://app.example.org", credentialsPath: "notebooks/" })).toHaveLength(1);
    expect(() => openhexaLoginFragment({ appUrl: "http://app.example.org", admins: [] })).toThrow(/https/);
  });

  it.skipIf(!chartFilesPresent)(`passes the chart's schema (${chartFilesPresent ? "chart present" : SKIP_REASON})`, () => {
    expect(chartSchemaErrors(values)).toEqual([]);
    expect(chartSchemaErrors(authStateValues())).toEqual([]);
  });
});

describe("the auth-state key", () => {
  let plan: PlanRecorder;
  let keySecretName: unknown;

  beforeAll(async () => {
    plan = await installMockRuntime({ stack: "test" });
    const { AuthStateKey } = await import("../components/hub/auth-state");
    const key = new AuthStateKey("hexa-auth-state", { namespace: "openhexa" });
    await settle();
    keySecretName = await resolveOutputs(key.secretName);
  });

  it("is 32 random bytes, hex-encoded in a Secret, secret everywhere Pulumi holds it", () => {
    expect(plan.one("random:index/randomBytes:RandomBytes", "hexa-auth-state-bytes").inputs).toEqual({ length: 32 });
    const secret = plan.one("kubernetes:core/v1:Secret", "hexa-auth-state-secret");
    expect(secret.inputs).toMatchObject({
      metadata: { name: "hubfleet-auth-state-key", namespace: "openhexa" },
      stringData: { "crypt-key": "[secret]" },
    });
    expect(keySecretName).toBe("hubfleet-auth-state-key");
  });
});
