/** Builders for pieces that live inside the cluster: a local cluster, in-cluster PostgreSQL and MinIO. */
import { LocalCluster } from "../../components/cluster/local";
import { kubernetesTargetOf } from "../../components/cluster/types";
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
  return new InClusterPostgres(`${context.name}-database`, { ...part.args, namespace, storageClass: cluster.storageClass }, { parent, providers: [cluster.provider] });
}

export function minioStorageBuilder(part: Extract<StoragePlan, { kind: "minio" }>, context: TenantContext) {
  const { parent, cluster, namespace } = context;
  return new MinioStore(`${context.name}-storage`, { ...part.args, namespace, storageClass: cluster.storageClass }, { parent, providers: [cluster.provider] });
}

/** No address or name to reserve: the proxy is a ClusterIP service reached with `kubectl port-forward`. */
export function localEndpointBuilder(part: Extract<EndpointPlan, { kind: "local" }>): HubEndpoint {
  return { hostname: part.hostname, proxyServiceType: "ClusterIP", readyResources: [] };
}

/** kind's documented local registry, which the nodes' containerd already reaches. */
export function localRegistryBuilder(part: Extract<RegistryPlan, { kind: "local" }>, context: EstateContext) {
  return new LocalRegistry(`${context.name}-registry`, part.args, { parent: context.parent });
}
