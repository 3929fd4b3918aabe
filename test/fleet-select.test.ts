/**
 * Which stacks the fleet runs: from the stack files (references, protection), by
 * name, by change, and the destroy guard on production stacks.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseFleetArgs } from "../scripts/fleet/args";
import { productionStacksNotNamed } from "../scripts/fleet/destroy-guard";
import { namedStacks, touchedStacks } from "../scripts/fleet/select";
import { describeStack, loadFleet, referencedStack } from "../scripts/fleet/stacks";

const PROJECT_DIR = path.resolve(__dirname, "..");

describe("stacks from their files", () => {
  const fleet = Object.fromEntries(loadFleet(PROJECT_DIR).map((stack) => [stack.name, stack]));

  it("reads the example stacks' references: the Habari tenants on their cluster", () => {
    expect(fleet["habari-cluster"]!.references).toEqual([]);
    expect(fleet["habari-nairobi"]!.references).toEqual(["habari-cluster"]);
    expect(fleet["habari-kisumu"]!.references).toEqual(["habari-cluster"]);
    expect(fleet["dev"]!.references).toEqual([]);
  });

  it("reads protection, production when the file does not say", () => {
    expect(fleet["dev"]!.protection).toBe("disposable");
    expect(fleet["habari-nairobi"]!.protection).toBe("production");
    const unset = describeStack("t", "config:\n  hubfleet:tenant:\n    name: t\n", "hubfleet");
    expect(unset.protection).toBe("production");
    const misspelt = describeStack("t", "config:\n  hubfleet:tenant:\n    protection: disposible\n", "hubfleet");
    expect(misspelt.protection).toBe("production");
  });

  it("resolves a reference only to a stack of this project", () => {
    expect(referencedStack("habari-cluster", "hubfleet")).toBe("habari-cluster");
    expect(referencedStack("organization/habari-cluster", "hubfleet")).toBe("habari-cluster");
    expect(referencedStack("organization/hubfleet/habari-cluster", "hubfleet")).toBe("habari-cluster");
    expect(referencedStack("organization/other-project/habari-cluster", "hubfleet")).toBeUndefined();
  });

  it("finds every stack: key in the config, wherever it sits, and ignores other namespaces", () => {
    const text = [
      "config:",
      "  other:cluster:",
      "    shared: { stack: ignored }",
      "  hubfleet:cluster:",
      "    shared: { stack: organization/hubfleet/c1 }",
      "  hubfleet:storage:",
      "    s3:",
      "      publicBucket: { stack: t1 }",
      "      oidcProvider: { stack: organization/elsewhere/t9 }",
    ].join("\n");
    expect(describeStack("t2", text, "hubfleet").references).toEqual(["c1", "t1"]);
  });
});

describe("choosing stacks", () => {
  const stacks = ["dev", "habari-cluster", "habari-nairobi"];

  it("a stack file touches its own stack; docs, tests, CI and the fleet's own scripts touch none", () => {
    const selection = touchedStacks(
      ["Pulumi.habari-nairobi.yaml", "docs/fleet.md", "test/x.test.ts", ".github/workflows/pr.yml", "scripts/fleet/graph.ts", "README.md"],
      stacks,
    );
    expect(selection.stacks).toEqual(["habari-nairobi"]);
    expect(touchedStacks(["README.md"], stacks)).toMatchObject({ stacks: [], reason: "no change touches a stack" });
  });

  it("a code change touches every stack", () => {
    for (const file of [
      "components/hub/values.ts",
      "stacks/tenant.ts",
      "index.ts",
      "Pulumi.yaml",
      "package-lock.json",
      "components/hub/workshop_authenticator.py",
    ]) {
      expect(touchedStacks(["Pulumi.dev.yaml", file], stacks).stacks).toEqual(stacks);
    }
    expect(touchedStacks(["index.ts"], stacks).reason).toContain("index.ts");
  });

  it("lists a removed stack file apart: there is no file left to run it with", () => {
    expect(touchedStacks(["Pulumi.habari-gone.yaml"], stacks)).toMatchObject({ stacks: [], removed: ["habari-gone"] });
  });

  it("takes named stacks as given and refuses an unknown name", () => {
    expect(namedStacks(["habari-nairobi", "dev"], stacks).stacks).toEqual(["habari-nairobi", "dev"]);
    expect(() => namedStacks(["dev", "nairob"], stacks)).toThrow("no stack file for nairob");
  });
});

describe("the destroy guard", () => {
  const fleet = loadFleet(PROJECT_DIR);
  const all = fleet.map((stack) => stack.name);

  it("refuses every production stack not named one by one", () => {
    expect(productionStacksNotNamed(fleet, all, [])).toEqual(["habari-cluster", "habari-kisumu", "habari-nairobi", "openhexa", "renku"]);
    expect(productionStacksNotNamed(fleet, ["dev", "pipalhub"], [])).toEqual([]);
  });

  it("lets through production stacks named with --stacks", () => {
    expect(productionStacksNotNamed(fleet, ["habari-nairobi", "dev"], ["habari-nairobi", "dev"])).toEqual([]);
  });
});

describe("arguments", () => {
  it("reads the command, selection and parallelism", () => {
    expect(parseFleetArgs(["up", "--stacks", "a, b", "--parallel", "3"])).toMatchObject({ command: "up", stacks: ["a", "b"], parallel: 3 });
    expect(parseFleetArgs(["preview", "--changed-since", "origin/main"])).toMatchObject({
      command: "preview",
      changedSince: "origin/main",
      parallel: 4,
    });
    expect(parseFleetArgs(["--help"])).toMatchObject({ help: true });
  });

  it.each([
    [["deploy"], "unknown command deploy"],
    [[], "name a command"],
    [["up", "--parallel", "0"], "at least 1"],
    [["up", "--parallel", "two"], "whole number"],
    [["up", "--stacks"], "--stacks needs a value"],
    [["up", "--stacks", "a", "--changed-since", "main"], "not both"],
    [["up", "--force"], "unknown argument --force"],
  ])("refuses %j", (argv, message) => {
    expect(() => parseFleetArgs(argv)).toThrow(message);
  });
});
