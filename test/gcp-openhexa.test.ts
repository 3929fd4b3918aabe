import { beforeAll, describe, expect, it } from "vitest";
import { settle, type PlanRecorder, type RecordedResource } from "../scripts/render/mock-runtime";
import { chartFilesPresent, chartSchemaErrors, SKIP_REASON } from "./support/chart-schema";
import { fixtureStackConfig, runProgramUnderMocks } from "./support/program";

let plan: PlanRecorder;
let outputs: Record<string, unknown>;
let openhexa: RecordedResource[];
let scratch: RecordedResource[];

const RELEASE = "kubernetes:helm.sh/v3:Release";
const POOL = "gcp:container/nodePool:NodePool";

beforeAll(async () => {
  ({ plan, outputs } = await runProgramUnderMocks("openhexa", fixtureStackConfig("gke-cloudsql")));
  openhexa = [...plan.resources];
  // The same estate as a disposable tenant, in the same runtime: every name is prefixed by the tenant.
  const raw = fixtureStackConfig("gke-cloudsql");
  const { runProgram } = await import("../stacks/program");
  runProgram({ ...raw, values: { ...raw.values, tenant: { name: "scratch", protection: "disposable" } } });
  await settle();
  scratch = plan.resources.slice(openhexa.length);
});

const inOpenhexa = (type: string, suffix = "") => {
  const found = openhexa.filter((r) => r.type === type && r.name.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} *${suffix}, found ${found.map((r) => r.name).join(", ")}`);
  return found[0]!;
};
const values = () => inOpenhexa(RELEASE).inputs.values as Record<string, Record<string, unknown>>;

describe("the OpenHexa-like stack", () => {
  it("builds a zonal GKE cluster with a system pool, a user pool from zero and a GPU pool", () => {
    expect(inOpenhexa("gcp:container/cluster:Cluster").inputs).toMatchObject({
      name: "openhexa-cluster",
      location: "europe-west1-b",
      project: "openhexa-notebooks",
    });
    const pools = openhexa.filter((r) => r.type === POOL);
    expect(pools.map((p) => p.name).sort()).toEqual(["openhexa-cluster-gpu-users", "openhexa-cluster-system", "openhexa-cluster-users"]);
    const users = inOpenhexa(POOL, "cluster-users").inputs as { nodeConfig: Record<string, unknown>; autoscaling: Record<string, unknown> };
    expect(users.nodeConfig).toMatchObject({
      machineType: "e2-highmem-2",
      labels: { "hub.jupyter.org/node-purpose": "user" },
      taints: [{ key: "hub.jupyter.org_dedicated", value: "user", effect: "NO_SCHEDULE" }],
    });
    expect(users.autoscaling).toMatchObject({ totalMinNodeCount: 0, totalMaxNodeCount: 10 });
  });

  it("creates every gcp resource through the stack's one explicit gcp provider", () => {
    const providers = openhexa.filter((r) => r.type === "pulumi:providers:gcp");
    expect(providers).toHaveLength(1);
    expect(providers[0]!.inputs).toMatchObject({
      project: "openhexa-notebooks",
      region: "europe-west1",
      defaultLabels: JSON.stringify({ team: "openhexa", "managed-by": "hubfleet", "hubfleet-tenant": "openhexa" }),
    });
    for (const resource of openhexa.filter((r) => r.type.startsWith("gcp:")))
      expect(resource.provider, resource.name).toBe(providers[0]!.urn);
  });

  it("runs Cloud SQL on a private IP with the hub and explore databases and users", () => {
    const instance = inOpenhexa("gcp:sql/databaseInstance:DatabaseInstance");
    expect(instance.inputs.settings).toMatchObject({
      tier: "db-g1-small",
      ipConfiguration: { ipv4Enabled: false, sslMode: "ENCRYPTED_ONLY" },
    });
    expect(
      openhexa
        .filter((r) => r.type === "gcp:sql/database:Database")
        .map((d) => d.inputs.name)
        .sort(),
    ).toEqual(["explore", "hub"]);
    // The two logins, and the admin the isolation Job connects as (test/database-isolation.test.ts checks what it does).
    expect(
      openhexa
        .filter((r) => r.type === "gcp:sql/user:User")
        .map((u) => [u.inputs.name, u.inputs.password])
        .sort(),
    ).toEqual([
      ["explore", "[secret]"],
      ["hub", "[secret]"],
      ["hubfleet_admin", "[secret]"],
    ]);
    expect(instance.dependencies).toContain(inOpenhexa("gcp:servicenetworking/connection:Connection").urn);
  });

  it("reserves a regional address and writes the A and CAA records", () => {
    expect(inOpenhexa("gcp:compute/address:Address").inputs).toMatchObject({ region: "europe-west1", addressType: "EXTERNAL" });
    const records = openhexa.filter((r) => r.type === "gcp:dns/recordSet:RecordSet");
    expect(records.map((r) => [r.inputs.type, r.inputs.name, r.inputs.managedZone]).sort()).toEqual([
      ["A", "notebooks.openhexa.example.org.", "openhexa-example-org"],
      ["CAA", "notebooks.openhexa.example.org.", "openhexa-example-org"],
    ]);
  });

  it("installs the hub only after the address, both records and the system pool exist; user pools finish alongside", () => {
    const release = inOpenhexa(RELEASE);
    expect(release.dependencies).toEqual(
      expect.arrayContaining([
        inOpenhexa("gcp:compute/address:Address").urn,
        inOpenhexa("gcp:dns/recordSet:RecordSet", "endpoint-a-record").urn,
        inOpenhexa("gcp:dns/recordSet:RecordSet", "caa-record").urn,
        inOpenhexa(POOL, "cluster-system").urn,
      ]),
    );
    expect(release.dependencies).not.toContain(inOpenhexa(POOL, "cluster-users").urn);
    expect(inOpenhexa("kubernetes:core/v1:Namespace", "openhexa-namespace").dependencies).not.toContain(
      inOpenhexa(POOL, "cluster-users").urn,
    );
  });

  it("gives the proxy the reserved IP and serves https for the host name", () => {
    expect(values().proxy).toMatchObject({
      service: { type: "LoadBalancer", loadBalancerIP: "<openhexa-endpoint-address.address>" },
      https: { enabled: true, type: "letsencrypt", hosts: ["notebooks.openhexa.example.org"] },
    });
  });

  it("schedules user pods on the user pool (its taint tolerated, its label required) and chart services off it", () => {
    const scheduling = values().scheduling as Record<string, { tolerations?: unknown; nodeAffinity?: unknown }>;
    expect(scheduling.userPods).toEqual({
      tolerations: [{ key: "hub.jupyter.org_dedicated", operator: "Equal", value: "user", effect: "NoSchedule" }],
      nodeAffinity: { matchNodePurpose: "require" },
    });
    expect(scheduling.corePods).toEqual({ tolerations: [], nodeAffinity: { matchNodePurpose: "require" } });
  });

  it("offers the GPU pool as a profile", () => {
    const profiles = (values().singleuser as { profileList: { display_name: string; kubespawner_override?: Record<string, unknown> }[] })
      .profileList;
    const gpu = profiles.find((p) => p.display_name === "GPU")!;
    expect(gpu.kubespawner_override).toMatchObject({
      extra_resource_limits: { "nvidia.com/gpu": "1" },
      node_selector: { "hubfleet.io/gpu": "true" },
    });
    const gpuNodes = inOpenhexa(POOL, "gpu-users").inputs.nodeConfig as { labels: Record<string, string> };
    expect(gpuNodes.labels["hubfleet.io/gpu"]).toBe("true");
  });

  it.skipIf(!chartFilesPresent)("passes the chart's schema", () => {
    expect(chartSchemaErrors(values()), SKIP_REASON).toEqual([]);
  });

  it("protects the production database and cluster", () => {
    expect(
      openhexa
        .filter((r) => r.protect)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["openhexa-cluster-cluster", "openhexa-database-instance"]);
    expect(inOpenhexa("gcp:sql/databaseInstance:DatabaseInstance").inputs.deletionProtection).toBe(true);
    expect(inOpenhexa("gcp:container/cluster:Cluster").inputs.deletionProtection).toBe(true);
  });

  it("exports the cluster's facts with the kubeconfig as a secret", () => {
    expect(outputs).toMatchObject({
      kubeconfig: "[secret]",
      clusterName: "openhexa-cluster",
      hubUrl: "https://notebooks.openhexa.example.org/",
    });
  });
});

describe("the same estate as a disposable tenant", () => {
  it("protects nothing, so that `pulumi destroy` completes", () => {
    expect(scratch.length).toBeGreaterThan(20);
    expect(scratch.filter((r) => r.protect)).toEqual([]);
    const instance = scratch.find((r) => r.type === "gcp:sql/databaseInstance:DatabaseInstance")!;
    expect(instance.inputs.deletionProtection).toBe(false);
    expect((instance.inputs.settings as Record<string, unknown>).deletionProtectionEnabled).toBe(false);
    expect(scratch.find((r) => r.type === "gcp:container/cluster:Cluster")!.inputs.deletionProtection).toBe(false);
  });
});

describe("every plan", () => {
  it("opens no database to 0.0.0.0/0 and holds no service-account key", () => {
    // (No open range anywhere: test/plan-invariants.test.ts checks every rendered plan.)
    expect(plan.ofType("gcp:serviceaccount/key:Key")).toEqual([]);
    for (const instance of plan.ofType("gcp:sql/databaseInstance:DatabaseInstance")) {
      const ip = (instance.inputs.settings as { ipConfiguration: Record<string, unknown> }).ipConfiguration;
      expect(ip.ipv4Enabled).toBe(false);
      expect(ip).not.toHaveProperty("authorizedNetworks");
    }
  });
});
