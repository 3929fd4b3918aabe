import * as pulumi from "@pulumi/pulumi";

/**
 * A problem with one of a component's arguments. Each component keeps its rules in a
 * `<component>Problems(args)` function beside it; the plan calls that function and
 * maps `arg` to the config key that set it, so every rule lives once.
 */
export interface ArgProblem {
  /** The argument's path in the component's args, such as `zone` or `systemPool.minNodes`. */
  readonly arg: string;
  readonly message: string;
}

/** The component's own guard, for callers that skip the plan: the same rules, thrown together. */
export function assertNoProblems(what: string, problems: readonly ArgProblem[], resource?: pulumi.Resource): void {
  if (problems.length === 0) return;
  throw new pulumi.ResourceError(`${what}: ${problems.map((p) => `${p.arg}: ${p.message}`).join("; ")}`, resource);
}
