/**
 * A throwaway PostgreSQL server for the tests: Debian's server binaries, a data
 * directory in a temporary folder, TCP on 127.0.0.1 at a free port, and its socket in
 * the same folder. Local (socket) connections are trusted, as in the official image;
 * TCP logins need their SCRAM password, as on a managed server.
 * When run as root the server runs as the `postgres` user (initdb refuses root).
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";

/** The newest installed server's binaries, or HUBFLEET_PG_BIN. */
export function postgresBinDir(): string | undefined {
  if (process.env.HUBFLEET_PG_BIN) return process.env.HUBFLEET_PG_BIN;
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0]!, "bin") : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface TestServer {
  readonly bin: string;
  readonly port: number;
  /** The folder holding the server's socket (a libpq host). */
  readonly socketDir: string;
  /** A client connected as the bootstrap superuser over the socket. */
  superuser(database?: string): Promise<Client>;
  /** Runs SQL as the superuser and closes the connection. */
  asSuperuser(sql: string, database?: string): Promise<void>;
  stop(): void;
}

export async function startPostgres(): Promise<TestServer> {
  const bin = postgresBinDir();
  if (!bin)
    throw new Error(
      "no PostgreSQL server under /usr/lib/postgresql (scripts/install-system-deps.sh installs it) and HUBFLEET_PG_BIN is unset",
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-pg-"));
  const data = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  // Asynchronous, so that the caller's own work (rendering a plan) goes on meanwhile.
  const run = (command: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const argv = asRoot ? ["-u", "postgres", "--", command, ...args] : args;
      execFile(asRoot ? "runuser" : command, argv, { encoding: "utf8" }, (error, stdout, stderr) =>
        error ? reject(new Error(`${path.basename(command)} failed: ${stderr || stdout || error.message}`)) : resolve(),
      );
    });
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    fs.chownSync(dir, uid, gid);
  }
  const port = await freePort();
  await run(path.join(bin, "initdb"), [
    "--pgdata",
    data,
    "--username",
    "postgres",
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "--no-sync",
    "--encoding",
    "UTF8",
    "--locale",
    "C",
  ]);
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c full_page_writes=off`;
  await run(path.join(bin, "pg_ctl"), ["--pgdata", data, "--options", options, "--log", path.join(dir, "server.log"), "--wait", "start"]);

  const superuser = async (database = "postgres") => {
    const client = new Client({ host: dir, port, user: "postgres", database });
    await client.connect();
    return client;
  };
  return {
    bin,
    port,
    socketDir: dir,
    superuser,
    async asSuperuser(sql, database) {
      const client = await superuser(database);
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
    stop() {
      spawnSync(asRoot ? "runuser" : path.join(bin, "pg_ctl"), [
        ...(asRoot ? ["-u", "postgres", "--", path.join(bin, "pg_ctl")] : []),
        "--pgdata",
        data,
        "--mode",
        "immediate",
        "stop",
      ]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
