import { beforeAll, describe, expect, it } from "vitest";
import { resolveOutputs, settle, type PlanRecorder, type RecordedResource } from "../scripts/render/mock-runtime";
import { clusterStackPlaceholders } from "../scripts/render/placeholders-gcp";
import { CLUSTER_STACK_OUTPUTS } from "../components/cluster/gke-tenant";
import { chartFilesPresent, chartSchemaErrors, SKIP_REASON } from "./support/chart-schema";
import { runProgramUnderMocks, stackFileConfig } from "./support/program";

let plan: PlanRecorder;
let tenant: RecordedResource[];
let tenantOutputs: Record<string, unknown>;
let cluster: RecordedResource[];
let clusterOutputs: Record<string, unknown>;

const RELEASE = "kubernetes:helm.sh/v3:Release";
const POOL = "gcp:container/nodePool:NodePool";
const CLUSTER_STACK = "organization/hubfleet/habari-cluster";

beforeAll(async () => {
  // The tenant renders with no state of the cluster stack: its outputs are placeholders.
  ({ plan, outputs: tenantOutputs } = await runProgramUnderMocks("habari-nairobi", stackFileConfig("habari-nairobi")));
  tenant = [...plan.resources];
  // The cluster stack in the same runtime: its names (habari-*) differ from the tenant's (habari-nairobi-*).
  const { runProgram } = await import("../stacks/program");
  const exported = runProgram(stackFileConfig("habari-cluster"));
  await settle();
  cluster = plan.resources.slice(tenant.length);
  clusterOutputs = {};
  for (const [key, value] of Object.entries(exported)) clusterOutputs[key] = await resolveOutputs(value);
});

const inTenant = (type: string, suffix = "") => {
  const found = tenant.filter((r) => r.type === type && r.name.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} *${suffix}, found ${found.map((r) => r.name).join(", ")}`);
  return found[0]!;
};
const values = () => inTenant(RELEASE).inputs.values as Record<string, Record<string, unknown>>;

describe("the shared cluster stack", () => {
  it("holds a cluster and what the fleet shares: no namespace, database or hub", () => {
    expect(cluster.some((r) => r.type === "gcp:container/cluster:Cluster")).toBe(true);
    expect(cluster.filter((r) => r.type.startsWith("kubernetes:") || r.type.startsWith("gcp:sql/"))).toEqual([]);
    expect(cluster.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.inputs.bucket)).toEqual(["hubfleet-habari-public"]);
    expect(cluster.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toHaveLength(1);
  });

  it("is regional with private nodes behind Cloud NAT, and peers its network once for every tenant's Cloud SQL", () => {
    const gke = cluster.find((r) => r.type === "gcp:container/cluster:Cluster")!;
    expect(gke.inputs).toMatchObject({
      location: "europe-west4",
      privateClusterConfig: { enablePrivateNodes: true },
      releaseChannel: { channel: "STABLE" },
    });
    expect(cluster.filter((r) => r.type === "gcp:compute/routerNat:RouterNat")).toHaveLength(1);
    expect(cluster.filter((r) => r.type === "gcp:servicenetworking/connection:Connection")).toHaveLength(1);
  });

  it("exports what its tenants read in plain text (no credential in any), and the kubeconfig as a secret", () => {
    expect(Object.keys(clusterOutputs).sort()).toEqual(
      [...Object.values(CLUSTER_STACK_OUTPUTS), "kubeconfig", "oidcProviderArn", "publicBucketName"].sort(),
    );
    expect(clusterOutputs).toMatchObject({
      kubeconfig: "[secret]",
      clusterName: "habari-cluster",
      clusterLocation: "europe-west4",
      gcpProject: "habari-data-platform",
    });
    for (const key of Object.values(CLUSTER_STACK_OUTPUTS)) expect(clusterOutputs[key], key).not.toBe("[secret]");
  });

  it("matches the placeholders a tenant renders with, output for output", () => {
    expect(Object.keys(clusterStackPlaceholders(CLUSTER_STACK)).sort()).toEqual(
      [...Object.values(CLUSTER_STACK_OUTPUTS), "kubeconfig"].sort(),
    );
  });
});

describe("a Habari tenant on the shared cluster", () => {
  it("references the cluster stack by name and builds its own kubeconfig from the stack's endpoint and CA", () => {
    const references = tenant.filter((r) => r.type === "pulumi:pulumi:StackReference");
    expect(new Set(references.map((r) => r.inputs.name))).toEqual(new Set([CLUSTER_STACK]));
    const provider = inTenant("pulumi:providers:kubernetes");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    expect(inTenant("kubernetes:core/v1:Namespace", "nairobi-namespace").provider).toBe(provider.urn);
    expect(tenant.some((r) => r.type === "gcp:container/cluster:Cluster")).toBe(false);
  });

  it("adds its own pool to the shared cluster, tainted and labelled with its name", () => {
    const pool = inTenant(POOL).inputs as {
      cluster: string;
      location: string;
      nodeConfig: Record<string, unknown>;
      autoscaling: Record<string, unknown>;
    };
    expect(pool.cluster).toBe(`<${CLUSTER_STACK}.clusterName>`);
    expect(pool.location).toBe(`<${CLUSTER_STACK}.clusterLocation>`);
    expect(pool.nodeConfig).toMatchObject({
      labels: { "hub.jupyter.org/node-purpose": "user", "hubfleet.io/tenant": "habari-nairobi" },
      taints: [
        { key: "hub.jupyter.org_dedicated", value: "user", effect: "NO_SCHEDULE" },
        { key: "hubfleet.io/tenant", value: "habari-nairobi", effect: "NO_SCHEDULE" },
      ],
      serviceAccount: `<${CLUSTER_STACK}.nodeServiceAccount>`,
      workloadMetadataConfig: { mode: "GKE_METADATA" },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    });
    expect(pool.autoscaling).toMatchObject({ totalMinNodeCount: 0, totalMaxNodeCount: 5 });
  });

  it("places its users' servers on that pool only: both taints tolerated, the tenant label selected", () => {
    const singleuser = values().singleuser as { nodeSelector: Record<string, string> };
    expect(singleuser.nodeSelector).toEqual({ "hubfleet.io/tenant": "habari-nairobi" });
    const userPods = (values().scheduling as { userPods: { tolerations: unknown[]; nodeAffinity: unknown } }).userPods;
    expect(userPods.tolerations).toEqual([
      { key: "hub.jupyter.org_dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
      { key: "hubfleet.io/tenant", operator: "Equal", value: "habari-nairobi", effect: "NoSchedule" },
    ]);
    expect(userPods.nodeAffinity).toEqual({ matchNodePurpose: "require" });
    // The seed's four placeholders need a user node: the release waits for the tenant's pool.
    expect(values().scheduling).toMatchObject({ userPlaceholder: { enabled: true, replicas: 4 } });
    expect(inTenant(RELEASE).dependencies).toContain(inTenant(POOL).urn);
  });

  it("runs the seed's sizes and culling, and PostGIS in the explore database", () => {
    expect(values().singleuser).toMatchObject({
      cpu: { guarantee: 0.05, limit: 2 },
      memory: { guarantee: "256M", limit: "8G" },
      defaultUrl: "/lab",
    });
    expect(values().cull).toMatchObject({ enabled: true, timeout: 7200, every: 300 });
    const script = tenant.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.name.includes("database-isolation"))!;
    expect(JSON.stringify(script.inputs)).toContain("CREATE EXTENSION IF NOT EXISTS postgis");
  });

  it("gives notebook pods an access key for the S3 drives, through the notebook-env Secret only", () => {
    expect(tenant.filter((r) => r.type === "aws:iam/accessKey:AccessKey")).toHaveLength(1);
    expect(tenant.filter((r) => r.type === "aws:iam/role:Role")).toEqual([]);
    const env = (values().singleuser as { extraEnv: Record<string, { valueFrom?: { secretKeyRef?: { name: string } } }> }).extraEnv;
    expect(env.AWS_SECRET_ACCESS_KEY?.valueFrom?.secretKeyRef?.name).toBe("hubfleet-notebook-env");
  });

  it("puts its own Cloud SQL instance on the shared network's private IP, relying on the cluster stack's peering", () => {
    const instance = inTenant("gcp:sql/databaseInstance:DatabaseInstance");
    expect((instance.inputs.settings as { ipConfiguration: unknown }).ipConfiguration).toEqual({
      ipv4Enabled: false,
      privateNetwork: `<${CLUSTER_STACK}.networkId>`,
      sslMode: "ENCRYPTED_ONLY",
    });
    expect(tenant.filter((r) => r.type === "gcp:servicenetworking/connection:Connection")).toEqual([]);
    expect(
      tenant
        .filter((r) => r.type === "gcp:sql/database:Database")
        .map((d) => d.inputs.name)
        .sort(),
    ).toEqual(["explore", "hub", "knowledge"]);
  });

  it("logs in with GitHub, with admins and an allow list", () => {
    const config = (values().hub as { config: Record<string, Record<string, unknown>> }).config;
    expect(config.JupyterHub).toMatchObject({ authenticator_class: "github" });
    expect(config.Authenticator).toMatchObject({ admin_users: ["habari-admin"], allowed_users: ["amina-k", "brian-o", "wanjiru-m"] });
  });

  it("gets a regional address, the records, and https", () => {
    // The region is the cluster stack's, read from its outputs.
    expect(inTenant("gcp:compute/address:Address").inputs).toMatchObject({ region: "europe-west4" });
    expect(values().proxy).toMatchObject({
      service: { loadBalancerIP: "<habari-nairobi-endpoint-address.address>" },
      https: { enabled: true, hosts: ["nairobi.habari.example.org"] },
    });
    expect(tenant.filter((r) => r.type === "gcp:dns/recordSet:RecordSet")).toHaveLength(2);
  });

  it("exports where its cluster is, and no kubeconfig of its own", () => {
    expect(tenantOutputs).toMatchObject({ clusterStack: CLUSTER_STACK, hubRelease: "habari-nairobi-hub" });
    expect(tenantOutputs).not.toHaveProperty("kubeconfig");
  });

  it.skipIf(!chartFilesPresent)("passes the chart's schema", () => {
    expect(chartSchemaErrors(values()), SKIP_REASON).toEqual([]);
  });
});
