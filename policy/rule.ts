/**
 * The shape of a hubfleet policy: a pure check that returns problems, wrapped as
 * the @pulumi/policy object Pulumi runs. Keeping the check pure lets the offline
 * tests call it on rendered plans exactly as `pulumi preview --policy-pack` would.
 */
import type {
  EnforcementLevel,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";

/** What every hubfleet policy declares besides its check. */
export interface RuleInfo {
  /** Pulumi's policy name: lowercase words joined by '-'. */
  readonly name: string;
  readonly description: string;
  /** The benchmark rules it enforces (CIS, checkov, trivy), or the reason none exists. */
  readonly benchmarks: readonly string[];
  /** Mandatory unless docs/policy.md gives the reason. */
  readonly enforcementLevel?: EnforcementLevel;
}

/** A resource as a check sees it: what Pulumi passes to validateResource. */
export interface CheckedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, unknown>;
  readonly protect: boolean;
}

/** One finding of a stack-wide check, tied to a resource when one is to blame. */
export interface StackProblem {
  readonly urn?: string;
  readonly message: string;
}

export type HubfleetPolicy = (ResourceValidationPolicy | StackValidationPolicy) & { readonly benchmarks: readonly string[] };

function describe(info: RuleInfo): string {
  return `${info.description} [${info.benchmarks.join("; ")}]`;
}

/** A policy on resources of the given types; `check` returns one message per problem. */
export function resourceRule(
  info: RuleInfo & { readonly types: readonly string[]; readonly check: (resource: CheckedResource) => string[] },
): HubfleetPolicy {
  return {
    name: info.name,
    description: describe(info),
    benchmarks: info.benchmarks,
    enforcementLevel: info.enforcementLevel ?? "mandatory",
    validateResource: (args: ResourceValidationArgs, reportViolation) => {
      if (!info.types.includes(args.type)) return;
      const resource = { type: args.type, name: args.name, urn: args.urn, props: args.props, protect: args.opts?.protect ?? false };
      for (const message of info.check(resource)) reportViolation(message);
    },
  };
}

/** A policy that needs several resources at once (a bucket and its settings, a database and its firewall). */
export function stackRule(info: RuleInfo & { readonly check: (resources: readonly PolicyResource[]) => StackProblem[] }): HubfleetPolicy {
  return {
    name: info.name,
    description: describe(info),
    benchmarks: info.benchmarks,
    enforcementLevel: info.enforcementLevel ?? "mandatory",
    validateStack: (args, reportViolation) => {
      for (const problem of info.check(args.resources)) reportViolation(problem.message, problem.urn);
    },
  };
}

/** Reads a nested property without trusting the shape (policies see raw inputs). */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
