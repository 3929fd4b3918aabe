/**
 * The Knowledge Repo add-on: Airbnb's notebook-sharing web app beside the hub,
 * reached at https://<hub host>/services/<name>/ through the hub's proxy (and its
 * letsencrypt TLS), with its own PostgreSQL database, Google login limited to
 * configured domains, and posts kept in sync from git by a git-sync sidecar.
 *
 * The specs come from the pure builders in knowledge-repo-spec.ts; this file makes
 * the Secrets and wires Outputs in. The estate adds `hubValues` to the hub's values
 * so that the proxy routes the path here.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { databaseEgress } from "../egress";
import type { EgressRule, SecretKeyRef } from "../hub/values";
import {
  APP_SECRET_KEYS,
  DEFAULT_GIT_SYNC_IMAGE,
  GIT_SECRET_KEYS,
  googleRedirectUri,
  knowledgeRepoHubValues,
  knowledgeRepoNames,
  knowledgeRepoNetworkPolicySpec,
  knowledgeRepoPodLabels,
  knowledgeRepoPodSpec,
  knowledgeRepoProblems,
  knowledgeRepoServiceSpec,
  NO_ANONYMOUS_ACCESS,
  publicUrl,
  type AnonymousPolicies,
  type KnowledgeRepoGit,
  type KnowledgeRepoSpecInput,
} from "./knowledge-repo-spec";

export interface KnowledgeRepoArgs {
  readonly tenant: string;
  /** The tenant namespace (the hub's), as a plain name: the hub values name the Service by it. */
  readonly namespace: string;
  /** Creates every Kubernetes object; random values need no provider. */
  readonly provider?: k8s.Provider;
  /** The hub's Helm release, whose proxy and hub pods alone may connect. */
  readonly hubReleaseName: string;
  /** The hub's public host name (endpoint.hostname); TLS is the hub proxy's letsencrypt certificate. */
  readonly hostname: string;
  /** The hub service name and path: /services/<serviceName>/. Default `knowledge`. */
  readonly serviceName?: string;
  /** The app image as a digest reference (the image component's output for images/knowledge-repo). */
  readonly image: pulumi.Input<string>;
  readonly gitSyncImage?: string;
  readonly git: KnowledgeRepoGit;
  /** The deploy key (git.auth ssh) or token (git.auth token), a secret; absent for a public repository. */
  readonly gitCredential?: pulumi.Input<string>;
  readonly googleClientId: string;
  readonly googleClientSecret: pulumi.Input<string>;
  /** E-mail domains whose Google accounts may log in. */
  readonly allowedDomains: readonly string[];
  /** What visitors who are not logged in may see; nothing unless set. */
  readonly anonymous?: AnonymousPolicies;
  readonly database: {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    /** The Secret key holding SQLALCHEMY_DATABASE_URI for the app's own database and login. */
    readonly urlSecret: SecretKeyRef;
    /** The database's own egress rule, when it gives one; otherwise derived from host and port. */
    readonly egress?: pulumi.Input<EgressRule[]>;
  };
  /** gunicorn workers (default 2). */
  readonly workers?: number;
  /** What must exist before the pod starts: the database, its login and the URL Secret. */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export const DEFAULT_SERVICE_NAME = "knowledge";

/** Every problem with the arguments, in one ResourceError. */
export function validateKnowledgeRepoArgs(args: KnowledgeRepoArgs, resource?: pulumi.Resource): void {
  const problems = knowledgeRepoProblems({
    git: args.git,
    allowedDomains: args.allowedDomains,
    serviceName: args.serviceName ?? DEFAULT_SERVICE_NAME,
    hostname: args.hostname,
    workers: args.workers ?? 2,
  }).map((p) => `${p.path} ${p.message}`);
  if (args.git.auth.kind !== "none" && args.gitCredential === undefined)
    problems.push(`gitCredential is required with git.auth ${args.git.auth.kind}`);
  if (problems.length > 0) throw new pulumi.ResourceError(`Knowledge Repo for ${args.tenant}: ${problems.join("; ")}`, resource);
}

export class KnowledgeRepo extends pulumi.ComponentResource {
  /** https://<host>/services/<name>/ */
  readonly url: string;
  /** The callback to register with the Google OAuth client. */
  readonly googleRedirectUri: string;
  /** Chart values that register the service with the hub; merge them into the hub's values. */
  readonly hubValues: Record<string, unknown>;
  readonly serviceName: string;

  constructor(name: string, args: KnowledgeRepoArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:services:KnowledgeRepo", name, {}, opts);
    validateKnowledgeRepoArgs(args, this);
    const serviceName = args.serviceName ?? DEFAULT_SERVICE_NAME;
    const names = knowledgeRepoNames(serviceName);
    const labels = knowledgeRepoPodLabels(args.tenant, serviceName);
    const k8sOpts = { parent: this, ...(args.provider ? { provider: args.provider } : {}) };
    const metadata = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels });

    // Flask signs sessions with it; every worker and restart must share it.
    const secretKey = new random.RandomPassword(`${name}-secret-key`, { length: 48, special: false }, { parent: this });
    const appSecret = new k8s.core.v1.Secret(
      `${name}-app-secret`,
      {
        metadata: metadata(names.appSecret),
        type: "Opaque",
        stringData: {
          [APP_SECRET_KEYS.secretKey]: secretKey.result,
          [APP_SECRET_KEYS.googleClientSecret]: pulumi.secret(args.googleClientSecret),
        },
      },
      k8sOpts,
    );

    const secrets: pulumi.Resource[] = [appSecret];
    const auth = args.git.auth;
    if (auth.kind !== "none") {
      const credential = pulumi.secret(args.gitCredential!);
      const stringData: Record<string, pulumi.Input<string>> = auth.kind === "ssh"
        ? // ssh refuses a key file without its final newline.
          {
            [GIT_SECRET_KEYS.sshKey]: credential.apply((key) => (key.endsWith("\n") ? key : `${key}\n`)),
            [GIT_SECRET_KEYS.knownHosts]: auth.knownHosts,
          }
        : { [GIT_SECRET_KEYS.token]: credential };
      secrets.push(
        new k8s.core.v1.Secret(`${name}-git-secret`, { metadata: metadata(names.gitSecret), type: "Opaque", stringData }, k8sOpts),
      );
    }

    const specInput = (image: string, egress: EgressRule[]): KnowledgeRepoSpecInput => ({
      tenant: args.tenant,
      hubReleaseName: args.hubReleaseName,
      hostname: args.hostname,
      serviceName,
      image,
      gitSyncImage: args.gitSyncImage ?? DEFAULT_GIT_SYNC_IMAGE,
      git: args.git,
      googleClientId: args.googleClientId,
      allowedDomains: args.allowedDomains,
      anonymous: args.anonymous ?? NO_ANONYMOUS_ACCESS,
      databaseUrl: args.database.urlSecret,
      databaseEgress: egress,
      workers: args.workers ?? 2,
    });
    const egress: pulumi.Output<EgressRule[]> = args.database.egress
      ? pulumi.output(args.database.egress).apply((rules) => rules as EgressRule[])
      : pulumi.all([args.database.host, args.database.port]).apply(([host, port]) => [databaseEgress(host, port)]);
    const spec = pulumi.all([args.image, egress]).apply(([image, rules]) => specInput(image, rules));

    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: metadata(names.workload),
        spec: {
          // One pod: the app's index lock lives in the database, so a rollout's overlap is safe.
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: spec.apply(knowledgeRepoPodSpec) },
        },
      },
      { ...k8sOpts, dependsOn: [...secrets, ...(args.dependsOn ?? [])] },
    );
    new k8s.core.v1.Service(
      `${name}-service`,
      { metadata: metadata(names.workload), spec: knowledgeRepoServiceSpec({ tenant: args.tenant, serviceName }) },
      k8sOpts,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-network-policy`,
      { metadata: metadata(names.workload), spec: spec.apply(knowledgeRepoNetworkPolicySpec) },
      k8sOpts,
    );

    this.serviceName = serviceName;
    this.url = publicUrl(args.hostname, serviceName);
    this.googleRedirectUri = googleRedirectUri(args.hostname, serviceName);
    this.hubValues = knowledgeRepoHubValues({ tenant: args.tenant, namespace: args.namespace, serviceName });
    this.registerOutputs({ url: this.url, googleRedirectUri: this.googleRedirectUri });
  }
}
