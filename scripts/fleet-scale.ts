/**
 * npm run fleet-scale [-- --tenants N --parallel P --keep]
 *
 * Generates N tenant stacks (default 100) on one shared cluster in a temporary
 * directory, renders all of them twice (the two sides of a render diff) and diffs every
 * stack with the render diff's own functions, checks the two renders agree byte for byte and that a
 * tenant rendered alone matches its batch render, and prints wall time, per-stack
 * time and peak memory. Exits 1 past the 3-minute budget or on any mismatch.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runOrder } from "./fleet/graph";
import { loadFleet } from "./fleet/stacks";
import { CLUSTER_STACK, tenantName, writeScaleFleet } from "./fleet-scale/generate";
import { scaleReport, type RoundFigures } from "./fleet-scale/report";
import { stackMarkdown } from "./diff/markdown";
import { diffStack, type RenderedStack } from "./diff/plan-diff";
import { renderInWorkers } from "./render/render-stacks";

const projectDir = path.resolve(__dirname, "..");
const BUDGET_MS = 3 * 60 * 1000;

function parseArgs(argv: string[]): { tenants: number; parallel: number; keep: boolean } {
  const args = { tenants: 100, parallel: 2, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const count = (flag: string) => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} takes a whole number of at least 1`);
      return value;
    };
    if (arg === "--tenants") args.tenants = count(arg);
    else if (arg === "--parallel") args.parallel = count(arg);
    else if (arg === "--keep") args.keep = true;
    else throw new Error(`unknown argument ${arg}; use --tenants N, --parallel P, --keep`);
  }
  return args;
}

/** Every file under `dir`, by relative path. */
function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      files.set(
        path.relative(dir, path.join(entry.parentPath, entry.name)),
        fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8"),
      );
  }
  return files;
}

function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  return names.filter((name) => a.get(name) !== b.get(name));
}

async function renderRound(label: string, stacks: string[], configDir: string, outRoot: string, parallel: number): Promise<RoundFigures> {
  const started = performance.now();
  let done = 0;
  const result = await renderInWorkers(stacks, {
    parallel,
    configDir,
    outRoot,
    onRendered: () => {
      done++;
      if (done % 20 === 0 || done === stacks.length)
        process.stdout.write(`  ${label}: ${done}/${stacks.length} rendered, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    },
  });
  const failed = result.stacks.filter((stack) => stack.error !== undefined);
  if (failed.length > 0)
    throw new Error(`${label}: ${failed.length} stacks failed to render, first ${failed[0]!.stack}: ${failed[0]!.error}`);
  return {
    label,
    wallMs: performance.now() - started,
    stackMs: result.stacks.map((stack) => stack.ms),
    workerMaxRssKiB: result.workers.map((worker) => worker.maxRssKiB),
    workerStartupMs: result.workers.map((worker) => worker.startupMs),
    workerCpuMs: result.workers.map((worker) => worker.cpuMs),
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-scale-"));
  const configDir = path.join(root, "stacks");
  const stacks = writeScaleFleet(projectDir, configDir, args.tenants);
  process.stdout.write(`generated ${stacks.length} stack files in ${configDir}\n`);

  // The fleet command's view of the generated fleet: the cluster first, every tenant after it.
  const order = runOrder(loadFleet(configDir), stacks, "up");
  const misordered = stacks.filter((stack) => stack !== CLUSTER_STACK && order.waitsFor.get(stack)!.join() !== CLUSTER_STACK);
  if (order.stacks[0] !== CLUSTER_STACK || misordered.length > 0)
    throw new Error(
      `fleet order is wrong: ${order.stacks.slice(0, 3).join(", ")}...; not after the cluster alone: ${misordered.join(", ")}`,
    );
  process.stdout.write(`fleet order: ${CLUSTER_STACK}, then ${stacks.length - 1} tenants that wait only for it\n`);

  const loadBefore = os.loadavg()[0]!;
  const started = performance.now();
  const rounds = [
    await renderRound("render", stacks, configDir, path.join(root, "out-a"), args.parallel),
    await renderRound("second render", stacks, configDir, path.join(root, "out-b"), args.parallel),
  ];
  // The diff itself: every stack's two renders compared field by field and summarised, as `npm run diff` does.
  const diffStarted = performance.now();
  const read = (dir: string, stack: string): RenderedStack => ({
    plan: JSON.parse(fs.readFileSync(path.join(root, dir, stack, "plan.json"), "utf8")) as RenderedStack["plan"],
    hubValues: fs.existsSync(path.join(root, dir, stack, "hub-values.yaml"))
      ? fs.readFileSync(path.join(root, dir, stack, "hub-values.yaml"), "utf8")
      : "",
  });
  const changed = stacks
    .map((stack) => diffStack(stack, read("out-a", stack), read("out-b", stack)))
    .filter((diff) => diff.status !== "unchanged" || stackMarkdown(diff) === "");
  const diffMs = performance.now() - diffStarted;
  process.stdout.write(`diffed ${stacks.length} stacks in ${(diffMs / 1000).toFixed(1)} s: ${changed.length} with a change\n`);
  const totalWallMs = performance.now() - started;

  const a = readTree(path.join(root, "out-a"));
  const unstable = differences(a, readTree(path.join(root, "out-b")));
  // A late tenant alone in a fresh process: a batch render must not carry state from the stacks before it.
  const probe = tenantName(args.tenants);
  await renderInWorkers([probe], { parallel: 1, configDir, outRoot: path.join(root, "out-alone") });
  const alone = readTree(path.join(root, "out-alone"));
  const leaked = differences(alone, new Map([...a].filter(([name]) => name.startsWith(`${probe}${path.sep}`))));
  const resources = [...a]
    .filter(([name]) => name.endsWith("plan.json"))
    .reduce((sum, [, text]) => sum + (JSON.parse(text) as { resources: unknown[] }).resources.length, 0);

  process.stdout.write(
    `\n${scaleReport({ tenants: args.tenants, stacks: stacks.length, parallel: args.parallel, resources, rounds, totalWallMs, parentMaxRssKiB: process.resourceUsage().maxRSS, budgetMs: BUDGET_MS, loadAverage: [loadBefore, os.loadavg()[0]!], cores: os.availableParallelism() })}\n`,
  );
  process.stdout.write(`renders agree byte for byte: ${unstable.length === 0 ? "yes" : `no, ${unstable.slice(0, 5).join(", ")}`}\n`);
  process.stdout.write(`${probe} rendered alone matches its batch render: ${leaked.length === 0 ? "yes" : `no, ${leaked.join(", ")}`}\n`);
  if (args.keep) process.stdout.write(`kept ${root}\n`);
  else fs.rmSync(root, { recursive: true, force: true });
  return totalWallMs <= BUDGET_MS && unstable.length === 0 && leaked.length === 0 && changed.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
