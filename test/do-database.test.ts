import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, resolveOutputs, settle, type PlanRecorder } from "../scripts/render/mock-runtime";

type Database = typeof import("../components/database/digitalocean");
type AdminJob = typeof import("../components/database/admin-job");

const CLUSTER = "digitalocean:index/databaseCluster:DatabaseCluster";
const FIREWALL = "digitalocean:index/databaseFirewall:DatabaseFirewall";
const DB = "digitalocean:index/databaseDb:DatabaseDb";
const USER = "digitalocean:index/databaseUser:DatabaseUser";
const JOB = "kubernetes:batch/v1:Job";

let plan: PlanRecorder;
let database: Database;
let adminJob: AdminJob;
let production: InstanceType<Database["DigitalOceanPostgres"]>;

const args = (
  overrides: Partial<Parameters<Database["digitalOceanPostgresProblems"]>[0]> = {},
): Parameters<Database["digitalOceanPostgresProblems"]>[0] => ({
  tenant: "acme",
  region: "blr1",
  vpcId: pulumi.output("acme-vpc-id"),
  kubernetesClusterId: pulumi.output("acme-doks-id"),
  version: "16",
  size: "db-s-1vcpu-1gb",
  nodeCount: 1,
  protect: true,
  tags: ["hubfleet", "hubfleet-tenant-acme"],
  namespace: pulumi.output("acme"),
  ...overrides,
});

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  database = await import("../components/database/digitalocean");
  adminJob = await import("../components/database/admin-job");
  production = new database.DigitalOceanPostgres("acme-database", args());
  new database.DigitalOceanPostgres("scratch-database", args({ tenant: "scratch", protect: false }));
  await settle();
});

describe("DigitalOcean Managed PostgreSQL", () => {
  it("runs PostgreSQL on the tenant's VPC, in its region", () => {
    expect(plan.one(CLUSTER, "acme-database-cluster").inputs).toMatchObject({
      name: "acme-postgres",
      engine: "pg",
      version: "16",
      size: "db-s-1vcpu-1gb",
      nodeCount: 1,
      region: "blr1",
      privateNetworkUuid: "acme-vpc-id",
      tags: ["hubfleet", "hubfleet-tenant-acme"],
    });
  });

  it("trusts one source only: the tenant's Kubernetes cluster", () => {
    const firewall = plan.one(FIREWALL, "acme-database-firewall");
    expect(firewall.inputs).toEqual({ clusterId: "acme-database-cluster-id", rules: [{ type: "k8s", value: "acme-doks-id" }] });
    expect(database.firewallRules("c-1")).toEqual([{ type: "k8s", value: "c-1" }]);
  });

  it("makes the hub and explore databases, each with its own user", () => {
    const mine = (type: string) => plan.ofType(type).filter((r) => r.name.startsWith("acme-"));
    expect(mine(DB).map((d) => d.inputs)).toEqual([
      { clusterId: "acme-database-cluster-id", name: "hub" },
      { clusterId: "acme-database-cluster-id", name: "explore" },
    ]);
    expect(mine(USER).map((u) => u.inputs.name)).toEqual(["hub", "explore"]);
    expect(production.hub).toMatchObject({ database: "hub", user: "hub" });
    expect(production.explore).toMatchObject({ database: "explore", user: "explore" });
  });

  it("makes them one at a time, after the firewall: DigitalOcean refuses concurrent changes now and then", () => {
    const chain = [
      plan.one(FIREWALL, "acme-database-firewall"),
      plan.one(DB, "acme-database-hub-database"),
      plan.one(USER, "acme-database-hub-user"),
      plan.one(DB, "acme-database-explore-database"),
      plan.one(USER, "acme-database-explore-user"),
    ];
    chain.slice(1).forEach((resource, index) => expect(resource.dependencies, resource.name).toContain(chain[index]!.urn));
  });

  it("hands out DigitalOcean's generated passwords as secrets", async () => {
    expect(await pulumi.isSecret(production.hub.password)).toBe(true);
    expect(await resolveOutputs(production.explore.password)).toBe("[secret]");
  });

  it("is reached on its private host, over TLS", async () => {
    expect(await resolveOutputs(production.host)).toBe("<acme-database-cluster.privateHost>");
    expect(await resolveOutputs(production.port)).toBe(25060);
    expect(production.sslMode).toBe("require");
  });

  it("is protected for a production tenant and destroyable for a disposable one", () => {
    expect(plan.one(CLUSTER, "acme-database-cluster").protect).toBe(true);
    expect(plan.one(CLUSTER, "scratch-database-cluster").protect).toBe(false);
  });

  it("isolates the users from a Job in the admin namespace, after the firewall, databases and users", async () => {
    const job = plan.one(JOB, "acme-database-isolation-job");
    const spec = job.inputs as { metadata: { namespace: string }; spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const container = spec.spec.template.spec.containers[0]!;
    expect(spec.metadata.namespace).toBe("acme-db-admin");
    expect(container.image).toBe(adminJob.PSQL_IMAGE);
    expect(container.command).toEqual([
      "psql",
      "--no-psqlrc",
      "--set",
      "ON_ERROR_STOP=1",
      "--dbname",
      "$(ADMIN_URL)",
      "--file",
      "/hubfleet/isolation.sql",
    ]);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    const mustPrecede = [FIREWALL, DB, USER].flatMap((type) =>
      plan
        .ofType(type)
        .filter((r) => r.name.startsWith("acme-"))
        .map((r) => r.urn),
    );
    expect(job.dependencies).toEqual(expect.arrayContaining(mustPrecede));
    const namespace = plan.one("kubernetes:core/v1:Namespace", "acme-database-isolation-namespace");
    expect((namespace.inputs.metadata as { name: string }).name).toBe("acme-db-admin");
    const secret = plan.one("kubernetes:core/v1:Secret", "acme-database-isolation-admin-url");
    expect(secret.inputs.stringData).toEqual({ url: "[secret]" });
    expect(secret.parent).toBe(job.parent);
    const readyUrns = await Promise.all(production.readyResources.map((r) => resolveOutputs(r.urn)));
    expect(readyUrns).toEqual(expect.arrayContaining([job.urn, ...mustPrecede, plan.one(CLUSTER, "acme-database-cluster").urn]));
  });

  it("puts no admin credential in the tenant namespace", () => {
    const tenantSecrets = plan
      .ofType("kubernetes:core/v1:Secret")
      .filter((r) => (r.inputs.metadata as { namespace?: string }).namespace === "acme");
    expect(tenantSecrets).toEqual([]);
  });

  it("runs the isolation SQL as doadmin: no role creation, PostGIS only on request", () => {
    const sql = database.digitalOceanIsolationSql();
    expect(sql).not.toContain("CREATE ROLE");
    expect(sql).toContain('GRANT "explore" TO CURRENT_USER;');
    expect(sql).not.toContain("postgis");
    expect(database.digitalOceanIsolationSql(true)).toContain('\\connect explore\nALTER SCHEMA public OWNER TO "explore";');
    expect(database.digitalOceanIsolationSql(true)).toContain("CREATE EXTENSION IF NOT EXISTS postgis;");
  });

  it("validates its args", () => {
    expect(database.digitalOceanPostgresProblems(args())).toEqual([]);
    expect(database.digitalOceanPostgresProblems(args({ version: "POSTGRES_16", size: "s-1vcpu-1gb", nodeCount: 4 }))).toHaveLength(3);
    expect(database.digitalOceanPostgresProblems(args({ nodeCount: 0 })).map((p) => p.arg)).toEqual(["nodeCount"]);
    // DigitalOcean's other size families are real slugs, not mistakes.
    for (const size of ["gd-2vcpu-8gb", "so1_5-2vcpu-16gb", "m-2vcpu-16gb"])
      expect(database.digitalOceanPostgresProblems(args({ size }))).toEqual([]);
  });
});
