/**
 * tsx scripts/ci/drift-issues.ts --dir <drift results> [--run-url <url>]
 *
 * One GitHub issue per drifted stack, labelled `drift`: opened the first night, its
 * body replaced on later nights while the drift lasts, closed with a comment on the
 * first clean night. Failed checks and undeployed stacks leave issues as they are.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { DriftResult } from "./drift-check";
import { fromEnvironment, type GitHub } from "./github";
import { runMain } from "../run-main";

export const DRIFT_LABEL = "drift";

export interface Issue {
  number: number;
  title: string;
}

export type DriftAction =
  | { kind: "open"; stack: string; title: string; body: string }
  | { kind: "update"; stack: string; issue: number; body: string }
  | { kind: "close"; stack: string; issue: number; comment: string };

export const issueTitle = (stack: string) => `Drift in stack ${stack}`;

export function issueBody(result: DriftResult, runUrl: string | undefined): string {
  return [
    `The nightly \`pulumi preview --refresh --expect-no-changes\` of \`${result.stack}\` found resources that differ from the program.`,
    runUrl ? `Last seen by ${runUrl}.` : "",
    "",
    "Either bring the program in line (a pull request) or put the resources back (`pulumi up`). This issue closes itself on the first clean night.",
    "",
    "```",
    result.output.trim().slice(-60_000),
    "```",
  ].join("\n");
}

/** Pure: what to do with the issues, given tonight's results and the open drift issues. */
export function driftActions(results: readonly DriftResult[], openIssues: readonly Issue[], runUrl?: string): DriftAction[] {
  const byTitle = new Map(openIssues.map((issue) => [issue.title, issue.number]));
  const actions: DriftAction[] = [];
  for (const result of [...results].sort((a, b) => a.stack.localeCompare(b.stack))) {
    const open = byTitle.get(issueTitle(result.stack));
    if (result.status === "drifted") {
      const body = issueBody(result, runUrl);
      actions.push(
        open === undefined
          ? { kind: "open", stack: result.stack, title: issueTitle(result.stack), body }
          : { kind: "update", stack: result.stack, issue: open, body },
      );
    } else if (result.status === "clean" && open !== undefined) {
      actions.push({
        kind: "close",
        stack: result.stack,
        issue: open,
        comment: `\`${result.stack}\` matches the program again${runUrl ? ` (${runUrl})` : ""}.`,
      });
    }
  }
  return actions;
}

export async function applyDriftActions(github: GitHub, repository: string, actions: readonly DriftAction[]): Promise<void> {
  for (const action of actions) {
    if (action.kind === "open")
      await github.request("POST", `/repos/${repository}/issues`, { title: action.title, body: action.body, labels: [DRIFT_LABEL] });
    else if (action.kind === "update") await github.request("PATCH", `/repos/${repository}/issues/${action.issue}`, { body: action.body });
    else {
      await github.request("POST", `/repos/${repository}/issues/${action.issue}/comments`, { body: action.comment });
      await github.request("PATCH", `/repos/${repository}/issues/${action.issue}`, { state: "closed", state_reason: "completed" });
    }
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const dir = value("--dir");
  if (!dir) throw new Error("usage: drift-issues.ts --dir <drift results> [--run-url <url>]");
  // No results at all (every check skipped or cancelled) is not a drift verdict.
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const results = files
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as DriftResult);
  const { github, repository } = fromEnvironment();
  const open = await github.list<Issue & { pull_request?: unknown }>(`/repos/${repository}/issues?state=open&labels=${DRIFT_LABEL}`);
  const actions = driftActions(
    results,
    open.filter((i) => !i.pull_request),
    value("--run-url"),
  );
  await applyDriftActions(github, repository, actions);
  for (const result of results) console.log(`${result.stack}: ${result.status}`);
  for (const action of actions) console.log(`${action.kind} issue for ${action.stack}`);
  return results.some((r) => r.status === "failed") ? 1 : 0;
}

if (require.main === module) {
  runMain(main);
}
