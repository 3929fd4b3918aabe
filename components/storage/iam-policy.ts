/**
 * IAM policy documents as pure functions of bucket names. MinIO speaks the same
 * policy language, so local and AWS tenants get the same least-privilege access.
 *
 * The wildcard rule every document here obeys (and `policyWildcardProblems` checks):
 * - no Allow statement has a wildcard in any action (`*`, `s3:*`, `s3:Get*`);
 * - no statement of any effect names a wildcard resource: every resource is a
 *   named bucket (`arn:aws:s3:::<bucket>`) or keys inside one (`<bucket>/*`, `<bucket>/.s3keep`);
 * - the one wildcard action allowed is `s3:*` in a Deny, which takes access away
 *   and never grants any: the TLS-only bucket policy denies every S3 action on its
 *   own bucket over plain http. Listing actions there instead would leave every
 *   unlisted action (and any S3 adds later) open over http, and AWS Config's
 *   `s3-bucket-ssl-requests-only` rule expects exactly this statement.
 */

export type PolicyPrincipal = "*" | { readonly Federated: string } | { readonly AWS: string | string[] };

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  /** Only in resource policies (bucket policies) and trust policies. */
  Principal?: PolicyPrincipal;
  Action: string[];
  /** Absent only in a trust policy, whose resource is the role itself. */
  Resource?: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface TenantBuckets {
  readonly public: string;
  readonly lake: string;
  readonly notebooks: string;
}

export const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;
export const objectsArn = (bucket: string): string => `arn:aws:s3:::${bucket}/*`;

/** The marker object Habari's tenants write into the public bucket to show the prefix exists. */
export const PUBLIC_KEEP_MARKER = ".s3keep";

/**
 * What Habari's inline policy meant: read and list the shared public bucket and
 * write only its `.s3keep` marker; list, read, write and delete objects in the
 * tenant's own lake and notebooks buckets. No bucket administration (no policy,
 * ACL, versioning or lifecycle changes) and nothing outside these three buckets.
 * Multipart abort and part listing are there because every S3 client uploads
 * large files in parts and must be able to clean up a failed upload.
 */
export function tenantBucketAccessPolicy(buckets: TenantBuckets): PolicyDocument {
  const own = [buckets.lake, buckets.notebooks];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListPublicBucket",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:ListBucket"],
        Resource: [bucketArn(buckets.public)],
      },
      { Sid: "ReadPublicObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: [objectsArn(buckets.public)] },
      {
        Sid: "WritePublicKeepMarker",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: [`${bucketArn(buckets.public)}/${PUBLIC_KEEP_MARKER}`],
      },
      {
        Sid: "ListOwnBuckets",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
        Resource: own.map(bucketArn),
      },
      {
        Sid: "ReadWriteOwnObjects",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
        Resource: own.map(objectsArn),
      },
    ],
  };
}

/**
 * A bucket policy refusing every request that does not use TLS, whoever makes
 * it. A Deny, so it grants nothing; see the wildcard rule at the top of the file.
 */
export function tlsOnlyBucketPolicy(bucket: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [bucketArn(bucket), objectsArn(bucket)],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** The audience of the projected token notebook pods present to AWS STS. */
export const STS_AUDIENCE = "sts.amazonaws.com";

/**
 * An issuer URL as IAM names it in condition keys: without `https://` and any trailing '/'
 * (`container.googleapis.com/v1/projects/p/locations/l/clusters/c`).
 */
export function issuerHostPath(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, "").replace(/\/+$/, "");
}

export interface WebIdentityTrust {
  /** The IAM OIDC provider's ARN for the cluster's service-account issuer. */
  readonly oidcProviderArn: string;
  /** The cluster's service-account issuer URL. */
  readonly issuerUrl: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * Who may assume the tenant's role: only tokens the cluster issued for exactly one
 * service account (the tenant's notebook account in the tenant's namespace), and
 * only when issued for STS. Without the `sub` condition any pod of the cluster,
 * any tenant's, could assume the role.
 */
export function webIdentityTrustPolicy(trust: WebIdentityTrust): PolicyDocument {
  const issuer = issuerHostPath(trust.issuerUrl);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "NotebookServiceAccount",
        Effect: "Allow",
        Principal: { Federated: trust.oidcProviderArn },
        Action: ["sts:AssumeRoleWithWebIdentity"],
        Condition: {
          StringEquals: {
            [`${issuer}:aud`]: STS_AUDIENCE,
            [`${issuer}:sub`]: `system:serviceaccount:${trust.namespace}:${trust.serviceAccount}`,
          },
        },
      },
    ],
  };
}

/** A resource names one bucket, or keys inside it: an S3 ARN whose bucket part has no wildcard (`*`, `?`). */
const NAMED_BUCKET_RESOURCE = /^arn:aws:s3:::[^/*?]+(\/.*)?$/;

/** Every breach of the wildcard rule (top of this file) in a document; empty when it holds. */
export function policyWildcardProblems(document: PolicyDocument): string[] {
  const problems: string[] = [];
  for (const statement of document.Statement) {
    for (const action of statement.Action) {
      if (!action.includes("*")) continue;
      if (statement.Effect === "Allow") problems.push(`${statement.Sid}: allows the wildcard action ${action}`);
      else if (action !== "s3:*") problems.push(`${statement.Sid}: denies ${action}; a Deny may use only s3:*`);
    }
    for (const resource of statement.Resource ?? []) {
      if (!NAMED_BUCKET_RESOURCE.test(resource)) problems.push(`${statement.Sid}: names the wildcard resource ${resource}`);
    }
    if (statement.Resource === undefined && !statement.Action.every((a) => a.startsWith("sts:AssumeRole"))) {
      problems.push(`${statement.Sid}: has no resource, which only a trust statement may omit`);
    }
    if (statement.Effect === "Allow" && statement.Principal === "*") {
      problems.push(`${statement.Sid}: allows anyone (Principal *)`);
    }
  }
  return problems;
}
