/**
 * The difference between two renders of one stack, as data: resources to create, update
 * and delete (matched by URN), field by field; updates the provider carries out as a
 * replacement; the hub values diff; and the warnings a reviewer must see first.
 * Pure functions of plan.json and hub-values.yaml contents.
 */
import type { Plan, PlanResource } from "../render/report";
import { unifiedLineDiff } from "./line-diff";
import { REPLACE_ON_CHANGE, replacingPaths } from "./replace-on-change";
import { isStateful } from "./stateful";

const RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

/** One rendered side of a stack: absent when the stack file does not exist there. */
export interface RenderedStack {
  plan: Plan;
  hubValues: string;
}

export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface ResourceUpdate {
  resource: PlanResource;
  changes: FieldChange[];
  /** Table paths that make the provider replace the resource; empty for an in-place update. */
  replacedBy: string[];
  /**
   * Table paths whose new or old value is a render placeholder (`<stack.output>`): only a
   * deployment knows whether the value really changes, so the replacement is possible.
   */
  mayBeReplacedBy: string[];
}

export type WarningKind = "delete" | "replace" | "may-replace" | "moved";

/** The render writes values only a deployment knows as `<resource.property>`. */
export function isPlaceholder(value: unknown): boolean {
  return typeof value === "string" && /^<[^<>]+>$/.test(value);
}

/** A deletion or replacement of a protected or stateful resource, or a URN that moved. */
export interface Warning {
  kind: WarningKind;
  resource: PlanResource;
  protect: boolean;
  stateful: boolean;
  detail: string;
}

export type StackStatus = "new" | "removed" | "changed" | "unchanged";

export interface StackDiff {
  stack: string;
  status: StackStatus;
  creates: PlanResource[];
  updates: ResourceUpdate[];
  deletes: PlanResource[];
  outputs: FieldChange[];
  hubValues: string[];
  warnings: Warning[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Leaf-level differences: a whole object that appears or goes shows as its leaves. */
export function diffValues(before: unknown, after: unknown, prefix = ""): FieldChange[] {
  const join = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (Array.isArray(before) || Array.isArray(after)) {
    if (before !== undefined && after !== undefined && (!Array.isArray(before) || !Array.isArray(after)))
      return [{ path: prefix, before, after }];
    const left = (before as unknown[] | undefined) ?? [];
    const right = (after as unknown[] | undefined) ?? [];
    if (left.length === 0 && right.length === 0)
      return before === undefined || after === undefined ? [{ path: prefix, before, after }] : [];
    const changes: FieldChange[] = [];
    for (let i = 0; i < Math.max(left.length, right.length); i++) changes.push(...diffValues(left[i], right[i], `${prefix}[${i}]`));
    return changes;
  }
  if (isObject(before) || isObject(after)) {
    if (before !== undefined && after !== undefined && (!isObject(before) || !isObject(after))) return [{ path: prefix, before, after }];
    const left = (before as Record<string, unknown> | undefined) ?? {};
    const right = (after as Record<string, unknown> | undefined) ?? {};
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    if (keys.length === 0) return before === undefined || after === undefined ? [{ path: prefix, before, after }] : [];
    return keys.flatMap((key) => diffValues(left[key], right[key], join(key)));
  }
  return before === after ? [] : [{ path: prefix, before, after }];
}

function resourceChanges(before: PlanResource, after: PlanResource): FieldChange[] {
  let changes = diffValues(before.inputs, after.inputs);
  if (after.type === RELEASE_TYPE && changes.some((c) => c.path.startsWith("values"))) {
    // The values have their own section, as YAML; one line here points to it.
    changes = [
      ...changes.filter((c) => !c.path.startsWith("values")),
      { path: "values", before: "(see the hub values diff)", after: "(see the hub values diff)" },
    ];
  }
  if (before.protect !== after.protect) changes.push({ path: "(protect)", before: before.protect, after: after.protect });
  if ((before.provider ?? "") !== (after.provider ?? ""))
    changes.push({ path: "(provider)", before: before.provider, after: after.provider });
  return changes;
}

function warningFor(kind: WarningKind, resource: PlanResource, detail: string): Warning | undefined {
  const stateful = isStateful(resource.type);
  if (!resource.protect && !stateful && kind !== "moved") return undefined;
  return { kind, resource, protect: resource.protect, stateful, detail };
}

/** Compares two renders of one stack; either side may be absent (a new or removed tenant). */
export function diffStack(stack: string, base: RenderedStack | undefined, head: RenderedStack | undefined): StackDiff {
  const baseResources = new Map((base?.plan.resources ?? []).map((r) => [r.urn, r]));
  const headResources = new Map((head?.plan.resources ?? []).map((r) => [r.urn, r]));
  const creates = [...headResources.values()].filter((r) => !baseResources.has(r.urn));
  const deletes = [...baseResources.values()].filter((r) => !headResources.has(r.urn));
  const updates: ResourceUpdate[] = [];
  for (const [urn, after] of headResources) {
    const before = baseResources.get(urn);
    if (!before) continue;
    const changes = resourceChanges(before, after);
    if (changes.length === 0) continue;
    const known = changes.filter((c) => !isPlaceholder(c.before) && !isPlaceholder(c.after));
    const replacedBy = replacingPaths(
      after.type,
      known.map((c) => c.path),
    );
    const mayBeReplacedBy = replacingPaths(
      after.type,
      changes.map((c) => c.path),
    ).filter((p) => !replacedBy.includes(p));
    // Pulumi replaces a resource whose provider changes.
    if (changes.some((c) => c.path === "(provider)")) replacedBy.push("(provider)");
    updates.push({ resource: after, changes, replacedBy, mayBeReplacedBy });
  }

  const warnings: Warning[] = [];
  const push = (warning: Warning | undefined) => warning && warnings.push(warning);
  // A resource deleted at one URN and created at another with the same type and name moved
  // (a new parent or name): Pulumi deletes and re-creates it unless the code gives an alias.
  const moved = new Set<string>();
  for (const gone of deletes) {
    const twin = creates.find((r) => r.type === gone.type && r.name === gone.name);
    if (!twin) continue;
    moved.add(gone.urn);
    push(warningFor("moved", gone, `URN changed to ${twin.urn}: deleted and re-created unless an alias is given`));
  }
  for (const gone of deletes) if (!moved.has(gone.urn)) push(warningFor("delete", gone, "deleted"));
  for (const update of updates) {
    if (update.replacedBy.length > 0)
      push(warningFor("replace", update.resource, `replaced: ${update.replacedBy.join(", ")} cannot change in place`));
    else if (update.mayBeReplacedBy.length > 0) {
      push(
        warningFor(
          "may-replace",
          update.resource,
          `replaced if ${update.mayBeReplacedBy.join(", ")} really change${update.mayBeReplacedBy.length === 1 ? "s" : ""}: the new value is known only at deploy`,
        ),
      );
    }
  }

  const status: StackStatus = !base ? "new" : !head ? "removed" : "changed";
  const outputs = base && head ? diffValues(base.plan.outputs, head.plan.outputs) : [];
  const hubValues = unifiedLineDiff(base?.hubValues ?? "", head?.hubValues ?? "");
  const empty = creates.length + deletes.length + updates.length + outputs.length + hubValues.length === 0;
  return { stack, status: status === "changed" && empty ? "unchanged" : status, creates, updates, deletes, outputs, hubValues, warnings };
}

/** The source line of the replace-on-change table for a type, for the summary's footnotes. */
export function replacementSource(type: string): string | undefined {
  return REPLACE_ON_CHANGE[type]?.source;
}
