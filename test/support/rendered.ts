/** The plans the test run rendered once (test/global-setup.ts), read from out/. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { stackNames } from "../../scripts/render";
import type { Plan } from "../../scripts/render/report";
import { PROJECT_DIR } from "./program";

export const RENDERED_STACKS = stackNames(PROJECT_DIR);
export const OUT_DIR = path.join(PROJECT_DIR, "out");

export function renderedPlan(stack: string): Plan {
  return JSON.parse(fs.readFileSync(path.join(OUT_DIR, stack, "plan.json"), "utf8")) as Plan;
}

export function renderedHubValues(stack: string): Record<string, unknown> {
  return (parse(fs.readFileSync(path.join(OUT_DIR, stack, "hub-values.yaml"), "utf8")) ?? {}) as Record<string, unknown>;
}

export function renderedFiles(stack: string): Record<string, string> {
  const dir = path.join(OUT_DIR, stack);
  return Object.fromEntries(fs.readdirSync(dir).map((file) => [file, fs.readFileSync(path.join(dir, file), "utf8")]));
}
