/**
 * Which stacks read which others' outputs, from the stack files alone, and the order
 * that follows: a stack deploys after every stack it references. hubfleet names a
 * referenced stack under a `stack:` key (`organization/hubfleet/habari-cluster`), as
 * `cluster.shared.stack` or the S3 settings that borrow another tenant's bucket do.
 */
import { parse as parseYaml } from "yaml";

/** The stacks (last name segment) that a `Pulumi.<stack>.yaml` references. */
export function stackReferences(stackFileText: string): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === "object" && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key === "stack" && typeof child === "string") found.add(child.split("/").pop()!);
        else walk(child);
      }
    }
  };
  walk((parseYaml(stackFileText) as { config?: unknown } | null)?.config);
  return [...found].sort();
}

export function isSharedClusterStack(stackFileText: string): boolean {
  const config = (parseYaml(stackFileText) as { config?: Record<string, unknown> } | null)?.config ?? {};
  return config["hubfleet:role"] === "sharedCluster";
}

/** Stacks that reference any of `changed`, directly or through others, among `all`. */
export function dependentsOf(changed: readonly string[], references: ReadonlyMap<string, readonly string[]>): string[] {
  const result = new Set(changed);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [stack, refs] of references) {
      if (!result.has(stack) && refs.some((r) => result.has(r))) {
        result.add(stack);
        grew = true;
      }
    }
  }
  return [...result].sort();
}

/**
 * The stacks in waves: each wave only references stacks of earlier waves (or stacks not
 * being deployed, which are already up). Throws on a reference cycle.
 */
export function deployWaves(stacks: readonly string[], references: ReadonlyMap<string, readonly string[]>): string[][] {
  const pending = new Set(stacks);
  const waves: string[][] = [];
  while (pending.size > 0) {
    const wave = [...pending].filter((stack) => !(references.get(stack) ?? []).some((ref) => ref !== stack && pending.has(ref))).sort();
    if (wave.length === 0) throw new Error(`stack references form a cycle among ${[...pending].sort().join(", ")}`);
    wave.forEach((stack) => pending.delete(stack));
    waves.push(wave);
  }
  return waves;
}
