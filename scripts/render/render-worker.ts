/**
 * A render worker: a child process that renders stacks one after another, as the
 * parent sends their names, so the program and provider SDKs load once per process
 * rather than once per stack. Started by render-stacks.ts; speaks over the IPC channel.
 */
import { renderStack } from "../render";
import type { WorkerReply, WorkerRequest } from "./render-stacks";

// Pulumi's SDK captures a stack trace for every promise it makes (for a leak report at exit),
// and tsx maps each frame through source maps: across a batch, most of the CPU and the heap.
// A failing stack here reports its message; `npm run render -- --stack <name>` gives the full trace.
Error.stackTraceLimit = 3;
process.setSourceMapsEnabled(false);

const [configDir, outRoot, busyUsersText] = process.argv.slice(2);
const busyUsers = busyUsersText === undefined ? undefined : Number(busyUsersText);
if (!configDir || !outRoot || !process.send) {
  console.error("render-worker is started by scripts/render/render-stacks.ts, with an IPC channel");
  process.exit(2);
}

const reply = (message: WorkerReply) => process.send!(message);

// One stack at a time: the Pulumi runtime holds one stack's state.
let queue = Promise.resolve();
process.on("message", (request: WorkerRequest) => {
  queue = queue.then(async () => {
    if (request.kind === "exit") {
      const usage = process.resourceUsage();
      reply({ kind: "exit", maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 });
      process.disconnect();
      return;
    }
    const started = performance.now();
    try {
      await renderStack(request.stack, outRoot, busyUsers, configDir);
      reply({ kind: "rendered", stack: request.stack, ms: performance.now() - started });
    } catch (error) {
      reply({
        kind: "rendered",
        stack: request.stack,
        ms: performance.now() - started,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  });
});
// Load the program and its provider SDKs before the first stack, so per-stack times are the stacks' own.
// Nothing runs at import: renderStack calls the program once the mocks are installed.
void import("../../stacks/program").then(() => reply({ kind: "ready" }));
