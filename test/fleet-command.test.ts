/**
 * The fleet command end to end with a fake runner on a generated project: what it
 * runs, what it refuses, what it prints (live lines, summary) and its exit code.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fleetCommand } from "../scripts/fleet/command";
import { formatChanges, formatDuration, statusLine, summaryTable } from "../scripts/fleet/format";
import { liveLines, progressDisplay } from "../scripts/fleet/progress";
import type { StackRunner } from "../scripts/fleet/runner";
import type { StackStatus } from "../scripts/fleet/scheduler";
import { AutoRunner } from "./support/fake-stack-runner";

class Capture {
  text = "";
  constructor(
    readonly isTTY = false,
    readonly rows = 40,
    readonly columns = 100,
  ) {}
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

let projectDir: string;

beforeAll(() => {
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-fleet-"));
  const files: Record<string, string> = {
    "Pulumi.yaml": "name: hubfleet\nruntime: nodejs\n",
    "Pulumi.shared.yaml": "config:\n  hubfleet:role: sharedCluster\n  hubfleet:tenant: { name: shared, protection: production }\n",
    "Pulumi.north.yaml":
      "config:\n  hubfleet:tenant: { name: north }\n  hubfleet:cluster: { kind: shared, shared: { stack: organization/hubfleet/shared } }\n",
    "Pulumi.south.yaml":
      "config:\n  hubfleet:tenant: { name: south, protection: disposable }\n  hubfleet:cluster: { kind: shared, shared: { stack: shared } }\n",
    "Pulumi.lab.yaml": "config:\n  hubfleet:tenant: { name: lab, protection: disposable }\n",
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(projectDir, name), text);
});

async function fleet(argv: string[], runner: StackRunner = new AutoRunner(), changedFiles?: (ref: string) => string[]) {
  const out = new Capture();
  const err = new Capture();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-fleet-logs-"));
  const code = await fleetCommand([...argv, "--log-dir", logDir], { projectDir, runner, out, err, changedFiles });
  return { code, out: out.text, err: err.text, logDir };
}

describe("npm run fleet", () => {
  it("--help says how to use it", async () => {
    const { code, out } = await fleet(["--help"]);
    expect(code).toBe(0);
    for (const word of ["preview", "up", "refresh", "destroy", "--stacks", "--changed-since", "--parallel", "PULUMI_CONFIG_PASSPHRASE"])
      expect(out).toContain(word);
  });

  it("runs every stack, the cluster before its tenants, and ends with a summary", async () => {
    const runner = new AutoRunner({ north: { create: 3, update: 1, same: 5 } });
    const { code, out, logDir } = await fleet(["up"], runner);
    expect(code).toBe(0);
    expect(runner.started.indexOf("shared")).toBeLessThan(runner.started.indexOf("north"));
    expect(runner.started.indexOf("shared")).toBeLessThan(runner.started.indexOf("south"));
    expect(out).toMatch(/north\s+after shared/);
    expect(out).toMatch(/^north\s+succeeded\s+\+3 ~1 \(5 unchanged\)\s+\d:\d\d/m);
    expect(out).toContain("4 stacks: 4 succeeded");
    expect(out).not.toContain("\x1b[");
    expect(fs.readFileSync(path.join(logDir, "north.log"), "utf8")).toBe("engine output of north\n");
  });

  it("exits non-zero when a stack fails, and still runs the stacks that do not wait on it", async () => {
    const runner = new AutoRunner({ shared: new Error("code: 255\n stdout: \n stderr: error: quota exceeded") });
    const { code, out, logDir } = await fleet(["preview"], runner);
    expect(code).toBe(1);
    expect(runner.started.sort()).toEqual(["lab", "shared"]);
    expect(out).toMatch(/^shared\s+failed\s+-\s+\d:\d\d\s+error: quota exceeded$/m);
    expect(out).toMatch(/^north\s+skipped\s+-\s+-\s+shared failed$/m);
    expect(out).toContain("4 stacks: 1 succeeded, 1 failed, 2 skipped");
    expect(fs.readFileSync(path.join(logDir, "shared.log"), "utf8")).toContain("quota exceeded");
  });

  it("runs only the stacks a change touches", async () => {
    const runner = new AutoRunner();
    const { code, out } = await fleet(["preview", "--changed-since", "main"], runner, (ref) =>
      ref === "main" ? ["Pulumi.south.yaml", "docs/x.md"] : [],
    );
    expect(code).toBe(0);
    expect(runner.started).toEqual(["south"]);
    expect(out).toContain("stack files changed");
  });

  it("--list prints the order and runs nothing", async () => {
    const runner = new AutoRunner();
    const { code, out } = await fleet(["destroy", "--stacks", "shared,north,south", "--list"], runner);
    expect(code).toBe(0);
    expect(runner.started).toEqual([]);
    expect(out).toMatch(/shared\s+after north, south/);
  });

  it("destroy refuses production stacks that were not named, and runs nothing", async () => {
    const runner = new AutoRunner();
    const all = await fleet(["destroy"], runner);
    expect(all.code).toBe(2);
    expect(all.err).toContain("refusing to destroy production stacks north, shared");
    const changed = await fleet(["destroy", "--changed-since", "main"], runner, () => ["index.ts"]);
    expect(changed.code).toBe(2);
    expect(runner.started).toEqual([]);
  });

  it("destroy takes named production stacks down, tenants first, and disposable ones without naming", async () => {
    const runner = new AutoRunner();
    expect((await fleet(["destroy", "--stacks", "north,shared,south"], runner)).code).toBe(0);
    expect(runner.started.at(-1)).toBe("shared");
    const changed = new AutoRunner();
    expect((await fleet(["destroy", "--changed-since", "main"], changed, () => ["Pulumi.lab.yaml", "Pulumi.south.yaml"])).code).toBe(0);
    expect(changed.started.sort()).toEqual(["lab", "south"]);
  });

  it("refuses an unknown stack name", async () => {
    await expect(fleet(["up", "--stacks", "nort"])).rejects.toThrow("no stack file for nort");
  });
});

describe("what the operator sees", () => {
  const running: StackStatus = { stack: "north", state: "running", progress: { done: 12, total: 30 }, startedAt: 0 };

  it("a live line: state, resources done/total and time", () => {
    expect(statusLine(running, 83_000, 8)).toBe("north     running    12/30 resources       1:23");
    expect(statusLine({ stack: "south", state: "waiting", progress: { done: 0 } }, 0, 8)).toBe("south     waiting");
  });

  it("changes in Pulumi's symbols", () => {
    expect(formatChanges({ create: 2, update: 1, delete: 3, replace: 1, same: 10 })).toBe("+2 ~1 -3 +-1 (10 unchanged)");
    expect(formatChanges({ same: 4 })).toBe("no changes (4 unchanged)");
    expect(formatChanges({ read: 2 })).toBe("2 read");
    expect(formatChanges(undefined)).toBe("-");
    expect(formatDuration(3_725_000)).toBe("1:02:05");
  });

  it("a summary table with a row per stack and aligned columns", () => {
    const table = summaryTable(
      [
        { ...running, state: "succeeded", finishedAt: 61_000, changes: { create: 1 } },
        { stack: "shared-cluster", state: "failed", progress: { done: 0 }, startedAt: 0, finishedAt: 2_000, detail: "error: boom" },
      ],
      100_000,
    ).split("\n");
    expect(table[0]).toBe("stack           result     changes  duration  note");
    expect(table[2]).toBe("north           succeeded  +1       1:01");
    expect(table[3]).toBe("shared-cluster  failed     -        0:02      error: boom");
    expect(table.at(-1)).toBe("2 stacks: 1 succeeded, 1 failed");
  });

  it("on a terminal, redraws the lines in place", () => {
    const out = new Capture(true);
    const display = progressDisplay(out, ["north", "south"], () => 5_000);
    display.update(running);
    display.stop();
    const frames = out.text.split("\x1b[2A");
    expect(frames).toHaveLength(2);
    expect(frames[1]).toContain("north  running    12/30 resources       0:05");
  });

  it("a terminal that reports no size still gets whole lines", () => {
    const out = new Capture(true, 0, 0);
    const display = progressDisplay(out, ["north"], () => 5_000);
    display.update(running);
    display.stop();
    expect(out.text).toContain("north  running    12/30 resources       0:05\n");
  });

  it("a fleet taller than the terminal shows a count line and the running stacks", () => {
    const statuses: StackStatus[] = Array.from({ length: 50 }, (_, i) => ({
      stack: `t${i}`,
      state: i < 3 ? "running" : "waiting",
      progress: { done: 0 },
      startedAt: 0,
    }));
    const lines = liveLines(statuses, 1_000, 3, 20);
    expect(lines[0]).toBe("50 stacks: 3 running, 47 waiting");
    expect(lines.slice(1).map((line) => line.split(" ")[0])).toEqual(["t0", "t1", "t2"]);
  });
});
