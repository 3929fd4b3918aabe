/**
 * The fleet's stacks as the stack files describe them: name, protection and the
 * stacks each one reads by stack reference (so must wait for, or outlive).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

export type Protection = "production" | "disposable";

export interface FleetStack {
  /** The stack name, from `Pulumi.<name>.yaml`. */
  readonly name: string;
  /** Production unless the file says `disposable`: an unreadable or missing value must never make a stack destroyable. */
  readonly protection: Protection;
  /** Stacks of this project that this stack reads outputs from, sorted. */
  readonly references: readonly string[];
}

/** The stack names with a `Pulumi.<name>.yaml` file in the project directory, sorted. */
export function stackFileNames(projectDir: string): string[] {
  return fs
    .readdirSync(projectDir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** The project name from Pulumi.yaml: a stack reference names its project. */
export function projectName(projectDir: string): string {
  const document = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: unknown } | null;
  if (typeof document?.name !== "string") throw new Error(`${path.join(projectDir, "Pulumi.yaml")} has no project name`);
  return document.name;
}

/**
 * The stack a reference names, if it is one of this project's: `<stack>`,
 * `<org>/<stack>` (same project) or `<org>/<project>/<stack>`.
 */
export function referencedStack(reference: string, project: string): string | undefined {
  const parts = reference.split("/");
  if (parts.length === 3 && parts[1] !== project) return undefined;
  if (parts.length > 3) return undefined;
  return parts[parts.length - 1];
}

/** Every string under a `stack` key: the config names each stack it reads that way (cluster.shared.stack, storage.s3.*.stack). */
export function stackReferenceValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(stackReferenceValues);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === "stack" && typeof inner === "string" ? [inner] : stackReferenceValues(inner),
  );
}

/**
 * The `hubfleet:` keys of a stack file, read as plain YAML: the fleet needs only
 * references and protection, and must not depend on the whole config being valid
 * (a preview is where a broken stack should say so) nor load the Pulumi SDK to start.
 */
export function hubfleetValues(stackFileText: string, namespace = "hubfleet"): Record<string, unknown> {
  const document = (parseYaml(stackFileText) ?? {}) as { config?: Record<string, unknown> };
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document.config ?? {})) {
    if (key.startsWith(`${namespace}:`)) values[key.slice(namespace.length + 1)] = value;
  }
  return values;
}

/** One stack from its file's text. */
export function describeStack(name: string, stackFileText: string, project: string): FleetStack {
  const values = hubfleetValues(stackFileText);
  const tenant = values.tenant as { protection?: unknown } | undefined;
  const references = stackReferenceValues(values)
    .map((reference) => referencedStack(reference, project))
    .filter((stack): stack is string => stack !== undefined && stack !== name);
  return {
    name,
    protection: tenant?.protection === "disposable" ? "disposable" : "production",
    references: [...new Set(references)].sort(),
  };
}

/** Every stack of the project, read from its stack files. */
export function loadFleet(projectDir: string): FleetStack[] {
  const project = projectName(projectDir);
  return stackFileNames(projectDir).map((name) =>
    describeStack(name, fs.readFileSync(path.join(projectDir, `Pulumi.${name}.yaml`), "utf8"), project),
  );
}
