/** Builders for an estate on an existing cluster: the hub's services live in its namespace. */
import { LocalCluster } from "../../components/cluster/local";
import { InClusterPostgres } from "../../components/database/incluster";
import type { HubEndpoint } from "../../components/endpoint/types";
import { MinioStore } from "../../components/storage/minio";
import type { ClusterBuilder, DatabaseBuilder, EndpointBuilder, StorageBuilder } from "./types";

export const localClusterBuilder: ClusterBuilder = ({ config, parent }) => {
  const settings = config.cluster.local;
  const cluster = new LocalCluster(
    `${config.tenant.name}-cluster`,
    { context: settings.context, storageClass: settings.storageClass },
    { parent },
  );
  return Object.assign(cluster, { outputs: { kubeContext: cluster.context } });
};

/** Works on any cluster kind: the database is a StatefulSet in the tenant namespace. */
export const inClusterDatabaseBuilder: DatabaseBuilder = ({ config, parent, cluster, namespace }) =>
  new InClusterPostgres(
    `${config.tenant.name}-database`,
    {
      tenant: config.tenant.name,
      namespace,
      image: config.database.incluster.image,
      storage: config.database.incluster.storage,
      storageClass: cluster.storageClass,
      protect: config.tenant.protection === "production",
    },
    { parent, providers: [cluster.provider] },
  );

export const minioStorageBuilder: StorageBuilder = ({ config, parent, cluster, namespace }) =>
  new MinioStore(
    `${config.tenant.name}-storage`,
    {
      tenant: config.tenant.name,
      namespace,
      image: config.storage.minio.image,
      clientImage: config.storage.minio.clientImage,
      storage: config.storage.minio.storage,
      storageClass: cluster.storageClass,
      protect: config.tenant.protection === "production",
    },
    { parent, providers: [cluster.provider] },
  );

/** No address or name to reserve: the proxy is reached with `kubectl port-forward`. */
export const localEndpointBuilder: EndpointBuilder = ({ config }): HubEndpoint => ({
  hostname: config.endpoint.hostname,
  readyResources: [],
});
