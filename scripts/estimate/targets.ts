/**
 * The targets of issue 15, measured on rendered plans: openhexa's idle cost against the
 * 2021 OpenHexa setup, shared-cluster tenants' marginal idle cost, and each example's
 * apply time against its lower bound. docs/costs-and-time.md holds this table.
 */
import type { Plan } from "../render/report";
import { estimatePlanApplyTime } from "./apply-time";
import { DEFAULT_COST_OPTIONS, estimateCost } from "./cost";
import { OPENHEXA_2021 } from "./openhexa-2021";

export const TARGETS = { openhexaShareOf2021: 0.5, marginalTenantIdleUsd: 15, applyTimeOverBound: 0.05 } as const;

const usd = (value: number) => `$${value.toFixed(2)}`;
const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
const verdict = (met: boolean) => (met ? "met" : "**missed**");

export function targetsMarkdown(plans: readonly Plan[]): string {
  const idle = (plan: Plan) => estimateCost(plan, DEFAULT_COST_OPTIONS).idle.total;
  const lines = ["| target | aim | measured | |", "| --- | --- | --- | --- |"];
  const openhexa = plans.find((p) => p.stack === "openhexa");
  if (openhexa) {
    const now = idle(openhexa);
    const then = idle(OPENHEXA_2021);
    lines.push(
      `| openhexa idle cost vs the 2021 setup | at most ${percent(TARGETS.openhexaShareOf2021)} | ${usd(now)} vs ${usd(then)} a month: ${percent(now / then)} | ${verdict(now / then <= TARGETS.openhexaShareOf2021)} |`,
    );
  }
  for (const plan of plans) {
    const cost = estimateCost(plan, DEFAULT_COST_OPTIONS);
    if (cost.scope !== "tenant on a shared cluster (marginal)") continue;
    lines.push(
      `| ${plan.stack}: marginal idle cost on its shared cluster | at most ${usd(TARGETS.marginalTenantIdleUsd)} | ${usd(cost.idle.total)} a month | ${verdict(cost.idle.total <= TARGETS.marginalTenantIdleUsd)} |`,
    );
  }
  for (const plan of plans) {
    const time = estimatePlanApplyTime(plan);
    const over = time.lowerBound > 0 ? time.minutes / time.lowerBound - 1 : 0;
    lines.push(
      `| ${plan.stack}: apply time vs its lower bound | within ${percent(TARGETS.applyTimeOverBound)} | ${time.minutes} min vs ${time.lowerBound} min: +${percent(over)} | ${verdict(over <= TARGETS.applyTimeOverBound)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

if (require.main === module) {
  // npx tsx scripts/estimate/targets.ts, after npm run render -- --all
  void (async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const out = path.resolve(__dirname, "..", "..", "out");
    const { stackNames } = await import("../render");
    const plans = stackNames(path.resolve(__dirname, "..", "..")).map(
      (stack) => JSON.parse(fs.readFileSync(path.join(out, stack, "plan.json"), "utf8")) as Plan,
    );
    process.stdout.write(targetsMarkdown(plans));
  })();
}
