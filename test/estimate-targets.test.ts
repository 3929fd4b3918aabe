/** docs/costs-and-time.md and docs/policy.md state what the code measures and enforces. */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hubfleetPolicies } from "../policy/policies";
import { estimateCost } from "../scripts/estimate/cost";
import { OPENHEXA_2021 } from "../scripts/estimate/openhexa-2021";
import { targetsMarkdown } from "../scripts/estimate/targets";
import type { Plan } from "../scripts/render/report";
import { PROJECT_DIR } from "./support/program";
import { renderedPlans } from "./support/rendered-plans";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, "docs", file), "utf8");
let plans: Plan[];

beforeAll(() => {
  plans = renderedPlans();
}, 300_000);

describe("the documented targets", () => {
  it("are the figures the estimator gives for the rendered stacks", () => {
    const block = /<!-- targets:begin -->\n([\s\S]*?)<!-- targets:end -->/.exec(read("costs-and-time.md"))?.[1];
    expect(block?.trim()).toBe(targetsMarkdown(plans).trim());
  });

  it("compare openhexa with a 2021 setup that kept two nodes and a dedicated-core database running", () => {
    const then = estimateCost(OPENHEXA_2021);
    expect(then.lines.filter((l) => l.category === "nodes").map((l) => l.what)).toEqual([
      "e2-standard-2: 1 idle, 1 busy",
      "e2-highmem-2: 1 idle, 1 busy",
    ]);
    expect(then.lines.find((l) => l.category === "database")?.what).toContain("db-custom-1-3840");
    expect(read("costs-and-time.md")).toContain(`$${then.idle.total.toFixed(2)}`);
  });

  it("list every policy of the pack in docs/policy.md", () => {
    const doc = read("policy.md");
    for (const policy of hubfleetPolicies) {
      expect(doc, policy.name).toContain(`\`${policy.name}\``);
      for (const benchmark of policy.benchmarks) expect(doc, `${policy.name}: ${benchmark}`).toContain(benchmark);
    }
  });
});
