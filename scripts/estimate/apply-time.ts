/**
 * How long a fresh `pulumi up` takes, from the plan's dependency graph: an estimate that
 * schedules every resource as soon as its dependencies are done, except where a cloud runs
 * operations one at a time (SERIALISED), and a lower bound that no schedule can beat.
 * Pulumi itself creates independent resources in parallel.
 */
import type { Plan, PlanResource } from "../render/report";
import { creationMinutes, SERIALISED } from "./creation-times";

export interface Task {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly minutes: number;
  readonly dependsOn: readonly string[];
  /** Tasks with the same key run one at a time. */
  readonly serialisedOn?: string;
}

export interface PathStep {
  readonly name: string;
  readonly type: string;
  readonly start: number;
  readonly end: number;
  /** Why it could not start earlier. */
  readonly after: string;
}

export interface ApplyTimeEstimate {
  readonly minutes: number;
  readonly lowerBound: number;
  readonly criticalPath: PathStep[];
  readonly serialised: { readonly on: string; readonly operations: number; readonly minutes: number }[];
}

const isComponent = (r: PlanResource) => r.type.startsWith("hubfleet:");

/** The plan as tasks: dependencies, the provider a resource uses, and a custom-resource parent. */
export function tasksFromPlan(plan: Plan): Task[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const children = new Map<string, PlanResource[]>();
  for (const r of plan.resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  // Depending on a component means waiting for everything inside it.
  const expand = (urn: string): string[] => {
    const target = byUrn.get(urn);
    if (!target) return [];
    if (!isComponent(target)) return [urn];
    return (children.get(urn) ?? []).flatMap((child) => expand(child.urn));
  };
  return plan.resources
    .filter((r) => !isComponent(r))
    .map((r) => {
      const parent = r.parent ? byUrn.get(r.parent) : undefined;
      const references = [...r.dependencies, ...(r.provider ? [r.provider] : []), ...(parent && !isComponent(parent) ? [parent.urn] : [])];
      const dependsOn = [...new Set(references.flatMap(expand))].filter((urn) => urn !== r.urn).sort();
      const serialised = SERIALISED[r.type]?.key(r.inputs);
      return {
        id: r.urn,
        name: r.name,
        type: r.type,
        minutes: creationMinutes(r.type),
        dependsOn,
        ...(serialised ? { serialisedOn: serialised } : {}),
      };
    });
}

function checkedTasks(tasks: readonly Task[]): Map<string, Task> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (const task of tasks)
    for (const dependency of task.dependsOn) if (!byId.has(dependency)) throw new Error(`${task.name} depends on unknown ${dependency}`);
  return byId;
}

/** Earliest start of each task with unlimited parallelism and no serialisation. */
function earliestStarts(tasks: readonly Task[], byId: Map<string, Task>): Map<string, number> {
  const start = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (task: Task): number => {
    const known = start.get(task.id);
    if (known !== undefined) return known;
    if (visiting.has(task.id)) throw new Error(`dependency cycle through ${task.name}`);
    visiting.add(task.id);
    const value = Math.max(0, ...task.dependsOn.map((d) => visit(byId.get(d)!) + byId.get(d)!.minutes));
    visiting.delete(task.id);
    start.set(task.id, value);
    return value;
  };
  for (const task of tasks) visit(task);
  return start;
}

/** Longest time from a task's end to the end of everything that depends on it. */
function tails(tasks: readonly Task[], byId: Map<string, Task>, starts: Map<string, number>): Map<string, number> {
  const dependents = new Map<string, Task[]>();
  for (const task of tasks) for (const d of task.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), task]);
  const tail = new Map<string, number>();
  // Latest-starting first, so that every dependent is done before the task itself.
  for (const task of [...tasks].sort((a, b) => starts.get(b.id)! - starts.get(a.id)! || b.minutes - a.minutes)) {
    tail.set(task.id, Math.max(0, ...(dependents.get(task.id) ?? []).map((next) => next.minutes + (tail.get(next.id) ?? 0))));
  }
  void byId;
  return tail;
}

/** A bound no schedule beats: the longest chain, or any serialised group run back to back. */
export function lowerBound(tasks: readonly Task[]): number {
  const byId = checkedTasks(tasks);
  const starts = earliestStarts(tasks, byId);
  const tail = tails(tasks, byId, starts);
  let bound = Math.max(0, ...tasks.map((t) => starts.get(t.id)! + t.minutes));
  for (const members of groups(tasks).values()) {
    const total = members.reduce((sum, t) => sum + t.minutes, 0);
    bound = Math.max(bound, Math.min(...members.map((t) => starts.get(t.id)!)) + total + Math.min(...members.map((t) => tail.get(t.id)!)));
  }
  return bound;
}

function groups(tasks: readonly Task[]): Map<string, Task[]> {
  const result = new Map<string, Task[]>();
  for (const task of tasks) if (task.serialisedOn) result.set(task.serialisedOn, [...(result.get(task.serialisedOn) ?? []), task]);
  return result;
}

const round = (minutes: number) => Math.round(minutes * 10) / 10;

/** Schedules each task as early as its dependencies and its serialised group allow. */
export function estimateApplyTime(tasks: readonly Task[]): ApplyTimeEstimate {
  const byId = checkedTasks(tasks);
  earliestStarts(tasks, byId); // refuses cycles before scheduling
  const end = new Map<string, number>();
  const startOf = new Map<string, number>();
  const cause = new Map<string, { id?: string; why: string }>();
  const groupFree = new Map<string, { at: number; last?: string }>();
  const pending = new Set(tasks.map((t) => t.id));
  while (pending.size > 0) {
    // The ready task that can start first; ties by id, so the schedule is stable.
    let best: { task: Task; start: number; why: { id?: string; why: string } } | undefined;
    for (const id of pending) {
      const task = byId.get(id)!;
      if (!task.dependsOn.every((d) => end.has(d))) continue;
      const latest = task.dependsOn.reduce<{ id?: string; at: number }>(
        (acc, d) => (end.get(d)! > acc.at ? { id: d, at: end.get(d)! } : acc),
        { at: 0 },
      );
      const group = task.serialisedOn ? groupFree.get(task.serialisedOn) : undefined;
      const start = Math.max(latest.at, group?.at ?? 0);
      const why =
        group && group.at > latest.at
          ? { id: group.last, why: `waits for ${task.serialisedOn}` }
          : latest.id
            ? { id: latest.id, why: "after its dependency" }
            : { why: "at once" };
      if (!best || start < best.start || (start === best.start && id < best.task.id)) best = { task, start, why };
    }
    if (!best) throw new Error("no task can start: a dependency cycle");
    const { task, start, why } = best;
    pending.delete(task.id);
    startOf.set(task.id, start);
    end.set(task.id, start + task.minutes);
    cause.set(task.id, why);
    if (task.serialisedOn) groupFree.set(task.serialisedOn, { at: start + task.minutes, last: task.id });
  }
  const total = Math.max(0, ...end.values());
  // Walk back from the task that ends last.
  const path: PathStep[] = [];
  let current = [...end.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0];
  while (current) {
    const task = byId.get(current)!;
    const reason = cause.get(current)!;
    path.unshift({
      name: task.name,
      type: task.type,
      start: round(startOf.get(current)!),
      end: round(end.get(current)!),
      after: reason.why,
    });
    current = reason.id;
  }
  const serialised = [...groups(tasks).entries()]
    .map(([on, members]) => ({ on, operations: members.length, minutes: round(members.reduce((sum, t) => sum + t.minutes, 0)) }))
    .sort((a, b) => a.on.localeCompare(b.on));
  return { minutes: round(total), lowerBound: round(lowerBound(tasks)), criticalPath: path, serialised };
}

export function estimatePlanApplyTime(plan: Plan): ApplyTimeEstimate {
  return estimateApplyTime(tasksFromPlan(plan));
}
