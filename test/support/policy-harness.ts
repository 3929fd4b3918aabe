/**
 * Runs the policy pack on a rendered plan the way the Pulumi engine does: each
 * policy's validateResource once per resource, its validateStack once, with
 * arguments shaped as @pulumi/policy passes them.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { HubfleetPolicy } from "../../policy/rule";
import type { Plan, PlanResource } from "../../scripts/render/report";

export interface Violation {
  readonly policy: string;
  readonly stack: string;
  readonly urn?: string;
  readonly message: string;
}

/** plan.json names a provider by URN; Pulumi's own form `<urn>::<id>` is accepted too. */
function providerUrn(reference: string, known: ReadonlyMap<string, unknown>): string {
  return known.has(reference) ? reference : reference.split("::").slice(0, -1).join("::");
}

function policyResources(plan: Plan): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const planByUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  for (const r of plan.resources) {
    byUrn.set(r.urn, {
      type: r.type,
      props: r.inputs,
      urn: r.urn,
      name: r.name,
      opts: resourceOptions(r),
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    } as PolicyResource);
  }
  for (const r of plan.resources) {
    const resource = byUrn.get(r.urn)!;
    resource.parent = r.parent ? byUrn.get(r.parent) : undefined;
    resource.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
    const provider = r.provider ? planByUrn.get(providerUrn(r.provider, planByUrn)) : undefined;
    if (provider) resource.provider = { type: provider.type, props: provider.inputs, urn: provider.urn, name: provider.name };
  }
  return [...byUrn.values()];
}

function resourceOptions(r: PlanResource): PolicyResource["opts"] {
  return {
    protect: r.protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

const notApplicable = (reason?: string): never => {
  throw new Error(`policy declared itself not applicable: ${reason ?? ""}`);
};

/** Every violation the given policies report on a plan. */
export async function evaluate(policies: readonly HubfleetPolicy[], plan: Plan): Promise<Violation[]> {
  const resources = policyResources(plan);
  const violations: Violation[] = [];
  for (const policy of policies) {
    const report =
      (urnOfResource?: string): ReportViolation =>
      (message, urn) =>
        violations.push({ policy: policy.name, stack: plan.stack, urn: urn ?? urnOfResource, message });
    const { validateResource } = policy as ResourceValidationPolicy;
    const checks = validateResource === undefined ? [] : Array.isArray(validateResource) ? validateResource : [validateResource];
    for (const resource of resources) {
      const args: ResourceValidationArgs = {
        type: resource.type,
        props: resource.props,
        urn: resource.urn,
        name: resource.name,
        opts: resource.opts,
        provider: resource.provider,
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
      };
      for (const check of checks) await check(args, report(resource.urn));
    }
    const { validateStack } = policy as StackValidationPolicy;
    if (validateStack) {
      const args: StackValidationArgs = { resources, stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable };
      await validateStack(args, report());
    }
  }
  return violations;
}
