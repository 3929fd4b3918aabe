/**
 * The workshop dashboard end to end, on loopback: Debian's JupyterHub with
 * configurable-http-proxy from npm, hubfleet's workshop authenticator and the
 * dashboard registered as a service from the chart values the estate's builders
 * produce (test/support/jupyterhub_config_from_values.py applies them as the
 * chart does), a real single-user server, and headless Chromium.
 *
 * What depends on the hub's version (Debian ships 3.0, the chart runs 5.x):
 * - 3.0's jupyterhub-singleuser runs the classic notebook server, which reads
 *   jupyter_notebook_config.py; 5.x images run jupyter_server, which reads
 *   jupyter_server_config.py. The estate mounts the hook under both names, so
 *   this test proves the classic path and the hook's code; the 5.x file is the same.
 * - The access rule holds in both: the default `user` role lacks access:services,
 *   so only the role from hub.loadRoles lets the instructor past the hub's
 *   authorize page, and /hub/api/user reports the token's scopes (2.0 and later).
 * - 3.0 ignores `Authenticator.allow_all` (5.x needs it) and lets every user the
 *   authenticator accepts in; 3.0's login form has no _xsrf field (5.x's has one,
 *   which the browser sends anyway).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeValues } from "../components/hub/values";
import { hashParticipants, workshopHubValues } from "../components/hub/workshop";
import { DASHBOARD_HOOK_ENV, DASHBOARD_HOOK_MOUNTS, workshopDashboard } from "../components/services/dashboard";
import { hubServiceEnv, serviceTokenKey } from "../components/services/hub-service-spec";
import { configFromEnv } from "../images/dashboard/src/config";
import { createDashboard, type Dashboard } from "../images/dashboard/src/server";
import { FileStore } from "../images/dashboard/src/store";

const ROOT = path.resolve(__dirname, "..");
const JUPYTERHUB = "/usr/bin/jupyterhub";
const CHROMIUM = "/usr/bin/chromium";
const CHP = path.join(ROOT, "node_modules", ".bin", "configurable-http-proxy");
const missing = [JUPYTERHUB, "/usr/bin/jupyterhub-singleuser", CHROMIUM, CHP].filter((file) => !fs.existsSync(file));
// CI installs them (scripts/install-system-deps.sh): there a missing one is a failure, not a skip.
const skip = missing.length > 0 && !process.env.CI;

const INSTRUCTOR = { name: "ada", password: "instructor-pass-1" };
const PARTICIPANT = { name: "bala", password: "participant-pass-2" };
const HOST = "127.0.0.1";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

function notebook(text: string) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", id: "intro", metadata: {}, source: "# Day 1" },
      {
        cell_type: "code",
        id: "answer",
        metadata: {},
        execution_count: 1,
        source: `print(${JSON.stringify(text)})`,
        outputs: [{ output_type: "stream", name: "stdout", text: `${text}\n` }],
      },
    ],
  };
}

describe.skipIf(skip)("the workshop dashboard in a real JupyterHub and a real browser", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-dashboard-e2e-"));
  const dataDir = path.join(dir, "dashboard-data");
  const hubLog: string[] = [];
  let hub: ChildProcess | undefined;
  let browser: Browser | undefined;
  let dashboard: Dashboard | undefined;
  let dashboardEnv: Record<string, string> = {};
  let hubUrl = "";
  let participantPage: Page;

  const dashboardPieces = workshopDashboard({
    image: "hubfleet-dashboard:e2e",
    instructors: [INSTRUCTOR.name],
    storage: { kind: "volume", size: "1Gi" },
  });
  const spec = dashboardPieces.spec;

  async function startDashboard(): Promise<Dashboard> {
    const started = createDashboard(configFromEnv(dashboardEnv), new FileStore(dataDir));
    await started.listen();
    return started;
  }

  /** Saves through the single-user server's contents API, as JupyterLab does; the status and how long it took. */
  async function save(page: Page, file: string, content: unknown): Promise<{ status: number; ms: number }> {
    return page.evaluate(
      async ({ url, body }) => {
        // Runs in the page: the classic notebook server wants its _xsrf cookie echoed.
        const cookie = (globalThis as unknown as { document: { cookie: string } }).document.cookie;
        const xsrf = /(?:^|; )_xsrf=([^;]*)/.exec(cookie)?.[1] ?? "";
        const started = performance.now();
        const response = await fetch(url, { method: "PUT", headers: { "Content-Type": "application/json", "X-XSRFToken": xsrf }, body });
        return { status: response.status, ms: performance.now() - started };
      },
      { url: `/user/${PARTICIPANT.name}/api/contents/${file}`, body: JSON.stringify({ type: "notebook", format: "json", content }) },
    );
  }

  async function logIn(page: Page, user: { name: string; password: string }, next: string): Promise<void> {
    await page.goto(`${hubUrl}/hub/login?next=${encodeURIComponent(next)}`);
    await page.fill("#username_input", user.name);
    await page.fill("#password_input", user.password);
    await page.click("#login_submit");
  }

  beforeAll(async () => {
    const [port, hubPort, proxyApiPort, dashboardPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    hubUrl = `http://${HOST}:${port}`;
    // What the chart would generate and keep in its hub Secret.
    const serviceToken = randomBytes(32).toString("hex");

    // The chart values from the estate's builders; only the users file's path is this machine's.
    const usersFile = path.join(dir, "users.json");
    fs.writeFileSync(
      usersFile,
      JSON.stringify(hashParticipants({ [INSTRUCTOR.name]: INSTRUCTOR.password, [PARTICIPANT.name]: PARTICIPANT.password }, "e2e-salt")),
    );
    // The instructor is not a hub admin here, so only the dashboard's role can let her in.
    const values = mergeValues(workshopHubValues({ secretName: "unused-here", admins: [] }), dashboardPieces.hubValues);
    const services = (values.hub as { services: Record<string, Record<string, unknown>> }).services;
    expect(services.dashboard!.url).toBe("http://dashboard:8000");
    // The Service's cluster address becomes the dashboard's loopback address.
    services.dashboard!.url = `http://${HOST}:${dashboardPort}`;
    (values.hub as { config: Record<string, unknown> }).config.WorkshopAuthenticator = { users_file: usersFile };
    fs.writeFileSync(path.join(dir, "values.json"), JSON.stringify(values));

    // The hook as the chart mounts it (singleuser.extraFiles), under a local root.
    const extraFiles = (values.singleuser as { extraFiles: Record<string, { mountPath: string; stringData: string }> }).extraFiles;
    const configDirs = new Set<string>();
    for (const key of Object.keys(DASHBOARD_HOOK_MOUNTS)) {
      const file = path.join(dir, "mounts", extraFiles[key]!.mountPath);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, extraFiles[key]!.stringData);
      configDirs.add(path.dirname(file));
    }
    const hookUrl = new URL((values.singleuser as { extraEnv: Record<string, string> }).extraEnv[DASHBOARD_HOOK_ENV.url]!);
    hookUrl.host = `${HOST}:${dashboardPort}`;

    // The dashboard's environment as the Deployment sets it; the token and addresses resolved as the cluster would.
    dashboardEnv = {};
    for (const variable of hubServiceEnv(spec, { releaseName: "e2e" })) {
      if ("value" in variable) dashboardEnv[variable.name] = variable.value;
      else if (variable.valueFrom.secretKeyRef.key === serviceTokenKey(spec.name)) dashboardEnv[variable.name] = serviceToken;
    }
    expect(dashboardEnv.JUPYTERHUB_API_TOKEN).toBe(serviceToken);
    expect(dashboardEnv.JUPYTERHUB_API_URL).toBe("http://hub:8081/hub/api");
    Object.assign(dashboardEnv, {
      JUPYTERHUB_API_URL: `http://${HOST}:${hubPort}/hub/api`,
      JUPYTERHUB_SERVICE_URL: `http://${HOST}:${dashboardPort}`,
      DASHBOARD_DATA_DIR: dataDir,
    });
    dashboard = await startDashboard();

    hub = spawn(JUPYTERHUB, ["-f", path.join(__dirname, "support", "jupyterhub_config_from_values.py")], {
      cwd: dir,
      detached: true,
      env: {
        ...process.env,
        HUBFLEET_TEST_VALUES: path.join(dir, "values.json"),
        HUBFLEET_TEST_SERVICE_TOKENS: JSON.stringify({ [spec.name]: serviceToken }),
        HUBFLEET_TEST_LOOPBACK: JSON.stringify({
          ip: HOST,
          port,
          hub_port: hubPort,
          proxy_api_port: proxyApiPort,
          proxy_command: [CHP],
          dir,
          spawner_env: { [DASHBOARD_HOOK_ENV.url]: hookUrl.toString(), JUPYTER_CONFIG_PATH: [...configDirs].join(path.delimiter) },
        }),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [hub.stdout!, hub.stderr!]) stream.on("data", (chunk: Buffer) => hubLog.push(chunk.toString()));
    const launched = chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    await waitFor("the hub", async () => ((await fetch(`${hubUrl}/hub/api/`)).ok ? true : undefined), 30_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${hubLog.join("").slice(-3000)}`);
    });
    browser = await launched;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    if (hub?.pid && hub.exitCode === null) {
      const exited = new Promise((resolve) => hub!.once("exit", resolve));
      // The hub and the single-user server share a process group (the spawner's popen_kwargs);
      // the proxy has a session of its own, its pid in the hub's pid file. Everything they
      // keep is in the throw-away directory, so no graceful stop is needed.
      const proxyPidFile = path.join(dir, "jupyterhub-proxy.pid");
      const proxyPid = fs.existsSync(proxyPidFile) ? Number(fs.readFileSync(proxyPidFile, "utf8").trim()) : 0;
      process.kill(-hub.pid, "SIGKILL");
      await exited;
      if (proxyPid > 0) {
        try {
          process.kill(proxyPid, "SIGTERM");
        } catch {
          // Already gone.
        }
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a participant's save reaches the dashboard, which only the instructor can open", async () => {
    const participant = await browser!.newContext();
    participantPage = await participant.newPage();
    await logIn(participantPage, PARTICIPANT, "/hub/spawn");
    await participantPage.waitForURL(/\/user\/bala\/tree/, { timeout: 45_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\n${hubLog.join("").slice(-3000)}`);
    });
    expect((await save(participantPage, "day1.ipynb", notebook("hello from bala"))).status).toBe(201);

    // A fresh reader each time: the store's files are what the dashboard wrote.
    const event = await waitFor("the save event", async () => (await new FileStore(dataDir).listEvents({ user: "bala" }))[0], 10_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${hubLog.join("").slice(-3000)}`);
      },
    );
    expect(event).toMatchObject({ type: "save-notebook", user: "bala", filename: "day1.ipynb", path: "day1.ipynb" });

    // The participant lacks the service's access scope: the hub refuses at its authorize page.
    const refused = await participantPage.goto(`${hubUrl}/services/dashboard/`);
    expect(refused?.status()).toBe(403);
    expect(await participantPage.content()).not.toContain("hello from bala");

    const instructor = await (await browser!.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
    await logIn(instructor, INSTRUCTOR, "/services/dashboard/");
    await instructor.waitForURL(`${hubUrl}/services/dashboard/`);
    await expect(instructor.locator("main").textContent()).resolves.toContain("day1.ipynb");
    await expect(instructor.locator("#events").textContent()).resolves.toContain("bala");

    // Live: a new save shows up without a reload.
    await instructor.waitForSelector("#live:text('live')");
    expect((await save(participantPage, "day2.ipynb", notebook("day two"))).status).toBe(201);
    await instructor.waitForSelector("main a:text('day2.ipynb')", { timeout: 10_000 });

    await instructor.goto(`${hubUrl}/services/dashboard/files/day1.ipynb`);
    await expect(instructor.locator("section[data-user='bala']").textContent()).resolves.toContain("hello from bala");
    fs.mkdirSync(path.join(ROOT, "out"), { recursive: true });
    await instructor.screenshot({ path: path.join(ROOT, "out", "dashboard.png"), fullPage: true });

    const exported = await instructor.goto(`${hubUrl}/services/dashboard/notebooks/bala/day1.ipynb`);
    expect(exported?.status()).toBe(200);
    expect(await instructor.locator("pre.output").first().textContent()).toContain("hello from bala");
  });

  it("a save succeeds at once while the dashboard is down, and the dashboard keeps its data across a restart", async () => {
    await dashboard!.close();
    dashboard = undefined;
    const result = await save(participantPage, "day1.ipynb", notebook("saved while the dashboard was down"));
    expect(result.status).toBe(200);
    expect(result.ms).toBeLessThan(2_000);

    // The hook may still deliver that report once the dashboard is back: only what came before is certain.
    dashboard = await startDashboard();
    const events = await new FileStore(dataDir).listEvents({ user: "bala" });
    expect(events.slice(0, 2).map((event) => event.filename)).toEqual(["day1.ipynb", "day2.ipynb"]);
    const instructor = await (await browser!.newContext()).newPage();
    await logIn(instructor, INSTRUCTOR, "/services/dashboard/files/day1.ipynb");
    await instructor.waitForURL(`${hubUrl}/services/dashboard/files/day1.ipynb`);
    await expect(instructor.locator("section[data-user='bala']").textContent()).resolves.toMatch(
      /hello from bala|saved while the dashboard was down/,
    );
  });
});
