/**
 * The render diff as Markdown: one summary per stack, and a combined one for the
 * pull-request comment. Warnings about protected or stateful resources come first.
 */
import type { PlanResource } from "../render/report";
import { replacementSource, type FieldChange, type StackDiff, type Warning } from "./plan-diff";

const MAX_VALUE = 100;

/** A value in a table cell: compact JSON, shortened, with nothing that breaks the table. */
export function cell(value: unknown): string {
  if (value === undefined) return "—";
  let text = typeof value === "string" ? value : JSON.stringify(value);
  if (text.length > MAX_VALUE) text = `${text.slice(0, MAX_VALUE - 1)}…`;
  return `\`${text.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\n/g, "⏎")}\``;
}

const label = (r: PlanResource) => `\`${r.type}\` ${r.name}`;

export function counts(diff: StackDiff): string {
  const replacements = diff.updates.filter((u) => u.replacedBy.length > 0).length;
  const update = `${diff.updates.length} to update` + (replacements ? ` (${replacements} by replacement)` : "");
  return `${diff.creates.length} to create, ${update}, ${diff.deletes.length} to delete`;
}

function warningLine(w: Warning): string {
  const what = [w.protect ? "protected" : "", w.stateful ? "stateful" : ""].filter(Boolean).join(", ");
  const verbs = { delete: "DELETES", replace: "REPLACES", "may-replace": "MAY REPLACE", moved: "MOVES" } as const;
  const verb = verbs[w.kind];
  return `> - **${verb}** ${what ? `${what} ` : ""}${label(w.resource)}: ${w.detail}`;
}

function fieldTable(changes: readonly FieldChange[], replacing: readonly string[] = []): string[] {
  const lines = ["| field | before | after |", "| --- | --- | --- |"];
  for (const change of changes) {
    const path = change.path.replace(/\[\d+\]/g, "");
    const forces = replacing.some((p) => path === p || path.startsWith(`${p}.`));
    lines.push(`| \`${change.path}\`${forces ? " **(forces replacement)**" : ""} | ${cell(change.before)} | ${cell(change.after)} |`);
  }
  return lines;
}

/** The Markdown summary of one stack's render diff. */
export function stackMarkdown(diff: StackDiff): string {
  const status = diff.status === "new" ? " (new tenant)" : diff.status === "removed" ? " (removed: its stack file is gone)" : "";
  const lines = [`## Stack \`${diff.stack}\`${status}`, ""];
  if (diff.status === "unchanged") return [...lines, "No change to resources, outputs or hub values.", ""].join("\n");
  if (diff.warnings.length > 0) lines.push("> [!CAUTION]", "> Data or a platform is at stake:", ...diff.warnings.map(warningLine), "");
  lines.push(`**${counts(diff)}.**`, "");
  if (diff.status === "removed") lines.push("Merging does not destroy it: run `pulumi destroy` on the stack once its data is safe.", "");
  if (diff.creates.length > 0) {
    lines.push("### Create", "", "| type | name | protected |", "| --- | --- | --- |");
    for (const r of diff.creates) lines.push(`| \`${r.type}\` | ${r.name} | ${r.protect ? "yes" : "no"} |`);
    lines.push("");
  }
  if (diff.updates.length > 0) {
    lines.push("### Update", "");
    for (const update of diff.updates) {
      const replaced = update.replacedBy.length > 0;
      const mayBe = !replaced && update.mayBeReplacedBy.length > 0;
      lines.push(`#### ${label(update.resource)}${replaced ? " — **replacement**" : mayBe ? " — **possible replacement**" : ""}`, "");
      const source = replacementSource(update.resource.type);
      if (replaced)
        lines.push(
          `The provider re-creates it: \`${update.replacedBy.join("`, `")}\` cannot change in place${source ? ` (${source})` : ""}.`,
          "",
        );
      else if (mayBe)
        lines.push(
          `The provider re-creates it if \`${update.mayBeReplacedBy.join("`, `")}\` really changes: the new value is a placeholder that only a deployment resolves (\`pulumi preview\` tells)${source ? ` (${source})` : ""}.`,
          "",
        );
      else if (!source && !update.resource.type.startsWith("hubfleet:"))
        lines.push("_No replace-on-change facts for this type in `scripts/diff/replace-on-change.ts`: assumed to update in place._", "");
      lines.push(...fieldTable(update.changes, [...update.replacedBy, ...update.mayBeReplacedBy]), "");
    }
  }
  if (diff.deletes.length > 0) {
    lines.push("### Delete", "", "| type | name | protected |", "| --- | --- | --- |");
    for (const r of diff.deletes) lines.push(`| \`${r.type}\` | ${r.name} | ${r.protect ? "yes" : "no"} |`);
    lines.push("");
  }
  if (diff.outputs.length > 0) lines.push("### Stack outputs", "", ...fieldTable(diff.outputs), "");
  if (diff.hubValues.length > 0) lines.push("### Hub values", "", "```diff", ...diff.hubValues, "```", "");
  return lines.join("\n");
}

/** GitHub refuses comments over 65536 characters; leave room for the preview section. */
export const COMMENT_BUDGET = 50_000;

/** All stacks in one document: a table first, then each stack, shortened to a budget. */
export function combinedMarkdown(diffs: readonly StackDiff[], baseRef: string, budget = COMMENT_BUDGET): string {
  const head = [`### Render diff against \`${baseRef}\``, ""];
  if (diffs.length === 0) return [...head, "The change touches no stack.", ""].join("\n");
  const flagged = diffs.flatMap((diff) => diff.warnings.map((w) => warningLine(w).replace("> - ", `> - \`${diff.stack}\`: `)));
  if (flagged.length > 0) head.push("> [!CAUTION]", "> Protected or stateful resources deleted, replaced or moved:", ...flagged, "");
  head.push("| stack | change | resources | flagged |", "| --- | --- | --- | --- |");
  for (const diff of diffs) {
    const flagged = diff.warnings.length > 0 ? `**${diff.warnings.length}**` : "";
    head.push(`| \`${diff.stack}\` | ${diff.status} | ${diff.status === "unchanged" ? "" : counts(diff)} | ${flagged} |`);
  }
  head.push("");
  let body = head.join("\n");
  const left: string[] = [];
  for (const diff of diffs.filter((d) => d.status !== "unchanged")) {
    const section = `\n<details${diff.warnings.length > 0 ? " open" : ""}><summary>${diff.stack}: ${counts(diff)}</summary>\n\n${stackMarkdown(diff)}\n</details>\n`;
    if (body.length + section.length > budget) left.push(diff.stack);
    else body += section;
  }
  if (left.length > 0)
    body += `\nToo long for one comment: ${left.map((s) => `\`${s}\``).join(", ")} are in the workflow's \`render-diff\` artifact.\n`;
  return body;
}
