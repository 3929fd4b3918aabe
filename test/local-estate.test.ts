import { beforeAll, describe, expect, it } from "vitest";
import { SECRET, type PlanRecorder } from "../scripts/render/mock-runtime";
import { chartFilesPresent, chartSchemaErrors } from "./support/chart-schema";
import { runProgramUnderMocks, stackFileConfig } from "./support/program";

let plan: PlanRecorder;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  ({ plan, outputs } = await runProgramUnderMocks("dev", stackFileConfig("dev")));
});

const RELEASE = "kubernetes:helm.sh/v3:Release";
const values = () => plan.one(RELEASE).inputs.values as Record<string, Record<string, unknown>>;

describe("the dev stack", () => {
  it("creates the tenant namespace through the local cluster's provider", () => {
    const namespace = plan.one("kubernetes:core/v1:Namespace");
    expect(namespace.inputs.metadata).toMatchObject({ name: "dev" });
    const provider = plan.one("pulumi:providers:kubernetes");
    expect(namespace.provider).toBe(provider.urn);
    expect(provider.inputs).not.toHaveProperty("kubeconfig");
  });

  it("installs the jupyterhub chart 4.4.0 from the official repository, in the namespace", () => {
    const release = plan.one(RELEASE);
    expect(release.inputs).toMatchObject({
      chart: "jupyterhub",
      version: "4.4.0",
      repositoryOpts: { repo: "https://hub.jupyter.org/helm-chart/" },
      name: "dev-hub",
      namespace: "dev",
      createNamespace: false,
    });
  });

  it("orders the release after the database, the buckets and the Secrets its values name", () => {
    const release = plan.one(RELEASE);
    const urnOf = (type: string, suffix = "") => plan.one(type, suffix).urn;
    expect(release.dependencies).toEqual(
      expect.arrayContaining([
        urnOf("kubernetes:apps/v1:StatefulSet", "database-server"),
        urnOf("kubernetes:batch/v1:Job"),
        urnOf("kubernetes:core/v1:Secret", "-db-url"),
        urnOf("kubernetes:core/v1:Secret", "-notebook-env"),
        urnOf("kubernetes:core/v1:Secret", "-hub-auth"),
      ]),
    );
  });

  it("runs PostgreSQL with a hub and an explore database, each with its own user and random password", () => {
    const passwords = plan.ofType("random:index/randomPassword:RandomPassword").map((p) => p.name);
    expect(passwords).toEqual(expect.arrayContaining(["dev-database-hub-password", "dev-database-explore-password"]));
    const scripts = plan.one("kubernetes:core/v1:ConfigMap", "database-init").inputs.data as Record<string, string>;
    expect(scripts["isolation.sql"]).toContain("SELECT format('CREATE DATABASE %I OWNER %I', 'hub', 'hub')");
    expect(scripts["isolation.sql"]).toContain(":'explore_password'");
    expect(scripts["startup.sh"]).toContain('--set explore_password="$EXPLORE_DB_PASSWORD"');
    const credentials = plan.one("kubernetes:core/v1:Secret", "database-credentials").inputs.stringData;
    // No superuser password anywhere: only the logins' own.
    expect(credentials).toEqual({ EXPLORE_DB_PASSWORD: SECRET, HUB_DB_PASSWORD: SECRET });
    expect(passwords).not.toContain("dev-database-superuser-password");
  });

  it("runs MinIO with the public, lake and notebooks buckets and a least-privilege tenant user", () => {
    const setup = plan.one("kubernetes:core/v1:ConfigMap", "storage-setup").inputs.data as Record<string, string>;
    for (const bucket of ["dev-public", "dev-lake", "dev-notebooks"]) expect(setup["setup.sh"]).toContain(bucket);
    // Dev Jobs hide no failure: no `|| true`, and the script stops at the first error.
    expect(setup["setup.sh"]).not.toMatch(/\|\|\s*true/);
    expect(setup["setup.sh"]).toContain("set -eu");
    const policy = JSON.parse(setup["policy.json"]!) as { Statement: { Action: string | string[] }[] };
    const actions = policy.Statement.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain("s3:*");
    expect(actions).not.toContain("*");
  });

  it("gives notebook pods every EXPLORE_DB_* and S3 variable from one Secret, by reference", () => {
    const env = values().singleuser!.extraEnv as Record<string, unknown>;
    const names = [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_DEFAULT_REGION",
      "AWS_ENDPOINT_URL",
      "S3_BUCKET_NAME_PUBLIC",
      "S3_BUCKET_NAME_LAKE",
      "S3_BUCKET_NAME_NOTEBOOKS",
      "EXPLORE_DB_URL",
      "EXPLORE_DB_USER",
      "EXPLORE_DB_PASSWORD",
      "EXPLORE_DB_HOST",
      "EXPLORE_DB_PORT",
      "EXPLORE_DB_NAME",
    ];
    for (const name of names) {
      expect(env[name], name).toEqual({ valueFrom: { secretKeyRef: { name: "hubfleet-notebook-env", key: name } } });
    }
    const secret = plan.one("kubernetes:core/v1:Secret", "-notebook-env");
    expect(Object.keys(secret.inputs.stringData as object).sort()).toEqual([...names].sort());
    expect(Object.values(secret.inputs.stringData as object).every((v) => v === SECRET)).toBe(true);
  });

  it("lets notebook pods reach the database and the store, and nothing else private", () => {
    const egress = (values().singleuser!.networkPolicy as { egress: { ports: { port: number }[] }[] }).egress;
    expect(egress.map((rule) => rule.ports[0]!.port).sort()).toEqual([5432, 9000]);
  });

  it("serves http on a ClusterIP service, reached by port-forward", () => {
    expect(values().proxy).toEqual({ service: { type: "ClusterIP" }, https: { enabled: false } });
  });

  it("keeps nothing stateful protected: dev is disposable", () => {
    expect(plan.resources.filter((r) => r.protect).map((r) => r.name)).toEqual([]);
  });

  it("exports where the hub is, and no secret", () => {
    expect(outputs).toMatchObject({ tenant: "dev", namespace: "dev", hubRelease: "dev-hub" });
    expect(JSON.stringify(outputs)).not.toMatch(/password/i);
  });

  it.skipIf(!chartFilesPresent)("passes the chart's schema", () => {
    expect(chartSchemaErrors(values())).toEqual([]);
  });
});

describe("a production tenant on an existing cluster", () => {
  it("protects its database and object store", async () => {
    // A fresh module graph per file keeps the runtimes apart; this reuses the one above safely
    // because every resource name is prefixed by the tenant.
    const before = plan.resources.length;
    const raw = stackFileConfig("dev");
    const { runProgram } = await import("../stacks/program");
    runProgram({ ...raw, values: { ...raw.values, tenant: { name: "prod", protection: "production" } } });
    const { settle } = await import("../scripts/render/mock-runtime");
    await settle();
    const protectedNames = plan.resources
      .slice(before)
      .filter((r) => r.protect)
      .map((r) => r.name)
      .sort();
    expect(protectedNames).toEqual(["prod-database-server", "prod-storage-server"]);
  });
});
