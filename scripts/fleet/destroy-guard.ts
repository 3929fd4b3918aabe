/**
 * `destroy` takes a production stack down only when the operator named it: a
 * selection by change or "all" must never sweep one in.
 */
import type { FleetStack } from "./stacks";

/** The production stacks in the selection that were not named one by one with --stacks; empty means go. */
export function productionStacksNotNamed(
  fleet: readonly FleetStack[],
  selected: readonly string[],
  namedWithStacks: readonly string[],
): string[] {
  const named = new Set(namedWithStacks);
  return fleet
    .filter((stack) => selected.includes(stack.name) && stack.protection === "production" && !named.has(stack.name))
    .map((stack) => stack.name)
    .sort();
}
