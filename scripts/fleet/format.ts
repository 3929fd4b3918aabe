/**
 * Text for people: a status line per stack while the fleet runs, and the summary
 * table at the end. Pure, so the tests read exactly what an operator sees.
 */
import type { ChangeCounts, ResourceProgress } from "./runner";
import type { StackStatus } from "./scheduler";

/** m:ss, or h:mm:ss past an hour. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** Pulumi's own symbols: + create, ~ update, - delete, +- replace; other operations by name. */
const SYMBOLS: ReadonlyArray<[string, string]> = [
  ["create", "+"],
  ["update", "~"],
  ["delete", "-"],
  ["replace", "+-"],
];

export function formatChanges(changes: ChangeCounts | undefined): string {
  if (changes === undefined) return "-";
  const parts: string[] = [];
  for (const [op, symbol] of SYMBOLS) {
    const count = changes[op] ?? 0;
    if (count > 0) parts.push(`${symbol}${count}`);
  }
  const shown = new Set([...SYMBOLS.map(([op]) => op), "same"]);
  for (const [op, count] of Object.entries(changes).sort(([a], [b]) => a.localeCompare(b))) {
    if (!shown.has(op) && count !== undefined && count > 0) parts.push(`${count} ${op}`);
  }
  const same = changes.same ?? 0;
  if (parts.length === 0) return same > 0 ? `no changes (${same} unchanged)` : "no changes";
  return same > 0 ? `${parts.join(" ")} (${same} unchanged)` : parts.join(" ");
}

export function formatResources(progress: ResourceProgress): string {
  return progress.total === undefined ? `${progress.done} resources` : `${progress.done}/${progress.total} resources`;
}

/** How long a stack ran, or has been running at `now`; empty before it starts. */
export function elapsed(status: StackStatus, now: number): string {
  if (status.startedAt === undefined) return "";
  return formatDuration((status.finishedAt ?? now) - status.startedAt);
}

/** One stack's live line: name, state, resources done/total, time, and why it failed or was skipped. */
export function statusLine(status: StackStatus, now: number, nameWidth: number): string {
  // Nothing to count before the engine reports its first resource.
  const counted = status.progress.done > 0 || status.progress.total !== undefined;
  const columns = [
    status.stack.padEnd(nameWidth),
    status.state.padEnd(9),
    (counted ? formatResources(status.progress) : "").padEnd(17),
    elapsed(status, now).padStart(7),
  ];
  return [...columns, status.detail ?? ""].join("  ").trimEnd();
}

/** The table printed at the end, then a count line. */
export function summaryTable(statuses: readonly StackStatus[], now: number): string {
  const header = ["stack", "result", "changes", "duration", "note"];
  const rows = statuses.map((status) => [
    status.stack,
    status.state,
    formatChanges(status.changes),
    elapsed(status, now) || "-",
    status.detail ?? "",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const render = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  const counts = (["succeeded", "failed", "skipped"] as const)
    .map((state) => [state, statuses.filter((status) => status.state === state).length] as const)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`);
  return [
    render(header),
    rule,
    ...rows.map(render),
    "",
    `${statuses.length} stack${statuses.length === 1 ? "" : "s"}: ${counts.join(", ") || "none run"}`,
  ].join("\n");
}

/** Non-zero when any stack failed (its dependants were skipped because of it). */
export function exitCode(statuses: readonly StackStatus[]): number {
  return statuses.some((status) => status.state === "failed" || status.state === "skipped") ? 1 : 0;
}
