/**
 * The program: parse the stack's config once, plan the whole estate (every mistake
 * reported, keyed, before any resource exists), then build the estate the plan's
 * role names. Returns the stack outputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ConfigError, type RawStackConfig } from "./config/load";
import { planStack } from "./plan";
import { SharedClusterEstate } from "./shared-cluster";
import { TenantEstate } from "./tenant";

export function runProgram(raw: RawStackConfig): Record<string, pulumi.Input<unknown>> {
  const estatePlan = planStack(raw);
  const name = estatePlan.name;
  if (estatePlan.role === "sharedCluster") return new SharedClusterEstate(name, { plan: estatePlan }).outputs;
  const tenant = estatePlan.tenant;
  if (!tenant) throw new ConfigError(["hubfleet:hub: is required for a tenant stack"]);
  return new TenantEstate(name, { plan: { ...estatePlan, tenant } }).outputs;
}
