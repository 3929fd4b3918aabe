/**
 * A tenant's share of a GKE cluster that another stack (role `sharedCluster`) built,
 * in Habari's model: one cluster, a namespace and a release per project. The tenant
 * reads the cluster stack's plain outputs by stack name (endpoint, CA, issuer: no
 * credential, so no access to the cluster stack's secrets is needed) and builds its
 * own kubeconfig that authenticates with the deployer's Google credentials. When
 * asked, it adds its own user pool to the cluster, tainted and labelled with its
 * name so that no other tenant's servers land on it.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { assertNoProblems, type ArgProblem } from "../problems";
import { gkeKubeconfig } from "./gke";
import { gkeNodePoolArgs } from "./gke-node-pool";
import {
  TENANT_LABEL,
  USER_POOL_LABELS,
  USER_POOL_TAINT,
  dedicatedPoolScheduling,
  tenantPoolTaint,
  type HubScheduling,
  type Taint,
} from "./scheduling";

/** The outputs a cluster stack exports and its tenants read. None holds a credential. */
export const CLUSTER_STACK_OUTPUTS = {
  clusterName: "clusterName",
  clusterLocation: "clusterLocation",
  clusterEndpoint: "clusterEndpoint",
  clusterCaCertificate: "clusterCaCertificate",
  gcpProject: "gcpProject",
  gcpRegion: "gcpRegion",
  networkId: "networkId",
  nodeServiceAccount: "nodeServiceAccount",
  serviceAccountIssuer: "serviceAccountIssuer",
  /** The notebook images the cluster stack built for its tenants: image name → digest reference (JSON when read). */
  notebookImages: "notebookImages",
  /** The cluster stack's image repository, where tenants push their own derived images. */
  imageRepository: "imageRepository",
} as const;

export type ClusterStackOutput = keyof typeof CLUSTER_STACK_OUTPUTS;

export interface GkeTenantPoolSettings {
  readonly machineType: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly diskSizeGb: number;
}

export interface GkeTenantClusterArgs {
  readonly tenant: string;
  /** The cluster stack's outputs (read by the estate through one StackReference). */
  readonly clusterStack: Readonly<Record<ClusterStackOutput, pulumi.Output<string>>>;
  /** The tenant's own user pool in the shared cluster; absent to share the cluster's user pool. */
  readonly ownUserPool?: GkeTenantPoolSettings;
  /** Labels on the own pool's VMs. */
  readonly labels: Readonly<Record<string, string>>;
}

/** The labels and taints of a tenant's own pool: the user pool's, narrowed to the tenant. */
export function tenantPoolPlacement(tenant: string): { labels: Record<string, string>; taints: Taint[] } {
  return { labels: { ...USER_POOL_LABELS, [TENANT_LABEL]: tenant }, taints: [USER_POOL_TAINT, tenantPoolTaint(tenant)] };
}

export function gkeTenantClusterProblems(args: Pick<GkeTenantClusterArgs, "ownUserPool">): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const pool = args.ownUserPool;
  if (pool && pool.minNodes > pool.maxNodes)
    problems.push({ arg: "ownUserPool.minNodes", message: `${pool.minNodes} exceeds maxNodes (${pool.maxNodes})` });
  if (pool && pool.maxNodes < 1) problems.push({ arg: "ownUserPool.maxNodes", message: "must be at least 1, or use no own pool" });
  return problems;
}

export class GkeTenantCluster extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  readonly scheduling: HubScheduling;
  readonly cloud = "gcp" as const;
  readonly systemReady: pulumi.Resource[] = [];
  readonly userPools: pulumi.Resource[];
  readonly networkPolicyEnforced = true;
  readonly clusterName: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly networkId: pulumi.Output<string>;
  readonly serviceAccountIssuer: pulumi.Output<string>;

  constructor(name: string, args: GkeTenantClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:cluster:GkeTenant", name, {}, opts);
    assertNoProblems(`shared cluster tenant ${args.tenant}`, gkeTenantClusterProblems(args), this);
    const facts = args.clusterStack;

    this.clusterName = facts.clusterName;
    this.location = facts.clusterLocation;
    this.networkId = facts.networkId;
    this.serviceAccountIssuer = facts.serviceAccountIssuer;
    // No credential in it (the auth plugin mints one), but kept secret like every kubeconfig here.
    const kubeconfig = pulumi.secret(
      pulumi
        .all([facts.gcpProject, facts.clusterLocation, facts.clusterName, facts.clusterEndpoint, facts.clusterCaCertificate])
        .apply(([project, location, clusterName, endpoint, caCertificate]) =>
          gkeKubeconfig({ project, location, name: clusterName, endpoint, caCertificate }),
        ),
    );
    this.provider = new k8s.Provider(`${name}-kubernetes`, { kubeconfig, enableServerSideApply: true }, { parent: this });

    const pool = args.ownUserPool;
    if (pool) {
      const placement = tenantPoolPlacement(args.tenant);
      const ownPool = new gcp.container.NodePool(
        `${name}-users`,
        gkeNodePoolArgs({
          name: resourceName(args.tenant, "users", 40),
          project: facts.gcpProject,
          location: this.location,
          cluster: this.clusterName,
          minNodes: pool.minNodes,
          maxNodes: pool.maxNodes,
          initialNodes: 0,
          machineType: pool.machineType,
          diskSizeGb: pool.diskSizeGb,
          labels: placement.labels,
          taints: placement.taints,
          serviceAccount: facts.nodeServiceAccount,
          resourceLabels: args.labels,
        }),
        { parent: this },
      );
      this.userPools = [ownPool];
      this.scheduling = dedicatedPoolScheduling({ tenantPool: args.tenant });
    } else {
      this.userPools = [];
      this.scheduling = dedicatedPoolScheduling();
    }

    this.registerOutputs({ clusterName: this.clusterName, location: this.location, networkId: this.networkId });
  }
}
