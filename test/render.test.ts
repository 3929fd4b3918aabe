/**
 * The render contract (DESIGN.md): every example stack renders offline, again to
 * the same bytes, with nothing secret in out/. (Chart schema and plan invariants:
 * plan-invariants.test.ts.)
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../scripts/render/report";
import { PROJECT_DIR } from "./support/program";
import { OUT_DIR, RENDERED_STACKS } from "./support/rendered";

function renderWithCli(outDir: string, ...args: string[]) {
  return spawnSync(
    process.execPath,
    [require.resolve("tsx/cli"), path.join(PROJECT_DIR, "scripts", "render.ts"), ...args, "--out", outDir],
    {
      cwd: PROJECT_DIR,
      encoding: "utf8",
    },
  );
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

const stacks = RENDERED_STACKS;
const outTree = () => readTree(OUT_DIR);

describe("npm run render -- --all (rendered once for the whole run, into out/)", () => {
  it("covers the example stacks", () => {
    expect(stacks).toEqual(expect.arrayContaining(["dev"]));
  });

  it.each(stacks)("writes plan.json, hub-values.yaml and README.md for %s", (stack) => {
    const tree = outTree();
    for (const file of ["plan.json", "hub-values.yaml", "README.md"]) expect(tree).toHaveProperty(`${stack}/${file}`);
    const plan = JSON.parse(tree[`${stack}/plan.json`]!) as Plan;
    expect(plan.stack).toBe(stack);
    expect(plan.resources.length).toBeGreaterThan(0);
    for (const resource of plan.resources) {
      expect(Object.keys(resource)).toEqual(expect.arrayContaining(["urn", "type", "name", "dependencies", "inputs", "protect"]));
    }
    expect(tree[`${stack}/README.md`]).toContain("```mermaid");
  });

  // Rendering again gives the same bytes: test/render-diff-cli.test.ts renders pipalhub twice (its base
  // and a one-key change) and finds exactly that one change, and `npm run fleet-scale` compares two
  // whole renders of 101 stacks byte for byte.

  it("writes nothing secret: no keys, no passwords in URLs, secrets only as [secret]", () => {
    for (const [file, text] of Object.entries(outTree())) {
      expect(text, file).not.toMatch(/AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY|postgres(ql)?:\/\/[^:"/ ]+:[^@"[ ]{6,}@/);
      // A stack file's ciphertext (v1:…, with digits) never travels into out/.
      expect(text, file).not.toMatch(/\bsecure\b|v1:(?=[A-Za-z0-9+/]*[0-9+/])[A-Za-z0-9+/=]{20,}/);
    }
  });
});

describe("a config with mistakes", () => {
  it("fails the render with the keyed message, a non-zero exit and nothing written", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-bad-"));
    const stackFile = path.join(PROJECT_DIR, "Pulumi.zz-broken-test.yaml");
    fs.writeFileSync(
      stackFile,
      "config:\n  hubfleet:tenant:\n    name: Bad_Name\n  hubfleet:cluster:\n    kind: nowhere\n  hubfleet:hub:\n    auth:\n      kind: dummy\n    culling: {every: 1}\n",
    );
    try {
      const result = renderWithCli(dir, "--stack", "zz-broken-test");
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
