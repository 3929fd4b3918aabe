/**
 * Runs one Python unittest file in one interpreter process and reports its outcome,
 * so that vitest fails with Python's own report when a Python test fails.
 * Debian's interpreter first: it is the one with Debian's JupyterHub and tornado.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const DEBIAN_PYTHON = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

export interface UnittestOutcome {
  readonly ok: boolean;
  readonly ran: number;
  readonly skipped: number;
  /** unittest's verbose report (stderr). */
  readonly report: string;
}

export function runUnittestFile(file: string, timeoutMs = 30_000): UnittestOutcome {
  const result = spawnSync(DEBIAN_PYTHON, [path.resolve(__dirname, "..", "python", file), "-v"], {
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  const report = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  const ran = Number(/Ran (\d+) tests?/.exec(report)?.[1] ?? 0);
  const skipped = Number(/skipped=(\d+)/.exec(report)?.[1] ?? 0);
  return { ok: result.status === 0, ran, skipped, report };
}

/** Whether Debian's interpreter can import a module (JupyterHub, for the in-hub tests). */
export function debianPythonHas(module: string): boolean {
  return spawnSync(DEBIAN_PYTHON, ["-c", `import ${module}`], { encoding: "utf8" }).status === 0;
}
