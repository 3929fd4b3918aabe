/**
 * A StackRunner whose runs end when the test says so, recording what started,
 * in which order, and how many ran at once.
 */
import type { FleetCommand } from "../../scripts/fleet/graph";
import type { ChangeCounts, StackRunHooks, StackRunner } from "../../scripts/fleet/runner";

interface PendingRun {
  readonly command: FleetCommand;
  readonly hooks: StackRunHooks;
  resolve(changes: ChangeCounts): void;
  reject(error: Error): void;
}

export class FakeStackRunner implements StackRunner {
  readonly started: string[] = [];
  readonly commands: FleetCommand[] = [];
  private readonly pending = new Map<string, PendingRun>();
  maxConcurrent = 0;

  run(stack: string, command: FleetCommand, hooks: StackRunHooks): Promise<ChangeCounts> {
    this.started.push(stack);
    this.commands.push(command);
    return new Promise<ChangeCounts>((resolve, reject) => {
      this.pending.set(stack, { command, hooks, resolve, reject });
      this.maxConcurrent = Math.max(this.maxConcurrent, this.pending.size);
    });
  }

  get running(): string[] {
    return [...this.pending.keys()].sort();
  }

  hooks(stack: string): StackRunHooks {
    return this.take(stack, false).hooks;
  }

  succeed(stack: string, changes: ChangeCounts = { same: 1 }): Promise<void> {
    this.take(stack, true).resolve(changes);
    return settled();
  }

  fail(stack: string, message: string): Promise<void> {
    this.take(stack, true).reject(new Error(message));
    return settled();
  }

  private take(stack: string, remove: boolean): PendingRun {
    const run = this.pending.get(stack);
    if (!run) throw new Error(`${stack} is not running; running: ${this.running.join(", ") || "none"}`);
    if (remove) this.pending.delete(stack);
    return run;
  }
}

/** Lets the scheduler react to what just happened (its promise chains run on later ticks). */
export function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A runner that finishes every stack by itself, failing the named ones. */
export class AutoRunner implements StackRunner {
  readonly started: string[] = [];

  constructor(private readonly outcomes: Readonly<Record<string, ChangeCounts | Error>> = {}) {}

  async run(stack: string, _command: FleetCommand, hooks: StackRunHooks): Promise<ChangeCounts> {
    this.started.push(stack);
    hooks.onProgress({ done: 1, total: 2 });
    hooks.onOutput(`engine output of ${stack}\n`);
    await settled();
    const outcome = this.outcomes[stack] ?? { same: 2 };
    if (outcome instanceof Error) throw outcome;
    hooks.onProgress({ done: 2, total: 2 });
    return outcome;
  }
}
