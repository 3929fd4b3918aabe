/**
 * What each cluster kind can do: its cloud, whether it publishes an OIDC issuer,
 * which database and storage kinds fit it and which it defaults to, and whether a
 * stack of that kind can be shared by tenants. The only place that maps kinds to
 * clouds: defaults, cross-field rules and builders all read this table.
 */

export const clusterKinds = ["local", "gke", "doks", "shared"] as const;
export const databaseKinds = ["incluster", "cloudsql", "digitalocean", "none", "external"] as const;
export const storageKinds = ["none", "minio", "s3"] as const;
export const stackRoles = ["tenant", "sharedCluster"] as const;

export type ClusterKind = (typeof clusterKinds)[number];
export type DatabaseKind = (typeof databaseKinds)[number];
export type StorageKind = (typeof storageKinds)[number];
export type Cloud = "local" | "gcp" | "digitalocean";
export type S3CredentialKind = "accessKey" | "webIdentity";

export interface ClusterCapabilities {
  readonly cloud: Cloud;
  /** The config section that holds the cloud's project and region; absent where none is needed. */
  readonly cloudSettings?: "gcp" | "digitalocean";
  /** Publishes its service-account token issuer (OIDC discovery), so AWS can trust it (web identity). */
  readonly publishesIssuer: boolean;
  readonly databases: readonly DatabaseKind[];
  readonly defaultDatabase: DatabaseKind;
  readonly storages: readonly StorageKind[];
  readonly defaultStorage: StorageKind;
  /** The proxy is a public cloud load balancer: an OAuth login then needs https. */
  readonly publicProxy: boolean;
  /** Tenants of this kind run on a `sharedCluster` stack of kind `sharedAs`. */
  readonly tenantOf?: ClusterKind;
}

const GKE_CAPABILITIES: ClusterCapabilities = {
  cloud: "gcp",
  cloudSettings: "gcp",
  publishesIssuer: true,
  databases: ["cloudsql", "incluster", "none", "external"],
  defaultDatabase: "cloudsql",
  storages: ["none", "s3", "minio"],
  defaultStorage: "none",
  publicProxy: true,
};

export const CLUSTER_CAPABILITIES: Readonly<Record<ClusterKind, ClusterCapabilities>> = {
  local: {
    cloud: "local",
    publishesIssuer: false,
    databases: ["incluster", "none", "external"],
    defaultDatabase: "incluster",
    storages: ["none", "minio", "s3"],
    defaultStorage: "minio",
    publicProxy: false,
  },
  gke: GKE_CAPABILITIES,
  // A tenant's share of a gke cluster stack: the same capabilities; project and region come
  // from the cluster stack (set in the stack file they must agree with it).
  shared: { ...GKE_CAPABILITIES, tenantOf: "gke" },
  doks: {
    cloud: "digitalocean",
    cloudSettings: "digitalocean",
    publishesIssuer: false,
    databases: ["digitalocean", "incluster", "none", "external"],
    defaultDatabase: "digitalocean",
    storages: ["none", "s3", "minio"],
    defaultStorage: "none",
    publicProxy: true,
  },
};

/** Cluster kinds a `sharedCluster` stack may be: those some tenant kind runs on. */
export const SHAREABLE_CLUSTER_KINDS: readonly ClusterKind[] = clusterKinds.filter((kind) =>
  clusterKinds.some((tenantKind) => CLUSTER_CAPABILITIES[tenantKind].tenantOf === kind),
);

/** S3 credentials when none are set: keyless where the cluster publishes an issuer. */
export function defaultS3Credentials(kind: ClusterKind): S3CredentialKind {
  return CLUSTER_CAPABILITIES[kind].publishesIssuer ? "webIdentity" : "accessKey";
}
