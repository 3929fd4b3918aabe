/**
 * What every tenant of a shared cluster reads and no single tenant may own: the
 * fleet's public bucket, and the IAM OIDC provider for the cluster's issuer (an AWS
 * account holds one per issuer). The cluster stack makes them, so destroying one
 * tenant never breaks another; tenants read them from its outputs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assertNoProblems, type ArgProblem } from "../problems";
import { STS_AUDIENCE } from "./iam-policy";
import { S3_STACK_OUTPUTS } from "./s3";
import { createHardenedBucket } from "./s3-bucket";
import { s3BucketName, s3BucketNameProblems } from "./s3-names";

export interface S3FleetSharedArgs {
  /** The cluster stack's name (its `tenant.name`): the public bucket is `<prefix>-<owner>-public`. */
  readonly owner: string;
  readonly bucketPrefix: string;
  readonly protection: "production" | "disposable";
  /** The cluster's service-account issuer; absent when no tenant uses web identity. */
  readonly issuer?: pulumi.Input<string>;
}

export function s3FleetSharedProblems(args: Pick<S3FleetSharedArgs, "owner" | "bucketPrefix">): ArgProblem[] {
  return s3BucketNameProblems(s3BucketName(args.bucketPrefix, args.owner, "public")).map((message) => ({
    arg: "bucketPrefix",
    message: `gives an invalid bucket name: ${message}`,
  }));
}

export class S3FleetShared extends pulumi.ComponentResource {
  /** Stack outputs tenants read (S3_STACK_OUTPUTS). */
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: S3FleetSharedArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:storage:S3FleetShared", name, {}, opts);
    assertNoProblems(`fleet storage of ${args.owner}`, s3FleetSharedProblems(args), this);
    // Tenants only read it (and write one marker); its content is published by its owner.
    const publicBucket = createHardenedBucket(this, `${name}-public`, {
      bucketName: s3BucketName(args.bucketPrefix, args.owner, "public"),
      versioned: false,
      noncurrentVersionDays: 1,
      protection: args.protection,
    });
    const outputs: Record<string, pulumi.Input<unknown>> = { [S3_STACK_OUTPUTS.publicBucketName]: publicBucket.bucket.bucket };
    if (args.issuer) {
      // No thumbprints: AWS validates Google's (GKE's) issuer against its own trusted CAs.
      const oidcProvider = new aws.iam.OpenIdConnectProvider(
        `${name}-oidc-provider`,
        { url: args.issuer, clientIdLists: [STS_AUDIENCE] },
        { parent: this },
      );
      outputs[S3_STACK_OUTPUTS.oidcProviderArn] = oidcProvider.arn;
    }
    this.outputs = outputs;
    this.registerOutputs(outputs);
  }
}
