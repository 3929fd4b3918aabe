/**
 * Builders for pieces that live inside the cluster: a local cluster, in-cluster PostgreSQL and MinIO;
 * and the database kinds that need no cloud: none, and an external server reached from the cluster.
 */
import { LocalCluster } from "../../components/cluster/local";
import { kubernetesTargetOf } from "../../components/cluster/types";
import { ExternalPostgres } from "../../components/database/external";
import { InClusterPostgres } from "../../components/database/incluster";
import type { HubEndpoint } from "../../components/endpoint/types";
import { LocalRegistry } from "../../components/images/local-registry";
import { MinioStore } from "../../components/storage/minio";
import type { ClusterPlan, DatabasePlan, EndpointPlan, RegistryPlan, StoragePlan } from "../plan";
import type { EstateCluster, EstateContext, TenantContext } from "./types";

export function localClusterBuilder(part: Extract<ClusterPlan, { kind: "local" }>, context: EstateContext): EstateCluster {
  const cluster = new LocalCluster(`${context.name}-cluster`, part.args, { parent: context.parent });
  return { kind: "local", ...kubernetesTargetOf(cluster), outputs: { kubeContext: cluster.context } };
}

/** Works on any cluster kind: the database is a StatefulSet in the tenant namespace. */
export function inClusterDatabaseBuilder(part: Extract<DatabasePlan, { kind: "incluster" }>, context: TenantContext) {
  const { parent, cluster, namespace } = context;
  return new InClusterPostgres(
    `${context.name}-database`,
    { ...part.args, namespace, storageClass: cluster.storageClass },
    { parent, providers: [cluster.provider] },
  );
}

/** No database server: the hub keeps SQLite on a small volume. */
export function noDatabaseBuilder(): undefined {
  return undefined;
}

/** An existing server on any cluster kind: the isolation Job runs in the cluster, through its Kubernetes provider. */
export function externalDatabaseBuilder(part: Extract<DatabasePlan, { kind: "external" }>, context: TenantContext) {
  const { parent, cluster } = context;
  const { admin, ...args } = part.args;
  return new ExternalPostgres(
    `${context.name}-database`,
    { ...args, admin: { user: admin.user, password: admin.password.value, database: admin.database } },
    { parent, providers: [cluster.provider] },
  );
}

export function minioStorageBuilder(part: Extract<StoragePlan, { kind: "minio" }>, context: TenantContext) {
  const { parent, cluster, namespace } = context;
  return new MinioStore(
    `${context.name}-storage`,
    { ...part.args, namespace, storageClass: cluster.storageClass },
    { parent, providers: [cluster.provider] },
  );
}

/** No address or name to reserve: the proxy is a ClusterIP service reached with `kubectl port-forward`. */
export function localEndpointBuilder(part: Extract<EndpointPlan, { kind: "local" }>): HubEndpoint {
  return { hostname: part.hostname, proxyServiceType: "ClusterIP", readyResources: [] };
}

/** kind's documented local registry, which the nodes' containerd already reaches. */
export function localRegistryBuilder(part: Extract<RegistryPlan, { kind: "local" }>, context: EstateContext) {
  return new LocalRegistry(`${context.name}-registry`, part.args, { parent: context.parent });
}
