/**
 * Who is calling, as the hub says: a token checked against the hub's
 * `/hub/api/user` (participants' servers post with their user's token), and the
 * hub OAuth code flow for instructors' browsers. The hub's authorize page refuses
 * users without the service's access scope; the dashboard checks it again.
 */
import { createHash } from "node:crypto";

/** The hub's model of the token's owner (fields vary with the token's scopes). */
export interface HubIdentity {
  readonly kind: string;
  readonly name: string;
  readonly admin?: boolean;
  readonly scopes?: readonly string[];
}

/** Whether this identity may open the dashboard: a user holding one of the access scopes. */
export function mayOpen(identity: HubIdentity, accessScopes: readonly string[]): boolean {
  return identity.kind === "user" && (identity.scopes ?? []).some((scope) => accessScopes.includes(scope));
}

/** The hub's authorize URL for this client, with the state that ties the callback to the request. */
export function authorizeRedirect(args: { authorizeUrl: string; clientId: string; redirectUri: string; state: string }): string {
  const query = new URLSearchParams({ client_id: args.clientId, redirect_uri: args.redirectUri, response_type: "code", state: args.state });
  return `${args.authorizeUrl}?${query.toString()}`;
}

type Fetch = typeof fetch;

/** Token checks are cached briefly: servers autosave every few seconds. */
const CACHE_MS = 60_000;
const HUB_TIMEOUT_MS = 5_000;

export class HubClient {
  private readonly cache = new Map<string, { identity: HubIdentity | undefined; until: number }>();

  constructor(
    private readonly apiUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly fetchImpl: Fetch = fetch,
  ) {}

  /** The token's owner, or undefined when the hub does not know the token. Throws when the hub is unreachable. */
  async identify(token: string, now = Date.now()): Promise<HubIdentity | undefined> {
    const key = createHash("sha256").update(token).digest("hex");
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.identity;
    const response = await this.fetchImpl(`${this.apiUrl}/user`, {
      headers: { Authorization: `token ${token}` },
      signal: AbortSignal.timeout(HUB_TIMEOUT_MS),
    });
    let identity: HubIdentity | undefined;
    if (response.ok) {
      const body = (await response.json()) as Partial<HubIdentity>;
      if (typeof body.name === "string" && typeof body.kind === "string") identity = body as HubIdentity;
    } else if (response.status !== 401 && response.status !== 403) {
      throw new Error(`the hub answered ${response.status} to a token check`);
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { identity, until: now + CACHE_MS });
    return identity;
  }

  /** Trades an OAuth code for the user's token, or undefined when the hub refuses it. */
  async exchangeCode(code: string, redirectUri: string): Promise<string | undefined> {
    const response = await this.fetchImpl(`${this.apiUrl}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri,
        client_id: this.clientId,
        client_secret: this.clientSecret,
      }).toString(),
      signal: AbortSignal.timeout(HUB_TIMEOUT_MS),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { access_token?: unknown };
    return typeof body.access_token === "string" ? body.access_token : undefined;
  }
}

/** The token in an `Authorization: token <t>` or `Bearer <t>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? "");
  return match?.[1];
}
