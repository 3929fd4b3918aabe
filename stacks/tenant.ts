/**
 * A tenant's whole estate: cluster, namespace, database, storage, endpoint and
 * hub, composed from the builders of the kinds its config names.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { postgresPodLabels } from "../components/database/incluster";
import type { PostgresServer } from "../components/database/types";
import { databaseEgress, podEgress } from "../components/hub/egress";
import { Hub } from "../components/hub/hub";
import { WorkshopUsers, workshopHubValues } from "../components/hub/workshop";
import type { EgressRule } from "../components/hub/values";
import { hubReleaseName, kubernetesLabels, tenantNamespace } from "../components/naming";
import { MINIO_PORT, minioPodLabels } from "../components/storage/minio";
import type { ObjectStorage } from "../components/storage/types";
import type { StackConfig } from "./config/schema";
import { clusterBuilders, databaseBuilders, endpointBuilders, storageBuilders } from "./kinds";
import type { EstateCluster } from "./kinds/types";

export interface TenantEstateArgs {
  readonly config: StackConfig;
}

function requireBuilder<T>(table: Partial<Record<string, T>>, kind: string, what: string, parent: pulumi.Resource): T {
  const builder = table[kind];
  if (!builder) throw new pulumi.ResourceError(`hubfleet has no ${what} builder for kind ${kind}`, parent);
  return builder;
}

export class TenantEstate extends pulumi.ComponentResource {
  readonly cluster: EstateCluster;
  readonly namespace: pulumi.Output<string>;
  readonly database: PostgresServer;
  readonly storage?: ObjectStorage;
  readonly hub: Hub;
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: TenantEstateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:estate:Tenant", name, {}, opts);
    const { config } = args;
    const tenant = config.tenant.name;
    const hubSettings = config.hub;
    if (!hubSettings) throw new pulumi.ResourceError("a tenant estate needs hub settings", this);

    this.cluster = requireBuilder(clusterBuilders, config.cluster.kind, "cluster", this)({ config, parent: this });
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: tenantNamespace(tenant),
          labels: {
            ...kubernetesLabels(tenant, "tenant"),
            // Warn (not enforce): the chart's metadata-blocking init container needs NET_ADMIN.
            "pod-security.kubernetes.io/warn": "baseline",
            "pod-security.kubernetes.io/audit": "baseline",
          },
        },
      },
      { parent: this, provider: this.cluster.provider, dependsOn: this.cluster.readyResources },
    );
    this.namespace = namespace.metadata.name;
    const context = { config, parent: this as pulumi.ComponentResource, cluster: this.cluster, namespace: this.namespace };

    this.database = requireBuilder(databaseBuilders, config.database.kind, "database", this)(context);
    this.storage =
      config.storage.kind === "none" ? undefined : requireBuilder(storageBuilders, config.storage.kind, "storage", this)(context);
    const endpoint = requireBuilder(endpointBuilders, this.cluster.cloud, "endpoint", this)(context);

    // The workshop login: only password hashes reach the cluster, in a Secret the hub mounts.
    const auth = hubSettings.auth;
    const workshop =
      auth.kind === "workshop"
        ? {
            users: new WorkshopUsers(
              `${name}-workshop`,
              { namespace: this.namespace, participants: auth.participants },
              { parent: this, providers: [this.cluster.provider] },
            ),
            admins: auth.admins,
          }
        : undefined;

    this.hub = new Hub(
      `${name}-hub`,
      {
        tenant,
        namespace: this.namespace,
        releaseName: hubReleaseName(tenant),
        settings: hubSettings,
        scheduling: this.cluster.scheduling,
        storageClass: this.cluster.storageClass,
        endpoint: { ...endpoint, letsencryptEmail: config.endpoint.letsencryptEmail, clusterIpOnly: this.cluster.cloud === "local" },
        database: this.database,
        storage: this.storage,
        notebookEgress: notebookEgress(config, this.database, this.storage),
        extraValues: workshop?.users.secretName.apply((secretName) => workshopHubValues({ secretName, admins: workshop.admins })),
        dependsOn: [
          ...(workshop ? [workshop.users] : []),
          ...this.cluster.readyResources,
          ...this.database.readyResources,
          ...(this.storage?.readyResources ?? []),
          ...endpoint.readyResources,
        ],
      },
      { parent: this, providers: [this.cluster.provider] },
    );

    this.outputs = {
      ...this.cluster.outputs,
      ...(this.storage?.outputs ?? {}),
      tenant,
      namespace: this.namespace,
      hubRelease: this.hub.releaseName,
      hubUrl: this.hub.url,
      databaseHost: this.database.host,
      ...(this.storage
        ? { buckets: { public: this.storage.buckets.public, lake: this.storage.buckets.lake, notebooks: this.storage.buckets.notebooks } }
        : {}),
    };
    this.registerOutputs(this.outputs);
  }
}

/** What notebook pods must reach besides the internet: the explore database and an in-cluster store. */
function notebookEgress(config: StackConfig, database: PostgresServer, storage: ObjectStorage | undefined): pulumi.Output<EgressRule[]> {
  const databaseRule =
    config.database.kind === "incluster"
      ? pulumi.output(database.port).apply((port) => podEgress(postgresPodLabels(config.tenant.name), port))
      : pulumi.all([database.host, database.port]).apply(([host, port]) => databaseEgress(host, port));
  const storageRules = config.storage.kind === "minio" && storage ? [podEgress(minioPodLabels(config.tenant.name), MINIO_PORT)] : [];
  return databaseRule.apply((rule) => [rule, ...storageRules]);
}
