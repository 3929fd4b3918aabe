/**
 * S3 buckets: the CIS AWS Foundations (3.0, section 2.1) and checkov rules hubfleet keeps.
 * Bucket settings are separate resources in AWS provider 7, so these checks read the
 * whole stack and match settings to buckets by bucket name.
 */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, at, stackRule, type HubfleetPolicy, type StackProblem } from "../rule";
import { parseDocument, statements } from "./iam-document";

export const S3_BUCKET = "aws:s3/bucket:Bucket";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";

/** hubfleet names its buckets `<prefix>-<tenant>-<role>`; these roles hold data worth versions. */
const VERSIONED_ROLES = /-(lake|notebooks)$/;

function settingsOf(resources: readonly PolicyResource[], type: string, bucket: unknown): PolicyResource[] {
  return resources.filter((r) => r.type === type && at(r.props, "bucket") === bucket);
}

/** One problem per bucket for which `missing` names what is wrong, if anything. */
function perBucket(
  resources: readonly PolicyResource[],
  missing: (bucket: PolicyResource, name: unknown) => string | undefined,
): StackProblem[] {
  return resources
    .filter((r) => r.type === S3_BUCKET)
    .flatMap((bucket) => {
      const name = at(bucket.props, "bucket");
      const message = missing(bucket, name);
      return message ? [{ urn: bucket.urn, message: `bucket ${String(name)}: ${message}` }] : [];
    });
}

const BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

/** A Deny of every request not made over TLS, for everyone. */
function deniesPlainHttp(policy: unknown): boolean {
  return statements(parseDocument(policy)).some((s) => {
    const actions = asArray(s.Action ?? []).map(String);
    const secure = at(s.Condition, "Bool", "aws:SecureTransport");
    return (
      s.Effect === "Deny" &&
      (s.Principal === "*" || at(s.Principal, "AWS") === "*") &&
      (actions.includes("s3:*") || actions.includes("*")) &&
      (secure === "false" || secure === false)
    );
  });
}

export const s3Policies: HubfleetPolicy[] = [
  stackRule({
    name: "s3-public-access-block",
    description: "Every S3 bucket has a public-access block with all four settings on",
    benchmarks: ["CIS AWS 3.0 2.1.4", "checkov CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
    check: (resources) =>
      perBucket(resources, (_bucket, name) => {
        const [block] = settingsOf(resources, PUBLIC_ACCESS_BLOCK, name);
        if (!block) return "no public-access block";
        const off = BLOCK_FLAGS.filter((flag) => at(block.props, flag) !== true);
        return off.length > 0 ? `public-access block leaves ${off.join(", ")} off` : undefined;
      }),
  }),
  stackRule({
    name: "s3-encryption",
    description: "Every S3 bucket has a default server-side encryption rule",
    benchmarks: ["CIS AWS 1.4 2.1.1", "checkov CKV_AWS_19"],
    check: (resources) =>
      perBucket(resources, (_bucket, name) => {
        const rules = settingsOf(resources, ENCRYPTION, name).flatMap((r) => asArray(at(r.props, "rules")));
        return rules.some((rule) => at(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")) ? undefined : "no default encryption";
      }),
  }),
  stackRule({
    name: "s3-tls-only",
    description: "Every S3 bucket policy denies requests that do not use TLS",
    benchmarks: ["CIS AWS 3.0 2.1.1"],
    check: (resources) =>
      perBucket(resources, (_bucket, name) =>
        settingsOf(resources, BUCKET_POLICY, name).some((p) => deniesPlainHttp(at(p.props, "policy")))
          ? undefined
          : "no bucket policy denies aws:SecureTransport false",
      ),
  }),
  stackRule({
    name: "s3-versioning",
    description: "Lake and notebooks buckets keep versions, so a deleted or overwritten notebook can be restored",
    benchmarks: ["checkov CKV_AWS_21"],
    check: (resources) =>
      perBucket(resources, (_bucket, name) => {
        if (!VERSIONED_ROLES.test(String(name))) return undefined;
        return settingsOf(resources, VERSIONING, name).some((v) => at(v.props, "versioningConfiguration", "status") === "Enabled")
          ? undefined
          : "a lake or notebooks bucket without versioning Enabled";
      }),
  }),
];
