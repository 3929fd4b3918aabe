/**
 * The database isolation SQL on a real PostgreSQL, taken from the rendered plans:
 * the dev stack (in-cluster PostgreSQL: the StatefulSet's startup probe script and
 * SQL), the pipalhub stack (DigitalOcean: the admin Job's command and ConfigMap), and a
 * Cloud SQL component given the cluster's Kubernetes provider and an external server
 * component (their admin Jobs; no example stack uses them yet).
 *
 * For each kind the server is first put in that service's documented starting state,
 * then the plan's command runs exactly as the pod would run it (only the Secret's
 * values, the mount path and the psql binary's location are substituted), twice, and
 * the logins' real powers are probed: the isolation matrix.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, settle, type PlanRecorder, type RecordedResource } from "../scripts/render/mock-runtime";
import { fixtureStackConfig, runProgramUnderMocks, stackFileConfig } from "./support/program";
import { startPostgres, type TestServer } from "./support/postgres";

const JOB = "kubernetes:batch/v1:Job";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const LOGINS = ["hub", "explore"] as const;
type Login = (typeof LOGINS)[number];
/** Each kind's real role and database names; the matrix speaks of them as hub and explore. */
type Names = Record<Login, { role: string; database: string }>;
const PLAIN_NAMES: Names = { hub: { role: "hub", database: "hub" }, explore: { role: "explore", database: "explore" } };
const EXTERNAL_NAMES: Names = {
  hub: { role: "acme_hub", database: "acme_hub" },
  explore: { role: "acme_explore", database: "acme_explore" },
};

interface Container {
  command: string[];
  env?: { name: string; value?: string }[];
  volumeMounts: { name: string; mountPath: string }[];
  startupProbe?: { exec: { command: string[] } };
}
interface PodSpec {
  containers: Container[];
  volumes: { name: string; configMap?: { name: string } }[];
}

/** What a pod would run: a command line, and the ConfigMap files mounted where it reads them. */
interface PlannedRun {
  readonly command: string[];
  readonly mountPath: string;
  readonly files: Record<string, string>;
}

function podSpec(resource: RecordedResource): PodSpec {
  return (resource.inputs as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
}

/** The files of the ConfigMap volume a container mounts, and where it mounts them. */
function mountedFiles(
  spec: PodSpec,
  container: Container,
  configMap: (configMapName: string) => RecordedResource,
): Omit<PlannedRun, "command"> {
  const volume = spec.volumes.find((v) => v.configMap)!;
  const mount = container.volumeMounts.find((m) => m.name === volume.name)!;
  return { files: configMap(volume.configMap!.name).inputs.data as Record<string, string>, mountPath: mount.mountPath };
}

/** A managed or external database's admin Job: its psql command and its script. */
function adminJobRun(plan: PlanRecorder, component: string): PlannedRun {
  const job = plan.one(JOB, `${component}-isolation-job`);
  const container = podSpec(job).containers[0]!;
  // The script's ConfigMap is the Job's sibling (auto-named, so found by parent).
  const mounted = mountedFiles(podSpec(job), container, () => plan.ofType(CONFIG_MAP).find((r) => r.parent === job.parent)!);
  return { command: container.command, ...mounted };
}

/** The in-cluster server's startup probe: its script and SQL from the ConfigMap. */
function startupProbeRun(plan: PlanRecorder): PlannedRun {
  const statefulSet = plan.one(STATEFUL_SET, "-database-server");
  const container = podSpec(statefulSet).containers[0]!;
  const mounted = mountedFiles(podSpec(statefulSet), container, (name) =>
    plan.ofType(CONFIG_MAP).find((r) => (r.inputs.metadata as { name?: string }).name === name)!,
  );
  return { command: container.startupProbe!.exec.command, ...mounted };
}

type Kind = "incluster" | "cloudsql" | "digitalocean" | "external";

interface Plans {
  incluster: PlannedRun;
  digitalocean: PlannedRun;
  cloudsql: PlannedRun;
  external: PlannedRun;
  /** The rendered example stacks, for where their Secrets live. */
  stacks: Record<"dev" | "pipalhub", PlanRecorder>;
}

async function renderPlans(): Promise<Plans> {
  const dev = await runProgramUnderMocks("dev", stackFileConfig("dev"));
  // The DOKS workshop fixture (the pipalhub example now runs without a database server).
  const pipalhub = await runProgramUnderMocks("pipalhub", fixtureStackConfig("doks-workshop"));
  // Cloud SQL and an external server, rendered alone with a Kubernetes provider of their own.
  const componentPlan = await installMockRuntime({ stack: "components" });
  const k8s = await import("@pulumi/kubernetes");
  const { CloudSqlPostgres } = await import("../components/database/cloudsql");
  const { ExternalPostgres } = await import("../components/database/external");
  const provider = new k8s.Provider("acme-k8s", {});
  new CloudSqlPostgres("acme-database", {
    tenant: "acme",
    project: "acme-project",
    region: "europe-west1",
    network: pulumi.output("projects/acme-project/global/networks/acme-network"),
    version: "POSTGRES_16",
    tier: "db-g1-small",
    diskSizeGb: 10,
    highAvailability: false,
    protect: false,
    labels: {},
    kubernetesProvider: provider,
  });
  new ExternalPostgres(
    "shared-database",
    {
      tenant: "acme",
      host: "postgres.example.org",
      port: 5432,
      sslMode: "require",
      admin: { user: "rds_admin", password: pulumi.secret("not-this-one") },
    },
    { providers: [provider] },
  );
  await settle();
  return {
    incluster: startupProbeRun(dev.plan),
    digitalocean: adminJobRun(pipalhub.plan, "pipalhub-database"),
    cloudsql: adminJobRun(componentPlan, "acme-database"),
    external: adminJobRun(componentPlan, "shared-database"),
    stacks: { dev: dev.plan, pipalhub: pipalhub.plan },
  };
}

let server: TestServer;
let plans: Plans;
const passwords: Record<string, string> = {};
const password = (role: string) => (passwords[role] ??= randomBytes(12).toString("hex"));

beforeAll(async () => {
  // The server initialises in its own processes while this one renders.
  [server, plans] = await Promise.all([startPostgres(), renderPlans()]);
});

afterAll(() => server?.stop());

/** Runs a planned command against the test server; the ConfigMap's files go to a folder standing in for the mount. */
function runPlanned(
  run: PlannedRun,
  substitutions: { variables?: Record<string, string>; env?: Record<string, string> },
): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-mount-"));
  try {
    for (const [file, text] of Object.entries(run.files)) fs.writeFileSync(path.join(dir, file), text);
    // Kubernetes expands $(NAME) in a command from the container's environment (here: the Secret's values).
    const argv = run.command.map((arg) =>
      arg.startsWith(`${run.mountPath}/`)
        ? path.join(dir, arg.slice(run.mountPath.length + 1))
        : arg.replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => substitutions.variables?.[name] ?? `$(${name})`),
    );
    const result = spawnSync(argv[0]!, argv.slice(1), {
      encoding: "utf8",
      // The server's psql, pg_isready first on PATH, as in the image.
      env: { ...process.env, PATH: `${server.bin}:${process.env.PATH ?? ""}`, PGPORT: String(server.port), ...substitutions.env },
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function url(user: string, database: string): string {
  return `postgresql://${user}:${password(user)}@127.0.0.1:${server.port}/${database}?sslmode=disable`;
}

async function superuserEach(statements: string[]): Promise<void> {
  for (const statement of statements) await server.asSuperuser(statement);
}

const PROBE_ROLES = LOGINS.map((l) => `probe_role_${l}`);

async function resetServer(): Promise<void> {
  await superuserEach([
    ...["hub", "explore", "acme_hub", "acme_explore", "defaultdb"].map((db) => `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`),
    ...["hub", "explore", "acme_hub", "acme_explore", "hubfleet_admin", "doadmin", "cloudsqlsuperuser", "rds_admin", ...PROBE_ROLES].map(
      (role) => `DROP ROLE IF EXISTS ${role}`,
    ),
  ]);
}

/** The documented starting states, as each service leaves them before hubfleet's SQL runs. */
const STARTING_STATES: Record<Kind, () => string[]> = {
  // The image's bootstrap superuser and its postgres database; the script makes the rest.
  incluster: () => [],
  // API users: LOGIN, CREATEROLE, CREATEDB, members of cloudsqlsuperuser; API databases owned by cloudsqlsuperuser.
  cloudsql: () => [
    "CREATE ROLE cloudsqlsuperuser NOLOGIN CREATEROLE CREATEDB",
    ...["hubfleet_admin", ...LOGINS].map(
      (role) => `CREATE ROLE ${role} LOGIN CREATEROLE CREATEDB PASSWORD '${password(role)}' IN ROLE cloudsqlsuperuser`,
    ),
    "CREATE DATABASE hub OWNER cloudsqlsuperuser",
    "CREATE DATABASE explore OWNER cloudsqlsuperuser",
  ],
  // doadmin: not a superuser, CREATEDB and CREATEROLE, owns defaultdb and the databases the API makes; API users are plain logins.
  digitalocean: () => [
    `CREATE ROLE doadmin LOGIN CREATEDB CREATEROLE PASSWORD '${password("doadmin")}'`,
    "CREATE DATABASE defaultdb OWNER doadmin",
    "CREATE DATABASE hub OWNER doadmin",
    "CREATE DATABASE explore OWNER doadmin",
    ...LOGINS.map((role) => `CREATE ROLE ${role} LOGIN PASSWORD '${password(role)}'`),
  ],
  // A server the estate does not own: an admin role with CREATEROLE and CREATEDB (such as RDS's master user), nothing else yet.
  external: () => [`CREATE ROLE rds_admin LOGIN CREATEDB CREATEROLE PASSWORD '${password("rds_admin")}'`],
};

const NAMES: Record<Kind, Names> = { incluster: PLAIN_NAMES, cloudsql: PLAIN_NAMES, digitalocean: PLAIN_NAMES, external: EXTERNAL_NAMES };

/** How each kind's planned command is run: the admin URL the Secret would hold, or the probe's environment. */
function runKind(kind: Kind, run: PlannedRun = plans[kind]) {
  if (kind === "incluster") {
    return runPlanned(run, {
      env: { PGHOST: server.socketDir, HUB_DB_PASSWORD: password("hub"), EXPLORE_DB_PASSWORD: password("explore") },
    });
  }
  if (kind === "external") {
    return runPlanned(run, {
      variables: {
        ADMIN_URL: url("rds_admin", "postgres"),
        ACME_HUB_PASSWORD: password("acme_hub"),
        ACME_EXPLORE_PASSWORD: password("acme_explore"),
      },
    });
  }
  return runPlanned(run, {
    variables: { ADMIN_URL: kind === "cloudsql" ? url("hubfleet_admin", "postgres") : url("doadmin", "defaultdb") },
  });
}

async function connectAs(names: Names, login: Login, database: Login): Promise<Client | undefined> {
  const role = names[login].role;
  const client = new Client({
    host: "127.0.0.1",
    port: server.port,
    user: role,
    password: password(role),
    database: names[database].database,
  });
  try {
    await client.connect();
    return client;
  } catch {
    return undefined;
  }
}

async function succeeds(client: Client | undefined, sql: string): Promise<boolean> {
  if (!client) return false;
  try {
    await client.query(sql);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the client may create databases, without copying one: PostgreSQL checks
 * the CREATEDB privilege before it looks the template up, so a missing template
 * answers "allowed" and a refusal answers "not allowed".
 */
async function mayCreateDatabase(client: Client | undefined): Promise<boolean> {
  if (!client) return false;
  try {
    await client.query("CREATE DATABASE probe_db TEMPLATE hubfleet_no_such_template");
    throw new Error("a database was created from a template that does not exist");
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "42501") return false; // insufficient_privilege
    if (code === "3D000") return true; // invalid_catalog_name: the template, looked up after the privilege check
    throw error;
  }
}

/** Each login's own table, with a row, for the read and write probes. */
async function seedTables(names: Names): Promise<void> {
  for (const login of LOGINS) {
    const client = await connectAs(names, login, login);
    if (!client) throw new Error(`${login} cannot connect to its own database`);
    await client.query("CREATE TABLE IF NOT EXISTS public.secrets (value text); INSERT INTO public.secrets VALUES ('only for its owner')");
    await client.end();
  }
}

/** What each login can really do, probed over TCP with its password. */
async function isolationMatrix(names: Names): Promise<Record<string, boolean>> {
  const matrix: Record<string, boolean> = {};
  for (const login of LOGINS) {
    const other = LOGINS.find((l) => l !== login)!;
    const [role, otherRole] = [names[login].role, names[other].role];
    for (const database of LOGINS) {
      const client = await connectAs(names, login, database);
      matrix[`${login} connects to ${database}`] = client !== undefined;
      matrix[`${login} creates a table in ${database}`] = await succeeds(
        client,
        `CREATE TABLE public.probe_${login} (x int); DROP TABLE public.probe_${login}`,
      );
      matrix[`${login} creates a schema in ${database}`] = await succeeds(
        client,
        `CREATE SCHEMA probe_${login}; DROP SCHEMA probe_${login}`,
      );
      if (database === other) {
        matrix[`${login} reads ${other}'s table`] = await succeeds(client, "SELECT * FROM public.secrets");
        matrix[`${login} writes ${other}'s table`] = await succeeds(client, "INSERT INTO public.secrets VALUES ('written by another')");
      }
      await client?.end();
    }
    const own = await connectAs(names, login, login);
    matrix[`${login} creates a role`] = await succeeds(own, `CREATE ROLE probe_role_${login}`);
    matrix[`${login} creates a database`] = await mayCreateDatabase(own);
    // Undone at once: a membership left behind would refuse the other login's reverse grant as circular.
    matrix[`${login} grants itself ${other}`] = await succeeds(own, `GRANT ${otherRole} TO ${role}; REVOKE ${otherRole} FROM ${role}`);
    matrix[`${login} sets role ${other}`] = await succeeds(own, `SET ROLE ${otherRole}`);
    await own?.end();
    const admin = await server.superuser();
    const memberships = await admin.query("SELECT 1 FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member WHERE m.rolname = $1", [
      role,
    ]);
    await admin.end();
    matrix[`${login} is a member of a role`] = (memberships.rowCount ?? 0) > 0;
  }
  return matrix;
}

/** Isolated: each login in its own database, and nothing beyond it. */
const ISOLATED: Record<string, boolean> = Object.fromEntries(
  LOGINS.flatMap((login) => {
    const other = LOGINS.find((l) => l !== login)!;
    return [
      ...LOGINS.flatMap((database) => [
        [`${login} connects to ${database}`, database === login],
        [`${login} creates a table in ${database}`, database === login],
        [`${login} creates a schema in ${database}`, database === login],
      ]),
      [`${login} reads ${other}'s table`, false],
      [`${login} writes ${other}'s table`, false],
      [`${login} creates a role`, false],
      [`${login} creates a database`, false],
      [`${login} grants itself ${other}`, false],
      [`${login} sets role ${other}`, false],
      [`${login} is a member of a role`, false],
    ];
  }),
);

/** A server as it was left by a PostgreSQL 14 (or pg_upgrade from it): PUBLIC may create in `public`. */
async function pre15PublicSchemas(): Promise<void> {
  for (const database of LOGINS) await server.asSuperuser("GRANT CREATE ON SCHEMA public TO PUBLIC", database);
}

describe("the admin credential", () => {
  it.each(["dev", "pipalhub"] as const)("is nowhere a ServiceAccount of the %s tenant namespace can read", (stack) => {
    const plan = plans.stacks[stack];
    const namespaceOf = (r: RecordedResource) => (r.inputs.metadata as { namespace?: string }).namespace;
    const secrets = plan.ofType("kubernetes:core/v1:Secret");
    const adminSecrets = secrets.filter((r) => plan.byUrn(r.parent ?? "")?.type === "hubfleet:database:AdminJob");
    // DigitalOcean's doadmin URL sits in the admin namespace, beside nothing the chart runs and no RBAC.
    expect(adminSecrets.map(namespaceOf)).toEqual(stack === "pipalhub" ? [`${stack}-db-admin`] : []);
    expect(plan.resources.filter((r) => /rbac/.test(r.type) && namespaceOf(r) === `${stack}-db-admin`)).toEqual([]);
    // The tenant namespace holds the logins' own passwords, never a superuser's or an admin's.
    const tenantKeys = secrets.filter((r) => namespaceOf(r) === stack).flatMap((r) => Object.keys((r.inputs.stringData as object) ?? {}));
    expect(tenantKeys).not.toContain("POSTGRES_PASSWORD");
    expect(secrets.filter((r) => namespaceOf(r) === stack && adminSecrets.includes(r))).toEqual([]);
  });
});

/** Deliberately broken SQL: the hub database's REVOKE from PUBLIC left out, and optionally the self-checks too. */
const skipRevoke = (sql: string) => sql.replace('REVOKE ALL ON DATABASE "hub" FROM PUBLIC;\n', "");
const withoutChecks = (sql: string) => sql.replace(/DO \$check\$[\s\S]*?\$check\$;\n/g, "");
function mutated(run: PlannedRun, mutate: (sql: string) => string): PlannedRun {
  const sql = run.files["isolation.sql"]!;
  expect(mutate(sql), "the mutation changes the SQL").not.toEqual(sql);
  return { ...run, files: { ...run.files, "isolation.sql": mutate(sql) } };
}

describe.each(["incluster", "cloudsql", "digitalocean", "external"] as const)("database isolation on %s", (kind) => {
  it("starts from the service's documented state, which isolates nothing", async () => {
    await resetServer();
    await superuserEach(STARTING_STATES[kind]());
    if (kind === "incluster" || kind === "external") {
      // The script makes the logins and databases itself.
      const admin = await server.superuser();
      const existing = await admin.query("SELECT rolname FROM pg_roles WHERE rolname = ANY($1)", [LOGINS.map((l) => NAMES[kind][l].role)]);
      await admin.end();
      expect(existing.rows).toEqual([]);
      return;
    }
    await pre15PublicSchemas();
    const before = await isolationMatrix(NAMES[kind]);
    // Both kinds let explore into the hub's database (PUBLIC may connect); Cloud SQL's API users can do far more.
    expect(before["explore connects to hub"]).toBe(true);
    if (kind === "cloudsql") {
      expect(before).toMatchObject({
        "explore creates a schema in hub": true,
        "explore creates a role": true,
        "explore creates a database": true,
        "explore grants itself hub": true,
        "explore is a member of a role": true,
      });
    } else {
      expect(before["explore creates a table in hub"]).toBe(true);
    }
  });

  // A broken grant must fail a test: shown on the managed kinds, before the real SQL repairs the server.
  if (kind === "digitalocean") {
    it("fails the Job when a REVOKE is skipped: the SQL checks its own result", () => {
      const run = runKind(kind, mutated(plans[kind], skipRevoke));
      expect(run.status).not.toBe(0);
      expect(run.output).toContain("PUBLIC may still connect to hub");
    });
  }

  if (kind === "cloudsql") {
    it("fails the matrix when a REVOKE and the self-checks are both cut out", async () => {
      const run = runKind(
        kind,
        mutated(plans[kind], (sql) => withoutChecks(skipRevoke(sql))),
      );
      expect(run.status, run.output).toBe(0);
      const matrix = await isolationMatrix(NAMES[kind]);
      expect(matrix).not.toEqual(ISOLATED);
      expect(matrix["explore connects to hub"]).toBe(true);
    });
  }

  it("runs the plan's SQL to completion, and again: it is idempotent", () => {
    const first = runKind(kind);
    expect(first.status, first.output).toBe(0);
    const second = runKind(kind);
    expect(second.status, second.output).toBe(0);
  });

  it("leaves each login in its own database, with no way into the other's or beyond", async () => {
    await seedTables(NAMES[kind]);
    expect(await isolationMatrix(NAMES[kind])).toEqual(ISOLATED);
  });
});
