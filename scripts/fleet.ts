/**
 * npm run fleet -- preview|up|refresh|destroy [--stacks a,b | --changed-since <ref>] [--parallel N]
 *
 * One Pulumi command over this project's stacks through the Automation API; see --help.
 */
import * as path from "node:path";
import { AutomationRunner } from "./fleet/automation-runner";
import { fleetCommand } from "./fleet/command";

const projectDir = path.resolve(__dirname, "..");

fleetCommand(process.argv.slice(2), {
  projectDir,
  runner: new AutomationRunner(projectDir),
  out: process.stdout,
  err: process.stderr,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
