/**
 * The hub-service framework: a declared service becomes chart values the chart's
 * schema accepts (registration and roles, never a token) and Kubernetes objects
 * that pass Pod Security `restricted`, with a NetworkPolicy that admits only the
 * hub's pods. The component is run under the recording mock runtime.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, settle, type PlanRecorder } from "../scripts/render/mock-runtime";
import { mergeValues } from "../components/hub/values";
import {
  dashboardHookValues,
  DASHBOARD_HOOK_MOUNTS,
  dashboardNotebookEgress,
  dashboardProblems,
  dashboardServiceSpec,
  workshopDashboard,
} from "../components/services/dashboard";
import {
  hubServiceEnv,
  hubServiceListProblems,
  hubServiceProblems,
  hubServiceValues,
  serviceDeploymentSpec,
  serviceNetworkPolicySpec,
  type HubServiceSpec,
} from "../components/services/hub-service-spec";
import { chartFilesPresent, chartSchemaErrors, SKIP_REASON } from "./support/chart-schema";

const CONTEXT = { releaseName: "pipal-hub" };

const base: HubServiceSpec = {
  name: "launcher",
  image: "registry.example/launcher@sha256:" + "a".repeat(64),
  port: 8000,
  apiToken: true,
  scopes: ["read:users:name", "servers"],
  web: { oauth: true },
  access: { users: ["ada"], groups: ["instructors"] },
  healthPath: "/services/launcher/health",
  cpu: { request: "50m", limit: "500m" },
  memory: { request: "128Mi", limit: "256Mi" },
  env: { LOG_LEVEL: "info" },
  envFromSecrets: { DATABASE_URL: { secretName: "launcher-db", key: "url" } },
};

const spec = (overrides: Partial<HubServiceSpec> = {}): HubServiceSpec => ({ ...base, ...overrides });

describe("a service's declaration", () => {
  it("is accepted when complete", () => {
    expect(hubServiceProblems(base)).toEqual([]);
  });

  it("reports every mistake at once, keyed by its path", () => {
    const problems = hubServiceProblems(
      spec({
        name: "proxy-public",
        image: "launcher:latest",
        port: 80,
        apiToken: false,
        scopes: ["read:users", "not a scope"],
        env: { JUPYTERHUB_API_TOKEN: "x" },
        cpu: { request: "lots", limit: "1" },
        volume: { size: "1Gi", mountPath: "/tmp" },
      }),
    );
    expect(problems.map((p) => p.path)).toEqual([
      "name",
      "image",
      "port",
      "apiToken",
      "scopes.1",
      "scopes",
      "env.JUPYTERHUB_API_TOKEN",
      "cpu.request",
      "volume.mountPath",
    ]);
  });

  it("is unique by name among the tenant's services", () => {
    expect(hubServiceListProblems([base, spec({ name: "gallery" }), spec({ port: 1 })])).toEqual([
      { path: "2.port", message: expect.stringContaining("unprivileged") },
      { path: "2.name", message: "launcher is declared twice; each service needs its own name" },
    ]);
  });

  it("needs an access list with OAuth, and OAuth for an access list", () => {
    expect(hubServiceProblems(spec({ access: {} })).map((p) => p.path)).toEqual(["access"]);
    expect(hubServiceProblems(spec({ web: { oauth: false } })).map((p) => p.path)).toEqual(["access"]);
  });
});

describe("the service's chart values", () => {
  const values = hubServiceValues(base);

  it("register it at /services/<name>/ through the proxy, with hub OAuth and no token", () => {
    expect(values).toEqual({
      hub: {
        services: { launcher: { url: "http://launcher:8000", display: true, oauth_no_confirm: true } },
        loadRoles: {
          "launcher-service": { description: expect.any(String), scopes: ["read:users:name", "servers"], services: ["launcher"] },
          "launcher-users": {
            description: expect.any(String),
            scopes: ["access:services!service=launcher"],
            users: ["ada"],
            groups: ["instructors"],
          },
        },
      },
    });
    expect(JSON.stringify(values)).not.toMatch(/api_?token/i);
  });

  it("leave out what a service does not use", () => {
    const internal = hubServiceValues(spec({ web: undefined, access: undefined, scopes: [] }));
    expect(internal).toEqual({ hub: { services: { launcher: {} } } });
    expect(hubServiceValues(spec({ web: undefined, access: undefined, scopes: [], apiToken: false }))).toEqual({});
  });

  it.skipIf(!chartFilesPresent)("pass the chart's schema, with the dashboard's hook beside them", () => {
    const dashboard = dashboardServiceSpec({
      image: "dash@sha256:" + "b".repeat(64),
      instructors: ["ada"],
      storage: { kind: "volume", size: "1Gi" },
    });
    const merged = [values, hubServiceValues(dashboard), dashboardHookValues({ spec: dashboard })].reduce(mergeValues);
    expect(chartSchemaErrors(merged)).toEqual([]);
  });
  if (!chartFilesPresent) it.skip(SKIP_REASON, () => {});
});

describe("the service's environment", () => {
  const env = hubServiceEnv(base, CONTEXT);
  const byName = Object.fromEntries(env.map((variable) => [variable.name, variable]));

  it("is what JupyterHub gives a service it runs, reaching the hub's Service", () => {
    expect(byName.JUPYTERHUB_API_URL).toEqual({ name: "JUPYTERHUB_API_URL", value: "http://hub:8081/hub/api" });
    expect(byName.JUPYTERHUB_SERVICE_PREFIX).toEqual({ name: "JUPYTERHUB_SERVICE_PREFIX", value: "/services/launcher/" });
    expect(byName.JUPYTERHUB_CLIENT_ID).toEqual({ name: "JUPYTERHUB_CLIENT_ID", value: "service-launcher" });
    expect(byName.JUPYTERHUB_OAUTH_CALLBACK_URL).toEqual({
      name: "JUPYTERHUB_OAUTH_CALLBACK_URL",
      value: "/services/launcher/oauth_callback",
    });
    expect(env.map((variable) => variable.name)).toEqual([...env.map((variable) => variable.name)].sort());
  });

  it("takes the token from the chart's hub Secret and secrets from theirs, by reference only", () => {
    expect(byName.JUPYTERHUB_API_TOKEN).toEqual({
      name: "JUPYTERHUB_API_TOKEN",
      valueFrom: { secretKeyRef: { name: "hub", key: "hub.services.launcher.apiToken" } },
    });
    expect(byName.DATABASE_URL).toEqual({ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "launcher-db", key: "url" } } });
    expect(byName.LOG_LEVEL).toEqual({ name: "LOG_LEVEL", value: "info" });
  });

  it("has no token when the service asks for none", () => {
    const names = hubServiceEnv(spec({ apiToken: false, web: undefined, access: undefined, scopes: [] }), CONTEXT).map((v) => v.name);
    expect(names).not.toContain("JUPYTERHUB_API_TOKEN");
    expect(names).not.toContain("JUPYTERHUB_API_URL");
  });
});

describe("the service's pods and network", () => {
  it("run under Pod Security restricted, with probes and limits", () => {
    const deployment = serviceDeploymentSpec(spec({ volume: { size: "1Gi", mountPath: "/data" } }), CONTEXT);
    const pod = deployment.template.spec;
    const container = pod.containers[0]!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
    });
    expect(container.resources).toEqual({ requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } });
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      expect(probe.httpGet).toEqual({ path: "/services/launcher/health", port: "http" });
    }
    expect(pod.automountServiceAccountToken).toBe(false);
    // A ReadWriteOnce volume: the old pod must go before the new one mounts it.
    expect(deployment.strategy).toEqual({ type: "Recreate" });
    expect(pod.volumes.map((v) => v.name)).toEqual(["tmp", "data"]);
    // Admitted by the chart's hub NetworkPolicy.
    expect(deployment.template.metadata.labels["hub.jupyter.org/network-access-hub"]).toBe("true");
  });

  it("admit the hub and proxy (and notebooks only when they call it), and reach only DNS, the hub API and what is added", () => {
    const policy = serviceNetworkPolicySpec(base, CONTEXT, [
      { to: [{ ipBlock: { cidr: "10.1.2.3/32" } }], ports: [{ port: 5432, protocol: "TCP" }] },
    ]);
    expect(policy.ingress).toEqual([
      {
        from: [
          { podSelector: { matchLabels: { app: "jupyterhub", release: "pipal-hub", component: "hub" } } },
          { podSelector: { matchLabels: { app: "jupyterhub", release: "pipal-hub", component: "proxy" } } },
        ],
        ports: [{ port: 8000, protocol: "TCP" }],
      },
    ]);
    expect(policy.egress).toEqual([
      {
        ports: [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
      },
      {
        to: [{ podSelector: { matchLabels: { app: "jupyterhub", release: "pipal-hub", component: "hub" } } }],
        ports: [{ port: 8081, protocol: "TCP" }],
      },
      { to: [{ ipBlock: { cidr: "10.1.2.3/32" } }], ports: [{ port: 5432, protocol: "TCP" }] },
    ]);
    const fromNotebooks = serviceNetworkPolicySpec(spec({ fromNotebooks: true }), CONTEXT);
    expect(fromNotebooks.ingress[0]!.from.map((peer) => peer.podSelector.matchLabels.component)).toEqual([
      "hub",
      "proxy",
      "singleuser-server",
    ]);
  });
});

describe("the workshop dashboard's declaration", () => {
  const dashboard = dashboardServiceSpec({
    image: "dash@sha256:" + "b".repeat(64),
    instructors: ["ada", "bala"],
    storage: { kind: "postgres", databaseUrl: { secretName: "dashboard-db", key: "url" } },
  });

  it("is a valid service that instructors open and notebooks call", () => {
    expect(hubServiceProblems(dashboard)).toEqual([]);
    expect(dashboard).toMatchObject({ web: { oauth: true }, apiToken: true, fromNotebooks: true, access: { users: ["ada", "bala"] } });
    expect(dashboard.volume).toBeUndefined();
    expect(dashboard.envFromSecrets).toEqual({ DATABASE_URL: { secretName: "dashboard-db", key: "url" } });
  });

  it("keeps its data on a volume when there is no database", () => {
    const onVolume = dashboardServiceSpec({ image: "dash:1.0.0", instructors: ["ada"], storage: { kind: "volume", size: "2Gi" } });
    expect(onVolume.volume).toEqual({ size: "2Gi", mountPath: "/data" });
    expect(onVolume.env).toEqual({ DASHBOARD_DATA_DIR: "/data" });
  });

  it("gives notebook servers the hook as config for both server kinds, and the egress to reach it", () => {
    const hook = dashboardHookValues({ spec: dashboard }) as {
      singleuser: { extraFiles: Record<string, { mountPath: string; stringData: string }>; extraEnv: Record<string, string> };
    };
    expect(Object.values(hook.singleuser.extraFiles).map((file) => file.mountPath)).toEqual(Object.values(DASHBOARD_HOOK_MOUNTS));
    expect(hook.singleuser.extraFiles["hubfleet-dashboard-hook-server"]!.stringData).toContain(
      "c.FileContentsManager.post_save_hook = post_save",
    );
    expect(hook.singleuser.extraEnv).toEqual({
      HUBFLEET_DASHBOARD_URL: "http://dashboard:8000/services/dashboard/api/events",
      HUBFLEET_DASHBOARD_TIMEOUT: "3",
    });
    expect(dashboardNotebookEgress(dashboard)).toEqual({
      to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "dashboard", "hubfleet.io/hub-service": "dashboard" } } }],
      ports: [{ port: 8000, protocol: "TCP" }],
    });
  });
});

describe("the dashboard in one call", () => {
  it("gives the service, its chart values and the notebooks' egress", () => {
    const pieces = workshopDashboard({ image: "dash:1.0.0", instructors: ["anand"], storage: { kind: "volume", size: "1Gi" } });
    expect(pieces.spec).toEqual(
      dashboardServiceSpec({ image: "dash:1.0.0", instructors: ["anand"], storage: { kind: "volume", size: "1Gi" } }),
    );
    expect(pieces.hubValues).toEqual({ ...hubServiceValues(pieces.spec), ...dashboardHookValues({ spec: pieces.spec }) });
    expect(Object.keys(pieces.hubValues).sort()).toEqual(["hub", "singleuser"]);
    expect(pieces.notebookEgress).toEqual(dashboardNotebookEgress(pieces.spec));
  });

  it("refuses a dashboard nobody may open, instructors who cannot log in, and an unpinned image", () => {
    const problems = dashboardProblems({ image: "dash:latest", instructors: ["anand", "zoe"], storage: { kind: "volume", size: "1Gi" } }, [
      "anand",
      "bala",
    ]);
    expect(problems.map((p) => p.path)).toEqual(["instructors.1", "image"]);
    expect(
      dashboardProblems({ image: "dash:1.0.0", instructors: [], storage: { kind: "volume", size: "1Gi" } }).map((p) => p.path),
    ).toEqual(["instructors"]);
  });
});

describe("the HubService component", () => {
  let plan: PlanRecorder;

  beforeAll(async () => {
    plan = await installMockRuntime({ stack: "test" });
    const { HubService } = await import("../components/services/hub-service");
    const dashboard = dashboardServiceSpec({ image: "dash:1.0.0", instructors: ["ada"], storage: { kind: "volume", size: "1Gi" } });
    new HubService("pipal-dashboard", { spec: dashboard, namespace: "pipal", context: CONTEXT, protectVolume: true });
    await settle();
  });

  it("creates a Deployment, Service, NetworkPolicy and a protected claim, children of the component", () => {
    const component = plan.one("hubfleet:services:HubService", "pipal-dashboard");
    const deployment = plan.one("kubernetes:apps/v1:Deployment", "pipal-dashboard-deployment");
    const service = plan.one("kubernetes:core/v1:Service", "pipal-dashboard-service");
    const policy = plan.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "pipal-dashboard-network-policy");
    const claim = plan.one("kubernetes:core/v1:PersistentVolumeClaim", "pipal-dashboard-data");
    for (const child of [deployment, service, policy, claim]) expect(child.parent).toBe(component.urn);
    expect(claim.protect).toBe(true);
    expect(deployment.dependencies).toContain(claim.urn);
    expect(deployment.inputs).toMatchObject({ metadata: { name: "dashboard", namespace: "pipal" } });
    expect(JSON.stringify(plan.resources.map((r) => r.inputs))).not.toMatch(/"apiToken"|api_token/);
  });

  it("refuses an invalid declaration before creating anything", async () => {
    const { HubService } = await import("../components/services/hub-service");
    expect(() => new HubService("bad", { spec: spec({ port: 80 }), namespace: "pipal", context: CONTEXT })).toThrow(
      /port: must be an unprivileged port/,
    );
  });
});
