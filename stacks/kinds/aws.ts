/**
 * Builders for AWS pieces of an estate: S3 object storage, whatever cloud the
 * cluster runs in (Habari's hubs run on GKE and keep their data in S3), and the
 * fleet's shared public bucket and OIDC provider on a cluster stack.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Route53Records } from "../../components/endpoint/route53";
import type { HubEndpoint } from "../../components/endpoint/types";
import { S3Storage, type S3CredentialArgs } from "../../components/storage/s3";
import { S3FleetShared } from "../../components/storage/s3-fleet";
import type { EstatePlan, ProvidersPlan, Route53Plan, StoragePlan } from "../plan";
import type { EstateCluster, EstateContext, TenantContext } from "./types";

/** The estate's aws provider: region and owner tags from the plan, never an ambient profile's region. */
export function createAwsProvider(name: string, settings: NonNullable<ProvidersPlan["aws"]>, parent: pulumi.Resource): aws.Provider {
  return new aws.Provider(`${name}-aws`, { region: settings.region, defaultTags: { tags: { ...settings.defaultTags } } }, { parent });
}

function requireAwsProvider(context: EstateContext): aws.Provider {
  if (!context.providers.aws)
    throw new pulumi.ResourceError("hubfleet: S3 storage or Route53 records without the estate's aws provider", context.parent);
  return context.providers.aws;
}

/**
 * The hub's name in Route53, for a cloud endpoint that reserved the address without DNS of
 * its own: the face's readyResources become the records' (the address's, then both records).
 */
export function withRoute53Records(
  endpoint: HubEndpoint,
  address: pulumi.Input<string>,
  route53: Route53Plan | undefined,
  context: EstateContext,
): HubEndpoint {
  if (!route53) return endpoint;
  const records = new Route53Records(
    `${context.name}-dns`,
    {
      tenant: context.plan.name,
      hostname: route53.hostname,
      zone: route53.zone,
      address,
      provider: requireAwsProvider(context),
      addressResources: endpoint.readyResources,
    },
    { parent: context.parent },
  );
  return {
    hostname: endpoint.hostname,
    letsencryptEmail: endpoint.letsencryptEmail,
    proxyServiceType: endpoint.proxyServiceType,
    loadBalancerIp: endpoint.loadBalancerIp,
    proxyServiceAnnotations: endpoint.proxyServiceAnnotations,
    readyResources: records.readyResources,
  };
}

function s3Credentials(part: Extract<StoragePlan, { kind: "s3" }>, { parent, cluster, namespace }: TenantContext): S3CredentialArgs {
  if (part.credentials.kind === "accessKey") return { kind: "accessKey" };
  if (!cluster.serviceAccountIssuer)
    throw new pulumi.ResourceError("hubfleet: web identity needs a cluster that publishes its issuer", parent);
  return { kind: "webIdentity", issuer: cluster.serviceAccountIssuer, namespace, oidcProvider: part.credentials.oidcProvider };
}

export function s3StorageBuilder(part: Extract<StoragePlan, { kind: "s3" }>, context: TenantContext) {
  return new S3Storage(
    `${context.name}-storage`,
    { ...part.args, credentials: s3Credentials(part, context) },
    // The kubernetes provider serves the notebook service account (web identity).
    { parent: context.parent, providers: [requireAwsProvider(context), context.cluster.provider] },
  );
}

/** On a cluster stack: the public bucket and OIDC provider every tenant of the cluster reads. */
export function s3FleetSharedBuilder(
  part: NonNullable<EstatePlan["fleetStorage"]>,
  context: EstateContext & { cluster: EstateCluster },
): S3FleetShared {
  const { oidcProvider, ...args } = part;
  return new S3FleetShared(
    `${context.name}-fleet-storage`,
    { ...args, issuer: oidcProvider ? context.cluster.serviceAccountIssuer : undefined },
    { parent: context.parent, providers: [requireAwsProvider(context)] },
  );
}
