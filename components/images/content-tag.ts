/**
 * An image's tag, derived from what the build sees: the files of its folder that
 * `.dockerignore` lets into the build context. The same folder gives the same tag on
 * every machine and in any file order; any change to a file that reaches the build
 * (its path, its bytes, or its executable bit, which COPY keeps) gives a new tag.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import dockerignore from "@balena/dockerignore";

/** One file of a build context, by its path relative to the context (always with `/`). */
export interface ContextFile {
  readonly path: string;
  readonly content: Buffer | string;
  /** COPY keeps the mode: a hook that loses its executable bit stops running. */
  readonly executable: boolean;
}

/** The prefix of every content tag, so that a tag says how it was made. */
export const CONTENT_TAG_PREFIX = "content-";
/** Hex digits of the hash kept in the tag: 64 bits, far from any collision between versions of one folder. */
const TAG_HEX_LENGTH = 16;

/** The paths of a context that `.dockerignore` rules (Docker's own syntax) leave in the build. */
export function includedPaths(paths: readonly string[], dockerignoreText: string | undefined): string[] {
  if (dockerignoreText === undefined) return [...paths];
  const rules = dockerignoreText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const matcher = dockerignore({ ignorecase: false }).add(rules);
  return paths.filter((p) => !matcher.ignores(p));
}

/** The hash of a set of files: independent of their order, sensitive to every path, byte and executable bit. */
export function contextHash(files: readonly ContextFile[]): string {
  const hash = crypto.createHash("sha256");
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    const content = typeof file.content === "string" ? Buffer.from(file.content, "utf8") : file.content;
    // Lengths delimit each field, so that moving bytes between a path and a content cannot collide.
    hash.update(`${Buffer.byteLength(file.path)}:${file.path}:${file.executable ? "x" : "-"}:${content.length}:`);
    hash.update(content);
  }
  return hash.digest("hex");
}

/** The image tag for a set of context files. */
export function contentTag(files: readonly ContextFile[]): string {
  return `${CONTENT_TAG_PREFIX}${contextHash(files).slice(0, TAG_HEX_LENGTH)}`;
}

/** Every regular file under a directory, as paths relative to it with `/` separators, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  walk("");
  return out.sort();
}

/** The files of a build context folder that reach the build (read from disk). */
export function readContextFiles(dir: string): ContextFile[] {
  const ignoreFile = path.join(dir, ".dockerignore");
  const ignoreText = fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, "utf8") : undefined;
  return includedPaths(listFiles(dir), ignoreText).map((relative) => {
    const absolute = path.join(dir, relative);
    return { path: relative, content: fs.readFileSync(absolute), executable: (fs.statSync(absolute).mode & 0o111) !== 0 };
  });
}

/** The content tag of an image folder on disk. */
export function folderContentTag(dir: string): string {
  return contentTag(readContextFiles(dir));
}
