/**
 * Notebooks as HTML for instructors: the last cells of a participant's notebook
 * for the per-file summary, and the whole notebook as an export. Participants'
 * content is untrusted: everything is escaped, HTML and JavaScript outputs are
 * shown as their plain-text form, and only PNG/JPEG images are embedded.
 */
import type { Notebook, NotebookCell } from "./events";

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Joins nbformat's multiline strings (a string or a list of lines). */
export function joinText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.filter((part): part is string => typeof part === "string").join("");
  return "";
}

// Tracebacks carry terminal colour codes.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");
const IMAGE_TYPES = ["image/png", "image/jpeg"] as const;

export function renderOutput(output: Record<string, unknown>): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="output ${output.name === "stderr" ? "stderr" : "stdout"}">${escapeHtml(joinText(output.text))}</pre>`;
    case "error": {
      const traceback = joinText(Array.isArray(output.traceback) ? (output.traceback as unknown[]).join("\n") : "").replace(ANSI, "");
      return `<pre class="output error">${escapeHtml(traceback || `${String(output.ename)}: ${String(output.evalue)}`)}</pre>`;
    }
    case "execute_result":
    case "display_data": {
      const data = (typeof output.data === "object" && output.data !== null ? output.data : {}) as Record<string, unknown>;
      for (const type of IMAGE_TYPES) {
        const image = joinText(data[type]).replace(/\s/g, "");
        if (image && /^[A-Za-z0-9+/=]+$/.test(image)) return `<img class="output" alt="${type} output" src="data:${type};base64,${image}">`;
      }
      const plain = joinText(data["text/plain"]);
      return plain ? `<pre class="output">${escapeHtml(plain)}</pre>` : "";
    }
    default:
      return "";
  }
}

export function renderCell(cell: NotebookCell): string {
  const source = escapeHtml(joinText(cell.source));
  if (cell.cell_type !== "code") return `<div class="cell ${escapeHtml(cell.cell_type)}"><pre class="source">${source}</pre></div>`;
  const count = typeof cell.execution_count === "number" ? String(cell.execution_count) : " ";
  const outputs = (cell.outputs ?? []).map(renderOutput).join("");
  return `<div class="cell code"><div class="prompt">[${count}]:</div><pre class="source">${source}</pre>${outputs}</div>`;
}

/** The last `count` cells that hold something, in notebook order. */
export function lastCells(notebook: Notebook, count: number): NotebookCell[] {
  const filled = notebook.cells.filter((cell) => joinText(cell.source).trim() !== "" || (cell.outputs?.length ?? 0) > 0);
  return filled.slice(Math.max(0, filled.length - count));
}

export const NOTEBOOK_STYLE = `
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d232a}
.cell{border-left:3px solid #d0d7de;margin:.6rem 0;padding:.2rem .6rem}
.cell.code{border-color:#4f81bd}.cell.markdown{border-color:#9da7b1}
.prompt{color:#4f81bd;font-family:monospace;font-size:.8rem}
pre{white-space:pre-wrap;margin:.2rem 0;font-size:.85rem}
pre.source{background:#f6f8fa;padding:.4rem}
pre.output{padding:.2rem .4rem}pre.stderr{background:#fff5f5}pre.error{background:#ffecec;color:#8a1f11}
img.output{max-width:100%}
`;

/** A participant's whole notebook as a stand-alone page. */
export function notebookToHtml(notebook: Notebook, title: string): string {
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${NOTEBOOK_STYLE}</style></head>`,
    `<body><h1>${escapeHtml(title)}</h1>`,
    notebook.cells.map(renderCell).join("\n"),
    "</body></html>",
  ].join("\n");
}
