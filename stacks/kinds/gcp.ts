/**
 * Builders for an estate on Google Cloud: a dedicated GKE cluster or a tenant's
 * share of one, Cloud SQL, and the regional address with its DNS records.
 *
 * One explicit gcp.Provider per estate (project, region and owner labels from the
 * config), made by whichever builder runs first and handed to each component, so
 * that no resource falls back to ambient gcloud defaults for its project.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GkeCluster } from "../../components/cluster/gke";
import { kubernetesTargetOf } from "../../components/cluster/types";
import { CLUSTER_STACK_OUTPUTS, SharedCluster } from "../../components/cluster/shared";
import { CloudSqlPostgres } from "../../components/database/cloudsql";
import { GcpEndpoint } from "../../components/endpoint/gcp";
import { ownerLabels } from "../../components/naming";
import type { GcpSettings, StackConfig } from "../config/schema";
import type { ClusterBuilder, DatabaseBuilder, EndpointBuilder, EstateCluster, GcpClusterFacts } from "./types";

const providers = new WeakMap<pulumi.Resource, gcp.Provider>();

function requireGcp(config: StackConfig, parent: pulumi.Resource): GcpSettings {
  if (!config.gcp) throw new pulumi.ResourceError("a Google Cloud estate needs gcp.project and gcp.region", parent);
  return config.gcp;
}

function labelsOf(config: StackConfig): Record<string, string> {
  return ownerLabels(config.tenant.name, config.tenant.labels);
}

/** The estate's one gcp provider: its project, region and default labels come from the config, never from gcloud. */
export function gcpProvider(config: StackConfig, parent: pulumi.Resource): gcp.Provider {
  const existing = providers.get(parent);
  if (existing) return existing;
  const settings = requireGcp(config, parent);
  const provider = new gcp.Provider(
    `${config.tenant.name}-gcp`,
    { project: settings.project, region: settings.region, defaultLabels: labelsOf(config) },
    { parent },
  );
  providers.set(parent, provider);
  return provider;
}

function requireGcpFacts(cluster: EstateCluster, what: string, parent: pulumi.Resource): GcpClusterFacts {
  if (!cluster.gcp) throw new pulumi.ResourceError(`${what} needs a cluster on Google Cloud (cluster.kind gke or shared)`, parent);
  return cluster.gcp;
}

export const gkeClusterBuilder: ClusterBuilder = ({ config, parent }) => {
  const { project, region } = requireGcp(config, parent);
  const gke = config.cluster.gke;
  const cluster = new GkeCluster(
    `${config.tenant.name}-cluster`,
    {
      tenant: config.tenant.name,
      project,
      region,
      zone: gke.zone,
      releaseChannel: gke.releaseChannel,
      systemPool: { machineType: gke.systemMachineType, ...config.cluster.systemPool },
      userPool: { machineType: gke.userMachineType, ...config.cluster.userPool },
      gpu: gke.gpu,
      diskSizeGb: gke.diskSizeGb,
      privateNodes: gke.privateNodes,
      authorizedNetworks: gke.authorizedNetworks,
      // The network's owner peers it once; a shared cluster's tenants each put an instance on it.
      privateServicesAccess: config.role === "sharedCluster" || config.database.kind === "cloudsql",
      deletionProtection: config.tenant.protection === "production",
      labels: labelsOf(config),
    },
    { parent, providers: [gcpProvider(config, parent)] },
  );
  const O = CLUSTER_STACK_OUTPUTS;
  return {
    ...kubernetesTargetOf(cluster),
    gcp: {
      project,
      region,
      networkId: cluster.networkId,
      clusterName: cluster.clusterName,
      location: cluster.location,
      privateServicesAccess: cluster.privateServicesAccess,
    },
    // What a sharedCluster stack exports and SharedCluster reads back.
    outputs: {
      [O.kubeconfig]: cluster.kubeconfig,
      [O.clusterName]: cluster.clusterName,
      [O.clusterLocation]: cluster.location,
      [O.gcpProject]: project,
      [O.gcpRegion]: region,
      [O.networkId]: cluster.networkId,
      [O.nodeServiceAccount]: cluster.nodeServiceAccountEmail,
      [O.serviceAccountIssuer]: cluster.serviceAccountIssuer,
    },
  };
};

export const sharedClusterBuilder: ClusterBuilder = ({ config, parent }) => {
  const { project, region } = requireGcp(config, parent);
  const shared = config.cluster.shared;
  if (!shared) throw new pulumi.ResourceError("cluster.kind shared needs cluster.shared.stack", parent);
  const cluster = new SharedCluster(
    `${config.tenant.name}-cluster`,
    {
      tenant: config.tenant.name,
      stack: shared.stack,
      project,
      ownUserPool: shared.ownUserPool
        ? { machineType: config.cluster.gke.userMachineType, diskSizeGb: config.cluster.gke.diskSizeGb, ...config.cluster.userPool }
        : undefined,
      labels: labelsOf(config),
    },
    { parent, providers: [gcpProvider(config, parent)] },
  );
  return {
    ...kubernetesTargetOf(cluster),
    // The cluster stack made the private services access; the tenant's instance only uses it.
    gcp: { project, region, networkId: cluster.networkId, clusterName: cluster.clusterName, location: cluster.location },
    outputs: { clusterStack: shared.stack, clusterName: cluster.clusterName },
  };
};

export const cloudSqlBuilder: DatabaseBuilder = ({ config, parent, cluster }) => {
  const facts = requireGcpFacts(cluster, "database.kind cloudsql", parent);
  const settings = config.database.cloudsql;
  return new CloudSqlPostgres(
    `${config.tenant.name}-database`,
    {
      tenant: config.tenant.name,
      project: facts.project,
      region: facts.region,
      network: facts.networkId,
      privateServicesAccess: facts.privateServicesAccess,
      version: settings.version,
      tier: settings.tier,
      diskSizeGb: settings.diskSizeGb,
      highAvailability: settings.highAvailability,
      protect: config.tenant.protection === "production",
      labels: labelsOf(config),
    },
    { parent, providers: [gcpProvider(config, parent)] },
  );
};

export const gcpEndpointBuilder: EndpointBuilder = ({ config, parent, cluster }) => {
  const facts = requireGcpFacts(cluster, "a Google Cloud endpoint", parent);
  return new GcpEndpoint(
    `${config.tenant.name}-endpoint`,
    {
      tenant: config.tenant.name,
      project: facts.project,
      region: facts.region,
      hostname: config.endpoint.hostname,
      managedZone: config.endpoint.gcpManagedZone,
      labels: labelsOf(config),
    },
    { parent, providers: [gcpProvider(config, parent)] },
  );
};
