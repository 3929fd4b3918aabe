/**
 * Runs a command over the ordered stacks: each starts once every stack it waits for
 * has succeeded, at most `parallel` at once. A failure stops only the stacks that
 * wait on it (reported as skipped); every other stack still runs.
 */
import type { FleetCommand, RunOrder } from "./graph";
import { oneLineError } from "./error-line";
import type { ChangeCounts, ResourceProgress, StackRunner } from "./runner";

export type StackState = "waiting" | "queued" | "running" | "succeeded" | "failed" | "skipped";

export interface StackStatus {
  readonly stack: string;
  state: StackState;
  progress: ResourceProgress;
  startedAt?: number;
  finishedAt?: number;
  changes?: ChangeCounts;
  /** Why it failed or was skipped, in one line. */
  detail?: string;
}

export interface FleetRunOptions {
  readonly command: FleetCommand;
  readonly order: RunOrder;
  readonly runner: StackRunner;
  readonly parallel: number;
  readonly now?: () => number;
  /** Called whenever a stack's status changes (state or progress). */
  readonly onStatus?: (status: StackStatus) => void;
  /** The engine's output of one stack. */
  readonly onOutput?: (stack: string, text: string) => void;
  /** Once aborted, no further stack starts; the running ones finish (or fail) on their own. */
  readonly signal?: AbortSignal;
}

const FINISHED: readonly StackState[] = ["succeeded", "failed", "skipped"];

/** Runs the fleet; resolves with every stack's final status, in run order. Never rejects for a stack's failure. */
export async function runFleet(options: FleetRunOptions): Promise<StackStatus[]> {
  const { order, runner, command } = options;
  if (!Number.isInteger(options.parallel) || options.parallel < 1)
    throw new Error(`parallel must be a whole number of at least 1, not ${options.parallel}`);
  const now = options.now ?? Date.now;
  const notify = (status: StackStatus) => options.onStatus?.(status);
  const waitsFor = (stack: string) => order.waitsFor.get(stack) ?? [];
  const statuses = new Map<string, StackStatus>(
    order.stacks.map((stack) => [stack, { stack, state: waitsFor(stack).length > 0 ? "waiting" : "queued", progress: { done: 0 } }]),
  );
  const status = (stack: string) => statuses.get(stack)!;
  const running = new Map<string, Promise<void>>();

  // In run order, a stack's dependencies are settled before it is looked at, so one pass skips a whole chain.
  const skipDependantsOfFailures = () => {
    for (const stack of order.stacks) {
      const current = status(stack);
      if (current.state !== "waiting" && current.state !== "queued") continue;
      const blocker = waitsFor(stack).find((dep) => status(dep).state === "failed" || status(dep).state === "skipped");
      if (blocker !== undefined) {
        current.state = "skipped";
        current.detail = `${blocker} ${status(blocker).state === "failed" ? "failed" : "was skipped"}`;
        notify(current);
      }
    }
  };

  const start = (stack: string) => {
    const current = status(stack);
    current.state = "running";
    current.startedAt = now();
    notify(current);
    const hooks = {
      onProgress: (progress: ResourceProgress) => {
        current.progress = progress;
        notify(current);
      },
      onOutput: (text: string) => options.onOutput?.(stack, text),
    };
    const run = Promise.resolve()
      .then(() => runner.run(stack, command, hooks))
      .then(
        (changes) => {
          current.state = "succeeded";
          current.changes = changes;
        },
        (error: unknown) => {
          current.state = "failed";
          current.detail = oneLineError(error);
          options.onOutput?.(stack, `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        },
      )
      .finally(() => {
        current.finishedAt = now();
        running.delete(stack);
        notify(current);
      });
    running.set(stack, run);
  };

  const skipTheRest = () => {
    for (const stack of order.stacks) {
      const current = status(stack);
      if (current.state !== "waiting" && current.state !== "queued") continue;
      current.state = "skipped";
      current.detail = "cancelled";
      notify(current);
    }
  };

  for (const stack of order.stacks) notify(status(stack));
  for (;;) {
    if (options.signal?.aborted) skipTheRest();
    skipDependantsOfFailures();
    for (const stack of order.stacks) {
      const current = status(stack);
      if (current.state !== "waiting" && current.state !== "queued") continue;
      if (!waitsFor(stack).every((dep) => status(dep).state === "succeeded")) continue;
      if (running.size < options.parallel) start(stack);
      else if (current.state !== "queued") {
        current.state = "queued";
        notify(current);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  const unfinished = order.stacks.filter((stack) => !FINISHED.includes(status(stack).state));
  if (unfinished.length > 0) throw new Error(`stacks left unrun, their order is inconsistent: ${unfinished.join(", ")}`);
  return order.stacks.map(status);
}
