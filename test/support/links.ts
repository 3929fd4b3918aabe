/**
 * Relative links in markdown and in stack-file comments, and GitHub's heading anchors,
 * for the test that every one of them resolves. External links are not fetched.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Link {
  /** The file that holds the link, relative to the project. */
  readonly from: string;
  readonly line: number;
  readonly target: string;
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to '-'. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // links and images: their text
    .replace(/<[^>]+>/g, "") // inline HTML
    .replace(/`/g, "");
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The lines of a markdown file outside fenced code blocks, with inline code blanked. */
function proseLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | undefined;
  text.split("\n").forEach((raw, index) => {
    const marker = /^\s*(```+|~~~+)/.exec(raw)?.[1];
    if (marker) {
      if (fence === undefined) fence = marker[0];
      else if (marker[0] === fence) fence = undefined;
      return;
    }
    if (fence === undefined) out.push({ line: index + 1, text: raw.replace(/`[^`]*`/g, "``") });
  });
  return out;
}

/** Every anchor the headings of a markdown file give, duplicates numbered as GitHub does. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const raw of text.split("\n")) {
    const marker = /^\s*(```+|~~~+)/.exec(raw)?.[1];
    if (marker) {
      if (fence === undefined) fence = marker[0];
      else if (marker[0] === fence) fence = undefined;
      continue;
    }
    const heading = fence === undefined ? /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw)?.[1] : undefined;
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Inline links, images, autolinks and reference definitions of a markdown file. */
export function markdownLinks(from: string, text: string): Link[] {
  const links: Link[] = [];
  for (const { line, text: prose } of proseLines(text)) {
    for (const match of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      links.push({ from, line, target: match[1] ?? "" });
    for (const match of prose.matchAll(/<((?:https?|mailto):[^>\s]+)>/g)) links.push({ from, line, target: match[1] ?? "" });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/.exec(prose);
    if (definition) links.push({ from, line, target: definition[1] ?? "" });
  }
  return links;
}

/** Paths to project files named in a stack file's comments, such as docs/gcp.md#deploy. */
export function commentLinks(from: string, text: string): Link[] {
  const links: Link[] = [];
  text.split("\n").forEach((raw, index) => {
    const comment = /(?:^|\s)#\s?(.*)$/.exec(raw)?.[1];
    if (comment === undefined) return;
    for (const match of comment.matchAll(/(?<![\w/.-])((?:\.{1,2}\/)?(?:[\w.-]+\/)*[\w.-]+\.(?:md|ts|yaml|json)(?:#[\w-]+)?)/g)) {
      const target = match[1] ?? "";
      // A bare file name such as Pulumi.habari-nairobi.yaml names a file beside the stack file.
      links.push({ from, line: index + 1, target });
    }
  });
  return links;
}

export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

/** Why a relative link does not resolve, or undefined when it does. */
export function brokenReason(projectDir: string, link: Link): string | undefined {
  if (isExternal(link.target)) return undefined;
  const [rawPath = "", anchor] = link.target.split("#", 2);
  const filePath = decodeURI(rawPath);
  const file = filePath === "" ? path.join(projectDir, link.from) : path.resolve(path.dirname(path.join(projectDir, link.from)), filePath);
  if (!file.startsWith(projectDir + path.sep) && file !== projectDir) return "points outside the project";
  if (!fs.existsSync(file)) return "no such file";
  if (anchor === undefined || anchor === "") return undefined;
  if (!file.endsWith(".md")) return "an anchor into a file that is not markdown";
  return headingAnchors(fs.readFileSync(file, "utf8")).has(anchor) ? undefined : `no heading with the anchor #${anchor}`;
}
