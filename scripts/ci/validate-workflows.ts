/**
 * tsx scripts/ci/validate-workflows.ts [--json] <workflow.yml>...
 *
 * Validates workflow files with GitHub's own parser and schema (@actions/workflow-parser,
 * from the Actions language services; offline): keys, value types, expressions and
 * their contexts. Prints each file's errors (or a JSON map with --json); exits 1 on any.
 * A separate process because the package is ESM that imports its schema as JSON.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export async function workflowErrors(name: string, content: string): Promise<string[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (result.value && errors.length === 0) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message));
  }
  return errors;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const json = argv.includes("--json");
  const files = argv.filter((a) => a !== "--json");
  if (files.length === 0) throw new Error("usage: validate-workflows.ts [--json] <workflow.yml>...");
  const report: Record<string, string[]> = {};
  for (const file of files) report[file] = await workflowErrors(path.basename(file), fs.readFileSync(file, "utf8"));
  if (json) console.log(JSON.stringify(report));
  else
    for (const [file, errors] of Object.entries(report))
      console.log(errors.length === 0 ? `${file}: valid` : `${file}:\n  ${errors.join("\n  ")}`);
  return Object.values(report).some((errors) => errors.length > 0) ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(2);
    },
  );
}
