/**
 * The one end-to-end run of `npm run diff`: a temporary checkout of HEAD with a changed
 * stack file, rendered at HEAD and in that working tree (two real renders of one stack).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const projectDir = path.resolve(__dirname, "..");
const git = (args: string[], cwd = projectDir) => spawnSync("git", args, { cwd, encoding: "utf8" });
const checkout = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-diff-test-"));

afterAll(() => {
  git(["worktree", "remove", "--force", checkout]);
  fs.rmSync(checkout, { recursive: true, force: true });
});

describe("npm run diff -- --base HEAD", () => {
  it("renders a stack file change twice and flags the node pool it replaces", () => {
    expect(git(["worktree", "add", "--detach", "--quiet", checkout, "HEAD"]).status).toBe(0);
    fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(checkout, "node_modules"), "dir");
    const stackFile = path.join(checkout, "Pulumi.pipalhub.yaml");
    const original = fs.readFileSync(stackFile, "utf8");
    expect(original).toMatch(/userSize: 2xlarge/);
    fs.writeFileSync(stackFile, original.replace("userSize: 2xlarge", "userSize: 4xlarge"));

    const out = path.join(checkout, "out", "diff");
    const run = spawnSync(
      process.execPath,
      [require.resolve("tsx/cli"), "scripts/diff.ts", "--base", "HEAD", "--stacks", "pipalhub", "--out", out],
      { cwd: checkout, encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);

    expect(JSON.parse(fs.readFileSync(path.join(out, "touched-stacks.json"), "utf8"))).toEqual([{ stack: "pipalhub", change: "changed" }]);
    expect(fs.existsSync(path.join(out, "base", "pipalhub", "plan.json"))).toBe(true);
    const summary = fs.readFileSync(path.join(out, "summary.md"), "utf8");
    expect(summary).toContain("| `pipalhub` | changed | 0 to create, 1 to update (1 by replacement), 0 to delete |");
    const stack = fs.readFileSync(path.join(out, "pipalhub.md"), "utf8");
    expect(stack).toContain("`digitalocean:index/kubernetesNodePool:KubernetesNodePool` pipalhub-cluster-users — **replacement**");
    expect(stack).toMatch(/\| `size` \*\*\(forces replacement\)\*\* \| `s-4vcpu-8gb` \| `s-[0-9]+vcpu-[0-9]+gb` \|/);
    expect(git(["worktree", "list"]).stdout).not.toContain("hubfleet-base-");
  });
});
