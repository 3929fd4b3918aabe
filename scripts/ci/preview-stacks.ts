/**
 * tsx scripts/ci/preview-stacks.ts --touched <touched-stacks.json> --out <preview.md> [--policy-pack <dir>]
 *
 * The pull-request preview: `pulumi preview --diff` of each touched stack that exists in
 * the backend (with the policy pack when there is one), and a Markdown section for the
 * PR comment. Stacks not in the backend are new and listed, not previewed; removed
 * stacks are listed for a `pulumi destroy` by hand. Exits non-zero if a preview failed.
 */
import * as fs from "node:fs";
import type { TouchedStack } from "../diff/touched-stacks";
import { backendStacks, resourceSummary, runPulumi, tail, type RunPulumi } from "./pulumi-cli";

export interface PreviewTargets {
  preview: string[];
  notInBackend: string[];
  removed: string[];
}

export function previewTargets(touched: readonly TouchedStack[], inBackend: readonly string[]): PreviewTargets {
  const deployed = new Set(inBackend);
  const present = touched.filter((t) => t.change !== "removed").map((t) => t.stack);
  return {
    preview: present.filter((stack) => deployed.has(stack)),
    notInBackend: present.filter((stack) => !deployed.has(stack)),
    removed: touched.filter((t) => t.change === "removed").map((t) => t.stack),
  };
}

export interface PreviewResult {
  stack: string;
  ok: boolean;
  output: string;
}

export function previewArgs(stack: string, policyPack: string | undefined): string[] {
  return ["preview", "--stack", stack, "--diff", ...(policyPack ? ["--policy-pack", policyPack] : [])];
}

const LOG_LIMIT = 3_000;

export function previewMarkdown(results: readonly PreviewResult[], targets: PreviewTargets): string {
  const lines = ["### `pulumi preview` against the deployed stacks", ""];
  if (results.length + targets.notInBackend.length + targets.removed.length === 0) return [...lines, "No touched stack.", ""].join("\n");
  for (const result of results) {
    const summary = resourceSummary(result.output);
    lines.push(
      `<details${result.ok ? "" : " open"}><summary><code>${result.stack}</code>: ${result.ok ? summary.join(", ") || "previewed" : "**preview failed**"}</summary>`,
      "",
    );
    lines.push("```", tail(result.output.trim(), LOG_LIMIT), "```", "</details>", "");
  }
  for (const stack of targets.notInBackend)
    lines.push(`- \`${stack}\`: new, not previewed (not in the backend yet; the render diff shows what it creates)`);
  for (const stack of targets.removed) lines.push(`- \`${stack}\`: stack file removed; merging does not destroy it`);
  return [...lines, ""].join("\n");
}

export function previewStacks(touched: readonly TouchedStack[], run: RunPulumi, policyPack?: string): { markdown: string; ok: boolean } {
  const targets = previewTargets(touched, backendStacks(run));
  const results = targets.preview.map((stack) => {
    const result = run(previewArgs(stack, policyPack));
    return { stack, ok: result.code === 0, output: result.output };
  });
  return { markdown: previewMarkdown(results, targets), ok: results.every((r) => r.ok) };
}

function main(): number {
  const argv = process.argv.slice(2);
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const touchedFile = value("--touched");
  const out = value("--out");
  if (!touchedFile || !out)
    throw new Error("usage: preview-stacks.ts --touched <touched-stacks.json> --out <preview.md> [--policy-pack <dir>]");
  const policyPack = value("--policy-pack");
  const touched = JSON.parse(fs.readFileSync(touchedFile, "utf8")) as TouchedStack[];
  const { markdown, ok } = previewStacks(touched, runPulumi, policyPack && fs.existsSync(policyPack) ? policyPack : undefined);
  fs.writeFileSync(out, markdown);
  return ok ? 0 : 1;
}

if (require.main === module) process.exit(main());
