/**
 * The fleet scheduler with a fake runner: order from stack references (reversed for
 * destroy), the parallel limit, and a failure that stops only its dependants.
 */
import { describe, expect, it } from "vitest";
import { runOrder, topologicalOrder, type FleetCommand } from "../scripts/fleet/graph";
import { runFleet, type StackStatus } from "../scripts/fleet/scheduler";
import type { FleetStack } from "../scripts/fleet/stacks";
import { AutoRunner, FakeStackRunner, settled } from "./support/fake-stack-runner";

const stack = (name: string, references: string[] = []): FleetStack => ({ name, protection: "production", references });

// Two shared clusters; tenant-b2 also reads tenant-b1 (like habari-kisumu reads habari-nairobi's bucket).
const FLEET = [
  stack("cluster-a"),
  stack("cluster-b"),
  stack("tenant-a1", ["cluster-a"]),
  stack("tenant-a2", ["cluster-a"]),
  stack("tenant-b1", ["cluster-b"]),
  stack("tenant-b2", ["cluster-b", "tenant-b1"]),
  stack("standalone"),
];
const ALL = FLEET.map((s) => s.name);

function start(command: FleetCommand, parallel: number, selected = ALL) {
  const runner = new FakeStackRunner();
  const order = runOrder(FLEET, selected, command);
  const done = runFleet({ command, order, runner, parallel });
  return { runner, order, done };
}

const byStack = (statuses: StackStatus[]) => Object.fromEntries(statuses.map((s) => [s.stack, s]));

describe("run order", () => {
  it("puts every stack after the stacks it reads", () => {
    const { stacks, waitsFor } = runOrder(FLEET, ALL, "up");
    expect(waitsFor.get("tenant-b2")).toEqual(["cluster-b", "tenant-b1"]);
    for (const [name, deps] of waitsFor) for (const dep of deps) expect(stacks.indexOf(dep)).toBeLessThan(stacks.indexOf(name));
  });

  it("reverses for destroy: tenants before their cluster", () => {
    const { stacks, waitsFor } = runOrder(FLEET, ALL, "destroy");
    expect(waitsFor.get("cluster-b")).toEqual(["tenant-b1", "tenant-b2"]);
    expect(waitsFor.get("tenant-b1")).toEqual(["tenant-b2"]);
    expect(stacks.indexOf("tenant-b2")).toBeLessThan(stacks.indexOf("tenant-b1"));
    expect(stacks.indexOf("tenant-b1")).toBeLessThan(stacks.indexOf("cluster-b"));
  });

  it("waits only for selected stacks, and warns when a destroyed stack is still read", () => {
    const up = runOrder(FLEET, ["tenant-a1"], "up");
    expect(up.waitsFor.get("tenant-a1")).toEqual([]);
    const destroy = runOrder(FLEET, ["cluster-a", "tenant-a1"], "destroy");
    expect(destroy.warnings).toEqual(["cluster-a is read by tenant-a2, which is not being destroyed"]);
  });

  it("refuses a reference cycle, naming its stacks", () => {
    const cycle = new Map([
      ["x", ["y"]],
      ["y", ["x"]],
      ["z", []],
    ]);
    expect(() => topologicalOrder(cycle)).toThrow("cycle: x, y");
  });
});

describe("running the fleet", () => {
  it("starts a dependant only after its dependency succeeds", async () => {
    const { runner, done } = start("up", 10);
    await settled();
    expect(runner.running).toEqual(["cluster-a", "cluster-b", "standalone"]);
    await runner.succeed("cluster-b");
    expect(runner.running).toEqual(["cluster-a", "standalone", "tenant-b1"]);
    await runner.succeed("tenant-b1");
    expect(runner.running).toContain("tenant-b2");
    await runner.succeed("cluster-a");
    for (const name of runner.running) await runner.succeed(name);
    for (const name of runner.running) await runner.succeed(name);
    const statuses = await done;
    expect(statuses.map((s) => s.state)).toEqual(ALL.map(() => "succeeded"));
    expect(runner.commands.every((command) => command === "up")).toBe(true);
  });

  it("destroy takes tenants down before the cluster they share", async () => {
    const { runner, done } = start("destroy", 10, ["cluster-b", "tenant-b1", "tenant-b2"]);
    await settled();
    expect(runner.running).toEqual(["tenant-b2"]);
    await runner.succeed("tenant-b2");
    expect(runner.running).toEqual(["tenant-b1"]);
    await runner.succeed("tenant-b1");
    expect(runner.running).toEqual(["cluster-b"]);
    await runner.succeed("cluster-b");
    expect(runner.started).toEqual(["tenant-b2", "tenant-b1", "cluster-b"]);
    expect((await done).every((s) => s.state === "succeeded")).toBe(true);
  });

  it.each([1, 2, 3])("never runs more than --parallel %i at once", async (parallel) => {
    const { runner, done } = start("preview", parallel);
    await settled();
    while (runner.running.length > 0) {
      expect(runner.running.length).toBeLessThanOrEqual(parallel);
      await runner.succeed(runner.running[0]!);
    }
    await done;
    expect(runner.started.sort()).toEqual([...ALL].sort());
    expect(runner.maxConcurrent).toBe(parallel);
  });

  it("marks ready stacks beyond the limit as queued, not waiting", async () => {
    const runner = new FakeStackRunner();
    const seen: Record<string, string[]> = {};
    const done = runFleet({
      command: "preview",
      order: runOrder(FLEET, ALL, "preview"),
      runner,
      parallel: 1,
      onStatus: (s) => (seen[s.stack] ??= []).push(s.state),
    });
    await settled();
    expect(seen["standalone"]).toEqual(["queued"]);
    expect(seen["tenant-a1"]).toEqual(["waiting"]);
    while (runner.running.length > 0) await runner.succeed(runner.running[0]!);
    await done;
    expect(seen["standalone"]).toEqual(["queued", "running", "succeeded"]);
  });

  it("isolates a failure: its dependants are skipped, every other stack still runs", async () => {
    const { runner, done } = start("up", 2);
    await settled();
    await runner.fail("cluster-b", "code: 255\n stderr: error: googleapi: Error 403: quota exceeded");
    while (runner.running.length > 0) await runner.succeed(runner.running[0]!);
    const statuses = byStack(await done);
    expect(statuses["cluster-b"]).toMatchObject({ state: "failed", detail: "error: googleapi: Error 403: quota exceeded" });
    expect(statuses["tenant-b1"]).toMatchObject({ state: "skipped", detail: "cluster-b failed" });
    expect(statuses["tenant-b2"]).toMatchObject({ state: "skipped", detail: "cluster-b failed" });
    for (const name of ["cluster-a", "tenant-a1", "tenant-a2", "standalone"]) expect(statuses[name]!.state).toBe("succeeded");
    expect(runner.started).not.toContain("tenant-b1");
  });

  it("skips a whole chain, each naming the stack it waited on", async () => {
    const { runner, done } = start("up", 4, ["cluster-b", "tenant-b1", "tenant-b2"]);
    await settled();
    await runner.succeed("cluster-b");
    await runner.fail("tenant-b1", "boom");
    const statuses = byStack(await done);
    expect(statuses["tenant-b2"]).toMatchObject({ state: "skipped", detail: "tenant-b1 failed" });
  });

  it("records changes, progress and durations from the runner and the clock", async () => {
    let clock = 1_000;
    const runner = new FakeStackRunner();
    const updates: string[] = [];
    const done = runFleet({
      command: "up",
      order: runOrder(FLEET, ["standalone"], "up"),
      runner,
      parallel: 1,
      now: () => clock,
      onStatus: (s) => updates.push(`${s.state} ${s.progress.done}/${s.progress.total ?? "?"}`),
    });
    await settled();
    runner.hooks("standalone").onProgress({ done: 3, total: 7 });
    clock += 65_000;
    await runner.succeed("standalone", { create: 4, same: 3 });
    const [status] = await done;
    expect(status).toMatchObject({ state: "succeeded", startedAt: 1_000, finishedAt: 66_000, changes: { create: 4, same: 3 } });
    expect(updates).toEqual(["queued 0/?", "running 0/?", "running 3/7", "succeeded 3/7"]);
  });

  it("turns a runner that throws at once into a failed stack", async () => {
    const statuses = await runFleet({
      command: "refresh",
      order: runOrder(FLEET, ["standalone", "cluster-a"], "refresh"),
      runner: {
        run: (name) => {
          if (name === "standalone") throw new Error("no such stack");
          return Promise.resolve({ same: 1 });
        },
      },
      parallel: 2,
    });
    expect(byStack(statuses)["standalone"]).toMatchObject({ state: "failed", detail: "no such stack" });
    expect(byStack(statuses)["cluster-a"]!.state).toBe("succeeded");
  });

  it("once cancelled, starts nothing more and lets the running stacks finish", async () => {
    const runner = new FakeStackRunner();
    const cancel = new AbortController();
    const done = runFleet({ command: "up", order: runOrder(FLEET, ALL, "up"), runner, parallel: 2, signal: cancel.signal });
    await settled();
    expect(runner.running).toEqual(["cluster-a", "cluster-b"]);
    cancel.abort();
    await runner.succeed("cluster-a");
    expect(runner.running).toEqual(["cluster-b"]);
    await runner.fail("cluster-b", "error: update canceled");
    const statuses = byStack(await done);
    expect(runner.started).toEqual(["cluster-a", "cluster-b"]);
    expect(statuses["cluster-a"]!.state).toBe("succeeded");
    expect(statuses["cluster-b"]!.state).toBe("failed");
    for (const name of ["tenant-a1", "tenant-a2", "standalone"])
      expect(statuses[name]).toMatchObject({ state: "skipped", detail: "cancelled" });
    expect(statuses["tenant-b1"]).toMatchObject({ state: "skipped" });
  });

  it("refuses a parallel limit below one", async () => {
    await expect(runFleet({ command: "up", order: runOrder(FLEET, ALL, "up"), runner: new AutoRunner(), parallel: 0 })).rejects.toThrow(
      "at least 1",
    );
  });
});
