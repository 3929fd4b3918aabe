/**
 * tsx scripts/ci/drift-check.ts --stack <name> --out <result.json>
 *
 * The nightly drift check of one stack: `pulumi preview --refresh --expect-no-changes`
 * reads the real resources and compares them with the program. Writes the verdict
 * (clean, drifted, failed or not-deployed) with the preview's output for the issue step.
 */
import * as fs from "node:fs";
import { backendStacks, runPulumi, tail, type RunPulumi } from "./pulumi-cli";

export type DriftStatus = "clean" | "drifted" | "failed" | "not-deployed";

export interface DriftResult {
  stack: string;
  status: DriftStatus;
  output: string;
}

/** Pulumi's words when --expect-no-changes meets a change (older and newer CLIs). */
const CHANGES_PROPOSED = /no changes were expected( for \w+)? but changes were proposed/;

export function driftVerdict(code: number, output: string): DriftStatus {
  if (code === 0) return "clean";
  return CHANGES_PROPOSED.test(output) ? "drifted" : "failed";
}

export function checkDrift(stack: string, run: RunPulumi): DriftResult {
  if (!backendStacks(run).includes(stack)) return { stack, status: "not-deployed", output: "" };
  const result = run(["preview", "--stack", stack, "--refresh", "--expect-no-changes", "--diff"]);
  return { stack, status: driftVerdict(result.code, result.output), output: tail(result.output, 50_000) };
}

function main(): number {
  const argv = process.argv.slice(2);
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const stack = value("--stack");
  const out = value("--out");
  if (!stack || !out) throw new Error("usage: drift-check.ts --stack <name> --out <result.json>");
  const result = checkDrift(stack, runPulumi);
  fs.writeFileSync(out, `${JSON.stringify(result)}\n`);
  console.log(`${stack}: ${result.status}`);
  // Drift is reported by the issue step; only a failed check fails this job.
  return result.status === "failed" ? 1 : 0;
}

if (require.main === module) process.exit(main());
