/**
 * Reads the stack's `hubfleet:` config once, wraps secure values, validates it
 * against the schema, and reports every mistake at once, keyed by its path.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { ConfigSecret } from "./secret";
import { stackConfigSchema, type StackConfig } from "./schema";

export const NAMESPACE = "hubfleet";

/** The raw config of one stack: plain values by key (namespace stripped), and which leaves were secure. */
export interface RawStackConfig {
  readonly values: Record<string, unknown>;
  /** Key paths (`hub.auth.clientSecret`) of the values stored with `--secret`. */
  readonly securePaths: ReadonlySet<string>;
}

/** A config mistake, or several: one line each, `hubfleet:<key path>: what is wrong, what is allowed`. */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: readonly string[]) {
    super(
      `the stack config has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

/** Pulumi's path syntax: `hub.singleuser.profiles[0].name`. */
export function formatKeyPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(segment))) out += out ? `.${String(segment)}` : String(segment);
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function isSecureEnvelope(value: unknown): value is { secure: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

/**
 * The `hubfleet:` part of a stack file's `config:` block. Secure leaves (`{secure: v1:…}`)
 * cannot be decrypted without the CLI; they become `placeholder` and are listed as secure.
 */
export function rawConfigFromStackFile(stackFileText: string, placeholder = "[secret]"): RawStackConfig {
  const document = (parseYaml(stackFileText) ?? {}) as { config?: Record<string, unknown> };
  const securePaths = new Set<string>();
  const values: Record<string, unknown> = {};
  const strip = (value: unknown, at: PropertyKey[]): unknown => {
    if (isSecureEnvelope(value)) {
      securePaths.add(formatKeyPath(at));
      return placeholder;
    }
    if (Array.isArray(value)) return value.map((item, index) => strip(item, [...at, index]));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v, [...at, k])]));
    }
    return value;
  };
  for (const [fullKey, value] of Object.entries(document.config ?? {})) {
    const [namespace, key] = splitKey(fullKey);
    if (namespace !== NAMESPACE || key === undefined) continue;
    values[key] = strip(value, [key]);
  }
  return { values, securePaths };
}

function splitKey(fullKey: string): [string, string | undefined] {
  const cleaned = fullKey.replace(/:config:/, ":");
  const colon = cleaned.indexOf(":");
  return colon < 0 ? [cleaned, undefined] : [cleaned.slice(0, colon), cleaned.slice(colon + 1)];
}

/** The stack file Pulumi reads for this stack, beside Pulumi.yaml. */
export function stackFilePath(stack: string, projectDir = process.cwd()): string {
  return path.join(projectDir, `Pulumi.${stack.split("/").pop()}.yaml`);
}

/**
 * The running program's config: decrypted values from the Pulumi engine, and which
 * of them were secure from the stack file (the engine marks only whole keys secret).
 */
export function readRuntimeConfig(stack = pulumi.getStack()): RawStackConfig {
  const values: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    const [namespace, key] = splitKey(fullKey);
    if (namespace !== NAMESPACE || key === undefined) continue;
    values[key] = decodeConfigText(text);
  }
  const file = stackFilePath(stack);
  const securePaths = fs.existsSync(file) ? rawConfigFromStackFile(fs.readFileSync(file, "utf8")).securePaths : new Set<string>();
  return { values, securePaths };
}

/** Structured values reach the program as JSON text; plain strings stay strings. */
function decodeConfigText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Replaces each secure leaf by a ConfigSecret holding a Pulumi secret. */
function wrapSecureLeaves(raw: RawStackConfig): Record<string, unknown> {
  const wrap = (value: unknown, at: PropertyKey[]): unknown => {
    const keyPath = formatKeyPath(at);
    if (raw.securePaths.has(keyPath) && (typeof value === "string" || typeof value === "number" || typeof value === "boolean")) {
      return new ConfigSecret(`${NAMESPACE}:${keyPath}`, pulumi.secret(String(value)));
    }
    if (Array.isArray(value)) return value.map((item, index) => wrap(item, [...at, index]));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v, [...at, k])]));
    }
    return value;
  };
  return Object.fromEntries(Object.entries(raw.values).map(([k, v]) => [k, wrap(v, [k])]));
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const where = (segments: readonly PropertyKey[]) => `${NAMESPACE}:${formatKeyPath(segments) || "<root>"}`;
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map(
      (key) =>
        `${where([...issue.path, key])}: is not a setting hubfleet knows; check the spelling against stacks/stack-config.schema.json`,
    );
  }
  if (issue.code === "invalid_type" && issue.message.includes("received undefined")) {
    return [`${where(issue.path)}: is required (${issue.expected})`];
  }
  if (issue.code === "invalid_union" && issue.path.length > 0 && issue.errors.length === 0) {
    const discriminator = (issue as { discriminator?: string }).discriminator;
    if (discriminator) return [`${where([...issue.path, discriminator])}: ${issue.message}`];
  }
  return [`${where(issue.path)}: ${issue.message}`];
}

/**
 * Validates and defaults raw config. Throws ConfigError listing every problem;
 * nothing has been registered with Pulumi when it does.
 */
export function parseStackConfig(raw: RawStackConfig): StackConfig {
  const result = stackConfigSchema.safeParse(wrapSecureLeaves(raw));
  if (!result.success) {
    const problems = [...new Set(result.error.issues.flatMap(describeIssue))].sort();
    throw new ConfigError(problems);
  }
  return result.data;
}
