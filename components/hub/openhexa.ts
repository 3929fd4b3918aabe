/**
 * The `openhexa` login as hub values: the hub trusts the OpenHexa App's session
 * (openhexa_authenticator.py, run as a `hub.extraConfig` entry), asks the App for each
 * user's environment at login and again before every spawn, keeps it encrypted in
 * auth state, and lets the App embed the hub and the notebook servers in an iframe.
 *
 * The per-user environment replaces the tenant-wide one: a tenant with this login
 * gets no shared storage keys and no shared explore login in its notebook servers
 * (OpenHexa never had them), so `keepsTenantNotebookEnv` is false.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { authStateValues, AUTH_STATE_KEY_REF, type SecretKeyRef } from "./auth-state";

/** The authenticator the hub runs, read once from the file beside this one. */
export const OPENHEXA_AUTHENTICATOR_PY = fs.readFileSync(path.join(__dirname, "openhexa_authenticator.py"), "utf8");

/** z2jh runs extraConfig in key order, after hub.config. */
export const OPENHEXA_EXTRA_CONFIG_KEY = "hubfleet-20-openhexa-auth";

/** Where the notebook servers' CSP comes from: a JSON config file jupyter_server loads at start. */
export const SERVER_CSP_CONFIG_PATH = "/usr/local/etc/jupyter/jupyter_server_config.d/hubfleet-csp.json";

/** The App's view of the seed (OA:hexa/notebooks/urls.py). */
export const DEFAULT_CREDENTIALS_PATH = "/notebooks/credentials/";

export interface OpenHexaLoginInput {
  /** The App's address, such as https://app.openhexa.example.org. */
  readonly appUrl: string;
  /** The credentials view's path on the App. */
  readonly credentialsPath?: string;
  /** The App's (Django) session cookie. */
  readonly sessionCookieName?: string;
  /** App usernames who are hub admins. */
  readonly admins: readonly string[];
  /** The auth-state key's Secret (auth-state.ts). */
  readonly cryptKey?: SecretKeyRef;
}

export interface LoginFragment {
  /** Chart values merged over the tenant's base values. */
  readonly values: Record<string, unknown>;
  /** Whether notebook servers still get the tenant-wide storage and explore variables. */
  readonly keepsTenantNotebookEnv: boolean;
}

export function openhexaLoginProblems(input: Pick<OpenHexaLoginInput, "appUrl" | "credentialsPath" | "sessionCookieName">): string[] {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(input.appUrl);
  } catch {
    problems.push(`appUrl ${input.appUrl} is not a URL`);
  }
  if (url && url.protocol !== "https:") problems.push(`appUrl ${input.appUrl} must be https: the App's session cookie is secure-only`);
  if (url && (url.pathname !== "/" || url.search || url.hash))
    problems.push(`appUrl ${input.appUrl} must be the App's origin, without a path`);
  if (input.credentialsPath !== undefined && !input.credentialsPath.startsWith("/"))
    problems.push(`credentialsPath ${input.credentialsPath} must start with /`);
  if (input.sessionCookieName !== undefined && !/^[A-Za-z0-9_-]+$/.test(input.sessionCookieName)) {
    problems.push(`sessionCookieName ${input.sessionCookieName} is not a cookie name`);
  }
  return problems;
}

/** The App's origin, `https://app.example.org`, as browsers compare it. */
export function appOrigin(appUrl: string): string {
  return new URL(appUrl).origin;
}

/** The CSP letting the App (and the page itself) frame the hub and the servers: the seed's policy. */
export function frameAncestorsPolicy(appUrl: string): string {
  return `frame-ancestors 'self' ${appOrigin(appUrl)};`;
}

export function openhexaLoginFragment(input: OpenHexaLoginInput): LoginFragment {
  const problems = openhexaLoginProblems(input);
  if (problems.length > 0) throw new Error(`openhexa login: ${problems.join("; ")}`);
  const origin = appOrigin(input.appUrl);
  const csp = frameAncestorsPolicy(input.appUrl);
  const headers = { "Content-Security-Policy": csp };
  const authState = authStateValues(input.cryptKey ?? AUTH_STATE_KEY_REF) as {
    hub: { extraEnv: Record<string, unknown>; extraConfig: Record<string, string>; config: Record<string, Record<string, unknown>> };
  };

  const values = {
    hub: {
      extraEnv: {
        ...authState.hub.extraEnv,
        APP_URL: origin,
        APP_CREDENTIALS_URL: `${origin}${input.credentialsPath ?? DEFAULT_CREDENTIALS_PATH}`,
      },
      extraConfig: { ...authState.hub.extraConfig, [OPENHEXA_EXTRA_CONFIG_KEY]: OPENHEXA_AUTHENTICATOR_PY },
      config: {
        // hub.config replaces the chart's own tornado_settings: its slow_spawn_timeout is kept here.
        JupyterHub: { tornado_settings: { slow_spawn_timeout: 0, headers } },
        Authenticator: {
          ...authState.hub.config.Authenticator,
          admin_users: [...input.admins].sort(),
          // Whoever the App vouches for may log in (the seed had no allow list): the App decides.
          allow_all: true,
          auto_login: true,
          refresh_pre_spawn: true,
        },
        OpenHexaAppAuthenticator: { session_cookie_name: input.sessionCookieName ?? "sessionid" },
      },
    },
    singleuser: {
      // The seed's notebook image reads its CSP from this variable (and fails without it).
      extraEnv: { CONTENT_SECURITY_POLICY: csp },
      // Any image: jupyter_server sends the header itself, from config it loads at start.
      extraFiles: {
        "hubfleet-csp": { mountPath: SERVER_CSP_CONFIG_PATH, data: { ServerApp: { tornado_settings: { headers } } } },
      },
    },
  };
  return { values, keepsTenantNotebookEnv: false };
}
