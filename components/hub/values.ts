/**
 * The values given to the Zero to JupyterHub chart, as one pure function of plain
 * inputs: the tenant's hub settings and what the other components produced.
 * No secret is ever a value here: secrets are referenced by Secret name and key.
 */
import type { HubSpec, ProfileSpec } from "./spec";
import type { HubScheduling, PodPlacement, Toleration } from "../cluster/scheduling";
import { authValues } from "./auth";
import type { EgressRule } from "../egress";
import type { ClusterNetworkFacts } from "../pod-security";
import { notebookEnvReferences } from "./notebook-env";
import { openhexaLoginFragment } from "./openhexa";
import { notebookSecurityValues } from "./pod-security-values";
import { renkuPresetFragment } from "./renku";
import { WORKSHOP_SECRET_NAME, workshopHubValues } from "./workshop";
import type { ImageChoice } from "../images/choice";
import { chartImageValue } from "../images/reference";

export const CHART = {
  name: "jupyterhub",
  version: "4.4.0",
  repository: "https://hub.jupyter.org/helm-chart/",
} as const;

/** Where a secret-holding environment variable comes from. */
export interface SecretKeyRef {
  readonly secretName: string;
  readonly key: string;
}

export type { EgressRule } from "../egress";

export interface HubValuesInput {
  readonly hub: HubSpec;
  readonly scheduling: HubScheduling;
  /** The storage class for home volumes; the cluster's default when unset. */
  readonly storageClass?: string;
  readonly endpoint: {
    readonly hostname?: string;
    readonly letsencryptEmail?: string;
    readonly loadBalancerIp?: string;
    readonly serviceAnnotations?: Readonly<Record<string, string>>;
    /** LoadBalancer on a cloud; ClusterIP where there is none (kind, minikube), reached by port-forward. */
    readonly serviceType: "LoadBalancer" | "ClusterIP";
  };
  /** The full hub database URL, password included, in a Secret; without one the hub keeps SQLite on a small volume. */
  readonly hubDatabaseUrl?: SecretKeyRef;
  /** The Secret with the auth kind's secrets (see auth.ts). */
  readonly authSecretName: string;
  /** The notebook environment Secret and the variable names it holds. */
  readonly notebookEnv: { readonly secretName: string; readonly names: readonly string[] };
  /** Keyless AWS access: the service account and where its projected token is mounted. */
  readonly webIdentity?: { readonly serviceAccountName: string; readonly audience: string };
  /** Egress notebook pods need beyond the chart's defaults (private database, in-cluster stores). */
  readonly notebookEgress: readonly EgressRule[];
  /** The workshop login: the Secret of participants' hashes the hub mounts. */
  readonly workshop?: { readonly secretName: string };
  /** Whether the cluster enforces NetworkPolicy and has a metadata server (see pod-security.ts); unset keeps the chart's iptables block. */
  readonly network?: ClusterNetworkFacts;
  /**
   * The resolved image references (digest references of built images): the default
   * server's and each profile's (by index; absent for a profile without its own), and
   * the pull secrets pods name. Unset, external choices are used as given.
   */
  readonly images?: {
    readonly default: string;
    readonly profiles: readonly (string | undefined)[];
    readonly pullSecrets: readonly string[];
  };
  /** Home-seed volumes (HomeSeedFiles.storageValues), appended to the other volumes. */
  readonly homeSeed?: {
    readonly extraVolumes: readonly Record<string, unknown>[];
    readonly extraVolumeMounts: readonly Record<string, unknown>[];
  };
  /** Values of the services beside the hub (registration, roles, hooks), merged in order. */
  readonly services?: readonly Record<string, unknown>[];
}

export const WEB_IDENTITY_TOKEN_DIR = "/var/run/secrets/sts.amazonaws.com/serviceaccount";
const WEB_IDENTITY_VOLUME = "aws-web-identity-token";

const HUB_DB_URL_ENV = "HUBFLEET_HUB_DB_URL";

/** The hub's SQLite volume when there is no database server: users, tokens and auth state only. */
export const SQLITE_VOLUME_SIZE = "1Gi";

/** hub.db and the hub's database settings: PostgreSQL from a Secret, or SQLite on a volume. */
function hubDatabaseValues(url: SecretKeyRef | undefined, storageClass: string | undefined): Record<string, unknown> {
  if (!url) {
    return {
      db: {
        type: "sqlite-pvc",
        upgrade: true,
        pvc: { storage: SQLITE_VOLUME_SIZE, ...(storageClass ? { storageClassName: storageClass } : {}) },
      },
    };
  }
  return {
    // The database is outside the chart: let the hub migrate its schema when the chart's JupyterHub changes.
    db: { type: "postgres", upgrade: true },
    extraEnv: {
      [HUB_DB_URL_ENV]: { valueFrom: { secretKeyRef: { name: url.secretName, key: url.key } } },
    },
    extraConfig: {
      // The chart leaves db_url unset when hub.db.url is; this sets it from the Secret.
      "hubfleet-00-database": `import os\nc.JupyterHub.db_url = os.environ["${HUB_DB_URL_ENV}"]\n`,
    },
  };
}

function placementValues(placement: PodPlacement) {
  return {
    tolerations: placement.tolerations.map(tolerationValue),
    nodeAffinity: { matchNodePurpose: placement.matchNodePurpose },
  };
}

function tolerationValue(t: Toleration): Record<string, string> {
  return { key: t.key, operator: t.operator, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect };
}

/** The reference of a choice that needs no build: a pinned external image without added packages. */
export function unbuiltImageRef(choice: ImageChoice): string {
  if ("build" in choice || (choice.packages && choice.packages.conda.length + choice.packages.pip.length > 0)) {
    throw new Error(`the image ${JSON.stringify(choice)} is built by the estate: pass its reference in images`);
  }
  return choice.external;
}

/** A `singleuser.profileList` entry: KubeSpawner overrides in its own names; `imageRef` is the profile's resolved image. */
export function profileValue(profile: ProfileSpec, scheduling: HubScheduling, imageRef?: string): Record<string, unknown> {
  const override: Record<string, unknown> = {};
  if (profile.image) override.image = imageRef ?? unbuiltImageRef(profile.image);
  if (profile.cpu) Object.assign(override, { cpu_guarantee: profile.cpu.guarantee, cpu_limit: profile.cpu.limit });
  if (profile.memory) Object.assign(override, { mem_guarantee: profile.memory.guarantee, mem_limit: profile.memory.limit });
  if (profile.gpus !== undefined && scheduling.gpu) {
    Object.assign(override, {
      extra_resource_limits: { "nvidia.com/gpu": String(profile.gpus) },
      node_selector: { ...scheduling.gpu.nodeSelector },
      tolerations: scheduling.gpu.tolerations.map(tolerationValue),
    });
  }
  return {
    display_name: profile.name,
    description: profile.description,
    ...(profile.default ? { default: true } : {}),
    ...(Object.keys(override).length > 0 ? { kubespawner_override: override } : {}),
  };
}

/** The https block: letsencrypt whenever the tenant has a host name, plain http otherwise. */
export function proxyValues(endpoint: HubValuesInput["endpoint"]): Record<string, unknown> {
  const service: Record<string, unknown> = { type: endpoint.serviceType };
  if (endpoint.loadBalancerIp) service.loadBalancerIP = endpoint.loadBalancerIp;
  if (endpoint.serviceAnnotations && Object.keys(endpoint.serviceAnnotations).length > 0) {
    service.annotations = { ...endpoint.serviceAnnotations };
  }
  const https =
    endpoint.hostname && endpoint.letsencryptEmail
      ? { enabled: true, type: "letsencrypt", hosts: [endpoint.hostname], letsencrypt: { contactEmail: endpoint.letsencryptEmail } }
      : { enabled: false };
  return { service, https };
}

/** JupyterLab's autosave interval for every user, as a settings override file. */
function autosaveFiles(seconds: number | undefined): Record<string, unknown> {
  if (seconds === undefined) return {};
  return {
    "hubfleet-lab-overrides": {
      mountPath: "/opt/conda/share/jupyter/lab/settings/overrides.json",
      data: { "@jupyterlab/docmanager-extension:plugin": { autosaveInterval: seconds } },
    },
  };
}

/** Deep merge for plain objects; arrays and scalars from `b` win. */
export function mergeValues(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? mergeValues(existing, value) : value;
  }
  return out;
}

/** mergeValues for a service's fragment: `egress` rules add to those already there, everything else as mergeValues. */
export function mergeServiceValues(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    if (key === "egress" && Array.isArray(existing) && Array.isArray(value))
      out[key] = [...(existing as unknown[]), ...(value as unknown[])];
    else out[key] = isPlainObject(existing) && isPlainObject(value) ? mergeServiceValues(existing, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function buildHubValues(input: HubValuesInput): Record<string, unknown> {
  const { hub, scheduling } = input;
  const { singleuser, culling } = hub;
  const security = notebookSecurityValues(input.network);
  const notebookEgress = [...input.notebookEgress, ...security.egress];

  const webIdentityVolumes = input.webIdentity
    ? {
        extraVolumes: [
          {
            name: WEB_IDENTITY_VOLUME,
            projected: {
              sources: [{ serviceAccountToken: { audience: input.webIdentity.audience, expirationSeconds: 3600, path: "token" } }],
            },
          },
        ],
        extraVolumeMounts: [{ name: WEB_IDENTITY_VOLUME, mountPath: WEB_IDENTITY_TOKEN_DIR, readOnly: true }],
      }
    : { extraVolumes: [], extraVolumeMounts: [] };
  // Appended, never merged: mergeValues replaces arrays.
  const extraVolumes = [...webIdentityVolumes.extraVolumes, ...(input.homeSeed?.extraVolumes ?? [])];
  const extraVolumeMounts = [...webIdentityVolumes.extraVolumeMounts, ...(input.homeSeed?.extraVolumeMounts ?? [])];
  const storageVolumes = extraVolumes.length > 0 ? { extraVolumes, extraVolumeMounts } : {};
  const defaultImage = input.images?.default ?? unbuiltImageRef(singleuser.image);
  const pullSecrets = input.images?.pullSecrets ?? [];

  const base: Record<string, unknown> = {
    hub: hubDatabaseValues(input.hubDatabaseUrl, input.storageClass),
    proxy: proxyValues(input.endpoint),
    singleuser: {
      image: { ...chartImageValue(defaultImage), ...(pullSecrets.length > 0 ? { pullSecrets: [...pullSecrets] } : {}) },
      cpu: { guarantee: singleuser.cpu.guarantee, limit: singleuser.cpu.limit },
      memory: { guarantee: singleuser.memory.guarantee, limit: singleuser.memory.limit },
      defaultUrl: singleuser.defaultUrl,
      storage: {
        type: "dynamic",
        capacity: singleuser.storage,
        ...(input.storageClass ? { dynamic: { storageClass: input.storageClass } } : {}),
        ...storageVolumes,
      },
      extraEnv: {
        ...Object.fromEntries(Object.entries(singleuser.env).sort(([a], [b]) => a.localeCompare(b))),
        ...notebookEnvReferences(input.notebookEnv.secretName, input.notebookEnv.names),
        ...(input.webIdentity ? { AWS_WEB_IDENTITY_TOKEN_FILE: `${WEB_IDENTITY_TOKEN_DIR}/token` } : {}),
      },
      ...(input.webIdentity ? { serviceAccountName: input.webIdentity.serviceAccountName } : {}),
      nodeSelector: { ...scheduling.user.nodeSelector },
      ...(singleuser.profiles.length > 0
        ? { profileList: singleuser.profiles.map((p, i) => profileValue(p, scheduling, input.images?.profiles[i])) }
        : {}),
      ...(singleuser.autosaveSeconds !== undefined ? { extraFiles: autosaveFiles(singleuser.autosaveSeconds) } : {}),
      ...(notebookEgress.length > 0 ? { networkPolicy: { egress: notebookEgress } } : {}),
    },
    scheduling: {
      userScheduler: { enabled: hub.scheduling.userScheduler },
      podPriority: { enabled: hub.scheduling.podPriority },
      userPlaceholder: { enabled: hub.scheduling.userPlaceholders > 0, replicas: hub.scheduling.userPlaceholders },
      userPods: placementValues(scheduling.user),
      corePods: placementValues(scheduling.core),
    },
    cull: {
      enabled: culling.enabled,
      users: false,
      timeout: culling.timeout,
      every: culling.every,
      maxAge: culling.maxAge,
    },
  };

  const auth =
    hub.auth.kind === "workshop"
      ? workshopHubValues({ secretName: input.workshop?.secretName ?? WORKSHOP_SECRET_NAME, admins: hub.auth.admins })
      : hub.auth.kind === "openhexa"
        ? openhexaLoginFragment({
            appUrl: hub.auth.appUrl,
            credentialsPath: hub.auth.credentialsPath,
            sessionCookieName: hub.auth.sessionCookieName,
            admins: hub.auth.admins,
          }).values
        : authValues({ auth: hub.auth, hostname: input.endpoint.hostname, authSecretName: input.authSecretName });
  const secured = mergeValues(base, { hub: security.hub, singleuser: security.singleuser });
  const withAuth = mergeValues(secured, auth);
  // The Renku-style preset goes over the gitlab login's values (its scopes, auth state, named servers).
  let withPreset = withAuth;
  if (hub.renku && hub.auth.kind === "gitlab") {
    const { cloneImage, ...preset } = hub.renku;
    const renku = renkuPresetFragment({
      gitlabUrl: hub.auth.url,
      checksGroups: hub.auth.allowedGroups.length > 0,
      cloneImage: cloneImage ? `${cloneImage.name}:${cloneImage.tag}` : defaultImage,
      gpuPlacement: scheduling.gpu,
      ...preset,
    });
    withPreset = mergeValues(withAuth, renku.values);
  }
  return (input.services ?? []).reduce((values, service) => mergeServiceValues(values, service), withPreset);
}
