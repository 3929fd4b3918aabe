/**
 * Pod Security for the namespaces hubfleet makes, and how notebook pods are kept
 * from the cloud's metadata server, as pure functions of two facts about the cluster.
 *
 * The chart's `block-cloud-metadata` init container (an iptables rule) runs as
 * root, privileged, with NET_ADMIN: not even Pod Security `baseline` admits it.
 * Where the cluster enforces NetworkPolicy (GKE Dataplane V2, DOKS Cilium), the
 * chart's notebook egress policy already leaves out 169.254.169.254
 * (`egressAllowRules.cloudMetadataServer: false`), so the init container can go
 * and every pod of the tenant namespace passes `restricted`.
 */
import type { KubernetesTarget } from "./cluster/types";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export interface ClusterNetworkFacts {
  /** A NetworkPolicy enforcer runs (GKE Dataplane V2, DOKS Cilium); kind's default CNI may ignore policies. */
  readonly networkPolicyEnforced: boolean;
  /** A cloud metadata server answers on 169.254.169.254 from the nodes (any cloud VM; not a laptop). */
  readonly cloudMetadataServer: boolean;
}

/** How notebook pods are kept from the metadata server. */
export type MetadataBlock = "networkPolicy" | "iptables" | "none";

export function metadataBlock(facts: ClusterNetworkFacts): MetadataBlock {
  if (!facts.cloudMetadataServer) return "none";
  return facts.networkPolicyEnforced ? "networkPolicy" : "iptables";
}

/**
 * The level a tenant namespace enforces: `restricted` unless the iptables init
 * container is needed (a cloud VM whose cluster ignores NetworkPolicy), where
 * the only level that admits it is `privileged`; hubfleet has no such cluster
 * kind today (GKE and DOKS enforce policies, a laptop has no metadata server).
 */
export function tenantPodSecurity(facts: ClusterNetworkFacts): PodSecurityLevel {
  return metadataBlock(facts) === "iptables" ? "privileged" : "restricted";
}

/** The admission labels: enforce the level, and always warn and audit at `restricted` to show what is left. */
export function podSecurityLabels(enforce: PodSecurityLevel): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": enforce,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "latest",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": "latest",
  };
}

/**
 * A cluster's network facts, read off its face: whether it enforces NetworkPolicy (GKE
 * Dataplane V2, DOKS Cilium) and whether pods could reach a cloud metadata server (every
 * cloud; a local cluster, kind or minikube, is assumed to be a laptop without one).
 */
export function clusterNetworkFacts(cluster: Pick<KubernetesTarget, "cloud" | "networkPolicyEnforced">): ClusterNetworkFacts {
  return { networkPolicyEnforced: cluster.networkPolicyEnforced, cloudMetadataServer: cluster.cloud !== "local" };
}

/** Capabilities the Pod Security Baseline standard lets a container add (the policy pack and the tests check against it). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
