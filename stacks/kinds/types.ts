/**
 * The seams between the estate (stacks/estate.ts) and each kind's components. A
 * builder takes its part of the plan, the providers the estate made once, and what
 * the estate already has; it creates its component with `{ parent }` and returns
 * the component's provider-neutral face. Faces are discriminated by kind, and the
 * builder tables are total records, so a kind without a builder does not compile.
 */
import type * as aws from "@pulumi/aws";
import type * as digitalocean from "@pulumi/digitalocean";
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterStackOutput } from "../../components/cluster/gke-tenant";
import type { KubernetesTarget } from "../../components/cluster/types";
import type { PostgresServer } from "../../components/database/types";
import type { HubEndpoint } from "../../components/endpoint/types";
import type { ImageRegistry } from "../../components/images/registry";
import type { ObjectStorage } from "../../components/storage/types";
import type { ClusterPlan, DatabasePlan, EndpointPlan, EstatePlan, RegistryPlan, StoragePlan } from "../plan";

/** Every cloud provider the estate uses, made once from the plan and handed down. */
export interface EstateProviders {
  readonly gcp?: gcp.Provider;
  readonly aws?: aws.Provider;
  readonly digitalocean?: digitalocean.Provider;
}

/** Facts a cluster on Google Cloud shares with the database and endpoint beside it. */
export interface GcpClusterFacts {
  readonly project: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  /** The VPC network's id (`projects/<p>/global/networks/<n>`), for Cloud SQL's private IP. */
  readonly networkId: pulumi.Output<string>;
  /** The private services access connection, when this stack made it (a shared cluster's stack did otherwise). */
  readonly privateServicesAccess?: pulumi.Resource;
  /** The nodes' service account e-mail: it pulls images from Artifact Registry. */
  readonly nodeServiceAccount: pulumi.Input<string>;
}

export interface DigitalOceanClusterFacts {
  readonly region: string;
  readonly vpcId: pulumi.Output<string>;
  readonly clusterId: pulumi.Output<string>;
}

interface ClusterFaceBase extends KubernetesTarget {
  /** Stack outputs the cluster contributes (names, ids; kubeconfig as a secret). */
  readonly outputs: Record<string, pulumi.Input<unknown>>;
}

export type EstateCluster =
  | (ClusterFaceBase & { readonly kind: "local" })
  | (ClusterFaceBase & { readonly kind: "gke" | "shared"; readonly gcp: GcpClusterFacts })
  | (ClusterFaceBase & { readonly kind: "doks"; readonly digitalocean: DigitalOceanClusterFacts });

export interface EstateContext {
  /** The estate's name: every component is named `${name}-<role>`. */
  readonly name: string;
  readonly plan: EstatePlan;
  readonly providers: EstateProviders;
  /** The estate component: every builder creates its component with `{ parent }`. */
  readonly parent: pulumi.ComponentResource;
  /** A shared-cluster tenant's view of its cluster stack's outputs, read once by the estate. */
  readonly clusterStack?: ClusterStackFacts;
}

export type ClusterStackFacts = Readonly<Record<ClusterStackOutput, pulumi.Output<string>>>;

/** What the estate has once the cluster and the tenant namespace exist. */
export interface TenantContext extends EstateContext {
  readonly cluster: EstateCluster;
  /** The tenant namespace's name (an Output, so that resources depend on the namespace). */
  readonly namespace: pulumi.Output<string>;
}

type Builders<P extends { kind: string }, C, F> = { readonly [K in P["kind"]]: (part: Extract<P, { kind: K }>, context: C) => F };

export type ClusterBuilders = Builders<ClusterPlan, EstateContext, EstateCluster>;
/** `none` builds no server: the hub keeps SQLite. */
export type DatabaseBuilders = Builders<DatabasePlan, TenantContext, PostgresServer | undefined>;
export type StorageBuilders = Builders<StoragePlan, TenantContext, ObjectStorage>;
export type EndpointBuilders = Builders<EndpointPlan, TenantContext, HubEndpoint>;
/** A registry is built on a tenant stack and on a cluster stack alike: it needs the cluster, not a namespace. */
export type RegistryBuilders = Builders<RegistryPlan, EstateContext & { readonly cluster: EstateCluster }, ImageRegistry>;
