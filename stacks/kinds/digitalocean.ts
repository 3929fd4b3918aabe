/**
 * Builders for an estate on DigitalOcean: a DOKS cluster in its own VPC, Managed
 * PostgreSQL trusting only that cluster, and the hub's load balancer with its DNS
 * records in the tenant's DigitalOcean domain.
 *
 * The estate's one digitalocean.Provider reads the API token from the
 * DIGITALOCEAN_ACCESS_TOKEN environment variable itself: the token is never in the
 * stack's config or state.
 */
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import { DoksCluster } from "../../components/cluster/doks";
import { kubernetesTargetOf } from "../../components/cluster/types";
import { DigitalOceanPostgres } from "../../components/database/digitalocean";
import { DigitalOceanEndpoint } from "../../components/endpoint/digitalocean";
import type { HubEndpoint } from "../../components/endpoint/types";
import { DigitalOceanRegistry } from "../../components/images/digitalocean-registry";
import type { ClusterPlan, DatabasePlan, EndpointPlan, RegistryPlan } from "../plan";
import { withRoute53Records } from "./aws";
import type { DigitalOceanClusterFacts, EstateCluster, EstateContext, TenantContext } from "./types";

export function createDigitalOceanProvider(name: string, parent: pulumi.Resource): digitalocean.Provider {
  return new digitalocean.Provider(`${name}-digitalocean`, {}, { parent });
}

function requireDigitalOceanProvider(context: EstateContext): digitalocean.Provider {
  if (!context.providers.digitalocean)
    throw new pulumi.ResourceError("hubfleet: a DigitalOcean component without the estate's provider", context.parent);
  return context.providers.digitalocean;
}

function requireDigitalOceanFacts(cluster: EstateCluster, what: string, parent: pulumi.Resource): DigitalOceanClusterFacts {
  if (cluster.kind !== "doks")
    throw new pulumi.ResourceError(`hubfleet: ${what} needs a cluster on DigitalOcean (cluster.kind doks)`, parent);
  return cluster.digitalocean;
}

export function doksClusterBuilder(part: Extract<ClusterPlan, { kind: "doks" }>, context: EstateContext): EstateCluster {
  const cluster = new DoksCluster(`${context.name}-cluster`, part.args, {
    parent: context.parent,
    providers: [requireDigitalOceanProvider(context)],
  });
  return {
    kind: "doks",
    ...kubernetesTargetOf(cluster),
    digitalocean: { region: part.args.region, vpcId: cluster.vpcId, clusterId: cluster.clusterId },
    outputs: {
      kubeconfig: cluster.kubeconfig,
      clusterId: cluster.clusterId,
      clusterName: cluster.clusterName,
      kubernetesVersion: cluster.version,
      digitaloceanRegion: part.args.region,
    },
  };
}

export function digitalOceanDatabaseBuilder(part: Extract<DatabasePlan, { kind: "digitalocean" }>, context: TenantContext) {
  const { parent, cluster } = context;
  const facts = requireDigitalOceanFacts(cluster, "database.kind digitalocean", parent);
  return new DigitalOceanPostgres(
    `${context.name}-database`,
    { ...part.args, region: facts.region, vpcId: facts.vpcId, kubernetesClusterId: facts.clusterId },
    // The isolation Job runs in the cluster (a namespace of its own), through its Kubernetes provider.
    { parent, providers: [requireDigitalOceanProvider(context), cluster.provider] },
  );
}

export function digitalOceanEndpointBuilder(part: Extract<EndpointPlan, { kind: "digitalocean" }>, context: TenantContext): HubEndpoint {
  const { parent, cluster } = context;
  const facts = requireDigitalOceanFacts(cluster, "a DigitalOcean endpoint", parent);
  const endpoint = new DigitalOceanEndpoint(
    `${context.name}-endpoint`,
    { ...part.args, region: facts.region, vpcId: facts.vpcId },
    { parent, providers: [requireDigitalOceanProvider(context)] },
  );
  // With Route53 the load balancer is made here and named in the AWS zone.
  return withRoute53Records(endpoint, endpoint.address, part.route53, context);
}

/** The account's container registry; DOKS nodes pull through the cluster's registry integration (set by the plan). */
export function digitalOceanRegistryBuilder(part: Extract<RegistryPlan, { kind: "digitalocean" }>, context: EstateContext) {
  return new DigitalOceanRegistry(`${context.name}-registry`, part.args, {
    parent: context.parent,
    providers: [requireDigitalOceanProvider(context)],
  });
}
