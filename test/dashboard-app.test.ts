/**
 * The dashboard's own logic, without a hub: reports and filters, notebooks as
 * escaped HTML, the file store across a restart, and the HTTP API's answers to
 * each kind of caller. The hub's answers come from a table of tokens (the real hub
 * is in dashboard-e2e.test.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromEnv } from "../images/dashboard/src/config";
import { filterEvents, parseFilter, parseReport, type DashboardEvent } from "../images/dashboard/src/events";
import { HubClient, mayOpen, type HubIdentity } from "../images/dashboard/src/hub-auth";
import { lastCells, notebookToHtml, renderOutput } from "../images/dashboard/src/notebook";
import { createDashboard, type Dashboard } from "../images/dashboard/src/server";
import { FileStore } from "../images/dashboard/src/store";

const NOW = new Date("2026-01-05T10:00:00.000Z");
const nb = (...sources: string[]) => ({ cells: sources.map((source) => ({ cell_type: "code", source, outputs: [] })) });

describe("the dashboard's settings", () => {
  it("name every missing hub variable at once", () => {
    expect(() => configFromEnv({ JUPYTERHUB_SERVICE_NAME: "dashboard" })).toThrow(
      "missing environment: JUPYTERHUB_API_URL, JUPYTERHUB_API_TOKEN, JUPYTERHUB_SERVICE_PREFIX",
    );
  });

  it("follow what the hub gives a service, with defaults for the OAuth client", () => {
    const config = configFromEnv({
      JUPYTERHUB_SERVICE_NAME: "dashboard",
      JUPYTERHUB_SERVICE_PREFIX: "/services/dashboard",
      JUPYTERHUB_API_URL: "http://hub:8081/hub/api/",
      JUPYTERHUB_API_TOKEN: "t",
    });
    expect(config).toMatchObject({
      prefix: "/services/dashboard/",
      host: "0.0.0.0",
      port: 8000,
      hubApiUrl: "http://hub:8081/hub/api",
      clientId: "service-dashboard",
      authorizeUrl: "/hub/api/oauth2/authorize",
      oauthCallbackUrl: "/services/dashboard/oauth_callback",
      accessScopes: ["access:services!service=dashboard", "access:services"],
      dataDir: "/data",
    });
    expect(config.databaseUrl).toBeUndefined();
  });
});

describe("a save report", () => {
  it("belongs to the token's user, named in the body or not", () => {
    const parsed = parseReport({ type: "save-notebook", path: "week1/day1.ipynb", content: nb("1+1") }, "bala", NOW);
    expect(parsed).toEqual({
      ok: true,
      value: {
        event: { type: "save-notebook", user: "bala", filename: "day1.ipynb", path: "week1/day1.ipynb", timestamp: NOW.toISOString() },
        notebook: nb("1+1"),
      },
    });
    expect(parseReport({ type: "save-notebook", path: "a.ipynb", user: "ada" }, "bala", NOW)).toEqual({
      ok: false,
      error: "the token belongs to bala, not ada",
    });
  });

  it("keeps the server's timestamp and refuses bad fields", () => {
    const parsed = parseReport({ type: "t", path: "a.ipynb", timestamp: "2026-01-05T09:59:00.511+01:00" }, "bala", NOW);
    expect(parsed.ok && parsed.value.event.timestamp).toBe("2026-01-05T08:59:00.511Z");
    expect(parseReport({ path: "a.ipynb" }, "bala", NOW)).toEqual({ ok: false, error: "type is required" });
    expect(parseReport({ type: "t", path: "a", timestamp: "yesterday" }, "bala", NOW).ok).toBe(false);
    expect(parseReport({ type: "t", path: "a", content: { cells: "none" } }, "bala", NOW).ok).toBe(false);
    expect(parseReport([], "bala", NOW).ok).toBe(false);
  });
});

describe("the events filter", () => {
  const events: DashboardEvent[] = [
    { id: 1, type: "save-notebook", user: "ada", filename: "a.ipynb", path: "a.ipynb", timestamp: "2026-01-05T10:00:00.000Z" },
    { id: 2, type: "save-notebook", user: "bala", filename: "a.ipynb", path: "x/a.ipynb", timestamp: "2026-01-05T10:01:00.000Z" },
    { id: 3, type: "open", user: "bala", filename: "b.ipynb", path: "b.ipynb", timestamp: "2026-01-05T10:02:00.000Z" },
  ];
  const select = (query: string) => {
    const filter = parseFilter(new URLSearchParams(query));
    if (!filter.ok) throw new Error(filter.error);
    return filterEvents(events, filter.value).map((event) => event.id);
  };

  it("matches every given field, any field", () => {
    expect(select("")).toEqual([1, 2, 3]);
    expect(select("user=bala")).toEqual([2, 3]);
    expect(select("user=bala&filename=a.ipynb")).toEqual([2]);
    expect(select("id=3")).toEqual([3]);
    expect(select("timestamp=2026-01-05T10:00:00.000Z")).toEqual([1]);
  });

  it("refuses a field events do not have", () => {
    expect(parseFilter(new URLSearchParams("colour=red"))).toMatchObject({ ok: false });
  });
});

describe("notebooks as HTML", () => {
  it("escapes participants' code and outputs, and shows HTML outputs as text", () => {
    const html = notebookToHtml(
      {
        cells: [
          {
            cell_type: "code",
            source: ["x = '<script>alert(1)</script>'\n", "x"],
            execution_count: 2,
            outputs: [{ output_type: "execute_result", data: { "text/html": "<img src=x onerror=alert(1)>", "text/plain": "'<b>'" } }],
          },
        ],
      },
      "bala: <day1>",
    );
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("onerror=alert");
    expect(html).toContain("x = &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;\nx");
    expect(html).toContain("&#39;&lt;b&gt;&#39;");
    expect(html).toContain("<title>bala: &lt;day1&gt;</title>");
  });

  it("embeds PNG images but nothing that is not base64", () => {
    expect(renderOutput({ output_type: "display_data", data: { "image/png": "iVBORw0KGgo=\n" } })).toBe(
      '<img class="output" alt="image/png output" src="data:image/png;base64,iVBORw0KGgo=">',
    );
    expect(renderOutput({ output_type: "display_data", data: { "image/png": '" onload="alert(1)', "text/plain": "<Figure>" } })).toBe(
      '<pre class="output">&lt;Figure&gt;</pre>',
    );
  });

  it("strips terminal colours from tracebacks", () => {
    const html = renderOutput({
      output_type: "error",
      ename: "ZeroDivisionError",
      evalue: "division by zero",
      traceback: ["\u001b[0;31mZeroDivisionError\u001b[0m: division by zero"],
    });
    expect(html).toBe('<pre class="output error">ZeroDivisionError: division by zero</pre>');
  });

  it("summarises the last cells that hold something", () => {
    expect(lastCells(nb("a", "", "b", "c", "  "), 2).map((cell) => cell.source)).toEqual(["b", "c"]);
  });
});

describe("the file store", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-dashboard-store-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps events and each user's latest copy of a path across a restart", async () => {
    const first = new FileStore(dir);
    await first.record(
      { type: "save-notebook", user: "bala", filename: "a.ipynb", path: "../../a.ipynb", timestamp: "2026-01-05T10:00:00.000Z" },
      nb("v1"),
    );
    await first.record(
      { type: "save-notebook", user: "bala", filename: "a.ipynb", path: "../../a.ipynb", timestamp: "2026-01-05T10:01:00.000Z" },
      nb("v2"),
    );
    await first.record({ type: "save-notebook", user: "ada", filename: "b.ipynb", path: "b.ipynb", timestamp: "2026-01-05T10:02:00.000Z" });
    fs.appendFileSync(path.join(dir, "events.jsonl"), '{"id": 4, "type": "cut sho');

    const second = new FileStore(dir);
    expect((await second.listEvents({})).map((event) => event.id)).toEqual([1, 2, 3]);
    expect(await second.listNotebooks()).toEqual([{ user: "bala", path: "../../a.ipynb", savedAt: "2026-01-05T10:01:00.000Z" }]);
    expect((await second.getNotebook("bala", "../../a.ipynb"))?.notebook).toEqual(nb("v2"));
    expect(await second.getNotebook("ada", "b.ipynb")).toBeUndefined();
    // The user's path cannot climb out of the store's directory.
    expect(fs.readdirSync(path.join(dir, "notebooks"))).toEqual([`bala--${encodeURIComponent("../../a.ipynb")}.json`]);
    expect((await second.record({ type: "t", user: "bala", filename: "c", path: "c", timestamp: "2026-01-05T10:03:00.000Z" })).id).toBe(4);
  });
});

describe("the dashboard's HTTP API", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-dashboard-api-"));
  const identities: Record<string, HubIdentity> = {
    "participant-token": { kind: "user", name: "bala", scopes: ["access:servers!user=bala"] },
    "instructor-token": { kind: "user", name: "ada", scopes: ["access:services!service=dashboard", "read:users:name!user=ada"] },
    "admin-token": { kind: "user", name: "root", admin: true, scopes: ["access:services", "admin:users"] },
    "service-token": { kind: "service", name: "other", scopes: ["access:services"] },
  };
  const hubCalls: string[] = [];
  const fakeHubFetch = (async (url: string | URL | Request, init?: RequestInit) => {
    hubCalls.push(String(url));
    const token = /^token (.+)$/.exec(String((init?.headers as Record<string, string> | undefined)?.Authorization ?? ""))?.[1] ?? "";
    const identity = identities[token];
    return identity ? Response.json(identity) : new Response("{}", { status: 403 });
  }) as typeof fetch;
  const config = configFromEnv({
    JUPYTERHUB_SERVICE_NAME: "dashboard",
    JUPYTERHUB_SERVICE_PREFIX: "/services/dashboard/",
    JUPYTERHUB_SERVICE_URL: "http://127.0.0.1:0",
    JUPYTERHUB_API_URL: "http://hub.invalid:8081/hub/api",
    JUPYTERHUB_API_TOKEN: "the-service-token",
    JUPYTERHUB_OAUTH_ACCESS_SCOPES: '["access:services!service=dashboard"]',
    DASHBOARD_DATA_DIR: dir,
  });
  let dashboard: Dashboard;
  let base = "";

  beforeAll(async () => {
    dashboard = createDashboard(
      config,
      new FileStore(dir),
      new HubClient(config.hubApiUrl, config.clientId, config.apiToken, fakeHubFetch),
    );
    base = `http://127.0.0.1:${await dashboard.listen()}/services/dashboard/`;
  });
  afterAll(async () => {
    await dashboard.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = (token: string | undefined, body: unknown) =>
    fetch(`${base}api/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `token ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const get = (route: string, token?: string) =>
    fetch(`${base}${route}`, { headers: token ? { Authorization: `token ${token}` } : {}, redirect: "manual" });

  it("stores a participant's save, verified with the hub, and checks each token once a minute at most", async () => {
    const response = await post("participant-token", { type: "save-notebook", path: "day1.ipynb", content: nb("print(1)") });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ id: 1, user: "bala", filename: "day1.ipynb" });
    expect((await post("participant-token", { type: "save-notebook", path: "day1.ipynb" })).status).toBe(201);
    expect(hubCalls.filter((url) => url === "http://hub.invalid:8081/hub/api/user")).toHaveLength(1);
  });

  it("refuses reports without a known user token", async () => {
    expect((await post(undefined, { type: "t", path: "a" })).status).toBe(401);
    expect((await post("forged-token", { type: "t", path: "a" })).status).toBe(401);
    expect((await post("service-token", { type: "t", path: "a" })).status).toBe(403);
    expect((await post("participant-token", { type: "t", path: "a", user: "ada" })).status).toBe(400);
  });

  it("lists events, filtered, to instructors and admins only", async () => {
    const listed = await get("api/events?user=bala&id=2", "instructor-token");
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as DashboardEvent[]).map((event) => event.id)).toEqual([2]);
    expect((await get("api/events", "admin-token")).status).toBe(200);
    expect((await get("api/events", "participant-token")).status).toBe(403);
    expect((await get("api/events")).status).toBe(401);
    expect((await get("api/events?colour=red", "instructor-token")).status).toBe(400);
  });

  it("sends a browser without a session to the hub's authorize page, with state", async () => {
    const response = await get("files/day1.ipynb");
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!, "http://hub.example");
    expect(location.pathname).toBe("/hub/api/oauth2/authorize");
    expect(location.searchParams.get("client_id")).toBe("service-dashboard");
    expect(location.searchParams.get("redirect_uri")).toBe("/services/dashboard/oauth_callback");
    expect(location.searchParams.get("state")).toMatch(/^[\w-]{20,}$/);
    expect((await get("oauth_callback?code=x&state=not-issued")).status).toBe(400);
  });

  it("serves the summary and the export to an instructor, under a strict content policy", async () => {
    const page = await get("files/day1.ipynb", "instructor-token");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain("print(1)");
    const exported = await get("notebooks/bala/day1.ipynb?format=ipynb", "instructor-token");
    expect(await exported.json()).toEqual(nb("print(1)"));
    expect((await get("notebooks/bala/missing.ipynb", "instructor-token")).status).toBe(404);
    expect((await get("health")).status).toBe(200);
  });

  it("lets the hub decide who opens it: the service's access scope, or all services'", () => {
    expect(mayOpen(identities["instructor-token"]!, config.accessScopes)).toBe(true);
    expect(mayOpen(identities["admin-token"]!, config.accessScopes)).toBe(true);
    expect(mayOpen(identities["participant-token"]!, config.accessScopes)).toBe(false);
    expect(mayOpen({ kind: "user", name: "x", scopes: ["access:services!service=other"] }, config.accessScopes)).toBe(false);
  });
});
