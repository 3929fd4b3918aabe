/**
 * Which selected stacks wait for which: a stack waits for the stacks it reads by
 * stack reference; a destroy runs the other way round (tenants before their cluster).
 */
import type { FleetStack } from "./stacks";

export type FleetCommand = "preview" | "up" | "refresh" | "destroy";

export interface RunOrder {
  /** The selected stacks, each after every stack it waits for; ties in name order. */
  readonly stacks: readonly string[];
  /** Per selected stack, the selected stacks that must succeed before it starts. */
  readonly waitsFor: ReadonlyMap<string, readonly string[]>;
  /** Things the operator should know, such as a destroyed stack that unselected stacks still read. */
  readonly warnings: readonly string[];
}

export function runOrder(fleet: readonly FleetStack[], selected: readonly string[], command: FleetCommand): RunOrder {
  const chosen = new Set(selected);
  const waitsFor = new Map<string, string[]>(selected.map((name) => [name, []]));
  const warnings: string[] = [];
  for (const stack of fleet) {
    for (const reference of stack.references) {
      if (chosen.has(stack.name) && chosen.has(reference)) {
        // up, preview, refresh: the reader waits for what it reads; destroy: what is read waits for its readers.
        if (command === "destroy") waitsFor.get(reference)!.push(stack.name);
        else waitsFor.get(stack.name)!.push(reference);
      } else if (command === "destroy" && chosen.has(reference) && !chosen.has(stack.name)) {
        warnings.push(`${reference} is read by ${stack.name}, which is not being destroyed`);
      }
    }
  }
  for (const list of waitsFor.values()) list.sort();
  return { stacks: topologicalOrder(waitsFor), waitsFor, warnings: warnings.sort() };
}

/** Kahn's algorithm, smallest name first among the ready, so the order is stable; a cycle is an error naming its stacks. */
export function topologicalOrder(waitsFor: ReadonlyMap<string, readonly string[]>): string[] {
  const remaining = new Map([...waitsFor].map(([name, deps]) => [name, new Set(deps)]));
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining]
      .filter(([, deps]) => deps.size === 0)
      .map(([name]) => name)
      .sort();
    if (ready.length === 0) {
      throw new Error(`these stacks reference each other in a cycle: ${[...remaining.keys()].sort().join(", ")}`);
    }
    for (const name of ready) {
      order.push(name);
      remaining.delete(name);
      for (const deps of remaining.values()) deps.delete(name);
    }
  }
  return order;
}
