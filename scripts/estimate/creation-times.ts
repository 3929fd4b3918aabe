/**
 * Typical minutes to create one resource of each type in a fresh `pulumi up`, and which
 * operations a cloud runs one at a time. Cloud timings are observations, not guarantees:
 * each entry says where the figure comes from. Types not listed take DEFAULT_MINUTES.
 */

export interface CreationTime {
  readonly minutes: number;
  readonly source: string;
}

const OBSERVED = "typical duration of a create seen in provider logs and cloud consoles (an assumption, not a documented figure)";
const API_CALL = "one API call with no long-running operation: seconds";

export const CREATION_TIMES: Readonly<Record<string, CreationTime>> = {
  "gcp:container/cluster:Cluster": {
    minutes: 7,
    source: `GKE creates the control plane and a default pool, then removes the pool (removeDefaultNodePool): ${OBSERVED}; https://cloud.google.com/kubernetes-engine/docs/how-to/creating-a-zonal-cluster says creation takes several minutes`,
  },
  "gcp:container/nodePool:NodePool": { minutes: 3, source: `a node-pool operation, with its first nodes booting: ${OBSERVED}` },
  "gcp:sql/databaseInstance:DatabaseInstance": {
    minutes: 8,
    source: `Cloud SQL instance with private IP: ${OBSERVED}; https://cloud.google.com/sql/docs/postgres/create-instance`,
  },
  "gcp:sql/database:Database": { minutes: 0.3, source: `a Cloud SQL operation of its own: ${OBSERVED}` },
  "gcp:sql/user:User": { minutes: 0.3, source: `a Cloud SQL operation of its own: ${OBSERVED}` },
  "gcp:servicenetworking/connection:Connection": { minutes: 1.5, source: `private services access peering: ${OBSERVED}` },
  "gcp:compute/network:Network": { minutes: 0.5, source: OBSERVED },
  "gcp:compute/subnetwork:Subnetwork": { minutes: 0.4, source: OBSERVED },
  "gcp:compute/router:Router": { minutes: 0.3, source: OBSERVED },
  "gcp:compute/routerNat:RouterNat": { minutes: 0.5, source: OBSERVED },
  "gcp:compute/globalAddress:GlobalAddress": { minutes: 0.2, source: OBSERVED },
  "gcp:compute/address:Address": { minutes: 0.2, source: OBSERVED },
  "gcp:dns/recordSet:RecordSet": { minutes: 0.1, source: API_CALL },
  "gcp:serviceaccount/account:Account": { minutes: 0.1, source: API_CALL },
  "gcp:projects/iAMMember:IAMMember": { minutes: 0.2, source: `read-modify-write of the project's IAM policy: ${OBSERVED}` },
  "digitalocean:index/vpc:Vpc": { minutes: 0.1, source: API_CALL },
  "digitalocean:index/kubernetesCluster:KubernetesCluster": {
    minutes: 6,
    source: `DOKS control plane and first pool until running: ${OBSERVED}; https://docs.digitalocean.com/products/kubernetes/how-to/create-clusters/`,
  },
  "digitalocean:index/kubernetesNodePool:KubernetesNodePool": { minutes: 3, source: OBSERVED },
  "digitalocean:index/databaseCluster:DatabaseCluster": {
    minutes: 6,
    source: `managed PostgreSQL until online: ${OBSERVED}; https://docs.digitalocean.com/products/databases/postgresql/how-to/create/`,
  },
  "digitalocean:index/databaseDb:DatabaseDb": { minutes: 0.1, source: API_CALL },
  "digitalocean:index/databaseUser:DatabaseUser": { minutes: 0.1, source: API_CALL },
  "digitalocean:index/databaseFirewall:DatabaseFirewall": { minutes: 0.2, source: API_CALL },
  "digitalocean:index/loadBalancer:LoadBalancer": { minutes: 2, source: `load balancer until active: ${OBSERVED}` },
  "digitalocean:index/dnsRecord:DnsRecord": { minutes: 0.05, source: API_CALL },
  "kubernetes:helm.sh/v3:Release": {
    minutes: 4,
    source: `jupyterhub chart with skipAwait false: image pulls, the hub's readiness and the proxy's load balancer address: ${OBSERVED}`,
  },
  "kubernetes:apps/v1:StatefulSet": { minutes: 1, source: `await until the pod is ready (image pull, volume): ${OBSERVED}` },
  "kubernetes:apps/v1:Deployment": { minutes: 1, source: `await until the pods are ready: ${OBSERVED}` },
  "kubernetes:batch/v1:Job": { minutes: 0.5, source: `await until the job completes: ${OBSERVED}` },
  "pulumi:pulumi:StackReference": { minutes: 0.05, source: "reads the other stack's outputs from the backend" },
};

/** Kubernetes objects without a wait, random values, providers, component resources. */
export const DEFAULT_MINUTES = 0.05;
export const FREE_TYPES = [/^hubfleet:/, /^pulumi:providers:/, /^random:/];

export function creationMinutes(type: string): number {
  if (FREE_TYPES.some((pattern) => pattern.test(type))) return 0;
  return CREATION_TIMES[type]?.minutes ?? DEFAULT_MINUTES;
}

/**
 * Operations a cloud runs one at a time, as a key per resource: resources with the same
 * key wait for each other whatever the dependency graph allows.
 */
export const SERIALISED: Readonly<
  Record<string, { readonly key: (inputs: Record<string, unknown>) => string | undefined; readonly source: string }>
> = {
  "gcp:container/nodePool:NodePool": {
    key: (inputs) => `GKE cluster ${String(inputs.cluster)}`,
    source:
      "GKE runs one operation at a time on a cluster: a second node-pool create fails with 'operation ... is currently running', and the google provider waits for it",
  },
  "gcp:sql/database:Database": {
    key: (inputs) => `Cloud SQL instance ${String(inputs.instance)}`,
    source:
      "Cloud SQL runs one operation at a time per instance (error 'operationInProgress'); the google provider holds a lock per instance",
  },
  "gcp:sql/user:User": {
    key: (inputs) => `Cloud SQL instance ${String(inputs.instance)}`,
    source:
      "Cloud SQL runs one operation at a time per instance (error 'operationInProgress'); the google provider holds a lock per instance",
  },
  "gcp:projects/iAMMember:IAMMember": {
    key: (inputs) => `IAM policy of project ${String(inputs.project)}`,
    source: "the google provider changes a project's IAM policy under a lock per project (read, modify, write with an etag)",
  },
  "digitalocean:index/databaseUser:DatabaseUser": {
    key: (inputs) => `DigitalOcean database ${String(inputs.clusterId)}`,
    source: "the digitalocean provider creates users and databases of one cluster under a lock: the API refuses concurrent changes",
  },
  "digitalocean:index/databaseDb:DatabaseDb": {
    key: (inputs) => `DigitalOcean database ${String(inputs.clusterId)}`,
    source: "the digitalocean provider creates users and databases of one cluster under a lock: the API refuses concurrent changes",
  },
};
