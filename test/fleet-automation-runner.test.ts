/**
 * The real runner's parts that run without a Pulumi CLI: counting resources from
 * engine events, and failing clearly (per stack, not the whole fleet) when the CLI is missing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterEach, describe, expect, it } from "vitest";
import { AutomationRunner } from "../scripts/fleet/automation-runner";
import { ResourceTally } from "../scripts/fleet/resource-tally";

let sequence = 0;
const metadata = (urn: string) => ({ op: "create" as const, urn, type: "random:index/randomPassword:RandomPassword", provider: "" });
const pre = (urn: string): EngineEvent => ({ sequence: ++sequence, timestamp: 0, resourcePreEvent: { metadata: metadata(urn) } });
const outputs = (urn: string): EngineEvent => ({ sequence: ++sequence, timestamp: 0, resOutputsEvent: { metadata: metadata(urn) } });
const failed = (urn: string): EngineEvent => ({
  sequence: ++sequence,
  timestamp: 0,
  resOpFailedEvent: { metadata: metadata(urn), status: 1, steps: 1 },
});
const diagnostic: EngineEvent = { sequence: 0, timestamp: 0, diagnosticEvent: { message: "hello", color: "never", severity: "info" } };

describe("counting resources from engine events", () => {
  it("counts a resource as known when its step starts and done when its outputs or failure arrive", () => {
    const tally = new ResourceTally();
    expect(tally.progress).toEqual({ done: 0 });
    expect(tally.observe(pre("a"))).toBe(true);
    tally.observe(pre("b"));
    tally.observe(pre("c"));
    expect(tally.observe(diagnostic)).toBe(false);
    tally.observe(outputs("a"));
    tally.observe(failed("b"));
    expect(tally.progress).toEqual({ done: 2, total: 3 });
    expect(tally.observe(outputs("a"))).toBe(false);
  });

  it("takes the backend's last count as the total until the run announces more", () => {
    const tally = new ResourceTally(2);
    expect(tally.progress).toEqual({ done: 0, total: 2 });
    for (const urn of ["a", "b", "c"]) tally.observe(pre(urn));
    expect(tally.progress).toEqual({ done: 0, total: 3 });
  });
});

describe("the Automation API runner", () => {
  const path0 = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path0;
  });

  it("fails the stack with a clear message when the Pulumi CLI is not on PATH", async () => {
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-empty-path-"));
    const runner = new AutomationRunner(path.resolve(__dirname, ".."));
    const hooks = { onProgress: () => {}, onOutput: () => {} };
    await expect(runner.run("dev", "preview", hooks)).rejects.toThrow(/the Pulumi CLI did not run.*ENOENT/);
  });
});
