/** The cost estimate on a plan small enough to price by hand, in us-central1 (list prices, no assumptions). */
import { describe, expect, it } from "vitest";
import { estimateCost, usersPerNode } from "../scripts/estimate/cost";
import { gceMachine, sizeInGb } from "../scripts/estimate/machines";
import { FLAT_PRICES } from "../scripts/estimate/prices";
import { handPlan, planResource } from "./support/hand-plan";

const region = "us-central1";
const tenant = handPlan("hand", [
  planResource("pulumi:providers:gcp", "gcp", { region, project: "p" }),
  planResource("gcp:container/cluster:Cluster", "cluster", { location: "us-central1-a", removeDefaultNodePool: true, initialNodeCount: 1 }),
  planResource("gcp:container/nodePool:NodePool", "users", {
    location: "us-central1-a",
    autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 3 },
    nodeConfig: {
      machineType: "e2-standard-2",
      diskSizeGb: 100,
      diskType: "pd-balanced",
      labels: { "hub.jupyter.org/node-purpose": "user" },
    },
  }),
  planResource("gcp:sql/databaseInstance:DatabaseInstance", "db", {
    region,
    settings: { tier: "db-custom-1-3840", diskSize: 10, diskType: "PD_SSD", backupConfiguration: { enabled: true } },
  }),
  planResource("gcp:compute/address:Address", "ip", { addressType: "EXTERNAL", region }),
  planResource("kubernetes:helm.sh/v3:Release", "hub", {
    chart: "jupyterhub",
    values: {
      proxy: { service: { type: "LoadBalancer" } },
      singleuser: { cpu: { guarantee: 0.5 }, memory: { guarantee: "2G" }, storage: { capacity: "10Gi" } },
    },
  }),
]);

describe("the cost estimate", () => {
  const cost = estimateCost(tenant, { activeUsers: 5, sharedClusterUser: { cpu: 0.5, memoryGb: 1 } });

  it("prices an idle tenant as computed by hand", () => {
    // fee 0.10 x 730 = 73; e2-standard-2 (2 x 0.021811 + 8 x 0.002923) x 730 = 48.91438; 100 GB x 0.10 = 10;
    // db-custom-1-3840 (0.0413 + 3.75 x 0.007) x 730 = 49.3115, 10 GB SSD x 0.17 = 1.70, backups 10 GB x 0.08 = 0.80;
    // address 0.005 x 730 = 3.65; forwarding rule 0.025 x 730 = 18.25.
    expect(cost.idle.byCategory).toEqual({
      "cluster fee": 73,
      nodes: 48.91,
      disks: 10,
      database: 51.81,
      "load balancer and addresses": 21.9,
      network: 0,
      registry: 0,
      storage: 0,
    });
    expect(cost.idle.total).toBe(205.63);
    expect(cost.scope).toBe("tenant");
  });

  it("prices five busy users as computed by hand", () => {
    // 3 users fit an e2-standard-2 (8 GB x 0.8 / 2 GB = 3.2, 2 CPU x 0.9 / 0.5 = 3.6): 2 nodes, their disks, 5 x 10 GiB homes at 0.10.
    expect(usersPerNode(gceMachine("e2-standard-2")!, { cpu: 0.5, memoryGb: 2 })).toBe(3);
    expect(cost.busy.byCategory.nodes).toBe(97.83);
    expect(cost.busy.byCategory.disks).toBe(25);
    expect(cost.busy.total).toBe(269.54);
  });

  it("names the source and date of every price it used", () => {
    expect(Object.keys(cost.prices).sort()).toEqual(
      [
        "gcp.externalIpInUse",
        "gcp.forwardingRule",
        "gke.clusterFee",
        `${region}/disk.pd-balanced`,
        `${region}/e2.memoryGb`,
        `${region}/e2.vcpu`,
        `${region}/sql.backup`,
        `${region}/sql.memoryGb`,
        `${region}/sql.storage.PD_SSD`,
        `${region}/sql.vcpu`,
        "usage.sqlBackupShareOfDisk",
      ].sort(),
    );
    for (const price of Object.values(cost.prices)) {
      expect(price.source).toMatch(/^https:\/\/|estimate/);
      expect(price.asOf).toMatch(/^\d{4}-\d{2}$/);
    }
    expect(cost.prices["usage.sqlBackupShareOfDisk"]?.assumption).toBe(true);
    expect(cost.prices[`${region}/e2.vcpu`]?.assumption).toBe(false);
  });

  it("stops at the pool's maximum and says so", () => {
    const crowded = estimateCost(tenant, { activeUsers: 40, sharedClusterUser: { cpu: 0.5, memoryGb: 1 } });
    expect(crowded.lines.find((l) => l.resource === "users" && l.category === "nodes")?.what).toContain("3 busy");
    expect(crowded.notes.join("\n")).toContain("the pool stops at 3");
  });

  it("counts only what a tenant on a shared cluster adds", () => {
    const marginal = estimateCost(
      handPlan("shared-tenant", [
        planResource("pulumi:pulumi:StackReference", "org/hubfleet/cluster", {}),
        planResource("digitalocean:index/databaseCluster:DatabaseCluster", "db", { size: "db-s-1vcpu-1gb", nodeCount: 1 }),
      ]),
      { activeUsers: 0, sharedClusterUser: { cpu: 0.5, memoryGb: 1 } },
    );
    expect(marginal.scope).toBe("tenant on a shared cluster (marginal)");
    expect(marginal.idle.total).toBe(FLAT_PRICES["do.database.db-s-1vcpu-1gb"].usd);
    expect(marginal.idle.byCategory["cluster fee"]).toBe(0);
  });

  it("leaves out, with a note, a pool whose machine or GPU the table does not price", () => {
    const pool = (name: string, nodeConfig: Record<string, unknown>) =>
      planResource("gcp:container/nodePool:NodePool", name, {
        location: "us-central1-a",
        autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 1 },
        nodeConfig: { diskSizeGb: 10, ...nodeConfig },
      });
    const cost = estimateCost(
      handPlan("exotic", [
        planResource("pulumi:providers:gcp", "gcp", { region }),
        pool("n2-pool", { machineType: "n2-standard-2" }),
        pool("l4-pool", { machineType: "e2-standard-2", guestAccelerators: [{ type: "nvidia-l4", count: 1 }] }),
      ]),
      { activeUsers: 0, sharedClusterUser: { cpu: 0.5, memoryGb: 1 } },
    );
    expect(cost.lines).toEqual([]);
    expect(cost.notes.filter((n) => n.includes("no price for"))).toHaveLength(2);
  });

  it("reads JupyterHub sizes in powers of 1024", () => {
    expect(sizeInGb("512M")).toBe(0.5);
    expect(sizeInGb("10Gi")).toBe(10);
    expect(sizeInGb("lots")).toBeUndefined();
  });
});
