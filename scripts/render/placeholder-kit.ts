/** The vocabulary of render placeholders, shared by the per-cloud tables. */

/** A readable stand-in for an output of a resource. */
export const known = (name: string, property: string): string => `<${name}.${property}>`;

export type OutputRule = (name: string, inputs: Record<string, unknown>) => Record<string, unknown>;
export type InvokeRule = (inputs: Record<string, unknown>) => Record<string, unknown>;

export interface PlaceholderRules {
  outputs: Record<string, OutputRule>;
  invokes: Record<string, InvokeRule>;
}

/**
 * A placeholder the engine would hold as a secret (a provider's secret output,
 * such as a random password's result): the render marks it so, as the engine does.
 */
export function secretOutput(value: unknown): unknown {
  return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}
