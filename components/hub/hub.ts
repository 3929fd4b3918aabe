/**
 * The hub: a Helm release of the Zero to JupyterHub chart in the tenant's
 * namespace, and the Kubernetes Secrets its values point at. The values come from
 * the pure builder in values.ts; this file only wires Outputs into it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { HubScheduling } from "../cluster/scheduling";
import type { PostgresServer } from "../database/types";
import { postgresUrl } from "../database/url";
import type { HubEndpoint } from "../endpoint/types";
import { kubernetesLabels } from "../naming";
import type { ClusterNetworkFacts } from "../pod-security";
import type { ObjectStorage } from "../storage/types";
import { AUTH_SECRET_KEYS, authSecretKeys } from "./auth";
import { AuthStateKey } from "./auth-state";
import { notebookEnvData, type NotebookEnvInput, type NotebookStorageEnv } from "./notebook-env";
import type { HubSpec } from "./spec";
import { buildHubValues, CHART, type EgressRule, type HubValuesInput } from "./values";
import { WorkshopUsers } from "./workshop";

/** Fixed names, so that the values stay readable and stable. */
export const HUB_SECRET_NAMES = {
  hubDatabase: "hubfleet-hub-db",
  auth: "hubfleet-auth",
  notebookEnv: "hubfleet-notebook-env",
} as const;

export interface HubArgs {
  readonly tenant: string;
  readonly namespace: pulumi.Input<string>;
  readonly releaseName: string;
  readonly spec: HubSpec;
  readonly scheduling: HubScheduling;
  readonly storageClass?: string;
  /** How users reach the hub: address, name, and whether the proxy is a load balancer. */
  readonly endpoint: HubEndpoint;
  /** The hub's and the explore database's server; without one the hub keeps SQLite on a small volume. */
  readonly database?: PostgresServer;
  readonly storage?: ObjectStorage;
  /** What must exist before the release: the system pool, the address and DNS records, users and buckets. */
  readonly dependsOn: pulumi.Resource[];
  /** Whether the cluster enforces NetworkPolicy and has a cloud metadata server; unset keeps the chart's iptables block. */
  readonly network?: ClusterNetworkFacts;
  /** The images' references (NotebookImages.refOf): the default server's, each profile's by index, and the pull secrets. */
  readonly images?: {
    readonly default: pulumi.Input<string>;
    readonly profiles: readonly (pulumi.Input<string> | undefined)[];
    readonly pullSecrets: readonly string[];
  };
  /** The home-seed volumes (HomeSeedFiles.storageValues). */
  readonly homeSeed?: pulumi.Input<NonNullable<HubValuesInput["homeSeed"]>>;
  /** Services beside the hub: their chart values (merged in order) and the egress notebook pods need to reach them. */
  readonly services?: { readonly values: readonly Record<string, unknown>[]; readonly notebookEgress: readonly EgressRule[] };
}

/** Helm's limits on a release name; a namespace must be given. Throws ResourceError. */
export function validateHubArgs(args: Pick<HubArgs, "releaseName">, resource?: pulumi.Resource): void {
  const problems: string[] = [];
  if (args.releaseName.length > 53) problems.push(`release name ${args.releaseName} is longer than Helm's 53 characters`);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(args.releaseName)) problems.push(`release name ${args.releaseName} is not a DNS label`);
  if (problems.length > 0) throw new pulumi.ResourceError(`hub: ${problems.join("; ")}`, resource);
}

export class Hub extends pulumi.ComponentResource {
  readonly releaseName: pulumi.Output<string>;
  readonly namespace: pulumi.Output<string>;
  /** The values given to the release (no secrets in them). */
  readonly values: pulumi.Output<Record<string, unknown>>;
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: HubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:hub:Hub", name, {}, opts);
    validateHubArgs(args, this);
    const labels = kubernetesLabels(args.tenant, "hub");
    const secretMeta = (secretName: string) => ({ name: secretName, namespace: args.namespace, labels });

    const database = args.database;
    const hubDbSecret = database
      ? new k8s.core.v1.Secret(
          `${name}-db-url`,
          {
            metadata: secretMeta(HUB_SECRET_NAMES.hubDatabase),
            type: "Opaque",
            stringData: {
              url: pulumi.secret(
                pulumi.all([database.host, database.port, database.hub.password]).apply(([host, port, password]) =>
                  postgresUrl({
                    host,
                    port,
                    database: database.hub.database,
                    user: database.hub.user,
                    password,
                    sslMode: database.sslMode,
                  }),
                ),
              ),
            },
          },
          { parent: this },
        )
      : undefined;

    const authSecret = new k8s.core.v1.Secret(
      `${name}-auth`,
      { metadata: secretMeta(HUB_SECRET_NAMES.auth), type: "Opaque", stringData: authSecretData(args.spec) },
      { parent: this },
    );

    // The openhexa login brings each user's environment from the App instead of the tenant-wide one.
    const envInput =
      args.spec.auth.kind === "openhexa" ? pulumi.output<NotebookEnvInput>({}) : notebookEnvInput(args.database, args.storage);
    const notebookEnvSecret = new k8s.core.v1.Secret(
      `${name}-notebook-env`,
      {
        metadata: secretMeta(HUB_SECRET_NAMES.notebookEnv),
        type: "Opaque",
        stringData: pulumi.secret(envInput.apply(notebookEnvData)),
      },
      { parent: this },
    );

    // The workshop login: only password hashes reach the cluster, in a Secret the hub mounts.
    const auth = args.spec.auth;
    const workshopUsers =
      auth.kind === "workshop"
        ? new WorkshopUsers(`${name}-workshop`, { namespace: args.namespace, participants: auth.participants }, { parent: this })
        : undefined;
    const workshopSecretName: pulumi.Output<string | undefined> = workshopUsers?.secretName ?? pulumi.output(undefined);
    // The openhexa login and the Renku-style preset keep auth state, encrypted with a key the estate makes.
    const authStateKey =
      auth.kind === "openhexa" || args.spec.renku
        ? new AuthStateKey(`${name}-auth-state-key`, { namespace: args.namespace, labels }, { parent: this })
        : undefined;
    const notebookEgress = pulumi
      .all([database?.notebookEgress ?? [], args.storage?.notebookEgress ?? []])
      .apply(
        ([databaseRules, storageRules]) => [...databaseRules, ...storageRules, ...(args.services?.notebookEgress ?? [])] as EgressRule[],
      );
    const images: pulumi.Output<HubValuesInput["images"]> = args.images
      ? pulumi
          .all([args.images.default, pulumi.all(args.images.profiles.map((ref): pulumi.Input<string> => ref ?? ""))])
          .apply(([defaultRef, profileRefs]) => ({
            default: defaultRef,
            profiles: profileRefs.map((ref: string) => (ref === "" ? undefined : ref)),
            pullSecrets: args.images!.pullSecrets,
          }))
      : pulumi.output(undefined);
    const homeSeed: pulumi.Output<HubValuesInput["homeSeed"]> = args.homeSeed ? pulumi.output(args.homeSeed) : pulumi.output(undefined);

    const credential = args.storage?.credential;
    this.values = pulumi
      .all([
        args.endpoint.loadBalancerIp,
        args.endpoint.proxyServiceAnnotations,
        notebookEgress,
        workshopSecretName,
        // Only the names of the notebook variables reach the values, never their contents.
        pulumi.unsecret(envInput.apply((input) => Object.keys(notebookEnvData(input)))),
        images,
        homeSeed,
      ])
      .apply(([loadBalancerIp, serviceAnnotations, egress, workshopSecret, envNames, imageRefs, homeSeedVolumes]) =>
        buildHubValues({
          hub: args.spec,
          scheduling: args.scheduling,
          storageClass: args.storageClass,
          endpoint: {
            hostname: args.endpoint.hostname,
            letsencryptEmail: args.endpoint.letsencryptEmail,
            loadBalancerIp,
            serviceAnnotations,
            serviceType: args.endpoint.proxyServiceType,
          },
          hubDatabaseUrl: database ? { secretName: HUB_SECRET_NAMES.hubDatabase, key: "url" } : undefined,
          authSecretName: HUB_SECRET_NAMES.auth,
          notebookEnv: { secretName: HUB_SECRET_NAMES.notebookEnv, names: envNames },
          webIdentity:
            credential?.kind === "webIdentity"
              ? { serviceAccountName: credential.serviceAccountName, audience: credential.audience }
              : undefined,
          notebookEgress: egress,
          workshop: workshopSecret ? { secretName: workshopSecret } : undefined,
          network: args.network,
          images: imageRefs,
          homeSeed: homeSeedVolumes,
          services: args.services?.values,
        }),
      );

    const release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: args.releaseName,
        namespace: args.namespace,
        chart: CHART.name,
        version: CHART.version,
        repositoryOpts: { repo: CHART.repository },
        values: this.values,
        createNamespace: false,
        // The chart's hooks (image pre-puller) and the proxy's address must be ready before `up` succeeds.
        skipAwait: false,
        timeout: 900,
        cleanupOnFail: true,
        maxHistory: 10,
      },
      {
        parent: this,
        dependsOn: [
          ...(hubDbSecret ? [hubDbSecret] : []),
          authSecret,
          notebookEnvSecret,
          ...(workshopUsers ? [workshopUsers] : []),
          ...(authStateKey ? [authStateKey] : []),
          ...args.dependsOn,
        ],
      },
    );

    this.releaseName = release.name;
    this.namespace = pulumi.output(args.namespace);
    this.url = hubUrl(args.endpoint);
    this.registerOutputs({ releaseName: this.releaseName, namespace: this.namespace, url: this.url });
  }
}

/** The auth Secret's data: only the keys the auth kind needs, each a secret. */
function authSecretData(spec: HubSpec): Record<string, pulumi.Output<string>> {
  const auth = spec.auth;
  const data: Record<string, pulumi.Output<string>> = {};
  for (const key of authSecretKeys(auth)) {
    if (key === AUTH_SECRET_KEYS.clientSecret && "clientSecret" in auth) data[key] = auth.clientSecret.value;
    if (key === AUTH_SECRET_KEYS.dummyPassword && auth.kind === "dummy" && auth.password) data[key] = auth.password.value;
  }
  return data;
}

/** The address a user really opens: the https name, else the load balancer's address, else a port-forward. */
export function hubUrl(endpoint: HubEndpoint): pulumi.Output<string> {
  if (endpoint.letsencryptEmail && endpoint.hostname) return pulumi.output(`https://${endpoint.hostname}/`);
  if (endpoint.proxyServiceType === "ClusterIP")
    return pulumi.output("http://localhost:8080/ (kubectl port-forward svc/proxy-public 8080:80)");
  if (endpoint.hostname) return pulumi.output(`http://${endpoint.hostname}/`);
  return endpoint.loadBalancerIp
    ? endpoint.loadBalancerIp.apply((ip) => `http://${ip}/`)
    : pulumi.output("http://<proxy-public load balancer address>/");
}

/** Resolves the database's explore login and the storage's face into plain notebook-env input. */
function notebookEnvInput(database: PostgresServer | undefined, storage: ObjectStorage | undefined): pulumi.Output<NotebookEnvInput> {
  const explore: pulumi.Output<NotebookEnvInput["explore"]> = database
    ? pulumi.all([database.host, database.port, database.explore.password]).apply(([host, port, password]) => ({
        host,
        port,
        database: database.explore.database,
        user: database.explore.user,
        password,
        sslMode: database.sslMode,
      }))
    : pulumi.output(undefined);
  if (!storage) return explore.apply((e) => ({ explore: e }));
  const credential = storage.credential;
  const credentialEnv: pulumi.Output<Pick<NotebookStorageEnv, "accessKey" | "roleArn">> =
    credential.kind === "accessKey"
      ? pulumi.all([credential.accessKeyId, credential.secretAccessKey]).apply(([id, secret]) => ({ accessKey: { id, secret } }))
      : credential.roleArn.apply((roleArn) => ({ roleArn }));
  const endpoint: pulumi.Output<string | undefined> = storage.endpoint ?? pulumi.output(undefined);
  return pulumi
    .all([explore, storage.region, endpoint, storage.buckets.public, storage.buckets.lake, storage.buckets.notebooks, credentialEnv])
    .apply(([exploreLogin, region, storageEndpoint, publicBucket, lake, notebooks, credentials]) => ({
      explore: exploreLogin,
      storage: { region, endpoint: storageEndpoint, buckets: { public: publicBucket, lake, notebooks }, ...credentials },
    }));
}
