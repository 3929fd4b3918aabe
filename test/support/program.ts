/**
 * Runs the real program (stacks/program.ts, what index.ts runs) under the
 * recording mock runtime, with a stack file's config or given values.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { rawConfigFromStackFile, type RawStackConfig } from "../../stacks/config/load";
import { installMockRuntime, resolveOutputs, settle, type PlanRecorder } from "../../scripts/render/mock-runtime";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

export function stackFileConfig(stack: string): RawStackConfig {
  return rawConfigFromStackFile(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8"));
}

export interface ProgramRun {
  plan: PlanRecorder;
  outputs: Record<string, unknown>;
}

/** Installs the mocks, then imports and runs the program; the import comes after the mocks, always. */
export async function runProgramUnderMocks(stack: string, raw: RawStackConfig): Promise<ProgramRun> {
  const plan = await installMockRuntime({ stack });
  const { runProgram } = await import("../../stacks/program");
  const exported = runProgram(raw);
  await settle();
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exported)) outputs[key] = await resolveOutputs(value);
  return { plan, outputs };
}

/** A test fixture's stack file (test/fixtures/stacks/<name>.yaml): scenarios the example stacks no longer show. */
export function fixtureStackConfig(name: string): RawStackConfig {
  return rawConfigFromStackFile(fs.readFileSync(path.join(PROJECT_DIR, "test", "fixtures", "stacks", `${name}.yaml`), "utf8"));
}
