/**
 * The hub's login, as chart values: which authenticator, who is an admin, who may
 * log in. Secrets (OAuth client secrets, the dummy password) never appear here:
 * they reach the hub as environment variables from the tenant's auth Secret, and
 * a few lines of hub config read them.
 */
import type { AuthSpec } from "./spec";

/** Keys of the auth Secret and the hub environment variables that carry them. */
export const AUTH_SECRET_KEYS = {
  clientSecret: "oauth-client-secret",
  dummyPassword: "dummy-password",
} as const;

const CLIENT_SECRET_ENV = "HUBFLEET_OAUTH_CLIENT_SECRET";
const DUMMY_PASSWORD_ENV = "HUBFLEET_DUMMY_PASSWORD";

/** The Authenticator class each kind uses, for the hub config keys and the secret-reading config. */
const AUTHENTICATOR_CLASSES = {
  github: { entryPoint: "github", className: "GitHubOAuthenticator" },
  google: { entryPoint: "google", className: "GoogleOAuthenticator" },
  gitlab: { entryPoint: "gitlab", className: "GitLabOAuthenticator" },
  generic: { entryPoint: "generic-oauth", className: "GenericOAuthenticator" },
  dummy: { entryPoint: "dummy", className: "DummyAuthenticator" },
} as const;

export interface AuthValuesInput {
  readonly auth: Exclude<AuthSpec, { kind: "workshop" | "openhexa" }>;
  /** The hub's public name; the OAuth callback is derived from it. */
  readonly hostname?: string;
  /** The Kubernetes Secret holding the keys in AUTH_SECRET_KEYS. */
  readonly authSecretName: string;
}

/** Whether an auth kind has a secret the auth Secret must hold, by key. */
export function authSecretKeys(auth: AuthSpec): string[] {
  if (auth.kind === "dummy") return auth.password ? [AUTH_SECRET_KEYS.dummyPassword] : [];
  if (auth.kind === "workshop" || auth.kind === "openhexa") return [];
  return [AUTH_SECRET_KEYS.clientSecret];
}

function secretEnv(secretName: string, key: string) {
  return { valueFrom: { secretKeyRef: { name: secretName, key } } };
}

/** Partial chart values for `hub` (config, extraEnv, extraConfig) for one auth kind. */
export function authValues(input: AuthValuesInput): { hub: Record<string, unknown> } {
  const { auth, hostname, authSecretName } = input;
  const { entryPoint, className } = AUTHENTICATOR_CLASSES[auth.kind];
  const users = {
    admin_users: [...auth.admins].sort(),
    ...(auth.allowedUsers.length > 0 ? { allowed_users: [...auth.allowedUsers].sort() } : {}),
  };
  const callback = hostname ? { oauth_callback_url: `https://${hostname}/hub/oauth_callback` } : {};

  let classConfig: Record<string, unknown>;
  switch (auth.kind) {
    case "github":
      classConfig = {
        client_id: auth.clientId,
        ...callback,
        ...(auth.allowedOrganizations.length > 0
          ? { allowed_organizations: [...auth.allowedOrganizations].sort(), scope: ["read:org"] }
          : {}),
      };
      break;
    case "google":
      // A hosted domain refuses every account outside it. Without an allow list everyone in
      // the domain may log in (Knowledge Repo's model); with one, only those listed.
      classConfig = {
        client_id: auth.clientId,
        ...callback,
        ...(auth.hostedDomains.length > 0
          ? { hosted_domain: [...auth.hostedDomains].sort(), ...(auth.allowedUsers.length === 0 ? { allow_all: true } : {}) }
          : {}),
      };
      break;
    case "gitlab":
      classConfig = {
        client_id: auth.clientId,
        ...callback,
        gitlab_url: auth.url,
        // GitLab's own default is the full `api` scope. Reading the user is enough to log in;
        // checking group membership needs read_api.
        scope: auth.allowedGroups.length > 0 ? ["read_api", "read_user"] : ["read_user"],
        ...(auth.allowedGroups.length > 0 ? { allowed_gitlab_groups: [...auth.allowedGroups].sort() } : {}),
      };
      break;
    case "generic":
      classConfig = {
        client_id: auth.clientId,
        ...callback,
        login_service: auth.loginService,
        authorize_url: auth.authorizeUrl,
        token_url: auth.tokenUrl,
        userdata_url: auth.userdataUrl,
        username_claim: auth.usernameClaim,
        scope: [...auth.scopes],
        ...(auth.allowAll ? { allow_all: true } : {}),
      };
      break;
    case "dummy":
      // Local only (the schema refuses it elsewhere): without an allow list anyone may log in.
      classConfig = auth.allowedUsers.length === 0 ? { allow_all: true } : {};
      break;
  }

  const secretsFromEnv =
    auth.kind === "dummy"
      ? auth.password
        ? {
            env: { [DUMMY_PASSWORD_ENV]: secretEnv(authSecretName, AUTH_SECRET_KEYS.dummyPassword) },
            config: `c.DummyAuthenticator.password = os.environ["${DUMMY_PASSWORD_ENV}"]`,
          }
        : undefined
      : {
          env: { [CLIENT_SECRET_ENV]: secretEnv(authSecretName, AUTH_SECRET_KEYS.clientSecret) },
          config: `c.${className}.client_secret = os.environ["${CLIENT_SECRET_ENV}"]`,
        };

  return {
    hub: {
      config: {
        JupyterHub: { authenticator_class: entryPoint },
        Authenticator: users,
        [className]: classConfig,
      },
      ...(secretsFromEnv
        ? {
            extraEnv: secretsFromEnv.env,
            extraConfig: { "hubfleet-10-auth-secret": `import os\n${secretsFromEnv.config}\n` },
          }
        : {}),
    },
  };
}
