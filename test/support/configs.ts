/** Stack configs for tests, built the way the program builds them: raw values through the schema. */
import { ConfigError, parseStackConfig } from "../../stacks/config/load";
import type { StackConfig } from "../../stacks/config/schema";
import { planStack, type EstatePlan } from "../../stacks/plan";

export type RawValues = Record<string, unknown>;

export function deepMerge(a: RawValues, b: RawValues): RawValues {
  const out: RawValues = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    out[key] =
      existing && value && typeof existing === "object" && typeof value === "object" && !Array.isArray(existing) && !Array.isArray(value)
        ? deepMerge(existing as RawValues, value as RawValues)
        : value;
  }
  return out;
}

/** A minimal valid local tenant. */
export const LOCAL_TENANT: RawValues = {
  tenant: { name: "acme", protection: "disposable" },
  cluster: { kind: "local", local: { context: "kind-hubfleet" } },
  hub: { auth: { kind: "dummy", admins: ["admin"] } },
};

/** Parses `LOCAL_TENANT` merged with overrides; `secure` lists key paths stored with --secret. */
export function config(overrides: RawValues = {}, secure: string[] = []): StackConfig {
  return parseStackConfig({ values: deepMerge(LOCAL_TENANT, overrides), securePaths: new Set(secure) });
}

/** Plans `LOCAL_TENANT` merged with overrides: the estate's plan, or a ConfigError with every problem. */
export function planOf(overrides: RawValues = {}, secure: string[] = []): EstatePlan {
  return planStack({ values: deepMerge(LOCAL_TENANT, overrides), securePaths: new Set(secure) });
}

/** Every problem the schema and the plan find in raw values; empty when the stack would build. */
export function problemsOf(values: RawValues, secure: string[] = []): string[] {
  try {
    planStack({ values, securePaths: new Set(secure) });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}
