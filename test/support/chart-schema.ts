/**
 * The jupyterhub chart's own check: values merged into the chart's defaults
 * (maps merge, everything else replaces, as Helm does), then validated against
 * values.schema.json. The chart files sit in ../shared/z2jh/<version>/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";
import { CHART } from "../../components/hub/values";

export const CHART_DIR = process.env.HUBFLEET_Z2JH_DIR ?? path.resolve(__dirname, "..", "..", "..", "shared", "z2jh", CHART.version);
export const chartFilesPresent = fs.existsSync(path.join(CHART_DIR, "values.schema.json"));
export const SKIP_REASON = `the chart's schema is not at ${CHART_DIR} (a clone outside the workspace); set HUBFLEET_Z2JH_DIR to check hub values`;

function helmMerge(defaults: unknown, overrides: unknown): unknown {
  if (overrides === null) return undefined;
  if (isMap(defaults) && isMap(overrides)) {
    const out: Record<string, unknown> = { ...defaults };
    for (const [key, value] of Object.entries(overrides)) {
      const merged = helmMerge(defaults[key], value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    }
    return out;
  }
  return overrides;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

let validator: ((values: unknown) => string[]) | undefined;

/** The chart schema's complaints about these values after merging into the defaults; empty when valid. */
export function chartSchemaErrors(values: Record<string, unknown>): string[] {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(path.join(CHART_DIR, "values.schema.json"), "utf8")) as object;
    const defaults = parse(fs.readFileSync(path.join(CHART_DIR, "values.yaml"), "utf8")) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    validator = (v) => {
      const merged = helmMerge(defaults, v);
      return validate(merged)
        ? []
        : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
    };
  }
  return validator(values);
}
