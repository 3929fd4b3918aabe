import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, settle, type PlanRecorder } from "../scripts/render/mock-runtime";
import type { GkeClusterArgs } from "../components/cluster/gke";

type Gke = typeof import("../components/cluster/gke");
type Network = typeof import("../components/network/gcp");
type NodePools = typeof import("../components/cluster/gke-node-pool");
type Scheduling = typeof import("../components/cluster/scheduling");

let plan: PlanRecorder;
let gke: Gke;
let network: Network;
let nodePools: NodePools;
let scheduling: Scheduling;
let dedicated: InstanceType<Gke["GkeCluster"]>;

const CLUSTER = "gcp:container/cluster:Cluster";
const POOL = "gcp:container/nodePool:NodePool";

const baseArgs: GkeClusterArgs = {
  tenant: "acme",
  project: "acme-project",
  region: "europe-west1",
  zone: "europe-west1-b",
  releaseChannel: "REGULAR",
  systemPool: { machineType: "e2-standard-2", minNodes: 1, maxNodes: 3 },
  userPool: { machineType: "e2-highmem-2", minNodes: 0, maxNodes: 10 },
  gpu: { acceleratorType: "nvidia-tesla-t4", acceleratorCount: 1, machineType: "n1-standard-4", maxNodes: 2 },
  diskSizeGb: 50,
  privateNodes: false,
  authorizedNetworks: [],
  network: { networkId: "acme-network-id", subnetworkId: "acme-subnetwork-id", egressReady: [] },
  protect: true,
  labels: { "managed-by": "hubfleet", "hubfleet-tenant": "acme" },
};

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  gke = await import("../components/cluster/gke");
  network = await import("../components/network/gcp");
  nodePools = await import("../components/cluster/gke-node-pool");
  scheduling = await import("../components/cluster/scheduling");
  const ownNetwork = (tenant: string, options: { cloudNat: boolean; privateServicesAccess: boolean }) => {
    const made = new network.GcpNetwork(tenant, { tenant, project: baseArgs.project, region: baseArgs.region, ...options });
    return { networkId: made.networkId, subnetworkId: made.subnetworkId, egressReady: made.egressReady };
  };
  dedicated = new gke.GkeCluster("acme", { ...baseArgs, network: ownNetwork("acme", { cloudNat: false, privateServicesAccess: true }) });
  // A disposable, regional, private cluster without GPUs or private services access.
  new gke.GkeCluster("scratch", {
    ...baseArgs,
    tenant: "scratch",
    zone: undefined,
    gpu: undefined,
    privateNodes: true,
    authorizedNetworks: ["203.0.113.0/24"],
    network: ownNetwork("scratch", { cloudNat: true, privateServicesAccess: false }),
    protect: false,
  });
  await settle();
});

const clusterInputs = (tenant = "acme") => plan.one(CLUSTER, `${tenant}-cluster`).inputs;
const pool = (suffix: string) =>
  plan.one(POOL, suffix).inputs as { nodeConfig: Record<string, unknown>; autoscaling: Record<string, unknown>; management: unknown };

describe("the GKE cluster's hardening", () => {
  it("removes the default node pool", () => {
    expect(clusterInputs()).toMatchObject({ removeDefaultNodePool: true, initialNodeCount: 1 });
  });

  it("turns on workload identity for the project's pool, and the GKE metadata server on every node", () => {
    expect(clusterInputs().workloadIdentityConfig).toEqual({ workloadPool: "acme-project.svc.id.goog" });
    for (const suffix of ["acme-system", "acme-users", "acme-gpu-users"]) {
      expect(pool(suffix).nodeConfig.workloadMetadataConfig).toEqual({ mode: "GKE_METADATA" });
    }
  });

  it("runs shielded nodes with secure boot and integrity monitoring", () => {
    expect(clusterInputs().enableShieldedNodes).toBe(true);
    for (const suffix of ["acme-system", "acme-users", "acme-gpu-users"]) {
      expect(pool(suffix).nodeConfig.shieldedInstanceConfig).toEqual({ enableSecureBoot: true, enableIntegrityMonitoring: true });
    }
  });

  it("runs nodes as a dedicated service account holding only the logging, monitoring and Artifact Registry reader roles", () => {
    const account = plan.one("gcp:serviceaccount/account:Account", "acme-nodes");
    expect(account.inputs).toMatchObject({ accountId: "acme-nodes", project: "acme-project" });
    const email = "acme-nodes@acme-project.iam.gserviceaccount.com";
    const members = plan.ofType("gcp:projects/iAMMember:IAMMember").filter((m) => m.name.startsWith("acme-"));
    expect(members.map((m) => m.inputs.role).sort()).toEqual([
      "roles/artifactregistry.reader",
      "roles/logging.logWriter",
      "roles/monitoring.metricWriter",
      "roles/monitoring.viewer",
      "roles/stackdriver.resourceMetadata.writer",
    ]);
    for (const member of members) expect(member.inputs).toMatchObject({ project: "acme-project", member: `serviceAccount:${email}` });
    // Members only: a project-wide binding would remove everyone else holding the role.
    expect(plan.ofType("gcp:projects/iAMBinding:IAMBinding")).toEqual([]);
    expect(plan.ofType("gcp:projects/iAMPolicy:IAMPolicy")).toEqual([]);
    for (const suffix of ["acme-system", "acme-users", "acme-gpu-users"]) expect(pool(suffix).nodeConfig.serviceAccount).toBe(email);
    expect((clusterInputs().nodeConfig as Record<string, unknown>).serviceAccount).toBe(email);
  });

  it("follows a release channel", () => {
    expect(clusterInputs().releaseChannel).toEqual({ channel: "REGULAR" });
  });

  it("enforces network policy with Dataplane V2", () => {
    expect(clusterInputs().datapathProvider).toBe("ADVANCED_DATAPATH");
  });

  it("keeps legacy ABAC off and issues no client certificate", () => {
    expect(clusterInputs().enableLegacyAbac).toBe(false);
    expect(clusterInputs().masterAuth).toEqual({ clientCertificateConfig: { issueClientCertificate: false } });
  });

  it("repairs and upgrades every pool automatically", () => {
    for (const suffix of ["acme-system", "acme-users", "acme-gpu-users"])
      expect(pool(suffix).management).toEqual({ autoRepair: true, autoUpgrade: true });
  });

  it("is VPC-native on its own network and subnetwork", () => {
    const subnetwork = plan.one("gcp:compute/subnetwork:Subnetwork", "acme-subnetwork").inputs;
    expect(subnetwork.secondaryIpRanges).toEqual([
      { rangeName: "pods", ipCidrRange: "10.16.0.0/14" },
      { rangeName: "services", ipCidrRange: "10.20.0.0/20" },
    ]);
    expect(plan.one("gcp:compute/network:Network", "acme-vpc").inputs.autoCreateSubnetworks).toBe(false);
    expect(clusterInputs()).toMatchObject({
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
    });
  });

  it("is zonal with a zone and regional without one", () => {
    expect(clusterInputs().location).toBe("europe-west1-b");
    expect(clusterInputs("scratch").location).toBe("europe-west1");
  });

  it("has deletion protection by the protection level", () => {
    expect(clusterInputs().deletionProtection).toBe(true);
    expect(clusterInputs("scratch").deletionProtection).toBe(false);
    expect(plan.one(CLUSTER, "acme-cluster").protect).toBe(true);
    expect(plan.one(CLUSTER, "scratch-cluster").protect).toBe(false);
  });

  it("makes nodes private behind Cloud NAT only when asked, and limits the control plane to authorised networks", () => {
    expect(clusterInputs()).not.toHaveProperty("privateClusterConfig");
    expect(clusterInputs()).not.toHaveProperty("masterAuthorizedNetworksConfig");
    expect(plan.ofType("gcp:compute/routerNat:RouterNat").map((r) => r.name)).toEqual(["scratch-nat"]);
    expect(clusterInputs("scratch").privateClusterConfig).toMatchObject({ enablePrivateNodes: true, enablePrivateEndpoint: false });
    expect(clusterInputs("scratch").masterAuthorizedNetworksConfig).toEqual({
      cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "hubfleet 203.0.113.0/24" }],
    });
    const nat = plan.one("gcp:compute/routerNat:RouterNat", "scratch-nat");
    expect(plan.one(CLUSTER, "scratch-cluster").dependencies).toContain(nat.urn);
  });

  it("keeps the network's ranges apart: nodes, pods, services, control plane and Google's services", () => {
    const { nodes, pods, services, controlPlane, googleServices } = network.SUBNET_RANGES;
    const cidrs = [nodes, pods.ipCidrRange, services.ipCidrRange, controlPlane, `${googleServices.address}/${googleServices.prefixLength}`];
    const span = (cidr: string): [number, number] => {
      const [address, bits] = cidr.split("/") as [string, string];
      const start = address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
      return [start, start + 2 ** (32 - Number(bits)) - 1];
    };
    for (const [i, a] of cidrs.entries()) {
      for (const b of cidrs.slice(i + 1)) {
        const [[aStart, aEnd], [bStart, bEnd]] = [span(a), span(b)];
        expect(aEnd < bStart || bEnd < aStart, `${a} overlaps ${b}`).toBe(true);
      }
    }
  });

  it("peers the network for Cloud SQL's private IP when asked, never from the internet", () => {
    const range = plan.one("gcp:compute/globalAddress:GlobalAddress", "acme-services-range").inputs;
    expect(range).toMatchObject({ purpose: "VPC_PEERING", addressType: "INTERNAL", address: "10.32.0.0", prefixLength: 20 });
    const peering = plan.one("gcp:servicenetworking/connection:Connection", "acme-services-peering").inputs;
    expect(peering).toMatchObject({
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: ["acme-services-range"],
      deletionPolicy: "ABANDON",
      updateOnCreationFail: true,
    });
    expect(plan.ofType("gcp:servicenetworking/connection:Connection").map((c) => c.name)).toEqual(["acme-services-peering"]);
  });
});

describe("the GKE pools", () => {
  it("labels and taints the user pool as the chart expects, in GKE's spelling", () => {
    const users = pool("acme-users").nodeConfig;
    expect(users.labels).toEqual({ "hub.jupyter.org/node-purpose": "user" });
    expect(users.taints).toEqual([{ key: "hub.jupyter.org_dedicated", value: "user", effect: "NO_SCHEDULE" }]);
    expect(pool("acme-users").autoscaling).toEqual({ totalMinNodeCount: 0, totalMaxNodeCount: 10, locationPolicy: "ANY" });
    expect(pool("acme-users").nodeConfig.machineType).toBe("e2-highmem-2");
  });

  it("starts the user and GPU pools at zero nodes, so that an idle tenant pays for none", () => {
    expect(plan.one(POOL, "acme-users").inputs.initialNodeCount).toBe(0);
    expect(plan.one(POOL, "acme-gpu-users").inputs.initialNodeCount).toBe(0);
    expect(pool("acme-gpu-users").autoscaling).toMatchObject({ totalMinNodeCount: 0, totalMaxNodeCount: 2 });
  });

  it("autoscales an untainted system pool labelled core", () => {
    const system = pool("acme-system");
    expect(system.autoscaling).toEqual({ totalMinNodeCount: 1, totalMaxNodeCount: 3, locationPolicy: "ANY" });
    expect(system.nodeConfig.labels).toEqual({ "hub.jupyter.org/node-purpose": "core" });
    expect(system.nodeConfig.taints).toBeUndefined();
  });

  it("gives the GPU pool its accelerator, GKE's driver, the user label, the user taint and hubfleet's GPU taint", () => {
    const gpu = pool("acme-gpu-users").nodeConfig;
    expect(gpu.guestAccelerators).toEqual([
      { type: "nvidia-tesla-t4", count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" } },
    ]);
    expect(gpu.labels).toEqual({ "hub.jupyter.org/node-purpose": "user", "hubfleet.io/gpu": "true" });
    expect(gpu.taints).toEqual([
      { key: "hub.jupyter.org_dedicated", value: "user", effect: "NO_SCHEDULE" },
      { key: "hubfleet.io/gpu", value: "true", effect: "NO_SCHEDULE" },
    ]);
    expect(
      plan
        .ofType(POOL)
        .filter((p) => p.name.startsWith("scratch-"))
        .map((p) => p.name)
        .sort(),
    ).toEqual(["scratch-system", "scratch-users"]);
  });

  it("returns a scheduling whose user pods tolerate exactly the user pool's taint and require its label", () => {
    const users = pool("acme-users").nodeConfig;
    const taints = users.taints as { key: string; value: string; effect: string }[];
    const userPlacement = dedicated.scheduling.user;
    expect(userPlacement.tolerations).toEqual(taints.map((t) => ({ key: t.key, operator: "Equal", value: t.value, effect: "NoSchedule" })));
    expect(userPlacement.matchNodePurpose).toBe("require");
    expect((users.labels as Record<string, string>)[scheduling.NODE_PURPOSE_LABEL]).toBe("user");
    // Chart services require the system pool, which carries the core label and no taint.
    expect(dedicated.scheduling.core).toEqual({ matchNodePurpose: "require", nodeSelector: {}, tolerations: [] });
  });

  it("sends GPU servers to the GPU pool: its label selected, its taints and GKE's own GPU taint tolerated", () => {
    const gpuNodes = pool("acme-gpu-users").nodeConfig;
    const gpuPlacement = dedicated.scheduling.gpu!;
    for (const [key, value] of Object.entries(gpuPlacement.nodeSelector))
      expect((gpuNodes.labels as Record<string, string>)[key]).toBe(value);
    const tolerated = gpuPlacement.tolerations.map((t) => nodePools.gkeTaint({ key: t.key, value: t.value!, effect: t.effect }));
    expect(tolerated).toEqual([...(gpuNodes.taints as unknown[]), { key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }]);
    // Plain user pods tolerate neither GPU taint, so they never hold a GPU node.
    expect(dedicated.scheduling.user.tolerations.map((t) => t.key)).toEqual(["hub.jupyter.org_dedicated"]);
  });
});

describe("the Kubernetes provider", () => {
  it("is built from the cluster's endpoint and CA, its kubeconfig a secret", async () => {
    const provider = plan.one("pulumi:providers:kubernetes", "acme-kubernetes");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    expect(await new Promise((resolve) => dedicated.kubeconfig.apply(resolve))).toContain("<acme-cluster.endpoint>");
    const { isSecret } = await import("@pulumi/pulumi");
    expect(await isSecret(dedicated.kubeconfig)).toBe(true);
  });

  it("names the issuer GKE publishes OIDC discovery at", async () => {
    const issuer = await new Promise((resolve) => dedicated.serviceAccountIssuer.apply(resolve));
    expect(issuer).toBe("https://container.googleapis.com/v1/projects/acme-project/locations/europe-west1-b/clusters/acme-cluster");
  });
});

describe("pure functions", () => {
  it("spells every taint effect the GKE way", () => {
    expect(nodePools.gkeTaint(scheduling.USER_POOL_TAINT)).toEqual({
      key: "hub.jupyter.org_dedicated",
      value: "user",
      effect: "NO_SCHEDULE",
    });
    expect(nodePools.gkeTaint({ key: "k", value: "v", effect: "PreferNoSchedule" }).effect).toBe("PREFER_NO_SCHEDULE");
    expect(nodePools.gkeTaint({ key: "k", value: "v", effect: "NoExecute" }).effect).toBe("NO_EXECUTE");
  });

  it("writes a kubeconfig that authenticates with gke-gcloud-auth-plugin", () => {
    const config = JSON.parse(
      gke.gkeKubeconfig({ project: "p", location: "europe-west1", name: "c", endpoint: "1.2.3.4", caCertificate: "Q0E=" }),
    ) as {
      clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
      users: { user: { exec: { command: string; apiVersion: string } } }[];
      "current-context": string;
    };
    expect(config.clusters[0]!.cluster).toEqual({ server: "https://1.2.3.4", "certificate-authority-data": "Q0E=" });
    expect(config.users[0]!.user.exec).toMatchObject({
      command: "gke-gcloud-auth-plugin",
      args: ["--use_application_default_credentials"],
      apiVersion: "client.authentication.k8s.io/v1beta1",
    });
    expect(config["current-context"]).toBe("gke_p_europe-west1_c");
    expect(JSON.stringify(config)).not.toMatch(/token|password|client-key/);
  });

  it("rejects a zone outside the region and inverted pool sizes, naming each problem", () => {
    expect(gke.gkeClusterProblems(baseArgs)).toEqual([]);
    const problems = gke.gkeClusterProblems({ ...baseArgs, zone: "us-east1-b", userPool: { machineType: "m", minNodes: 5, maxNodes: 2 } });
    expect(problems.map((p) => p.arg)).toEqual(["zone", "userPool.minNodes"]);
    expect(problems[0]!.message).toContain("us-east1-b is not in region europe-west1");
    expect(problems[1]!.message).toContain("5 exceeds maxNodes (2)");
  });
});
