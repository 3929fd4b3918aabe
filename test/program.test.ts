import { describe, expect, it } from "vitest";
import { installMockRuntime, settle } from "../scripts/render/mock-runtime";
import { ConfigError } from "../stacks/config/load";

describe("the program with a broken config", () => {
  it("names every mistake and registers nothing", async () => {
    const plan = await installMockRuntime({ stack: "broken" });
    const { runProgram } = await import("../stacks/program");
    const values = {
      tenant: { name: "-bad-" },
      cluster: { kind: "local", userPool: { maxNodes: -1 } },
      hub: { auth: { kind: "github", clientId: "id", clientSecret: "plain text" } },
    };
    let error: unknown;
    try {
      runProgram({ values, securePaths: new Set() });
    } catch (caught) {
      error = caught;
    }
    await settle();
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((p) => p.split(": ")[0]);
    expect(keys).toEqual(["hubfleet:cluster.userPool.maxNodes", "hubfleet:hub.auth.clientSecret", "hubfleet:tenant.name"]);
    expect(plan.resources).toEqual([]);
  });
});
