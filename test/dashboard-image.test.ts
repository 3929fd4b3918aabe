/**
 * The dashboard's entry point as its image runs it (`node dist/main.js`, here
 * main.ts through tsx to keep the suite fast): started with only environment
 * variables, healthy on its probe path, and stopped cleanly by SIGTERM as
 * Kubernetes stops a pod.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const MAIN = path.join(ROOT, "images", "dashboard", "src", "main.ts");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

describe("the dashboard image's entry point", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-dashboard-main-"));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("starts from its environment, answers its probe and stops on SIGTERM", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const child = spawn(process.execPath, [TSX, MAIN], {
      env: {
        PATH: process.env.PATH,
        JUPYTERHUB_SERVICE_NAME: "dashboard",
        JUPYTERHUB_SERVICE_PREFIX: "/services/dashboard/",
        JUPYTERHUB_SERVICE_URL: `http://127.0.0.1:${port}`,
        JUPYTERHUB_API_URL: "http://127.0.0.1:9/hub/api",
        JUPYTERHUB_API_TOKEN: "not-used-by-the-probe",
        DASHBOARD_DATA_DIR: dataDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      const started = Date.now();
      while (!output.includes("dashboard dashboard on")) {
        if (child.exitCode !== null || Date.now() - started > 15_000) throw new Error(`the dashboard did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const health = await fetch(`http://127.0.0.1:${port}/services/dashboard/health`);
      expect(health.status).toBe(200);
      expect(fs.existsSync(path.join(dataDir, "notebooks"))).toBe(true);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
