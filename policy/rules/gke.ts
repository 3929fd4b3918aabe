/** GKE clusters and node pools: the CIS GKE Benchmark (1.4 numbering) rules hubfleet keeps. */
import { at, resourceRule, type CheckedResource, type HubfleetPolicy } from "../rule";

export const GKE_CLUSTER = "gcp:container/cluster:Cluster";
export const GKE_NODE_POOL = "gcp:container/nodePool:NodePool";
const BOTH = [GKE_CLUSTER, GKE_NODE_POOL];

/** A cluster's own nodeConfig (absent when the default pool is removed at once) or a pool's. */
function nodeConfig(resource: CheckedResource): unknown {
  return at(resource.props, "nodeConfig");
}

const DEFAULT_COMPUTE_ACCOUNT = /-compute@developer\.gserviceaccount\.com$/;

export const gkePolicies: HubfleetPolicy[] = [
  resourceRule({
    name: "gke-workload-identity",
    description: "GKE uses Workload Identity: a workload pool on the cluster and the GKE metadata server on every node",
    benchmarks: ["CIS GKE 1.4 5.2.2", "CIS GKE 1.4 5.4.2", "trivy google-gke-node-metadata-security"],
    types: BOTH,
    check: (r) => {
      const problems: string[] = [];
      if (r.type === GKE_CLUSTER && !at(r.props, "workloadIdentityConfig", "workloadPool"))
        problems.push("the cluster has no workloadIdentityConfig.workloadPool");
      const config = nodeConfig(r);
      if ((r.type === GKE_NODE_POOL || config !== undefined) && at(config, "workloadMetadataConfig", "mode") !== "GKE_METADATA")
        problems.push("nodeConfig.workloadMetadataConfig.mode is not GKE_METADATA");
      return problems;
    },
  }),
  resourceRule({
    name: "gke-shielded-nodes-secure-boot",
    description: "GKE nodes are Shielded GKE Nodes with secure boot",
    benchmarks: ["CIS GKE 1.4 5.5.5", "CIS GKE 1.4 5.5.7", "trivy google-gke-node-shielding-enabled"],
    types: BOTH,
    check: (r) => {
      const problems: string[] = [];
      if (r.type === GKE_CLUSTER && at(r.props, "enableShieldedNodes") === false) problems.push("enableShieldedNodes is false");
      const config = nodeConfig(r);
      if ((r.type === GKE_NODE_POOL || config !== undefined) && at(config, "shieldedInstanceConfig", "enableSecureBoot") !== true)
        problems.push("nodeConfig.shieldedInstanceConfig.enableSecureBoot is not true");
      return problems;
    },
  }),
  resourceRule({
    name: "gke-no-legacy-abac",
    description: "GKE authorises with RBAC only: legacy ABAC is off",
    benchmarks: ["CIS GKE 1.4 5.8.4", "trivy google-gke-use-rbac-permissions"],
    types: [GKE_CLUSTER],
    check: (r) => (at(r.props, "enableLegacyAbac") === true ? ["enableLegacyAbac is true"] : []),
  }),
  resourceRule({
    name: "gke-no-client-certificate",
    description: "GKE issues no client certificate (a credential that cannot be revoked)",
    benchmarks: ["CIS GKE 1.4 5.8.2", "trivy google-gke-no-legacy-authentication"],
    types: [GKE_CLUSTER],
    check: (r) =>
      at(r.props, "masterAuth", "clientCertificateConfig", "issueClientCertificate") === true
        ? ["masterAuth.clientCertificateConfig.issueClientCertificate is true"]
        : [],
  }),
  resourceRule({
    name: "gke-release-channel",
    description: "GKE follows a release channel, so the control plane and nodes get patched",
    benchmarks: ["CIS GKE 1.4 5.5.4"],
    types: [GKE_CLUSTER],
    check: (r) => {
      const channel = at(r.props, "releaseChannel", "channel");
      return typeof channel === "string" && ["RAPID", "REGULAR", "STABLE", "EXTENDED"].includes(channel)
        ? []
        : [`releaseChannel.channel is ${JSON.stringify(channel ?? null)}, not RAPID, REGULAR, STABLE or EXTENDED`];
    },
  }),
  resourceRule({
    name: "gke-network-policy",
    description: "GKE enforces Kubernetes NetworkPolicy (Dataplane V2 or the network-policy add-on)",
    benchmarks: ["CIS GKE 1.4 5.6.7", "trivy google-gke-enable-network-policy"],
    types: [GKE_CLUSTER],
    check: (r) =>
      at(r.props, "datapathProvider") === "ADVANCED_DATAPATH" || at(r.props, "networkPolicy", "enabled") === true
        ? []
        : ["neither datapathProvider ADVANCED_DATAPATH nor networkPolicy.enabled: NetworkPolicy objects would be ignored"],
  }),
  resourceRule({
    name: "gke-node-service-account",
    description: "GKE nodes run as a dedicated service account, not the Compute Engine default one",
    benchmarks: ["CIS GKE 1.4 5.2.1", "trivy google-gke-use-service-account"],
    types: BOTH,
    check: (r) => {
      const config = nodeConfig(r);
      if (r.type === GKE_CLUSTER && config === undefined) return [];
      const account = at(config, "serviceAccount");
      if (typeof account !== "string" || account === "" || account === "default")
        return ["nodeConfig.serviceAccount is not set: nodes would use the Compute Engine default account"];
      return DEFAULT_COMPUTE_ACCOUNT.test(account) ? [`nodeConfig.serviceAccount ${account} is the Compute Engine default account`] : [];
    },
  }),
  resourceRule({
    name: "gke-node-auto-repair-upgrade",
    description: "GKE node pools repair and upgrade themselves",
    benchmarks: ["CIS GKE 1.4 5.5.2", "CIS GKE 1.4 5.5.3", "trivy google-gke-enable-auto-repair", "trivy google-gke-enable-auto-upgrade"],
    types: [GKE_NODE_POOL],
    check: (r) =>
      [
        at(r.props, "management", "autoRepair") === true ? undefined : "management.autoRepair is not true",
        at(r.props, "management", "autoUpgrade") === true ? undefined : "management.autoUpgrade is not true",
      ].filter((m): m is string => m !== undefined),
  }),
];
