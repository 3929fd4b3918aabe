/**
 * The seams between the estate composition (stacks/tenant.ts) and each cloud's
 * components. A builder takes the parsed config and what the estate already
 * has, creates its component with `{ parent }`, and returns its provider-neutral face.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { KubernetesTarget } from "../../components/cluster/types";
import type { PostgresServer } from "../../components/database/types";
import type { HubEndpoint } from "../../components/endpoint/types";
import type { ObjectStorage } from "../../components/storage/types";
import type { StackConfig } from "../config/schema";

/** Cloud-specific facts a cluster shares with the database and endpoint of the same cloud. */
export interface GcpClusterFacts {
  readonly project: string;
  readonly region: string;
  /** The VPC network's id (`projects/<p>/global/networks/<n>`), for private services access. */
  readonly networkId: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  /** The cluster's location (zone or region). */
  readonly location: pulumi.Output<string>;
  /**
   * The private services access connection on the network (Cloud SQL's private IP
   * needs it). One per network, so the cluster's stack makes it; absent on a tenant
   * of a shared cluster, whose cluster stack made it.
   */
  readonly privateServicesAccess?: pulumi.Resource;
}

export interface DigitalOceanClusterFacts {
  readonly region: string;
  readonly vpcId: pulumi.Output<string>;
  readonly clusterId: pulumi.Output<string>;
}

/** A cluster as the estate sees it: the neutral face plus what its cloud's neighbours need. */
export interface EstateCluster extends KubernetesTarget {
  readonly gcp?: GcpClusterFacts;
  readonly digitalocean?: DigitalOceanClusterFacts;
  /** Stack outputs the cluster contributes (kubeconfig as a secret, names, ids). */
  readonly outputs: Record<string, pulumi.Input<unknown>>;
}

export interface EstateContext {
  readonly config: StackConfig;
  /** The estate component: every builder creates its component with `{ parent }`. */
  readonly parent: pulumi.ComponentResource;
}

/** What the estate has once the cluster and the tenant namespace exist. */
export interface TenantContext extends EstateContext {
  readonly cluster: EstateCluster;
  /** The tenant namespace's name (an Output, so that resources depend on the namespace). */
  readonly namespace: pulumi.Output<string>;
}

export type ClusterBuilder = (context: EstateContext) => EstateCluster;
export type DatabaseBuilder = (context: TenantContext) => PostgresServer;
export type StorageBuilder = (context: TenantContext) => ObjectStorage;
export type EndpointBuilder = (context: TenantContext) => HubEndpoint;
