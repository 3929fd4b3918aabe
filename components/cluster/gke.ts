/**
 * A GKE cluster for one tenant (or for tenants sharing it): its own VPC-native
 * network, the default node pool removed, an autoscaled system pool for the chart's
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
import {
  GPU_POOL_TAINT,
  SYSTEM_POOL_LABELS,
  USER_POOL_LABELS,
  USER_POOL_TAINT,
  dedicatedPoolScheduling,
  type HubScheduling,
  type Taint,
  type TaintEffect,
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
  /** Nodes without public IPs, reaching the internet through Cloud NAT. */
  readonly privateNodes: boolean;
  /** CIDRs allowed to reach the control plane; empty allows any (credentials still required). */
  readonly authorizedNetworks: readonly string[];
  /**
   * Reserve a range and peer the network with Google's service producers, so that
   * Cloud SQL instances get a private IP in it. One connection per network: the
   * stack that owns the network makes it, and every tenant's instance uses it.
   */
  readonly privateServicesAccess: boolean;
  /** GKE's deletion protection (production tenants and shared clusters). */
  readonly deletionProtection: boolean;
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

/** The subnetwork's ranges: nodes, then the pods' and services' secondary ranges (VPC-native). */
export const SUBNET_RANGES = {
  nodes: "10.10.0.0/20",
  pods: { rangeName: "pods", ipCidrRange: "10.16.0.0/14" },
  services: { rangeName: "services", ipCidrRange: "10.20.0.0/20" },
  /** The control plane's range when nodes are private. */
  controlPlane: "172.16.0.0/28",
  /**
   * Reserved for Google's service producers (Cloud SQL's private IPs; at least a /24).
   * Named rather than left to Google, which could pick it before the subnetwork exists
   * and overlap the ranges above.
   */
  googleServices: { address: "10.32.0.0", prefixLength: 20 },
} as const;

/** Dataplane V2 (eBPF): Kubernetes NetworkPolicy is always enforced, without a Calico add-on to run. */
export const DATAPATH_PROVIDER = "ADVANCED_DATAPATH";

/** The label that sends GPU profiles' servers to the GPU pool. */
export const GPU_LABEL = "hubfleet.io/gpu";

const GKE_TAINT_EFFECTS: Record<TaintEffect, string> = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
};

/** A taint in GKE's spelling: the same key and value, the effect as NO_SCHEDULE. */
export function gkeTaint(taint: Taint): { key: string; value: string; effect: string } {
  return { key: taint.key, value: taint.value, effect: GKE_TAINT_EFFECTS[taint.effect] };
}

/** The cluster's location: its zone when zonal, else its region. */
export function clusterLocation(region: string, zone?: string): string {
  return zone ?? region;
}

/** The OIDC issuer GKE publishes for the cluster's service-account tokens (for AWS web identity). */
export function gkeServiceAccountIssuer(project: string, location: string, clusterName: string): string {
  return `https://container.googleapis.com/v1/projects/${project}/locations/${location}/clusters/${clusterName}`;
}

/** Every problem with the args, each naming the setting to change; empty when they are sound. */
export function gkeClusterProblems(args: GkeClusterArgs): string[] {
  const problems: string[] = [];
  if (args.zone && !args.zone.startsWith(`${args.region}-`)) {
    problems.push(`zone ${args.zone} is not in region ${args.region}: pick a zone such as ${args.region}-b, or none for a regional cluster`);
  }
  for (const [which, pool] of [["system", args.systemPool], ["user", args.userPool]] as const) {
    if (pool.minNodes > pool.maxNodes) problems.push(`the ${which} pool's minNodes (${pool.minNodes}) exceeds its maxNodes (${pool.maxNodes})`);
  }
  if (args.systemPool.maxNodes < 1) problems.push("the system pool needs at least one node for the hub and the proxy");
  return problems;
}

/** Throws a ResourceError listing every problem with the args. */
export function validateGkeClusterArgs(args: GkeClusterArgs, resource?: pulumi.Resource): void {
  const problems = gkeClusterProblems(args);
  if (problems.length > 0) throw new pulumi.ResourceError(`GKE cluster ${args.tenant}: ${problems.join("; ")}`, resource);
}

export interface NodeConfigInput {
  readonly machineType: string;
  readonly diskSizeGb: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly serviceAccount: pulumi.Input<string>;
  readonly resourceLabels: Readonly<Record<string, string>>;
  readonly accelerator?: { readonly type: string; readonly count: number };
}

/** A hardened node config: minimal service account, GKE metadata server, shielded VM. */
export function hardenedNodeConfig(input: NodeConfigInput): gcp.types.input.container.NodePoolNodeConfig {
  return {
    machineType: input.machineType,
    diskSizeGb: input.diskSizeGb,
    diskType: "pd-balanced",
    imageType: "COS_CONTAINERD",
    labels: { ...input.labels },
    // Absent rather than empty when untainted, as GKE reads an untainted pool back.
    ...(input.taints.length > 0 ? { taints: input.taints.map(gkeTaint) } : {}),
    resourceLabels: { ...input.resourceLabels },
    serviceAccount: input.serviceAccount,
    // Access follows the service account's IAM roles, as Google recommends; the scope does not widen them.
    oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
    // Pods see the GKE metadata server (workload identity), never the node's credentials.
    workloadMetadataConfig: { mode: "GKE_METADATA" },
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    metadata: { "disable-legacy-endpoints": "true" },
    ...(input.accelerator
      ? {
          guestAccelerators: [
            {
              type: input.accelerator.type,
              count: input.accelerator.count,
              // GKE installs the driver itself: no driver DaemonSet to manage.
              gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" },
            },
          ],
        }
      : {}),
  };
}

/** Autoscaling for the whole pool, whatever the number of zones. */
export function poolAutoscaling(minNodes: number, maxNodes: number): gcp.types.input.container.NodePoolAutoscaling {
  return { totalMinNodeCount: minNodes, totalMaxNodeCount: maxNodes, locationPolicy: "ANY" };
}

export const NODE_MANAGEMENT = { autoRepair: true, autoUpgrade: true } as const;

/** A kubeconfig that authenticates with `gke-gcloud-auth-plugin` (the user's gcloud credentials), as gcloud writes it. */
export function gkeKubeconfig(cluster: { project: string; location: string; name: string; endpoint: string; caCertificate: string }): string {
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
  readonly readyResources: pulumi.Resource[];
  readonly clusterName: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly networkId: pulumi.Output<string>;
  readonly nodeServiceAccountEmail: pulumi.Output<string>;
  readonly serviceAccountIssuer: pulumi.Output<string>;
  /** A secret: the cluster's endpoint and CA with gke-gcloud-auth-plugin authentication. */
  readonly kubeconfig: pulumi.Output<string>;
  readonly privateServicesAccess?: pulumi.Resource;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:cluster:Gke", name, {}, opts);
    validateGkeClusterArgs(args, this);
    const { tenant, project, region } = args;
    const location = clusterLocation(region, args.zone);

    const network = new gcp.compute.Network(
      `${name}-network`,
      { name: resourceName(tenant, "network"), project, autoCreateSubnetworks: false, routingMode: "REGIONAL" },
      { parent: this },
    );
    const subnetwork = new gcp.compute.Subnetwork(
      `${name}-subnetwork`,
      {
        name: resourceName(tenant, "nodes"),
        project,
        region,
        network: network.id,
        ipCidrRange: SUBNET_RANGES.nodes,
        secondaryIpRanges: [SUBNET_RANGES.pods, SUBNET_RANGES.services],
        // Private nodes still reach Google APIs (Artifact Registry, logging) without NAT.
        privateIpGoogleAccess: true,
      },
      { parent: this },
    );
    const natResources = args.privateNodes ? this.cloudNat(name, args, network) : [];
    this.privateServicesAccess = args.privateServicesAccess ? this.privateServiceConnection(name, args, network) : undefined;

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
        network: network.id,
        subnetwork: subnetwork.id,
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
          ? { privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: SUBNET_RANGES.controlPlane } }
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
        deletionProtection: args.deletionProtection,
      },
      {
        parent: this,
        dependsOn: [...nodeRoles, ...natResources],
        // Only the removed default pool used nodeConfig; GKE reports it differently afterwards.
        ignoreChanges: ["nodeConfig"],
      },
    );

    const pool = (role: string, settings: { machineType: string; minNodes: number; maxNodes: number; initialNodes: number }, labels: Record<string, string>, taints: Taint[], accelerator?: { type: string; count: number }) =>
      new gcp.container.NodePool(
        `${name}-${role}`,
        {
          name: resourceName(tenant, role, 40),
          project,
          location,
          cluster: cluster.name,
          initialNodeCount: settings.initialNodes,
          autoscaling: poolAutoscaling(settings.minNodes, settings.maxNodes),
          management: { ...NODE_MANAGEMENT },
          nodeConfig: hardenedNodeConfig({
            machineType: settings.machineType,
            diskSizeGb: args.diskSizeGb,
            labels,
            taints,
            serviceAccount: nodeAccount.email,
            resourceLabels: args.labels,
            accelerator,
          }),
        },
        { parent: this },
      );

    const systemPool = pool("system", { ...args.systemPool, initialNodes: 1 }, { ...SYSTEM_POOL_LABELS }, []);
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
    this.networkId = network.id;
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
    this.readyResources = [systemPool, userPool, ...(gpuPool ? [gpuPool] : [])];

    this.registerOutputs({
      clusterName: this.clusterName,
      location: this.location,
      networkId: this.networkId,
      nodeServiceAccountEmail: this.nodeServiceAccountEmail,
      serviceAccountIssuer: this.serviceAccountIssuer,
      kubeconfig: this.kubeconfig,
    });
  }

  /** A Cloud Router with NAT, so that private nodes pull images and reach the internet. */
  private cloudNat(name: string, args: GkeClusterArgs, network: gcp.compute.Network): pulumi.Resource[] {
    const router = new gcp.compute.Router(
      `${name}-router`,
      { name: resourceName(args.tenant, "router"), project: args.project, region: args.region, network: network.id },
      { parent: this },
    );
    const nat = new gcp.compute.RouterNat(
      `${name}-nat`,
      {
        name: resourceName(args.tenant, "nat"),
        project: args.project,
        region: args.region,
        router: router.name,
        natIpAllocateOption: "AUTO_ONLY",
        sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
        logConfig: { enable: true, filter: "ERRORS_ONLY" },
      },
      { parent: this },
    );
    return [router, nat];
  }

  /** The range and the peering that give Cloud SQL a private IP on this network. */
  private privateServiceConnection(name: string, args: GkeClusterArgs, network: gcp.compute.Network): pulumi.Resource {
    const range = new gcp.compute.GlobalAddress(
      `${name}-services-range`,
      {
        name: resourceName(args.tenant, "services-range"),
        project: args.project,
        network: network.id,
        purpose: "VPC_PEERING",
        addressType: "INTERNAL",
        address: SUBNET_RANGES.googleServices.address,
        prefixLength: SUBNET_RANGES.googleServices.prefixLength,
      },
      { parent: this },
    );
    return new gcp.servicenetworking.Connection(
      `${name}-services-peering`,
      {
        network: network.id,
        service: "servicenetworking.googleapis.com",
        reservedPeeringRanges: [range.name],
        // Google keeps Cloud SQL's producer side for days after an instance goes and refuses to delete
        // the connection meanwhile: abandon it rather than fail the destroy here. The peering it leaves
        // must then be removed before the network goes (the README gives the one gcloud command).
        deletionPolicy: "ABANDON",
        // A tenant re-created under the same network name meets the abandoned connection: update it.
        updateOnCreationFail: true,
      },
      { parent: this },
    );
  }
}
