/**
 * Builders for an estate on Google Cloud: a dedicated GKE cluster on its own network,
 * or a tenant's share of a cluster another stack built; Cloud SQL; the regional
 * address with its DNS records.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GkeCluster } from "../../components/cluster/gke";
import { CLUSTER_STACK_OUTPUTS, GkeTenantCluster, type ClusterStackOutput } from "../../components/cluster/gke-tenant";
import { kubernetesTargetOf } from "../../components/cluster/types";
import { CloudSqlPostgres } from "../../components/database/cloudsql";
import { ArtifactRegistry, existingArtifactRegistry } from "../../components/images/artifact-registry";
import type { ImageRegistry } from "../../components/images/registry";
import { GcpEndpoint } from "../../components/endpoint/gcp";
import type { HubEndpoint } from "../../components/endpoint/types";
import { GcpNetwork } from "../../components/network/gcp";
import { formatProblem, type ClusterPlan, type DatabasePlan, type EndpointPlan, type ProvidersPlan, type RegistryPlan } from "../plan";
import { withRoute53Records } from "./aws";
import type { ClusterStackFacts, EstateCluster, EstateContext, GcpClusterFacts, TenantContext } from "./types";

type SharedClusterPlan = Extract<ClusterPlan, { kind: "shared" }>;

/**
 * The cluster stack's outputs, read once. A project or region the tenant's stack file
 * states must agree with them: otherwise the run stops with a keyed error at preview.
 */
export function readClusterStack(name: string, part: SharedClusterPlan, parent: pulumi.Resource): ClusterStackFacts {
  const reference = new pulumi.StackReference(`${name}-cluster-stack`, { name: part.stack }, { parent });
  // Objects (notebookImages) are read as JSON, the rest as text.
  const read = (key: ClusterStackOutput) =>
    reference
      .requireOutput(CLUSTER_STACK_OUTPUTS[key])
      .apply((value: unknown) => (typeof value === "object" && value !== null ? JSON.stringify(value) : String(value)));
  const agreeing = (key: "gcpProject" | "gcpRegion", configKey: "project" | "region") =>
    read(key).apply((actual) => {
      const stated = part.expected[configKey];
      if (stated !== undefined && stated !== actual) {
        throw new pulumi.RunError(
          formatProblem({
            path: ["gcp", configKey],
            message: `is ${stated}, but the cluster stack ${part.stack} runs in ${actual}: remove the key, or set it to ${actual}`,
          }),
        );
      }
      return actual;
    });
  const facts = Object.fromEntries(Object.keys(CLUSTER_STACK_OUTPUTS).map((key) => [key, read(key as ClusterStackOutput)])) as Record<
    ClusterStackOutput,
    pulumi.Output<string>
  >;
  return { ...facts, gcpProject: agreeing("gcpProject", "project"), gcpRegion: agreeing("gcpRegion", "region") };
}

/** The estate's one gcp provider: project, region and owner labels from the plan, never from gcloud's defaults. */
export function createGcpProvider(
  name: string,
  settings: NonNullable<ProvidersPlan["gcp"]>,
  clusterStack: ClusterStackFacts | undefined,
  parent: pulumi.Resource,
): gcp.Provider {
  return new gcp.Provider(
    `${name}-gcp`,
    {
      project: settings.project ?? clusterStack?.gcpProject,
      region: settings.region ?? clusterStack?.gcpRegion,
      defaultLabels: { ...settings.defaultLabels },
    },
    { parent },
  );
}

function requireGcpProvider(context: EstateContext): gcp.Provider {
  if (!context.providers.gcp)
    throw new pulumi.ResourceError("hubfleet: a Google Cloud component without the estate's gcp provider", context.parent);
  return context.providers.gcp;
}

function requireGcpFacts(cluster: EstateCluster, what: string, parent: pulumi.Resource): GcpClusterFacts {
  if (cluster.kind !== "gke" && cluster.kind !== "shared")
    throw new pulumi.ResourceError(`hubfleet: ${what} needs a cluster on Google Cloud`, parent);
  return cluster.gcp;
}

export function gkeClusterBuilder(part: Extract<ClusterPlan, { kind: "gke" }>, context: EstateContext): EstateCluster {
  const { parent, name } = context;
  const provider = requireGcpProvider(context);
  const network = new GcpNetwork(`${name}-network`, part.network, { parent, providers: [provider] });
  const cluster = new GkeCluster(
    `${name}-cluster`,
    { ...part.args, network: { networkId: network.networkId, subnetworkId: network.subnetworkId, egressReady: network.egressReady } },
    { parent, providers: [provider] },
  );
  const O = CLUSTER_STACK_OUTPUTS;
  return {
    kind: "gke",
    ...kubernetesTargetOf(cluster),
    gcp: {
      project: part.args.project,
      region: part.args.region,
      networkId: network.networkId,
      privateServicesAccess: network.privateServicesAccess,
      nodeServiceAccount: cluster.nodeServiceAccountEmail,
    },
    // What a sharedCluster stack exports and its tenants read back; only the kubeconfig is secret, and tenants don't read it.
    outputs: {
      kubeconfig: cluster.kubeconfig,
      [O.clusterName]: cluster.clusterName,
      [O.clusterLocation]: cluster.location,
      [O.clusterEndpoint]: cluster.endpoint,
      [O.clusterCaCertificate]: cluster.caCertificate,
      [O.gcpProject]: part.args.project,
      [O.gcpRegion]: part.args.region,
      [O.networkId]: network.networkId,
      [O.nodeServiceAccount]: cluster.nodeServiceAccountEmail,
      [O.serviceAccountIssuer]: cluster.serviceAccountIssuer,
    },
  };
}

/** A tenant's share of another stack's cluster; the estate has read that stack's outputs. */
export function sharedClusterBuilder(part: SharedClusterPlan, context: EstateContext): EstateCluster {
  const { parent, name, clusterStack } = context;
  if (!clusterStack) throw new pulumi.ResourceError("hubfleet: a shared-cluster tenant without its cluster stack's outputs", parent);
  const cluster = new GkeTenantCluster(
    `${name}-cluster`,
    { ...part.args, clusterStack },
    { parent, providers: [requireGcpProvider(context)] },
  );
  return {
    kind: "shared",
    ...kubernetesTargetOf(cluster),
    // The cluster stack made the private services access; the tenant's instance only uses it.
    gcp: {
      project: clusterStack.gcpProject,
      region: clusterStack.gcpRegion,
      networkId: cluster.networkId,
      nodeServiceAccount: clusterStack.nodeServiceAccount,
    },
    outputs: { clusterStack: part.stack, clusterName: cluster.clusterName },
  };
}

export function cloudSqlBuilder(part: Extract<DatabasePlan, { kind: "cloudsql" }>, context: TenantContext) {
  const { parent, cluster } = context;
  const facts = requireGcpFacts(cluster, "database.kind cloudsql", parent);
  return new CloudSqlPostgres(
    `${context.name}-database`,
    // The isolation Job runs in the cluster, through its Kubernetes provider.
    {
      ...part.args,
      project: facts.project,
      region: facts.region,
      network: facts.networkId,
      privateServicesAccess: facts.privateServicesAccess,
      kubernetesProvider: cluster.provider,
    },
    { parent, providers: [requireGcpProvider(context)] },
  );
}

export function gcpEndpointBuilder(part: Extract<EndpointPlan, { kind: "gcp" }>, context: TenantContext): HubEndpoint {
  const { parent, cluster } = context;
  const facts = requireGcpFacts(cluster, "a Google Cloud endpoint", parent);
  const endpoint = new GcpEndpoint(
    `${context.name}-endpoint`,
    { ...part.args, project: facts.project, region: facts.region },
    { parent, providers: [requireGcpProvider(context)] },
  );
  // With Route53 the regional address is reserved here and named in the AWS zone.
  return withRoute53Records(endpoint, endpoint.loadBalancerIp, part.route53, context);
}

/** An Artifact Registry repository beside a dedicated GKE cluster (or a cluster stack's, for its tenants); its nodes may pull. */
export function artifactRegistryBuilder(
  part: Extract<RegistryPlan, { kind: "gcp" }>,
  context: EstateContext & { readonly cluster: EstateCluster },
): ImageRegistry {
  const { parent, cluster, plan } = context;
  const facts = requireGcpFacts(cluster, "an Artifact Registry repository", parent);
  const settings = plan.providers.gcp;
  if (!settings?.project || !settings.region)
    throw new pulumi.ResourceError("hubfleet: an Artifact Registry repository needs gcp.project and gcp.region", parent);
  return new ArtifactRegistry(
    `${context.name}-registry`,
    {
      tenant: plan.name,
      project: settings.project,
      location: settings.region,
      keepVersions: part.keepVersions,
      readers: [facts.nodeServiceAccount],
      labels: settings.defaultLabels,
    },
    { parent, providers: [requireGcpProvider(context)] },
  );
}

/** A shared-cluster tenant pushes its own derived images to the cluster stack's repository, logging in with its own gcp provider. */
export function sharedRegistryBuilder(_part: Extract<RegistryPlan, { kind: "shared" }>, context: EstateContext): ImageRegistry {
  const { parent, clusterStack } = context;
  if (!clusterStack) throw new pulumi.ResourceError("hubfleet: a shared-cluster tenant without its cluster stack's outputs", parent);
  return existingArtifactRegistry(clusterStack.imageRepository, clusterStack.gcpRegion, { parent, provider: requireGcpProvider(context) });
}
