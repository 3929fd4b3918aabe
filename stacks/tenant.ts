/**
 * A tenant's whole estate: cluster (or its share of one), namespace, database,
 * storage, endpoint and hub, each built from its part of the plan by the builder of
 * its kind. This file knows faces, never a kind's internals.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PostgresServer } from "../components/database/types";
import type { HubEndpoint } from "../components/endpoint/types";
import { Hub } from "../components/hub/hub";
import { kubernetesLabels } from "../components/naming";
import { podSecurityLabels, tenantPodSecurity, type ClusterNetworkFacts } from "../components/pod-security";
import type { ObjectStorage } from "../components/storage/types";
import { clusterBuilders, databaseBuilders, endpointBuilders, storageBuilders } from "./kinds";
import type { EstateCluster, TenantContext } from "./kinds/types";
import type { DatabasePlan, EndpointPlan, EstatePlan, StoragePlan, TenantPlan } from "./plan";
import { build, estateContext } from "./providers";

export class TenantEstate extends pulumi.ComponentResource {
  readonly cluster: EstateCluster;
  readonly namespace: pulumi.Output<string>;
  /** Absent with database.kind none (the hub keeps SQLite). */
  readonly database?: PostgresServer;
  readonly storage?: ObjectStorage;
  readonly hub: Hub;
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: { readonly plan: EstatePlan & { readonly tenant: TenantPlan } }, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:estate:Tenant", name, {}, opts);
    const { plan } = args;
    const tenant = plan.tenant;
    const base = estateContext(name, plan, this);
    this.cluster = build(clusterBuilders, plan.cluster, base);
    const network: ClusterNetworkFacts = { networkPolicyEnforced: this.cluster.networkPolicyEnforced, cloudMetadataServer: this.cluster.cloud !== "local" };

    // The namespace needs only the cluster and its system pool; user pools finish alongside.
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: tenant.namespace,
          // Enforce the level every pod of the namespace passes (restricted wherever NetworkPolicy keeps
          // notebooks from the metadata server; see components/pod-security.ts).
          labels: { ...kubernetesLabels(plan.name, "tenant"), ...podSecurityLabels(tenantPodSecurity(network)) },
        },
      },
      { parent: this, provider: this.cluster.provider, dependsOn: this.cluster.systemReady },
    );
    this.namespace = namespace.metadata.name;
    const context: TenantContext = { ...base, cluster: this.cluster, namespace: this.namespace };

    this.database = build<DatabasePlan, TenantContext, PostgresServer | undefined>(databaseBuilders, tenant.database, context);
    this.storage = tenant.storage ? build<StoragePlan, TenantContext, ObjectStorage>(storageBuilders, tenant.storage, context) : undefined;
    const endpoint = build<EndpointPlan, TenantContext, HubEndpoint>(endpointBuilders, tenant.endpoint, context);

    this.hub = new Hub(
      `${name}-hub`,
      {
        tenant: plan.name,
        namespace: this.namespace,
        releaseName: tenant.releaseName,
        spec: tenant.hub,
        scheduling: this.cluster.scheduling,
        storageClass: this.cluster.storageClass,
        endpoint,
        database: this.database,
        storage: this.storage,
        network,
        dependsOn: [
          ...this.cluster.systemReady,
          // Placeholder pods are part of the release and wait for a user node; without them the pools finish alongside.
          ...(tenant.hub.scheduling.userPlaceholders > 0 ? this.cluster.userPools : []),
          ...(this.database?.readyResources ?? []),
          ...(this.storage?.readyResources ?? []),
          ...endpoint.readyResources,
        ],
      },
      { parent: this, providers: [this.cluster.provider] },
    );

    this.outputs = {
      ...this.cluster.outputs,
      ...(this.storage?.outputs ?? {}),
      tenant: plan.name,
      namespace: this.namespace,
      hubRelease: this.hub.releaseName,
      hubUrl: this.hub.url,
      ...(this.database ? { databaseHost: this.database.host } : {}),
      ...(this.storage ? { buckets: { ...this.storage.buckets } } : {}),
    };
    this.registerOutputs(this.outputs);
  }
}
