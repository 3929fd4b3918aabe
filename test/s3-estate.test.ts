/** The habari-kisumu stack: a Habari tenant on the shared GKE cluster with its data in S3, keyless. */
import { beforeAll, describe, expect, it } from "vitest";
import { SECRET, type PlanRecorder } from "../scripts/render/mock-runtime";
import { fixtureStackConfig, runProgramUnderMocks } from "./support/program";

let plan: PlanRecorder;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  ({ plan, outputs } = await runProgramUnderMocks("habari-kisumu", fixtureStackConfig("shared-s3-web-identity")));
});

const values = () => plan.one("kubernetes:helm.sh/v3:Release").inputs.values as { singleuser: Record<string, unknown> };

describe("the habari-kisumu stack", () => {
  it("creates its lake and notebooks buckets, protected, and reads the public bucket from the cluster stack", () => {
    expect(plan.ofType("aws:s3/bucket:Bucket").map((b) => [b.inputs.bucket, b.protect])).toEqual([
      ["hubfleet-habari-kisumu-lake", true],
      ["hubfleet-habari-kisumu-notebooks", true],
    ]);
    expect(outputs.buckets).toEqual({
      public: "<organization/hubfleet/habari-cluster.publicBucketName>",
      lake: "hubfleet-habari-kisumu-lake",
      notebooks: "hubfleet-habari-kisumu-notebooks",
    });
  });

  it("uses one aws provider in eu-west-1 with the owner tags", () => {
    const provider = plan.one("pulumi:providers:aws");
    expect(provider.inputs).toMatchObject({ region: "eu-west-1" });
    expect(JSON.stringify(provider.inputs.defaultTags)).toContain("habari-kisumu");
    for (const resource of plan.resources.filter((r) => r.type.startsWith("aws:"))) expect(resource.provider).toBe(provider.urn);
  });

  // Hardened buckets and no IAM wildcard hold for every rendered plan: test/plan-invariants.test.ts and the policy pack.

  it("assumes a role with the notebook service account's token, through the cluster stack's OIDC provider: no key, no new provider", () => {
    expect(plan.ofType("aws:iam/accessKey:AccessKey")).toEqual([]);
    expect(plan.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toEqual([]);
    const trust = JSON.parse(plan.one("aws:iam/role:Role").inputs.assumeRolePolicy as string);
    expect(trust.Statement[0].Principal).toEqual({ Federated: "<organization/hubfleet/habari-cluster.oidcProviderArn>" });
    expect(JSON.stringify(trust.Statement[0].Condition)).toContain("system:serviceaccount:habari-kisumu:notebook");
    expect(plan.one("kubernetes:core/v1:ServiceAccount").inputs.metadata).toMatchObject({ name: "notebook", namespace: "habari-kisumu" });
    // Every reference reads the cluster stack: no tenant depends on another tenant.
    expect(new Set(plan.ofType("pulumi:pulumi:StackReference").map((r) => r.inputs.name))).toEqual(
      new Set(["organization/hubfleet/habari-cluster"]),
    );
  });

  it("runs notebook pods as that service account with a projected STS token", () => {
    const singleuser = values().singleuser;
    expect(singleuser.serviceAccountName).toBe("notebook");
    expect(JSON.stringify(singleuser.storage)).toContain('"audience":"sts.amazonaws.com"');
    expect(singleuser.extraEnv).toMatchObject({ AWS_WEB_IDENTITY_TOKEN_FILE: expect.stringMatching(/\/token$/) });
  });

  it("gives notebook pods Habari's variables, from the notebook-env Secret by reference", () => {
    const env = values().singleuser.extraEnv as Record<string, unknown>;
    for (const name of [
      "AWS_DEFAULT_REGION",
      "AWS_ROLE_ARN",
      "S3_BUCKET_NAME_PUBLIC",
      "S3_BUCKET_NAME_LAKE",
      "S3_BUCKET_NAME_NOTEBOOKS",
      "EXPLORE_DB_HOST",
      "EXPLORE_DB_USER",
      "EXPLORE_DB_PASSWORD",
      "EXPLORE_DB_NAME",
    ]) {
      expect(env[name], name).toEqual({ valueFrom: { secretKeyRef: { name: expect.any(String), key: name } } });
    }
    expect(env).not.toHaveProperty("AWS_ACCESS_KEY_ID");
    expect(plan.one("kubernetes:core/v1:Secret", "-notebook-env").inputs.stringData).toEqual(
      expect.objectContaining({ AWS_ROLE_ARN: SECRET }),
    );
  });
});
