/**
 * The fleet command from arguments to exit code: choose the stacks, refuse what must
 * be refused, order them, run them with the given runner, print the summary.
 * scripts/fleet.ts calls it with the Automation API runner; tests with a fake.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { HELP, parseFleetArgs } from "./args";
import { productionStacksNotNamed } from "./destroy-guard";
import { summaryTable, exitCode } from "./format";
import { runOrder } from "./graph";
import { progressDisplay, type Output } from "./progress";
import type { StackRunner } from "./runner";
import { runFleet } from "./scheduler";
import { changedFilesSince, namedStacks, touchedStacks, type Selection } from "./select";
import { loadFleet } from "./stacks";

export interface FleetEnvironment {
  readonly projectDir: string;
  readonly runner: StackRunner;
  readonly out: Output;
  readonly err: Output;
  readonly now?: () => number;
  /** Files changed since a ref; git by default. */
  readonly changedFiles?: (ref: string) => string[];
  /** Aborted on an interrupt: no further stack starts. */
  readonly signal?: AbortSignal;
}

export async function fleetCommand(argv: readonly string[], env: FleetEnvironment): Promise<number> {
  const now = env.now ?? Date.now;
  const args = parseFleetArgs(argv);
  if (args.help) {
    env.out.write(`${HELP}\n`);
    return 0;
  }
  const command = args.command!;
  const fleet = loadFleet(env.projectDir);
  const names = fleet.map((stack) => stack.name);
  let selection: Selection;
  if (args.stacks !== undefined) selection = namedStacks(args.stacks, names);
  else if (args.changedSince !== undefined) {
    const changed = (env.changedFiles ?? ((ref) => changedFilesSince(ref, env.projectDir)))(args.changedSince);
    selection = touchedStacks(changed, names);
  } else selection = { stacks: names, reason: "every stack", removed: [] };

  if (command === "destroy") {
    const refused = productionStacksNotNamed(fleet, selection.stacks, args.stacks ?? []);
    if (refused.length > 0) {
      env.err.write(
        `refusing to destroy production stack${refused.length === 1 ? "" : "s"} ${refused.join(", ")}: name each one with --stacks to destroy it\n`,
      );
      return 2;
    }
  }

  const order = runOrder(fleet, selection.stacks, command);
  env.out.write(
    `${command}: ${order.stacks.length} stack${order.stacks.length === 1 ? "" : "s"} (${selection.reason}), up to ${args.parallel} at once\n`,
  );
  for (const stack of order.stacks) {
    const waits = order.waitsFor.get(stack) ?? [];
    env.out.write(`  ${stack}${waits.length > 0 ? `  after ${waits.join(", ")}` : ""}\n`);
  }
  for (const removed of selection.removed)
    env.out.write(
      `  ${removed}: its stack file was removed; destroy it from a checkout that still has the file, then \`pulumi stack rm\`\n`,
    );
  for (const warning of order.warnings) env.err.write(`warning: ${warning}\n`);
  if (args.list || order.stacks.length === 0) return 0;

  const logDir = path.resolve(env.projectDir, args.logDir ?? path.join("out", "fleet", command));
  fs.mkdirSync(logDir, { recursive: true });
  const logs = new Map(order.stacks.map((stack) => [stack, path.join(logDir, `${stack}.log`)]));
  for (const file of logs.values()) fs.writeFileSync(file, "");

  const display = progressDisplay(env.out, order.stacks, now);
  let statuses;
  try {
    statuses = await runFleet({
      command,
      order,
      runner: env.runner,
      parallel: args.parallel,
      now,
      signal: env.signal,
      onStatus: (status) => display.update(status),
      onOutput: (stack, text) => fs.appendFileSync(logs.get(stack)!, text),
    });
  } finally {
    display.stop();
  }
  env.out.write(`\n${summaryTable(statuses, now())}\n`);
  if (statuses.some((status) => status.state === "failed"))
    env.out.write(`engine output per stack: ${path.relative(process.cwd(), logDir) || "."}/<stack>.log\n`);
  return exitCode(statuses);
}
