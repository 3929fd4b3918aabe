/**
 * Which builder serves which kind. The estate looks kinds up here and nowhere
 * else, so adding a cloud is adding its builders to these tables.
 */
import type { ClusterKind, DatabaseKind, StorageKind } from "../config/schema";
import { s3StorageBuilder } from "./aws";
import { digitalOceanDatabaseBuilder, digitalOceanEndpointBuilder, doksClusterBuilder } from "./digitalocean";
import { cloudSqlBuilder, gcpEndpointBuilder, gkeClusterBuilder, sharedClusterBuilder } from "./gcp";
import { inClusterDatabaseBuilder, localClusterBuilder, localEndpointBuilder, minioStorageBuilder } from "./local";
import type { ClusterBuilder, DatabaseBuilder, EndpointBuilder, EstateCluster, StorageBuilder } from "./types";

export const clusterBuilders: Partial<Record<ClusterKind, ClusterBuilder>> = {
  local: localClusterBuilder,
  gke: gkeClusterBuilder,
  shared: sharedClusterBuilder,
  doks: doksClusterBuilder,
};

export const databaseBuilders: Partial<Record<DatabaseKind, DatabaseBuilder>> = {
  incluster: inClusterDatabaseBuilder,
  cloudsql: cloudSqlBuilder,
  digitalocean: digitalOceanDatabaseBuilder,
};

export const storageBuilders: Partial<Record<Exclude<StorageKind, "none">, StorageBuilder>> = {
  minio: minioStorageBuilder,
  s3: s3StorageBuilder,
};

/** The endpoint follows the cluster's cloud: its addresses and DNS. */
export const endpointBuilders: Partial<Record<EstateCluster["cloud"], EndpointBuilder>> = {
  local: localEndpointBuilder,
  gcp: gcpEndpointBuilder,
  digitalocean: digitalOceanEndpointBuilder,
};
