/**
 * A tenant's object storage on AWS S3: its lake and notebooks buckets (and the
 * public bucket every tenant reads, when this stack owns it), each hardened the
 * same way, and an IAM identity for notebook pods with exactly the access of
 * `tenantBucketAccessPolicy`: an IAM user with an access key, or a role that the
 * tenant's notebook service account assumes with a projected token (no key at all).
 *
 * Providers come from the parent: an aws provider (region, default tags) and,
 * for web identity, the cluster's kubernetes provider for the service account.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kubernetesLabels } from "../naming";
import { assertNoProblems, type ArgProblem } from "../problems";
import { STS_AUDIENCE, tenantBucketAccessPolicy, webIdentityTrustPolicy } from "./iam-policy";
import { createHardenedBucket } from "./s3-bucket";
import { s3BucketName, s3BucketNameProblems, type BucketRole } from "./s3-names";
import type { AccessKeyCredential, ObjectStorage, WebIdentityCredential } from "./types";

/** Stack outputs an owning stack exports and other tenant stacks read by stack reference. */
export const S3_STACK_OUTPUTS = {
  publicBucketName: "publicBucketName",
  oidcProviderArn: "oidcProviderArn",
} as const;

/** The Kubernetes service account notebook pods run as in web-identity mode. */
export const NOTEBOOK_SERVICE_ACCOUNT = "notebook";

/** Made here, or read from the stack that made it. */
export type SharedPiece = { readonly create: true } | { readonly stack: string };

export type S3CredentialArgs =
  | { readonly kind: "accessKey" }
  | {
      readonly kind: "webIdentity";
      /** The cluster's service-account issuer URL. */
      readonly issuer: pulumi.Input<string>;
      /** The IAM OIDC provider for that issuer: one per AWS account and issuer. */
      readonly oidcProvider: SharedPiece;
      /** The tenant namespace, where the notebook service account is created. */
      readonly namespace: pulumi.Input<string>;
    };

export interface S3StorageArgs {
  readonly tenant: string;
  /** The aws provider's region, given to notebook pods as AWS_DEFAULT_REGION. */
  readonly region: string;
  /** The organization's prefix of every bucket name. */
  readonly bucketPrefix: string;
  /** The bucket every tenant reads: made by this stack, or read from its owner's outputs. */
  readonly publicBucket: SharedPiece;
  /** Days a replaced or deleted object version is kept before S3 expires it. */
  readonly noncurrentVersionDays: number;
  /** production: buckets protected and kept; disposable: force-destroyed with their objects. */
  readonly protection: "production" | "disposable";
  readonly credentials: S3CredentialArgs;
}

/** Bad args, before any resource: bucket names S3 would refuse, a retention S3 would refuse. */
export function s3StorageProblems(
  args: Pick<S3StorageArgs, "tenant" | "bucketPrefix" | "publicBucket" | "noncurrentVersionDays">,
): ArgProblem[] {
  const roles: BucketRole[] = "create" in args.publicBucket ? ["public", "lake", "notebooks"] : ["lake", "notebooks"];
  const names = [...new Set(roles.flatMap((role) => s3BucketNameProblems(s3BucketName(args.bucketPrefix, args.tenant, role))))];
  const problems: ArgProblem[] = names.map((message) => ({ arg: "bucketPrefix", message: `gives an invalid bucket name: ${message}` }));
  if (!Number.isInteger(args.noncurrentVersionDays) || args.noncurrentVersionDays < 1) {
    problems.push({ arg: "noncurrentVersionDays", message: `${args.noncurrentVersionDays} must be a whole number of days, at least 1` });
  }
  if ("stack" in args.publicBucket && args.publicBucket.stack.trim() === "")
    problems.push({ arg: "publicBucket.stack", message: "is empty" });
  return problems;
}

export class S3Storage extends pulumi.ComponentResource implements ObjectStorage {
  readonly region: pulumi.Output<string>;
  readonly buckets: ObjectStorage["buckets"];
  readonly credential: AccessKeyCredential | WebIdentityCredential;
  readonly readyResources: pulumi.Resource[];
  /** What other tenant stacks read from this one (the public bucket, the OIDC provider), when this stack made them. */
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: S3StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:storage:S3", name, {}, opts);
    assertNoProblems(`S3 storage for ${args.tenant}`, s3StorageProblems(args), this);
    const outputs: Record<string, pulumi.Input<unknown>> = {};
    const stackReferences = new Map<string, pulumi.StackReference>();
    const fromStack = (stack: string, output: string): pulumi.Output<string> => {
      let reference = stackReferences.get(stack);
      if (!reference) {
        reference = new pulumi.StackReference(`${name}-${stack.split("/").pop() ?? stack}`, { name: stack }, { parent: this });
        stackReferences.set(stack, reference);
      }
      return reference.requireOutput(output).apply(String);
    };
    const bucket = (role: BucketRole, versioned: boolean) =>
      createHardenedBucket(this, `${name}-${role}`, {
        bucketName: s3BucketName(args.bucketPrefix, args.tenant, role),
        versioned,
        noncurrentVersionDays: args.noncurrentVersionDays,
        protection: args.protection,
      });

    const ready: pulumi.Resource[] = [];
    let publicBucket: pulumi.Output<string>;
    if ("create" in args.publicBucket) {
      // Tenants only read it (and write one marker); its content is published by its owner.
      const made = bucket("public", false);
      ready.push(made.policy);
      publicBucket = made.bucket.bucket;
      outputs[S3_STACK_OUTPUTS.publicBucketName] = publicBucket;
    } else {
      publicBucket = fromStack(args.publicBucket.stack, S3_STACK_OUTPUTS.publicBucketName);
    }
    const lake = bucket("lake", true);
    const notebooks = bucket("notebooks", true);
    ready.push(lake.policy, notebooks.policy);

    this.region = pulumi.output(args.region);
    this.buckets = { public: publicBucket, lake: lake.bucket.bucket, notebooks: notebooks.bucket.bucket };
    const accessPolicy = pulumi
      .all([this.buckets.public, this.buckets.lake, this.buckets.notebooks])
      .apply(([publicName, lakeName, notebooksName]) =>
        JSON.stringify(tenantBucketAccessPolicy({ public: publicName, lake: lakeName, notebooks: notebooksName })),
      );
    const identityName = `${args.bucketPrefix}-${args.tenant}-notebooks`;

    if (args.credentials.kind === "accessKey") {
      const user = new aws.iam.User(
        `${name}-user`,
        // forceDestroy: a disposable tenant's destroy completes even if someone added a key by hand.
        { name: identityName, path: "/hubfleet/", forceDestroy: args.protection === "disposable" },
        { parent: this },
      );
      const userPolicy = new aws.iam.UserPolicy(
        `${name}-user-policy`,
        { name: "tenant-buckets", user: user.name, policy: accessPolicy },
        { parent: this },
      );
      const accessKey = new aws.iam.AccessKey(`${name}-access-key`, { user: user.name }, { parent: this });
      this.credential = { kind: "accessKey", accessKeyId: accessKey.id, secretAccessKey: pulumi.secret(accessKey.secret) };
      ready.push(userPolicy, accessKey);
    } else {
      const { issuer, namespace } = args.credentials;
      let oidcProviderArn: pulumi.Output<string>;
      if ("create" in args.credentials.oidcProvider) {
        // No thumbprints: AWS validates Google's (GKE's) issuer against its own trusted CAs.
        const oidcProvider = new aws.iam.OpenIdConnectProvider(
          `${name}-oidc-provider`,
          { url: issuer, clientIdLists: [STS_AUDIENCE] },
          { parent: this },
        );
        oidcProviderArn = oidcProvider.arn;
        outputs[S3_STACK_OUTPUTS.oidcProviderArn] = oidcProviderArn;
      } else {
        oidcProviderArn = fromStack(args.credentials.oidcProvider.stack, S3_STACK_OUTPUTS.oidcProviderArn);
      }
      const trustPolicy = pulumi.all([oidcProviderArn, issuer, namespace]).apply(([providerArn, issuerUrl, namespaceName]) =>
        JSON.stringify(
          webIdentityTrustPolicy({
            oidcProviderArn: providerArn,
            issuerUrl,
            namespace: namespaceName,
            serviceAccount: NOTEBOOK_SERVICE_ACCOUNT,
          }),
        ),
      );
      const role = new aws.iam.Role(
        `${name}-role`,
        {
          name: identityName,
          path: "/hubfleet/",
          description: `Notebook pods of ${args.tenant}: its buckets, by web identity`,
          assumeRolePolicy: trustPolicy,
          maxSessionDuration: 3600,
        },
        { parent: this },
      );
      const rolePolicy = new aws.iam.RolePolicy(
        `${name}-role-policy`,
        { name: "tenant-buckets", role: role.name, policy: accessPolicy },
        { parent: this },
      );
      const serviceAccount = new k8s.core.v1.ServiceAccount(
        `${name}-service-account`,
        {
          metadata: { name: NOTEBOOK_SERVICE_ACCOUNT, namespace, labels: kubernetesLabels(args.tenant, "notebook") },
          // Notebooks need no Kubernetes API token; the STS token is a projected volume of its own.
          automountServiceAccountToken: false,
        },
        { parent: this },
      );
      this.credential = { kind: "webIdentity", roleArn: role.arn, audience: STS_AUDIENCE, serviceAccountName: NOTEBOOK_SERVICE_ACCOUNT };
      ready.push(rolePolicy, serviceAccount);
    }

    this.readyResources = ready;
    this.outputs = outputs;
    this.registerOutputs({ region: this.region, buckets: this.buckets, ...outputs });
  }
}
