/**
 * The dashboard's PostgreSQL store against Debian's PostgreSQL 15 on loopback:
 * a throw-away cluster, a login that owns its database (as the estate makes
 * them), the tables created at start, data kept across a reconnect.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../images/dashboard/src/store-postgres";

const run = promisify(execFile);
const BIN = "/usr/lib/postgresql/15/bin";
const missing = !fs.existsSync(path.join(BIN, "initdb"));
const asRoot = process.getuid?.() === 0;

/** As root, PostgreSQL's programs run as the postgres user (initdb refuses root). */
async function pgUser(): Promise<{ uid: number; gid: number } | Record<string, never>> {
  if (!asRoot) return {};
  const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

describe.skipIf(missing && !process.env.CI)("the dashboard's PostgreSQL store", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-dashboard-pg-"));
  const dataDir = path.join(dir, "data");
  let server: ChildProcess | undefined;
  let url = "";

  beforeAll(async () => {
    const user = await pgUser();
    if (asRoot) await run("chown", ["-R", "postgres:postgres", dir]);
    fs.chmodSync(dir, 0o755);
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    await run(path.join(BIN, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], {
      ...user,
      cwd: dir,
    });
    const args = ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-k", dir, "-c", "fsync=off"];
    server = spawn(path.join(BIN, "postgres"), args, { ...user, cwd: dir, stdio: "ignore" });
    const psql = (sql: string) =>
      run(
        "/usr/bin/psql",
        ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql],
        { ...user, cwd: dir },
      );
    for (let attempt = 0; ; attempt++) {
      try {
        await psql("SELECT 1");
        break;
      } catch (error) {
        if (attempt > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // Like the estate's logins: no superuser, owner of its own database only.
    await psql("CREATE ROLE dashboard LOGIN PASSWORD 'dashboard-test-password' NOSUPERUSER NOCREATEDB NOCREATEROLE");
    await psql("CREATE DATABASE dashboard OWNER dashboard");
    url = `postgresql://dashboard:dashboard-test-password@127.0.0.1:${port}/dashboard`;
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      // Fast shutdown; a cluster this small stops in well under a second.
      server.kill("SIGINT");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps events and the latest notebook per user and path across a reconnect, and filters on any field", async () => {
    const first = await PostgresStore.open(url);
    const saved = await first.record(
      { type: "save-notebook", user: "bala", filename: "day1.ipynb", path: "w1/day1.ipynb", timestamp: "2026-01-05T10:00:00.511Z" },
      { cells: [{ cell_type: "code", source: "v1" }] },
    );
    expect(saved).toEqual({
      id: 1,
      type: "save-notebook",
      user: "bala",
      filename: "day1.ipynb",
      path: "w1/day1.ipynb",
      timestamp: "2026-01-05T10:00:00.511Z",
    });
    await first.record(
      { type: "save-notebook", user: "bala", filename: "day1.ipynb", path: "w1/day1.ipynb", timestamp: "2026-01-05T10:05:00.000Z" },
      { cells: [{ cell_type: "code", source: "v2" }] },
    );
    await first.record({
      type: "open",
      user: "ada'; DROP TABLE dashboard_events; --",
      filename: "x",
      path: "x",
      timestamp: "2026-01-05T10:06:00.000Z",
    });
    await first.close();

    const second = await PostgresStore.open(url);
    try {
      expect((await second.listEvents({})).map((event) => event.id)).toEqual([1, 2, 3]);
      expect((await second.listEvents({ user: "bala", type: "save-notebook" })).map((event) => event.id)).toEqual([1, 2]);
      expect((await second.listEvents({ timestamp: "2026-01-05T10:00:00.511Z" })).map((event) => event.id)).toEqual([1]);
      expect((await second.listEvents({ id: "3" }))[0]?.user).toBe("ada'; DROP TABLE dashboard_events; --");
      expect(await second.listNotebooks()).toEqual([{ user: "bala", path: "w1/day1.ipynb", savedAt: "2026-01-05T10:05:00.000Z" }]);
      expect((await second.getNotebook("bala", "w1/day1.ipynb"))?.notebook).toEqual({ cells: [{ cell_type: "code", source: "v2" }] });
      expect(await second.getNotebook("ada", "x")).toBeUndefined();
    } finally {
      await second.close();
    }
  });
});
