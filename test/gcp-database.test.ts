import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, resolveOutputs, settle, SECRET, type PlanRecorder } from "../scripts/render/mock-runtime";
import type { CloudSqlPostgresArgs } from "../components/database/cloudsql";

type CloudSql = typeof import("../components/database/cloudsql");

let plan: PlanRecorder;
let cloudsql: CloudSql;
let production: InstanceType<CloudSql["CloudSqlPostgres"]>;

const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";

const args: CloudSqlPostgresArgs = {
  tenant: "acme",
  project: "acme-project",
  region: "europe-west1",
  network: "projects/acme-project/global/networks/acme-network",
  version: "POSTGRES_16",
  tier: "db-g1-small",
  diskSizeGb: 10,
  highAvailability: false,
  protect: true,
  labels: { "managed-by": "hubfleet" },
};

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  cloudsql = await import("../components/database/cloudsql");
  const gcp = await import("@pulumi/gcp");
  // The cluster's private services access connection, which the instance must wait for.
  const peering = new gcp.servicenetworking.Connection("acme-peering", {
    network: args.network,
    service: "servicenetworking.googleapis.com",
    reservedPeeringRanges: ["acme-services-range"],
  });
  production = new cloudsql.CloudSqlPostgres("acme-database", { ...args, privateServicesAccess: peering });
  new cloudsql.CloudSqlPostgres("scratch-database", { ...args, tenant: "scratch", protect: false, highAvailability: true });
  await settle();
});

const instance = (prefix = "acme") => plan.one(INSTANCE, `${prefix}-database-instance`);
const settings = (prefix = "acme") => instance(prefix).inputs.settings as Record<string, Record<string, unknown>>;

describe("the Cloud SQL instance", () => {
  it("has no public IP and no authorised network: only a private IP on the cluster's network", () => {
    expect(settings().ipConfiguration).toEqual({
      ipv4Enabled: false,
      privateNetwork: "projects/acme-project/global/networks/acme-network",
      sslMode: "ENCRYPTED_ONLY",
    });
    expect(JSON.stringify(plan.ofType(INSTANCE))).not.toContain("0.0.0.0/0");
    expect(JSON.stringify(plan.ofType(INSTANCE))).not.toContain("authorizedNetworks");
  });

  it("waits for the private services access connection", () => {
    expect(instance().dependencies).toContain(plan.one("gcp:servicenetworking/connection:Connection", "acme-peering").urn);
  });

  it("requires TLS, and tells clients to insist on it", () => {
    expect(settings().ipConfiguration!.sslMode).toBe("ENCRYPTED_ONLY");
    expect(production.sslMode).toBe("require");
  });

  it("runs the configured PostgreSQL version and Enterprise tier", () => {
    expect(instance().inputs).toMatchObject({ databaseVersion: "POSTGRES_16", region: "europe-west1", project: "acme-project" });
    expect(settings()).toMatchObject({ tier: "db-g1-small", edition: "ENTERPRISE", availabilityType: "ZONAL", diskSize: 10 });
    expect(settings("scratch").availabilityType).toBe("REGIONAL");
  });

  it("backs up daily with point-in-time recovery", () => {
    expect(settings().backupConfiguration).toMatchObject({ enabled: true, pointInTimeRecoveryEnabled: true });
  });

  it("logs connections, disconnections, lock waits and temp files", () => {
    expect(settings().databaseFlags).toEqual([
      { name: "log_connections", value: "on" },
      { name: "log_disconnections", value: "on" },
      { name: "log_lock_waits", value: "on" },
      { name: "log_temp_files", value: "0" },
    ]);
  });

  it("is protected for production: protect, Pulumi's and Cloud SQL's deletion protection", () => {
    expect(instance().protect).toBe(true);
    expect(instance().inputs.deletionProtection).toBe(true);
    expect(settings().deletionProtectionEnabled).toBe(true);
  });

  it("is destroyable when disposable: nothing stops `pulumi destroy`", () => {
    expect(instance("scratch").protect).toBe(false);
    expect(instance("scratch").inputs.deletionProtection).toBe(false);
    expect(settings("scratch").deletionProtectionEnabled).toBe(false);
  });

  it("names the instance with a random suffix, since Cloud SQL withholds a deleted name for a week", () => {
    expect(instance().inputs.name).toBe("acme-postgres-0a1b2c3d");
  });
});

describe("the databases and users", () => {
  it("creates the hub and explore databases, each with its own user", () => {
    const databases = plan.ofType("gcp:sql/database:Database").filter((d) => d.name.startsWith("acme-"));
    expect(databases.map((d) => d.inputs.name).sort()).toEqual(["explore", "hub"]);
    const users = plan.ofType("gcp:sql/user:User").filter((u) => u.name.startsWith("acme-"));
    expect(users.map((u) => u.inputs.name).sort()).toEqual(["explore", "hub"]);
    for (const resource of [...databases, ...users]) expect(resource.inputs.instance).toBe("acme-postgres-0a1b2c3d");
  });

  it("gives each user a random password that only appears as a secret", async () => {
    const users = plan.ofType("gcp:sql/user:User").filter((u) => u.name.startsWith("acme-"));
    for (const user of users) expect(user.inputs.password).toBe(SECRET);
    expect(
      plan
        .ofType("random:index/randomPassword:RandomPassword")
        .map((p) => p.name)
        .filter((n) => n.startsWith("acme-"))
        .sort(),
    ).toEqual(["acme-database-explore-password", "acme-database-hub-password"]);
    expect(await resolveOutputs(production.hub.password)).toBe(SECRET);
    expect(await resolveOutputs(production.explore.password)).toBe(SECRET);
    expect(production.hub).toMatchObject({ database: "hub", user: "hub" });
    expect(production.explore).toMatchObject({ database: "explore", user: "explore" });
  });

  it("exposes the private IP on port 5432", async () => {
    expect(await resolveOutputs(production.host)).toBe("<acme-database-instance.privateIpAddress>");
    expect(await resolveOutputs(production.port)).toBe(5432);
  });

  it("uses no service-account key anywhere", () => {
    expect(plan.ofType("gcp:serviceaccount/key:Key")).toEqual([]);
  });
});

describe("argument checks", () => {
  it("accepts the defaults and rejects Enterprise Plus tiers, unknown versions and tiny disks", () => {
    expect(cloudsql.cloudSqlProblems(args)).toEqual([]);
    expect(cloudsql.cloudSqlProblems({ ...args, tier: "db-perf-optimized-N-2" })[0]?.message).toContain("not a Cloud SQL Enterprise tier");
    expect(cloudsql.cloudSqlProblems({ ...args, version: "MYSQL_8_0", diskSizeGb: 5 }).map((p) => p.arg)).toEqual([
      "version",
      "diskSizeGb",
    ]);
  });
});
