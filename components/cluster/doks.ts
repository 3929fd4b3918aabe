/**
 * A DigitalOcean Kubernetes (DOKS) cluster for one tenant: its own VPC, a default
 * node pool for the hub, the proxy and the chart's services, and a separate user
 * pool that takes only notebook servers (labelled and tainted exactly as on GKE),
 * both autoscaled.
 *
 * Hardened by default: its own VPC (the database is reachable only inside it),
 * auto-upgrade to new patch releases inside a maintenance window, surge upgrades
 * (new nodes before old ones drain), and a highly available control plane for
 * production tenants (HA cannot be turned off again once on).
 *
 * The Kubernetes version is the config's minor version resolved to its newest DOKS
 * slug when the cluster is created, and never sent again (`ignoreChanges`): DOKS
 * then moves it to new patches inside the maintenance window. Sending a looked-up
 * version on every run would upgrade outside that window, fail once the minor left
 * DigitalOcean's list, and, after an upgrade, read as a downgrade that replaces
 * the cluster. Minor upgrades are explicit (docs/digitalocean.md).
 *
 * The kubeconfig authenticates through `doctl` (as `doctl kubernetes cluster kubeconfig
 * save` writes it), not with the token DigitalOcean embeds in its own kubeconfig: that
 * token expires after seven days, and a stack's Kubernetes provider would then fail on
 * the next `pulumi up` or refresh. doctl mints a fresh credential from the deployer's
 * API token (DIGITALOCEAN_ACCESS_TOKEN, which the digitalocean provider reads too), and
 * the kubeconfig holds no credential and stays the same from run to run.
 *
 * The default pool's droplet size cannot change in place (the provider would replace
 * the whole cluster for it), so Pulumi never sends a change of it: a new system size
 * takes effect on a new cluster only (docs/digitalocean.md says how to move). The user
 * pool is a separate resource, so changing `cluster.doks.userSize` replaces that pool only.
 *
 * HA cannot be turned off once on, and DigitalOcean refuses `ha: false` for an HA
 * cluster: when the args ask for no HA, Pulumi never sends the field after creation.
 */
import * as digitalocean from "@pulumi/digitalocean";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { assertNoProblems, type ArgProblem } from "../problems";
import { doksSizeProblem, resolveDropletSize } from "./doks-sizes";
import {
  SYSTEM_POOL_LABELS,
  USER_POOL_LABELS,
  USER_POOL_TAINT,
  dedicatedPoolScheduling,
  type HubScheduling,
  type Taint,
} from "./scheduling";

export type MaintenanceDay = "any" | "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";

/** A pool's droplet size (a preset or a slug) and how far the autoscaler may take it. */
export interface DoksPoolSettings {
  /** A preset of doks-sizes.ts (medium, 2xlarge, ...) or a droplet size slug. */
  readonly size: string;
  readonly minNodes: number;
  readonly maxNodes: number;
}

export interface DoksClusterArgs {
  /** The tenant's name: the prefix of every cloud resource name. */
  readonly tenant: string;
  /** A DigitalOcean region slug such as blr1. */
  readonly region: string;
  /** A Kubernetes minor version such as 1.36; its newest DOKS patch is used. */
  readonly version: string;
  /** When DOKS may apply patch upgrades (UTC). */
  readonly maintenance: { readonly day: MaintenanceDay; readonly startTime: string };
  /** A highly available control plane; it cannot be turned off once on, so `false` is never sent after creation. */
  readonly highAvailability: boolean;
  /** Production: `protect` in Pulumi, so that no update or destroy removes the cluster by accident. */
  readonly protect: boolean;
  /** Disposable tenants: destroying the cluster also destroys its volumes and load balancers. */
  readonly destroyAssociatedResources: boolean;
  /** The default pool: hub, proxy, user scheduler, the chart's other services. */
  readonly systemPool: DoksPoolSettings;
  /** The pool notebook servers run on, tainted so nothing else lands there. */
  readonly userPool: DoksPoolSettings;
  /** DigitalOcean tags on the cluster and its pools (owner, tenant). */
  readonly tags: readonly string[];
  /** Let nodes pull from the account's container registry (a `registry-<name>` pull secret in every namespace). */
  readonly registryIntegration?: boolean;
}

/** The chart's label and taint on DigitalOcean: DOKS takes Kubernetes' own spelling of the effect. */
export function doksTaint(taint: Taint): { key: string; value: string; effect: string } {
  return { key: taint.key, value: taint.value, effect: taint.effect };
}

/** A kubeconfig for a DOKS cluster whose user authenticates with `doctl`'s exec credential plugin. */
export function doksKubeconfig(cluster: { id: string; name: string; endpoint: string; caCertificate: string }): string {
  const context = `do-${cluster.name}`;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server: cluster.endpoint, "certificate-authority-data": cluster.caCertificate } }],
    contexts: [{ name: context, context: { cluster: context, user: `${context}-admin` } }],
    "current-context": context,
    users: [
      {
        name: `${context}-admin`,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "doctl",
            args: ["kubernetes", "cluster", "kubeconfig", "exec-credential", "--version=v1beta1", cluster.id],
            installHint: "Install doctl and export DIGITALOCEAN_ACCESS_TOKEN (or run doctl auth init)",
          },
        },
      },
    ],
  });
}

/** The prefix getKubernetesVersions matches: `1.36.` finds 1.36.x slugs and not 1.3x. */
export function doksVersionPrefix(version: string): string {
  return `${version}.`;
}

/** Autoscaling as DOKS takes it; no node count, so that `pulumi up` never resets what the autoscaler chose. */
export function doksAutoscale(pool: DoksPoolSettings): { autoScale: true; minNodes: number; maxNodes: number } {
  return { autoScale: true, minNodes: pool.minNodes, maxNodes: pool.maxNodes };
}

/** The maintenance window DOKS applies patch upgrades in. */
export function doksMaintenancePolicy(maintenance: DoksClusterArgs["maintenance"]): { day: string; startTime: string } {
  return { day: maintenance.day, startTime: maintenance.startTime };
}

/** Every problem with the args, each naming the argument to change; empty when they are sound. */
export function doksClusterProblems(args: DoksClusterArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (!/^1\.[0-9]{2}$/.test(args.version))
    problems.push({ arg: "version", message: `${args.version} is not a Kubernetes minor version such as 1.36` });
  if (!/^([01][0-9]|2[0-3]):00$/.test(args.maintenance.startTime)) {
    problems.push({ arg: "maintenance.startTime", message: `${args.maintenance.startTime} is not a whole hour in UTC (HH:00)` });
  }
  for (const [which, pool] of [
    ["systemPool", args.systemPool],
    ["userPool", args.userPool],
  ] as const) {
    const sizeProblem = doksSizeProblem(pool.size);
    if (sizeProblem) problems.push({ arg: `${which}.size`, message: sizeProblem });
    if (pool.minNodes > pool.maxNodes)
      problems.push({ arg: `${which}.minNodes`, message: `${pool.minNodes} exceeds maxNodes (${pool.maxNodes})` });
  }
  // DOKS scales an extra pool to zero, but the cluster needs a node for the hub, the proxy and CoreDNS.
  if (args.systemPool.minNodes < 1) {
    problems.push({
      arg: "systemPool.minNodes",
      message: "must be at least 1 on DOKS: the default pool runs the hub, the proxy and CoreDNS",
    });
  }
  if (args.userPool.maxNodes < 1) problems.push({ arg: "userPool.maxNodes", message: "must be at least 1" });
  return problems;
}

/** Fields Pulumi sends at creation only: see the file's header for each. */
export function doksClusterIgnoredFields(args: Pick<DoksClusterArgs, "highAvailability">): string[] {
  return ["version", "nodePool.size", ...(args.highAvailability ? [] : ["ha"])];
}

/** A validated size's slug (validateDoksClusterArgs has refused the others). */
function slugOf(size: string): string {
  return resolveDropletSize(size) ?? size;
}

export class DoksCluster extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  readonly scheduling: HubScheduling;
  readonly cloud = "digitalocean" as const;
  readonly systemReady: pulumi.Resource[];
  readonly userPools: pulumi.Resource[];
  /** DOKS runs Cilium, which enforces NetworkPolicy. */
  readonly networkPolicyEnforced = true;
  readonly clusterId: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly vpcId: pulumi.Output<string>;
  /** The Kubernetes version the cluster was created or upgraded to. */
  readonly version: pulumi.Output<string>;
  /** The cluster's admin kubeconfig, authenticating through doctl (a secret, as every kubeconfig here). */
  readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: DoksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:cluster:Doks", name, {}, opts);
    assertNoProblems(`DOKS cluster ${args.tenant}`, doksClusterProblems(args), this);
    const { tenant, region } = args;
    const tags = [...args.tags];

    // DigitalOcean picks a free private range in the region: two tenants in one account never collide.
    const vpc = new digitalocean.Vpc(
      `${name}-vpc`,
      { name: resourceName(tenant, "vpc"), region, description: `hubfleet: the network of ${tenant}'s hub and database` },
      { parent: this },
    );

    const versions = digitalocean.getKubernetesVersionsOutput({ versionPrefix: doksVersionPrefix(args.version) }, { parent: this });

    const cluster = new digitalocean.KubernetesCluster(
      `${name}-cluster`,
      {
        name: resourceName(tenant, "cluster"),
        region,
        // Read at creation only (ignoreChanges below). A minor DOKS no longer lists is sent as it is:
        // an existing cluster ignores it, and a new one fails with DigitalOcean's own message.
        version: versions.latestVersion.apply((latest) => latest || args.version),
        vpcUuid: vpc.id,
        autoUpgrade: true,
        surgeUpgrade: true,
        maintenancePolicy: doksMaintenancePolicy(args.maintenance),
        ha: args.highAvailability,
        destroyAllAssociatedResources: args.destroyAssociatedResources,
        ...(args.registryIntegration ? { registryIntegration: true } : {}),
        tags,
        nodePool: {
          name: resourceName(tenant, "system"),
          size: slugOf(args.systemPool.size),
          ...doksAutoscale(args.systemPool),
          labels: { ...SYSTEM_POOL_LABELS },
          tags,
        },
      },
      { parent: this, protect: args.protect, ignoreChanges: doksClusterIgnoredFields(args) },
    );

    const userPool = new digitalocean.KubernetesNodePool(
      `${name}-users`,
      {
        clusterId: cluster.id,
        name: resourceName(tenant, "users"),
        size: slugOf(args.userPool.size),
        ...doksAutoscale(args.userPool),
        labels: { ...USER_POOL_LABELS },
        taints: [doksTaint(USER_POOL_TAINT)],
        tags,
      },
      { parent: this },
    );

    this.clusterId = cluster.id;
    this.clusterName = cluster.name;
    this.vpcId = vpc.id;
    this.version = cluster.version;
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.id, cluster.name, cluster.endpoint, cluster.kubeConfigs])
        .apply(([id, clusterName, endpoint, configs]) =>
          doksKubeconfig({ id, name: clusterName, endpoint, caCertificate: configs[0]?.clusterCaCertificate ?? "" }),
        ),
    );
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      { parent: this, dependsOn: [cluster] },
    );
    this.scheduling = dedicatedPoolScheduling();
    this.systemReady = [cluster];
    this.userPools = [userPool];

    this.registerOutputs({
      clusterId: this.clusterId,
      clusterName: this.clusterName,
      vpcId: this.vpcId,
      version: this.version,
      kubeconfig: this.kubeconfig,
    });
  }
}
