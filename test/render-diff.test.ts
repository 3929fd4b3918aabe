/**
 * The render diff on fixture changes, as pure functions of plan pairs: a trimmed real
 * render of the openhexa (GKE) stack plus pipalhub's DigitalOcean user pool.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { unifiedLineDiff } from "../scripts/diff/line-diff";
import { combinedMarkdown, counts, stackMarkdown } from "../scripts/diff/markdown";
import { diffStack, diffValues, type RenderedStack } from "../scripts/diff/plan-diff";
import { REPLACE_ON_CHANGE, replacingPaths } from "../scripts/diff/replace-on-change";
import { isCodeChange, touchedStacks } from "../scripts/diff/touched-stacks";
import type { Plan, PlanResource } from "../scripts/render/report";

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "render-diff", "openhexa-plan.json"), "utf8")) as Plan;
const HUB_VALUES = "singleuser:\n  cpu:\n    guarantee: 0.05\n    limit: 4\n  memory:\n    guarantee: 512M\n    limit: 32G\n";

function rendered(edit: (plan: Plan) => void = () => {}, hubValues = HUB_VALUES): RenderedStack {
  const plan = structuredClone(fixture);
  edit(plan);
  return { plan, hubValues };
}

function resource(plan: Plan, name: string): PlanResource {
  const found = plan.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no ${name} in the fixture`);
  return found;
}

/** Sets one input of a fixture resource by its path, such as "nodeConfig.taints[1].value". */
function setInput(plan: Plan, name: string, inputPath: string, value: unknown): void {
  const keys = inputPath.split(/\.|\[(\d+)\]\.?/).filter((key) => key !== undefined && key !== "");
  let node = resource(plan, name).inputs;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (!(last in node)) throw new Error(`${name} has no input ${inputPath}`);
  node[last] = value;
}

describe("a size change", () => {
  it("re-creates a DigitalOcean node pool, whose droplet size is ForceNew", () => {
    const diff = diffStack(
      "s",
      rendered(),
      rendered((p) => setInput(p, "pipalhub-cluster-users", "size", "s-8vcpu-16gb")),
    );
    expect(diff.updates).toHaveLength(1);
    expect(diff.updates[0]!.replacedBy).toEqual(["size"]);
    expect(diff.updates[0]!.changes).toEqual([{ path: "size", before: "s-4vcpu-8gb", after: "s-8vcpu-16gb" }]);
    expect(stackMarkdown(diff)).toMatch(/KubernetesNodePool` pipalhub-cluster-users — \*\*replacement\*\*/);
    expect(stackMarkdown(diff)).toContain("| `size` **(forces replacement)** | `s-4vcpu-8gb` | `s-8vcpu-16gb` |");
  });

  it("updates a GKE pool's machine type and autoscaling limits in place", () => {
    const diff = diffStack(
      "s",
      rendered(),
      rendered((p) => {
        setInput(p, "openhexa-cluster-users", "nodeConfig.machineType", "e2-highmem-4");
        setInput(p, "openhexa-cluster-users", "autoscaling.totalMaxNodeCount", 20);
      }),
    );
    expect(diff.updates[0]!.changes.map((c) => c.path)).toEqual(["autoscaling.totalMaxNodeCount", "nodeConfig.machineType"]);
    expect(diff.updates[0]!.replacedBy).toEqual([]);
    expect(diff.warnings).toEqual([]);
    expect(stackMarkdown(diff)).not.toContain("replacement");
  });
});

describe("a pool taint change", () => {
  const retaint = (p: Plan) => setInput(p, "openhexa-cluster-gpu-users", "nodeConfig.taints[1].value", "nvidia");

  it("is an in-place update on GKE (node_config.taint is not ForceNew in the provider)", () => {
    const diff = diffStack("s", rendered(), rendered(retaint));
    expect(diff.updates[0]!.changes).toEqual([{ path: "nodeConfig.taints[1].value", before: "true", after: "nvidia" }]);
    expect(diff.updates[0]!.replacedBy).toEqual([]);
  });

  it("with a new GPU type on the same pool becomes a replacement of that pool", () => {
    const diff = diffStack(
      "s",
      rendered(),
      rendered((p) => {
        retaint(p);
        setInput(p, "openhexa-cluster-gpu-users", "nodeConfig.guestAccelerators[0].type", "nvidia-l4");
      }),
    );
    expect(diff.updates[0]!.replacedBy).toEqual(["nodeConfig.guestAccelerators"]);
    const markdown = stackMarkdown(diff);
    expect(markdown).toContain("| `nodeConfig.guestAccelerators[0].type` **(forces replacement)** |");
    expect(markdown).toContain("| `nodeConfig.taints[1].value` | `true` | `nvidia` |");
  });

  it("on the cluster's service account replaces the cluster, flagged at the top as stateful", () => {
    const diff = diffStack(
      "s",
      rendered(),
      rendered((p) => setInput(p, "openhexa-cluster-cluster", "nodeConfig.serviceAccount", "other@x.iam.gserviceaccount.com")),
    );
    expect(diff.warnings.map((w) => [w.kind, w.resource.name, w.stateful])).toEqual([["replace", "openhexa-cluster-cluster", true]]);
    const markdown = stackMarkdown(diff);
    expect(markdown.indexOf("[!CAUTION]")).toBeLessThan(markdown.indexOf("to create"));
    expect(markdown).toMatch(/\*\*REPLACES\*\* stateful `gcp:container\/cluster:Cluster` openhexa-cluster-cluster/);
  });
});

describe("a new tenant", () => {
  it("creates every resource and shows the whole hub values as added", () => {
    const diff = diffStack("newco", undefined, rendered());
    expect(diff.status).toBe("new");
    expect(diff.creates).toHaveLength(fixture.resources.length);
    expect(diff.updates.length + diff.deletes.length + diff.warnings.length).toBe(0);
    expect(diff.hubValues[0]).toBe("@@ -1,0 +1,7 @@");
    expect(diff.hubValues.slice(1).every((line) => line.startsWith("+"))).toBe(true);
    expect(stackMarkdown(diff)).toContain("## Stack `newco` (new tenant)");
  });
});

describe("a removed tenant", () => {
  it("deletes everything, and flags the protected database and the stateful cluster first", () => {
    const diff = diffStack("gone", rendered(), undefined);
    expect(diff.status).toBe("removed");
    expect(diff.deletes).toHaveLength(fixture.resources.length);
    const flagged = diff.warnings.map((w) => `${w.kind} ${w.resource.name} protect=${w.protect} stateful=${w.stateful}`).sort();
    expect(flagged).toEqual([
      "delete openhexa-cluster-cluster protect=false stateful=true",
      "delete openhexa-database-instance protect=true stateful=true",
      "delete openhexa-namespace protect=false stateful=true",
    ]);
    const markdown = stackMarkdown(diff);
    expect(markdown).toMatch(/\*\*DELETES\*\* protected, stateful `gcp:sql\/databaseInstance:DatabaseInstance`/);
    expect(markdown).toContain("Merging does not destroy it");
  });
});

describe("a hub values change", () => {
  it("shows a unified diff of hub-values.yaml and points the release update to it", () => {
    const after = rendered(
      (p) => setInput(p, "openhexa-hub-release", "values.singleuser.memory.limit", "16G"),
      HUB_VALUES.replace("limit: 32G", "limit: 16G"),
    );
    const diff = diffStack("s", rendered(), after);
    expect(diff.hubValues).toEqual([
      "@@ -4,4 +4,4 @@",
      "     limit: 4",
      "   memory:",
      "     guarantee: 512M",
      "-    limit: 32G",
      "+    limit: 16G",
    ]);
    expect(diff.updates[0]!.changes).toEqual([{ path: "values", before: "(see the hub values diff)", after: "(see the hub values diff)" }]);
    expect(stackMarkdown(diff)).toContain("```diff\n@@ -4,4 +4,4 @@");
    // The helm Release has no entry in the table, and the summary says so.
    expect(stackMarkdown(diff)).toContain("_No replace-on-change facts for this type");
  });
});

describe("a value that only a deployment knows", () => {
  it("makes a replace-on-change field a possible replacement, flagged but not asserted", () => {
    const diff = diffStack(
      "s",
      rendered(),
      rendered((p) => setInput(p, "openhexa-database-instance", "region", "<organization/hubfleet/cluster.gcpRegion>")),
    );
    expect(diff.updates[0]!.replacedBy).toEqual([]);
    expect(diff.updates[0]!.mayBeReplacedBy).toEqual(["region"]);
    expect(diff.warnings.map((w) => w.kind)).toEqual(["may-replace"]);
    const markdown = stackMarkdown(diff);
    expect(markdown).toContain("openhexa-database-instance — **possible replacement**");
    expect(markdown).toMatch(/\*\*MAY REPLACE\*\* protected, stateful `gcp:sql\/databaseInstance:DatabaseInstance`/);
    expect(counts(diff)).toBe("0 to create, 1 to update, 0 to delete");
  });

  it("does not soften a change between two known values", () => {
    const diff = diffStack(
      "s",
      rendered(),
      rendered((p) => setInput(p, "openhexa-database-instance", "region", "europe-west4")),
    );
    expect(diff.updates[0]!.replacedBy).toEqual(["region"]);
    expect(diff.updates[0]!.mayBeReplacedBy).toEqual([]);
  });
});

describe("other changes a reviewer must see", () => {
  it("an unchanged stack says so", () => {
    const diff = diffStack("s", rendered(), rendered());
    expect(diff.status).toBe("unchanged");
    expect(stackMarkdown(diff)).toContain("No change");
  });

  it("a resource whose URN moves is flagged: Pulumi deletes and re-creates it without an alias", () => {
    const diff = diffStack(
      "s",
      rendered(),
      rendered((p) => {
        const instance = resource(p, "openhexa-database-instance");
        instance.urn = instance.urn.replace("hubfleet:database:CloudSql", "hubfleet:database:Postgres");
      }),
    );
    expect(diff.warnings.map((w) => w.kind)).toEqual(["moved"]);
    expect(diff.warnings[0]!.detail).toContain("hubfleet:database:Postgres");
  });

  it("dropping protect is a field change of its own", () => {
    const diff = diffStack(
      "s",
      rendered(),
      rendered((p) => (resource(p, "openhexa-database-instance").protect = false)),
    );
    expect(diff.updates[0]!.changes).toEqual([{ path: "(protect)", before: true, after: false }]);
  });

  it("changed stack outputs are listed", () => {
    const diff = diffStack(
      "s",
      rendered(),
      rendered((p) => (p.outputs.clusterName = "renamed")),
    );
    expect(diff.outputs).toEqual([{ path: "clusterName", before: fixture.outputs.clusterName, after: "renamed" }]);
  });
});

describe("field differences", () => {
  it("reach the leaves of objects and lists that appear or go", () => {
    expect(diffValues({ a: { b: 1 } }, { a: { b: 1, c: [1, { d: 2 }] } })).toEqual([
      { path: "a.c[0]", before: undefined, after: 1 },
      { path: "a.c[1].d", before: undefined, after: 2 },
    ]);
    expect(diffValues({ a: "x" }, { a: { b: 1 } })).toEqual([{ path: "a", before: "x", after: { b: 1 } }]);
    expect(diffValues([1, 2], [1])).toEqual([{ path: "[1]", before: 2, after: undefined }]);
  });
});

describe("the replace-on-change table", () => {
  it("gives every entry a source and matches a field or its children, not its siblings", () => {
    for (const [type, rule] of Object.entries(REPLACE_ON_CHANGE)) {
      expect(rule.source.length, type).toBeGreaterThan(10);
      expect(rule.paths.length, type).toBeGreaterThan(0);
    }
    expect(replacingPaths("kubernetes:core/v1:Secret", ["metadata.labels.team"])).toEqual([]);
    expect(replacingPaths("kubernetes:core/v1:Secret", ["metadata.name"])).toEqual(["metadata.name"]);
    expect(replacingPaths("kubernetes:apps/v1:StatefulSet", ["spec.volumeClaimTemplates[0].spec.resources.requests.storage"])).toEqual([
      "spec.volumeClaimTemplates",
    ]);
    expect(replacingPaths("gcp:container/nodePool:NodePool", ["nodeConfig.metadataX"])).toEqual([]);
    expect(replacingPaths("unknown:type:T", ["name"])).toEqual([]);
  });
});

describe("the stacks a change touches", () => {
  const stacks = ["dev", "habari-cluster", "pipalhub"];

  it("a stack file touches only its stack", () => {
    expect(touchedStacks(["Pulumi.pipalhub.yaml", "README.md"], stacks, stacks)).toEqual([{ stack: "pipalhub", change: "changed" }]);
  });

  it("code touches every stack, old and new", () => {
    expect(touchedStacks(["components/hub/values.ts"], stacks, [...stacks, "newco"]).map((t) => `${t.stack}:${t.change}`)).toEqual([
      "dev:changed",
      "habari-cluster:changed",
      "newco:added",
      "pipalhub:changed",
    ]);
  });

  it("added and removed stack files are new and removed tenants", () => {
    expect(touchedStacks(["Pulumi.newco.yaml", "Pulumi.dev.yaml"], stacks, ["habari-cluster", "pipalhub", "newco"])).toEqual([
      { stack: "dev", change: "removed" },
      { stack: "newco", change: "added" },
    ]);
  });

  it("tests, docs and workflows change no render", () => {
    for (const file of ["test/x.test.ts", "docs/ci.md", ".github/workflows/deploy.yml", "scripts/ci/x.sh", "scripts/diff/markdown.ts"])
      expect(isCodeChange(file), file).toBe(false);
    for (const file of ["index.ts", "package-lock.json", "scripts/render/report.ts", "Pulumi.yaml", "stacks/tenant.ts"])
      expect(isCodeChange(file), file).toBe(true);
  });
});

describe("the line diff and the combined summary", () => {
  it("numbers hunks like diff -u and separates distant changes", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n");
    const after = before.replace("line 2\n", "line two\n").replace("line 18", "line eighteen");
    const hunks = unifiedLineDiff(before, after, 1).filter((l) => l.startsWith("@@"));
    expect(hunks).toEqual(["@@ -1,3 +1,3 @@", "@@ -17,3 +17,3 @@"]);
    expect(unifiedLineDiff(before, before)).toEqual([]);
  });

  it("keeps the comment under budget and names the stacks left out", () => {
    const big = diffStack("big", undefined, rendered());
    const small = diffStack(
      "small",
      rendered(),
      rendered((p) => setInput(p, "pipalhub-cluster-users", "size", "s-8vcpu-16gb")),
    );
    const text = combinedMarkdown([small, big], "origin/main", 1_500);
    expect(text.length).toBeLessThan(1_700);
    expect(text).toContain("| `small` | changed | 0 to create, 1 to update (1 by replacement), 0 to delete |");
    expect(text).toContain("`big` are in the workflow's `render-diff` artifact");
  });

  it("lists every flagged resource of every stack at the very top", () => {
    const removed = diffStack("gone", rendered(), undefined);
    const text = combinedMarkdown([diffStack("same", rendered(), rendered()), removed], "origin/main");
    expect(text.split("\n").slice(2, 4)).toEqual(["> [!CAUTION]", "> Protected or stateful resources deleted, replaced or moved:"]);
    expect(text).toMatch(
      /> - `gone`: \*\*DELETES\*\* protected, stateful `gcp:sql\/databaseInstance:DatabaseInstance` openhexa-database-instance/,
    );
    expect(text.indexOf("[!CAUTION]")).toBeLessThan(text.indexOf("| stack | change |"));
  });
});
