/** The IAM documents and bucket names of S3 storage, as pure functions. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PUBLIC_KEEP_MARKER,
  issuerHostPath,
  policyWildcardProblems,
  tenantBucketAccessPolicy,
  tlsOnlyBucketPolicy,
  webIdentityTrustPolicy,
  type PolicyDocument,
  type PolicyStatement,
} from "../components/storage/iam-policy";
import { s3BucketName, s3BucketNameProblems, s3BucketNames, tenantBucketNameProblems } from "../components/storage/s3-names";
import { planStack } from "../stacks/plan";
import { problemsOf } from "./support/configs";

const BUCKETS = {
  public: "hubfleet-habari-nairobi-public",
  lake: "hubfleet-habari-kisumu-lake",
  notebooks: "hubfleet-habari-kisumu-notebooks",
};

function statement(document: PolicyDocument, sid: string): PolicyStatement {
  const found = document.Statement.filter((s) => s.Sid === sid);
  expect(found, `one statement ${sid}`).toHaveLength(1);
  return found[0]!;
}

describe("tenantBucketAccessPolicy", () => {
  const policy = tenantBucketAccessPolicy(BUCKETS);

  it("is a 2012-10-17 document of exactly five named Allow statements", () => {
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "ListPublicBucket",
      "ReadPublicObjects",
      "WritePublicKeepMarker",
      "ListOwnBuckets",
      "ReadWriteOwnObjects",
    ]);
    expect(policy.Statement.every((s) => s.Effect === "Allow" && s.Principal === undefined && s.Condition === undefined)).toBe(true);
  });

  it("lists the public bucket and reads its objects, nothing more", () => {
    expect(statement(policy, "ListPublicBucket")).toMatchObject({
      Action: ["s3:GetBucketLocation", "s3:ListBucket"],
      Resource: ["arn:aws:s3:::hubfleet-habari-nairobi-public"],
    });
    expect(statement(policy, "ReadPublicObjects")).toMatchObject({
      Action: ["s3:GetObject"],
      Resource: ["arn:aws:s3:::hubfleet-habari-nairobi-public/*"],
    });
  });

  it("writes only the .s3keep marker of the public bucket", () => {
    expect(PUBLIC_KEEP_MARKER).toBe(".s3keep");
    expect(statement(policy, "WritePublicKeepMarker")).toMatchObject({
      Action: ["s3:PutObject"],
      Resource: ["arn:aws:s3:::hubfleet-habari-nairobi-public/.s3keep"],
    });
    const publicWrites = policy.Statement.filter(
      (s) => s.Resource?.some((r) => r.includes(BUCKETS.public)) && s.Action.some((a) => /Put|Delete/.test(a)),
    );
    expect(publicWrites.map((s) => s.Sid)).toEqual(["WritePublicKeepMarker"]);
  });

  it("lists its own lake and notebooks buckets", () => {
    expect(statement(policy, "ListOwnBuckets")).toMatchObject({
      Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      Resource: ["arn:aws:s3:::hubfleet-habari-kisumu-lake", "arn:aws:s3:::hubfleet-habari-kisumu-notebooks"],
    });
  });

  it("reads, writes and deletes objects of its own buckets, and cleans up multipart uploads", () => {
    expect(statement(policy, "ReadWriteOwnObjects")).toMatchObject({
      Action: ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
      Resource: ["arn:aws:s3:::hubfleet-habari-kisumu-lake/*", "arn:aws:s3:::hubfleet-habari-kisumu-notebooks/*"],
    });
  });

  it("administers no bucket: no policy, ACL, versioning, lifecycle or deletion of buckets", () => {
    const actions = policy.Statement.flatMap((s) => s.Action);
    for (const action of actions)
      expect(action).not.toMatch(/Policy|Acl|Versioning|Lifecycle|DeleteBucket|CreateBucket|Encryption|PublicAccess/);
  });
});

describe("tlsOnlyBucketPolicy", () => {
  it("denies every S3 action on the bucket and its objects to anyone over plain http", () => {
    const policy = tlsOnlyBucketPolicy("hubfleet-acme-lake");
    expect(policy).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: ["s3:*"],
          Resource: ["arn:aws:s3:::hubfleet-acme-lake", "arn:aws:s3:::hubfleet-acme-lake/*"],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
  });
});

describe("webIdentityTrustPolicy", () => {
  const issuerUrl = "https://container.googleapis.com/v1/projects/habari-data-platform/locations/europe-west4/clusters/habari";
  const policy = webIdentityTrustPolicy({
    oidcProviderArn:
      "arn:aws:iam::123456789012:oidc-provider/container.googleapis.com/v1/projects/habari-data-platform/locations/europe-west4/clusters/habari",
    issuerUrl,
    namespace: "habari-kisumu",
    serviceAccount: "notebook",
  });

  it("lets the OIDC provider's tokens assume the role, by web identity only", () => {
    const trust = statement(policy, "NotebookServiceAccount");
    expect(policy.Statement).toHaveLength(1);
    expect(trust.Effect).toBe("Allow");
    expect(trust.Principal).toEqual({ Federated: expect.stringContaining(":oidc-provider/container.googleapis.com/") });
    expect(trust.Action).toEqual(["sts:AssumeRoleWithWebIdentity"]);
    expect(trust.Resource).toBeUndefined();
  });

  it("requires the STS audience and exactly the tenant's notebook service account", () => {
    const host = "container.googleapis.com/v1/projects/habari-data-platform/locations/europe-west4/clusters/habari";
    expect(statement(policy, "NotebookServiceAccount").Condition).toEqual({
      StringEquals: {
        [`${host}:aud`]: "sts.amazonaws.com",
        [`${host}:sub`]: "system:serviceaccount:habari-kisumu:notebook",
      },
    });
  });

  it("names the issuer without scheme or trailing slash", () => {
    expect(issuerHostPath("https://oidc.example.org/clusters/c/")).toBe("oidc.example.org/clusters/c");
    expect(issuerHostPath("oidc.example.org")).toBe("oidc.example.org");
  });
});

describe("the wildcard rule", () => {
  const allow = (Action: string[], Resource: string[]): PolicyDocument => ({
    Version: "2012-10-17",
    Statement: [{ Sid: "S", Effect: "Allow", Action, Resource }],
  });

  it("holds for every document hubfleet writes", () => {
    expect(policyWildcardProblems(tenantBucketAccessPolicy(BUCKETS))).toEqual([]);
    expect(policyWildcardProblems(tlsOnlyBucketPolicy(BUCKETS.lake))).toEqual([]);
    expect(
      policyWildcardProblems(
        webIdentityTrustPolicy({
          oidcProviderArn: "arn:aws:iam::1:oidc-provider/x",
          issuerUrl: "https://x",
          namespace: "n",
          serviceAccount: "s",
        }),
      ),
    ).toEqual([]);
  });

  it("rejects wildcard actions in an Allow, and wildcard resources anywhere", () => {
    expect(policyWildcardProblems(allow(["s3:*"], ["arn:aws:s3:::b"]))).toEqual(["S: allows the wildcard action s3:*"]);
    expect(policyWildcardProblems(allow(["*"], ["arn:aws:s3:::b"]))).toEqual(["S: allows the wildcard action *"]);
    expect(policyWildcardProblems(allow(["s3:Get*"], ["arn:aws:s3:::b"]))).toEqual(["S: allows the wildcard action s3:Get*"]);
    expect(policyWildcardProblems(allow(["s3:GetObject"], ["*"]))).toEqual(["S: names the wildcard resource *"]);
    expect(policyWildcardProblems(allow(["s3:GetObject"], ["arn:aws:s3:::*"]))).toEqual(["S: names the wildcard resource arn:aws:s3:::*"]);
    expect(policyWildcardProblems(allow(["s3:GetObject"], ["arn:aws:s3:::hubfleet-*/*"]))).toEqual([
      "S: names the wildcard resource arn:aws:s3:::hubfleet-*/*",
    ]);
    expect(policyWildcardProblems(allow(["s3:GetObject"], ["arn:aws:s3:::b/*"]))).toEqual([]);
  });

  it("lets a Deny use s3:* only, and never `*`", () => {
    const deny = (Action: string[]): PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [{ Sid: "D", Effect: "Deny", Principal: "*", Action, Resource: ["arn:aws:s3:::b"] }],
    });
    expect(policyWildcardProblems(deny(["s3:*"]))).toEqual([]);
    expect(policyWildcardProblems(deny(["*"]))).toEqual(["D: denies *; a Deny may use only s3:*"]);
  });

  it("holds for any valid bucket names (property)", () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{1,18}[a-z0-9]$/);
    fc.assert(
      fc.property(label, label, label, (a, b, c) => {
        const buckets = { public: `${a}-public`, lake: `${b}-lake`, notebooks: `${c}-notebooks` };
        for (const document of [tenantBucketAccessPolicy(buckets), tlsOnlyBucketPolicy(buckets.lake)]) {
          expect(policyWildcardProblems(document)).toEqual([]);
          for (const s of document.Statement.filter((x) => x.Effect === "Allow")) {
            expect(s.Action.some((action) => action.includes("*"))).toBe(false);
            expect(s.Resource?.every((r) => r.startsWith("arn:aws:s3:::") && r !== "arn:aws:s3:::*")).toBe(true);
          }
        }
      }),
      { numRuns: 200, seed: 4 },
    );
  });
});

describe("S3 bucket names", () => {
  it("are <prefix>-<tenant>-<role>", () => {
    expect(s3BucketName("hubfleet", "habari-kisumu", "lake")).toBe("hubfleet-habari-kisumu-lake");
    expect(s3BucketNames("acme", "t1")).toEqual({ public: "acme-t1-public", lake: "acme-t1-lake", notebooks: "acme-t1-notebooks" });
  });

  it("follow S3's rules for general purpose buckets", () => {
    expect(s3BucketNameProblems("hubfleet-habari-kisumu-notebooks")).toEqual([]);
    expect(s3BucketNameProblems("ab")).toEqual(["ab has 2 characters; a bucket name has 3 to 63"]);
    expect(s3BucketNameProblems("a".repeat(64))).toHaveLength(1);
    expect(s3BucketNameProblems("Upper")).toEqual([
      "Upper may hold only lowercase letters, digits, '.' and '-'",
      "Upper must begin and end with a letter or digit",
    ]);
    expect(s3BucketNameProblems("under_score")).toEqual(["under_score may hold only lowercase letters, digits, '.' and '-'"]);
    expect(s3BucketNameProblems("-abc")).toEqual(["-abc must begin and end with a letter or digit"]);
    expect(s3BucketNameProblems("a..b")).toEqual(["a..b must not hold two adjacent periods"]);
    expect(s3BucketNameProblems("192.168.5.4")).toEqual(["192.168.5.4 must not be formatted as an IP address"]);
    expect(s3BucketNameProblems("xn--tenant-lake")).toEqual(["xn--tenant-lake must not begin with xn--, which S3 reserves"]);
    expect(s3BucketNameProblems("sthree-lake")).toEqual(["sthree-lake must not begin with sthree-, which S3 reserves"]);
    expect(s3BucketNameProblems("tenant-s3alias")).toEqual(["tenant-s3alias must not end with -s3alias, which S3 reserves"]);
    expect(s3BucketNameProblems("tenant--ol-s3")).toEqual(["tenant--ol-s3 must not end with --ol-s3, which S3 reserves"]);
  });

  it("are reported once per problem for a tenant", () => {
    expect(tenantBucketNameProblems("xn--org", "t")).toEqual([
      "xn--org-t-public must not begin with xn--, which S3 reserves",
      "xn--org-t-lake must not begin with xn--, which S3 reserves",
      "xn--org-t-notebooks must not begin with xn--, which S3 reserves",
    ]);
  });
});

describe("the config's S3 keys", () => {
  const s3Tenant = (s3: Record<string, unknown>) => ({
    tenant: { name: "acme" },
    cluster: { kind: "gke" },
    gcp: { project: "acme-platform", region: "europe-west1" },
    aws: { region: "eu-west-1" },
    storage: { kind: "s3", s3 },
    endpoint: { hostname: "hub.acme.org", letsencryptEmail: "ops@acme.org" },
    hub: { auth: { kind: "github", clientId: "id", clientSecret: "s", admins: [] } },
  });
  const problems = (s3: Record<string, unknown>): string[] => problemsOf(s3Tenant(s3), ["hub.auth.clientSecret"]);

  it("refuses a bucket prefix that makes names S3 reserves, keyed to the prefix, before any resource", () => {
    const found = problems({ bucketPrefix: "xn--org" });
    expect(found).toHaveLength(3);
    expect(found[0]).toBe(
      "hubfleet:storage.s3.bucketPrefix: gives an invalid bucket name: xn--org-acme-lake must not begin with xn--, which S3 reserves",
    );
  });

  it("defaults to webIdentity on GKE and to creating the OIDC provider and public bucket on a dedicated cluster", () => {
    const storage = planStack({ values: s3Tenant({}), securePaths: new Set(["hub.auth.clientSecret"]) }).tenant?.storage;
    expect(storage).toMatchObject({
      kind: "s3",
      credentials: { kind: "webIdentity", oidcProvider: { create: true } },
      args: { publicBucket: { create: true }, noncurrentVersionDays: 30 },
    });
  });

  it("on a shared cluster, reads the public bucket and OIDC provider from the cluster stack and refuses to make them", () => {
    const shared = { ...s3Tenant({}), gcp: undefined, cluster: { kind: "shared", shared: { stack: "org/hubfleet/fleet" } } };
    const storage = planStack({ values: shared, securePaths: new Set(["hub.auth.clientSecret"]) }).tenant?.storage;
    expect(storage).toMatchObject({
      credentials: { oidcProvider: { stack: "org/hubfleet/fleet" } },
      args: { publicBucket: { stack: "org/hubfleet/fleet" } },
    });
    const owned = { ...shared, storage: { kind: "s3", s3: { publicBucket: { create: true }, oidcProvider: { create: true } } } };
    expect(problemsOf(owned, ["hub.auth.clientSecret"]).map((p) => p.split(":")[1])).toEqual([
      "storage.s3.oidcProvider",
      "storage.s3.publicBucket",
    ]);
  });

  it("refuses an OIDC provider with access-key credentials", () => {
    expect(problems({ credentials: "accessKey", oidcProvider: { stack: "org/hubfleet/other" } })).toEqual([
      "hubfleet:storage.s3.oidcProvider: is set, but only storage.s3.credentials webIdentity uses an OIDC provider",
    ]);
  });
});
