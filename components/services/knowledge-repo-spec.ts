/**
 * The Knowledge Repo add-on as plain data: its pod, Service, NetworkPolicy and the
 * hub-values fragment that puts it behind the hub's proxy at /services/knowledge/.
 * Pure functions of plain inputs; knowledge-repo.ts only wires Outputs into them.
 *
 * The pod runs the web app (images/knowledge-repo) and git-sync as a native
 * sidecar: git-sync publishes each synced commit as the symlink /git/posts, and
 * the app reads the posts there as a plain folder. Secrets reach the pod only by
 * Secret reference: no value in these specs is secret.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { EgressRule, SecretKeyRef } from "../hub/values";
import { kubernetesLabels } from "../naming";
import { HARDENED_CONTAINER } from "../workload";

/** The knowledge-repo release images/knowledge-repo/requirements.txt pins. */
export const KNOWLEDGE_REPO_RELEASE = "0.9.3";
/** git-sync v4, the project's current release; pin a digest in config where you can. */
export const DEFAULT_GIT_SYNC_IMAGE = "registry.k8s.io/git-sync/git-sync:v4.7.1";

export const KNOWLEDGE_REPO_PORT = 7000;
/** git-sync's own HTTP endpoint: 503 until the first sync, then 200; probes only. */
export const GIT_SYNC_HTTP_PORT = 8090;
/** The image's uid (Dockerfile) and git-sync's (its image's /etc/passwd, which ssh needs). */
export const KNOWLEDGE_REPO_UID = 10001;
export const GIT_SYNC_UID = 65533;

const GIT_ROOT = "/git";
const GIT_LINK = "posts";
const GIT_SECRET_DIR = "/etc/git-secret";
const SERVER_CONFIG = "/etc/knowledge-repo/server_config.py";

/** The key of the Secret `knowledgeRepoSecretNames(...).app` for each secret the app reads. */
export const APP_SECRET_KEYS = { secretKey: "KNOWLEDGE_SECRET_KEY", googleClientSecret: "OAUTH_GOOGLE_CLIENT_SECRET" } as const;
/** Keys of the git credential Secret, as git-sync's flags name the files. */
export const GIT_SECRET_KEYS = { sshKey: "ssh", knownHosts: "known_hosts", token: "token" } as const;

export type GitAuth =
  | { readonly kind: "none" }
  /** A deploy key: the private key comes from secure config, the host keys are public facts. */
  | { readonly kind: "ssh"; readonly knownHosts: string }
  /** A token (GitHub, GitLab) sent as the password of `username` over https. */
  | { readonly kind: "token"; readonly username: string };

export interface KnowledgeRepoGit {
  /** The posts repository: https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git. */
  readonly url: string;
  /** Branch, tag or commit; HEAD is the remote's default branch. */
  readonly ref: string;
  /** Seconds between fetches (the seed's cron ran every minute). */
  readonly periodSeconds: number;
  readonly auth: GitAuth;
}

/** knowledge-repo's POLICY_ANONYMOUS_* settings: what a visitor who is not logged in may do. */
export interface AnonymousPolicies {
  readonly viewIndex: boolean;
  readonly viewPost: boolean;
  readonly viewStats: boolean;
  readonly viewTags: boolean;
  readonly downloads: boolean;
}

export const NO_ANONYMOUS_ACCESS: AnonymousPolicies = {
  viewIndex: false,
  viewPost: false,
  viewStats: false,
  viewTags: false,
  downloads: false,
};

export interface KnowledgeRepoSpecInput {
  readonly tenant: string;
  /** The hub's Helm release: its proxy (and hub) pods are the only ones let in. */
  readonly hubReleaseName: string;
  /** The hub's public host name; the app is https://<hostname>/services/<serviceName>/. */
  readonly hostname: string;
  /** The hub service name, and the path under /services/. */
  readonly serviceName: string;
  /** The app's image, a digest reference from the image component. */
  readonly image: string;
  readonly gitSyncImage: string;
  readonly git: KnowledgeRepoGit;
  readonly googleClientId: string;
  readonly allowedDomains: readonly string[];
  readonly anonymous: AnonymousPolicies;
  /** The Secret key holding SQLALCHEMY_DATABASE_URI (postgresql://knowledge:...@host:port/knowledge). */
  readonly databaseUrl: SecretKeyRef;
  /** How the pod reaches its database (from the database component, or databaseEgress). */
  readonly databaseEgress: readonly EgressRule[];
  /** gunicorn workers; each holds a copy of the app. */
  readonly workers: number;
}

/** Names of the objects in the tenant namespace; fixed so that specs stay readable. */
export function knowledgeRepoNames(serviceName: string) {
  const base = `hubfleet-${serviceName}`;
  return { workload: base, appSecret: base, gitSecret: `${base}-git` };
}

export function knowledgeRepoPodLabels(tenant: string, serviceName: string): Record<string, string> {
  return { ...kubernetesLabels(tenant, serviceName), "app.kubernetes.io/name": "knowledge-repo" };
}

/** The path the hub's proxy routes to the app, with both slashes: /services/knowledge/. */
export function servicePrefix(serviceName: string): string {
  return `/services/${serviceName}/`;
}

export function publicUrl(hostname: string, serviceName: string): string {
  return `https://${hostname}${servicePrefix(serviceName)}`;
}

/** The callback to register with the Google OAuth client. */
export function googleRedirectUri(hostname: string, serviceName: string): string {
  return `${publicUrl(hostname, serviceName)}auth/login/google/authorize`;
}

/** The port the git remote listens on: ssh's (22 unless the URL names one) or https's 443. */
export function gitRemotePort(url: string): number {
  const ssh = /^ssh:\/\/(?:[^@/]+@)?(?:\[[^\]]+\]|[^:/]+)(?::(\d+))?\//.exec(url);
  if (ssh) return ssh[1] ? Number(ssh[1]) : 22;
  if (/^[A-Za-z0-9._-]+@[^:/]+:/.test(url)) return 22;
  if (/^https:\/\//.test(url)) {
    const port = /^https:\/\/(?:[^@/]+@)?[^:/]+:(\d+)\//.exec(url);
    return port ? Number(port[1]) : 443;
  }
  throw new Error(`git url ${url} is neither https:// nor ssh`);
}

export function isSshUrl(url: string): boolean {
  return url.startsWith("ssh://") || /^[A-Za-z0-9._-]+@[^:/]+:/.test(url);
}

/**
 * Mistakes in the add-on's settings, keyed by their path under the add-on's config
 * object (`git.url`), for the plan to prefix with its own key; `endpoint.hostname`
 * is the stack's own key (the add-on is served under the hub's name).
 */
export function knowledgeRepoProblems(input: {
  readonly git: KnowledgeRepoGit;
  readonly allowedDomains: readonly string[];
  readonly serviceName: string;
  readonly hostname?: string;
  readonly workers: number;
}): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const { git } = input;
  let port: number | undefined;
  try {
    port = gitRemotePort(git.url);
  } catch {
    problems.push({
      path: "git.url",
      message: "must be an https:// URL or an ssh remote (ssh://git@host/org/repo.git or git@host:org/repo.git)",
    });
  }
  if (/^https:\/\/[^/@]+@/.test(git.url))
    problems.push({ path: "git.url", message: "must not carry credentials; use git.auth and a secure token" });
  if (port !== undefined) {
    const ssh = isSshUrl(git.url);
    if (git.auth.kind === "ssh" && !ssh) problems.push({ path: "git.auth.kind", message: "ssh needs an ssh remote in git.url" });
    if (git.auth.kind === "token" && ssh)
      problems.push({ path: "git.auth.kind", message: "token works over https; use ssh with a deploy key for an ssh remote" });
    if (git.auth.kind === "none" && ssh) problems.push({ path: "git.auth.kind", message: "an ssh remote needs a deploy key (kind ssh)" });
  }
  if (git.auth.kind === "ssh" && !/^\S+\s+(ssh-|ecdsa-)\S+\s+\S+/m.test(git.auth.knownHosts)) {
    problems.push({
      path: "git.auth.knownHosts",
      message:
        "must hold the remote's host keys as known_hosts lines (ssh-keyscan <host>), checked against the provider's published fingerprints",
    });
  }
  if (!Number.isInteger(git.periodSeconds) || git.periodSeconds < 10 || git.periodSeconds > 86_400) {
    problems.push({ path: "git.periodSeconds", message: "must be a whole number of seconds from 10 to 86400" });
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(git.ref) || git.ref.includes(".."))
    problems.push({ path: "git.ref", message: "must be a branch, tag or commit name" });
  if (input.allowedDomains.length === 0)
    problems.push({ path: "login.allowedDomains", message: "must name at least one domain: Google login is limited to them" });
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(input.serviceName) || input.serviceName.length > 40) {
    problems.push({ path: "serviceName", message: "must be a DNS label of at most 40 characters" });
  }
  if (!input.hostname)
    problems.push({
      path: "endpoint.hostname",
      message: "is required: the Knowledge Repo is served with TLS at https://<hostname>/services/<name>/",
    });
  if (!Number.isInteger(input.workers) || input.workers < 1 || input.workers > 8)
    problems.push({ path: "workers", message: "must be a whole number from 1 to 8" });
  return problems;
}

/** git-sync's flags: what to fetch, how often, where to publish it, with which credential. */
export function gitSyncArgs(git: KnowledgeRepoGit): string[] {
  const args = [
    `--repo=${git.url}`,
    `--ref=${git.ref}`,
    `--period=${git.periodSeconds}s`,
    `--root=${GIT_ROOT}`,
    `--link=${GIT_LINK}`,
    "--depth=1",
    "--submodules=off",
    // A failing remote is retried; after ten failures in a row git-sync exits and the restart shows.
    "--max-failures=10",
    // Requests still reading the previous commit finish before its worktree goes.
    "--stale-worktree-timeout=5m",
    `--http-bind=:${GIT_SYNC_HTTP_PORT}`,
  ];
  if (git.auth.kind === "ssh") {
    args.push(
      `--ssh-key-file=${GIT_SECRET_DIR}/${GIT_SECRET_KEYS.sshKey}`,
      `--ssh-known-hosts-file=${GIT_SECRET_DIR}/${GIT_SECRET_KEYS.knownHosts}`,
    );
  } else if (git.auth.kind === "token") {
    args.push(`--username=${git.auth.username}`, `--password-file=${GIT_SECRET_DIR}/${GIT_SECRET_KEYS.token}`);
  }
  return args;
}

function secretEnv(name: string, ref: SecretKeyRef) {
  return { name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } };
}

/** The app's environment: plain settings by value, every secret by Secret reference. */
export function knowledgeRepoEnv(input: KnowledgeRepoSpecInput) {
  const names = knowledgeRepoNames(input.serviceName);
  const flag = (value: boolean) => (value ? "true" : "false");
  const policies: [string, boolean][] = [
    ["VIEW_INDEX", input.anonymous.viewIndex],
    ["VIEW_POST", input.anonymous.viewPost],
    ["VIEW_STATS", input.anonymous.viewStats],
    ["VIEW_TAGS", input.anonymous.viewTags],
    ["DOWNLOADS", input.anonymous.downloads],
  ];
  return [
    secretEnv("SQLALCHEMY_DATABASE_URI", input.databaseUrl),
    secretEnv(APP_SECRET_KEYS.secretKey, { secretName: names.appSecret, key: APP_SECRET_KEYS.secretKey }),
    secretEnv(APP_SECRET_KEYS.googleClientSecret, { secretName: names.appSecret, key: APP_SECRET_KEYS.googleClientSecret }),
    { name: "OAUTH_GOOGLE_CLIENT_ID", value: input.googleClientId },
    { name: "KNOWLEDGE_ALLOWED_DOMAINS", value: input.allowedDomains.join(",") },
    { name: "KNOWLEDGE_PUBLIC_URL", value: publicUrl(input.hostname, input.serviceName) },
    // The app re-reads the checkout as often as git-sync can change it.
    { name: "KNOWLEDGE_INDEXING_INTERVAL", value: String(input.git.periodSeconds) },
    ...policies.map(([name, value]) => ({ name: `KNOWLEDGE_POLICY_ANONYMOUS_${name}`, value: flag(value) })),
    // gunicorn serves the app under the hub proxy's path (it strips it into SCRIPT_NAME).
    { name: "SCRIPT_NAME", value: servicePrefix(input.serviceName).replace(/\/$/, "") },
    // The server config is also gunicorn's: its post_worker_init hook puts the prefix into the
    // app's hard-coded links. Only the hub's proxy can connect (NetworkPolicy), so its
    // X-Forwarded-* headers are trusted.
    { name: "GUNICORN_CMD_ARGS", value: `--config=${SERVER_CONFIG} --forwarded-allow-ips=* --access-logfile=-` },
  ];
}

const appHttpGet = (serviceName: string) => ({ path: `${servicePrefix(serviceName)}health`, port: "http" });

/** The pod: git-sync as a native sidecar the app waits for, then the app; restricted Pod Security. */
export function knowledgeRepoPodSpec(input: KnowledgeRepoSpecInput): k8s.types.input.core.v1.PodSpec {
  const names = knowledgeRepoNames(input.serviceName);
  const readOnly = { ...HARDENED_CONTAINER, readOnlyRootFilesystem: true };
  const gitSync = {
    name: "git-sync",
    image: input.gitSyncImage,
    // A native sidecar (Kubernetes 1.29+): the app starts after its startup probe, i.e. after the first sync.
    restartPolicy: "Always",
    args: gitSyncArgs(input.git),
    ports: [{ name: "git-sync", containerPort: GIT_SYNC_HTTP_PORT }],
    startupProbe: { httpGet: { path: "/", port: "git-sync" }, periodSeconds: 5, failureThreshold: 60 },
    livenessProbe: { httpGet: { path: "/", port: "git-sync" }, periodSeconds: 30, failureThreshold: 3 },
    resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
    securityContext: { ...readOnly, runAsUser: GIT_SYNC_UID, runAsGroup: GIT_SYNC_UID },
    volumeMounts: [
      { name: "git", mountPath: GIT_ROOT },
      { name: "tmp", mountPath: "/tmp", subPath: "git-sync" },
      ...(input.git.auth.kind === "none" ? [] : [{ name: "git-secret", mountPath: GIT_SECRET_DIR, readOnly: true }]),
    ],
  };
  const app = {
    name: "knowledge-repo",
    image: input.image,
    args: [
      `--repo=file://${GIT_ROOT}/${GIT_LINK}`,
      "deploy",
      `--config=${SERVER_CONFIG}`,
      `--port=${KNOWLEDGE_REPO_PORT}`,
      `--workers=${input.workers}`,
    ],
    ports: [{ name: "http", containerPort: KNOWLEDGE_REPO_PORT }],
    env: knowledgeRepoEnv(input),
    // Creating or migrating the schema on a first start takes a while.
    startupProbe: { httpGet: appHttpGet(input.serviceName), periodSeconds: 5, failureThreshold: 36 },
    readinessProbe: { httpGet: appHttpGet(input.serviceName), periodSeconds: 10, failureThreshold: 3 },
    livenessProbe: { httpGet: appHttpGet(input.serviceName), periodSeconds: 30, failureThreshold: 3, timeoutSeconds: 5 },
    resources: { requests: { cpu: "100m", memory: "384Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    securityContext: { ...readOnly, runAsUser: KNOWLEDGE_REPO_UID, runAsGroup: KNOWLEDGE_REPO_UID },
    volumeMounts: [
      { name: "git", mountPath: GIT_ROOT, readOnly: true },
      { name: "tmp", mountPath: "/tmp", subPath: "app" },
    ],
  };
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      // The git volume and the key files are group-readable by git-sync's group.
      fsGroup: GIT_SYNC_UID,
      seccompProfile: { type: "RuntimeDefault" },
    },
    initContainers: [gitSync],
    containers: [app],
    volumes: [
      { name: "git", emptyDir: { sizeLimit: "1Gi" } },
      { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
      ...(input.git.auth.kind === "none" ? [] : [{ name: "git-secret", secret: { secretName: names.gitSecret, defaultMode: 0o440 } }]),
    ],
  };
}

export function knowledgeRepoServiceSpec(
  input: Pick<KnowledgeRepoSpecInput, "tenant" | "serviceName">,
): k8s.types.input.core.v1.ServiceSpec {
  return {
    type: "ClusterIP",
    selector: knowledgeRepoPodLabels(input.tenant, input.serviceName),
    ports: [{ name: "http", port: KNOWLEDGE_REPO_PORT, targetPort: "http", protocol: "TCP" }],
  };
}

/** The chart's labels on the hub's proxy and hub pods (chart 4.x keeps the legacy ones for selectors). */
export function hubPodSelector(hubReleaseName: string, component: "proxy" | "hub") {
  return { podSelector: { matchLabels: { app: "jupyterhub", release: hubReleaseName, component } } };
}

const PRIVATE_AND_LINK_LOCAL = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"];

/**
 * In: only the hub's proxy (the /services/<name>/ route) and the hub (its service
 * health check), on the app's port. Out: DNS, the database, and public addresses on
 * 443 (Google's OAuth endpoints, an https remote) plus the ssh port of an ssh remote.
 */
export function knowledgeRepoNetworkPolicySpec(input: KnowledgeRepoSpecInput): k8s.types.input.networking.v1.NetworkPolicySpec {
  const remotePort = gitRemotePort(input.git.url);
  const publicPorts = [...new Set([443, remotePort])].map((port) => ({ port, protocol: "TCP" }));
  return {
    podSelector: { matchLabels: knowledgeRepoPodLabels(input.tenant, input.serviceName) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      {
        from: [hubPodSelector(input.hubReleaseName, "proxy"), hubPodSelector(input.hubReleaseName, "hub")],
        ports: [{ port: KNOWLEDGE_REPO_PORT, protocol: "TCP" }],
      },
    ],
    egress: [
      {
        to: [
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } },
          ...["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((cidr) => ({ ipBlock: { cidr } })),
        ],
        ports: [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
      },
      ...input.databaseEgress,
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_AND_LINK_LOCAL } }], ports: publicPorts },
    ],
  };
}

/**
 * The chart values that register the app as an external hub service: the proxy
 * routes /services/<name>/ to it and the hub's Services menu lists it. The app
 * does its own Google login, so it asks nothing of hub OAuth. The egress rules let
 * the proxy and the hub reach it even where their policies close private addresses.
 * Merge with mergeValues; concatenate `egress` arrays with other fragments'.
 */
export function knowledgeRepoHubValues(input: {
  readonly tenant: string;
  readonly namespace: string;
  readonly serviceName: string;
}): Record<string, unknown> {
  const toApp = {
    to: [{ podSelector: { matchLabels: knowledgeRepoPodLabels(input.tenant, input.serviceName) } }],
    ports: [{ port: KNOWLEDGE_REPO_PORT, protocol: "TCP" }],
  };
  const name = knowledgeRepoNames(input.serviceName).workload;
  return {
    hub: {
      services: {
        [input.serviceName]: {
          url: `http://${name}.${input.namespace}.svc.cluster.local:${KNOWLEDGE_REPO_PORT}`,
          display: true,
          info: { description: "Knowledge Repo: notebooks published from git", release: KNOWLEDGE_REPO_RELEASE },
        },
      },
      networkPolicy: { egress: [toApp] },
    },
    proxy: { chp: { networkPolicy: { egress: [toApp] } } },
  };
}
