/**
 * GKE node pools, as pure arguments: the hardened node config and autoscaling every
 * pool gets, whether it belongs to a dedicated cluster (system, users, GPU) or is a
 * tenant's own pool on a shared cluster.
 */
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { Taint, TaintEffect } from "./scheduling";

export const GKE_TAINT_EFFECTS: Record<TaintEffect, string> = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
};

/** A taint in GKE's spelling: the same key and value, the effect as NO_SCHEDULE. */
export function gkeTaint(taint: Taint): { key: string; value: string; effect: string } {
  return { key: taint.key, value: taint.value, effect: GKE_TAINT_EFFECTS[taint.effect] };
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

export interface GkeNodePoolInput extends NodeConfigInput {
  /** The pool's GKE name. */
  readonly name: string;
  readonly project: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
  readonly cluster: pulumi.Input<string>;
  readonly minNodes: number;
  readonly maxNodes: number;
  /** Nodes at creation; the autoscaler takes over from there. */
  readonly initialNodes: number;
}

/** A node pool's whole arguments: hardened nodes, autoscaling across zones, auto-repair and auto-upgrade. */
export function gkeNodePoolArgs(input: GkeNodePoolInput): gcp.container.NodePoolArgs {
  return {
    name: input.name,
    project: input.project,
    location: input.location,
    cluster: input.cluster,
    initialNodeCount: input.initialNodes,
    autoscaling: poolAutoscaling(input.minNodes, input.maxNodes),
    management: { ...NODE_MANAGEMENT },
    nodeConfig: hardenedNodeConfig(input),
  };
}
