/** Every rendered stack carries its cost and apply-time estimates, in plan.json and in its README. */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { COST_CATEGORIES } from "../scripts/estimate/cost";
import type { Plan } from "../scripts/render/report";
import { PROJECT_DIR } from "./support/program";
import { renderedPlans } from "./support/rendered-plans";

let plans: Plan[];

beforeAll(() => {
  plans = renderedPlans();
}, 300_000);

describe("the estimates in every render", () => {
  it("give each plan a cost, idle and busy, whose lines add up to its totals", () => {
    for (const plan of plans) {
      const cost = plan.cost!;
      expect(cost, plan.stack).toBeDefined();
      expect(Object.keys(cost.idle.byCategory)).toEqual([...COST_CATEGORIES]);
      const sum = (pick: (l: (typeof cost.lines)[number]) => number) => cost.lines.reduce((s, l) => s + pick(l), 0);
      expect(
        sum((l) => l.idle),
        plan.stack,
      ).toBeCloseTo(cost.idle.total, 1);
      expect(
        sum((l) => l.busy),
        plan.stack,
      ).toBeCloseTo(cost.busy.total, 1);
      expect(cost.busy.total, plan.stack).toBeGreaterThanOrEqual(cost.idle.total);
    }
  });

  it("scope the cost: a shared cluster, marginal tenants, whole tenants and the local stack", () => {
    const scopes = Object.fromEntries(plans.map((p) => [p.stack, p.cost!.scope]));
    expect(scopes).toEqual({
      dev: "local",
      "habari-cluster": "shared cluster",
      "habari-kisumu": "tenant on a shared cluster (marginal)",
      "habari-nairobi": "tenant on a shared cluster (marginal)",
      openhexa: "tenant",
      pipalhub: "tenant",
      renku: "tenant",
    });
    const idle = (stack: string) => plans.find((p) => p.stack === stack)!.cost!.idle;
    // The cluster fee belongs to the cluster stack, never to its tenants.
    expect(idle("habari-cluster").byCategory["cluster fee"]).toBeGreaterThan(0);
    expect(idle("habari-nairobi").byCategory["cluster fee"]).toBe(0);
    expect(idle("dev").total).toBe(0);
  });

  it("give each plan an apply time no shorter than its lower bound, with a critical path that ends it", () => {
    for (const plan of plans) {
      const time = plan.applyTime!;
      expect(time.minutes, plan.stack).toBeGreaterThanOrEqual(time.lowerBound);
      expect(time.criticalPath.at(-1)?.end, plan.stack).toBe(time.minutes);
      expect(time.criticalPath[0]?.start, plan.stack).toBe(0);
    }
  });

  it("write both into each stack's README", () => {
    for (const plan of plans) {
      const readme = fs.readFileSync(path.join(PROJECT_DIR, "out", plan.stack, "README.md"), "utf8");
      expect(readme, plan.stack).toContain("## Cost per month");
      expect(readme, plan.stack).toContain(`**$${plan.cost!.idle.total.toFixed(2)} idle**`);
      expect(readme, plan.stack).toContain(`**$${plan.cost!.busy.total.toFixed(2)} busy**`);
      expect(readme, plan.stack).toContain(`about **${plan.applyTime!.minutes} min** (lower bound ${plan.applyTime!.lowerBound} min)`);
      for (const step of plan.applyTime!.criticalPath) expect(readme, plan.stack).toContain(`| ${step.name} |`);
    }
  });
});
