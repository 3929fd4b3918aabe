/**
 * npm run diff -- --base <git ref> [--out <dir>] [--stacks a,b]
 *
 * Renders the stacks a change touches twice, at the base ref (a temporary git worktree
 * that borrows this checkout's node_modules) and in the working tree, and writes one
 * Markdown summary per stack plus summary.md for a pull-request comment, and
 * touched-stacks.json for CI. Offline: no cloud, no Pulumi CLI, no secret.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { combinedMarkdown, stackMarkdown } from "./diff/markdown";
import { diffStack, type RenderedStack, type StackDiff } from "./diff/plan-diff";
import { stacksInFiles, touchedStacks, type TouchedStack } from "./diff/touched-stacks";
import { runMain } from "./run-main";

const projectDir = path.resolve(__dirname, "..");

interface Args {
  base: string;
  out: string;
  stacks?: string[];
}

function parseArgs(argv: readonly string[]): Args {
  let base: string | undefined;
  let out = path.join(projectDir, "out", "diff");
  let stacks: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--base") base = argv[++i];
    else if (arg === "--out") out = path.resolve(argv[++i] ?? out);
    else if (arg === "--stacks") stacks = (argv[++i] ?? "").split(",").filter(Boolean);
    else throw new Error(`unknown argument ${arg}; usage: npm run diff -- --base <git ref> [--out <dir>] [--stacks a,b]`);
  }
  if (!base) throw new Error("name the base with --base <git ref>, for example --base origin/main or --base HEAD~1");
  return { base, out, ...(stacks ? { stacks } : {}) };
}

function git(args: readonly string[], cwd = projectDir): string {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr.trim()}`);
  return result.stdout;
}

const lines = (text: string) => text.split("\n").filter(Boolean);

/** Files that differ between the base commit and the working tree, untracked ones included. */
function changedFiles(baseCommit: string): string[] {
  return [...new Set([...lines(git(["diff", "--name-only", baseCommit])), ...lines(git(["ls-files", "--others", "--exclude-standard"]))])];
}

interface RenderResult {
  stack: string;
  ok: boolean;
  log: string;
}

/** Renders one stack in `checkout` with this checkout's tsx, into `outRoot/<stack>/`. */
function render(checkout: string, stack: string, outRoot: string): Promise<RenderResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve("tsx/cli"), "scripts/render.ts", "--stack", stack, "--out", outRoot], {
      cwd: checkout,
    });
    let log = "";
    child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.on("close", (code) => resolve({ stack, ok: code === 0, log }));
  });
}

/**
 * Renders several stacks in `checkout`: in one process with worker processes where that
 * checkout's render knows `--stacks` (one SDK load per worker, not per stack), one
 * process per stack otherwise (an older base).
 */
async function renderMany(checkout: string, stacks: readonly string[], outRoot: string, limit: number): Promise<RenderResult[]> {
  if (stacks.length === 0) return [];
  const renderScript = fs.readFileSync(path.join(checkout, "scripts", "render.ts"), "utf8");
  if (!renderScript.includes('"--stacks"'))
    return inParallel(
      stacks.map((stack) => () => render(checkout, stack, outRoot)),
      limit,
    );
  const log = await new Promise<string>((resolve) => {
    const child = spawn(
      process.execPath,
      [require.resolve("tsx/cli"), "scripts/render.ts", "--stacks", stacks.join(","), "--out", outRoot],
      { cwd: checkout },
    );
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.on("close", () => resolve(text));
  });
  return stacks.map((stack) => ({ stack, ok: fs.existsSync(path.join(outRoot, stack, "plan.json")), log }));
}

/** Runs the jobs at most `limit` at a time (each render is its own process). */
async function inParallel<T>(jobs: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, worker));
  return results;
}

function readRendered(outRoot: string, stack: string): RenderedStack {
  const dir = path.join(outRoot, stack);
  return {
    plan: JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8")) as RenderedStack["plan"],
    hubValues: fs.readFileSync(path.join(dir, "hub-values.yaml"), "utf8"),
  };
}

function failureMarkdown(side: string, failure: RenderResult): string {
  const tail = failure.log.trim().split("\n").slice(-20).join("\n");
  return `## Stack \`${failure.stack}\`: the ${side} render failed\n\n\`\`\`\n${tail}\n\`\`\`\n`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const baseCommit = git(["rev-parse", "--verify", `${args.base}^{commit}`]).trim();
  const baseStacks = stacksInFiles(lines(git(["ls-tree", "--name-only", baseCommit])));
  const headStacks = stacksInFiles(fs.readdirSync(projectDir));
  let touched: TouchedStack[] = touchedStacks(changedFiles(baseCommit), baseStacks, headStacks);
  if (args.stacks) touched = touched.filter((t) => args.stacks!.includes(t.stack));

  fs.rmSync(args.out, { recursive: true, force: true });
  fs.mkdirSync(args.out, { recursive: true });
  fs.writeFileSync(path.join(args.out, "touched-stacks.json"), `${JSON.stringify(touched, null, 2)}\n`);
  const limit = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;

  const baseOut = path.join(args.out, "base");
  const headOut = path.join(args.out, "head");
  const inBase = touched.filter((t) => t.change !== "added").map((t) => t.stack);
  const inHead = touched.filter((t) => t.change !== "removed").map((t) => t.stack);
  const checkout = inBase.length > 0 ? fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-base-")) : undefined;
  let results: RenderResult[];
  if (checkout) git(["worktree", "add", "--detach", "--quiet", checkout, baseCommit]);
  try {
    if (checkout) fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(checkout, "node_modules"), "dir");
    // The two sides render at once, each in its own worker processes.
    const [baseRendered, headRendered] = await Promise.all([
      checkout ? renderMany(checkout, inBase, baseOut, limit) : Promise.resolve([]),
      renderMany(projectDir, inHead, headOut, limit),
    ]);
    results = [...baseRendered, ...headRendered];
  } finally {
    if (checkout) git(["worktree", "remove", "--force", checkout]);
  }
  const baseResults = results.slice(0, inBase.length);
  const headResults = results.slice(inBase.length);

  const failures = [
    ...baseResults.filter((r) => !r.ok).map((r) => failureMarkdown("base", r)),
    ...headResults.filter((r) => !r.ok).map((r) => failureMarkdown("new", r)),
  ];
  const failed = new Set([...baseResults, ...headResults].filter((r) => !r.ok).map((r) => r.stack));
  const diffs: StackDiff[] = [];
  for (const { stack, change } of touched.filter((t) => !failed.has(t.stack))) {
    const diff = diffStack(
      stack,
      change === "added" ? undefined : readRendered(baseOut, stack),
      change === "removed" ? undefined : readRendered(headOut, stack),
    );
    diffs.push(diff);
    fs.writeFileSync(path.join(args.out, `${stack}.md`), stackMarkdown(diff));
  }
  const summary = [combinedMarkdown(diffs, args.base), ...failures].join("\n");
  fs.writeFileSync(path.join(args.out, "summary.md"), summary);
  console.log(summary);
  console.error(`render diff of ${touched.length} stack(s) written to ${path.relative(process.cwd(), args.out) || "."}`);
  return headResults.some((r) => !r.ok) ? 1 : 0;
}

if (require.main === module) {
  runMain(main);
}
