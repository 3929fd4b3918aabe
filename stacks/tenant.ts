/**
 * A tenant's whole estate: cluster (or its share of one), namespace, database,
 * storage, endpoint and hub, each built from its part of the plan by the builder of
 * its kind. This file knows faces, never a kind's internals.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PostgresServer } from "../components/database/types";
import type { HubEndpoint } from "../components/endpoint/types";
import { Hub } from "../components/hub/hub";
import { HomeSeedFiles } from "../components/images/home-seed";
import { NotebookImage } from "../components/images/image";
import { NotebookImages } from "../components/images/notebook-images";
import type { ImageRegistry } from "../components/images/registry";
import { kubernetesLabels, ownerLabels } from "../components/naming";
import { clusterNetworkFacts, podSecurityLabels, tenantPodSecurity } from "../components/pod-security";
import { postgresUrl } from "../components/database/url";
import { workshopDashboard } from "../components/services/dashboard";
import { KnowledgeRepo } from "../components/services/knowledge-repo";
import { HubService } from "../components/services/hub-service";
import { hubServiceValues, notebookEgressToService } from "../components/services/hub-service-spec";
import type { ObjectStorage } from "../components/storage/types";
import { clusterBuilders, databaseBuilders, endpointBuilders, registryBuilders, storageBuilders } from "./kinds";
import type { ClusterStackFacts, EstateCluster, TenantContext } from "./kinds/types";
import {
  formatProblem,
  KNOWLEDGE_DATABASE,
  type DatabasePlan,
  type EndpointPlan,
  type EstatePlan,
  type ImagesPlan,
  type RegistryPlan,
  type StoragePlan,
  type TenantPlan,
} from "./plan";
import { build, estateContext } from "./providers";

export class TenantEstate extends pulumi.ComponentResource {
  readonly cluster: EstateCluster;
  readonly namespace: pulumi.Output<string>;
  /** Absent with database.kind none (the hub keeps SQLite). */
  readonly database?: PostgresServer;
  readonly storage?: ObjectStorage;
  readonly hub: Hub;
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: { readonly plan: EstatePlan & { readonly tenant: TenantPlan } }, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:estate:Tenant", name, {}, opts);
    const { plan } = args;
    const tenant = plan.tenant;
    const base = estateContext(name, plan, this);
    this.cluster = build(clusterBuilders, plan.cluster, base);
    const network = clusterNetworkFacts(this.cluster);

    // The namespace needs only the cluster and its system pool; user pools finish alongside.
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: tenant.namespace,
          // Enforce the level every pod of the namespace passes (restricted wherever NetworkPolicy keeps
          // notebooks from the metadata server; see components/pod-security.ts).
          labels: { ...kubernetesLabels(plan.name, "tenant"), ...podSecurityLabels(tenantPodSecurity(network)) },
        },
      },
      { parent: this, provider: this.cluster.provider, dependsOn: this.cluster.systemReady },
    );
    this.namespace = namespace.metadata.name;
    const context: TenantContext = { ...base, cluster: this.cluster, namespace: this.namespace };

    this.database = build<DatabasePlan, TenantContext, PostgresServer | undefined>(databaseBuilders, tenant.database, context);
    this.storage = tenant.storage ? build<StoragePlan, TenantContext, ObjectStorage>(storageBuilders, tenant.storage, context) : undefined;
    const endpoint = build<EndpointPlan, TenantContext, HubEndpoint>(endpointBuilders, tenant.endpoint, context);

    // Images: each of images/ built once (or taken from the cluster stack), pushed to the cloud's registry, used by digest.
    const registry = tenant.images.registry
      ? build<RegistryPlan, TenantContext, ImageRegistry>(registryBuilders, tenant.images.registry, context)
      : undefined;
    const images = new NotebookImages(
      `${name}-images`,
      { tenant: plan.name, registry, choices: tenant.images.choices, prebuilt: clusterStackImages(tenant.images, context.clusterStack) },
      { parent: this },
    );
    const { singleuser } = tenant.hub;
    const homeSeed =
      tenant.hub.homeSeed.length > 0
        ? new HomeSeedFiles(
            `${name}-home-seed`,
            { tenant: plan.name, namespace: this.namespace, files: tenant.hub.homeSeed },
            { parent: this, providers: [this.cluster.provider] },
          )
        : undefined;

    const knowledge = tenant.knowledgeRepo && registry ? this.knowledgeRepo(name, plan.name, tenant, registry) : undefined;

    // The workshop dashboard: registered with the hub, its hook in every server, run beside the release.
    const dashboardPlan = tenant.dashboard;
    const dashboardImage =
      dashboardPlan && registry
        ? new NotebookImage(`${name}-dashboard-image`, { imageName: "dashboard", registry, service: true }, { parent: this })
        : undefined;
    const dashboard = dashboardPlan
      ? workshopDashboard({
          ...dashboardPlan,
          // A stand-in until the build gives its digest reference, which the HubService uses.
          image: "images/dashboard",
          storage: { ...dashboardPlan.storage, ...(this.cluster.storageClass ? { storageClass: this.cluster.storageClass } : {}) },
        })
      : undefined;

    this.hub = new Hub(
      `${name}-hub`,
      {
        tenant: plan.name,
        namespace: this.namespace,
        releaseName: tenant.releaseName,
        spec: tenant.hub,
        scheduling: this.cluster.scheduling,
        storageClass: this.cluster.storageClass,
        endpoint,
        database: this.database,
        storage: this.storage,
        network,
        images: {
          default: images.refOf(singleuser.image),
          profiles: singleuser.profiles.map((profile) => (profile.image ? images.refOf(profile.image) : undefined)),
          pullSecrets: registry?.pullSecretNames ?? [],
        },
        ...(homeSeed ? { homeSeed: homeSeed.storageValues } : {}),
        services: {
          values: [
            ...(dashboard ? [dashboard.hubValues] : []),
            ...(knowledge ? [knowledge.hubValues] : []),
            ...tenant.customServices.map((s) => hubServiceValues(s.spec)),
          ],
          notebookEgress: [
            ...(dashboard ? [dashboard.notebookEgress] : []),
            ...tenant.customServices.filter((s) => s.spec.fromNotebooks).map((s) => notebookEgressToService(s.spec)),
          ],
        },
        dependsOn: [
          ...this.cluster.systemReady,
          // Placeholder pods are part of the release and wait for a user node; without them the pools finish alongside.
          ...(tenant.hub.scheduling.userPlaceholders > 0 ? this.cluster.userPools : []),
          ...(this.database?.readyResources ?? []),
          ...(this.storage?.readyResources ?? []),
          ...endpoint.readyResources,
          images,
          ...(homeSeed ? [homeSeed] : []),
        ],
      },
      { parent: this, providers: [this.cluster.provider] },
    );

    // After the release: the service reads the token the chart keeps in its hub Secret.
    const dashboardService =
      dashboard && dashboardImage
        ? new HubService(
            `${name}-dashboard`,
            {
              spec: dashboard.spec,
              image: dashboardImage.ref,
              namespace: this.namespace,
              context: { releaseName: tenant.releaseName },
              labels: ownerLabels(plan.name, {}),
              protectVolume: plan.protect,
              dependsOn: [this.hub],
            },
            { parent: this, providers: [this.cluster.provider] },
          )
        : undefined;

    // Declared services: each image built or given, its secret settings in a Secret of its own, run after the release.
    for (const service of tenant.customServices) {
      const image =
        "build" in service.image
          ? new NotebookImage(
              `${name}-${service.spec.name}-image`,
              { imageName: service.image.build, registry: registry!, service: true },
              { parent: this },
            ).ref
          : pulumi.output(service.image.external);
      const secretEnv = Object.entries(service.secretEnv);
      const secret =
        secretEnv.length > 0
          ? new k8s.core.v1.Secret(
              `${name}-${service.spec.name}-secret-env`,
              {
                metadata: { name: service.secretName, namespace: this.namespace, labels: kubernetesLabels(plan.name, service.spec.name) },
                type: "Opaque",
                stringData: Object.fromEntries(secretEnv.map(([key, value]) => [key, pulumi.secret(value.value)])),
              },
              { parent: this, provider: this.cluster.provider },
            )
          : undefined;
      new HubService(
        `${name}-${service.spec.name}`,
        {
          spec: service.spec,
          image,
          namespace: this.namespace,
          context: { releaseName: tenant.releaseName },
          labels: ownerLabels(plan.name, {}),
          protectVolume: plan.protect,
          dependsOn: [this.hub, ...(secret ? [secret] : [])],
        },
        { parent: this, providers: [this.cluster.provider] },
      );
    }

    this.outputs = {
      ...this.cluster.outputs,
      ...(this.storage?.outputs ?? {}),
      tenant: plan.name,
      namespace: this.namespace,
      hubRelease: this.hub.releaseName,
      hubUrl: this.hub.url,
      ...(this.database ? { databaseHost: this.database.host } : {}),
      ...(this.storage ? { buckets: { ...this.storage.buckets } } : {}),
      notebookImages: images.refs,
      ...(registry ? { imageRepository: registry.repository } : {}),
      ...(dashboardService ? { dashboardUrl: dashboardService.path } : {}),
      ...(knowledge ? { knowledgeRepoUrl: knowledge.url, knowledgeRepoGoogleRedirectUri: knowledge.googleRedirectUri } : {}),
    };
    this.registerOutputs(this.outputs);
  }

  /** The Knowledge Repo: its image, its database URL in a Secret (from its own login), and the add-on. */
  private knowledgeRepo(name: string, tenantName: string, tenant: TenantPlan, registry: ImageRegistry): KnowledgeRepo {
    const settings = tenant.knowledgeRepo!;
    const database = this.database;
    if (!database) throw new pulumi.ResourceError("hubfleet: the Knowledge Repo needs a PostgreSQL database", this);
    const login = database.extraLogins?.[KNOWLEDGE_DATABASE];
    if (!login) throw new pulumi.ResourceError(`hubfleet: the database gives no ${KNOWLEDGE_DATABASE} login for the Knowledge Repo`, this);
    const image = new NotebookImage(`${name}-knowledge-image`, { imageName: "knowledge-repo", registry, service: true }, { parent: this });
    const urlSecret = { secretName: "hubfleet-knowledge-db", key: "SQLALCHEMY_DATABASE_URI" };
    const databaseUrl = new k8s.core.v1.Secret(
      `${name}-knowledge-db-url`,
      {
        metadata: { name: urlSecret.secretName, namespace: this.namespace, labels: kubernetesLabels(tenantName, "knowledge-repo") },
        type: "Opaque",
        stringData: {
          [urlSecret.key]: pulumi.secret(
            pulumi
              .all([database.host, database.port, login.password])
              .apply(([host, port, password]) =>
                postgresUrl({ host, port, database: login.database, user: login.user, password, sslMode: database.sslMode }),
              ),
          ),
        },
      },
      { parent: this, provider: this.cluster.provider },
    );
    return new KnowledgeRepo(
      `${name}-knowledge`,
      {
        tenant: tenantName,
        namespace: tenant.namespace,
        provider: this.cluster.provider,
        hubReleaseName: tenant.releaseName,
        hostname: settings.hostname,
        serviceName: settings.serviceName,
        image: image.ref,
        git: settings.git,
        ...(settings.gitCredential ? { gitCredential: settings.gitCredential.value } : {}),
        googleClientId: settings.googleClientId,
        googleClientSecret: settings.googleClientSecret.value,
        allowedDomains: settings.allowedDomains,
        anonymous: settings.anonymous,
        workers: settings.workers,
        database: { host: this.database.host, port: this.database.port, urlSecret, egress: this.database.notebookEgress },
        dependsOn: [databaseUrl, ...this.database.readyResources],
      },
      { parent: this },
    );
  }
}

/**
 * The images of images/ a shared-cluster tenant takes from its cluster stack's
 * `notebookImages` output (JSON, image name → digest reference); a name the cluster
 * stack did not build stops the run with a keyed error.
 */
function clusterStackImages(
  images: ImagesPlan,
  clusterStack: ClusterStackFacts | undefined,
): Record<string, pulumi.Output<string>> | undefined {
  if (!clusterStack || images.fromClusterStack.length === 0) return undefined;
  return Object.fromEntries(
    images.fromClusterStack.map((image) => [
      image,
      clusterStack.notebookImages.apply((json) => {
        const refs = JSON.parse(json) as Record<string, string>;
        const ref = refs[image];
        if (!ref) {
          throw new pulumi.RunError(
            formatProblem({
              path: ["hub", "singleuser", "image"],
              message: `builds ${image}, which the cluster stack does not build: add it to the cluster stack's images.build`,
            }),
          );
        }
        return ref;
      }),
    ]),
  );
}
