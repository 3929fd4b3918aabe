/**
 * The plan: from the parsed config to every component's arguments, with every rule
 * checked. Pure: it registers nothing and imports no Pulumi resource, so a stack
 * with a mistake fails here, all mistakes at once, each keyed by its config path,
 * before anything exists.
 *
 * Rules live once. Those that belong to a component sit beside it as a
 * `<component>Problems(args)` function; the plan calls it and maps each argument
 * back to the config key that set it. Rules that span config keys live here.
 */
import type { DoksClusterArgs } from "../components/cluster/doks";
import { doksClusterProblems } from "../components/cluster/doks";
import type { GkeClusterArgs } from "../components/cluster/gke";
import { gkeClusterProblems } from "../components/cluster/gke";
import { gkeTenantClusterProblems, type GkeTenantClusterArgs } from "../components/cluster/gke-tenant";
import type { LocalClusterArgs } from "../components/cluster/local";
import { cloudSqlProblems, type CloudSqlPostgresArgs } from "../components/database/cloudsql";
import { digitalOceanPostgresProblems, type DigitalOceanPostgresArgs } from "../components/database/digitalocean";
import { externalPostgresProblems, type ExternalPostgresArgs } from "../components/database/external";
import type { InClusterPostgresArgs } from "../components/database/incluster";
import { digitalOceanEndpointProblems, type DigitalOceanEndpointArgs } from "../components/endpoint/digitalocean";
import { gcpEndpointProblems, type GcpEndpointArgs } from "../components/endpoint/gcp";
import { route53RecordsProblems, type Route53Zone } from "../components/endpoint/route53";
import { openhexaLoginProblems } from "../components/hub/openhexa";
import { renkuPresetProblems } from "../components/hub/renku";
import { OAUTH_KINDS, type HubSpec } from "../components/hub/spec";
import { artifactRegistryProblems } from "../components/images/artifact-registry";
import { imageBuildPlan, imageChoiceProblems, type ImageChoice } from "../components/images/choice";
import { digitalOceanRegistryProblems, type DigitalOceanRegistryArgs } from "../components/images/digitalocean-registry";
import { homeSeedProblems } from "../components/images/home-seed";
import { imageNameProblems, serviceImageNameProblems } from "../components/images/image";
import { pinnedReferenceProblems } from "../components/images/reference";
import { hubServiceListProblems, type HubServiceSpec } from "../components/services/hub-service-spec";
import type { LocalRegistryArgs } from "../components/images/local-registry";
import { dashboardProblems, type DashboardArgs } from "../components/services/dashboard";
import type { KnowledgeRepoArgs } from "../components/services/knowledge-repo";
import { knowledgeRepoProblems } from "../components/services/knowledge-repo-spec";
import { hubReleaseName, ownerLabels, ownerTagList, ownerTags, tenantNamespace } from "../components/naming";
import type { GcpNetworkArgs } from "../components/network/gcp";
import type { ArgProblem } from "../components/problems";
import type { SecretInput } from "../components/secret";
import type { MinioStoreArgs } from "../components/storage/minio";
import { s3StorageProblems, type S3StorageArgs, type SharedPiece } from "../components/storage/s3";
import { s3FleetSharedProblems, type S3FleetSharedArgs } from "../components/storage/s3-fleet";
import { ConfigError, NAMESPACE, formatKeyPath, parseStackConfig, type RawStackConfig } from "./config/load";
import type { StackConfig } from "./config/schema";
import {
  CLUSTER_CAPABILITIES,
  SHAREABLE_CLUSTER_KINDS,
  defaultS3Credentials,
  type DatabaseKind,
  type S3CredentialKind,
  type StorageKind,
} from "./kinds/capabilities";

export type ConfigPath = readonly (string | number)[];

export interface Problem {
  readonly path: ConfigPath;
  readonly message: string;
}

export type ClusterPlan =
  | { readonly kind: "local"; readonly args: LocalClusterArgs }
  | { readonly kind: "gke"; readonly network: GcpNetworkArgs; readonly args: Omit<GkeClusterArgs, "network"> }
  | { readonly kind: "doks"; readonly args: DoksClusterArgs }
  | {
      readonly kind: "shared";
      /** The cluster stack, read through one StackReference. */
      readonly stack: string;
      /** Project and region the stack file states; they must agree with the cluster stack's. */
      readonly expected: { readonly project?: string; readonly region?: string };
      readonly args: Omit<GkeTenantClusterArgs, "clusterStack">;
    };

export type DatabasePlan =
  | { readonly kind: "incluster"; readonly args: Omit<InClusterPostgresArgs, "namespace" | "storageClass"> }
  | {
      readonly kind: "cloudsql";
      readonly args: Omit<CloudSqlPostgresArgs, "project" | "region" | "network" | "privateServicesAccess" | "kubernetesProvider">;
    }
  | {
      readonly kind: "digitalocean";
      readonly args: Omit<DigitalOceanPostgresArgs, "region" | "vpcId" | "kubernetesClusterId" | "namespace">;
    }
  /** No database server: the hub on SQLite on a small volume, no explore database. */
  | { readonly kind: "none" }
  | {
      readonly kind: "external";
      /** The admin password stays a config secret until the builder hands its value to the component. */
      readonly args: Omit<ExternalPostgresArgs, "admin"> & {
        readonly admin: { readonly user: string; readonly password: SecretInput; readonly database: string };
      };
    };

export type StorageCredentialPlan = { readonly kind: "accessKey" } | { readonly kind: "webIdentity"; readonly oidcProvider: SharedPiece };

export type StoragePlan =
  | { readonly kind: "minio"; readonly args: Omit<MinioStoreArgs, "namespace" | "storageClass"> }
  | { readonly kind: "s3"; readonly args: Omit<S3StorageArgs, "credentials">; readonly credentials: StorageCredentialPlan };

/** The hub's records in an AWS Route53 zone, instead of the cloud's own DNS (the estate's aws provider). */
export interface Route53Plan {
  readonly hostname: string;
  readonly zone: Route53Zone;
}

export type EndpointPlan =
  | { readonly kind: "local"; readonly hostname?: string }
  | { readonly kind: "gcp"; readonly args: Omit<GcpEndpointArgs, "project" | "region">; readonly route53?: Route53Plan }
  | { readonly kind: "digitalocean"; readonly args: Omit<DigitalOceanEndpointArgs, "region" | "vpcId">; readonly route53?: Route53Plan };

/** Where this stack pushes the images it builds, by the cluster's cloud. */
export type RegistryPlan =
  | { readonly kind: "gcp"; readonly keepVersions: number }
  | { readonly kind: "digitalocean"; readonly args: DigitalOceanRegistryArgs }
  | { readonly kind: "local"; readonly args: LocalRegistryArgs }
  /** The cluster stack's repository (a shared-cluster tenant's own added packages). */
  | { readonly kind: "shared"; readonly keepVersions: number };

export interface ImagesPlan {
  /** The default server's choice, then each profile's own (profiles without one are absent). */
  readonly choices: readonly ImageChoice[];
  /** Service images of `images/` built here (dashboard). */
  readonly serviceImages: readonly string[];
  /** Absent when nothing is built here. */
  readonly registry?: RegistryPlan;
  /** On a shared cluster: the images of `images/` the cluster stack built, referenced by digest. */
  readonly fromClusterStack: readonly string[];
}

/** The workshop dashboard's arguments, less the image the estate builds. */
export type DashboardPlan = Omit<DashboardArgs, "image"> & { readonly hookTimeoutSeconds: number };

/** The Knowledge Repo's arguments that config sets; the estate adds the namespace, database, image and credentials' values. */
export type KnowledgeRepoPlan = Pick<
  KnowledgeRepoArgs,
  "serviceName" | "git" | "googleClientId" | "allowedDomains" | "anonymous" | "workers"
> & {
  readonly hostname: string;
  readonly gitCredential?: SecretInput;
  readonly googleClientSecret: SecretInput;
};

/** A declared service: its spec (the image a stand-in until built or given), its image choice and its secret settings. */
export interface CustomServicePlan {
  readonly spec: HubServiceSpec;
  readonly image: { readonly build: string } | { readonly external: string };
  /** Variable → secure value; the estate keeps them in the Secret `secretName`. */
  readonly secretEnv: Readonly<Record<string, SecretInput>>;
  readonly secretName: string;
}

/** The database and login the Knowledge Repo gets beside hub and explore. */
export const KNOWLEDGE_DATABASE = "knowledge";

/** The providers the estate makes once and hands down; absent ones are not needed. */
export interface ProvidersPlan {
  /** Project and region: from the stack file, or (a shared-cluster tenant) from the cluster stack. */
  readonly gcp?: { readonly project?: string; readonly region?: string; readonly defaultLabels: Readonly<Record<string, string>> };
  readonly aws?: { readonly region: string; readonly defaultTags: Readonly<Record<string, string>> };
  readonly digitalocean?: { readonly tags: readonly string[] };
}

export interface TenantPlan {
  readonly namespace: string;
  readonly releaseName: string;
  readonly database: DatabasePlan;
  readonly storage?: StoragePlan;
  readonly endpoint: EndpointPlan;
  readonly hub: HubSpec;
  readonly images: ImagesPlan;
  readonly dashboard?: DashboardPlan;
  readonly knowledgeRepo?: KnowledgeRepoPlan;
  readonly customServices: readonly CustomServicePlan[];
}

export interface EstatePlan {
  readonly role: "tenant" | "sharedCluster";
  readonly name: string;
  readonly protect: boolean;
  readonly providers: ProvidersPlan;
  readonly cluster: ClusterPlan;
  /** A tenant's namespace, database, storage, endpoint and hub; absent on a cluster stack. */
  readonly tenant?: TenantPlan;
  /** A cluster stack's public bucket and OIDC provider, which every tenant reads. */
  readonly fleetStorage?: Omit<S3FleetSharedArgs, "issuer"> & { readonly oidcProvider: boolean };
  /** A cluster stack's images, built once for every tenant, and their registry. */
  readonly sharedImages?: { readonly builds: readonly string[]; readonly registry: RegistryPlan };
}

export type PlanResult = { readonly ok: true; readonly plan: EstatePlan } | { readonly ok: false; readonly problems: readonly string[] };

/** `hubfleet:<key path>: message`, the one form every config mistake takes. */
export function formatProblem(problem: Problem): string {
  return `${NAMESPACE}:${formatKeyPath(problem.path) || "<root>"}: ${problem.message}`;
}

/** A component's problems, each at the config key that set the argument (`fallback` for any other). */
function atConfigKeys(problems: readonly ArgProblem[], keys: Readonly<Record<string, ConfigPath>>, fallback: ConfigPath): Problem[] {
  return problems.map((p) => ({ path: keys[p.arg] ?? fallback, message: p.message }));
}

/** Compares two cpu counts or two K/M/G/T memory sizes. */
export function compareAmounts(a: number | string, b: number | string): number {
  const units: Record<string, number> = { K: 1, M: 1024, G: 1024 ** 2, T: 1024 ** 3 };
  const toNumber = (v: number | string) => (typeof v === "number" ? v : Number.parseFloat(v) * (units[v.slice(-1)] ?? 1));
  return toNumber(a) - toNumber(b);
}

export function plan(config: StackConfig): PlanResult {
  const problems: Problem[] = [];
  const report = (path: ConfigPath, message: string) => problems.push({ path, message });
  const kind = config.cluster.kind;
  const capabilities = CLUSTER_CAPABILITIES[kind];
  const tenantName = config.tenant.name;
  const protect = config.tenant.protection === "production";
  const labels = ownerLabels(tenantName, config.tenant.labels);

  if (capabilities.cloudSettings === "gcp" && kind !== "shared" && !config.gcp) {
    report(["gcp"], `is required when cluster.kind is ${kind}: set gcp.project and gcp.region`);
  }
  if (capabilities.cloudSettings === "digitalocean" && !config.digitalocean) {
    report(["digitalocean"], `is required when cluster.kind is ${kind}: set digitalocean.region`);
  }

  let cluster = clusterPlan(config, report, labels);
  const storageKind: StorageKind = config.storage.kind ?? capabilities.defaultStorage;
  const route53 = config.endpoint.route53Zone !== undefined;
  const providers: ProvidersPlan = {
    ...(capabilities.cloud === "gcp" ? { gcp: { project: config.gcp?.project, region: config.gcp?.region, defaultLabels: labels } } : {}),
    ...(capabilities.cloud === "digitalocean" ? { digitalocean: { tags: digitalOceanTags(config) } } : {}),
    ...((storageKind === "s3" || route53) && config.aws
      ? { aws: { region: config.aws.region, defaultTags: ownerTags(tenantName, config.tenant.labels) } }
      : {}),
  };
  if (storageKind === "s3" && !config.aws) report(["aws"], "is required when storage.kind is s3: set aws.region");
  if (route53 && storageKind !== "s3" && !config.aws)
    report(["aws"], "is required with endpoint.route53Zone: set aws.region (the provider for the account holding the zone)");
  if (!capabilities.storages.includes(storageKind)) {
    report(["storage", "kind"], `${storageKind} does not fit cluster.kind ${kind}; use ${capabilities.storages.join(", ")}`);
  }

  let tenant: TenantPlan | undefined;
  let fleetStorage: EstatePlan["fleetStorage"];
  let sharedImages: EstatePlan["sharedImages"];
  if (config.role === "sharedCluster") {
    config.images.build.forEach((image, index) => {
      for (const message of imageNameProblems(image)) report(["images", "build", index], message);
    });
    const registry = registryPlan(config, report);
    if (registry) sharedImages = { builds: [...new Set(config.images.build)].sort(), registry };
    if (config.services.dashboard.enabled)
      report(["services", "dashboard", "enabled"], "is true, but a sharedCluster stack holds no hub; enable it on a tenant stack");
    if (config.knowledgeRepo)
      report(["knowledgeRepo"], "is set, but a sharedCluster stack holds no hub or database; add it to a tenant stack");
    if (config.services.custom.length > 0)
      report(["services", "custom"], "is set, but a sharedCluster stack holds no hub; declare services on a tenant stack");
    if (!SHAREABLE_CLUSTER_KINDS.includes(kind)) {
      report(
        ["cluster", "kind"],
        `is ${kind}, but no tenant kind runs on a shared ${kind} cluster; a sharedCluster stack uses ${SHAREABLE_CLUSTER_KINDS.join(" or ")}`,
      );
    }
    if (config.hub) report(["hub"], "is set, but a sharedCluster stack holds no hub; tenants reference it with cluster.kind: shared");
    if (storageKind !== "none" && storageKind !== "s3")
      report(["storage", "kind"], `is ${storageKind}; a sharedCluster stack holds only the fleet's S3 pieces (s3) or none`);
    if (storageKind === "s3") {
      const s3 = config.storage.s3;
      fleetStorage = {
        owner: tenantName,
        bucketPrefix: s3.bucketPrefix,
        protection: config.tenant.protection,
        oidcProvider: capabilities.publishesIssuer,
      };
      problems.push(
        ...atConfigKeys(s3FleetSharedProblems(fleetStorage), { bucketPrefix: ["storage", "s3", "bucketPrefix"] }, ["storage", "s3"]),
      );
    }
  } else if (!config.hub) {
    report(["hub"], "is required for a tenant stack: set at least hub.auth");
  } else {
    tenant = tenantPlan(config, config.hub, storageKind, report, problems, labels);
    if (config.images.build.length > 0)
      report(["images", "build"], "is for sharedCluster stacks; a tenant chooses its images in hub.singleuser.image and profiles");
  }
  // DOKS nodes pull from the account's registry through the cluster's registry integration.
  if (cluster?.kind === "doks" && tenant?.images.registry?.kind === "digitalocean") {
    cluster = { ...cluster, args: { ...cluster.args, registryIntegration: true } };
  }

  if (problems.length > 0) {
    const lines = [...new Set(problems.map(formatProblem))].sort();
    return { ok: false, problems: lines };
  }
  if (!cluster) throw new Error("plan: no cluster plan although no problem was reported");
  return {
    ok: true,
    plan: {
      role: config.role,
      name: tenantName,
      protect,
      providers,
      cluster,
      tenant,
      fleetStorage,
      ...(sharedImages ? { sharedImages } : {}),
    },
  };
}

/** Raw config to plan, or a ConfigError naming every mistake: the schema's and the plan's. */
export function planStack(raw: RawStackConfig): EstatePlan {
  const result = plan(parseStackConfig(raw));
  if (!result.ok) throw new ConfigError(result.problems);
  return result.plan;
}

type Report = (path: ConfigPath, message: string) => void;

/** DigitalOcean tags: the owner's, then the tenant's labels as `key:value`. */
export function digitalOceanTags(config: StackConfig): string[] {
  const labels = Object.entries(config.tenant.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => (value === "" ? key : `${key}:${value}`));
  return [...ownerTagList(config.tenant.name), ...labels];
}

function clusterPlan(config: StackConfig, report: Report, labels: Record<string, string>): ClusterPlan | undefined {
  const name = config.tenant.name;
  const protect = config.tenant.protection === "production";
  const { systemPool, userPool } = config.cluster;
  const poolKeys = (component: string, machineKey: string | undefined): Record<string, ConfigPath> => ({
    [`${component}.minNodes`]: ["cluster", component, "minNodes"],
    [`${component}.maxNodes`]: ["cluster", component, "maxNodes"],
    ...(machineKey ? { [`${component}.size`]: ["cluster", "doks", machineKey] } : {}),
  });
  switch (config.cluster.kind) {
    case "local": {
      const context = config.cluster.local.context;
      if (!context) {
        report(
          ["cluster", "local", "context"],
          "is required with kind local: name the kube context to deploy to (kind-hubfleet for `kind create cluster --name hubfleet`), so that a stack never follows whatever context is current",
        );
        return undefined;
      }
      return { kind: "local", args: { context, storageClass: config.cluster.local.storageClass } };
    }
    case "gke": {
      const gke = config.cluster.gke;
      const project = config.gcp?.project ?? "";
      const region = config.gcp?.region ?? "";
      const args: Omit<GkeClusterArgs, "network"> = {
        tenant: name,
        project,
        region,
        zone: gke.zone,
        releaseChannel: gke.releaseChannel,
        systemPool: { machineType: gke.systemMachineType, ...systemPool },
        userPool: { machineType: gke.userMachineType, ...userPool },
        gpu: gke.gpu,
        diskSizeGb: gke.diskSizeGb,
        privateNodes: gke.privateNodes,
        authorizedNetworks: gke.authorizedNetworks,
        protect,
        labels,
      };
      if (config.gcp) {
        for (const p of atConfigKeys(
          gkeClusterProblems(args),
          { zone: ["cluster", "gke", "zone"], ...poolKeys("systemPool", undefined), ...poolKeys("userPool", undefined) },
          ["cluster"],
        )) {
          report(p.path, p.message);
        }
      }
      // The network's owner peers it once; a shared cluster's tenants each put an instance on it.
      const privateServicesAccess =
        config.role === "sharedCluster" || (config.database.kind ?? CLUSTER_CAPABILITIES.gke.defaultDatabase) === "cloudsql";
      return { kind: "gke", network: { tenant: name, project, region, cloudNat: gke.privateNodes, privateServicesAccess }, args };
    }
    case "doks": {
      const doks = config.cluster.doks;
      const args: DoksClusterArgs = {
        tenant: name,
        region: config.digitalocean?.region ?? "",
        version: doks.version,
        maintenance: doks.maintenance,
        highAvailability: doks.highAvailability ?? protect,
        protect,
        destroyAssociatedResources: !protect,
        systemPool: { size: doks.systemSize, ...systemPool },
        userPool: { size: doks.userSize, ...userPool },
        tags: digitalOceanTags(config),
      };
      for (const p of atConfigKeys(
        doksClusterProblems(args),
        {
          version: ["cluster", "doks", "version"],
          "maintenance.startTime": ["cluster", "doks", "maintenance", "startTime"],
          ...poolKeys("systemPool", "systemSize"),
          ...poolKeys("userPool", "userSize"),
        },
        ["cluster", "doks"],
      )) {
        report(p.path, p.message);
      }
      return { kind: "doks", args };
    }
    case "shared": {
      const shared = config.cluster.shared;
      if (!shared) {
        report(["cluster", "shared"], "is required when cluster.kind is shared: set cluster.shared.stack to the cluster stack");
        return undefined;
      }
      const args: Omit<GkeTenantClusterArgs, "clusterStack"> = {
        tenant: name,
        ownUserPool: shared.ownUserPool
          ? { machineType: config.cluster.gke.userMachineType, diskSizeGb: config.cluster.gke.diskSizeGb, ...userPool }
          : undefined,
        labels,
      };
      for (const p of atConfigKeys(
        gkeTenantClusterProblems(args),
        { "ownUserPool.minNodes": ["cluster", "userPool", "minNodes"], "ownUserPool.maxNodes": ["cluster", "userPool", "maxNodes"] },
        ["cluster", "shared"],
      )) {
        report(p.path, p.message);
      }
      return { kind: "shared", stack: shared.stack, expected: { project: config.gcp?.project, region: config.gcp?.region }, args };
    }
  }
}

function tenantPlan(
  config: StackConfig,
  hub: NonNullable<StackConfig["hub"]>,
  storageKind: StorageKind,
  report: Report,
  problems: Problem[],
  labels: Record<string, string>,
): TenantPlan {
  const name = config.tenant.name;
  const kind = config.cluster.kind;
  const capabilities = CLUSTER_CAPABILITIES[kind];
  const protect = config.tenant.protection === "production";

  const databaseKind: DatabaseKind = config.database.kind ?? capabilities.defaultDatabase;
  if (!capabilities.databases.includes(databaseKind)) {
    report(["database", "kind"], `${databaseKind} does not fit cluster.kind ${kind}; use ${capabilities.databases.join(" or ")}`);
  }
  const database = databasePlan(config, databaseKind, problems, labels);

  let storage: StoragePlan | undefined;
  if (storageKind === "minio") {
    const minio = config.storage.minio;
    storage = {
      kind: "minio",
      args: { tenant: name, image: minio.image, clientImage: minio.clientImage, storage: minio.storage, protect },
    };
  } else if (storageKind === "s3") {
    storage = s3Plan(config, report, problems);
  } else if (
    config.storage.kind === undefined &&
    (config.storage.s3.publicBucket || config.storage.s3.oidcProvider || config.storage.s3.credentials)
  ) {
    report(["storage", "kind"], `is unset, so no storage is made (the default for ${kind}); set it to s3 to use storage.s3`);
  }

  const endpoint = endpointPlan(config, report, problems, labels);
  hubProblems(config, hub, report);
  const dashboard = dashboardPlan(config, hub, report);
  const knowledgeRepo = knowledgeRepoPlan(config, databaseKind, report);
  const customServices = customServicesPlan(config, report);
  const images = imagesPlan(config, hub, dashboard !== undefined, knowledgeRepo !== undefined, report, customServices);

  return {
    namespace: tenantNamespace(name),
    releaseName: hubReleaseName(name),
    // The Knowledge Repo's own database and login, isolated like hub and explore.
    database:
      knowledgeRepo && database.kind === "cloudsql"
        ? { ...database, args: { ...database.args, extraLogins: [KNOWLEDGE_DATABASE] } }
        : database,
    storage,
    endpoint,
    hub,
    images,
    ...(dashboard ? { dashboard } : {}),
    ...(knowledgeRepo ? { knowledgeRepo } : {}),
    customServices,
  };
}

/** Config paths of the image choices: the default server's, then each profile's own. */
function imageChoices(hub: NonNullable<StackConfig["hub"]>): { choice: ImageChoice; path: ConfigPath }[] {
  return [
    { choice: hub.singleuser.image, path: ["hub", "singleuser", "image"] },
    ...hub.singleuser.profiles.flatMap((profile, index) =>
      profile.image ? [{ choice: profile.image, path: ["hub", "singleuser", "profiles", index, "image"] }] : [],
    ),
  ];
}

function imagesPlan(
  config: StackConfig,
  hub: NonNullable<StackConfig["hub"]>,
  dashboard: boolean,
  knowledgeRepo: boolean,
  report: Report,
  customServices: readonly CustomServicePlan[] = [],
): ImagesPlan {
  const choices = imageChoices(hub);
  for (const { choice, path } of choices) {
    for (const message of imageChoiceProblems(choice)) report(path, message);
  }
  for (const message of homeSeedProblems(hub.homeSeed)) report(["hub", "homeSeed"], message);
  const builds = imageBuildPlan(
    config.tenant.name,
    choices.map((c) => c.choice),
  );
  const serviceImages = [
    ...new Set([
      ...(dashboard ? ["dashboard"] : []),
      ...(knowledgeRepo ? ["knowledge-repo"] : []),
      ...customServices.flatMap((service) => ("build" in service.image ? [service.image.build] : [])),
    ]),
  ];
  const fromClusterStack = config.cluster.kind === "shared" ? builds.builds : [];
  const buildsHere = builds.builds.length - fromClusterStack.length + builds.derived.length + serviceImages.length > 0;
  const registry = buildsHere ? registryPlan(config, report) : undefined;
  return { choices: choices.map((c) => c.choice), serviceImages, fromClusterStack, ...(registry ? { registry } : {}) };
}

/** The registry of the cluster's cloud, with its settings checked. */
function registryPlan(config: StackConfig, report: Report): RegistryPlan | undefined {
  const settings = config.images.registry;
  const capabilities = CLUSTER_CAPABILITIES[config.cluster.kind];
  if (config.cluster.kind === "shared") return { kind: "shared", keepVersions: settings.gcp.keepVersions };
  switch (capabilities.cloud) {
    case "gcp":
      for (const message of artifactRegistryProblems({
        tenant: config.tenant.name,
        project: "",
        location: "",
        keepVersions: settings.gcp.keepVersions,
        readers: ["nodes"],
        labels: {},
      })) {
        report(["images", "registry", "gcp", "keepVersions"], message);
      }
      return { kind: "gcp", keepVersions: settings.gcp.keepVersions };
    case "digitalocean": {
      const docr = settings.digitalocean;
      if (!docr.registryName) {
        report(
          ["images", "registry", "digitalocean", "registryName"],
          "is required to build images on doks: name the account's container registry (create: true to make it in this stack)",
        );
        return undefined;
      }
      const args: DigitalOceanRegistryArgs = {
        registryName: docr.registryName,
        create: docr.create,
        tier: docr.tier,
        region: config.digitalocean?.region ?? "",
        credentialExpirySeconds: docr.credentialExpirySeconds,
      };
      for (const message of digitalOceanRegistryProblems(args)) report(["images", "registry", "digitalocean"], message);
      return { kind: "digitalocean", args };
    }
    case "local":
      return { kind: "local", args: { address: settings.local.address } };
  }
}

function dashboardPlan(config: StackConfig, hub: NonNullable<StackConfig["hub"]>, report: Report): DashboardPlan | undefined {
  const settings = config.services.dashboard;
  if (!settings.enabled) return undefined;
  const auth = hub.auth;
  const plan: DashboardPlan = {
    instructors: settings.instructors ?? auth.admins,
    instructorGroups: settings.instructorGroups,
    storage: { kind: "volume", size: settings.volumeSize },
    ...(settings.cpu ? { cpu: settings.cpu } : {}),
    ...(settings.memory ? { memory: settings.memory } : {}),
    hookTimeoutSeconds: settings.hookTimeoutSeconds,
  };
  const participants = auth.kind === "workshop" ? Object.keys(auth.participants) : undefined;
  // The image is built by the estate; a stand-in reference lets the service's own rules run here.
  for (const problem of dashboardProblems({ ...plan, image: "images/dashboard" }, participants)) {
    const path =
      problem.path === "volume.size"
        ? ["volumeSize"]
        : problem.path.split(".").map((part) => (/^[0-9]+$/.test(part) ? Number(part) : part));
    report(["services", "dashboard", ...path], problem.message);
  }
  return plan;
}

function databasePlan(config: StackConfig, kind: DatabaseKind, problems: Problem[], labels: Record<string, string>): DatabasePlan {
  const name = config.tenant.name;
  const protect = config.tenant.protection === "production";
  const postgis = config.database.explorePostgis;
  if (kind !== "external" && config.database.external) {
    problems.push({
      path: ["database", "external"],
      message: `is set, but database.kind is ${kind}; set database.kind: external to use it`,
    });
  }
  switch (kind) {
    case "none":
      if (postgis)
        problems.push({ path: ["database", "explorePostgis"], message: "is true, but database.kind none has no explore database" });
      return { kind };
    case "external": {
      const settings = config.database.external;
      if (!settings) {
        problems.push({
          path: ["database", "external"],
          message: "is required when database.kind is external: set host and admin (user, and password as a secret)",
        });
        // Never built: the problem stops the plan.
        return { kind: "none" };
      }
      const args = { tenant: name, host: settings.host, port: settings.port, sslMode: settings.sslMode, admin: settings.admin, postgis };
      const externalKeys: Record<string, ConfigPath> = {
        host: ["database", "external", "host"],
        port: ["database", "external", "port"],
        sslMode: ["database", "external", "sslMode"],
      };
      for (const message of externalPostgresProblems({ ...args, admin: { user: settings.admin.user, password: "" } })) {
        problems.push({ path: externalKeys[message.split(" ")[0] ?? ""] ?? ["database", "external"], message });
      }
      return { kind, args };
    }
    case "incluster": {
      const settings = config.database.incluster;
      return { kind, args: { tenant: name, image: settings.image, storage: settings.storage, protect, postgis } };
    }
    case "cloudsql": {
      const settings = config.database.cloudsql;
      const args = {
        tenant: name,
        version: settings.version,
        tier: settings.tier,
        diskSizeGb: settings.diskSizeGb,
        highAvailability: settings.highAvailability,
        protect,
        labels,
        postgis,
      };
      problems.push(
        ...atConfigKeys(
          cloudSqlProblems({ ...args, project: "", region: "", network: "" }),
          {
            version: ["database", "cloudsql", "version"],
            tier: ["database", "cloudsql", "tier"],
            diskSizeGb: ["database", "cloudsql", "diskSizeGb"],
          },
          ["database", "cloudsql"],
        ),
      );
      return { kind, args };
    }
    case "digitalocean": {
      const settings = config.database.digitalocean;
      const args = {
        tenant: name,
        version: settings.version,
        size: settings.size,
        nodeCount: settings.nodeCount,
        protect,
        tags: digitalOceanTags(config),
        postgis,
      };
      problems.push(
        ...atConfigKeys(
          digitalOceanPostgresProblems({ ...args, region: "", vpcId: "", kubernetesClusterId: "", namespace: "" }),
          {
            version: ["database", "digitalocean", "version"],
            size: ["database", "digitalocean", "size"],
            nodeCount: ["database", "digitalocean", "nodeCount"],
          },
          ["database", "digitalocean"],
        ),
      );
      return { kind, args };
    }
  }
}

function s3Plan(config: StackConfig, report: Report, problems: Problem[]): StoragePlan {
  const s3 = config.storage.s3;
  const kind = config.cluster.kind;
  const clusterStack = kind === "shared" ? config.cluster.shared?.stack : undefined;
  const credentialKind: S3CredentialKind = s3.credentials ?? defaultS3Credentials(kind);
  // On a shared cluster the fleet's pieces belong to the cluster stack, never to one tenant.
  if (clusterStack && s3.publicBucket && "create" in s3.publicBucket) {
    report(
      ["storage", "s3", "publicBucket"],
      `is create, but on a shared cluster the public bucket belongs to the cluster stack (${clusterStack}), so that destroying one tenant never breaks another: leave it unset`,
    );
  }
  if (clusterStack && s3.oidcProvider && "create" in s3.oidcProvider) {
    report(
      ["storage", "s3", "oidcProvider"],
      `is create, but on a shared cluster the OIDC provider for its issuer belongs to the cluster stack (${clusterStack}): leave it unset`,
    );
  }
  if (credentialKind === "webIdentity" && !CLUSTER_CAPABILITIES[kind].publishesIssuer) {
    report(
      ["storage", "s3", "credentials"],
      `webIdentity needs a cluster that publishes its service-account issuer (gke or shared); use accessKey with ${kind}`,
    );
  }
  if (s3.oidcProvider && credentialKind !== "webIdentity") {
    report(["storage", "s3", "oidcProvider"], "is set, but only storage.s3.credentials webIdentity uses an OIDC provider");
  }
  const fromClusterStack: SharedPiece | undefined = clusterStack ? { stack: clusterStack } : undefined;
  const publicBucket: SharedPiece = s3.publicBucket ?? fromClusterStack ?? { create: true };
  const args: Omit<S3StorageArgs, "credentials"> = {
    tenant: config.tenant.name,
    region: config.aws?.region ?? "",
    bucketPrefix: s3.bucketPrefix,
    publicBucket,
    noncurrentVersionDays: s3.noncurrentVersionDays,
    protection: config.tenant.protection,
  };
  problems.push(
    ...atConfigKeys(
      s3StorageProblems(args),
      {
        bucketPrefix: ["storage", "s3", "bucketPrefix"],
        noncurrentVersionDays: ["storage", "s3", "noncurrentVersionDays"],
        "publicBucket.stack": ["storage", "s3", "publicBucket", "stack"],
      },
      ["storage", "s3"],
    ),
  );
  const credentials: StorageCredentialPlan =
    credentialKind === "accessKey"
      ? { kind: "accessKey" }
      : { kind: "webIdentity", oidcProvider: s3.oidcProvider ?? fromClusterStack ?? { create: true } };
  return { kind: "s3", args, credentials };
}

function endpointPlan(config: StackConfig, report: Report, problems: Problem[], labels: Record<string, string>): EndpointPlan {
  const { hostname, letsencryptEmail, gcpManagedZone, digitaloceanDomain, route53Zone } = config.endpoint;
  const capabilities = CLUSTER_CAPABILITIES[config.cluster.kind];
  let route53: Route53Plan | undefined;
  if (route53Zone) {
    for (const [key, set] of [
      ["gcpManagedZone", gcpManagedZone],
      ["digitaloceanDomain", digitaloceanDomain],
    ] as const) {
      if (set) report(["endpoint", "route53Zone"], `and endpoint.${key} both hold the hub's name: keep one`);
    }
    if (capabilities.cloud === "local")
      report(["endpoint", "route53Zone"], "needs a public address to point at, which a local cluster has not");
    if (!hostname) {
      report(["endpoint", "hostname"], "is required with endpoint.route53Zone: it is the record to create");
    } else {
      problems.push(
        ...atConfigKeys(
          route53RecordsProblems({ hostname, zone: route53Zone }),
          { hostname: ["endpoint", "hostname"], "zone.id": ["endpoint", "route53Zone", "id"] },
          ["endpoint", "route53Zone"],
        ),
      );
      route53 = { hostname, zone: route53Zone };
    }
  }
  if (hostname && !letsencryptEmail)
    report(["endpoint", "letsencryptEmail"], "is required with endpoint.hostname: letsencrypt needs a contact address");
  if (letsencryptEmail && !hostname)
    report(["endpoint", "hostname"], "is required with endpoint.letsencryptEmail: https needs a host name");
  if (gcpManagedZone && capabilities.cloud !== "gcp")
    report(["endpoint", "gcpManagedZone"], `is a Cloud DNS zone, used on Google Cloud, not with cluster.kind ${config.cluster.kind}`);
  if (digitaloceanDomain && capabilities.cloud !== "digitalocean")
    report(["endpoint", "digitaloceanDomain"], `is a DigitalOcean domain, used with doks clusters, not ${config.cluster.kind}`);
  const endpointKeys = { hostname: ["endpoint", "hostname"] } as const;
  switch (capabilities.cloud) {
    case "local":
      return { kind: "local", hostname };
    case "gcp": {
      const args = { tenant: config.tenant.name, hostname, managedZone: gcpManagedZone, letsencryptEmail, labels };
      problems.push(...atConfigKeys(gcpEndpointProblems({ ...args, project: "", region: "" }), endpointKeys, ["endpoint"]));
      return { kind: "gcp", args, ...(route53 ? { route53 } : {}) };
    }
    case "digitalocean": {
      const args = { tenant: config.tenant.name, hostname, domain: digitaloceanDomain, letsencryptEmail };
      problems.push(...atConfigKeys(digitalOceanEndpointProblems({ ...args, region: "", vpcId: "" }), endpointKeys, ["endpoint"]));
      return { kind: "digitalocean", args, ...(route53 ? { route53 } : {}) };
    }
  }
}

/** Rules on the hub's settings that depend on the rest of the config. */
function hubProblems(config: StackConfig, hub: NonNullable<StackConfig["hub"]>, report: Report): void {
  const kind = config.cluster.kind;
  const auth = hub.auth;
  const capabilities = CLUSTER_CAPABILITIES[kind];
  if (auth.kind === "dummy" && capabilities.cloud !== "local") {
    report(
      ["hub", "auth", "kind"],
      `dummy lets anyone in and is allowed only on a local cluster, not ${kind}; use github, google, gitlab, generic or workshop`,
    );
  }
  // An identity provider's redirect carries a code the hub trades for a token: never over plain http.
  if (OAUTH_KINDS.includes(auth.kind) && capabilities.publicProxy && !(config.endpoint.hostname && config.endpoint.letsencryptEmail)) {
    report(
      ["endpoint", "hostname"],
      `is required for the ${auth.kind} login on a public load balancer: OAuth runs only over https (set endpoint.hostname and endpoint.letsencryptEmail)`,
    );
  }
  if (auth.kind === "openhexa") {
    const keys: Record<string, ConfigPath> = {
      appUrl: ["hub", "auth", "appUrl"],
      credentialsPath: ["hub", "auth", "credentialsPath"],
      sessionCookieName: ["hub", "auth", "sessionCookieName"],
    };
    for (const message of openhexaLoginProblems(auth)) report(keys[message.split(" ")[0] ?? ""] ?? ["hub", "auth"], message);
    // The App's session cookie is secure-only: the browser sends it to the hub only over https.
    if (capabilities.publicProxy && !(config.endpoint.hostname && config.endpoint.letsencryptEmail)) {
      report(
        ["endpoint", "hostname"],
        "is required for the openhexa login on a public load balancer: the App's session cookie travels only over https (set endpoint.hostname and endpoint.letsencryptEmail)",
      );
    }
  }
  if (hub.renku) {
    if (auth.kind !== "gitlab") {
      report(
        ["hub", "renku"],
        `needs the gitlab login (hub.auth.kind gitlab), not ${auth.kind}: servers clone GitLab projects with the user's token`,
      );
    } else {
      const { cloneImage, ...preset } = hub.renku;
      const hasGpuPool = kind === "gke" && config.cluster.gke.gpu !== undefined;
      // The clone container's image: the one named, else the server's own (a built image counts as pinned).
      const serverImage = hub.singleuser.image;
      const image = cloneImage
        ? `${cloneImage.name}:${cloneImage.tag}`
        : "external" in serverImage
          ? serverImage.external
          : `images/${serverImage.build}@sha256:built`;
      const messages = renkuPresetProblems({
        gitlabUrl: auth.url,
        checksGroups: auth.allowedGroups.length > 0,
        cloneImage: image,
        gpuPlacement: hasGpuPool ? { nodeSelector: {}, tolerations: [] } : undefined,
        ...preset,
      });
      for (const message of messages) {
        const [first] = message.split(" ");
        const path: ConfigPath =
          first === "gitlabUrl"
            ? ["hub", "auth", "url"]
            : first === "project"
              ? ["hub", "renku", "projects"]
              : first?.startsWith("choices.")
                ? ["hub", "renku", "choices", first.slice("choices.".length)]
                : ["hub", "renku"];
        // The component names the argument first; the key already says it.
        report(path, first && path.length > 2 && first !== "project" ? message.slice(first.length + 1) : message);
      }
    }
  }
  if (auth.kind === "google" && auth.hostedDomains.length === 1) {
    // With one hosted domain, oauthenticator names users without it (alice, not alice@acme.org).
    for (const key of ["admins", "allowedUsers"] as const) {
      for (const user of auth[key].filter((userName) => userName.includes("@"))) {
        report(
          ["hub", "auth", key],
          `names ${user}; with one hosted domain the hub's usernames leave the domain out: write ${user.split("@")[0]}`,
        );
      }
    }
  }
  if (auth.kind === "workshop") {
    if (Object.keys(auth.participants).length === 0) {
      report(
        ["hub", "auth", "participants"],
        "is empty: add participants with `pulumi config set --secret --path 'hubfleet:hub.auth.participants.<name>' <password>`",
      );
    }
    for (const admin of auth.admins) {
      if (!(admin in auth.participants)) report(["hub", "auth", "admins"], `names ${admin}, who is not among hub.auth.participants`);
    }
  }
  const profiles = hub.singleuser.profiles;
  const defaults = profiles.filter((p) => p.default).length;
  if (defaults > 1) report(["hub", "singleuser", "profiles"], `marks ${defaults} profiles as default; at most one may be`);
  profiles.forEach((profile, index) => {
    if (profile.gpus !== undefined && !(kind === "gke" && config.cluster.gke.gpu)) {
      report(
        ["hub", "singleuser", "profiles", index, "gpus"],
        "asks for GPUs, but the cluster has no GPU pool: use cluster.kind gke with cluster.gke.gpu",
      );
    }
    for (const [key, range] of [
      ["cpu", profile.cpu],
      ["memory", profile.memory],
    ] as const) {
      if (range && compareAmounts(range.guarantee, range.limit) > 0)
        report(["hub", "singleuser", "profiles", index, key], "guarantee must not exceed limit");
    }
  });
  const { cpu, memory } = hub.singleuser;
  if (cpu.guarantee > cpu.limit) report(["hub", "singleuser", "cpu"], "guarantee must not exceed limit");
  if (compareAmounts(memory.guarantee, memory.limit) > 0) report(["hub", "singleuser", "memory"], "guarantee must not exceed limit");
}

function knowledgeRepoPlan(config: StackConfig, databaseKind: DatabaseKind, report: Report): KnowledgeRepoPlan | undefined {
  const settings = config.knowledgeRepo;
  if (!settings) return undefined;
  // Only Cloud SQL gives a third isolated login so far; the other kinds make hub and explore alone.
  if (databaseKind !== "cloudsql") {
    report(["knowledgeRepo"], `needs a database and login of its own, which only database.kind cloudsql gives so far, not ${databaseKind}`);
  }
  const auth = settings.git.auth;
  const git = {
    url: settings.git.url,
    ref: settings.git.ref,
    periodSeconds: settings.git.periodSeconds,
    auth:
      auth.kind === "ssh"
        ? { kind: "ssh" as const, knownHosts: auth.knownHosts }
        : auth.kind === "token"
          ? { kind: "token" as const, username: auth.username }
          : { kind: "none" as const },
  };
  const hostname = config.endpoint.hostname;
  for (const problem of knowledgeRepoProblems({
    git,
    allowedDomains: settings.login.allowedDomains,
    serviceName: settings.serviceName,
    hostname,
    workers: settings.workers,
  })) {
    const path = problem.path.split(".").map((part) => (/^[0-9]+$/.test(part) ? Number(part) : part));
    report(problem.path === "endpoint.hostname" ? ["endpoint", "hostname"] : ["knowledgeRepo", ...path], problem.message);
  }
  if (settings.serviceName === "dashboard" && config.services.dashboard.enabled)
    report(["knowledgeRepo", "serviceName"], "is dashboard, which the workshop dashboard takes");
  return {
    serviceName: settings.serviceName,
    git,
    ...(auth.kind === "ssh" ? { gitCredential: auth.deployKey } : auth.kind === "token" ? { gitCredential: auth.token } : {}),
    googleClientId: settings.login.clientId,
    googleClientSecret: settings.login.clientSecret,
    allowedDomains: settings.login.allowedDomains,
    anonymous: settings.anonymous,
    workers: settings.workers,
    hostname: hostname ?? "",
  };
}

function customServicesPlan(config: StackConfig, report: Report): CustomServicePlan[] {
  const declared = config.services.custom;
  const plans = declared.map((service, index): CustomServicePlan => {
    const imagePath = ["services", "custom", index, "image"];
    const problems =
      "build" in service.image ? serviceImageNameProblems(service.image.build) : pinnedReferenceProblems(service.image.external);
    for (const message of problems) report(imagePath, message);
    const secretName = `hubfleet-service-${service.name}`;
    const spec: HubServiceSpec = {
      name: service.name,
      // A stand-in until the build gives its digest reference; an external one as given.
      image: "build" in service.image ? `images/${service.image.build}` : service.image.external,
      port: service.port,
      ...(service.command ? { command: service.command } : {}),
      ...(service.args ? { args: service.args } : {}),
      env: service.env,
      envFromSecrets: Object.fromEntries(Object.keys(service.secretEnv).map((key) => [key, { secretName, key }])),
      apiToken: service.apiToken,
      scopes: service.scopes,
      ...(service.web ? { web: service.web } : {}),
      ...(service.access ? { access: service.access } : {}),
      fromNotebooks: service.fromNotebooks,
      healthPath: service.healthPath,
      cpu: service.cpu,
      memory: service.memory,
      ...(service.volume ? { volume: service.volume } : {}),
    };
    return { spec, image: service.image, secretEnv: service.secretEnv, secretName };
  });
  const taken = [
    ...(config.services.dashboard.enabled ? ["dashboard"] : []),
    ...(config.knowledgeRepo ? [config.knowledgeRepo.serviceName] : []),
  ];
  for (const problem of hubServiceListProblems(plans.map((p) => p.spec))) {
    // `env.<NAME>` keeps the variable's name whole; the rest is a path.
    const [index, ...rest] = problem.path.split(".");
    const path = rest[0] === "env" ? ["env", rest.slice(1).join(".")] : rest.map((part) => (/^[0-9]+$/.test(part) ? Number(part) : part));
    report(["services", "custom", Number(index), ...path], problem.message);
  }
  declared.forEach((service, index) => {
    if (taken.includes(service.name))
      report(["services", "custom", index, "name"], `${service.name} is taken by a service hubfleet runs for this tenant`);
  });
  return plans;
}
