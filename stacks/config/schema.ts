/**
 * The whole stack configuration, under the `hubfleet:` namespace, as one zod schema.
 *
 * Every default lives here, and the defaults that follow from the cluster kind in
 * stacks/kinds/capabilities.ts. This schema checks each value on its own; rules that
 * span keys or belong to a component live in stacks/plan.ts and beside the component.
 * Components never read config: the plan hands them their own argument types. Settings specific to one
 * cloud sit in their own sub-object (`cluster.gke`, `cluster.doks`, ...), so that
 * switching `cluster.kind` leaves the rest of a tenant's config as it is.
 */
import { z } from "zod";
import type { HubSpec } from "../../components/hub/spec";
import { clusterKinds, databaseKinds, stackRoles, storageKinds } from "../kinds/capabilities";
import { ConfigSecret, isConfigSecret } from "./secret";

// ---------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS label (RFC 1123, starting with a letter) of at most `max` characters. */
export const dnsLabel = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(DNS_LABEL, "must be a DNS label: lowercase letters, digits and '-', starting with a letter and not ending with '-'");

const hostname = z
  .string()
  .max(253)
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?$/,
    "must be a fully qualified lowercase host name such as hub.example.org",
  );

const email = z.email("must be an e-mail address such as ops@example.org");

/** A secret: accepted only as a secure config value, never as plain text. */
export const secret = () =>
  z.custom<ConfigSecret>(isConfigSecret, {
    message: "is plain text, but this setting is a secret; store it with `pulumi config set --secret --path '<key path>' <value>`",
  });

/** A Kubernetes quantity for storage, such as 10Gi. */
const storageQuantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti)$/, "must be a Kubernetes quantity with a binary suffix, such as 512Mi or 10Gi");

/** Memory as KubeSpawner reads it: a number with K, M, G or T. */
const memory = z.string().regex(/^[0-9]+(\.[0-9]+)?[KMGT]$/, "must be a size with a K, M, G or T suffix, such as 512M or 2G");

const cpu = z.number().positive("must be a positive number of cores, such as 0.5 or 2").max(256);

const nodeCount = (max: number) => z.number().int("must be a whole number").min(0).max(max);

/** A container image reference with an explicit, pinned tag. */
const image = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9]+([._/-][a-z0-9]+)*(:[0-9]+)?([._/-][a-z0-9]+)*$/, "must be an image name such as quay.io/jupyter/scipy-notebook"),
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be an image tag")
    .refine((tag) => tag !== "latest", "must be pinned: 'latest' changes under a running hub; name a version or date tag"),
});

const userList = z.array(z.string().min(1)).default([]);

/** A tenant's own packages, built once into a derived image (checked beside the image component). */
const addedPackages = z.strictObject({
  conda: z.array(z.string().min(1)).default([]),
  pip: z.array(z.string().min(1)).default([]),
});

/**
 * Which image a notebook server runs: `{ build: <image of images/> }`, built and pushed
 * by the estate, or `{ external: "<reference pinned by tag or digest>" }`; either with
 * added packages. The older `{ name, tag }` form is an external reference pinned by tag.
 */
const imageChoice = z.union([
  z.strictObject({ build: z.string().min(1), packages: addedPackages.optional() }),
  z.strictObject({ external: z.string().min(1), packages: addedPackages.optional() }),
  image.transform(({ name, tag }) => ({ external: `${name}:${tag}` })),
]);

// ---------------------------------------------------------------------------
// Tenant, clouds
// ---------------------------------------------------------------------------

const tenant = z.strictObject({
  /** Namespace, Helm release and resource-name prefix. */
  name: dnsLabel(24),
  /**
   * production: stateful resources are protected and kept (deletion protection,
   * no force-destroy). disposable: `pulumi destroy` removes everything.
   */
  protection: z
    .enum(["production", "disposable"])
    .default("production")
    .describe(
      "production: stateful resources are protected and kept (deletion protection, no force-destroy). disposable: `pulumi destroy` removes everything.",
    ),
  /** Extra labels (GCP) and tags (AWS, DigitalOcean) on every cloud resource. */
  labels: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, "label keys must be lowercase, start with a letter, at most 63 characters"),
      z.string().regex(/^[a-z0-9_-]{0,63}$/, "label values must be lowercase letters, digits, '_' or '-', at most 63 characters"),
    )
    .default({}),
});

const gcp = z.strictObject({
  project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, "must be a GCP project id"),
  region: z.string().regex(/^[a-z]+-[a-z]+[0-9]$/, "must be a GCP region such as europe-west1"),
});

const aws = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, "must be an AWS region such as eu-west-1"),
});

const digitalocean = z.strictObject({
  region: z.string().regex(/^[a-z]{3}[0-9]$/, "must be a DigitalOcean region slug such as blr1 or fra1"),
});

// ---------------------------------------------------------------------------
// Cluster
// ---------------------------------------------------------------------------

const pool = (defaults: { min: number; max: number }) =>
  z
    .strictObject({
      minNodes: nodeCount(100).default(defaults.min),
      maxNodes: z.number().int("must be a whole number").min(1, "must be at least 1").max(1000).default(defaults.max),
    })
    .default({ minNodes: defaults.min, maxNodes: defaults.max })
    // Only between two valid counts: an invalid one is reported on its own key.
    .refine((p) => p.maxNodes < 1 || p.minNodes <= p.maxNodes, { message: "minNodes must not exceed maxNodes" });

const gkeCluster = z.strictObject({
  /** A zone makes a zonal cluster (one control plane, cheaper); without one the cluster is regional. */
  zone: z
    .string()
    .regex(/^[a-z]+-[a-z]+[0-9]-[a-z]$/, "must be a GCP zone such as europe-west1-b")
    .optional(),
  releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default("REGULAR"),
  systemMachineType: z.string().min(1).default("e2-standard-2"),
  userMachineType: z.string().min(1).default("e2-highmem-2"),
  diskSizeGb: z.number().int().min(20).max(2000).default(50),
  /** Nodes without public IPs; egress through Cloud NAT (an extra hourly cost). */
  privateNodes: z.boolean().default(false).describe("Nodes without public IPs; egress through Cloud NAT (an extra hourly cost)."),
  /** Networks allowed to reach the control plane; empty means any (credentials still required). */
  authorizedNetworks: z
    .array(z.string().regex(/^[0-9.]+\/[0-9]{1,2}$/, "must be an IPv4 CIDR"))
    .default([])
    .describe("Networks allowed to reach the control plane; empty means any (credentials still required)."),
  gpu: z
    .strictObject({
      acceleratorType: z.string().min(1).default("nvidia-tesla-t4"),
      acceleratorCount: z.number().int().min(1).max(8).default(1),
      machineType: z.string().min(1).default("n1-standard-4"),
      maxNodes: nodeCount(100).min(1).default(2),
    })
    .optional(),
});

const doksCluster = z.strictObject({
  /** A Kubernetes minor version DOKS offers (`doctl kubernetes options versions`); its newest patch is used when the cluster is created. */
  version: z
    .string()
    .regex(/^1\.[0-9]{2}$/, "must be a Kubernetes minor version such as 1.36")
    .default("1.36"),
  /** A highly available control plane. Defaults to on for production tenants; once on, it cannot be turned off. */
  highAvailability: z
    .boolean()
    .optional()
    .describe("A highly available control plane. Defaults to on for production tenants; once on, it cannot be turned off."),
  /** PipalHub's presets (small, medium, large), bigger workshop presets, or any DigitalOcean size slug. */
  systemSize: z
    .string()
    .min(1)
    .default("medium")
    .describe("PipalHub's presets (small, medium, large), bigger workshop presets, or any DigitalOcean size slug."),
  userSize: z.string().min(1).default("large"),
  maintenance: z
    .strictObject({
      day: z.enum(["any", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]).default("sunday"),
      // DigitalOcean shows and documents maintenance windows on the hour (15:00).
      startTime: z
        .string()
        .regex(/^([01][0-9]|2[0-3]):00$/, "must be a whole hour in UTC, such as 03:00")
        .default("03:00"),
    })
    .default({ day: "sunday", startTime: "03:00" }),
});

const localCluster = z.strictObject({
  /** The kubeconfig context to deploy to (required with kind local), such as kind-hubfleet. */
  context: z.string().min(1).optional().describe("The kubeconfig context to deploy to (required with kind local), such as kind-hubfleet."),
  /** Storage class for volumes; the cluster's default when unset. */
  storageClass: z.string().min(1).optional().describe("Storage class for volumes; the cluster's default when unset."),
});

const sharedCluster = z.strictObject({
  /** The cluster stack, as `<org>/<project>/<stack>` or a stack name in the same project. */
  stack: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/, "must be a stack name such as organization/hubfleet/habari-cluster")
    .describe("The cluster stack, as `<org>/<project>/<stack>` or a stack name in the same project."),
  /** Give this tenant its own tainted user pool in the shared cluster. */
  ownUserPool: z.boolean().default(false).describe("Give this tenant its own tainted user pool in the shared cluster."),
});

const cluster = z.strictObject({
  kind: z.enum(clusterKinds),
  systemPool: pool({ min: 1, max: 3 }),
  /** From zero, so that an idle tenant pays for no user node. */
  userPool: pool({ min: 0, max: 10 }),
  gke: gkeCluster.default(gkeCluster.parse({})),
  doks: doksCluster.default(doksCluster.parse({})),
  local: localCluster.default({}),
  shared: sharedCluster.optional(),
});

// ---------------------------------------------------------------------------
// Database, storage, endpoint
// ---------------------------------------------------------------------------

const cloudsqlDatabase = z.strictObject({
  version: z.enum(["POSTGRES_15", "POSTGRES_16", "POSTGRES_17"]).default("POSTGRES_16"),
  /** A Cloud SQL Enterprise tier, such as db-g1-small or db-custom-1-3840 (checked beside the component). */
  tier: z
    .string()
    .min(1)
    .default("db-g1-small")
    .describe("A Cloud SQL Enterprise tier, such as db-g1-small or db-custom-1-3840 (checked beside the component)."),
  diskSizeGb: z.number().int().min(10).max(65536).default(10),
  highAvailability: z.boolean().default(false),
});

const digitaloceanDatabase = z.strictObject({
  version: z.enum(["15", "16", "17"]).default("16"),
  /** A database size slug, such as db-s-1vcpu-1gb or gd-2vcpu-8gb (checked beside the component). */
  size: z
    .string()
    .min(1)
    .default("db-s-1vcpu-1gb")
    .describe("A database size slug, such as db-s-1vcpu-1gb or gd-2vcpu-8gb (checked beside the component)."),
  nodeCount: z.number().int().min(1).max(3).default(1),
});

const inclusterDatabase = z.strictObject({
  image: image.default({ name: "docker.io/library/postgres", tag: "16.10" }),
  storage: storageQuantity.default("2Gi"),
});

/** An existing PostgreSQL server the estate does not own; it creates the tenant's logins and databases there. */
const externalDatabase = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(5432),
  /** What clients insist on: require or stricter (disable is refused). */
  sslMode: z
    .enum(["disable", "require", "verify-ca", "verify-full"])
    .default("require")
    .describe("What clients insist on: require or stricter (disable is refused)."),
  /** A role with CREATEROLE and CREATEDB, and the database it connects to first. */
  admin: z.strictObject({
    user: z.string().min(1),
    password: secret(),
    database: z.string().min(1).default("postgres"),
  }),
});

const database = z.strictObject({
  /**
   * Defaults by cluster kind (stacks/kinds/capabilities.ts): local → incluster, gke and shared → cloudsql, doks → digitalocean.
   * none: the hub on SQLite on a small volume, no explore database. external: database.external.
   */
  kind: z
    .enum(databaseKinds)
    .optional()
    .describe(
      "Defaults by cluster kind (stacks/kinds/capabilities.ts): local → incluster, gke and shared → cloudsql, doks → digitalocean. none: the hub on SQLite on a small volume, no explore database. external: database.external.",
    ),
  cloudsql: cloudsqlDatabase.default(cloudsqlDatabase.parse({})),
  digitalocean: digitaloceanDatabase.default(digitaloceanDatabase.parse({})),
  incluster: inclusterDatabase.default(inclusterDatabase.parse({})),
  external: externalDatabase.optional(),
  /** Enable PostGIS in the explore database (the server or image must carry the extension). */
  explorePostgis: z
    .boolean()
    .default(false)
    .describe("Enable PostGIS in the explore database (the server or image must carry the extension)."),
});

const s3Storage = z.strictObject({
  /**
   * The bucket readable by every tenant. `create: true` makes this stack own it;
   * otherwise name the stack that owns it. On a shared cluster it belongs to the
   * cluster stack, which tenants read by default.
   */
  publicBucket: z
    .union([z.strictObject({ create: z.literal(true) }), z.strictObject({ stack: z.string().min(1) })])
    .optional()
    .describe(
      "The bucket readable by every tenant. `create: true` makes this stack own it; otherwise name the stack that owns it. On a shared cluster it belongs to the cluster stack, which tenants read by default.",
    ),
  /** Defaults: webIdentity where the cluster publishes an issuer (GKE), accessKey elsewhere. */
  credentials: z
    .enum(["accessKey", "webIdentity"])
    .optional()
    .describe("Defaults: webIdentity where the cluster publishes an issuer (GKE), accessKey elsewhere."),
  /**
   * webIdentity only: the IAM OIDC provider for the cluster's issuer. An AWS account
   * holds one per issuer: a dedicated cluster's stack creates it (the default); on a
   * shared cluster the cluster stack owns it and tenants read it from there.
   */
  oidcProvider: z
    .union([z.strictObject({ create: z.literal(true) }), z.strictObject({ stack: z.string().min(1) })])
    .optional()
    .describe(
      "webIdentity only: the IAM OIDC provider for the cluster's issuer. An AWS account holds one per issuer: a dedicated cluster's stack creates it (the default); on a shared cluster the cluster stack owns it and tenants read it from there.",
    ),
  noncurrentVersionDays: z.number().int().min(1).max(3650).default(30),
  /** Bucket names are global: a prefix (an organization's) keeps them unique. */
  bucketPrefix: dnsLabel(20).default("hubfleet"),
});

const minioStorage = z.strictObject({
  image: image.default({ name: "quay.io/minio/minio", tag: "RELEASE.2025-09-07T16-13-09Z" }),
  clientImage: image.default({ name: "quay.io/minio/mc", tag: "RELEASE.2025-08-13T08-35-41Z" }),
  storage: storageQuantity.default("5Gi"),
});

const storage = z.strictObject({
  /** Defaults: local → minio; elsewhere none unless set. */
  kind: z.enum(storageKinds).optional().describe("Defaults: local → minio; elsewhere none unless set."),
  s3: s3Storage.default(s3Storage.parse({})),
  minio: minioStorage.default(minioStorage.parse({})),
});

const endpoint = z.strictObject({
  /** The hub's public name. With it the proxy serves https with a letsencrypt certificate. */
  hostname: hostname.optional(),
  letsencryptEmail: email.optional(),
  /** The Cloud DNS managed zone (its name, not its domain) that holds `hostname` (GKE tenants). */
  gcpManagedZone: z
    .string()
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, "must be a Cloud DNS managed zone name")
    .optional(),
  /** The DigitalOcean domain that holds `hostname` (DOKS tenants), such as pipalhub.org. */
  digitaloceanDomain: hostname.optional(),
  /** An AWS Route53 hosted zone that holds `hostname`, by id or by its domain (needs aws.region); instead of the cloud's own DNS. */
  route53Zone: z
    .union([z.strictObject({ id: z.string().min(1) }), z.strictObject({ name: hostname })])
    .optional()
    .describe(
      "An AWS Route53 hosted zone that holds `hostname`, by id or by its domain (needs aws.region); instead of the cloud's own DNS.",
    ),
});

// ---------------------------------------------------------------------------
// Hub
// ---------------------------------------------------------------------------

export const authKinds = ["github", "google", "gitlab", "generic", "dummy", "workshop", "openhexa"] as const;

const oauthClient = {
  clientId: z.string().min(1),
  clientSecret: secret(),
};

const auth = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("github"),
    ...oauthClient,
    admins: userList,
    allowedUsers: userList,
    /** Organizations (`org`) or teams (`org:team`) whose members may log in. */
    allowedOrganizations: z
      .array(z.string().regex(/^[A-Za-z0-9-]+(:[A-Za-z0-9_.-]+)?$/, "must be `org` or `org:team`"))
      .default([])
      .describe("Organizations (`org`) or teams (`org:team`) whose members may log in."),
  }),
  z.strictObject({
    kind: z.literal("google"),
    ...oauthClient,
    admins: userList,
    allowedUsers: userList,
    /** Google Workspace domains whose accounts may log in. */
    hostedDomains: z.array(hostname).default([]).describe("Google Workspace domains whose accounts may log in."),
  }),
  z.strictObject({
    kind: z.literal("gitlab"),
    ...oauthClient,
    admins: userList,
    allowedUsers: userList,
    url: z.url().default("https://gitlab.com"),
    allowedGroups: z.array(z.string().min(1)).default([]),
  }),
  z.strictObject({
    kind: z.literal("generic"),
    ...oauthClient,
    admins: userList,
    allowedUsers: userList,
    loginService: z.string().min(1).default("single sign-on"),
    authorizeUrl: z.url(),
    tokenUrl: z.url(),
    userdataUrl: z.url(),
    usernameClaim: z.string().min(1).default("preferred_username"),
    scopes: z.array(z.string().min(1)).default(["openid", "profile", "email"]),
    /** Let every account the provider authenticates log in. */
    allowAll: z.boolean().default(false).describe("Let every account the provider authenticates log in."),
  }),
  z.strictObject({
    kind: z.literal("dummy"),
    admins: userList,
    allowedUsers: userList,
    /** One shared password for every user; local stacks only. */
    password: secret().optional(),
  }),
  z.strictObject({
    kind: z.literal("workshop"),
    /** Instructors: admins of the hub. They must be participants too. The participants are the allow list. */
    admins: userList,
    /** username → password, each a secure value: `pulumi config set --secret --path 'hubfleet:hub.auth.participants.alice' …`. */
    participants: z
      .record(
        // No '.': `pulumi config set --path 'hubfleet:hub.auth.participants.a.b'` would address a nested key.
        z
          .string()
          .regex(
            /^[a-z][a-z0-9_-]{0,31}$/,
            "usernames must be lowercase letters, digits, '_' or '-', start with a letter, at most 32 characters",
          ),
        secret(),
      )
      .default({}),
  }),
  z.strictObject({
    kind: z.literal("openhexa"),
    /** The OpenHexa App's https origin, such as https://app.openhexa.example.org (checked beside the component). */
    appUrl: z
      .string()
      .min(1)
      .describe("The OpenHexa App's https origin, such as https://app.openhexa.example.org (checked beside the component)."),
    /** The App's credentials view, a path on appUrl. */
    credentialsPath: z.string().min(1).default("/notebooks/credentials/").describe("The App's credentials view, a path on appUrl."),
    /** The App's (Django) session cookie. */
    sessionCookieName: z.string().min(1).default("sessionid").describe("The App's (Django) session cookie."),
    /** App usernames who are hub admins; whoever the App vouches for may log in. */
    admins: userList,
  }),
]);

const profile = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(""),
  default: z.boolean().default(false),
  image: imageChoice.optional(),
  cpu: z.strictObject({ guarantee: cpu, limit: cpu }).optional(),
  memory: z.strictObject({ guarantee: memory, limit: memory }).optional(),
  /** GPUs per user server; the server goes to the GPU pool. */
  gpus: z.number().int().min(1).max(8).optional().describe("GPUs per user server; the server goes to the GPU pool."),
});

const singleuser = z.strictObject({
  image: imageChoice.default({ external: "quay.io/jupyter/scipy-notebook:2025-10-20" }),
  cpu: z.strictObject({ guarantee: cpu.default(0.5), limit: cpu.default(2) }).default({ guarantee: 0.5, limit: 2 }),
  memory: z.strictObject({ guarantee: memory.default("1G"), limit: memory.default("2G") }).default({ guarantee: "1G", limit: "2G" }),
  defaultUrl: z.string().startsWith("/", "must be a path such as /lab").default("/lab"),
  storage: storageQuantity.default("10Gi"),
  /** Plain (non-secret) environment for notebook servers. */
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"), z.string())
    .default({})
    .describe("Plain (non-secret) environment for notebook servers."),
  profiles: z.array(profile).default([]),
  /** JupyterLab's autosave interval for every user, in seconds. */
  autosaveSeconds: z.number().int().min(1).max(3600).optional().describe("JupyterLab's autosave interval for every user, in seconds."),
});

const culling = z.strictObject({
  enabled: z.boolean().default(true),
  /** Seconds of inactivity before a server is stopped. */
  timeout: z.number().int().min(60).default(3600).describe("Seconds of inactivity before a server is stopped."),
  /** Seconds between checks. */
  every: z.number().int().min(10).default(600).describe("Seconds between checks."),
  /** Seconds after which a server is stopped even if active; 0 is never. */
  maxAge: z.number().int().min(0).default(0).describe("Seconds after which a server is stopped even if active; 0 is never."),
});

const hubScheduling = z.strictObject({
  userScheduler: z.boolean().default(true),
  podPriority: z.boolean().default(true),
  /** Placeholder pods holding room for this many users, so that they start without waiting for a node. */
  userPlaceholders: z
    .number()
    .int()
    .min(0)
    .max(500)
    .default(0)
    .describe("Placeholder pods holding room for this many users, so that they start without waiting for a node."),
});

/** The Renku-style preset: servers started from GitLab projects (needs hub.auth.kind gitlab). */
const renku = z.strictObject({
  /** The branch, tag or commit offered first in the spawn form. */
  defaultRef: z.string().min(1).default("main").describe("The branch, tag or commit offered first in the spawn form."),
  /** GitLab project paths (group/project) offered in the form; empty lets users type any path they can read. */
  projects: z
    .array(z.string().min(1))
    .default([])
    .describe("GitLab project paths (group/project) offered in the form; empty lets users type any path they can read."),
  /** A home volume besides the clone; off because git is the persistence. */
  homeVolume: z.boolean().default(false).describe("A home volume besides the clone; off because git is the persistence."),
  /** Push uncommitted work to renku/autosave/<user>/<ref> when a server stops. */
  autosave: z.boolean().default(true).describe("Push uncommitted work to renku/autosave/<user>/<ref> when a server stops."),
  /** The clone's emptyDir size limit. */
  repoSizeLimit: storageQuantity.default("10Gi"),
  /** The image that clones (python3 and git, git-lfs for LFS); hub.singleuser.image when unset. */
  cloneImage: image.optional(),
  /** The spawn form's server options (non-empty lists; the first is the default). */
  choices: z
    .strictObject({
      cpu: z.array(cpu).default([0.5, 1]),
      memory: z.array(memory).default(["1G", "2G"]),
      gpu: z.array(z.number().int().min(0).max(8)).default([0]),
      defaultUrl: z.array(z.string().startsWith("/", "must be a path such as /lab")).default(["/lab"]),
    })
    .default({ cpu: [0.5, 1], memory: ["1G", "2G"], gpu: [0], defaultUrl: ["/lab"] }),
});

const hub = z.strictObject({
  auth,
  singleuser: singleuser.default(singleuser.parse({})),
  culling: culling.default(culling.parse({})),
  scheduling: hubScheduling.default(hubScheduling.parse({})),
  renku: renku.optional(),
  /** Welcome files copied into a user's home on the first start only, never over a user's file. */
  homeSeed: z
    .array(z.strictObject({ path: z.string().min(1), content: z.string() }))
    .default([])
    .describe("Welcome files copied into a user's home on the first start only, never over a user's file."),
});

// ---------------------------------------------------------------------------
// Images and services
// ---------------------------------------------------------------------------

const images = z.strictObject({
  /** Where built images are pushed; the cluster's cloud picks the kind. */
  registry: z
    .strictObject({
      gcp: z.strictObject({ keepVersions: z.number().int().min(1).default(10) }).default({ keepVersions: 10 }),
      digitalocean: z
        .strictObject({
          /** The account's one registry (`registry.digitalocean.com/<name>`); required on doks when anything is built. */
          registryName: z
            .string()
            .min(1)
            .optional()
            .describe("The account's one registry (`registry.digitalocean.com/<name>`); required on doks when anything is built."),
          /** Create it in this stack; otherwise another stack of the account made it. */
          create: z.boolean().default(false).describe("Create it in this stack; otherwise another stack of the account made it."),
          tier: z.enum(["basic", "professional"]).default("basic"),
          credentialExpirySeconds: z.number().int().min(600).default(3600),
        })
        .default({ create: false, tier: "basic", credentialExpirySeconds: 3600 }),
      local: z.strictObject({ address: z.string().min(1).default("localhost:5001") }).default({ address: "localhost:5001" }),
    })
    .default({
      gcp: { keepVersions: 10 },
      digitalocean: { create: false, tier: "basic", credentialExpirySeconds: 3600 },
      local: { address: "localhost:5001" },
    }),
  /** sharedCluster stacks: the images of images/ built once for every tenant of the cluster. */
  build: z
    .array(z.string().min(1))
    .default([])
    .describe("sharedCluster stacks: the images of images/ built once for every tenant of the cluster."),
});

const requestLimit = z.strictObject({ request: z.string().min(1), limit: z.string().min(1) });

const dashboard = z.strictObject({
  enabled: z.boolean().default(false),
  /** Who may open it; default hub.auth.admins. */
  instructors: z.array(z.string().min(1)).optional().describe("Who may open it; default hub.auth.admins."),
  instructorGroups: z.array(z.string().min(1)).default([]),
  /** volume: a small volume of its own (a database of its own is not wired yet). */
  storage: z.enum(["volume"]).default("volume").describe("volume: a small volume of its own (a database of its own is not wired yet)."),
  volumeSize: storageQuantity.default("1Gi"),
  cpu: requestLimit.optional(),
  memory: requestLimit.optional(),
  /** How long a save waits for the dashboard before giving up, in seconds. */
  hookTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(30)
    .default(3)
    .describe("How long a save waits for the dashboard before giving up, in seconds."),
});

/** The Knowledge Repo add-on (docs/knowledge-repo.md); its image is built from images/knowledge-repo. */
const knowledgeRepo = z.strictObject({
  serviceName: z
    .string()
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label")
    .max(40)
    .default("knowledge"),
  workers: z.number().int().min(1).max(8).default(2),
  git: z.strictObject({
    url: z.string().min(1),
    ref: z.string().min(1).default("HEAD"),
    periodSeconds: z.number().int().min(10).max(86_400).default(60),
    auth: z
      .discriminatedUnion("kind", [
        z.strictObject({ kind: z.literal("none") }),
        z.strictObject({ kind: z.literal("ssh"), deployKey: secret(), knownHosts: z.string().min(1) }),
        z.strictObject({ kind: z.literal("token"), username: z.string().min(1).default("git"), token: secret() }),
      ])
      .default({ kind: "none" }),
  }),
  login: z.strictObject({
    clientId: z.string().min(1),
    clientSecret: secret(),
    allowedDomains: z.array(hostname).min(1),
  }),
  anonymous: z
    .strictObject({
      viewIndex: z.boolean().default(false),
      viewPost: z.boolean().default(false),
      viewStats: z.boolean().default(false),
      viewTags: z.boolean().default(false),
      downloads: z.boolean().default(false),
    })
    .default({ viewIndex: false, viewPost: false, viewStats: false, viewTags: false, downloads: false }),
});

/** A service beside the hub (components/services/hub-service-spec.ts's HubServiceSpec; checked beside it). */
const customService = z.strictObject({
  name: z.string().min(1),
  /** `{ build: <service image of images/> }` or `{ external: "<reference pinned by tag or digest>" }`. */
  image: z
    .union([z.strictObject({ build: z.string().min(1) }), z.strictObject({ external: z.string().min(1) })])
    .describe('`{ build: <service image of images/> }` or `{ external: "<reference pinned by tag or digest>" }`.'),
  port: z.number().int(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  /** Plain settings only. */
  env: z.record(z.string(), z.string()).default({}).describe("Plain settings only."),
  /** Secret settings, each a secure value, handed to the container through a Secret of its own. */
  secretEnv: z
    .record(z.string(), secret())
    .default({})
    .describe("Secret settings, each a secure value, handed to the container through a Secret of its own."),
  apiToken: z.boolean().default(false),
  scopes: z.array(z.string().min(1)).default([]),
  web: z.strictObject({ oauth: z.boolean().default(true) }).optional(),
  access: z.strictObject({ users: z.array(z.string().min(1)).default([]), groups: z.array(z.string().min(1)).default([]) }).optional(),
  fromNotebooks: z.boolean().default(false),
  healthPath: z.string().min(1),
  cpu: requestLimit.default({ request: "50m", limit: "500m" }),
  memory: requestLimit.default({ request: "128Mi", limit: "256Mi" }),
  volume: z.strictObject({ size: z.string().min(1), mountPath: z.string().min(1) }).optional(),
});

const services = z.strictObject({
  /** PipalHub's instructor dashboard, told of every notebook save. */
  dashboard: dashboard.default(dashboard.parse({})),
  /** Further services beside the hub (docs/services.md). */
  custom: z.array(customService).default([]).describe("Further services beside the hub (docs/services.md)."),
});

// ---------------------------------------------------------------------------
// The stack
// ---------------------------------------------------------------------------

export const stackConfigSchema = z.strictObject({
  /** tenant: a whole estate. sharedCluster: only a cluster that tenant stacks reference. */
  role: z
    .enum(stackRoles)
    .default("tenant")
    .describe("tenant: a whole estate. sharedCluster: only a cluster that tenant stacks reference."),
  tenant,
  cluster,
  database: database.default(database.parse({})),
  storage: storage.default(storage.parse({})),
  endpoint: endpoint.default({}),
  hub: hub.optional(),
  images: images.default(images.parse({})),
  services: services.default(services.parse({})),
  knowledgeRepo: knowledgeRepo.optional(),
  gcp: gcp.optional(),
  aws: aws.optional(),
  digitalocean: digitalocean.optional(),
});

export type StackConfigInput = z.input<typeof stackConfigSchema>;
type ParsedShape = z.output<typeof stackConfigSchema>;

export type TenantSettings = ParsedShape["tenant"];
export type ClusterSettings = ParsedShape["cluster"];
export type DatabaseSettings = ParsedShape["database"];
export type StorageSettings = ParsedShape["storage"];
export type EndpointSettings = ParsedShape["endpoint"];
export type HubSettings = NonNullable<ParsedShape["hub"]>;
export type AuthSettings = HubSettings["auth"];
export type SingleuserSettings = HubSettings["singleuser"];
export type ProfileSettings = SingleuserSettings["profiles"][number];
export type GcpSettings = NonNullable<ParsedShape["gcp"]>;
export type AwsSettings = NonNullable<ParsedShape["aws"]>;
export type DigitalOceanSettings = NonNullable<ParsedShape["digitalocean"]>;
export type { ClusterKind, DatabaseKind, StorageKind } from "../kinds/capabilities";

/** The config after the schema's defaults; kinds that default by cluster kind are resolved by the plan. */
export type StackConfig = ParsedShape;

/** Compiles only while the schema's hub settings are the hub component's own spec. */
export const hubSettingsAreHubSpec = (settings: HubSettings): HubSpec => settings;
