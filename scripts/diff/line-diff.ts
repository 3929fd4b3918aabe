/**
 * A unified line diff (longest common subsequence), for the hub values: small texts,
 * so the quadratic table is cheap and the code stays short and dependency-free.
 */

type Edit = { op: " " | "-" | "+"; line: string };

function edits(before: readonly string[], after: readonly string[]): Edit[] {
  const rows = before.length;
  const cols = after.length;
  // common[i][j]: length of the longest common subsequence of before[i..] and after[j..].
  const common = Array.from({ length: rows + 1 }, () => new Uint32Array(cols + 1));
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = cols - 1; j >= 0; j--) {
      common[i]![j] = before[i] === after[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const result: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < cols) {
    if (i < rows && j < cols && before[i] === after[j]) {
      result.push({ op: " ", line: before[i]! });
      i++;
      j++;
    } else if (i < rows && (j === cols || common[i + 1]![j]! >= common[i]![j + 1]!)) {
      // Removals first, as diff -u shows them.
      result.push({ op: "-", line: before[i]! });
      i++;
    } else {
      result.push({ op: "+", line: after[j]! });
      j++;
    }
  }
  return result;
}

/** Lines of a unified diff body (hunk headers and " ", "-", "+" lines); empty when equal. */
export function unifiedLineDiff(beforeText: string, afterText: string, context = 3): string[] {
  const split = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
  const all = edits(split(beforeText), split(afterText));
  const changed = all.map((edit, index) => (edit.op === " " ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return [];
  // Group changes whose context windows touch into hunks.
  const hunks: Array<[number, number]> = [];
  for (const index of changed) {
    const start = Math.max(0, index - context);
    const end = Math.min(all.length - 1, index + context);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1] + 1) last[1] = end;
    else hunks.push([start, end]);
  }
  const lines: string[] = [];
  for (const [start, end] of hunks) {
    const beforeStart = all.slice(0, start).filter((e) => e.op !== "+").length + 1;
    const afterStart = all.slice(0, start).filter((e) => e.op !== "-").length + 1;
    const body = all.slice(start, end + 1);
    const beforeCount = body.filter((e) => e.op !== "+").length;
    const afterCount = body.filter((e) => e.op !== "-").length;
    lines.push(`@@ -${beforeStart},${beforeCount} +${afterStart},${afterCount} @@`);
    for (const edit of body) lines.push(`${edit.op}${edit.line}`);
  }
  return lines;
}
