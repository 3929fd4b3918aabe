/**
 * npm run render -- --stack <name> | --all [--out <dir>]
 *
 * Runs the real program (index.ts) under Pulumi's mock runtime with a stack's
 * config file and writes out/<stack>/plan.json, hub-values.yaml and README.md.
 * No cloud, no Pulumi CLI: secure values cannot be decrypted and render as "[secret]".
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, NAMESPACE, rawConfigFromStackFile, readRuntimeConfig, stackFilePath } from "../stacks/config/load";
import { installMockRuntime, resolveOutputs, settle } from "./render/mock-runtime";
import { withEstimates } from "./render/estimates";
import { renderInWorkers } from "./render/render-stacks";
import { buildPlan, hubValuesYaml, readme } from "./render/report";
import { runMain } from "./run-main";

const projectDir = path.resolve(__dirname, "..");

interface RenderArgs {
  stack?: string;
  /** Several stacks in worker processes, as `--all` does (the render diff uses it). */
  stacks?: string[];
  all: boolean;
  out: string;
  /** Active users of the busy cost estimate. */
  busyUsers?: number;
}

function parseArgs(argv: string[]): RenderArgs {
  const args = { all: false, out: path.join(projectDir, "out") } as RenderArgs;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--all") args.all = true;
    else if (arg === "--stack") args.stack = argv[++i];
    else if (arg === "--stacks") args.stacks = (argv[++i] ?? "").split(",").filter((name) => name !== "");
    else if (arg === "--out") args.out = path.resolve(argv[++i] ?? "out");
    else if (arg === "--busy-users") args.busyUsers = Number(argv[++i]);
    else
      throw new Error(
        `unknown argument ${arg}; use --stack <name>, --stacks a,b or --all, and optionally --out <dir> and --busy-users <n>`,
      );
  }
  if (args.busyUsers !== undefined && !(Number.isInteger(args.busyUsers) && args.busyUsers >= 0)) {
    throw new Error("--busy-users takes a whole number of active users, such as 10");
  }
  if (!args.all && !args.stack && !args.stacks) throw new Error("name a stack with --stack <name>, or render every stack with --all");
  return args;
}

/** Every stack with a config file beside Pulumi.yaml. */
export function stackNames(dir = projectDir): string[] {
  return fs
    .readdirSync(dir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/**
 * Renders one stack in this process; returns the files written. Several stacks may
 * render one after another in one process (the workers of render/render-stacks.ts do).
 * `configDir` holds the stack file, the project directory unless given.
 */
export async function renderStack(stack: string, outRoot: string, busyUsers?: number, configDir = projectDir): Promise<string[]> {
  const file = stackFilePath(stack, configDir);
  if (!fs.existsSync(file)) throw new Error(`no stack file ${path.relative(projectDir, file)}`);
  const raw = rawConfigFromStackFile(fs.readFileSync(file, "utf8"));
  const config = Object.fromEntries(Object.entries(raw.values).map(([key, value]) => [`${NAMESPACE}:${key}`, value]));
  const recorder = await installMockRuntime({ stack, config });
  // What index.ts does, called rather than imported (an import runs the program once per process),
  // and loaded after the mocks, as the program is under the CLI. It finds its stack file in the working directory.
  process.chdir(configDir);
  const { runProgram } = await import("../stacks/program");
  const exported: Record<string, unknown> = runProgram(readRuntimeConfig(stack));
  await settle();
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exported)) outputs[key] = await resolveOutputs(value);
  await settle();
  const plan = withEstimates(buildPlan(stack, recorder.resources, outputs), busyUsers === undefined ? {} : { activeUsers: busyUsers });
  const dir = path.join(outRoot, stack);
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    "plan.json": `${JSON.stringify(plan, null, 2)}\n`,
    "hub-values.yaml": hubValuesYaml(plan),
    "README.md": readme(plan),
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return Object.keys(files).map((name) => path.join(dir, name));
}

/**
 * Renders stacks in worker processes, as many at once as there are cores, each worker
 * rendering stacks one after another; prints a line per stack, and the error of a failed one.
 */
export async function renderStacks(
  stacks: readonly string[],
  outRoot: string,
  parallel = os.availableParallelism(),
  busyUsers?: number,
): Promise<{ stack: string; ok: boolean }[]> {
  const { stacks: results } = await renderInWorkers(stacks, {
    parallel,
    outRoot,
    ...(busyUsers === undefined ? {} : { busyUsers }),
    onRendered: ({ stack, error }) => {
      if (error === undefined)
        console.log(`rendered ${stack}: ${path.relative(process.cwd(), path.join(outRoot, stack))}/{plan.json,hub-values.yaml,README.md}`);
      else console.error(`${stack}: ${error}`);
    },
  });
  return results.map(({ stack, error }) => ({ stack, ok: error === undefined })).sort((a, b) => a.stack.localeCompare(b.stack));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.all || args.stacks) {
    const results = await renderStacks(args.stacks ?? stackNames(), args.out, undefined, args.busyUsers);
    return results.every((r) => r.ok) ? 0 : 1;
  }
  const stack = args.stack!;
  try {
    const files = await renderStack(stack, args.out, args.busyUsers);
    console.log(`rendered ${stack}: ${files.map((f) => path.relative(process.cwd(), f)).join(", ")}`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${stack}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  runMain(main);
}
