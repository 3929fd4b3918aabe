import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

describe("dependencies", () => {
  it("hold one @pulumi/pulumi, shared by every provider SDK (two copies break resource identity)", () => {
    const root = require.resolve("@pulumi/pulumi");
    for (const provider of [
      "@pulumi/kubernetes",
      "@pulumi/gcp",
      "@pulumi/aws",
      "@pulumi/digitalocean",
      "@pulumi/random",
      "@pulumi/docker-build",
    ]) {
      const providerDir = path.dirname(require.resolve(`${provider}/package.json`));
      expect(require.resolve("@pulumi/pulumi", { paths: [providerDir] }), provider).toBe(root);
    }
  });

  it("pin the provider versions exactly", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    for (const [name, range] of Object.entries(manifest.dependencies).filter(([name]) => name.startsWith("@pulumi/"))) {
      expect(range, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });
});

describe("the program as `pulumi up` compiles it", () => {
  // Pulumi's runtime reads only tsconfig.pulumi.json's own compilerOptions (not `extends`) over
  // its defaults (ES2020, nodenext): they must state what tsc checks against.
  it("states the target, module and resolution that tsc type-checks with", () => {
    const read = (file: string) =>
      JSON.parse(fs.readFileSync(path.join(__dirname, "..", file), "utf8").replace(/^\s*\/\/.*$/gm, "")) as {
        compilerOptions: Record<string, unknown>;
      };
    const checked = read("tsconfig.json").compilerOptions;
    const runtime = read("tsconfig.pulumi.json").compilerOptions;
    for (const option of ["target", "module", "moduleResolution"]) expect(runtime[option], option).toBe(checked[option]);
    expect(runtime.noCheck).toBe(true);
  });
});
