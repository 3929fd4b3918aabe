import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

describe("dependencies", () => {
  it("hold one @pulumi/pulumi, shared by every provider SDK (two copies break resource identity)", () => {
    const root = require.resolve("@pulumi/pulumi");
    for (const provider of ["@pulumi/kubernetes", "@pulumi/gcp", "@pulumi/aws", "@pulumi/digitalocean", "@pulumi/random", "@pulumi/docker-build"]) {
      const providerDir = path.dirname(require.resolve(`${provider}/package.json`));
      expect(require.resolve("@pulumi/pulumi", { paths: [providerDir] }), provider).toBe(root);
    }
  });

  it("pin the provider versions exactly", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { dependencies: Record<string, string> };
    for (const [name, range] of Object.entries(manifest.dependencies).filter(([name]) => name.startsWith("@pulumi/"))) {
      expect(range, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });
});
