/**
 * How hub pods are placed on nodes: the labels and taints hubfleet puts on
 * dedicated pools, and the placement the hub chart is given to match them. One
 * definition, read by every cluster kind and by the hub values builder.
 */

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

/** A taint in Kubernetes' own spelling; each cloud converts it (GKE: NO_SCHEDULE). */
export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: TaintEffect;
}

export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** The node label the chart's `matchNodePurpose` looks for. */
export const NODE_PURPOSE_LABEL = "hub.jupyter.org/node-purpose";

/** The user-pool taint the chart's user pods tolerate by default (the '_' form is valid on every cloud). */
export const USER_POOL_TAINT: Taint = { key: "hub.jupyter.org_dedicated", value: "user", effect: "NoSchedule" };

export const USER_POOL_LABELS: Readonly<Record<string, string>> = { [NODE_PURPOSE_LABEL]: "user" };
export const SYSTEM_POOL_LABELS: Readonly<Record<string, string>> = { [NODE_PURPOSE_LABEL]: "core" };

/** A tenant's own pool in a shared cluster: labelled and tainted with its name, so no other tenant lands there. */
export const TENANT_LABEL = "hubfleet.io/tenant";
export function tenantPoolTaint(tenant: string): Taint {
  return { key: TENANT_LABEL, value: tenant, effect: "NoSchedule" };
}

/**
 * hubfleet's own taint on a GPU pool, so that only GPU profiles' servers land there.
 * Not GKE's `nvidia.com/gpu`: GKE adds that one itself (when the cluster has a
 * non-GPU pool), and a pool declaring it too is refused as a duplicate taint.
 */
export const GPU_POOL_TAINT: Taint = { key: "hubfleet.io/gpu", value: "true", effect: "NoSchedule" };

/** The taint GKE may put on GPU nodes itself; GPU profiles' servers tolerate it. */
export const GKE_GPU_TAINT: Taint = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };

export function tolerate(taint: Taint): Toleration {
  return { key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect };
}

export type NodePurposeMatch = "require" | "prefer" | "ignore";

export interface PodPlacement {
  /** The chart's nodeAffinity on the node-purpose label. */
  readonly matchNodePurpose: NodePurposeMatch;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/** Where each kind of hub pod goes. Plain data, known before any resource exists. */
export interface HubScheduling {
  /** Notebook servers and user placeholders. */
  readonly user: PodPlacement;
  /** Hub, proxy, user scheduler and other chart services. */
  readonly core: PodPlacement;
  /** Servers of a GPU profile, when the cluster has a GPU pool. */
  readonly gpu?: PodPlacement;
}

/** Any Kubernetes cluster without dedicated pools (kind, minikube, Docker Desktop). */
export function anywhereScheduling(): HubScheduling {
  return {
    user: { matchNodePurpose: "prefer", nodeSelector: {}, tolerations: [tolerate(USER_POOL_TAINT)] },
    core: { matchNodePurpose: "prefer", nodeSelector: {}, tolerations: [] },
  };
}

/**
 * A cluster with a system pool labelled `core` and a user pool labelled `user` and
 * tainted: user pods require the user pool and tolerate its taint, chart services
 * require the system pool. `tenant` narrows the user pool to a tenant's own pool.
 */
export function dedicatedPoolScheduling(options: { tenantPool?: string; gpu?: boolean } = {}): HubScheduling {
  const userTolerations = [tolerate(USER_POOL_TAINT)];
  const userSelector: Record<string, string> = {};
  if (options.tenantPool) {
    userTolerations.push(tolerate(tenantPoolTaint(options.tenantPool)));
    userSelector[TENANT_LABEL] = options.tenantPool;
  }
  return {
    user: { matchNodePurpose: "require", nodeSelector: userSelector, tolerations: userTolerations },
    core: { matchNodePurpose: "require", nodeSelector: {}, tolerations: [] },
    ...(options.gpu
      ? {
          gpu: {
            matchNodePurpose: "require",
            nodeSelector: { ...userSelector, "hubfleet.io/gpu": "true" },
            tolerations: [...userTolerations, tolerate(GPU_POOL_TAINT), tolerate(GKE_GPU_TAINT)],
          },
        }
      : {}),
  };
}
