/**
 * The instructors' pages, as pure functions of the stored data. A small script
 * (LIVE_SCRIPT, served from the prefix) listens to the server-sent events and
 * swaps in a fresh <main> after every save: no inline script, so a strict
 * Content-Security-Policy holds.
 */
import type { DashboardEvent, Notebook } from "./events";
import { escapeHtml, lastCells, NOTEBOOK_STYLE, renderCell } from "./notebook";
import type { StoredNotebook } from "./store";

const PAGE_STYLE = `${NOTEBOOK_STYLE}
header{display:flex;gap:1rem;align-items:baseline;border-bottom:1px solid #d0d7de;margin-bottom:1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border-bottom:1px solid #e1e4e8;padding:.25rem .6rem;text-align:left;font-size:.9rem}
.participant{border:1px solid #d0d7de;border-radius:6px;padding:.4rem .8rem;margin:.8rem 0}
#live{color:#57606a;font-size:.8rem}
`;

export const LIVE_SCRIPT = `"use strict";
(function () {
  var status = document.getElementById("live");
  var source = new EventSource(document.body.dataset.stream);
  source.onopen = function () { status.textContent = "live"; };
  source.onerror = function () { status.textContent = "reconnecting…"; };
  source.onmessage = function () {
    fetch(location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        if (fresh) document.querySelector("main").replaceWith(fresh);
        status.textContent = "updated " + new Date().toLocaleTimeString();
      });
  };
})();
`;

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}

/** A notebook export's path below the prefix. */
export function exportHref(prefix: string, user: string, notebookPath: string): string {
  return `${prefix}notebooks/${encodeURIComponent(user)}/${notebookPath.split("/").map(encodeURIComponent).join("/")}`;
}

export function fileHref(prefix: string, filename: string): string {
  return `${prefix}files/${encodeURIComponent(filename)}`;
}

function layout(args: { prefix: string; title: string; viewer: string; body: string }): string {
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(args.title)}</title><style>${PAGE_STYLE}</style></head>`,
    `<body data-stream="${escapeHtml(args.prefix)}api/stream">`,
    `<header><h1>${link(args.prefix, "Workshop dashboard")}</h1><span>${escapeHtml(args.title)}</span>`,
    `<span>signed in as ${escapeHtml(args.viewer)}</span><span id="live">connecting…</span></header>`,
    `<main>${args.body}</main>`,
    `<script src="${escapeHtml(args.prefix)}static/live.js"></script>`,
    "</body></html>",
  ].join("\n");
}

/** The overview: every file with who saved it, and the latest events (optionally filtered). */
export function indexPage(args: {
  prefix: string;
  viewer: string;
  notebooks: readonly StoredNotebook[];
  events: readonly DashboardEvent[];
  filterText?: string;
}): string {
  const byFile = new Map<string, StoredNotebook[]>();
  for (const stored of args.notebooks) {
    const filename = stored.path.split("/").pop() ?? stored.path;
    byFile.set(filename, [...(byFile.get(filename) ?? []), stored]);
  }
  const files = [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b));
  const fileRows = files
    .map(([filename, copies]) => {
      const participants = copies.map((copy) => link(exportHref(args.prefix, copy.user, copy.path), copy.user)).join(", ");
      return `<tr><td>${link(fileHref(args.prefix, filename), filename)}</td><td>${copies.length}</td><td>${escapeHtml(copies[0]!.savedAt)}</td><td>${participants}</td></tr>`;
    })
    .join("\n");
  const recent = [...args.events].reverse().slice(0, 100);
  const eventRows = recent
    .map(
      (event) =>
        `<tr><td>${event.id}</td><td>${escapeHtml(event.timestamp)}</td><td>${escapeHtml(event.user)}</td><td>${escapeHtml(event.type)}</td><td>${escapeHtml(event.path)}</td></tr>`,
    )
    .join("\n");
  return layout({
    prefix: args.prefix,
    title: "Overview",
    viewer: args.viewer,
    body: [
      "<h2>Notebooks</h2>",
      files.length === 0
        ? "<p>No notebook saved yet.</p>"
        : `<table><thead><tr><th>file</th><th>participants</th><th>last save</th><th>exports</th></tr></thead><tbody>${fileRows}</tbody></table>`,
      `<h2>Events${args.filterText ? ` where ${escapeHtml(args.filterText)}` : ""}</h2>`,
      recent.length === 0
        ? "<p>No events.</p>"
        : `<table id="events"><thead><tr><th>id</th><th>time</th><th>user</th><th>type</th><th>path</th></tr></thead><tbody>${eventRows}</tbody></table>`,
    ].join("\n"),
  });
}

/** One file across the room: each participant's last cells and outputs. */
export function filePage(args: {
  prefix: string;
  viewer: string;
  filename: string;
  copies: readonly (StoredNotebook & { notebook: Notebook })[];
  cellCount: number;
}): string {
  const sections = args.copies
    .map((copy) =>
      [
        `<section class="participant" data-user="${escapeHtml(copy.user)}">`,
        `<h3>${escapeHtml(copy.user)} <small>${escapeHtml(copy.savedAt)} · ${link(exportHref(args.prefix, copy.user, copy.path), "whole notebook")}</small></h3>`,
        lastCells(copy.notebook, args.cellCount).map(renderCell).join("\n"),
        "</section>",
      ].join("\n"),
    )
    .join("\n");
  return layout({
    prefix: args.prefix,
    title: args.filename,
    viewer: args.viewer,
    body: `<h2>${escapeHtml(args.filename)}: last ${args.cellCount} cells of each participant</h2>${sections || "<p>Nobody has saved this file yet.</p>"}`,
  });
}
