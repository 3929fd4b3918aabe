/**
 * The workshop dashboard's HTTP server, below the service prefix the hub's proxy
 * routes to it (`/services/<name>/`):
 *
 *   POST api/events                  a participant's server reports a save (the user's hub token)
 *   GET  api/events?<field>=<value>  events, filtered by any field (instructors)
 *   GET  api/stream                  server-sent events, one per save (instructors)
 *   GET  ""                          overview; files/<name>: each participant's last cells;
 *                                    notebooks/<user>/<path>: a participant's notebook as HTML (?format=ipynb: JSON)
 *   GET  oauth_callback              the hub OAuth code flow's return
 *   GET  health                      for the probes
 *
 * Instructors are users holding the service's access scope, signed in through hub
 * OAuth (a browser) or sending their own token (a script).
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type { DashboardConfig } from "./config";
import { parseFilter, parseReport, type DashboardEvent } from "./events";
import { authorizeRedirect, bearerToken, HubClient, mayOpen, type HubIdentity } from "./hub-auth";
import { notebookToHtml } from "./notebook";
import { filePage, indexPage, LIVE_SCRIPT } from "./pages";
import type { DashboardStore } from "./store";

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const SESSION_MS = 8 * 60 * 60 * 1000;
const OAUTH_STATE_MS = 10 * 60 * 1000;
// Anyone can start a sign-in; a flood must not grow the pending ones without bound.
const MAX_PENDING_LOGINS = 10_000;
const SUMMARY_CELLS = 3;
const SESSION_COOKIE = "hubfleet-dashboard-session";

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Dashboard {
  readonly server: http.Server;
  /** Starts listening; resolves with the port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

export function createDashboard(config: DashboardConfig, store: DashboardStore, hub?: HubClient): Dashboard {
  const hubClient = hub ?? new HubClient(config.hubApiUrl, config.clientId, config.apiToken);
  const sessions = new Map<string, { identity: HubIdentity; until: number }>();
  const pendingLogins = new Map<string, { next: string; until: number }>();
  const streams = new Set<http.ServerResponse>();

  function newId(): string {
    return randomBytes(24).toString("base64url");
  }

  function cookies(req: http.IncomingMessage): Map<string, string> {
    const jar = new Map<string, string>();
    for (const part of (req.headers.cookie ?? "").split(";")) {
      const index = part.indexOf("=");
      if (index > 0) jar.set(part.slice(0, index).trim(), decodeURIComponent(part.slice(index + 1).trim()));
    }
    return jar;
  }

  /** The caller, when it may open the dashboard: from the session cookie, else from its own token. */
  async function instructor(req: http.IncomingMessage): Promise<HubIdentity | undefined> {
    const sessionId = cookies(req).get(SESSION_COOKIE);
    const session = sessionId ? sessions.get(sessionId) : undefined;
    if (session && session.until > Date.now()) return session.identity;
    const token = bearerToken(req.headers.authorization);
    if (!token) return undefined;
    const identity = await hubClient.identify(token);
    if (!identity) throw new HttpError(401, "the hub does not know this token");
    if (!mayOpen(identity, config.accessScopes))
      throw new HttpError(403, `${identity.name} may not open the ${config.serviceName} dashboard`);
    return identity;
  }

  function redirectToHub(req: http.IncomingMessage, res: http.ServerResponse): void {
    const state = newId();
    if (pendingLogins.size >= MAX_PENDING_LOGINS) pendingLogins.delete(pendingLogins.keys().next().value!);
    pendingLogins.set(state, { next: req.url ?? config.prefix, until: Date.now() + OAUTH_STATE_MS });
    res.writeHead(302, {
      Location: authorizeRedirect({
        authorizeUrl: config.authorizeUrl,
        clientId: config.clientId,
        redirectUri: config.oauthCallbackUrl,
        state,
      }),
    });
    res.end();
  }

  async function oauthCallback(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): Promise<void> {
    const state = query.get("state") ?? "";
    const pending = pendingLogins.get(state);
    pendingLogins.delete(state);
    const code = query.get("code");
    if (!pending || pending.until < Date.now() || !code)
      throw new HttpError(400, "this sign-in link has expired; open the dashboard again");
    const token = await hubClient.exchangeCode(code, config.oauthCallbackUrl);
    if (!token) throw new HttpError(403, "the hub refused the sign-in");
    const identity = await hubClient.identify(token);
    if (!identity || !mayOpen(identity, config.accessScopes)) {
      throw new HttpError(403, `${identity?.name ?? "this user"} may not open the ${config.serviceName} dashboard`);
    }
    const sessionId = newId();
    sessions.set(sessionId, { identity, until: Date.now() + SESSION_MS });
    const secure = req.headers["x-forwarded-proto"] === "https" ? "; Secure" : "";
    res.writeHead(302, {
      "Set-Cookie": `${SESSION_COOKIE}=${sessionId}; Path=${config.prefix}; HttpOnly; SameSite=Lax; Max-Age=${SESSION_MS / 1000}${secure}`,
      Location: pending.next.startsWith(config.prefix) ? pending.next : config.prefix,
    });
    res.end();
  }

  async function readJson(req: http.IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new HttpError(413, `reports are limited to ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
    } catch {
      throw new HttpError(400, "the body is not JSON");
    }
  }

  async function postEvent(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new HttpError(401, "send the user's hub token: Authorization: token <token>");
    const identity = await hubClient.identify(token);
    if (!identity) throw new HttpError(401, "the hub does not know this token");
    if (identity.kind !== "user") throw new HttpError(403, "only users' servers report saves");
    const report = parseReport(await readJson(req), identity.name, new Date());
    if (!report.ok) throw new HttpError(400, report.error);
    const stored = await store.record(report.value.event, report.value.notebook);
    broadcast(stored);
    sendJson(res, 201, stored);
  }

  function broadcast(event: DashboardEvent): void {
    const message = `data: ${JSON.stringify(event)}\n\n`;
    for (const stream of streams) stream.write(message);
  }

  function openStream(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no" });
    res.write(": connected\n\n");
    streams.add(res);
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 25_000);
    req.on("close", () => {
      clearInterval(heartbeat);
      streams.delete(res);
    });
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://dashboard.invalid");
    if (!url.pathname.startsWith(config.prefix) && `${url.pathname}/` !== config.prefix) throw new HttpError(404, "not found");
    const route = url.pathname.slice(config.prefix.length);
    const method = req.method ?? "GET";

    if (route === "health") return sendText(res, 200, "text/plain", "ok");
    if (route === "static/live.js") return sendText(res, 200, "text/javascript", LIVE_SCRIPT);
    if (route === "oauth_callback") return oauthCallback(req, res, url.searchParams);
    if (route === "api/events" && method === "POST") return postEvent(req, res);
    if (method !== "GET") throw new HttpError(405, "method not allowed");

    const isApi = route.startsWith("api/");
    const viewer = await instructor(req);
    if (!viewer) {
      if (isApi) throw new HttpError(401, "sign in through the hub, or send an instructor's token");
      return redirectToHub(req, res);
    }

    if (route === "api/events") {
      const filter = parseFilter(url.searchParams);
      if (!filter.ok) throw new HttpError(400, filter.error);
      return sendJson(res, 200, await store.listEvents(filter.value));
    }
    if (route === "api/stream") return openStream(req, res);
    if (route === "") {
      const filter = parseFilter(url.searchParams);
      if (!filter.ok) throw new HttpError(400, filter.error);
      const filterText = [...url.searchParams].map(([key, value]) => `${key} = ${value}`).join(", ");
      const page = indexPage({
        prefix: config.prefix,
        viewer: viewer.name,
        notebooks: await store.listNotebooks(),
        events: await store.listEvents(filter.value),
        filterText,
      });
      return sendText(res, 200, "text/html; charset=utf-8", page);
    }
    if (route.startsWith("files/")) {
      const filename = decodeURIComponent(route.slice("files/".length));
      const wanted = (await store.listNotebooks()).filter((stored) => (stored.path.split("/").pop() ?? stored.path) === filename);
      const copies = (await Promise.all(wanted.map((stored) => store.getNotebook(stored.user, stored.path)))).filter(
        (copy) => copy !== undefined,
      );
      copies.sort((a, b) => a.user.localeCompare(b.user));
      return sendText(
        res,
        200,
        "text/html; charset=utf-8",
        filePage({ prefix: config.prefix, viewer: viewer.name, filename, copies, cellCount: SUMMARY_CELLS }),
      );
    }
    if (route.startsWith("notebooks/")) {
      const [user, ...rest] = route.slice("notebooks/".length).split("/").map(decodeURIComponent);
      const copy = user && rest.length > 0 ? await store.getNotebook(user, rest.join("/")) : undefined;
      if (!copy) throw new HttpError(404, "no such notebook");
      if (url.searchParams.get("format") === "ipynb") return sendJson(res, 200, copy.notebook);
      return sendText(
        res,
        200,
        "text/html; charset=utf-8",
        notebookToHtml(copy.notebook, `${copy.user}: ${copy.path} (saved ${copy.savedAt})`),
      );
    }
    throw new HttpError(404, "not found");
  }

  const server = http.createServer((req, res) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Security-Policy", PAGE_CSP);
    route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 503;
      const message = error instanceof HttpError ? error.message : "the dashboard cannot answer now";
      if (!(error instanceof HttpError)) console.error("dashboard:", error);
      if (res.headersSent) return void res.end();
      sendJson(res, status, { status, message });
    });
  });

  // Forget expired sessions and sign-ins now and then.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, value] of sessions) if (value.until < now) sessions.delete(key);
    for (const [key, value] of pendingLogins) if (value.until < now) pendingLogins.delete(key);
  }, 60_000);
  sweep.unref();

  return {
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          const address = server.address();
          resolve(typeof address === "object" && address ? address.port : config.port);
        });
      }),
    close: async () => {
      clearInterval(sweep);
      for (const stream of streams) stream.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  sendText(res, status, "application/json", JSON.stringify(body));
}

function sendText(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
