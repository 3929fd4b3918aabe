/**
 * Builders for AWS pieces of an estate: S3 object storage, whatever cloud the
 * cluster runs in (Habari's hubs run on GKE and keep their data in S3).
 *
 * One explicit aws.Provider per estate, its region and default tags from the
 * config, so that no resource falls back to an ambient AWS profile's region.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ownerTags } from "../../components/naming";
import { S3Storage, type S3CredentialArgs } from "../../components/storage/s3";
import type { StackConfig } from "../config/schema";
import type { StorageBuilder, TenantContext } from "./types";

/** The estate's aws provider: region and owner tags from the config. */
export function awsProvider(config: StackConfig, parent: pulumi.Resource): aws.Provider {
  if (!config.aws) throw new pulumi.ResourceError("S3 storage needs aws.region", parent);
  return new aws.Provider(
    `${config.tenant.name}-aws`,
    { region: config.aws.region, defaultTags: { tags: ownerTags(config.tenant.name, config.tenant.labels) } },
    { parent },
  );
}

function s3Credentials({ config, parent, cluster, namespace }: TenantContext): S3CredentialArgs {
  const s3 = config.storage.s3;
  if (s3.credentials === "accessKey") return { kind: "accessKey" };
  if (!cluster.serviceAccountIssuer) {
    throw new pulumi.ResourceError(
      "storage.s3.credentials webIdentity needs a cluster that publishes its service-account issuer (gke); use accessKey",
      parent,
    );
  }
  return { kind: "webIdentity", issuer: cluster.serviceAccountIssuer, namespace, oidcProvider: s3.oidcProvider ?? { create: true } };
}

export const s3StorageBuilder: StorageBuilder = (context) => {
  const { config, parent, cluster } = context;
  const s3 = config.storage.s3;
  const provider = awsProvider(config, parent);
  return new S3Storage(
    `${config.tenant.name}-storage`,
    {
      tenant: config.tenant.name,
      region: config.aws?.region ?? "",
      bucketPrefix: s3.bucketPrefix,
      publicBucket: s3.publicBucket,
      noncurrentVersionDays: s3.noncurrentVersionDays,
      protection: config.tenant.protection,
      credentials: s3Credentials(context),
    },
    // The kubernetes provider serves the notebook service account (web identity).
    { parent, providers: [provider, cluster.provider] },
  );
};
