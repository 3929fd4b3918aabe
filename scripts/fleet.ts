/**
 * npm run fleet -- preview|up|refresh|destroy [--stacks a,b | --changed-since <ref>] [--parallel N]
 *
 * One Pulumi command over this project's stacks through the Automation API; see --help.
 */
import * as path from "node:path";
import { AutomationRunner } from "./fleet/automation-runner";
import { fleetCommand } from "./fleet/command";

const projectDir = path.resolve(__dirname, "..");

// Ctrl-C reaches the running pulumi processes too (same process group), and each cancels
// its operation cleanly; signalling them again would make pulumi stop at once. So the
// fleet only stops starting stacks, and a second Ctrl-C leaves without waiting.
const interrupted = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted.signal.aborted) process.exit(130);
    interrupted.abort();
    process.stderr.write(`\n${signal}: no further stack starts; running stacks finish or cancel on their own. Again to quit at once.\n`);
  });
}

fleetCommand(process.argv.slice(2), {
  projectDir,
  runner: new AutomationRunner(projectDir),
  out: process.stdout,
  err: process.stderr,
  signal: interrupted.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
