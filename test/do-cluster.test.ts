import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, resolveOutputs, settle, type PlanRecorder } from "../scripts/render/mock-runtime";
import { DOKS_SIZE_PRESETS, doksSizeProblem, dropletMemoryGb, resolveDropletSize } from "../components/cluster/doks-sizes";
import { deepMerge, LOCAL_TENANT, problemsOf } from "./support/configs";

type Doks = typeof import("../components/cluster/doks");

const CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster";
const POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool";
const VPC = "digitalocean:index/vpc:Vpc";

let plan: PlanRecorder;
let doks: Doks;
let production: InstanceType<Doks["DoksCluster"]>;

const args = (overrides: Partial<Parameters<Doks["doksClusterProblems"]>[0]> = {}): Parameters<Doks["doksClusterProblems"]>[0] => ({
  tenant: "acme",
  region: "blr1",
  version: "1.36",
  maintenance: { day: "sunday", startTime: "20:00" },
  highAvailability: true,
  protect: true,
  destroyAssociatedResources: false,
  systemPool: { size: "medium", minNodes: 1, maxNodes: 3 },
  userPool: { size: "2xlarge", minNodes: 0, maxNodes: 8 },
  tags: ["hubfleet", "hubfleet-tenant-acme"],
  ...overrides,
});

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  doks = await import("../components/cluster/doks");
  production = new doks.DoksCluster("acme-cluster", args());
  new doks.DoksCluster("scratch-cluster", args({ tenant: "scratch", highAvailability: false, destroyAssociatedResources: true }));
  await settle();
});

describe("the DOKS cluster", () => {
  it("lives in its own VPC in the configured region", () => {
    const vpc = plan.one(VPC, "acme-cluster-vpc");
    expect(vpc.inputs).toMatchObject({ name: "acme-vpc", region: "blr1" });
    const cluster = plan.one(CLUSTER, "acme-cluster-cluster");
    expect(cluster.inputs).toMatchObject({ region: "blr1", vpcUuid: "acme-cluster-vpc-id" });
    expect(cluster.dependencies).toContain(vpc.urn);
  });

  it("upgrades itself inside a maintenance window, with surge upgrades", () => {
    expect(plan.one(CLUSTER, "acme-cluster-cluster").inputs).toMatchObject({
      autoUpgrade: true,
      surgeUpgrade: true,
      maintenancePolicy: { day: "sunday", startTime: "20:00" },
    });
  });

  it("runs the newest patch of the configured minor version", () => {
    expect(plan.one(CLUSTER, "acme-cluster-cluster").inputs.version).toBe("<newest DOKS 1.36.x>");
    expect(doks.doksVersionPrefix("1.36")).toBe("1.36.");
  });

  it("has a highly available control plane only when asked (production tenants)", () => {
    expect(plan.one(CLUSTER, "acme-cluster-cluster").inputs.ha).toBe(true);
    expect(plan.one(CLUSTER, "scratch-cluster-cluster").inputs.ha).toBe(false);
  });

  it("destroys the load balancers and volumes Kubernetes made only for a disposable tenant", () => {
    expect(plan.one(CLUSTER, "scratch-cluster-cluster").inputs.destroyAllAssociatedResources).toBe(true);
    expect(plan.one(CLUSTER, "acme-cluster-cluster").inputs.destroyAllAssociatedResources).toBe(false);
  });

  it("makes the default pool the autoscaled system pool, labelled core and untainted", () => {
    expect(plan.one(CLUSTER, "acme-cluster-cluster").inputs.nodePool).toEqual({
      name: "acme-system",
      size: "s-1vcpu-2gb",
      autoScale: true,
      minNodes: 1,
      maxNodes: 3,
      labels: { "hub.jupyter.org/node-purpose": "core" },
      tags: ["hubfleet", "hubfleet-tenant-acme"],
    });
  });

  it("gives users their own pool: labelled user, tainted with DigitalOcean's NoSchedule spelling, autoscaled from zero", () => {
    const users = plan.one(POOL, "acme-cluster-users");
    expect(users.inputs).toEqual({
      clusterId: "acme-cluster-cluster-id",
      name: "acme-users",
      size: "s-4vcpu-8gb",
      autoScale: true,
      minNodes: 0,
      maxNodes: 8,
      labels: { "hub.jupyter.org/node-purpose": "user" },
      taints: [{ key: "hub.jupyter.org_dedicated", value: "user", effect: "NoSchedule" }],
      tags: ["hubfleet", "hubfleet-tenant-acme"],
    });
    // No node count: a `pulumi up` must never reset what the autoscaler chose.
    expect(users.inputs).not.toHaveProperty("nodeCount");
  });

  it("places the hub's pods as on GKE: users on the tainted pool, services on the system pool", () => {
    expect(production.scheduling.user).toEqual({
      matchNodePurpose: "require",
      nodeSelector: {},
      tolerations: [{ key: "hub.jupyter.org_dedicated", operator: "Equal", value: "user", effect: "NoSchedule" }],
    });
    expect(production.scheduling.core.matchNodePurpose).toBe("require");
    expect(production.cloud).toBe("digitalocean");
  });

  it("reaches Kubernetes with the cluster's kubeconfig, a secret, and waits for both pools", async () => {
    const provider = plan.one("pulumi:providers:kubernetes", "acme-cluster-kubernetes");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    expect(provider.dependencies).toContain(plan.one(CLUSTER, "acme-cluster-cluster").urn);
    expect(await resolveOutputs(production.kubeconfig)).toBe("[secret]");
    expect(production.systemReady.map((r) => r)).toHaveLength(1);
    expect(production.userPools).toHaveLength(1);
  });

  it("writes a kubeconfig that authenticates through doctl, holding no credential that expires", async () => {
    const kubeconfig = await new Promise<string>((resolve) => production.kubeconfig.apply(resolve));
    const config = JSON.parse(kubeconfig) as {
      clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
      users: { user: { exec: { command: string; args: string[]; apiVersion: string } } }[];
    };
    expect(config.clusters[0]!.cluster).toEqual({
      server: "<acme-cluster-cluster.endpoint>",
      "certificate-authority-data": "<acme-cluster-cluster.kubeConfigs[0].clusterCaCertificate>",
    });
    expect(config.users[0]!.user.exec).toEqual({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "doctl",
      args: ["kubernetes", "cluster", "kubeconfig", "exec-credential", "--version=v1beta1", "acme-cluster-cluster-id"],
      installHint: expect.stringContaining("DIGITALOCEAN_ACCESS_TOKEN"),
    });
    expect(kubeconfig).not.toMatch(/token"|rawConfig|client-key/);
  });

  it("tags the cluster and its pools with the owner", () => {
    expect(plan.one(CLUSTER, "acme-cluster-cluster").inputs.tags).toEqual(["hubfleet", "hubfleet-tenant-acme"]);
  });
});

describe("the DOKS cluster's validator", () => {
  it("accepts sound args", () => {
    expect(doks.doksClusterProblems(args())).toEqual([]);
  });

  it("names every problem", () => {
    const problems = doks.doksClusterProblems(
      args({
        version: "1.33.1",
        maintenance: { day: "monday", startTime: "25:00" },
        systemPool: { size: "small", minNodes: 0, maxNodes: 2 },
        userPool: { size: "enormous", minNodes: 4, maxNodes: 2 },
      }),
    );
    expect(problems).toHaveLength(6);
    expect(problems.map((p) => p.arg).sort()).toEqual(
      ["maintenance.startTime", "systemPool.minNodes", "systemPool.size", "userPool.minNodes", "userPool.size", "version"].sort(),
    );
    const text = problems.map((p) => `${p.arg}: ${p.message}`).join("\n");
    expect(text).toMatch(/version: 1\.33\.1/);
    expect(text).toMatch(/25:00/);
    expect(doks.doksClusterProblems(args({ maintenance: { day: "monday", startTime: "20:30" } }))).toEqual([
      { arg: "maintenance.startTime", message: expect.stringMatching(/20:30 is not a whole hour/) },
    ]);
    expect(text).toMatch(/systemPool\.size: small \(s-1vcpu-1gb\) has 1 GB/);
    expect(text).toMatch(/userPool\.size: enormous is neither a preset/);
    expect(text).toMatch(/userPool\.minNodes: 4 exceeds maxNodes \(2\)/);
    expect(text).toMatch(/systemPool\.minNodes: must be at least 1 on DOKS/);
  });

  it("keeps DigitalOcean's taint effect spelling (GKE's would be NO_SCHEDULE)", () => {
    expect(doks.doksTaint({ key: "k", value: "v", effect: "NoSchedule" })).toEqual({ key: "k", value: "v", effect: "NoSchedule" });
  });
});

describe("node sizes", () => {
  it("keeps PipalHub's presets as PipalHub defined them", () => {
    expect(DOKS_SIZE_PRESETS).toMatchObject({ small: "s-1vcpu-1gb", medium: "s-1vcpu-2gb", large: "s-2vcpu-2gb" });
  });

  it("resolves workshop presets and passes slugs through", () => {
    expect(resolveDropletSize("2xlarge")).toBe("s-4vcpu-8gb");
    expect(resolveDropletSize("highmem")).toBe("m-2vcpu-16gb");
    expect(resolveDropletSize("s-8vcpu-16gb-amd")).toBe("s-8vcpu-16gb-amd");
    expect(resolveDropletSize("c-8")).toBe("c-8");
    expect(resolveDropletSize("so1_5-2vcpu-16gb")).toBe("so1_5-2vcpu-16gb");
    expect(resolveDropletSize("huge")).toBeUndefined();
  });

  it("reads memory from a slug", () => {
    expect(dropletMemoryGb("s-1vcpu-1gb")).toBe(1);
    expect(dropletMemoryGb("s-1vcpu-512mb-10gb")).toBe(0.5);
    expect(dropletMemoryGb("s-2vcpu-4gb-amd")).toBe(4);
    expect(dropletMemoryGb("c-4")).toBe(8);
    expect(dropletMemoryGb("gpu-h100x1")).toBeUndefined();
  });

  it("refuses nodes under 2 GB and accepts every other preset", () => {
    expect(doksSizeProblem("small")).toMatch(/at least 2 GB/);
    expect(doksSizeProblem("s-1vcpu-512mb-10gb")).toMatch(/at least 2 GB/);
    for (const preset of Object.keys(DOKS_SIZE_PRESETS).filter((p) => p !== "small"))
      expect(doksSizeProblem(preset), preset).toBeUndefined();
  });

  it("is a keyed config error for a doks tenant, and no concern of other kinds", () => {
    const doksTenant = deepMerge(LOCAL_TENANT, {
      cluster: { kind: "doks", doks: { systemSize: "small", userSize: "tiny" } },
      digitalocean: { region: "blr1" },
      endpoint: { hostname: "hub.acme.org", letsencryptEmail: "ops@acme.org" },
      hub: { auth: { kind: "github", clientId: "x", clientSecret: "s", admins: [] } },
    });
    const problems = problemsOf(doksTenant, ["hub.auth.clientSecret"]);
    expect(problems).toContainEqual(expect.stringMatching(/^hubfleet:cluster\.doks\.systemSize: small \(s-1vcpu-1gb\) has 1 GB/));
    expect(problems).toContainEqual(expect.stringMatching(/^hubfleet:cluster\.doks\.userSize: tiny is neither a preset/));
    expect(problemsOf(deepMerge(LOCAL_TENANT, { cluster: { doks: { systemSize: "small" } } }))).toEqual([]);
  });
});
