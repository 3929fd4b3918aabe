/**
 * Where the isolation SQL runs, under the mock runtime: Cloud SQL's admin Job in the
 * tenant's admin namespace (and nothing without the cluster's provider), the
 * in-cluster server's startup probe, and the pure builder's refusals.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, settle, SECRET, type PlanRecorder, type RecordedResource } from "../scripts/render/mock-runtime";
import type { CloudSqlPostgresArgs } from "../components/database/cloudsql";

type Modules = {
  cloudsql: typeof import("../components/database/cloudsql");
  incluster: typeof import("../components/database/incluster");
  sql: typeof import("../components/database/isolation-sql");
  adminJob: typeof import("../components/database/admin-job");
};

let plan: PlanRecorder;
let m: Modules;

const cloudSqlArgs: CloudSqlPostgresArgs = {
  tenant: "acme",
  project: "acme-project",
  region: "europe-west1",
  network: "projects/acme-project/global/networks/acme-network",
  version: "POSTGRES_16",
  tier: "db-g1-small",
  diskSizeGb: 10,
  highAvailability: false,
  protect: true,
  labels: {},
};

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  m = {
    cloudsql: await import("../components/database/cloudsql"),
    incluster: await import("../components/database/incluster"),
    sql: await import("../components/database/isolation-sql"),
    adminJob: await import("../components/database/admin-job"),
  };
  const k8s = await import("@pulumi/kubernetes");
  const provider = new k8s.Provider("acme-k8s", {});
  new m.cloudsql.CloudSqlPostgres("acme-database", { ...cloudSqlArgs, kubernetesProvider: provider, postgis: true });
  new m.cloudsql.CloudSqlPostgres("bare-database", { ...cloudSqlArgs, tenant: "bare" });
  new m.incluster.InClusterPostgres(
    "dev-database",
    { tenant: "dev", namespace: "dev", image: { name: "docker.io/library/postgres", tag: "17.6" }, storage: "1Gi", protect: false },
    { provider },
  );
  await settle();
});

interface PodTemplate {
  metadata: { annotations: Record<string, string> };
  spec: {
    automountServiceAccountToken: boolean;
    securityContext: Record<string, unknown>;
    initContainers?: Record<string, unknown>[];
    containers: {
      env?: { name: string }[];
      resources: { limits: Record<string, string> };
      securityContext: Record<string, unknown>;
      startupProbe?: unknown;
    }[];
  };
}
const template = (r: RecordedResource) => (r.inputs as { spec: { template: PodTemplate } }).spec.template;

describe("Cloud SQL's isolation Job", () => {
  const job = () => plan.one("kubernetes:batch/v1:Job", "acme-database-isolation-job");

  it("connects as a dedicated admin user whose URL is a secret in the admin namespace", () => {
    const admin = plan.one("gcp:sql/user:User", "acme-database-admin-user");
    expect(admin.inputs).toMatchObject({ name: "hubfleet_admin", password: SECRET });
    const secret = plan.one("kubernetes:core/v1:Secret", "acme-database-isolation-admin-url");
    expect(secret.inputs).toMatchObject({ metadata: { namespace: "acme-db-admin" }, stringData: { url: SECRET } });
    expect(job().dependencies).toContain(admin.urn);
    expect(job().provider).toBe(plan.one("pulumi:providers:kubernetes", "acme-k8s").urn);
  });

  it("carries the isolation SQL for Cloud SQL, PostGIS included on request, and its hash on the pod", () => {
    const script = plan.ofType("kubernetes:core/v1:ConfigMap").find((r) => r.parent === job().parent)!;
    const sql = (script.inputs.data as Record<string, string>)["isolation.sql"]!;
    expect(sql).toBe(m.cloudsql.cloudSqlIsolationSql(true));
    expect(sql).toContain("CREATE EXTENSION IF NOT EXISTS postgis;");
    expect(template(job()).metadata.annotations[m.adminJob.SCRIPT_HASH_ANNOTATION]).toBe(m.adminJob.sha256(sql));
  });

  it("runs as non-root with restricted Pod Security settings and limits", () => {
    const pod = template(job()).spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    const container = pod.containers[0]!;
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.resources.limits).toEqual({ cpu: "500m", memory: "128Mi" });
  });

  it("enforces restricted in the admin namespace", () => {
    const namespace = plan.one("kubernetes:core/v1:Namespace", "acme-database-isolation-namespace");
    expect((namespace.inputs.metadata as { labels: Record<string, string> }).labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
    });
  });

  it("is absent without the cluster's Kubernetes provider: nothing falls back to an ambient kubeconfig", () => {
    expect(plan.resources.filter((r) => r.name.startsWith("bare-database-isolation") || r.name === "bare-database-admin-user")).toEqual([]);
  });
});

describe("the in-cluster server", () => {
  const server = () => template(plan.one("kubernetes:apps/v1:StatefulSet", "dev-database-server"));

  it("applies the isolation SQL in its startup probe, and restarts when the SQL changes", () => {
    const container = server().spec.containers[0]!;
    expect(container.startupProbe).toMatchObject({ exec: { command: ["bash", "/hubfleet/startup.sh"] } });
    const scripts = plan.one("kubernetes:core/v1:ConfigMap", "dev-database-init").inputs.data as Record<string, string>;
    expect(scripts["isolation.sql"]).toBe(m.incluster.inClusterIsolationSql());
    expect(server().metadata.annotations["hubfleet.io/startup-sha256"]).toBe(
      m.adminJob.sha256(scripts["startup.sh"]! + scripts["isolation.sql"]!),
    );
  });

  it("stores no superuser password: a random one lives in the pod's memory for initialisation only", () => {
    const container = server().spec.containers[0]!;
    expect(container.env!.map((e) => e.name)).not.toContain("POSTGRES_PASSWORD");
    expect(container.env!.map((e) => e.name)).toContain("POSTGRES_PASSWORD_FILE");
    const init = server().spec.initContainers![0]!;
    expect(init.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(JSON.stringify(init.command)).toContain("/dev/urandom");
  });
});

describe("the isolation SQL builder", () => {
  it("refuses names psql would need to quote, shared roles and PostGIS outside the logins' databases", () => {
    const problems = m.sql.isolationSqlProblems({
      logins: [
        { database: "Hub", role: "hub" },
        { database: "explore", role: "hub" },
      ],
      adminIsSuperuser: false,
      postgisDatabases: ["lake"],
    });
    expect(problems).toEqual([
      "Hub is not a lowercase SQL identifier",
      "each login needs a role of its own",
      "PostGIS database lake is not one of the logins' databases",
    ]);
    expect(() => m.sql.isolationSql({ logins: [{ database: "a;b", role: "x" }], adminIsSuperuser: true })).toThrow(/a;b/);
  });

  it("changes SUPERUSER, REPLICATION and BYPASSRLS only as a superuser, who alone may", () => {
    const logins = [{ database: "hub", role: "hub" }];
    expect(m.sql.isolationSql({ logins, adminIsSuperuser: true })).toContain(
      'ALTER ROLE "hub" NOCREATEDB NOCREATEROLE NOSUPERUSER NOREPLICATION NOBYPASSRLS;',
    );
    const managed = m.sql.isolationSql({ logins, adminIsSuperuser: false });
    expect(managed).toContain('ALTER ROLE "hub" NOCREATEDB NOCREATEROLE;');
    expect(managed).not.toContain("PASSWORD");
  });
});

describe("an external server", () => {
  it("names the tenant's logins so that tenants can share a server, and refuses plain-text connections", async () => {
    const external = await import("../components/database/external");
    expect(external.externalLogins("habari-kisumu")).toEqual({
      hub: { database: "habari_kisumu_hub", role: "habari_kisumu_hub" },
      explore: { database: "habari_kisumu_explore", role: "habari_kisumu_explore" },
    });
    const args = {
      tenant: "acme",
      host: "db.example.org",
      port: 5432,
      sslMode: "require" as const,
      admin: { user: "admin", password: "x" },
    };
    expect(external.externalPostgresProblems(args)).toEqual([]);
    expect(external.externalPostgresProblems({ ...args, host: "", port: 0, sslMode: "disable" })).toHaveLength(3);
    const sql = external.externalIsolationSql({ tenant: "acme", postgis: true });
    expect(sql).toContain("ALTER ROLE \"acme_hub\" LOGIN PASSWORD :'acme_hub_password';");
    expect(sql).toContain("\\connect acme_explore\n");
    expect(sql).toContain("CREATE EXTENSION IF NOT EXISTS postgis;");
  });
});
