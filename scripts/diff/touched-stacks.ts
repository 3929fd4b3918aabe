/**
 * Which stacks a change touches. A stack file touches its own stack; any other file that
 * can change what the program registers (components, stacks/, index.ts, the lockfile, the
 * render itself) touches every stack. Files that cannot change a render are listed here.
 */

export type StackChange = "added" | "removed" | "changed";

export interface TouchedStack {
  stack: string;
  change: StackChange;
}

const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

/** Paths that never change what `npm run render` writes for a stack. */
const NO_RENDER_EFFECT: readonly RegExp[] = [
  /\.md$/,
  /^docs\//,
  /^test\//,
  /^\.github\//,
  /^\.ci\//,
  /^policy\//,
  /^scripts\/ci\//,
  /^scripts\/diff(\.ts$|\/)/,
  /^scripts\/fleet/,
  /^(LICENSE|\.gitignore|\.gitattributes|eslint\.config\.mjs|vitest\.config\.mts)$/,
];

/** The stack a file configures, if it is a `Pulumi.<stack>.yaml` stack file. */
export function stackOfFile(file: string): string | undefined {
  return STACK_FILE.exec(file)?.[1];
}

export function stacksInFiles(files: readonly string[]): string[] {
  return files
    .map(stackOfFile)
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function isCodeChange(file: string): boolean {
  if (file === "Pulumi.yaml") return true;
  if (stackOfFile(file) !== undefined) return false;
  return !NO_RENDER_EFFECT.some((pattern) => pattern.test(file));
}

/**
 * The touched stacks, sorted, each as added (only in the new tree), removed (only in the
 * base) or changed.
 */
export function touchedStacks(
  changedFiles: readonly string[],
  baseStacks: readonly string[],
  headStacks: readonly string[],
): TouchedStack[] {
  const base = new Set(baseStacks);
  const head = new Set(headStacks);
  const names = changedFiles.some(isCodeChange) ? new Set([...base, ...head]) : new Set(stacksInFiles(changedFiles));
  return [...names]
    .filter((stack) => base.has(stack) || head.has(stack))
    .sort()
    .map((stack) => ({ stack, change: !base.has(stack) ? "added" : !head.has(stack) ? "removed" : "changed" }));
}
