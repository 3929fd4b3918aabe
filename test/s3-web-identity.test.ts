/** S3Storage with web identity: a production tenant reading the public bucket from its owner's stack. */
import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, resolveOutputs, settle, type PlanRecorder } from "../scripts/render/mock-runtime";
import type { S3Storage as S3StorageType } from "../components/storage/s3";

let plan: PlanRecorder;
let storage: S3StorageType;

const ISSUER = "https://container.googleapis.com/v1/projects/habari-data-platform/locations/europe-west4/clusters/habari";
const ISSUER_HOST_PATH = ISSUER.replace("https://", "");
const OWNER_STACK = "organization/hubfleet/habari-nairobi";

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  const aws = await import("@pulumi/aws");
  const k8s = await import("@pulumi/kubernetes");
  const pulumi = await import("@pulumi/pulumi");
  const { S3Storage } = await import("../components/storage/s3");
  const awsProvider = new aws.Provider("kisumu-aws", { region: "eu-west-1" });
  const kubernetes = new k8s.Provider("kisumu-kubernetes", { kubeconfig: "{}" });
  storage = new S3Storage(
    "kisumu-storage",
    {
      tenant: "habari-kisumu",
      region: "eu-west-1",
      bucketPrefix: "hubfleet",
      publicBucket: { stack: OWNER_STACK },
      noncurrentVersionDays: 30,
      protection: "production",
      credentials: {
        kind: "webIdentity",
        issuer: pulumi.output(ISSUER),
        oidcProvider: { create: true },
        namespace: pulumi.output("habari-kisumu"),
      },
    },
    { providers: [awsProvider, kubernetes] },
  );
  await settle();
});

describe("a tenant reading the public bucket from its owner", () => {
  it("creates only its lake and notebooks buckets, protected and never force-destroyed", () => {
    const buckets = plan.ofType("aws:s3/bucket:Bucket");
    expect(buckets.map((b) => b.inputs.bucket).sort()).toEqual(["hubfleet-habari-kisumu-lake", "hubfleet-habari-kisumu-notebooks"]);
    for (const bucket of buckets) {
      expect(bucket.protect).toBe(true);
      expect(bucket.inputs.forceDestroy).toBe(false);
    }
  });

  it("reads the public bucket's name from the owning stack's publicBucketName output", async () => {
    const reference = plan.one("pulumi:pulumi:StackReference");
    expect(reference.name).toBe("kisumu-storage-habari-nairobi");
    expect(reference.inputs.name).toBe(OWNER_STACK);
    expect(await resolveOutputs(storage.buckets.public)).toBe(`<${OWNER_STACK}.publicBucketName>`);
    expect(storage.outputs).not.toHaveProperty("publicBucketName");
  });
});

describe("web-identity credentials", () => {
  it("an IAM OIDC provider for the cluster's issuer, for the STS audience, without thumbprints", () => {
    const provider = plan.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    expect(provider.inputs).toEqual({ url: ISSUER, clientIdLists: ["sts.amazonaws.com"] });
  });

  it("a role that only the tenant's notebook service account may assume", () => {
    const role = plan.one("aws:iam/role:Role");
    expect(role.inputs).toMatchObject({ name: "hubfleet-habari-kisumu-notebooks", path: "/hubfleet/", maxSessionDuration: 3600 });
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
    expect(trust.Statement).toEqual([
      {
        Sid: "NotebookServiceAccount",
        Effect: "Allow",
        Principal: { Federated: "<kisumu-storage-oidc-provider.arn>" },
        Action: ["sts:AssumeRoleWithWebIdentity"],
        Condition: {
          StringEquals: {
            [`${ISSUER_HOST_PATH}:aud`]: "sts.amazonaws.com",
            [`${ISSUER_HOST_PATH}:sub`]: "system:serviceaccount:habari-kisumu:notebook",
          },
        },
      },
    ]);
    expect(role.dependencies).toContain(plan.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").urn);
  });

  it("the tenant access policy inline on the role, with the public bucket from the owner", () => {
    const rolePolicy = plan.one("aws:iam/rolePolicy:RolePolicy");
    expect(rolePolicy.inputs.role).toBe("hubfleet-habari-kisumu-notebooks");
    const document = JSON.parse(rolePolicy.inputs.policy as string);
    expect(document.Statement.find((s: { Sid: string }) => s.Sid === "ReadPublicObjects").Resource).toEqual([
      `arn:aws:s3:::<${OWNER_STACK}.publicBucketName>/*`,
    ]);
    expect(document.Statement.find((s: { Sid: string }) => s.Sid === "ReadWriteOwnObjects").Resource).toEqual([
      "arn:aws:s3:::hubfleet-habari-kisumu-lake/*",
      "arn:aws:s3:::hubfleet-habari-kisumu-notebooks/*",
    ]);
  });

  it("the notebook service account in the tenant namespace, through the cluster's provider, without an API token", () => {
    const account = plan.one("kubernetes:core/v1:ServiceAccount");
    expect(account.inputs).toMatchObject({
      metadata: { name: "notebook", namespace: "habari-kisumu", labels: { "app.kubernetes.io/component": "notebook" } },
      automountServiceAccountToken: false,
    });
    expect(account.provider).toBe(plan.one("pulumi:providers:kubernetes").urn);
  });

  it("no IAM user and no access key", () => {
    expect(plan.ofType("aws:iam/user:User")).toEqual([]);
    expect(plan.ofType("aws:iam/accessKey:AccessKey")).toEqual([]);
  });

  it("a credential naming the role, the audience and the service account; the OIDC provider exported", async () => {
    expect(storage.credential).toMatchObject({ kind: "webIdentity", audience: "sts.amazonaws.com", serviceAccountName: "notebook" });
    if (storage.credential.kind !== "webIdentity") return;
    expect(await resolveOutputs(storage.credential.roleArn)).toBe("<kisumu-storage-role.arn>");
    expect(Object.keys(storage.outputs)).toEqual(["oidcProviderArn"]);
  });
});

describe("validation", () => {
  it("refuses bucket names S3 would refuse, before any bucket", async () => {
    const { S3Storage } = await import("../components/storage/s3");
    const count = plan.ofType("aws:s3/bucket:Bucket").length;
    expect(
      () =>
        new S3Storage("bad", {
          tenant: "t",
          region: "eu-west-1",
          bucketPrefix: "xn--org",
          publicBucket: { create: true },
          noncurrentVersionDays: 0,
          protection: "disposable",
          credentials: { kind: "accessKey" },
        }),
    ).toThrow(/bucketPrefix: gives an invalid bucket name: xn--org-t-public must not begin with xn--.*noncurrentVersionDays: 0 must be/);
    await settle();
    expect(plan.ofType("aws:s3/bucket:Bucket")).toHaveLength(count);
  });
});

describe("the render placeholders", () => {
  it("answer a stack reference with every output an S3 owner stack exports", async () => {
    const { S3_STACK_OUTPUTS } = await import("../components/storage/s3");
    const { s3StackPlaceholders } = await import("../scripts/render/placeholders-aws");
    expect(Object.keys(s3StackPlaceholders("org/p/s")).sort()).toEqual(Object.values(S3_STACK_OUTPUTS).sort());
  });
});
