/**
 * One S3 bucket with the settings every hubfleet bucket has: no public access, ACLs
 * off, encrypted by default, TLS only, a lifecycle; versioning where asked. Used by a
 * tenant's storage and by the fleet's shared public bucket alike.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { tlsOnlyBucketPolicy } from "./iam-policy";

/** Days after which S3 aborts an upload left incomplete, freeing the parts it stores (and bills). */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/** The settings of one bucket; what every bucket has in common is not a setting. */
export interface HardenedBucketSettings {
  readonly bucketName: string;
  /** Keep replaced and deleted versions (lake and notebooks: users' work). */
  readonly versioned: boolean;
  readonly noncurrentVersionDays: number;
  readonly protection: "production" | "disposable";
}

/** The lifecycle rules of a bucket: abort stale multipart uploads; expire old versions of a versioned bucket. */
export function bucketLifecycleRules(
  settings: Pick<HardenedBucketSettings, "versioned" | "noncurrentVersionDays">,
): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  return [
    {
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      // An empty filter: the rule covers every object of the bucket.
      filter: {},
      abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
    },
    ...(settings.versioned
      ? [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: settings.noncurrentVersionDays },
          },
        ]
      : []),
  ];
}

/** The bucket's own options: a production bucket is protected; only a disposable one is emptied on destroy. */
export function bucketProtection(protection: "production" | "disposable"): { forceDestroy: boolean; protect: boolean } {
  return protection === "production" ? { forceDestroy: false, protect: true } : { forceDestroy: true, protect: false };
}

/**
 * One bucket and the settings every bucket has: no public access, ACLs off,
 * encrypted by default, TLS only, lifecycle; versioning where asked.
 */
export function createHardenedBucket(
  parent: pulumi.Resource,
  name: string,
  settings: HardenedBucketSettings,
): { bucket: aws.s3.Bucket; policy: aws.s3.BucketPolicy } {
  const { forceDestroy, protect } = bucketProtection(settings.protection);
  const bucket = new aws.s3.Bucket(name, { bucket: settings.bucketName, forceDestroy }, { parent, protect });
  const child = { parent };
  const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access-block`,
    { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    child,
  );
  new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
    child,
  );
  // SSE-S3 (AES256): no KMS key to pay for or to grant notebook identities; uploads with customer keys refused.
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      bucket: bucket.bucket,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] }],
    },
    child,
  );
  const versioning = settings.versioned
    ? new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } }, child)
    : undefined;
  // After versioning: a noncurrent-version rule on a bucket not yet versioned would not apply.
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    { bucket: bucket.bucket, rules: bucketLifecycleRules(settings) },
    { ...child, dependsOn: versioning ? [versioning] : [] },
  );
  // After the public-access block, so that the two bucket-policy writes never race.
  const policy = new aws.s3.BucketPolicy(
    `${name}-tls-only`,
    { bucket: bucket.bucket, policy: bucket.bucket.apply((bucketName) => JSON.stringify(tlsOnlyBucketPolicy(bucketName))) },
    { ...child, dependsOn: [publicAccessBlock] },
  );
  return { bucket, policy };
}
