/** Placeholders for aws resources and provider functions (merged in placeholders.ts). */
import { known, secretOutput, type OutputRule, type PlaceholderRules } from "./placeholder-kit";
import { gcpPlaceholders } from "./placeholders-gcp";

const text = (value: unknown, fallback: string): string => (typeof value === "string" && value !== "" ? value : fallback);

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/**
 * What a stack that owns the shared S3 pieces exports (components/storage/s3.ts
 * S3_STACK_OUTPUTS), named after the stack: `<organization/hubfleet/habari-cluster.publicBucketName>`.
 */
export function s3StackPlaceholders(stack: string): Record<string, unknown> {
  return { publicBucketName: known(stack, "publicBucketName"), oidcProviderArn: known(stack, "oidcProviderArn") };
}

/**
 * One rule per type token: the gcp table already answers stack references with a
 * cluster stack's outputs, so this rule is that one with the S3 outputs merged in
 * (placeholders.ts spreads the aws table after the gcp one).
 */
const clusterStackReference: OutputRule | undefined = gcpPlaceholders.outputs[STACK_REFERENCE];
const stackReference: OutputRule = (name, inputs) => {
  const base = clusterStackReference?.(name, inputs) ?? {};
  const baseOutputs = (base.outputs as Record<string, unknown> | undefined) ?? {};
  return { ...base, outputs: { ...baseOutputs, ...s3StackPlaceholders(text(inputs.name, name)) } };
};

export const awsPlaceholders: PlaceholderRules = {
  outputs: {
    [STACK_REFERENCE]: stackReference,
    "aws:s3/bucket:Bucket": (name, inputs) => {
      const bucket = text(inputs.bucket, name);
      return { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: known(name, "bucketRegionalDomainName") };
    },
    "aws:iam/user:User": (name, inputs) => ({ name: text(inputs.name, name), arn: known(name, "arn"), uniqueId: known(name, "uniqueId") }),
    // The key's id is the access key id; the engine holds the secret half as a secret (additionalSecretOutputs).
    "aws:iam/accessKey:AccessKey": (name) => ({
      secret: secretOutput(known(name, "secret")),
      sesSmtpPasswordV4: secretOutput(known(name, "sesSmtpPasswordV4")),
    }),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (name) => ({ arn: known(name, "arn") }),
    "aws:iam/role:Role": (name, inputs) => ({ name: text(inputs.name, name), arn: known(name, "arn"), uniqueId: known(name, "uniqueId") }),
  },
  invokes: {
    // A Route53 zone looked up by name (components/endpoint/route53.ts).
    "aws:route53/getZone:getZone": (inputs) => ({ name: text(inputs.name, "zone"), zoneId: known(text(inputs.name, "zone"), "zoneId") }),
  },
};
