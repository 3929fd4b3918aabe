import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { HubScheduling } from "./scheduling";

/**
 * What every cluster kind gives the rest of the estate, and nothing about its cloud.
 * Swapping GKE for DOKS changes which component builds this, not who reads it.
 */
export interface KubernetesTarget {
  /** Every Kubernetes resource of the tenant is created through this provider. */
  readonly provider: k8s.Provider;
  /** Where user and system pods go. */
  readonly scheduling: HubScheduling;
  /** The cloud the cluster runs in; decides which database, DNS and address kinds fit. */
  readonly cloud: "local" | "gcp" | "digitalocean";
  /**
   * The cluster's service-account token issuer (an https URL publishing OIDC
   * discovery), for keyless access to AWS. Absent where the cluster publishes none.
   */
  readonly serviceAccountIssuer?: pulumi.Output<string>;
  /** What the namespace and the hub need before they can run: the cluster and its system pool. */
  readonly systemReady: pulumi.Resource[];
  /** User and GPU pools: they finish alongside the hub, which waits for them only to place placeholders. */
  readonly userPools: pulumi.Resource[];
  /** Whether the cluster enforces NetworkPolicy (GKE Dataplane V2, DOKS Cilium); kind's default CNI does not. */
  readonly networkPolicyEnforced: boolean;
  /** The storage class for the hub's and the in-cluster services' volumes; the cluster default when unset. */
  readonly storageClass?: string;
}

/** Only the neutral face of a cluster component, without its cloud's own fields. */
export function kubernetesTargetOf(cluster: KubernetesTarget): KubernetesTarget {
  const { provider, scheduling, cloud, serviceAccountIssuer, systemReady, userPools, networkPolicyEnforced, storageClass } = cluster;
  return { provider, scheduling, cloud, serviceAccountIssuer, systemReady, userPools, networkPolicyEnforced, storageClass };
}
