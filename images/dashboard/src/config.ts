/**
 * The dashboard's settings, from the environment JupyterHub gives a service
 * (hubfleet sets the same variables on the Deployment: components/services/
 * hub-service-spec.ts, hubServiceEnv) plus its storage.
 */
export interface DashboardConfig {
  readonly serviceName: string;
  /** The path prefix the proxy routes here, `/services/<name>/`. */
  readonly prefix: string;
  readonly host: string;
  readonly port: number;
  /** The hub API, as the service reaches it. */
  readonly hubApiUrl: string;
  /** The service's own token: the OAuth client secret. */
  readonly apiToken: string;
  readonly clientId: string;
  /** The hub's authorize page, as the browser reaches it (a path on the hub's host). */
  readonly authorizeUrl: string;
  readonly oauthCallbackUrl: string;
  /** The scopes that let a user open the dashboard. */
  readonly accessScopes: readonly string[];
  /** PostgreSQL, when set; otherwise files in dataDir. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
}

function withSlash(value: string): string {
  return value.endsWith("/") ? value : `${value}/`;
}

/** Reads the settings; throws naming every missing variable at once. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): DashboardConfig {
  const required = ["JUPYTERHUB_SERVICE_NAME", "JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN", "JUPYTERHUB_SERVICE_PREFIX"] as const;
  const missing = required.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`missing environment: ${missing.join(", ")}`);
  const serviceName = env.JUPYTERHUB_SERVICE_NAME!;
  const prefix = withSlash(env.JUPYTERHUB_SERVICE_PREFIX!);
  const listen = new URL(env.JUPYTERHUB_SERVICE_URL ?? "http://0.0.0.0:8000");
  const baseUrl = withSlash(env.JUPYTERHUB_BASE_URL ?? "/");
  let accessScopes = [`access:services!service=${serviceName}`, "access:services"];
  if (env.JUPYTERHUB_OAUTH_ACCESS_SCOPES) {
    const parsed = JSON.parse(env.JUPYTERHUB_OAUTH_ACCESS_SCOPES) as unknown;
    if (!Array.isArray(parsed) || !parsed.every((scope) => typeof scope === "string")) {
      throw new Error("JUPYTERHUB_OAUTH_ACCESS_SCOPES must be a JSON list of scopes");
    }
    accessScopes = [...parsed, "access:services"];
  }
  return {
    serviceName,
    prefix,
    host: listen.hostname,
    port: Number(listen.port || 80),
    hubApiUrl: env.JUPYTERHUB_API_URL!.replace(/\/+$/, ""),
    apiToken: env.JUPYTERHUB_API_TOKEN!,
    clientId: env.JUPYTERHUB_CLIENT_ID ?? `service-${serviceName}`,
    authorizeUrl: env.JUPYTERHUB_AUTHORIZE_URL ?? `${baseUrl}hub/api/oauth2/authorize`,
    oauthCallbackUrl: env.JUPYTERHUB_OAUTH_CALLBACK_URL ?? `${prefix}oauth_callback`,
    accessScopes,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: env.DASHBOARD_DATA_DIR ?? "/data",
  };
}
