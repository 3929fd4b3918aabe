/**
 * tsx scripts/ci/pr-comment.ts --pr <number> --head-sha <sha> --section <name> --file <markdown>
 *
 * Keeps ONE hubfleet comment on a pull request, found by a hidden marker, and replaces
 * one named section of it (the render diff, the preview), so later pushes and later
 * jobs update the same comment instead of adding new ones. The number comes from an
 * artifact of the pull request's run, so the pull request's head must be the commit
 * that run tested before anything is posted.
 */
import * as fs from "node:fs";
import { fromEnvironment, type GitHub } from "./github";

export const COMMENT_MARKER = "<!-- hubfleet:pr-report -->";
const HEADER = `${COMMENT_MARKER}\n## hubfleet: what this pull request changes\n`;
/** Order of the sections in the comment, whatever order the jobs post them in. */
export const SECTIONS = ["render-diff", "preview"] as const;
const begin = (name: string) => `<!-- hubfleet:section ${name} -->`;
const end = (name: string) => `<!-- hubfleet:end ${name} -->`;

/** The comment body with `section` set to `content`, other sections kept, in SECTIONS order. */
export function upsertSection(existing: string | undefined, section: string, content: string): string {
  const sections = new Map<string, string>();
  for (const name of SECTIONS) {
    const match = existing?.match(new RegExp(`${begin(name)}\\n([\\s\\S]*?)\\n${end(name)}`));
    if (match) sections.set(name, match[1]!);
  }
  sections.set(section, content.trimEnd());
  const ordered = [
    ...SECTIONS.filter((name) => sections.has(name)),
    ...[...sections.keys()].filter((name) => !(SECTIONS as readonly string[]).includes(name)),
  ];
  return [HEADER, ...ordered.map((name) => `${begin(name)}\n${sections.get(name)!}\n${end(name)}\n`)].join("\n");
}

interface Comment {
  id: number;
  body?: string;
}

/** Creates or updates the one hubfleet comment; returns its id. */
export async function postSection(github: GitHub, repository: string, pr: number, section: string, content: string): Promise<number> {
  const comments = await github.list<Comment>(`/repos/${repository}/issues/${pr}/comments`);
  const ours = comments.find((c) => c.body?.startsWith(COMMENT_MARKER));
  const body = upsertSection(ours?.body, section, content);
  if (ours) {
    await github.request("PATCH", `/repos/${repository}/issues/comments/${ours.id}`, { body });
    return ours.id;
  }
  return (await github.request<Comment>("POST", `/repos/${repository}/issues/${pr}/comments`, { body })).id;
}

/** Refuses a pull request whose head is not the commit the report was made for. */
export async function checkHead(github: GitHub, repository: string, pr: number, headSha: string): Promise<void> {
  const pull = await github.request<{ head: { sha: string } }>("GET", `/repos/${repository}/pulls/${pr}`);
  if (pull.head.sha !== headSha)
    throw new Error(`#${pr} is at ${pull.head.sha}, not ${headSha}: the report belongs to another commit; nothing posted`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    if (index < 0 || !argv[index + 1])
      throw new Error("usage: pr-comment.ts --pr <number> --head-sha <sha> --section <name> --file <markdown>");
    return argv[index + 1]!;
  };
  const pr = Number(value("--pr"));
  if (!Number.isInteger(pr) || pr <= 0) throw new Error(`--pr must be a pull request number, not ${value("--pr")}`);
  const { github, repository } = fromEnvironment();
  await checkHead(github, repository, pr, value("--head-sha"));
  const id = await postSection(github, repository, pr, value("--section"), fs.readFileSync(value("--file"), "utf8"));
  console.log(`updated comment ${id} on ${repository}#${pr}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
