/**
 * Renders many stacks on every core: `parallel` worker processes, each rendering
 * stacks one after another as it frees up. Loading the program and the provider SDKs
 * costs seconds per process; a stack's render after that takes a fraction of one.
 */
import { fork, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export type WorkerRequest = { kind: "render"; stack: string } | { kind: "exit" };
export type WorkerReply =
  { kind: "ready" } | { kind: "rendered"; stack: string; ms: number; error?: string } | { kind: "exit"; maxRssKiB: number; cpuMs: number };

export interface RenderStacksOptions {
  /** Worker processes; default 2 (this project's CI machine has 2 cores). */
  readonly parallel?: number;
  /** Where the Pulumi.<stack>.yaml files are; the project directory by default. */
  readonly configDir?: string;
  /** out/ by default; each stack writes <outRoot>/<stack>/. */
  readonly outRoot?: string;
  /** Active users of the busy cost estimate (render --busy-users). */
  readonly busyUsers?: number;
  /** Called as each stack finishes. */
  readonly onRendered?: (result: StackRender) => void;
}

export interface StackRender {
  readonly stack: string;
  /** Time of this stack's render inside its worker, without the worker's start-up. */
  readonly ms: number;
  readonly error?: string;
}

export interface WorkerFigures {
  readonly startupMs: number;
  readonly maxRssKiB: number;
  /** CPU time the worker used (user and system), start-up included: unlike wall time, it does not grow with the machine's load. */
  readonly cpuMs: number;
  readonly rendered: number;
}

export interface RenderStacksResult {
  /** In the order given. */
  readonly stacks: readonly StackRender[];
  /** Per worker: start-up time (process start and program load), peak resident memory (KiB), how many stacks it rendered. */
  readonly workers: readonly WorkerFigures[];
}

const projectDir = path.resolve(__dirname, "..", "..");
const workerScript = path.join(__dirname, "render-worker.ts");

export async function renderInWorkers(stacks: readonly string[], options: RenderStacksOptions = {}): Promise<RenderStacksResult> {
  // Absolute: a worker changes its working directory to the config directory.
  const configDir = path.resolve(options.configDir ?? projectDir);
  const outRoot = path.resolve(options.outRoot ?? path.join(projectDir, "out"));
  if (stacks.length === 0) return { stacks: [], workers: [] };
  const queue = [...stacks];
  const results = new Map<string, StackRender>();
  const children: ChildProcess[] = [];
  const workerCount = Math.max(1, Math.min(options.parallel ?? 2, stacks.length));
  const onRendered = (result: StackRender) => {
    results.set(result.stack, result);
    options.onRendered?.(result);
  };
  try {
    const workerArgs = [configDir, outRoot, ...(options.busyUsers === undefined ? [] : [String(options.busyUsers)])];
    const workers = await Promise.all(Array.from({ length: workerCount }, () => runWorker(workerArgs, queue, onRendered, children)));
    return { stacks: stacks.map((stack) => results.get(stack)!), workers };
  } catch (error) {
    // One worker died: stop the others rather than leave them rendering for nobody.
    for (const child of children) if (child.exitCode === null) child.kill();
    throw error;
  }
}

/** One worker: takes the next stack from the shared queue each time it is free, until the queue is empty. */
function runWorker(
  workerArgs: readonly string[],
  queue: string[],
  onRendered: (result: StackRender) => void,
  children: ChildProcess[],
): Promise<WorkerFigures> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let startupMs = 0;
    // Straight to node with tsx's loader: no tsx CLI process in between, so the IPC channel is the worker's own.
    const child = fork(workerScript, workerArgs, {
      cwd: projectDir,
      execArgv: ["--import", pathToFileURL(require.resolve("tsx")).href],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.push(child);
    let rendered = 0;
    let current: string | undefined;
    const next = () => {
      current = queue.shift();
      child.send(
        current === undefined ? ({ kind: "exit" } satisfies WorkerRequest) : ({ kind: "render", stack: current } satisfies WorkerRequest),
      );
    };
    child.on("message", (message: WorkerReply) => {
      if (message.kind === "ready") {
        startupMs = performance.now() - started;
        next();
      } else if (message.kind === "rendered") {
        rendered++;
        current = undefined;
        onRendered({ stack: message.stack, ms: message.ms, ...(message.error === undefined ? {} : { error: message.error }) });
        next();
      } else resolve({ startupMs, maxRssKiB: message.maxRssKiB, cpuMs: message.cpuMs, rendered });
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      // Reached only if the worker died before saying goodbye (resolve after it is a no-op).
      reject(new Error(`render worker exited (${signal ?? `code ${code}`})${current ? ` while rendering ${current}` : ""}`));
    });
  });
}
