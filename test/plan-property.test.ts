/**
 * Over every cluster, database and storage kind, with edge values for sizes, zones,
 * pools and names: a config either fails with keyed problems and registers nothing,
 * or builds without any error. The configs a new user met in issue 9 are fixed cases.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, settle, type PlanRecorder } from "../scripts/render/mock-runtime";
import { ConfigError } from "../stacks/config/load";
import { clusterKinds, databaseKinds, storageKinds } from "../stacks/kinds/capabilities";
import { problemsOf, type RawValues } from "./support/configs";

let recorder: PlanRecorder;
let runProgram: typeof import("../stacks/program").runProgram;

beforeAll(async () => {
  recorder = await installMockRuntime({ stack: "property" });
  ({ runProgram } = await import("../stacks/program"));
});

const SECURE = ["hub.auth.clientSecret"];

/** Mostly a valid value, sometimes an edge or a wrong one: both outcomes of the property occur. */
const mostly = <T>(valid: readonly T[], edges: readonly T[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.constantFrom(...edges) });

/** A config of every kind, each key from a small set of valid, edge and wrong values. */
const configs = fc.record({
  name: mostly(["a", "acme", "x".repeat(24)], ["x".repeat(25), "Acme", "acme-"]),
  clusterKind: fc.constantFrom(...clusterKinds),
  databaseKind: mostly([undefined], databaseKinds),
  storageKind: mostly([undefined, "none"], storageKinds),
  systemPool: mostly(
    [
      { minNodes: 1, maxNodes: 4 },
      { minNodes: 3, maxNodes: 4 },
    ],
    [
      { minNodes: 0, maxNodes: 1 },
      { minNodes: 3, maxNodes: 1 },
      { minNodes: 1, maxNodes: 1000 },
    ],
  ),
  userPool: mostly(
    [
      { minNodes: 0, maxNodes: 3 },
      { minNodes: 2, maxNodes: 100 },
    ],
    [{ minNodes: 5, maxNodes: 3 }],
  ),
  zone: mostly([undefined, "europe-west1-b"], ["us-east1-b"]),
  tier: mostly(["db-g1-small", "db-custom-1-3840"], ["db-perf-optimized-N-2"]),
  doSize: mostly(["db-s-1vcpu-1gb", "gd-2vcpu-8gb", "so1_5-2vcpu-16gb", "m-2vcpu-16gb"], ["s-1vcpu-1gb"]),
  doksSystemSize: mostly(["medium", "s-2vcpu-4gb"], ["small", "enormous"]),
  hostname: mostly([true], [false]),
  login: mostly(["github"], ["dummy"]),
});

type Drawn = typeof configs extends fc.Arbitrary<infer T> ? T : never;

function raw(c: Drawn): RawValues {
  return {
    tenant: { name: c.name, protection: "disposable" },
    cluster: {
      kind: c.clusterKind,
      systemPool: c.systemPool,
      userPool: c.userPool,
      local: { context: "kind-hubfleet" },
      gke: c.zone ? { zone: c.zone } : {},
      doks: { systemSize: c.doksSystemSize },
      shared: { stack: "organization/hubfleet/fleet", ownUserPool: true },
    },
    // A shared-cluster tenant takes project and region from its cluster stack (stating others fails at preview).
    ...(c.clusterKind === "shared" ? {} : { gcp: { project: "acme-platform", region: "europe-west1" } }),
    digitalocean: { region: "blr1" },
    aws: { region: "eu-west-1" },
    database: { ...(c.databaseKind ? { kind: c.databaseKind } : {}), cloudsql: { tier: c.tier }, digitalocean: { size: c.doSize } },
    storage: c.storageKind ? { kind: c.storageKind } : {},
    endpoint: c.hostname ? { hostname: "hub.acme.org", letsencryptEmail: "ops@acme.org" } : {},
    hub: {
      auth:
        c.login === "dummy" ? { kind: "dummy", admins: ["ada"] } : { kind: "github", clientId: "id", clientSecret: "s", admins: ["ada"] },
    },
  };
}

/** Runs the real program under the mocks: the ConfigError it throws, or undefined after building. */
async function build(values: RawValues): Promise<{ error?: unknown; registered: number }> {
  const before = recorder.resources.length;
  let error: unknown;
  try {
    runProgram({ values, securePaths: new Set(SECURE) });
  } catch (caught) {
    error = caught;
  }
  await settle();
  return { error, registered: recorder.resources.length - before };
}

describe("every kind, with edge values", () => {
  it("either fails with keyed problems and registers nothing, or builds without an error", async () => {
    const outcomes = { refused: 0, built: 0 };
    await fc.assert(
      fc.asyncProperty(configs, async (drawn) => {
        const values = raw(drawn);
        const problems = problemsOf(values, SECURE);
        const { error, registered } = await build(values);
        if (problems.length > 0) {
          for (const problem of problems) expect(problem).toMatch(/^hubfleet:[A-Za-z][\w.[\]"-]*: \S/);
          expect(error).toBeInstanceOf(ConfigError);
          expect(registered).toBe(0);
          outcomes.refused++;
        } else {
          expect(error).toBeUndefined();
          expect(registered).toBeGreaterThan(0);
          outcomes.built++;
        }
      }),
      { numRuns: 40, seed: 20261125 },
    );
    // Both sides of the property were exercised.
    expect(outcomes.refused).toBeGreaterThan(5);
    expect(outcomes.built).toBeGreaterThan(5);
  });
});

describe("the configs a new user met (issue 9)", () => {
  const gke = (cluster: RawValues, database: RawValues = {}): RawValues => ({
    ...raw({
      name: "acme",
      clusterKind: "gke",
      databaseKind: undefined,
      storageKind: undefined,
      systemPool: { minNodes: 1, maxNodes: 4 },
      userPool: { minNodes: 0, maxNodes: 3 },
      zone: undefined,
      tier: "db-g1-small",
      doSize: "db-s-1vcpu-1gb",
      doksSystemSize: "medium",
      hostname: true,
      login: "github",
    }),
    cluster: { kind: "gke", ...cluster },
    database,
  });
  const doks = (overrides: RawValues): RawValues => ({ ...gke({}), cluster: { kind: "doks", ...overrides } });

  it("refuses an Enterprise Plus Cloud SQL tier, keyed, before any resource", async () => {
    const values = gke({}, { cloudsql: { tier: "db-perf-optimized-N-2" } });
    expect(problemsOf(values, SECURE)).toEqual([
      expect.stringMatching(/^hubfleet:database\.cloudsql\.tier: db-perf-optimized-N-2 is not a Cloud SQL Enterprise tier/),
    ]);
    expect((await build(values)).registered).toBe(0);
  });

  it("refuses a GKE zone outside the region, keyed, before any resource", async () => {
    const values = gke({ gke: { zone: "us-east1-b" } });
    expect(problemsOf(values, SECURE)).toEqual([
      expect.stringMatching(/^hubfleet:cluster\.gke\.zone: us-east1-b is not in region europe-west1/),
    ]);
    expect((await build(values)).registered).toBe(0);
  });

  it("refuses a DOKS system pool of zero nodes, keyed, before any resource", async () => {
    const values = doks({ systemPool: { minNodes: 0 } });
    expect(problemsOf(values, SECURE)).toEqual([
      expect.stringMatching(/^hubfleet:cluster\.systemPool\.minNodes: must be at least 1 on DOKS/),
    ]);
    expect((await build(values)).registered).toBe(0);
  });

  it.each(["gd-2vcpu-8gb", "so1_5-2vcpu-16gb", "m-2vcpu-16gb"])("builds DigitalOcean's database size %s", async (size) => {
    const values = { ...doks({}), database: { digitalocean: { size } } };
    expect(problemsOf(values, SECURE)).toEqual([]);
    const { error, registered } = await build(values);
    expect(error).toBeUndefined();
    expect(
      recorder.resources
        .slice(-registered)
        .some((r) => r.type === "digitalocean:index/databaseCluster:DatabaseCluster" && r.inputs.size === size),
    ).toBe(true);
  });
});
