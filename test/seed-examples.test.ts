/**
 * The example stacks with the seeds' settings (issue 13), as rendered in out/: the
 * openhexa App login on the App's own database server with DNS in Route53, the
 * Renku-style preset, PipalHub without a database server. The values checked are the
 * seeds' (the shared seed notes) or the stack file says why not.
 */
import { describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../scripts/render/report";
import { renderedHubValues, renderedPlan } from "./support/rendered";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RELEASE = "kubernetes:helm.sh/v3:Release";

function one(plan: Plan, type: string, nameSuffix = ""): PlanResource {
  const found = plan.resources.filter((r) => r.type === type && r.name.endsWith(nameSuffix));
  if (found.length !== 1) throw new Error(`${plan.stack}: ${found.length} ${type} ending in '${nameSuffix}'`);
  return found[0]!;
}
const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);
const releaseDependsOn = (plan: Plan, resource: PlanResource) => one(plan, RELEASE).dependencies.includes(resource.urn);

describe("the openhexa example", () => {
  const plan = renderedPlan("openhexa");
  const values = renderedHubValues("openhexa") as Values;

  it("logs in through the App's session, with the App's URLs, auth state and the CSP for the App's frame", () => {
    expect(values.hub.extraEnv).toMatchObject({
      APP_URL: "https://app.openhexa.example.org",
      APP_CREDENTIALS_URL: "https://app.openhexa.example.org/notebooks/credentials/",
      JUPYTERHUB_CRYPT_KEY: { valueFrom: { secretKeyRef: { name: "hubfleet-auth-state-key", key: "crypt-key" } } },
    });
    expect(values.hub.config.Authenticator).toMatchObject({ enable_auth_state: true, refresh_pre_spawn: true, allow_all: true });
    expect(values.hub.config.OpenHexaAppAuthenticator).toEqual({ session_cookie_name: "sessionid" });
    expect(values.hub.extraConfig).toHaveProperty("hubfleet-20-openhexa-auth");
    expect(values.singleuser.extraEnv.CONTENT_SECURITY_POLICY).toBe("frame-ancestors 'self' https://app.openhexa.example.org;");
  });

  it("makes the auth-state key before the release, and writes no OAuth client secret", () => {
    const key = one(plan, "kubernetes:core/v1:Secret", "-auth-state-key-secret");
    expect(key.inputs).toMatchObject({
      metadata: { name: "hubfleet-auth-state-key", namespace: "hexa-notebooks" },
      stringData: { "crypt-key": "[secret]" },
    });
    expect(releaseDependsOn(plan, key)).toBe(true);
    expect(one(plan, "kubernetes:core/v1:Secret", "-hub-auth").inputs.stringData).toEqual({});
  });

  it("gives notebook servers the App's per-user environment instead of the tenant-wide one", () => {
    const names = Object.keys(values.singleuser.extraEnv);
    expect(names.filter((n) => n.startsWith("EXPLORE_DB_") || n.startsWith("S3_BUCKET_") || n.startsWith("AWS_"))).toEqual([]);
    expect(one(plan, "kubernetes:core/v1:Secret", "-hub-notebook-env").inputs.stringData).toEqual({});
  });

  it("keeps the hub's database on the App's server, created by the isolation Job over TLS", () => {
    expect(ofType(plan, "gcp:sql/databaseInstance:DatabaseInstance")).toEqual([]);
    const job = one(plan, "kubernetes:batch/v1:Job", "-database-isolation-job");
    expect(releaseDependsOn(plan, job)).toBe(true);
    expect(values.hub.db).toEqual({ type: "postgres", upgrade: true });
    const script = JSON.stringify(one(plan, "kubernetes:core/v1:ConfigMap", "-database-isolation-script").inputs);
    expect(script).toContain("hexa_notebooks_hub");
    expect(script).toContain("hexa_notebooks_explore");
    // The admin's password is in the admin namespace's Secret only, and secret there.
    expect(one(plan, "kubernetes:core/v1:Secret", "-database-isolation-admin-url").inputs).toMatchObject({
      metadata: { namespace: "hexa-notebooks-db-admin" },
      stringData: { url: "[secret]" },
    });
  });

  it("writes the A and CAA records in Route53 through the estate's aws provider, before the release", () => {
    const aws = one(plan, "pulumi:providers:aws");
    expect(aws.inputs.region).toBe("eu-west-1");
    const records = ofType(plan, "aws:route53/record:Record");
    expect(records.map((r) => [r.inputs.type, r.inputs.name, r.inputs.ttl, r.provider]).sort()).toEqual([
      ["A", "notebooks.openhexa.example.org", 300, aws.urn],
      ["CAA", "notebooks.openhexa.example.org", 300, aws.urn],
    ]);
    expect(one(plan, "aws:route53/record:Record", "-a-record").inputs.records).toEqual(["<hexa-notebooks-endpoint-address.address>"]);
    for (const record of records) expect(releaseDependsOn(plan, record)).toBe(true);
    expect(releaseDependsOn(plan, one(plan, "gcp:compute/address:Address"))).toBe(true);
    expect(ofType(plan, "gcp:dns/recordSet:RecordSet")).toEqual([]);
  });

  it("runs the seed's sizes, culling and placeholders", () => {
    expect(values.singleuser).toMatchObject({
      cpu: { guarantee: 0.05, limit: 4 },
      memory: { guarantee: "512M", limit: "32G" },
      defaultUrl: "/lab",
    });
    expect(values.cull).toMatchObject({ timeout: 3600, every: 300 });
    expect(values.scheduling).toMatchObject({
      userScheduler: { enabled: true },
      podPriority: { enabled: true },
      userPlaceholder: { enabled: true, replicas: 4 },
    });
  });
});

describe("the renku example", () => {
  const plan = renderedPlan("renku");
  const values = renderedHubValues("renku") as Values;

  it("lays the preset over the GitLab login: scopes to clone and push, named servers, auth state", () => {
    expect(values.hub.config.JupyterHub).toMatchObject({ authenticator_class: "gitlab", allow_named_servers: true });
    expect(values.hub.config.GitLabOAuthenticator.scope).toEqual(["read_api", "read_repository", "read_user", "write_repository"]);
    expect(values.hub.config.Authenticator).toMatchObject({ enable_auth_state: true, auto_login: true, refresh_pre_spawn: true });
    expect(values.hub.extraConfig).toHaveProperty("hubfleet-30-renku-preset");
    expect(releaseDependsOn(plan, one(plan, "kubernetes:core/v1:Secret", "-auth-state-key-secret"))).toBe(true);
  });

  it("offers the seed's server options and ref, clones with the notebook image, keeps no home volume", () => {
    expect(values.custom.hubfleetRenku).toMatchObject({
      gitlabUrl: "https://gitlab.com",
      defaultRef: "master",
      choices: { cpu: [0.5, 1], memory: ["1G", "2G"], gpu: [0], defaultUrl: ["/lab"] },
      cloneImage: "quay.io/jupyter/scipy-notebook:2025-10-20",
      autosave: true,
    });
    expect(values.singleuser.storage.type).toBe("none");
    expect(values.cull).toMatchObject({ timeout: 86400, every: 60 });
  });

  it("runs the hub on SQLite on a small volume, with no database server and no explore variables", () => {
    expect(values.hub.db).toMatchObject({ type: "sqlite-pvc", pvc: { storage: "1Gi" } });
    expect(values.hub.extraEnv).not.toHaveProperty("HUBFLEET_HUB_DB_URL");
    expect(plan.resources.filter((r) => r.type.startsWith("gcp:sql/") || r.type === "kubernetes:batch/v1:Job")).toEqual([]);
    expect(Object.keys(values.singleuser.extraEnv ?? {}).filter((n) => n.startsWith("EXPLORE_DB_"))).toEqual([]);
  });
});

describe("the pipalhub example", () => {
  const plan = renderedPlan("pipalhub");
  const values = renderedHubValues("pipalhub") as Values;

  it("names the hub in pipal.in and has no database server", () => {
    expect(
      ofType(plan, "digitalocean:index/dnsRecord:DnsRecord")
        .map((r) => [r.inputs.domain, r.inputs.name, r.inputs.type])
        .sort(),
    ).toEqual([
      ["pipal.in", "lab", "A"],
      ["pipal.in", "lab", "CAA"],
    ]);
    expect(plan.resources.filter((r) => r.type.startsWith("digitalocean:index/database"))).toEqual([]);
    expect(values.hub.db).toMatchObject({ type: "sqlite-pvc" });
    expect(plan.outputs).not.toHaveProperty("databaseHost");
  });

  it("autosaves every 5 seconds and culls no server, as the seed", () => {
    expect(values.singleuser.extraFiles["hubfleet-lab-overrides"].data).toEqual({
      "@jupyterlab/docmanager-extension:plugin": { autosaveInterval: 5 },
    });
    expect(values.cull.enabled).toBe(false);
  });
});
