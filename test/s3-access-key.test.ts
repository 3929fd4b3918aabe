/** S3Storage with an access key, a disposable tenant that owns the public bucket. */
import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, resolveOutputs, SECRET, settle, type PlanRecorder } from "../scripts/render/mock-runtime";
import type { S3Storage as S3StorageType } from "../components/storage/s3";

let plan: PlanRecorder;
let storage: S3StorageType;
let awsProviderUrn: string;

const ROLES = ["public", "lake", "notebooks"] as const;
const BUCKET = "aws:s3/bucket:Bucket";

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  const aws = await import("@pulumi/aws");
  const { S3Storage } = await import("../components/storage/s3");
  const provider = new aws.Provider("acme-aws", { region: "eu-west-1" });
  storage = new S3Storage(
    "acme-storage",
    {
      tenant: "acme",
      region: "eu-west-1",
      bucketPrefix: "hubfleet",
      publicBucket: { create: true },
      noncurrentVersionDays: 14,
      protection: "disposable",
      credentials: { kind: "accessKey" },
    },
    { providers: [provider] },
  );
  await settle();
  awsProviderUrn = plan.one("pulumi:providers:aws").urn;
});

const bucketOf = (role: string) => plan.one(BUCKET, `-${role}`);
const sideOf = (type: string, role: string, suffix: string) => plan.one(type, `-${role}-${suffix}`);

describe("the buckets", () => {
  it("are the tenant's public, lake and notebooks buckets, named from the prefix and the tenant", () => {
    expect(
      plan
        .ofType(BUCKET)
        .map((b) => b.inputs.bucket)
        .sort(),
    ).toEqual(["hubfleet-acme-lake", "hubfleet-acme-notebooks", "hubfleet-acme-public"]);
  });

  it("are created through the given aws provider, inherited from the component", () => {
    for (const resource of plan.resources.filter((r) => r.type.startsWith("aws:"))) expect(resource.provider).toBe(awsProviderUrn);
  });

  it.each(ROLES)("%s: all four public-access blocks on", (role) => {
    expect(sideOf("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", role, "public-access-block").inputs).toEqual({
      bucket: `hubfleet-acme-${role}`,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  });

  it.each(ROLES)("%s: ACLs off (bucket owner enforced)", (role) => {
    expect(sideOf("aws:s3/bucketOwnershipControls:BucketOwnershipControls", role, "ownership").inputs).toEqual({
      bucket: `hubfleet-acme-${role}`,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
  });

  it.each(ROLES)("%s: encrypted by default with SSE-S3, customer-provided keys refused", (role) => {
    expect(
      sideOf("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", role, "encryption").inputs,
    ).toEqual({
      bucket: `hubfleet-acme-${role}`,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] }],
    });
  });

  it.each(ROLES)("%s: a TLS-only bucket policy, created after the public-access block", (role) => {
    const policy = sideOf("aws:s3/bucketPolicy:BucketPolicy", role, "tls-only");
    const document = JSON.parse(policy.inputs.policy as string);
    expect(document.Statement).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [`arn:aws:s3:::hubfleet-acme-${role}`, `arn:aws:s3:::hubfleet-acme-${role}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    ]);
    const block = sideOf("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", role, "public-access-block");
    expect(policy.dependencies).toContain(block.urn);
  });

  it("versions the lake and notebooks, not the public bucket", () => {
    const versioned = plan.ofType("aws:s3/bucketVersioning:BucketVersioning");
    expect(versioned.map((v) => v.inputs.bucket).sort()).toEqual(["hubfleet-acme-lake", "hubfleet-acme-notebooks"]);
    for (const v of versioned) expect(v.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
  });

  it.each(["lake", "notebooks"])(
    "%s: aborts incomplete uploads after 7 days and expires noncurrent versions after the configured days, after versioning",
    (role) => {
      const lifecycle = sideOf("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", role, "lifecycle");
      expect(lifecycle.inputs.rules).toEqual([
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: {},
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
        { id: "expire-noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 14 } },
      ]);
      expect(lifecycle.dependencies).toContain(sideOf("aws:s3/bucketVersioning:BucketVersioning", role, "versioning").urn);
    },
  );

  it("public: aborts incomplete uploads too", () => {
    const lifecycle = sideOf("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "public", "lifecycle");
    expect(lifecycle.inputs.rules).toEqual([
      expect.objectContaining({ id: "abort-incomplete-multipart-uploads", abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }),
    ]);
  });

  it.each(ROLES)("%s: disposable, so force-destroyed and not protected", (role) => {
    expect(bucketOf(role).inputs.forceDestroy).toBe(true);
    expect(bucketOf(role).protect).toBe(false);
  });

  it("exports the public bucket's name for the other tenant stacks, and no OIDC provider", async () => {
    expect(Object.keys(storage.outputs)).toEqual(["publicBucketName"]);
    expect(await resolveOutputs(storage.outputs.publicBucketName)).toBe("hubfleet-acme-public");
    expect(await resolveOutputs(storage.buckets)).toEqual({
      public: "hubfleet-acme-public",
      lake: "hubfleet-acme-lake",
      notebooks: "hubfleet-acme-notebooks",
    });
    expect(await resolveOutputs(storage.region)).toBe("eu-west-1");
  });
});

describe("access-key credentials", () => {
  it("an IAM user under /hubfleet/, destroyable with the tenant", () => {
    expect(plan.one("aws:iam/user:User").inputs).toEqual({ name: "hubfleet-acme-notebooks", path: "/hubfleet/", forceDestroy: true });
  });

  it("with the tenant access policy inline", () => {
    const userPolicy = plan.one("aws:iam/userPolicy:UserPolicy");
    expect(userPolicy.inputs.user).toBe("hubfleet-acme-notebooks");
    const document = JSON.parse(userPolicy.inputs.policy as string);
    expect(document.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "ListPublicBucket",
      "ReadPublicObjects",
      "WritePublicKeepMarker",
      "ListOwnBuckets",
      "ReadWriteOwnObjects",
    ]);
    expect(document.Statement[2].Resource).toEqual(["arn:aws:s3:::hubfleet-acme-public/.s3keep"]);
  });

  it("and an access key whose secret half is a Pulumi secret", async () => {
    expect(plan.one("aws:iam/accessKey:AccessKey").inputs).toEqual({ user: "hubfleet-acme-notebooks" });
    expect(storage.credential.kind).toBe("accessKey");
    if (storage.credential.kind !== "accessKey") return;
    expect(await resolveOutputs(storage.credential.secretAccessKey)).toBe(SECRET);
    expect(await resolveOutputs(storage.credential.accessKeyId)).toBe("acme-storage-access-key-id");
  });

  it("and no role, OIDC provider or service account", () => {
    expect(plan.ofType("aws:iam/role:Role")).toEqual([]);
    expect(plan.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toEqual([]);
    expect(plan.ofType("kubernetes:core/v1:ServiceAccount")).toEqual([]);
  });

  it("makes pods wait for the bucket policies, the user policy and the key", () => {
    const types = storage.readyResources.map((r) => (r as unknown as { __pulumiType: string }).__pulumiType).sort();
    expect(types).toEqual([
      "aws:iam/accessKey:AccessKey",
      "aws:iam/userPolicy:UserPolicy",
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:s3/bucketPolicy:BucketPolicy",
    ]);
  });
});
