/**
 * The render contract (DESIGN.md): every example stack renders offline, twice
 * to the same bytes, with nothing secret in out/, and its hub values pass the chart's schema.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { stackNames } from "../scripts/render";
import type { Plan } from "../scripts/render/report";
import { chartFilesPresent, chartSchemaErrors } from "./support/chart-schema";
import { PROJECT_DIR } from "./support/program";

function render(outDir: string, ...args: string[]) {
  return spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(PROJECT_DIR, "scripts", "render.ts"), ...args, "--out", outDir], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
  });
}

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, full)] = fs.readFileSync(full, "utf8");
    }
  }
  return files;
}

const stacks = stackNames(PROJECT_DIR);
const first = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-render-a-"));
const second = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-render-b-"));
let firstTree: Record<string, string>;

beforeAll(() => {
  const a = render(first, "--all");
  const b = render(second, "--all");
  expect(a.status, a.stderr).toBe(0);
  expect(b.status, b.stderr).toBe(0);
  firstTree = readTree(first);
}, 600_000);

describe("npm run render -- --all", () => {
  it("covers the example stacks", () => {
    expect(stacks).toEqual(expect.arrayContaining(["dev"]));
  });

  it.each(stacks)("writes plan.json, hub-values.yaml and README.md for %s", (stack) => {
    for (const file of ["plan.json", "hub-values.yaml", "README.md"]) expect(firstTree).toHaveProperty(`${stack}/${file}`);
    const plan = JSON.parse(firstTree[`${stack}/plan.json`]!) as Plan;
    expect(plan.stack).toBe(stack);
    expect(plan.resources.length).toBeGreaterThan(0);
    for (const resource of plan.resources) {
      expect(Object.keys(resource)).toEqual(
        expect.arrayContaining(["urn", "type", "name", "dependencies", "inputs", "protect"]),
      );
    }
    expect(firstTree[`${stack}/README.md`]).toContain("```mermaid");
  });

  it("gives identical output when run twice", () => {
    expect(readTree(second)).toEqual(firstTree);
  });

  it("writes nothing secret: no keys, no passwords in URLs, secrets only as [secret]", () => {
    for (const [file, text] of Object.entries(firstTree)) {
      expect(text, file).not.toMatch(/AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY|postgres(ql)?:\/\/[^:"/ ]+:[^@"[ ]{6,}@/);
      // A stack file's ciphertext (v1:…, with digits) never travels into out/.
      expect(text, file).not.toMatch(/\bsecure\b|v1:(?=[A-Za-z0-9+/]*[0-9+/])[A-Za-z0-9+/=]{20,}/);
    }
  });

  it.skipIf(!chartFilesPresent).each(stacks)("renders hub values for %s that pass the chart's schema", (stack) => {
    const values = (parse(firstTree[`${stack}/hub-values.yaml`]!) ?? {}) as Record<string, unknown>;
    expect(chartSchemaErrors(values)).toEqual([]);
  });
});

describe("a config with mistakes", () => {
  it("fails the render with the keyed message, a non-zero exit and nothing written", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-bad-"));
    const stackFile = path.join(PROJECT_DIR, "Pulumi.zz-broken-test.yaml");
    fs.writeFileSync(stackFile, "config:\n  hubfleet:tenant:\n    name: Bad_Name\n  hubfleet:cluster:\n    kind: nowhere\n  hubfleet:hub:\n    auth:\n      kind: dummy\n    culling: {every: 1}\n");
    try {
      const result = render(dir, "--stack", "zz-broken-test");
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("hubfleet:tenant.name: must be a DNS label");
      expect(result.stderr).toContain("hubfleet:cluster.kind:");
      expect(result.stderr).toContain("hubfleet:hub.culling.every:");
      expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(stackFile);
    }
  });
});
