/**
 * The rendered plans of every example stack (out/<stack>/plan.json), rendering them
 * first when out/ lacks one or holds one older than the code or stack file it came from.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stackNames } from "../../scripts/render";
import type { Plan } from "../../scripts/render/report";
import { PROJECT_DIR } from "./program";

const OUT_DIR = path.join(PROJECT_DIR, "out");
const SOURCE_DIRS = ["components", "stacks", "scripts", "policy"];

function newestSourceTime(): number {
  let newest = fs.statSync(path.join(PROJECT_DIR, "index.ts")).mtimeMs;
  for (const dir of SOURCE_DIRS) {
    for (const entry of fs.readdirSync(path.join(PROJECT_DIR, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function planFile(stack: string): string {
  return path.join(OUT_DIR, stack, "plan.json");
}

function upToDate(stack: string, sourceTime: number): boolean {
  const file = planFile(stack);
  if (!fs.existsSync(file)) return false;
  const stackFileTime = fs.statSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`)).mtimeMs;
  return fs.statSync(file).mtimeMs >= Math.max(sourceTime, stackFileTime);
}

const LOCK = path.join(PROJECT_DIR, ".render-lock");

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One test process renders at a time; the others wait for it, then find fresh plans. */
function withRenderLock<T>(work: () => T): T {
  for (let waited = 0; ; waited += 200) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || waited > 300_000) throw error;
      sleep(200);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Reads every stack's plan, after `npm run render -- --all` when any is missing or stale. */
export function renderedPlans(): Plan[] {
  const stacks = stackNames(PROJECT_DIR);
  const sourceTime = newestSourceTime();
  if (!stacks.every((stack) => upToDate(stack, sourceTime))) {
    withRenderLock(() => {
      if (stacks.every((stack) => upToDate(stack, sourceTime))) return;
      const result = spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(PROJECT_DIR, "scripts", "render.ts"), "--all"], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
      });
      if (result.status !== 0) throw new Error(`npm run render -- --all failed:\n${result.stderr}`);
    });
  }
  return stacks.map((stack) => JSON.parse(fs.readFileSync(planFile(stack), "utf8")) as Plan);
}
