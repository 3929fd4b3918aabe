/**
 * What the mock runtime answers for values only a deployment knows: readable
 * placeholders such as `<openhexa-ip.address>`, never random, so that two renders
 * of the same config are identical.
 */
import { awsPlaceholders } from "./placeholders-aws";
import { digitaloceanPlaceholders } from "./placeholders-digitalocean";
import { gcpPlaceholders } from "./placeholders-gcp";
import { imagePlaceholders } from "./placeholders-images";
import { known, secretOutput, type InvokeRule, type OutputRule } from "./placeholder-kit";

/**
 * Per type token, the outputs a real deployment would fill in. Components read
 * only these and their own inputs; a type not listed echoes its inputs.
 */
const OUTPUT_RULES: Record<string, OutputRule> = {
  ...gcpPlaceholders.outputs,
  ...awsPlaceholders.outputs,
  ...digitaloceanPlaceholders.outputs,
  ...imagePlaceholders.outputs,
  "random:index/randomPassword:RandomPassword": (name) => ({
    result: secretOutput(known(name, "result")),
    bcryptHash: secretOutput(known(name, "bcryptHash")),
  }),
  "random:index/randomBytes:RandomBytes": (name) => ({
    hex: secretOutput(known(name, "hex")),
    base64: secretOutput(known(name, "base64")),
  }),
  "random:index/randomId:RandomId": (name) => ({ hex: "0a1b2c3d", b64Url: known(name, "b64Url"), dec: "1234" }),
  "kubernetes:core/v1:Namespace": (name, inputs) => ({
    metadata: { ...(inputs.metadata ?? {}), name: (inputs.metadata as { name?: string } | undefined)?.name ?? name },
  }),
  "kubernetes:core/v1:Service": (name, inputs) => ({
    status: { loadBalancer: { ingress: [{ ip: known(name, "loadBalancerIp") }] } },
    metadata: { ...(inputs.metadata ?? {}) },
  }),
};

/** Provider functions (invokes) the program calls, answered without a cloud. */
const INVOKE_RULES: Record<string, InvokeRule> = {
  ...gcpPlaceholders.invokes,
  ...awsPlaceholders.invokes,
  ...digitaloceanPlaceholders.invokes,
  ...imagePlaceholders.invokes,
};

export function placeholderOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  return OUTPUT_RULES[type]?.(name, inputs) ?? {};
}

export function placeholderInvoke(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const rule = INVOKE_RULES[token];
  if (!rule) throw new Error(`render has no placeholder for the provider function ${token}; add one in scripts/render/placeholders.ts`);
  return rule(inputs);
}
