/**
 * The chart values that make notebook pods pass Pod Security `restricted` and keep
 * them from the cloud's metadata server, as a pure function of the cluster's facts.
 *
 * - Notebook pods: KubeSpawner builds them, so their security settings are
 *   KubeSpawner's: `pod_security_context` and `container_security_context` (merged
 *   over what `singleuser.uid`, `fsGid` and `allowPrivilegeEscalation` give; the
 *   explicit dicts win), and `automount_service_account_token: false`, since
 *   KubeSpawner mounts an API token whenever a service account is named. A
 *   projected service-account token volume (AWS web identity) is a volume of its
 *   own and is mounted either way. Pod-wide `runAsNonRoot` and seccomp are set only
 *   when the iptables init container is off: it runs as root, and a pod-wide
 *   `runAsNonRoot` would keep every notebook from starting.
 * - The metadata server: by NetworkPolicy where the cluster enforces it (see
 *   ../pod-security.ts). The chart's `nonPrivateIPs` rule leaves out only
 *   169.254.169.254; hubfleet's own rule leaves out all of link-local
 *   169.254.0.0/16 (GKE's metadata server also answers on 169.254.169.252), with
 *   DNS to link-local kept for node-local DNS caches.
 */
import { metadataBlock, type ClusterNetworkFacts } from "../pod-security";
import type { EgressRule } from "./values";

/** jovyan:users in the Jupyter Docker Stacks images, which every stack runs. */
export const NOTEBOOK_UID = 1000;
export const NOTEBOOK_GID = 100;

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
export const LINK_LOCAL = "169.254.0.0/16";

/** Public internet, minus private and link-local ranges; and DNS to link-local (node-local caches). */
export function publicEgressWithoutLinkLocal(): EgressRule[] {
  return [
    { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...PRIVATE_RANGES, LINK_LOCAL] } }] },
    {
      to: [{ ipBlock: { cidr: LINK_LOCAL } }],
      ports: [
        { port: 53, protocol: "UDP" },
        { port: 53, protocol: "TCP" },
      ],
    },
  ];
}

export interface NotebookSecurityValues {
  readonly hub: Record<string, unknown>;
  readonly singleuser: Record<string, unknown>;
  /** Egress rules to add to `singleuser.networkPolicy.egress`. */
  readonly egress: EgressRule[];
}

/** Values for notebook pods; without facts about the cluster, the chart's iptables block stays as it is. */
export function notebookSecurityValues(network: ClusterNetworkFacts | undefined): NotebookSecurityValues {
  const block = network ? metadataBlock(network) : "iptables";
  const seccomp = { type: "RuntimeDefault" };
  return {
    hub: {
      config: {
        KubeSpawner: {
          automount_service_account_token: false,
          ...(block === "iptables" ? {} : { pod_security_context: { runAsNonRoot: true, seccompProfile: seccomp } }),
          container_security_context: {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: seccomp,
          },
        },
      },
    },
    singleuser: {
      uid: NOTEBOOK_UID,
      fsGid: NOTEBOOK_GID,
      allowPrivilegeEscalation: false,
      ...(network ? { cloudMetadata: { blockWithIptables: block === "iptables" } } : {}),
      ...(block === "networkPolicy"
        ? { networkPolicy: { enabled: true, egressAllowRules: { cloudMetadataServer: false, nonPrivateIPs: false } } }
        : {}),
    },
    egress: block === "networkPolicy" ? publicEgressWithoutLinkLocal() : [],
  };
}
