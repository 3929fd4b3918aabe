/**
 * A tenant on a GKE cluster that another stack (role `sharedCluster`) built, in
 * Habari's model: one cluster, a namespace and a release per project. The tenant
 * reads the cluster stack's outputs by stack name and, when asked, adds its own
 * user pool to that cluster, tainted and labelled with its name so that no other
 * tenant's servers land on it.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { NODE_MANAGEMENT, hardenedNodeConfig, poolAutoscaling } from "./gke";
import { TENANT_LABEL, USER_POOL_LABELS, USER_POOL_TAINT, dedicatedPoolScheduling, tenantPoolTaint, type HubScheduling, type Taint } from "./scheduling";

/** The outputs a cluster stack exports and its tenants read; the kubeconfig is a secret. */
export const CLUSTER_STACK_OUTPUTS = {
  kubeconfig: "kubeconfig",
  clusterName: "clusterName",
  clusterLocation: "clusterLocation",
  gcpProject: "gcpProject",
  gcpRegion: "gcpRegion",
  networkId: "networkId",
  nodeServiceAccount: "nodeServiceAccount",
  serviceAccountIssuer: "serviceAccountIssuer",
} as const;

export interface SharedClusterPoolSettings {
  readonly machineType: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly diskSizeGb: number;
}

export interface SharedClusterArgs {
  readonly tenant: string;
  /** The cluster stack: `<org>/<project>/<stack>`, or a stack name in this project. */
  readonly stack: string;
  /** The GCP project of the cluster (where the tenant's own pool is created). */
  readonly project: string;
  /** The tenant's own user pool in the shared cluster; absent to share the cluster's user pool. */
  readonly ownUserPool?: SharedClusterPoolSettings;
  /** Labels on the own pool's VMs. */
  readonly labels: Readonly<Record<string, string>>;
}

/** The labels and taints of a tenant's own pool: the user pool's, narrowed to the tenant. */
export function tenantPoolPlacement(tenant: string): { labels: Record<string, string>; taints: Taint[] } {
  return { labels: { ...USER_POOL_LABELS, [TENANT_LABEL]: tenant }, taints: [USER_POOL_TAINT, tenantPoolTaint(tenant)] };
}

export function sharedClusterProblems(args: SharedClusterArgs): string[] {
  const problems: string[] = [];
  const pool = args.ownUserPool;
  if (pool && pool.minNodes > pool.maxNodes) problems.push(`the own user pool's minNodes (${pool.minNodes}) exceeds its maxNodes (${pool.maxNodes})`);
  if (pool && pool.maxNodes < 1) problems.push("the own user pool needs maxNodes of at least 1, or no own pool");
  return problems;
}

export function validateSharedClusterArgs(args: SharedClusterArgs, resource?: pulumi.Resource): void {
  const problems = sharedClusterProblems(args);
  if (problems.length > 0) throw new pulumi.ResourceError(`shared cluster tenant ${args.tenant}: ${problems.join("; ")}`, resource);
}

export class SharedCluster extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  readonly scheduling: HubScheduling;
  readonly cloud = "gcp" as const;
  readonly readyResources: pulumi.Resource[];
  readonly clusterName: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly networkId: pulumi.Output<string>;
  readonly serviceAccountIssuer: pulumi.Output<string>;

  constructor(name: string, args: SharedClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:cluster:Shared", name, {}, opts);
    validateSharedClusterArgs(args, this);
    const clusterStack = new pulumi.StackReference(args.stack, { name: args.stack }, { parent: this });
    const read = (key: keyof typeof CLUSTER_STACK_OUTPUTS) => clusterStack.requireOutput(CLUSTER_STACK_OUTPUTS[key]).apply(String);

    this.clusterName = read("clusterName");
    this.location = read("clusterLocation");
    this.networkId = read("networkId");
    this.serviceAccountIssuer = read("serviceAccountIssuer");
    // The cluster stack exports it as a secret; kept secret here whatever the reference says.
    const kubeconfig = pulumi.secret(read("kubeconfig"));
    this.provider = new k8s.Provider(`${name}-kubernetes`, { kubeconfig, enableServerSideApply: true }, { parent: this });

    const pool = args.ownUserPool;
    if (pool) {
      const placement = tenantPoolPlacement(args.tenant);
      const ownPool = new gcp.container.NodePool(
        `${name}-users`,
        {
          name: resourceName(args.tenant, "users", 40),
          project: args.project,
          location: this.location,
          cluster: this.clusterName,
          initialNodeCount: 0,
          autoscaling: poolAutoscaling(pool.minNodes, pool.maxNodes),
          management: { ...NODE_MANAGEMENT },
          nodeConfig: hardenedNodeConfig({
            machineType: pool.machineType,
            diskSizeGb: pool.diskSizeGb,
            labels: placement.labels,
            taints: placement.taints,
            serviceAccount: read("nodeServiceAccount"),
            resourceLabels: args.labels,
          }),
        },
        { parent: this },
      );
      this.readyResources = [ownPool];
      this.scheduling = dedicatedPoolScheduling({ tenantPool: args.tenant });
    } else {
      this.readyResources = [];
      this.scheduling = dedicatedPoolScheduling();
    }

    this.registerOutputs({ clusterName: this.clusterName, location: this.location, networkId: this.networkId });
  }
}
