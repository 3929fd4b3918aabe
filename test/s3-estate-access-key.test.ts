/** A dedicated-cluster tenant with S3 and accessKey credentials: the key reaches pods only through a Secret. */
import { beforeAll, describe, expect, it } from "vitest";
import { SECRET, type PlanRecorder } from "../scripts/render/mock-runtime";
import { fixtureStackConfig, runProgramUnderMocks } from "./support/program";
import { expectEveryBucketHardened } from "./support/s3-plan";

let plan: PlanRecorder;

beforeAll(async () => {
  // The openhexa tenant (a dedicated GKE cluster) with S3 storage: it owns its public bucket, and authenticates with a key.
  const raw = fixtureStackConfig("gke-cloudsql");
  const values = { ...raw.values, aws: { region: "eu-west-1" }, storage: { kind: "s3", s3: { credentials: "accessKey" } } };
  ({ plan } = await runProgramUnderMocks("openhexa", { values, securePaths: raw.securePaths }));
});

const release = () => plan.one("kubernetes:helm.sh/v3:Release");

describe("an S3 tenant with an access key", () => {
  it("creates a user with the inline tenant policy and an access key, and no role", () => {
    expect(plan.one("aws:iam/user:User").inputs).toMatchObject({ name: "hubfleet-openhexa-notebooks", forceDestroy: false });
    expect(plan.ofType("aws:iam/userPolicy:UserPolicy")).toHaveLength(1);
    expect(plan.ofType("aws:iam/accessKey:AccessKey")).toHaveLength(1);
    expect(plan.ofType("aws:iam/role:Role")).toEqual([]);
    expect(plan.ofType("kubernetes:core/v1:ServiceAccount")).toEqual([]);
  });

  it("creates and hardens the public bucket too", () => {
    expect(plan.ofType("aws:s3/bucket:Bucket").map((b) => b.inputs.bucket)).toContain("hubfleet-openhexa-public");
    expectEveryBucketHardened(plan);
  });

  it("puts the key into the notebook-env Secret, never into the hub values", () => {
    const secret = plan.one("kubernetes:core/v1:Secret", "-notebook-env").inputs.stringData as Record<string, unknown>;
    expect(secret).toMatchObject({ AWS_ACCESS_KEY_ID: SECRET, AWS_SECRET_ACCESS_KEY: SECRET });
    const values = JSON.stringify(release().inputs.values);
    expect(values).not.toContain("access-key.secret");
    expect(values).not.toContain("openhexa-storage-access-key-id");
    expect(values).not.toContain(SECRET);
    const env = (release().inputs.values as { singleuser: { extraEnv: Record<string, unknown> } }).singleuser.extraEnv;
    expect(env.AWS_SECRET_ACCESS_KEY).toEqual({ valueFrom: { secretKeyRef: { name: expect.any(String), key: "AWS_SECRET_ACCESS_KEY" } } });
    expect(env.AWS_ACCESS_KEY_ID).toEqual({ valueFrom: { secretKeyRef: { name: expect.any(String), key: "AWS_ACCESS_KEY_ID" } } });
    expect(env).not.toHaveProperty("AWS_WEB_IDENTITY_TOKEN_FILE");
  });
});
