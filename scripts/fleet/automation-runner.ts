/**
 * The real runner: Pulumi's Automation API on this project's directory, so each
 * stack runs the same program and stack file a `pulumi` command in the repository
 * would. It needs the Pulumi CLI, a logged-in backend and the stacks' secrets
 * passphrase (PULUMI_CONFIG_PASSPHRASE) in the environment, as the CLI does.
 */
import { LocalWorkspace, PulumiCommand, type EngineEvent, type OpMap, type Stack } from "@pulumi/pulumi/automation";
import type { FleetCommand } from "./graph";
import { oneLineError } from "./error-line";
import { ResourceTally } from "./resource-tally";
import type { ChangeCounts, StackRunHooks, StackRunner } from "./runner";

export class AutomationRunner implements StackRunner {
  private cli?: Promise<PulumiCommand>;

  constructor(private readonly workDir: string) {}

  async run(stackName: string, command: FleetCommand, hooks: StackRunHooks): Promise<ChangeCounts> {
    // Found once for the whole fleet; without it every stack would fail with a bare ENOENT.
    this.cli ??= PulumiCommand.get().catch((error: unknown) => {
      throw new Error(`the Pulumi CLI did not run (install it: https://www.pulumi.com/docs/install/): ${oneLineError(error)}`);
    });
    const pulumiCommand = await this.cli;
    const stack = await LocalWorkspace.selectStack({ stackName, workDir: this.workDir }, { pulumiCommand });
    const tally = new ResourceTally(await lastResourceCount(stack, stackName));
    const onEvent = (event: EngineEvent) => {
      if (tally.observe(event)) hooks.onProgress(tally.progress);
    };
    const options = { onEvent, onOutput: hooks.onOutput, color: "never" as const };
    const changes = await runCommand(stack, command, options);
    return changes ?? {};
  }
}

async function runCommand(
  stack: Stack,
  command: FleetCommand,
  options: { onEvent: (event: EngineEvent) => void; onOutput: (text: string) => void; color: "never" },
): Promise<OpMap | undefined> {
  switch (command) {
    case "preview":
      return (await stack.preview(options)).changeSummary;
    case "up":
      return (await stack.up(options)).summary.resourceChanges;
    case "refresh":
      return (await stack.refresh(options)).summary.resourceChanges;
    case "destroy":
      return (await stack.destroy(options)).summary.resourceChanges;
  }
}

/** The resource count the backend holds for the stack, the best guess of a run's total; unknown for a new stack. */
async function lastResourceCount(stack: Stack, stackName: string): Promise<number | undefined> {
  try {
    const summaries = await stack.workspace.listStacks();
    return summaries.find((summary) => summary.name === stackName || summary.name.endsWith(`/${stackName}`))?.resourceCount;
  } catch {
    return undefined;
  }
}
