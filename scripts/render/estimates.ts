/**
 * The cost and apply-time sections of a render: added to plan.json and written
 * into the stack's README, both from the plan alone.
 */
import { estimatePlanApplyTime, type ApplyTimeEstimate } from "../estimate/apply-time";
import { COST_CATEGORIES, DEFAULT_COST_OPTIONS, estimateCost, type CostEstimate, type CostOptions } from "../estimate/cost";
import type { Plan } from "./report";

export interface Estimates {
  readonly cost: CostEstimate;
  readonly applyTime: ApplyTimeEstimate;
}

export function withEstimates(plan: Plan, options: Partial<CostOptions> = {}): Plan & Estimates {
  const base: Plan = { stack: plan.stack, resources: plan.resources, outputs: plan.outputs };
  return { ...base, cost: estimateCost(base, { ...DEFAULT_COST_OPTIONS, ...options }), applyTime: estimatePlanApplyTime(base) };
}

const usd = (value: number) => `$${value.toFixed(2)}`;

export function costMarkdown(cost: CostEstimate): string[] {
  const assumptions = Object.values(cost.prices).filter((p) => p.assumption).length;
  const lines = [
    "## Cost per month",
    "",
    `${cost.scope === "tenant on a shared cluster (marginal)" ? "Marginal cost of this tenant on its shared cluster" : cost.scope === "shared cluster" ? "Shared cost of the cluster its tenants run on" : cost.scope === "local" ? "A local cluster" : "This tenant's whole estate"}, in USD at list prices: **${usd(cost.idle.total)} idle** (node pools at their minimum, no users) and **${usd(cost.busy.total)} busy** (${cost.activeUsers} active users at their guarantees).`,
    "",
    "| category | idle | busy |",
    "| --- | ---: | ---: |",
    ...COST_CATEGORIES.map((c) => `| ${c} | ${usd(cost.idle.byCategory[c])} | ${usd(cost.busy.byCategory[c])} |`),
    `| **total** | **${usd(cost.idle.total)}** | **${usd(cost.busy.total)}** |`,
    "",
  ];
  if (cost.lines.length > 0) {
    lines.push("| resource | what | idle | busy |", "| --- | --- | ---: | ---: |");
    for (const line of cost.lines) lines.push(`| ${line.resource} | ${line.what} | ${usd(line.idle)} | ${usd(line.busy)} |`);
    lines.push("");
  }
  for (const note of cost.notes) lines.push(`- ${note}`);
  lines.push(
    `- prices: \`scripts/estimate/prices.ts\`, each with its source and date; ${assumptions} of the ${Object.keys(cost.prices).length} used here are assumptions. Free tiers and discounts are not subtracted.`,
    "",
  );
  return lines;
}

export function applyTimeMarkdown(time: ApplyTimeEstimate): string[] {
  const lines = [
    "## Apply time",
    "",
    `A fresh \`pulumi up\` takes about **${time.minutes} min** (lower bound ${time.lowerBound} min), from typical creation times (\`scripts/estimate/creation-times.ts\`) and what the clouds run one at a time.`,
    "",
    "Critical path:",
    "",
    "| from (min) | to (min) | resource | type | starts |",
    "| ---: | ---: | --- | --- | --- |",
    ...time.criticalPath.map((s) => `| ${s.start} | ${s.end} | ${s.name} | \`${s.type}\` | ${s.after} |`),
    "",
  ];
  if (time.serialised.length > 0) {
    lines.push("Run one at a time:", "");
    for (const group of time.serialised) lines.push(`- ${group.on}: ${group.operations} operations, ${group.minutes} min`);
    lines.push("");
  }
  return lines;
}

/** The README sections, when the plan carries estimates. */
export function estimatesMarkdown(plan: Plan & Partial<Estimates>): string[] {
  return [...(plan.cost ? costMarkdown(plan.cost) : []), ...(plan.applyTime ? applyTimeMarkdown(plan.applyTime) : [])];
}
