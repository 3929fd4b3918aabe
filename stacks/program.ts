/**
 * The program: parse the stack's config once (every mistake reported before any
 * resource exists), then build the estate its role names. Returns the stack outputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type RawStackConfig } from "./config/load";
import { SharedClusterEstate } from "./shared-cluster";
import { TenantEstate } from "./tenant";

export function runProgram(raw: RawStackConfig): Record<string, pulumi.Input<unknown>> {
  const config = parseStackConfig(raw);
  const name = config.tenant.name;
  const estate =
    config.role === "sharedCluster" ? new SharedClusterEstate(name, { config }) : new TenantEstate(name, { config });
  return estate.outputs;
}
