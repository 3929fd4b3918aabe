/**
 * A GKE cluster for one tenant (or for tenants sharing it) on a VPC-native network
 * (components/network/gcp.ts), the default node pool removed, an autoscaled system pool for the chart's
 * services, a user pool that scales from zero and takes only notebook servers, and
 * optionally a GPU pool.
 *
 * Hardened by default: workload identity (pods never see the node's credentials),
 * shielded nodes with secure boot and integrity monitoring, a node service account
 * holding only the roles nodes need, a release channel, network policy enforced by
 * GKE Dataplane V2, legacy ABAC off, no client certificate, auto-repair and auto-upgrade.
 * Private nodes (egress through Cloud NAT, an hourly cost) are an option.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { SUBNET_RANGES } from "../network/gcp";
import { assertNoProblems, type ArgProblem } from "../problems";
import { gkeNodePoolArgs } from "./gke-node-pool";
import {
  GPU_POOL_TAINT,
  SYSTEM_POOL_LABELS,
  USER_POOL_LABELS,
  USER_POOL_TAINT,
  dedicatedPoolScheduling,
  type HubScheduling,
  type Taint,
} from "./scheduling";

/** A pool's machine and how far the autoscaler may take it (counts for the whole pool, across zones). */
export interface GkePoolSettings {
  readonly machineType: string;
  readonly minNodes: number;
  readonly maxNodes: number;
}

export interface GkeGpuSettings {
  /** Such as nvidia-tesla-t4. */
  readonly acceleratorType: string;
  /** GPUs per node. */
  readonly acceleratorCount: number;
  /** A machine type the accelerator attaches to (n1-standard-4 for a T4). */
  readonly machineType: string;
  readonly maxNodes: number;
}

export interface GkeClusterArgs {
  /** The tenant (or the shared cluster's) name: the prefix of every cloud resource name. */
  readonly tenant: string;
  readonly project: string;
  readonly region: string;
  /** A zone in `region` makes a zonal cluster; without one the cluster is regional. */
  readonly zone?: string;
  readonly releaseChannel: "RAPID" | "REGULAR" | "STABLE";
  readonly systemPool: GkePoolSettings;
  readonly userPool: GkePoolSettings;
  readonly gpu?: GkeGpuSettings;
  readonly diskSizeGb: number;
  /** Nodes without public IPs; the network must then give them Cloud NAT. */
  readonly privateNodes: boolean;
  /** CIDRs allowed to reach the control plane; empty allows any (credentials still required). */
  readonly authorizedNetworks: readonly string[];
  /** The network the cluster runs on, and what private nodes need of it first. */
  readonly network: {
    readonly networkId: pulumi.Input<string>;
    readonly subnetworkId: pulumi.Input<string>;
    readonly egressReady: pulumi.Resource[];
  };
  /** Production: GKE's deletion protection and Pulumi's `protect`. */
  readonly protect: boolean;
  /** Labels on the cluster and its nodes' VMs. */
  readonly labels: Readonly<Record<string, string>>;
}

/** The node service account's roles: write logs and metrics, read images. Nothing else. */
export const NODE_SERVICE_ACCOUNT_ROLES = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/monitoring.viewer",
  "roles/stackdriver.resourceMetadata.writer",
  "roles/artifactregistry.reader",
] as const;

/** Dataplane V2 (eBPF): Kubernetes NetworkPolicy is always enforced, without a Calico add-on to run. */
export const DATAPATH_PROVIDER = "ADVANCED_DATAPATH";

/** The label that sends GPU profiles' servers to the GPU pool. */
export const GPU_LABEL = "hubfleet.io/gpu";

/** The cluster's location: its zone when zonal, else its region. */
export function clusterLocation(region: string, zone?: string): string {
  return zone ?? region;
}

/** The OIDC issuer GKE publishes for the cluster's service-account tokens (for AWS web identity). */
export function gkeServiceAccountIssuer(project: string, location: string, clusterName: string): string {
  return `https://container.googleapis.com/v1/projects/${project}/locations/${location}/clusters/${clusterName}`;
}

/** Every problem with the args, each naming the argument to change; empty when they are sound. */
export function gkeClusterProblems(args: Pick<GkeClusterArgs, "region" | "zone" | "systemPool" | "userPool">): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (args.zone && !args.zone.startsWith(`${args.region}-`)) {
    problems.push({
      arg: "zone",
      message: `${args.zone} is not in region ${args.region}: pick a zone such as ${args.region}-b, or none for a regional cluster`,
    });
  }
  for (const [which, pool] of [
    ["systemPool", args.systemPool],
    ["userPool", args.userPool],
  ] as const) {
    if (pool.minNodes > pool.maxNodes)
      problems.push({ arg: `${which}.minNodes`, message: `${pool.minNodes} exceeds maxNodes (${pool.maxNodes})` });
  }
  if (args.systemPool.maxNodes < 1)
    problems.push({ arg: "systemPool.maxNodes", message: "must be at least 1: the system pool runs the hub and the proxy" });
  return problems;
}

/** A kubeconfig that authenticates with `gke-gcloud-auth-plugin` (the user's gcloud credentials), as gcloud writes it. */
export function gkeKubeconfig(cluster: {
  project: string;
  location: string;
  name: string;
  endpoint: string;
  caCertificate: string;
}): string {
  const context = `gke_${cluster.project}_${cluster.location}_${cluster.name}`;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server: `https://${cluster.endpoint}`, "certificate-authority-data": cluster.caCertificate } }],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
    users: [
      {
        name: context,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "gke-gcloud-auth-plugin",
            // The credentials the gcp provider uses (application default), not gcloud's active account.
            args: ["--use_application_default_credentials"],
            installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
            provideClusterInfo: true,
          },
        },
      },
    ],
  });
}

export class GkeCluster extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  readonly scheduling: HubScheduling;
  readonly cloud = "gcp" as const;
  readonly systemReady: pulumi.Resource[];
  readonly userPools: pulumi.Resource[];
  /** Dataplane V2 enforces NetworkPolicy. */
  readonly networkPolicyEnforced = true;
  readonly clusterName: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly nodeServiceAccountEmail: pulumi.Output<string>;
  readonly serviceAccountIssuer: pulumi.Output<string>;
  /** A secret: the cluster's endpoint and CA with gke-gcloud-auth-plugin authentication. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The control plane's address and CA, which hold no credential: tenants of a shared cluster build their kubeconfig from them. */
  readonly endpoint: pulumi.Output<string>;
  readonly caCertificate: pulumi.Output<string>;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:cluster:Gke", name, {}, opts);
    assertNoProblems(`GKE cluster ${args.tenant}`, gkeClusterProblems(args), this);
    const { tenant, project, region } = args;
    const location = clusterLocation(region, args.zone);

    const nodeAccount = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      {
        accountId: resourceName(tenant, "nodes", 30),
        project,
        displayName: `hubfleet ${tenant} GKE nodes`,
        description: "GKE nodes: write logs and metrics, read images. Workloads use their own identities.",
      },
      { parent: this },
    );
    const nodeRoles = NODE_SERVICE_ACCOUNT_ROLES.map(
      (role) =>
        // A member, not a binding: other members of the role in the project are left alone.
        new gcp.projects.IAMMember(
          `${name}-nodes-${role.replace(/^roles\//, "").replace(/\./g, "-")}`,
          { project, role, member: nodeAccount.member },
          { parent: this },
        ),
    );

    const cluster = new gcp.container.Cluster(
      `${name}-cluster`,
      {
        name: resourceName(tenant, "cluster", 40),
        project,
        location,
        network: args.network.networkId,
        subnetwork: args.network.subnetworkId,
        networkingMode: "VPC_NATIVE",
        ipAllocationPolicy: {
          clusterSecondaryRangeName: SUBNET_RANGES.pods.rangeName,
          servicesSecondaryRangeName: SUBNET_RANGES.services.rangeName,
        },
        // The default pool cannot be tainted or resized to zero: create one node, then remove it.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        // The short-lived default pool runs as the node account too, not the Compute Engine default account.
        nodeConfig: {
          serviceAccount: nodeAccount.email,
          oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
          shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          workloadMetadataConfig: { mode: "GKE_METADATA" },
        },
        releaseChannel: { channel: args.releaseChannel },
        workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
        enableShieldedNodes: true,
        datapathProvider: DATAPATH_PROVIDER,
        enableLegacyAbac: false,
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        ...(args.privateNodes
          ? {
              privateClusterConfig: {
                enablePrivateNodes: true,
                enablePrivateEndpoint: false,
                masterIpv4CidrBlock: SUBNET_RANGES.controlPlane,
              },
            }
          : {}),
        ...(args.authorizedNetworks.length > 0
          ? {
              masterAuthorizedNetworksConfig: {
                cidrBlocks: args.authorizedNetworks.map((cidrBlock) => ({ cidrBlock, displayName: `hubfleet ${cidrBlock}` })),
              },
            }
          : {}),
        maintenancePolicy: { dailyMaintenanceWindow: { startTime: "03:00" } },
        resourceLabels: { ...args.labels },
        deletionProtection: args.protect,
      },
      {
        parent: this,
        protect: args.protect,
        dependsOn: [...nodeRoles, ...args.network.egressReady],
        // Only the removed default pool used nodeConfig; GKE reports it differently afterwards.
        ignoreChanges: ["nodeConfig"],
      },
    );

    // GKE runs one node-pool operation per cluster at a time: the system pool goes first, so
    // that the namespace and the hub can start while the user and GPU pools are still queued.
    const queuedAfter: pulumi.Resource[] = [];
    const pool = (
      role: string,
      settings: { machineType: string; minNodes: number; maxNodes: number; initialNodes: number },
      labels: Record<string, string>,
      taints: Taint[],
      accelerator?: { type: string; count: number },
    ) =>
      new gcp.container.NodePool(
        `${name}-${role}`,
        gkeNodePoolArgs({
          name: resourceName(tenant, role, 40),
          project,
          location,
          cluster: cluster.name,
          ...settings,
          diskSizeGb: args.diskSizeGb,
          labels,
          taints,
          serviceAccount: nodeAccount.email,
          resourceLabels: args.labels,
          accelerator,
        }),
        { parent: this, dependsOn: [...queuedAfter] },
      );

    const systemPool = pool("system", { ...args.systemPool, initialNodes: 1 }, { ...SYSTEM_POOL_LABELS }, []);
    queuedAfter.push(systemPool);
    const userPool = pool("users", { ...args.userPool, initialNodes: 0 }, { ...USER_POOL_LABELS }, [USER_POOL_TAINT]);
    const gpuPool = args.gpu
      ? pool(
          "gpu-users",
          { machineType: args.gpu.machineType, minNodes: 0, maxNodes: args.gpu.maxNodes, initialNodes: 0 },
          { ...USER_POOL_LABELS, [GPU_LABEL]: "true" },
          [USER_POOL_TAINT, GPU_POOL_TAINT],
          { type: args.gpu.acceleratorType, count: args.gpu.acceleratorCount },
        )
      : undefined;

    this.clusterName = cluster.name;
    this.location = cluster.location;
    this.nodeServiceAccountEmail = nodeAccount.email;
    this.serviceAccountIssuer = pulumi
      .all([cluster.location, cluster.name])
      .apply(([clusterLocationValue, clusterName]) => gkeServiceAccountIssuer(project, clusterLocationValue, clusterName));
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.location, cluster.endpoint, cluster.masterAuth.clusterCaCertificate])
        .apply(([clusterName, clusterLocationValue, endpoint, caCertificate]) =>
          gkeKubeconfig({ project, location: clusterLocationValue, name: clusterName, endpoint, caCertificate: caCertificate ?? "" }),
        ),
    );
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      { parent: this, dependsOn: [systemPool] },
    );
    this.scheduling = dedicatedPoolScheduling({ gpu: gpuPool !== undefined });
    this.systemReady = [systemPool];
    this.userPools = [userPool, ...(gpuPool ? [gpuPool] : [])];
    this.endpoint = cluster.endpoint;
    this.caCertificate = cluster.masterAuth.clusterCaCertificate.apply((ca) => ca ?? "");

    this.registerOutputs({
      clusterName: this.clusterName,
      location: this.location,
      nodeServiceAccountEmail: this.nodeServiceAccountEmail,
      serviceAccountIssuer: this.serviceAccountIssuer,
      kubeconfig: this.kubeconfig,
    });
  }
}
