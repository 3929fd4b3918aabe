/** The vocabulary of render placeholders, shared by the per-cloud tables. */

/** A readable stand-in for an output of a resource. */
export const known = (name: string, property: string): string => `<${name}.${property}>`;

export type OutputRule = (name: string, inputs: Record<string, unknown>) => Record<string, unknown>;
export type InvokeRule = (inputs: Record<string, unknown>) => Record<string, unknown>;

export interface PlaceholderRules {
  outputs: Record<string, OutputRule>;
  invokes: Record<string, InvokeRule>;
}
