/**
 * Which image a tenant's default server and each profile run, as plain data, and the
 * builds that follow from the choices: an image of `images/` by name, or an external
 * reference pinned by tag or digest, either with the tenant's added packages. Equal
 * choices share one build, so two profiles on `datascience` build it once.
 */
import * as crypto from "node:crypto";
import { addedPackagesProblems, hasAddedPackages, type AddedPackages } from "./derived";
import { imageNameProblems } from "./image";
import { pinnedReferenceProblems } from "./reference";

export type ImageChoice =
  /** An image folder of this repository, built and pushed by the estate. */
  | { readonly build: string; readonly packages?: AddedPackages }
  /** An upstream image used as it is (or as the base of the added packages). */
  | { readonly external: string; readonly packages?: AddedPackages };

/** Every problem with a choice, each naming what to change; empty when it is sound. */
export function imageChoiceProblems(choice: ImageChoice): string[] {
  const problems = "build" in choice ? imageNameProblems(choice.build) : pinnedReferenceProblems(choice.external);
  if (choice.packages && choice.packages.conda.length + choice.packages.pip.length > 0) {
    problems.push(...addedPackagesProblems(choice.packages).map((p) => `packages.${p}`));
  }
  return problems;
}

/** The image's base, as a key: `build:<name>` or `external:<ref>`. */
export function baseKey(choice: ImageChoice): string {
  return "build" in choice ? `build:${choice.build}` : `external:${choice.external}`;
}

/** A key equal for equal choices, whatever the order of their package lists. */
export function choiceKey(choice: ImageChoice): string {
  if (!hasAddedPackages(choice.packages)) return baseKey(choice);
  const packages = JSON.stringify({ conda: [...choice.packages.conda].sort(), pip: [...choice.packages.pip].sort() });
  return `${baseKey(choice)}+${crypto.createHash("sha256").update(packages).digest("hex").slice(0, 12)}`;
}

/** A registry name for a derived image: the base's name and the tenant, such as `workshop-pipalhub`. */
export function derivedImageName(choice: ImageChoice, tenant: string): string {
  const reference = "build" in choice ? choice.build : choice.external.split("@")[0]!;
  const base = reference.split("/").pop()!.split(":")[0]!;
  return `${base}-${tenant}`.toLowerCase().replace(/[^a-z0-9._-]/g, "-");
}

export interface DerivedBuild {
  readonly key: string;
  readonly imageName: string;
  /** `build:<name>` (an image built in the same plan) or `external:<ref>`. */
  readonly base: string;
  readonly packages: AddedPackages;
}

export interface ImageBuildPlan {
  /** The folders of `images/` to build, each once. */
  readonly builds: readonly string[];
  /** The derived images, each once. */
  readonly derived: readonly DerivedBuild[];
}

/** The builds a tenant's choices need (no cloud, no resource): what the render and the estate register. */
export function imageBuildPlan(tenant: string, choices: readonly ImageChoice[]): ImageBuildPlan {
  const builds = new Set<string>();
  const derived = new Map<string, DerivedBuild>();
  for (const choice of choices) {
    if ("build" in choice) builds.add(choice.build);
    if (!hasAddedPackages(choice.packages)) continue;
    const key = choiceKey(choice);
    if (!derived.has(key)) {
      // Two package lists on one base: the second is `<base>-<tenant>-2`.
      const name = derivedImageName(choice, tenant);
      const taken = new Set([...derived.values()].map((d) => d.imageName));
      let imageName = name;
      for (let n = 2; taken.has(imageName); n++) imageName = `${name}-${n}`;
      derived.set(key, { key, imageName, base: baseKey(choice), packages: choice.packages });
    }
  }
  return { builds: [...builds].sort(), derived: [...derived.values()] };
}
