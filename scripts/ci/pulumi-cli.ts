/**
 * Runs the Pulumi CLI for the CI scripts and reads what it prints. The runner is a
 * parameter of everything that calls it, so tests answer for the CLI.
 */
import { spawnSync } from "node:child_process";

export interface CommandResult {
  code: number;
  output: string;
}

export type RunPulumi = (args: readonly string[]) => CommandResult;

/** The real CLI: output echoed to the job log once the command ends, and returned. */
export const runPulumi: RunPulumi = (args) => {
  const result = spawnSync("pulumi", [...args, "--non-interactive", "--color", "never"], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  process.stdout.write(output);
  return { code: result.status ?? 1, output: result.error ? `${output}${result.error.message}\n` : output };
};

/** Stack names (last segment) in the backend, from `pulumi stack ls --json`. */
export function backendStacks(run: RunPulumi): string[] {
  const result = run(["stack", "ls", "--json"]);
  if (result.code !== 0) throw new Error(`pulumi stack ls failed:\n${result.output}`);
  const start = result.output.indexOf("[");
  const stacks = JSON.parse(result.output.slice(start, result.output.lastIndexOf("]") + 1)) as Array<{ name: string }>;
  return stacks.map((s) => s.name.split("/").pop()!).sort();
}

/** The "Resources:" block Pulumi ends a preview with (`+ 2 to create`, `~ 1 to update`, ...). */
export function resourceSummary(output: string): string[] {
  const lines = output.split("\n");
  const start = lines.findIndex((line) => line.trim() === "Resources:");
  if (start < 0) return [];
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "") break;
    block.push(line.trim());
  }
  return block;
}

/** The end of a long log, which holds the summary and any error, within `limit` characters. */
export function tail(text: string, limit: number): string {
  return text.length <= limit ? text : `… (${text.length - limit} characters before this are in the job log)\n${text.slice(-limit)}`;
}
