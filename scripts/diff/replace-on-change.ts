/**
 * Which input changes a provider carries out by deleting and re-creating the resource.
 *
 * The render only knows inputs, not what each provider does with a change, so this table
 * carries that knowledge for every resource type hubfleet registers. A path matches a
 * changed field when it is the field or one of its parents ("nodeConfig.guestAccelerators"
 * matches "nodeConfig.guestAccelerators[0].type"). Each entry names its source: the
 * provider schema's ForceNew fields (Terraform providers that the Pulumi providers bridge)
 * or the Kubernetes provider's own replacement table. Fields that the providers update
 * in place (pool sizes, machine types, node taints, labels) are deliberately absent.
 */

export interface ReplaceRule {
  /** Input paths in Pulumi's camelCase names, without array indices. */
  readonly paths: readonly string[];
  /** Where the fact comes from, for a reviewer who doubts it. */
  readonly source: string;
}

const TPG = "hashicorp/terraform-provider-google";
const TPDO = "digitalocean/terraform-provider-digitalocean";
const TPAWS = "hashicorp/terraform-provider-aws";
const K8S = "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNew table)";

/** Kubernetes objects are replaced when their name or namespace changes. */
const K8S_METADATA = ["metadata.name", "metadata.namespace"];

export const REPLACE_ON_CHANGE: Readonly<Record<string, ReplaceRule>> = {
  "gcp:container/cluster:Cluster": {
    paths: [
      "name",
      "location",
      "project",
      "network",
      "subnetwork",
      "networkingMode",
      "ipAllocationPolicy",
      "initialNodeCount",
      "datapathProvider",
      "privateClusterConfig.masterIpv4CidrBlock",
      "nodeConfig.serviceAccount",
      "nodeConfig.oauthScopes",
      "nodeConfig.shieldedInstanceConfig",
      "enableAutopilot",
    ],
    source: `${TPG} google/services/container/resource_container_cluster.go and node_config.go (ForceNew)`,
  },
  "gcp:container/nodePool:NodePool": {
    // node_config.taint, machine_type, disk_*, image_type, labels and tags update in place.
    paths: [
      "name",
      "namePrefix",
      "project",
      "cluster",
      "location",
      "initialNodeCount",
      "maxPodsPerNode",
      "placementPolicy",
      "queuedProvisioning",
      "nodeConfig.guestAccelerators",
      "nodeConfig.localSsdCount",
      "nodeConfig.metadata",
      "nodeConfig.minCpuPlatform",
      "nodeConfig.oauthScopes",
      "nodeConfig.preemptible",
      "nodeConfig.spot",
      "nodeConfig.serviceAccount",
      "nodeConfig.shieldedInstanceConfig",
      "nodeConfig.reservationAffinity",
      "nodeConfig.gvnic",
      "nodeConfig.gcfsConfig",
      "nodeConfig.secondaryBootDisks",
      "nodeConfig.ephemeralStorageLocalSsdConfig",
      "nodeConfig.localNvmeSsdBlockConfig",
    ],
    source: `${TPG} google/services/container/resource_container_node_pool.go and node_config.go (ForceNew)`,
  },
  "gcp:sql/databaseInstance:DatabaseInstance": {
    paths: ["name", "project", "region", "masterInstanceName", "replicaConfiguration", "encryptionKeyName"],
    source: `${TPG} google/services/sql/resource_sql_database_instance.go (ForceNew)`,
  },
  "gcp:sql/database:Database": {
    paths: ["name", "instance", "project"],
    source: `${TPG} google/services/sql/resource_sql_database.go (ForceNew)`,
  },
  "gcp:sql/user:User": {
    paths: ["name", "instance", "project", "host", "type"],
    source: `${TPG} google/services/sql/resource_sql_user.go (ForceNew)`,
  },
  "gcp:compute/address:Address": {
    paths: [
      "name",
      "project",
      "region",
      "address",
      "addressType",
      "networkTier",
      "purpose",
      "subnetwork",
      "network",
      "prefixLength",
      "description",
    ],
    source: `${TPG} google/services/compute/resource_compute_address.go (every field but labels is ForceNew)`,
  },
  "gcp:compute/globalAddress:GlobalAddress": {
    paths: ["name", "project", "address", "addressType", "network", "prefixLength", "purpose", "ipVersion", "description"],
    source: `${TPG} google/services/compute/resource_compute_global_address.go (every field but labels is ForceNew)`,
  },
  "gcp:compute/network:Network": {
    paths: ["name", "project", "autoCreateSubnetworks"],
    source: `${TPG} google/services/compute/resource_compute_network.go (ForceNew)`,
  },
  "gcp:compute/subnetwork:Subnetwork": {
    paths: ["name", "project", "region", "network"],
    source: `${TPG} google/services/compute/resource_compute_subnetwork.go (ForceNew; ipCidrRange may grow in place)`,
  },
  "gcp:compute/router:Router": {
    paths: ["name", "project", "region", "network"],
    source: `${TPG} google/services/compute/resource_compute_router.go (ForceNew)`,
  },
  "gcp:compute/routerNat:RouterNat": {
    paths: ["name", "project", "region", "router"],
    source: `${TPG} google/services/compute/resource_compute_router_nat.go (ForceNew)`,
  },
  "gcp:dns/recordSet:RecordSet": {
    paths: ["name", "managedZone", "project"],
    source: `${TPG} google/services/dns/resource_dns_record_set.go (ForceNew)`,
  },
  "gcp:serviceaccount/account:Account": {
    paths: ["accountId", "project"],
    source: `${TPG} google/services/resourcemanager/resource_google_service_account.go (ForceNew)`,
  },
  "gcp:projects/iAMMember:IAMMember": {
    paths: ["member", "project", "role", "condition"],
    source: `${TPG} google/services/resourcemanager/iam_member (ForceNew)`,
  },
  "gcp:servicenetworking/connection:Connection": {
    paths: ["network", "service"],
    source: `${TPG} google/services/servicenetworking/resource_service_networking_connection.go (ForceNew)`,
  },
  "digitalocean:index/kubernetesCluster:KubernetesCluster": {
    // The default pool's size is ForceNew inside the cluster: a new size re-creates the cluster.
    paths: ["region", "vpcUuid", "clusterSubnet", "serviceSubnet", "nodePool.size"],
    source: `${TPDO} digitalocean/kubernetes/resource_kubernetes_cluster.go and kubernetes.go nodePoolSchema (ForceNew)`,
  },
  "digitalocean:index/kubernetesNodePool:KubernetesNodePool": {
    // Taints, labels, counts and autoscaling update in place; the droplet size does not.
    paths: ["clusterId", "size"],
    source: `${TPDO} digitalocean/kubernetes/kubernetes.go nodePoolSchema (ForceNew)`,
  },
  "digitalocean:index/databaseCluster:DatabaseCluster": {
    // size, nodeCount and version resize or upgrade in place; region migrates in place.
    paths: ["name", "engine", "privateNetworkUuid", "projectId"],
    source: `${TPDO} digitalocean/database/resource_database_cluster.go (ForceNew)`,
  },
  "digitalocean:index/databaseDb:DatabaseDb": {
    paths: ["clusterId", "name"],
    source: `${TPDO} digitalocean/database/resource_database_db.go (ForceNew)`,
  },
  "digitalocean:index/databaseUser:DatabaseUser": {
    paths: ["clusterId", "name"],
    source: `${TPDO} digitalocean/database/resource_database_user.go (ForceNew)`,
  },
  "digitalocean:index/databaseFirewall:DatabaseFirewall": {
    paths: ["clusterId"],
    source: `${TPDO} digitalocean/database/resource_database_firewall.go (ForceNew)`,
  },
  "digitalocean:index/dnsRecord:DnsRecord": {
    paths: ["domain", "type"],
    source: `${TPDO} digitalocean/domain/resource_record.go (ForceNew)`,
  },
  "digitalocean:index/vpc:Vpc": { paths: ["region", "ipRange"], source: `${TPDO} digitalocean/vpc/resource_vpc.go (ForceNew)` },
  "digitalocean:index/loadBalancer:LoadBalancer": {
    paths: ["region", "vpcUuid"],
    source: `${TPDO} digitalocean/loadbalancer/resource_loadbalancer.go (ForceNew)`,
  },
  "aws:s3/bucket:Bucket": {
    paths: ["bucket", "bucketPrefix", "objectLockEnabled"],
    source: `${TPAWS} internal/service/s3/bucket.go (ForceNew)`,
  },
  "aws:iam/role:Role": { paths: ["name", "namePrefix", "path"], source: `${TPAWS} internal/service/iam/role.go (ForceNew)` },
  "aws:iam/rolePolicy:RolePolicy": {
    paths: ["name", "namePrefix", "role"],
    source: `${TPAWS} internal/service/iam/role_policy.go (ForceNew)`,
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
    paths: ["url"],
    source: `${TPAWS} internal/service/iam/openid_connect_provider.go (ForceNew)`,
  },
  "kubernetes:core/v1:Namespace": { paths: K8S_METADATA, source: K8S },
  "kubernetes:core/v1:ServiceAccount": { paths: K8S_METADATA, source: K8S },
  "kubernetes:core/v1:ConfigMap": { paths: [...K8S_METADATA, "data", "binaryData"], source: K8S },
  "kubernetes:core/v1:Secret": { paths: [...K8S_METADATA, "type", "stringData", "data"], source: K8S },
  "kubernetes:core/v1:Service": { paths: [...K8S_METADATA, "spec.clusterIP"], source: K8S },
  "kubernetes:core/v1:PersistentVolumeClaim": { paths: [...K8S_METADATA, "spec"], source: K8S },
  "kubernetes:apps/v1:StatefulSet": {
    paths: [
      ...K8S_METADATA,
      "spec.podManagementPolicy",
      "spec.revisionHistoryLimit",
      "spec.selector",
      "spec.serviceName",
      "spec.volumeClaimTemplates",
    ],
    source: K8S,
  },
  "kubernetes:apps/v1:Deployment": { paths: [...K8S_METADATA, "spec.selector"], source: K8S },
  "kubernetes:batch/v1:Job": {
    paths: [...K8S_METADATA, "spec.completions", "spec.parallelism", "spec.selector", "spec.template"],
    source: K8S,
  },
  "random:index/randomPassword:RandomPassword": {
    paths: [
      "length",
      "special",
      "upper",
      "lower",
      "numeric",
      "minLower",
      "minUpper",
      "minNumeric",
      "minSpecial",
      "overrideSpecial",
      "keepers",
    ],
    source: "pulumi/pulumi-random (terraform-provider-random: every argument requires replacement, which generates a new password)",
  },
  "random:index/randomId:RandomId": {
    paths: ["byteLength", "prefix", "keepers"],
    source: "pulumi/pulumi-random (terraform-provider-random: every argument requires replacement)",
  },
};

/** "a.b[2].c" -> "a.b.c": the table ignores which element of a list changed. */
export function withoutIndices(path: string): string {
  return path.replace(/\[\d+\]/g, "");
}

/** The table's paths that the changed field paths touch (empty: an in-place update). */
export function replacingPaths(type: string, changedPaths: readonly string[]): string[] {
  const rule = REPLACE_ON_CHANGE[type];
  if (!rule) return [];
  const changed = changedPaths.map(withoutIndices);
  return rule.paths.filter((ruled) => changed.some((path) => path === ruled || path.startsWith(`${ruled}.`)));
}
