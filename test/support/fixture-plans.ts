/**
 * Plans of the test fixtures' stack files (test/fixtures/stacks/), rendered in this
 * process under the mock runtime: scenarios no example stack shows any more (a
 * DigitalOcean database, web identity), in the form `out/<stack>/plan.json` takes.
 */
import { installMockRuntime, resolveOutputs, settle } from "../../scripts/render/mock-runtime";
import { buildPlan, type Plan } from "../../scripts/render/report";
import { fixtureStackConfig } from "./program";

/** Renders each fixture (file name → tenant name) in one runtime; each plan holds its tenant's resources only. */
export async function renderedFixturePlans(fixtures: Readonly<Record<string, string>>): Promise<Map<string, Plan>> {
  const recorder = await installMockRuntime({ stack: "fixtures" });
  const { runProgram } = await import("../../stacks/program");
  const plans = new Map<string, Plan>();
  for (const [fixture, tenant] of Object.entries(fixtures)) {
    const before = recorder.resources.length;
    const exported = runProgram(fixtureStackConfig(fixture));
    await settle();
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(exported)) outputs[key] = await resolveOutputs(value);
    const resources = recorder.resources.slice(before).filter((r) => r.name.startsWith(tenant));
    plans.set(fixture, buildPlan(fixture, resources, outputs));
  }
  return plans;
}
