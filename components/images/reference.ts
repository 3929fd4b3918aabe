/**
 * Image references as pure functions: the digest reference a build gives, its
 * form in the chart's `name`/`tag` values, and the check that an external image is
 * pinned. A digest reference names exactly one image, so a rebuild under the same
 * tag is always pulled and a moved tag never changes what runs.
 */
import type * as pulumi from "@pulumi/pulumi";

/** What every image (built here or not) gives the hub: a reference pinned by digest. */
export interface NotebookImageFace {
  /** `<repository>@sha256:<hex>`. */
  readonly ref: pulumi.Output<string>;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** Render placeholders stand where a deployment would put the hex (`sha256:<…>`). */
const DIGEST_OR_PLACEHOLDER = /^sha256:([0-9a-f]{64}|<[^<>@\s]+>)$/;

/** `repository@digest`, refusing anything that is not a sha256 digest. */
export function digestReference(repository: string, digest: string): string {
  if (!DIGEST_OR_PLACEHOLDER.test(digest)) throw new Error(`image ${repository}: "${digest}" is not a sha256 digest`);
  return `${repository}@${digest}`;
}

/**
 * The chart's `singleuser.image` for a digest reference. The chart and its image
 * puller join `name:tag`, so the name keeps `@sha256` and the tag is the hex:
 * `<repository>@sha256` + `:` + `<hex>` is the digest reference again.
 */
export function chartImage(ref: string): { name: string; tag: string } {
  const at = ref.lastIndexOf("@sha256:");
  if (at < 0) throw new Error(`${ref} is not a digest reference (<repository>@sha256:<hex>)`);
  return { name: ref.slice(0, at + "@sha256".length), tag: ref.slice(at + "@sha256:".length) };
}

/** Splits `name[:tag][@digest]` into its parts; the port of a registry host is not a tag. */
export function parseReference(ref: string): { name: string; tag?: string; digest?: string } {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  const name = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  return { name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * Why an external image reference may not be used, or an empty list: it must be
 * pinned by a tag other than `latest` or by a sha256 digest.
 */
export function pinnedReferenceProblems(ref: string): string[] {
  const problems: string[] = [];
  const { name, tag, digest } = parseReference(ref.trim());
  if (name === "" || !/^[a-z0-9]+([._/:-][a-z0-9]+)*$/.test(name))
    problems.push(`"${ref}" is not an image name such as quay.io/jupyter/scipy-notebook`);
  if (digest !== undefined && !DIGEST.test(digest)) problems.push(`"${ref}" has a digest that is not sha256:<64 hex digits>`);
  if (tag === undefined && digest === undefined)
    problems.push(`"${ref}" is not pinned: give a date or version tag, or a digest (@sha256:…)`);
  if (tag === "latest" && digest === undefined) problems.push(`"${ref}" uses latest, which moves: pin a date or version tag, or a digest`);
  if (tag !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) problems.push(`"${ref}" has an invalid tag "${tag}"`);
  return problems;
}

/**
 * The chart's `singleuser.image` (`{name, tag}`) for any pinned reference: a digest
 * reference as chartImage gives it, `name:tag` split at the tag. Profiles need no
 * such split: `kubespawner_override.image` takes the reference whole.
 */
export function chartImageValue(ref: string): { name: string; tag: string } {
  if (ref.includes("@sha256:")) return chartImage(ref);
  const problems = pinnedReferenceProblems(ref);
  if (problems.length > 0) throw new Error(problems.join("; "));
  const { name, tag } = parseReference(ref);
  return { name, tag: tag! };
}
