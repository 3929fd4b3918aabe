/**
 * Which stacks a fleet run covers: those named, those a change touches, or all.
 */
import { execFileSync } from "node:child_process";
// One rule for what a change touches, shared with the render diff.
import { isCodeChange, stackOfFile } from "../diff/touched-stacks";

export interface Selection {
  readonly stacks: readonly string[];
  /** Why these stacks, for the run's header. */
  readonly reason: string;
  /** Stack files the change deleted: nothing to run them with, listed so nobody forgets their state. */
  readonly removed: readonly string[];
}

/** The stacks a set of changed paths (relative to the project root) touches. */
export function touchedStacks(changedFiles: readonly string[], existingStacks: readonly string[]): Selection {
  const existing = new Set(existingStacks);
  const touched = new Set<string>();
  const removed = new Set<string>();
  const code: string[] = [];
  for (const file of changedFiles) {
    const stack = stackOfFile(file);
    if (stack !== undefined) {
      if (existing.has(stack)) touched.add(stack);
      else removed.add(stack);
    } else if (isCodeChange(file)) {
      code.push(file);
    }
  }
  if (code.length > 0) {
    const more = code.length > 3 ? ` and ${code.length - 3} more` : "";
    return {
      stacks: [...existingStacks].sort(),
      reason: `code changed (${code.slice(0, 3).join(", ")}${more}): every stack`,
      removed: [...removed].sort(),
    };
  }
  const reason = touched.size > 0 ? "stack files changed" : "no change touches a stack";
  return { stacks: [...touched].sort(), reason, removed: [...removed].sort() };
}

/** Stacks named with --stacks, checked against the stack files. */
export function namedStacks(names: readonly string[], existingStacks: readonly string[]): Selection {
  const unknown = names.filter((name) => !existingStacks.includes(name));
  if (unknown.length > 0) {
    throw new Error(`no stack file for ${unknown.join(", ")}; the stacks are ${existingStacks.join(", ")}`);
  }
  return { stacks: [...new Set(names)], reason: "named with --stacks", removed: [] };
}

/**
 * Files changed since `ref`: from where the current branch left it (merge base) to the
 * working tree, committed or not, plus files git does not track yet (a new stack file).
 */
export function changedFilesSince(ref: string, projectDir: string): string[] {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: projectDir, encoding: "utf8" });
  const base = git("merge-base", ref, "HEAD").trim();
  // --relative: paths from the project directory, which need not be the repository root.
  const changed = git("diff", "--name-only", "--relative", base).split("\n");
  const untracked = git("ls-files", "--others", "--exclude-standard").split("\n");
  return [...new Set([...changed, ...untracked].filter((line) => line.length > 0))].sort();
}
