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
import { buildPlan, hubValuesYaml, readme } from "./render/report";

const projectDir = path.resolve(__dirname, "..");

function parseArgs(argv: string[]): { stack?: string; all: boolean; out: string } {
  const args = { all: false, out: path.join(projectDir, "out") } as { stack?: string; all: boolean; out: string };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--all") args.all = true;
    else if (arg === "--stack") args.stack = argv[++i];
    else if (arg === "--out") args.out = path.resolve(argv[++i] ?? "out");
    else throw new Error(`unknown argument ${arg}; use --stack <name> or --all, and optionally --out <dir>`);
  }
  if (!args.all && !args.stack) throw new Error("name a stack with --stack <name>, or render every stack with --all");
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
 * render one after another in one process (scripts/render/render-stacks.ts does).
 * `configDir` holds the stack file, the project directory unless given.
 */
export async function renderStack(stack: string, outRoot: string, configDir = projectDir): Promise<string[]> {
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
  const plan = buildPlan(stack, recorder.resources, outputs);
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

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.all) {
    // A worker process per core, each rendering stacks one after another (the program loads once per worker).
    const { renderStacks } = await import("./render/render-stacks");
    const { stacks } = await renderStacks(stackNames(), {
      parallel: os.availableParallelism(),
      outRoot: args.out,
      onRendered: ({ stack, error }) => {
        if (error === undefined) console.log(`rendered ${stack}: ${path.relative(process.cwd(), path.join(args.out, stack))}/{plan.json,hub-values.yaml,README.md}`);
        else console.error(`${stack}: ${error}`);
      },
    });
    return stacks.every((stack) => stack.error === undefined) ? 0 : 1;
  }
  const stack = args.stack!;
  try {
    const files = await renderStack(stack, args.out);
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
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
