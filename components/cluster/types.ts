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
  /** Resources the hub must wait for, such as the user node pool. */
  readonly readyResources: pulumi.Resource[];
  /** The storage class for the hub's and the in-cluster services' volumes; the cluster default when unset. */
  readonly storageClass?: string;
}

/** Only the neutral face of a cluster component, without its cloud's own fields. */
export function kubernetesTargetOf(cluster: KubernetesTarget): KubernetesTarget {
  const { provider, scheduling, cloud, serviceAccountIssuer, readyResources, storageClass } = cluster;
  return { provider, scheduling, cloud, serviceAccountIssuer, readyResources, storageClass };
}
