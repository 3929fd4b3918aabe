/** A check on a recorded plan that holds for every S3 estate: hardened buckets. */
import { expect } from "vitest";
import type { PolicyDocument } from "../../components/storage/iam-policy";
import type { PlanRecorder } from "../../scripts/render/mock-runtime";

/** Each bucket has a public-access block (all four), encryption, ownership enforced and a TLS-only policy after the block. */
export function expectEveryBucketHardened(plan: PlanRecorder): void {
  const buckets = plan.ofType("aws:s3/bucket:Bucket");
  expect(buckets.length).toBeGreaterThan(0);
  const on = (type: string, bucketName: unknown) => plan.ofType(type).filter((r) => r.inputs.bucket === bucketName);
  for (const bucket of buckets) {
    const name = bucket.inputs.bucket;
    const [block] = on("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name);
    expect(block?.inputs, `${String(name)} public-access block`).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(
      on("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name),
      `${String(name)} encryption`,
    ).toHaveLength(1);
    expect(on("aws:s3/bucketOwnershipControls:BucketOwnershipControls", name), `${String(name)} ownership`).toHaveLength(1);
    const policies = on("aws:s3/bucketPolicy:BucketPolicy", name);
    expect(policies, `${String(name)} bucket policy`).toHaveLength(1);
    const document = JSON.parse(policies[0]!.inputs.policy as string) as PolicyDocument;
    expect(document.Statement).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
    expect(policies[0]!.dependencies).toContain(block!.urn);
  }
}
