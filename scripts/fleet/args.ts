/**
 * The fleet command's arguments and its --help.
 */
import type { FleetCommand } from "./graph";

export const COMMANDS: readonly FleetCommand[] = ["preview", "up", "refresh", "destroy"];
export const DEFAULT_PARALLEL = 4;

export interface FleetArgs {
  readonly command?: FleetCommand;
  readonly help: boolean;
  /** Stacks named one by one with --stacks; undefined when not given. */
  readonly stacks?: readonly string[];
  readonly changedSince?: string;
  readonly parallel: number;
  /** Print the selection and order, run nothing. */
  readonly list: boolean;
  readonly logDir?: string;
}

export const HELP = `Usage: npm run fleet -- <command> [options]

Runs one Pulumi command over many of this project's stacks (the Pulumi.<stack>.yaml
files beside Pulumi.yaml) through Pulumi's Automation API.

Commands:
  preview    show what each stack would change
  up         deploy each stack
  refresh    read each stack's resources back from the cloud into its state
  destroy    take each stack down (tenants before the cluster they share)

Choosing stacks (default: every stack):
  --stacks a,b             exactly these stacks
  --changed-since <ref>    the stacks a change since <ref> touches: a changed stack file
                           touches its stack, a change to program code touches every stack
                           (docs, tests, CI and the diff's and fleet's scripts touch none)

Options:
  --parallel N             run up to N stacks at once (default ${DEFAULT_PARALLEL})
  --list                   print the chosen stacks and their order, run nothing
  --log-dir <dir>          where each stack's engine output goes (default out/fleet/<command>)
  -h, --help               this text

Order: a stack that reads another stack's outputs (any \`stack:\` key in its hubfleet
config, such as cluster.shared.stack) starts after that stack succeeds; destroy runs
the other way. A failed stack stops only the stacks waiting on it (shown as skipped).

Ctrl-C: no further stack starts; running stacks cancel cleanly; Ctrl-C again quits.

destroy refuses production stacks (tenant.protection production, or unset) unless
each one is named with --stacks.

Needs the Pulumi CLI on PATH, a backend you are logged in to, and the secrets
passphrase in PULUMI_CONFIG_PASSPHRASE. Exits 1 when any stack failed.

Examples:
  npm run fleet -- preview --changed-since origin/main
  npm run fleet -- up --stacks habari-cluster,habari-nairobi --parallel 2
  npm run fleet -- destroy --stacks dev`;

export function parseFleetArgs(argv: readonly string[]): FleetArgs {
  let command: FleetCommand | undefined;
  let stacks: string[] | undefined;
  let changedSince: string | undefined;
  let parallel = DEFAULT_PARALLEL;
  let list = false;
  let help = false;
  let logDir: string | undefined;
  const value = (flag: string, index: number): string => {
    const next = argv[index];
    if (next === undefined || next.startsWith("--")) throw new Error(`${flag} needs a value`);
    return next;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") help = true;
    else if (arg === "--list") list = true;
    else if (arg === "--stacks") {
      stacks = value(arg, ++i)
        .split(",")
        .map((name) => name.trim())
        .filter((name) => name.length > 0);
      if (stacks.length === 0) throw new Error("--stacks needs at least one stack name");
    } else if (arg === "--changed-since") changedSince = value(arg, ++i);
    else if (arg === "--parallel") {
      const text = value(arg, ++i);
      parallel = Number(text);
      if (!/^\d+$/.test(text) || parallel < 1) throw new Error(`--parallel takes a whole number of at least 1, not ${text}`);
    } else if (arg === "--log-dir") logDir = value(arg, ++i);
    else if (!arg.startsWith("-") && command === undefined) {
      if (!(COMMANDS as readonly string[]).includes(arg)) throw new Error(`unknown command ${arg}; use one of ${COMMANDS.join(", ")}`);
      command = arg as FleetCommand;
    } else throw new Error(`unknown argument ${arg}; see --help`);
  }
  if (stacks !== undefined && changedSince !== undefined) throw new Error("choose stacks with --stacks or --changed-since, not both");
  if (!help && command === undefined) throw new Error(`name a command: ${COMMANDS.join(", ")}; see --help`);
  return { command, help, stacks, changedSince, parallel, list, logDir };
}
