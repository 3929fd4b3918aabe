/**
 * Builders for an estate on DigitalOcean: a DOKS cluster in its own VPC, Managed
 * PostgreSQL trusting only that cluster, and the hub's load balancer with its DNS
 * records in the tenant's DigitalOcean domain.
 *
 * One explicit digitalocean.Provider per estate, made by whichever builder runs
 * first. It reads the API token from the DIGITALOCEAN_ACCESS_TOKEN environment variable
 * itself: the token is never in the stack's config or state.
 */
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import { DoksCluster } from "../../components/cluster/doks";
import { kubernetesTargetOf } from "../../components/cluster/types";
import { DigitalOceanPostgres } from "../../components/database/digitalocean";
import { DigitalOceanEndpoint } from "../../components/endpoint/digitalocean";
import { ownerTagList } from "../../components/naming";
import type { DigitalOceanSettings, StackConfig } from "../config/schema";
import type { ClusterBuilder, DatabaseBuilder, DigitalOceanClusterFacts, EndpointBuilder, EstateCluster } from "./types";

const providers = new WeakMap<pulumi.Resource, digitalocean.Provider>();

function requireDigitalOcean(config: StackConfig, parent: pulumi.Resource): DigitalOceanSettings {
  if (!config.digitalocean) throw new pulumi.ResourceError("a DigitalOcean estate needs digitalocean.region", parent);
  return config.digitalocean;
}

function requireDigitalOceanFacts(cluster: EstateCluster, what: string, parent: pulumi.Resource): DigitalOceanClusterFacts {
  if (!cluster.digitalocean) throw new pulumi.ResourceError(`${what} needs a cluster on DigitalOcean (cluster.kind doks)`, parent);
  return cluster.digitalocean;
}

/** DigitalOcean tags: the owner's, then the tenant's labels as `key:value`. */
export function digitalOceanTags(config: StackConfig): string[] {
  const labels = Object.entries(config.tenant.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => (value === "" ? key : `${key}:${value}`));
  return [...ownerTagList(config.tenant.name), ...labels];
}

/** The estate's one DigitalOcean provider; the token comes from DIGITALOCEAN_ACCESS_TOKEN (or DIGITALOCEAN_TOKEN), read by the provider. */
export function digitalOceanProvider(config: StackConfig, parent: pulumi.Resource): digitalocean.Provider {
  const existing = providers.get(parent);
  if (existing) return existing;
  const provider = new digitalocean.Provider(`${config.tenant.name}-digitalocean`, {}, { parent });
  providers.set(parent, provider);
  return provider;
}

export const doksClusterBuilder: ClusterBuilder = ({ config, parent }) => {
  const { region } = requireDigitalOcean(config, parent);
  const doks = config.cluster.doks;
  const cluster = new DoksCluster(
    `${config.tenant.name}-cluster`,
    {
      tenant: config.tenant.name,
      region,
      version: doks.version,
      maintenance: doks.maintenance,
      highAvailability: config.tenant.protection === "production",
      systemPool: { size: doks.systemSize, ...config.cluster.systemPool },
      userPool: { size: doks.userSize, ...config.cluster.userPool },
      tags: digitalOceanTags(config),
    },
    { parent, providers: [digitalOceanProvider(config, parent)] },
  );
  return {
    ...kubernetesTargetOf(cluster),
    digitalocean: { region, vpcId: cluster.vpcId, clusterId: cluster.clusterId },
    outputs: {
      kubeconfig: cluster.kubeconfig,
      clusterId: cluster.clusterId,
      clusterName: cluster.clusterName,
      kubernetesVersion: cluster.version,
      digitaloceanRegion: region,
    },
  };
};

export const digitalOceanDatabaseBuilder: DatabaseBuilder = ({ config, parent, cluster, namespace }) => {
  const facts = requireDigitalOceanFacts(cluster, "database.kind digitalocean", parent);
  const settings = config.database.digitalocean;
  return new DigitalOceanPostgres(
    `${config.tenant.name}-database`,
    {
      tenant: config.tenant.name,
      region: facts.region,
      vpcId: facts.vpcId,
      kubernetesClusterId: facts.clusterId,
      version: settings.version,
      size: settings.size,
      nodeCount: settings.nodeCount,
      protect: config.tenant.protection === "production",
      tags: digitalOceanTags(config),
      namespace,
    },
    // The grants Job runs in the tenant namespace, through the cluster's Kubernetes provider.
    { parent, providers: [digitalOceanProvider(config, parent), cluster.provider] },
  );
};

export const digitalOceanEndpointBuilder: EndpointBuilder = ({ config, parent, cluster }) => {
  const facts = requireDigitalOceanFacts(cluster, "a DigitalOcean endpoint", parent);
  return new DigitalOceanEndpoint(
    `${config.tenant.name}-endpoint`,
    {
      tenant: config.tenant.name,
      region: facts.region,
      vpcId: facts.vpcId,
      hostname: config.endpoint.hostname,
      domain: config.endpoint.digitaloceanDomain,
    },
    { parent, providers: [digitalOceanProvider(config, parent)] },
  );
};
