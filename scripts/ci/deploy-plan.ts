/**
 * tsx scripts/ci/deploy-plan.ts --base <commit> [--waves N]
 *
 * For the deploy workflow: the stacks a push touches (as the render diff sees it), plus
 * the stacks that reference them, in deploy waves (shared clusters before their tenants).
 * Writes `wave1`..`waveN` (JSON arrays) and `removed` to $GITHUB_OUTPUT, or prints them.
 * A base of all zeros (a new branch) or one git cannot find deploys every stack.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stacksInFiles, touchedStacks } from "../diff/touched-stacks";
import { dependentsOf, deployWaves, stackReferences } from "./stack-graph";

const projectDir = path.resolve(__dirname, "..", "..");

function git(args: readonly string[]): { ok: boolean; out: string } {
  const result = spawnSync("git", args, { cwd: projectDir, encoding: "utf8" });
  return { ok: result.status === 0, out: result.stdout };
}

export interface DeployPlan {
  waves: string[][];
  removed: string[];
}

/** Pure: the waves for the changed files, given each head stack's file text. */
export function deployPlan(
  changedFiles: readonly string[] | "all",
  baseStacks: readonly string[],
  stackFiles: ReadonlyMap<string, string>,
  maxWaves: number,
): DeployPlan {
  const headStacks = [...stackFiles.keys()].sort();
  const touched =
    changedFiles === "all"
      ? headStacks.map((stack) => ({ stack, change: "changed" as const }))
      : touchedStacks(changedFiles, baseStacks, headStacks);
  const references = new Map(headStacks.map((stack) => [stack, stackReferences(stackFiles.get(stack)!)]));
  const deploy = dependentsOf(
    touched.filter((t) => t.change !== "removed").map((t) => t.stack),
    references,
  );
  const waves = deployWaves(deploy, references);
  if (waves.length > maxWaves)
    throw new Error(
      `the stacks need ${waves.length} deploy waves; the workflow has ${maxWaves}: add a wave job to .github/workflows/deploy.yml`,
    );
  return { waves, removed: touched.filter((t) => t.change === "removed").map((t) => t.stack) };
}

function main(): void {
  const argv = process.argv.slice(2);
  const base = argv[argv.indexOf("--base") + 1];
  const maxWaves = argv.includes("--waves") ? Number(argv[argv.indexOf("--waves") + 1]) : 3;
  if (!argv.includes("--base") || !base) throw new Error("usage: deploy-plan.ts --base <commit> [--waves N]");
  const stackFiles = new Map(
    stacksInFiles(fs.readdirSync(projectDir)).map((stack) => [
      stack,
      fs.readFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), "utf8"),
    ]),
  );
  const known = !/^0+$/.test(base) && git(["cat-file", "-e", `${base}^{commit}`]).ok;
  const changed = known ? git(["diff", "--name-only", base, "HEAD"]).out.split("\n").filter(Boolean) : "all";
  const baseStacks = known ? stacksInFiles(git(["ls-tree", "--name-only", base]).out.split("\n")) : [];
  const plan = deployPlan(changed, baseStacks, stackFiles, maxWaves);
  const lines = [
    ...Array.from({ length: maxWaves }, (_, i) => `wave${i + 1}=${JSON.stringify(plan.waves[i] ?? [])}`),
    `removed=${JSON.stringify(plan.removed)}`,
  ];
  if (process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join("\n")}\n`);
  console.log(lines.join("\n"));
}

if (require.main === module) main();
