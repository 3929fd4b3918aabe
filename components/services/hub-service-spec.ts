/**
 * A service beside the hub, as plain data, and the pure builders that turn it into
 * what the estate creates: the chart values that register it with JupyterHub
 * (`hub.services`, `hub.loadRoles`) and the Kubernetes objects that run it
 * (Deployment, Service, NetworkPolicy, optional volume claim).
 *
 * Tokens: the chart generates one API token per `hub.services` entry and keeps it
 * in its hub Secret under `hub.services.<name>.apiToken` (reused on upgrades by a
 * `lookup`). The service's container reads it from there by reference, so no token
 * is ever a literal in values, plan or outputs.
 */
import { podEgress } from "../egress";
import type { EgressRule, SecretKeyRef } from "../hub/values";
import { HARDENED_CONTAINER } from "../workload";

/** A CPU or memory request and limit, in Kubernetes quantities. */
export interface RequestLimit {
  readonly request: string;
  readonly limit: string;
}

export interface HubServiceSpec {
  /** A DNS label: the Deployment and Service name, and the path `/services/<name>/`. */
  readonly name: string;
  /** An already resolved image reference, ideally by digest. */
  readonly image: string;
  /** The port the container listens on. */
  readonly port: number;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  /** Plain settings; never secrets. */
  readonly env?: Readonly<Record<string, string>>;
  /** Variables read from Secrets by reference. */
  readonly envFromSecrets?: Readonly<Record<string, SecretKeyRef>>;
  /** Whether the container gets its hub API token (JUPYTERHUB_API_TOKEN). */
  readonly apiToken: boolean;
  /** Scopes granted to the service's own token through a role, such as `read:users:name`. */
  readonly scopes?: readonly string[];
  /**
   * Reached by browsers at `/services/<name>/` through the hub's proxy; with
   * `oauth`, users sign in through the hub and only `access` may open it.
   */
  readonly web?: { readonly oauth: boolean };
  /** Who may open it through hub OAuth: users and groups granted `access:services!service=<name>`. */
  readonly access?: { readonly users?: readonly string[]; readonly groups?: readonly string[] };
  /** Notebook servers call it directly (the chart denies them private addresses otherwise). */
  readonly fromNotebooks?: boolean;
  /** An HTTP path answering 200 when the service is healthy, for the probes. */
  readonly healthPath: string;
  readonly cpu: RequestLimit;
  readonly memory: RequestLimit;
  /** A small ReadWriteOnce volume mounted at `mountPath`. */
  readonly volume?: { readonly size: string; readonly mountPath: string; readonly storageClass?: string };
  /** The non-root user and group the container runs as. */
  readonly uid?: number;
}

/** What the builders need to know about the hub release the service sits beside. */
export interface HubServiceContext {
  /** The Helm release of the chart: its pods carry `release: <name>`. */
  readonly releaseName: string;
  /** The chart's hub Secret (`hub` unless the chart's fullnameOverride is set). */
  readonly hubSecretName?: string;
  /** The hub's Kubernetes Service name (`hub` likewise). */
  readonly hubServiceName?: string;
  /** The hub's base URL, `/` by default. */
  readonly baseUrl?: string;
}

export interface Problem {
  /** Where in the spec, such as `access.users.0`. */
  readonly path: string;
  readonly message: string;
}

export const DEFAULT_SERVICE_UID = 1000;
const HUB_API_PORT = 8081;

/** Names the chart gives its own objects or hub services, which a service must not take. */
const RESERVED_NAMES = new Set([
  "hub",
  "proxy",
  "proxy-api",
  "proxy-http",
  "proxy-public",
  "autohttps",
  "user-scheduler",
  "singleuser",
  "continuous-image-puller",
  "hook-image-puller",
  "jupyterhub-idle-culler",
]);

/** A JupyterHub scope, with an optional `!kind=value` filter. */
const SCOPE_PATTERN = /^[a-z][a-z:-]*[a-z](![a-z]+=[^\s!]+)?$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QUANTITY_PATTERN = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|K|M|G|T)?$/;

/** Every problem with a spec at once, keyed by its path in the spec. */
export function hubServiceProblems(spec: HubServiceSpec): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  if (!/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.test(spec.name)) {
    add("name", "must be a DNS label of at most 40 characters: lowercase letters, digits and '-', starting with a letter");
  } else if (RESERVED_NAMES.has(spec.name)) {
    add("name", `${spec.name} is taken by the jupyterhub chart`);
  }
  if (spec.image.trim() === "" || /:latest$/.test(spec.image))
    add("image", "must be a pinned image reference (a version tag or a digest), not latest");
  if (!Number.isInteger(spec.port) || spec.port < 1024 || spec.port > 65535) {
    add("port", "must be an unprivileged port, 1024 to 65535 (the container runs as non-root)");
  } else if (spec.port === HUB_API_PORT) {
    add("port", "8081 is the hub API's port, which the service's NetworkPolicy opens towards the hub");
  }
  if (!spec.healthPath.startsWith("/")) add("healthPath", "must be an absolute path, such as /healthz");
  if (spec.web?.oauth && !spec.apiToken) {
    add("apiToken", "hub OAuth needs the service's API token: it is the OAuth client secret");
  }
  const accessCount = (spec.access?.users?.length ?? 0) + (spec.access?.groups?.length ?? 0);
  if (accessCount > 0 && !spec.web?.oauth) add("access", "only a service with web.oauth can limit who opens it");
  if (spec.web?.oauth && accessCount === 0) add("access", "name the users or groups who may open it (admins always may)");
  (spec.scopes ?? []).forEach((scope, index) => {
    if (!SCOPE_PATTERN.test(scope))
      add(`scopes.${index}`, `${scope} is not a JupyterHub scope such as read:users or access:servers!user=ada`);
  });
  if ((spec.scopes?.length ?? 0) > 0 && !spec.apiToken)
    add("scopes", "scopes are granted to the service's token, so apiToken must be true");
  for (const key of [...Object.keys(spec.env ?? {}), ...Object.keys(spec.envFromSecrets ?? {})]) {
    if (!ENV_NAME_PATTERN.test(key)) add(`env.${key}`, "is not an environment variable name");
    if (key.startsWith("JUPYTERHUB_")) add(`env.${key}`, "JUPYTERHUB_* variables are set by hubfleet from the service's declaration");
  }
  for (const key of Object.keys(spec.env ?? {})) {
    if (spec.envFromSecrets?.[key]) add(`env.${key}`, "is set both as plain text and from a Secret");
  }
  for (const [field, value] of [
    ["cpu.request", spec.cpu.request],
    ["cpu.limit", spec.cpu.limit],
    ["memory.request", spec.memory.request],
    ["memory.limit", spec.memory.limit],
  ] as const) {
    if (!QUANTITY_PATTERN.test(value)) add(field, `${value} is not a Kubernetes quantity such as 100m, 0.5, 256Mi or 1G`);
  }
  if (spec.volume) {
    if (!QUANTITY_PATTERN.test(spec.volume.size)) add("volume.size", `${spec.volume.size} is not a size such as 1Gi`);
    if (!spec.volume.mountPath.startsWith("/") || spec.volume.mountPath === "/tmp")
      add("volume.mountPath", "must be an absolute path other than /tmp");
  }
  return problems;
}

/** Every problem of a tenant's services, keyed `<index>.<path>`, and names used twice. */
export function hubServiceListProblems(specs: readonly HubServiceSpec[]): Problem[] {
  const problems = specs.flatMap((spec, index) =>
    hubServiceProblems(spec).map((p) => ({ path: `${index}.${p.path}`, message: p.message })),
  );
  const seen = new Set<string>();
  specs.forEach((spec, index) => {
    if (seen.has(spec.name))
      problems.push({ path: `${index}.name`, message: `${spec.name} is declared twice; each service needs its own name` });
    seen.add(spec.name);
  });
  return problems;
}

/** The URL prefix the proxy routes to the service, `/services/<name>/`. */
export function servicePrefix(name: string, baseUrl = "/"): string {
  return `${baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`}services/${name}/`;
}

/** The key of the service's token in the chart's hub Secret. */
export function serviceTokenKey(name: string): string {
  return `hub.services.${name}.apiToken`;
}

/** The OAuth client id JupyterHub gives a service. */
export function serviceOAuthClientId(name: string): string {
  return `service-${name}`;
}

/** The scope a user needs to open the service through hub OAuth. */
export function serviceAccessScope(name: string): string {
  return `access:services!service=${name}`;
}

/** The labels that select the service's pods; nothing else carries them. */
export function serviceSelectorLabels(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name, "hubfleet.io/hub-service": name };
}

/** Labels the chart puts on its pods, for NetworkPolicy peers. */
export function chartPodLabels(releaseName: string, component: "hub" | "proxy" | "singleuser-server"): Record<string, string> {
  return { app: "jupyterhub", release: releaseName, component };
}

function needsHubApi(spec: HubServiceSpec): boolean {
  return spec.apiToken || Boolean(spec.web?.oauth);
}

/**
 * The chart values that register the service with JupyterHub: `hub.services.<name>`
 * (without a token: the chart generates it) and roles in `hub.loadRoles` for the
 * service's token and for who may open it.
 */
export function hubServiceValues(spec: HubServiceSpec): Record<string, unknown> {
  const needsEntry = needsHubApi(spec) || spec.web !== undefined;
  if (!needsEntry) return {};
  const service: Record<string, unknown> = {};
  if (spec.web) {
    // The proxy routes /services/<name>/ here; the hub is in the same namespace.
    service.url = `http://${spec.name}:${spec.port}`;
    service.display = true;
    if (spec.web.oauth) service.oauth_no_confirm = true;
  }
  const roles: Record<string, unknown> = {};
  if ((spec.scopes?.length ?? 0) > 0) {
    roles[`${spec.name}-service`] = {
      description: `What the ${spec.name} service's token may do`,
      scopes: [...spec.scopes!],
      services: [spec.name],
    };
  }
  if (spec.web?.oauth) {
    const users = [...(spec.access?.users ?? [])].sort();
    const groups = [...(spec.access?.groups ?? [])].sort();
    roles[`${spec.name}-users`] = {
      description: `Who may open the ${spec.name} service`,
      scopes: [serviceAccessScope(spec.name)],
      ...(users.length > 0 ? { users } : {}),
      ...(groups.length > 0 ? { groups } : {}),
    };
  }
  return {
    hub: {
      services: { [spec.name]: service },
      ...(Object.keys(roles).length > 0 ? { loadRoles: roles } : {}),
    },
  };
}

/** A container environment variable in Kubernetes' shape. */
export type EnvVar = { name: string; value: string } | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };

/**
 * The service's environment: what JupyterHub gives a service it manages itself
 * (JUPYTERHUB_API_URL, _SERVICE_PREFIX, _CLIENT_ID, ...), the token by reference,
 * then the spec's own variables. Sorted by name.
 */
export function hubServiceEnv(spec: HubServiceSpec, context: HubServiceContext): EnvVar[] {
  const baseUrl = context.baseUrl ?? "/";
  const hubService = context.hubServiceName ?? "hub";
  const prefix = servicePrefix(spec.name, baseUrl);
  const env: EnvVar[] = [
    { name: "JUPYTERHUB_SERVICE_NAME", value: spec.name },
    { name: "JUPYTERHUB_SERVICE_URL", value: `http://0.0.0.0:${spec.port}` },
    { name: "JUPYTERHUB_SERVICE_PREFIX", value: prefix },
    { name: "JUPYTERHUB_BASE_URL", value: baseUrl },
  ];
  if (needsHubApi(spec)) {
    env.push({ name: "JUPYTERHUB_API_URL", value: `http://${hubService}:${HUB_API_PORT}${baseUrl}hub/api` });
  }
  if (spec.apiToken) {
    env.push({
      name: "JUPYTERHUB_API_TOKEN",
      valueFrom: { secretKeyRef: { name: context.hubSecretName ?? "hub", key: serviceTokenKey(spec.name) } },
    });
  }
  if (spec.web?.oauth) {
    env.push(
      { name: "JUPYTERHUB_CLIENT_ID", value: serviceOAuthClientId(spec.name) },
      { name: "JUPYTERHUB_OAUTH_CALLBACK_URL", value: `${prefix}oauth_callback` },
      { name: "JUPYTERHUB_OAUTH_ACCESS_SCOPES", value: JSON.stringify([serviceAccessScope(spec.name)]) },
    );
  }
  for (const [name, value] of Object.entries(spec.env ?? {})) env.push({ name, value });
  for (const [name, ref] of Object.entries(spec.envFromSecrets ?? {})) {
    env.push({ name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } });
  }
  return env.sort((a, b) => a.name.localeCompare(b.name));
}

const TMP_VOLUME = "tmp";
const DATA_VOLUME = "data";

/** The claim's name for a service's volume. */
export function serviceVolumeClaimName(name: string): string {
  return `${name}-data`;
}

/**
 * The Deployment's spec: one replica (a ReadWriteOnce volume cannot be shared, so
 * updates recreate the pod), Pod Security `restricted`, a read-only root file
 * system with a writable /tmp, probes on the health path, requests and limits.
 */
export function serviceDeploymentSpec(spec: HubServiceSpec, context: HubServiceContext, labels: Readonly<Record<string, string>> = {}) {
  const uid = spec.uid ?? DEFAULT_SERVICE_UID;
  const selector = serviceSelectorLabels(spec.name);
  const probe = (periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path: spec.healthPath, port: "http" },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold,
  });
  return {
    replicas: 1,
    strategy: spec.volume ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    selector: { matchLabels: selector },
    template: {
      metadata: {
        labels: {
          ...labels,
          ...selector,
          // The chart's hub NetworkPolicy admits only pods with this label to the hub API.
          ...(needsHubApi(spec) ? { "hub.jupyter.org/network-access-hub": "true" } : {}),
        },
      },
      spec: {
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: uid,
          runAsGroup: uid,
          fsGroup: uid,
          seccompProfile: { type: "RuntimeDefault" },
        },
        containers: [
          {
            name: spec.name,
            image: spec.image,
            ...(spec.command ? { command: [...spec.command] } : {}),
            ...(spec.args ? { args: [...spec.args] } : {}),
            ports: [{ name: "http", containerPort: spec.port, protocol: "TCP" }],
            env: hubServiceEnv(spec, context),
            resources: {
              requests: { cpu: spec.cpu.request, memory: spec.memory.request },
              limits: { cpu: spec.cpu.limit, memory: spec.memory.limit },
            },
            securityContext: { ...HARDENED_CONTAINER, runAsNonRoot: true, readOnlyRootFilesystem: true },
            startupProbe: probe(2, 30),
            readinessProbe: probe(10, 3),
            livenessProbe: probe(20, 3),
            volumeMounts: [
              { name: TMP_VOLUME, mountPath: "/tmp" },
              ...(spec.volume ? [{ name: DATA_VOLUME, mountPath: spec.volume.mountPath }] : []),
            ],
          },
        ],
        volumes: [
          { name: TMP_VOLUME, emptyDir: { sizeLimit: "64Mi" } },
          ...(spec.volume ? [{ name: DATA_VOLUME, persistentVolumeClaim: { claimName: serviceVolumeClaimName(spec.name) } }] : []),
        ],
      },
    },
  };
}

/** The ClusterIP Service in front of the pods, on the same port. */
export function serviceServiceSpec(spec: HubServiceSpec) {
  return {
    type: "ClusterIP",
    selector: serviceSelectorLabels(spec.name),
    ports: [{ name: "http", port: spec.port, targetPort: "http", protocol: "TCP" }],
  };
}

/**
 * Who may talk to the service and whom it may talk to: in, the proxy and the hub
 * (and notebook servers when they call it) on its port only; out, DNS, the hub
 * API when it uses one, and the extra rules given (a database).
 */
export function serviceNetworkPolicySpec(spec: HubServiceSpec, context: HubServiceContext, extraEgress: readonly EgressRule[] = []) {
  const peers = [chartPodLabels(context.releaseName, "hub"), chartPodLabels(context.releaseName, "proxy")];
  if (spec.fromNotebooks) peers.push(chartPodLabels(context.releaseName, "singleuser-server"));
  const egress: EgressRule[] = [
    {
      ports: [
        { port: 53, protocol: "UDP" },
        { port: 53, protocol: "TCP" },
      ],
    },
    ...(needsHubApi(spec) ? [podEgress(chartPodLabels(context.releaseName, "hub"), HUB_API_PORT)] : []),
    ...extraEgress,
  ];
  return {
    podSelector: { matchLabels: serviceSelectorLabels(spec.name) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [{ from: peers.map((matchLabels) => ({ podSelector: { matchLabels } })), ports: [{ port: spec.port, protocol: "TCP" }] }],
    egress,
  };
}

/** The egress rule notebook pods need to call a service with `fromNotebooks` (for the chart's singleuser policy). */
export function notebookEgressToService(spec: HubServiceSpec): EgressRule {
  return podEgress(serviceSelectorLabels(spec.name), spec.port);
}

/** The volume claim's spec, when the service has a volume. */
export function serviceVolumeClaimSpec(spec: HubServiceSpec) {
  if (!spec.volume) return undefined;
  return {
    accessModes: ["ReadWriteOnce"],
    resources: { requests: { storage: spec.volume.size } },
    ...(spec.volume.storageClass ? { storageClassName: spec.volume.storageClass } : {}),
  };
}
