/**
 * The fleet-scale run's parts: the generated fleet (valid configs, the reference
 * graph of a real Habari fleet) and the figures it reports.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runOrder } from "../scripts/fleet/graph";
import { loadFleet } from "../scripts/fleet/stacks";
import { CLUSTER_STACK, tenantName, writeScaleFleet } from "../scripts/fleet-scale/generate";
import { distribution, scaleReport } from "../scripts/fleet-scale/report";
import { parseStackConfig, rawConfigFromStackFile } from "../stacks/config/load";

const PROJECT_DIR = path.resolve(__dirname, "..");
const TENANTS = 12;
let dir: string;
let names: string[];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-scale-test-"));
  // A dozen: the same generator writes the hundred that npm run fleet-scale renders.
  names = writeScaleFleet(PROJECT_DIR, dir, TENANTS);
});

const config = (stack: string) => parseStackConfig(rawConfigFromStackFile(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8")));

describe("the generated fleet", () => {
  it("is the shared cluster and its tenants, with distinct names and hostnames", () => {
    expect(names).toHaveLength(TENANTS + 1);
    expect(names[0]).toBe(CLUSTER_STACK);
    const tenants = names.slice(1).map(config);
    expect(new Set(tenants.map((c) => c.tenant.name)).size).toBe(TENANTS);
    expect(new Set(tenants.map((c) => c.endpoint.hostname)).size).toBe(TENANTS);
    expect(tenants.every((c) => c.cluster.kind === "shared" && c.cluster.shared?.stack === "organization/hubfleet/habari-cluster")).toBe(
      true,
    );
  });

  it("passes the config schema, secrets kept secret, like the tenant it copies", () => {
    const last = config(tenantName(TENANTS));
    expect(last.tenant.name).toBe("habari-p012");
    expect(last.hub?.singleuser.env).toMatchObject({ HABARI_PROJECT: "p012" });
    const text = fs.readFileSync(path.join(dir, `Pulumi.${tenantName(TENANTS)}.yaml`), "utf8");
    const copied = rawConfigFromStackFile(fs.readFileSync(path.join(__dirname, "..", "Pulumi.habari-nairobi.yaml"), "utf8")).securePaths;
    expect(rawConfigFromStackFile(text).securePaths).toEqual(copied);
    expect(copied.has("hub.auth.clientSecret")).toBe(true);
  });

  it("orders as the fleet command would: the cluster, then every tenant, each waiting only for it", () => {
    const order = runOrder(loadFleet(dir), names, "up");
    expect(order.stacks[0]).toBe(CLUSTER_STACK);
    for (const tenant of names.slice(1)) expect(order.waitsFor.get(tenant)).toEqual([CLUSTER_STACK]);
  });
});

describe("the figures", () => {
  it("summarises per-stack times by nearest rank", () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(distribution(values)).toEqual({ count: 20, mean: 10.5, median: 10, p95: 19, max: 20 });
    expect(() => distribution([])).toThrow();
  });

  it("reports wall time, CPU, memory and the verdict against the budget", () => {
    const round = {
      label: "render",
      wallMs: 50_000,
      stackMs: [100, 200, 300, 400],
      workerMaxRssKiB: [204_800, 102_400],
      workerStartupMs: [3_000, 3_500],
      workerCpuMs: [20_000, 10_000],
    };
    const figures = {
      tenants: 3,
      stacks: 4,
      parallel: 2,
      resources: 180,
      rounds: [round, { ...round, label: "second render", wallMs: 40_000 }],
      totalWallMs: 90_000,
      parentMaxRssKiB: 51_200,
      budgetMs: 180_000,
      loadAverage: [1, 2] as const,
      cores: 2,
    };
    const report = scaleReport(figures);
    expect(report).toContain(
      "| render | 50.0 s | 12500 ms | 30.0 s (7500 ms) | 3.0 s, 3.5 s | 200 ms / 400 ms / 400 ms | 200 MiB, 100 MiB |",
    );
    expect(report).toContain("total wall time: 90.0 s (budget 180.0 s: within)");
    expect(report).toContain("peak memory: 300 MiB for the workers of one round together, 50 MiB for the coordinating process");
    expect(scaleReport({ ...figures, totalWallMs: 181_000 })).toContain("OVER");
  });
});
