/**
 * What the fleet asks of a deployment engine, per stack. The command uses Pulumi's
 * Automation API (automation-runner.ts); tests use a fake with the same face.
 */
import type { FleetCommand } from "./graph";

/** Resource operations by kind, as Pulumi counts them (`create`, `update`, `delete`, `replace`, `same`, ...). */
export type ChangeCounts = Readonly<Partial<Record<string, number>>>;

export interface ResourceProgress {
  /** Resources whose step has finished (or failed). */
  readonly done: number;
  /** Resources the run is known to cover so far; undefined until known. */
  readonly total?: number;
}

export interface StackRunHooks {
  /** Called as engine events arrive. */
  onProgress(progress: ResourceProgress): void;
  /** The engine's own output, for the stack's log file. */
  onOutput(text: string): void;
}

export interface StackRunner {
  /** Runs one command on one stack; resolves with the changes, rejects when the stack's run fails. */
  run(stack: string, command: FleetCommand, hooks: StackRunHooks): Promise<ChangeCounts>;
}
