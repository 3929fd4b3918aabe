/**
 * Which builder serves which kind: total records, so that a kind the plan can name
 * without a builder here is a compile error.
 */
import { s3StorageBuilder } from "./aws";
import { digitalOceanDatabaseBuilder, digitalOceanEndpointBuilder, digitalOceanRegistryBuilder, doksClusterBuilder } from "./digitalocean";
import {
  artifactRegistryBuilder,
  cloudSqlBuilder,
  gcpEndpointBuilder,
  gkeClusterBuilder,
  sharedClusterBuilder,
  sharedRegistryBuilder,
} from "./gcp";
import {
  externalDatabaseBuilder,
  inClusterDatabaseBuilder,
  localClusterBuilder,
  localEndpointBuilder,
  localRegistryBuilder,
  minioStorageBuilder,
  noDatabaseBuilder,
} from "./local";
import type { ClusterBuilders, DatabaseBuilders, EndpointBuilders, RegistryBuilders, StorageBuilders } from "./types";

export const clusterBuilders: ClusterBuilders = {
  local: localClusterBuilder,
  gke: gkeClusterBuilder,
  shared: sharedClusterBuilder,
  doks: doksClusterBuilder,
};

export const databaseBuilders: DatabaseBuilders = {
  incluster: inClusterDatabaseBuilder,
  cloudsql: cloudSqlBuilder,
  digitalocean: digitalOceanDatabaseBuilder,
  none: noDatabaseBuilder,
  external: externalDatabaseBuilder,
};

export const storageBuilders: StorageBuilders = {
  minio: minioStorageBuilder,
  s3: s3StorageBuilder,
};

export const endpointBuilders: EndpointBuilders = {
  local: localEndpointBuilder,
  gcp: gcpEndpointBuilder,
  digitalocean: digitalOceanEndpointBuilder,
};

export const registryBuilders: RegistryBuilders = {
  gcp: artifactRegistryBuilder,
  digitalocean: digitalOceanRegistryBuilder,
  local: localRegistryBuilder,
  shared: sharedRegistryBuilder,
};
