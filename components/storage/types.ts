import type * as pulumi from "@pulumi/pulumi";
import type { EgressRule } from "../egress";

/** An access key pair; the secret half is a Pulumi secret and reaches pods only through a Kubernetes Secret. */
export interface AccessKeyCredential {
  readonly kind: "accessKey";
  readonly accessKeyId: pulumi.Output<string>;
  readonly secretAccessKey: pulumi.Output<string>;
}

/** No long-lived key: notebook pods assume a role with their projected service-account token. */
export interface WebIdentityCredential {
  readonly kind: "webIdentity";
  readonly roleArn: pulumi.Output<string>;
  /** The audience the projected token is issued for. */
  readonly audience: string;
  /** The Kubernetes service account that may assume the role, in the tenant namespace. */
  readonly serviceAccountName: string;
}

/**
 * What every storage kind gives the estate: the tenant's three buckets, where to
 * reach them and how to authenticate. Notebook pods see these as the same
 * environment variables whatever the kind.
 */
export interface ObjectStorage {
  readonly region: pulumi.Output<string>;
  /** The S3 API endpoint for S3-compatible stores; absent for AWS S3 itself. */
  readonly endpoint?: pulumi.Output<string>;
  readonly buckets: {
    readonly public: pulumi.Output<string>;
    readonly lake: pulumi.Output<string>;
    readonly notebooks: pulumi.Output<string>;
  };
  readonly credential: AccessKeyCredential | WebIdentityCredential;
  /** Resources that must exist before a pod uses the buckets. */
  readonly readyResources: pulumi.Resource[];
  /** NetworkPolicy egress notebook pods need to reach the store (an in-cluster one); none for a cloud service. */
  readonly notebookEgress?: pulumi.Output<EgressRule[]>;
  /** Stack outputs the storage contributes, which other tenant stacks may read (S3: `publicBucketName`, `oidcProviderArn`). */
  readonly outputs?: Record<string, pulumi.Input<unknown>>;
}
