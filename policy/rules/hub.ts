/**
 * The hub release: its values (stored by Helm in the release Secret, shown by `helm get
 * values` and in Pulumi's diff) hold no secret, only references; and a login that sends
 * credentials does so over https.
 */
import { at, resourceRule, type HubfleetPolicy } from "../rule";
import { HUB_RELEASE, isJupyterHubRelease } from "./hub-values";

/** Keys whose string value is a credential (compared lowercase, without '_' and '-'). */
const SECRET_KEY = /(secret|password|passwd|token|cryptkey|cryptokey|privatekey|apikey|secretkey)$/;
/** The offline render's stand-in for a secret value: seeing it in values means a secret got there. */
const SECRET_PLACEHOLDER = "[secret]";
/** A secret assigned as a literal in Python config (`c.X.client_secret = "..."`). */
const PYTHON_SECRET_LITERAL = /\b\w*(secret|password|token|key)\w*\s*=\s*(["'])[^"'\n]+\2/i;

function normalise(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, "");
}

/** Every place in the values where a secret is written out; paths as dotted keys. */
export function secretLiterals(values: unknown, path: string[] = []): string[] {
  if (typeof values === "string") {
    if (values === SECRET_PLACEHOLDER) return [`${path.join(".")} holds a secret value`];
    const key = path[path.length - 1] ?? "";
    if (path.includes("extraConfig"))
      return PYTHON_SECRET_LITERAL.test(values) ? [`${path.join(".")} assigns a secret literal in Python`] : [];
    return SECRET_KEY.test(normalise(key)) && values !== "" ? [`${path.join(".")} is a literal credential; use a Secret reference`] : [];
  }
  if (Array.isArray(values)) return values.flatMap((item, index) => secretLiterals(item, [...path, String(index)]));
  if (values !== null && typeof values === "object")
    return Object.entries(values as Record<string, unknown>).flatMap(([key, value]) => secretLiterals(value, [...path, key]));
  return [];
}

/** Logins that send no credential worth protecting: the chart's dummy login is for local clusters only. */
const LOCAL_ONLY_LOGINS = ["dummy", "null"];

/** Whether users log in with something an eavesdropper could reuse (an OAuth code, a password). */
function loginNeedsTls(values: unknown): boolean {
  const authenticator = at(values, "hub", "config", "JupyterHub", "authenticator_class");
  const extraConfig = Object.values((at(values, "hub", "extraConfig") ?? {}) as Record<string, unknown>).map(String);
  const customLogin = extraConfig.some((code) => code.includes("authenticator_class"));
  return customLogin || (authenticator !== undefined && !LOCAL_ONLY_LOGINS.includes(String(authenticator)));
}

function servedOverHttps(values: unknown): boolean {
  const proxyTls = at(values, "proxy", "https", "enabled") === true;
  const ingressTls =
    at(values, "ingress", "enabled") === true &&
    Array.isArray(at(values, "ingress", "tls")) &&
    (at(values, "ingress", "tls") as unknown[]).length > 0;
  return proxyTls || ingressTls;
}

/** URLs in an OAuthenticator's settings that are not https. */
function plainOAuthUrls(values: unknown): string[] {
  const config = (at(values, "hub", "config") ?? {}) as Record<string, unknown>;
  return Object.entries(config)
    .filter(([section]) => section.endsWith("OAuthenticator"))
    .flatMap(([section, settings]) =>
      Object.entries((settings ?? {}) as Record<string, unknown>)
        .filter(
          ([key, value]) => key.endsWith("_url") && typeof value === "string" && !value.startsWith("https://") && !value.startsWith("<"),
        )
        .map(([key, value]) => `hub.config.${section}.${key} is ${String(value)}, not https`),
    );
}

export const hubPolicies: HubfleetPolicy[] = [
  resourceRule({
    name: "hub-no-secret-literal",
    description: "The jupyterhub release values hold no secret, only references to Kubernetes Secrets",
    benchmarks: ["CWE-798 (hard-coded credentials)"],
    types: [HUB_RELEASE],
    check: (r) => (isJupyterHubRelease(r.props) ? secretLiterals(at(r.props, "values"), []) : []),
  }),
  resourceRule({
    name: "hub-login-https",
    description: "An OAuth (or password) login is served only over https, with https OAuth endpoints",
    benchmarks: ["RFC 6749 3.1.2.1 (TLS on the redirection endpoint)", "CWE-319 (cleartext transmission)"],
    types: [HUB_RELEASE],
    check: (r) => {
      if (!isJupyterHubRelease(r.props)) return [];
      const values = at(r.props, "values");
      const problems = plainOAuthUrls(values);
      if (loginNeedsTls(values) && !servedOverHttps(values))
        problems.push("users log in over plain http: neither proxy.https nor a TLS ingress is enabled");
      return problems;
    },
  }),
];
