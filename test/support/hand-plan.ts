/** Small plans written by hand, shaped like out/<stack>/plan.json, for the estimators' tests. */
import type { Plan, PlanResource } from "../../scripts/render/report";

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:hand::hubfleet::${type}::${name}`;
}

export function planResource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  dependsOn: string[] = [],
  extra: Partial<PlanResource> = {},
): PlanResource {
  return { urn: urnOf(type, name), type, name, dependencies: dependsOn, inputs, protect: false, ...extra };
}

export function handPlan(stack: string, resources: PlanResource[]): Plan {
  return { stack, resources, outputs: {} };
}
