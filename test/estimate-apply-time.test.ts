/** The apply-time estimator on graphs small enough to schedule by hand. */
import { describe, expect, it } from "vitest";
import { estimateApplyTime, lowerBound, tasksFromPlan, type Task } from "../scripts/estimate/apply-time";
import { handPlan, planResource, urnOf } from "./support/hand-plan";

const task = (id: string, minutes: number, dependsOn: string[] = [], serialisedOn?: string): Task => ({
  id,
  name: id,
  type: "test:index:Task",
  minutes,
  dependsOn,
  ...(serialisedOn ? { serialisedOn } : {}),
});

describe("the apply-time estimate", () => {
  it("runs independent work in parallel: the longest chain is the time", () => {
    const tasks = [task("a", 2), task("b", 3, ["a"]), task("c", 5, ["a"]), task("d", 1, ["b", "c"])];
    const estimate = estimateApplyTime(tasks);
    expect(estimate.minutes).toBe(8); // a 0-2, c 2-7, d 7-8
    expect(estimate.lowerBound).toBe(8);
    expect(estimate.criticalPath.map((s) => s.name)).toEqual(["a", "c", "d"]);
  });

  it("runs a serialised group one at a time, and bounds it from below", () => {
    // Two node pools on one cluster: b and c cannot overlap. a 0-2, b 2-5, c 5-8, d 8-9.
    const tasks = [task("a", 2), task("b", 3, ["a"], "cluster"), task("c", 3, ["a"], "cluster"), task("d", 1, ["b", "c"])];
    const estimate = estimateApplyTime(tasks);
    expect(estimate.minutes).toBe(9);
    // Without the group the chain is 6; the group back to back after a and before d is 2 + 6 + 1.
    expect(lowerBound(tasks)).toBe(9);
    expect(estimate.criticalPath.map((s) => [s.name, s.start, s.end])).toEqual([
      ["a", 0, 2],
      ["b", 2, 5],
      ["c", 5, 8],
      ["d", 8, 9],
    ]);
    expect(estimate.criticalPath[2]?.after).toBe("waits for cluster");
    expect(estimate.serialised).toEqual([{ on: "cluster", operations: 2, minutes: 6 }]);
  });

  it("keeps the bound below a schedule the group makes longer than any chain", () => {
    // x and y wait in the group while z runs beside them: no schedule beats 1 + 4 + 4 = 9.
    const tasks = [task("s", 1), task("x", 4, ["s"], "g"), task("y", 4, ["s"], "g"), task("z", 2, ["s"])];
    expect(estimateApplyTime(tasks).minutes).toBe(9);
    expect(lowerBound(tasks)).toBe(9);
    expect(lowerBound([task("p", 1), task("q", 2, ["p"])])).toBe(3);
  });

  it("refuses a dependency cycle", () => {
    expect(() => estimateApplyTime([task("a", 1, ["b"]), task("b", 1, ["a"])])).toThrow(/cycle/);
  });

  it("reads a plan: dependencies, the provider and components expanded to their children", () => {
    const cluster = planResource("gcp:container/cluster:Cluster", "cluster", {}, [], { parent: urnOf("hubfleet:cluster:Gke", "gke") });
    const plan = handPlan("hand", [
      planResource("hubfleet:cluster:Gke", "gke", {}),
      cluster,
      planResource("gcp:container/nodePool:NodePool", "pool-a", { cluster: "c1" }, [cluster.urn]),
      planResource("gcp:container/nodePool:NodePool", "pool-b", { cluster: "c1" }, [cluster.urn]),
      planResource("pulumi:providers:kubernetes", "k8s", {}, [cluster.urn]),
      planResource("kubernetes:helm.sh/v3:Release", "hub", {}, [urnOf("hubfleet:cluster:Gke", "gke")], {
        provider: urnOf("pulumi:providers:kubernetes", "k8s"),
      }),
    ]);
    const tasks = tasksFromPlan(plan);
    expect(tasks.map((t) => t.name).sort()).toEqual(["cluster", "hub", "k8s", "pool-a", "pool-b"]);
    expect(tasks.find((t) => t.name === "hub")?.dependsOn).toEqual([
      urnOf("gcp:container/cluster:Cluster", "cluster"),
      urnOf("pulumi:providers:kubernetes", "k8s"),
    ]);
    expect(tasks.find((t) => t.name === "pool-a")?.serialisedOn).toBe("GKE cluster c1");
    // cluster 7, then the two pools one after the other (3 + 3); the release (4) waits only for the cluster.
    const estimate = estimateApplyTime(tasks);
    expect(estimate.minutes).toBe(13);
    expect(estimate.lowerBound).toBe(13);
  });
});
