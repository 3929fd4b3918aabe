/**
 * What a stack costs a month, from its rendered plan: idle (node pools at their
 * minimum, no users) and busy (a number of active users, each holding their
 * guarantee), per resource and category. Pure: prices come from prices.ts.
 */
import type { Plan, PlanResource } from "../render/report";
import { dropletSize, gceMachine, sizeInGb, type MachineShape } from "./machines";
import {
  flatPrice,
  gcpPrice,
  hasGcpPrice,
  hasGcpRegion,
  HOURS_PER_MONTH,
  isFlatPriceKey,
  monthly,
  type GcpSku,
  type Price,
} from "./prices";

export const COST_CATEGORIES = [
  "cluster fee",
  "nodes",
  "disks",
  "database",
  "load balancer and addresses",
  "network",
  "registry",
  "storage",
] as const;
export type CostCategory = (typeof COST_CATEGORIES)[number];

export type CostScope = "tenant" | "shared cluster" | "tenant on a shared cluster (marginal)" | "local";

export interface CostLine {
  readonly category: CostCategory;
  readonly resource: string;
  readonly what: string;
  readonly idle: number;
  readonly busy: number;
}

export interface CostTotals {
  readonly total: number;
  readonly byCategory: Record<CostCategory, number>;
}

export interface CostEstimate {
  readonly currency: "USD";
  readonly scope: CostScope;
  readonly activeUsers: number;
  readonly idle: CostTotals;
  readonly busy: CostTotals;
  readonly lines: CostLine[];
  readonly notes: string[];
  /** Every price used, by key, with its source. */
  readonly prices: Record<string, Price>;
}

export interface CostOptions {
  /** Users with a running server in the busy case. */
  readonly activeUsers: number;
  /** A user's guarantee on a shared cluster's pool, whose tenants' values are in other stacks. */
  readonly sharedClusterUser: { readonly cpu: number; readonly memoryGb: number };
}

export const DEFAULT_COST_OPTIONS: CostOptions = { activeUsers: 10, sharedClusterUser: { cpu: 0.5, memoryGb: 1 } };

/**
 * Share of a node's CPU and memory left for user pods after the kubelet's reservations
 * and the system daemons (an assumption: GKE keeps about 80 % of a 16 GB node allocatable).
 */
export const ALLOCATABLE_SHARE = { cpu: 0.9, memory: 0.8 } as const;

const USER_PURPOSE = "user";

type Inputs = Record<string, unknown>;
const get = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (v !== null && typeof v === "object" ? (v as Inputs)[key] : undefined), value);
const num = (value: unknown, fallback = 0): number => (typeof value === "number" && Number.isFinite(value) ? value : fallback);

/** Collects lines and the prices they used. */
class Ledger {
  readonly lines: CostLine[] = [];
  readonly notes: string[] = [];
  readonly prices: Record<string, Price> = {};
  use(priced: { key: string; price: Price }): Price {
    this.prices[priced.key] = priced.price;
    return priced.price;
  }
  add(line: CostLine): void {
    this.lines.push(line);
  }
}

interface UserShape {
  cpu: number;
  memoryGb: number;
  storageGb: number;
}

/** Node pools a plan creates: GKE pools, DOKS pools, and the DOKS cluster's own first pool. */
interface Pool {
  resource: string;
  cloud: "gcp" | "digitalocean";
  purpose: string | undefined;
  machine: MachineShape;
  machineName: string;
  minNodes: number;
  maxNodes: number;
  region: string | undefined;
  gpus: { type: string; count: number }[];
  diskGb: number;
  diskType: string;
}

function providerRegion(plan: Plan, type: string): string | undefined {
  const region = plan.resources.find((r) => r.type === type)?.inputs.region;
  return typeof region === "string" ? region : undefined;
}

/** `europe-west1-b` → `europe-west1`; a region stays as it is; a placeholder gives undefined. */
function gcpRegionOf(location: unknown): string | undefined {
  if (typeof location !== "string" || location.startsWith("<")) return undefined;
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location) ? location.replace(/-[a-z]$/, "") : location;
}

function pools(plan: Plan, ledger: Ledger): Pool[] {
  const gcpDefaultRegion = providerRegion(plan, "pulumi:providers:gcp");
  const result: Pool[] = [];
  for (const r of plan.resources) {
    if (r.type === "gcp:container/nodePool:NodePool") {
      const machineName = String(get(r.inputs, "nodeConfig", "machineType"));
      const machine = gceMachine(machineName);
      if (!machine) {
        ledger.notes.push(`${r.name}: machine type ${machineName} is not in the price model; not counted`);
        continue;
      }
      const autoscaling = get(r.inputs, "autoscaling");
      result.push({
        resource: r.name,
        cloud: "gcp",
        purpose: get(r.inputs, "nodeConfig", "labels", "hub.jupyter.org/node-purpose") as string | undefined,
        machine,
        machineName,
        minNodes: num(
          get(autoscaling, "totalMinNodeCount"),
          num(get(autoscaling, "minNodeCount"), num(r.inputs.nodeCount, num(r.inputs.initialNodeCount))),
        ),
        maxNodes: num(
          get(autoscaling, "totalMaxNodeCount"),
          num(get(autoscaling, "maxNodeCount"), num(r.inputs.nodeCount, num(r.inputs.initialNodeCount))),
        ),
        region: gcpRegionOf(r.inputs.location) ?? gcpDefaultRegion,
        gpus: ((get(r.inputs, "nodeConfig", "guestAccelerators") as unknown[] | undefined) ?? []).map((g) => ({
          type: String(get(g, "type")),
          count: num(get(g, "count"), 1),
        })),
        diskGb: num(get(r.inputs, "nodeConfig", "diskSizeGb"), 100),
        diskType: String(get(r.inputs, "nodeConfig", "diskType") ?? "pd-balanced"),
      });
    }
    const doPool =
      r.type === "digitalocean:index/kubernetesNodePool:KubernetesNodePool"
        ? r.inputs
        : r.type === "digitalocean:index/kubernetesCluster:KubernetesCluster"
          ? (get(r.inputs, "nodePool") as Inputs | undefined)
          : undefined;
    if (doPool) {
      const machineName = String(doPool.size);
      const machine = dropletSize(machineName);
      if (!machine) {
        ledger.notes.push(`${r.name}: droplet size ${machineName} is not in the price model; not counted`);
        continue;
      }
      const fixed = num(doPool.nodeCount, 1);
      const autoScale = doPool.autoScale === true;
      result.push({
        resource: r.name,
        cloud: "digitalocean",
        purpose: get(doPool, "labels", "hub.jupyter.org/node-purpose") as string | undefined,
        machine,
        machineName,
        minNodes: autoScale ? num(doPool.minNodes) : fixed,
        maxNodes: autoScale ? num(doPool.maxNodes, fixed) : fixed,
        region: undefined,
        gpus: [],
        diskGb: 0,
        diskType: "included",
      });
    }
  }
  return result;
}

/** Monthly price of one node of the pool, and of its boot disk; undefined when the table lacks a part. */
function nodeMonthly(pool: Pool, ledger: Ledger): { node: number; disk: number } | undefined {
  if (pool.cloud === "digitalocean") {
    const key = `do.droplet.${pool.machineName}`;
    if (!isFlatPriceKey(key)) return undefined;
    return { node: ledger.use(flatPrice(key)).usd, disk: 0 };
  }
  const region = pool.region;
  if (!region) return undefined;
  const family = pool.machine.family;
  const skus = [`${family}.vcpu`, `${family}.memoryGb`, `disk.${pool.diskType}`, ...pool.gpus.map((g) => `gpu.${g.type}`)];
  if (!skus.every((sku) => hasGcpPrice(region, sku))) return undefined;
  const hourly = (sku: string) => ledger.use(gcpPrice(region, sku as GcpSku)).usd;
  const perHour =
    pool.machine.vcpu * hourly(`${family}.vcpu`) +
    pool.machine.memoryGb * hourly(`${family}.memoryGb`) +
    pool.gpus.reduce((sum, g) => sum + g.count * hourly(`gpu.${g.type}`), 0);
  return { node: perHour * HOURS_PER_MONTH, disk: monthly(ledger.use(gcpPrice(region, `disk.${pool.diskType}` as GcpSku)), pool.diskGb) };
}

/** How many users at the shape fit on one node of the pool. */
export function usersPerNode(machine: MachineShape, user: { cpu: number; memoryGb: number }): number {
  const byMemory = user.memoryGb > 0 ? (machine.memoryGb * ALLOCATABLE_SHARE.memory) / user.memoryGb : Infinity;
  const byCpu = user.cpu > 0 ? (machine.vcpu * ALLOCATABLE_SHARE.cpu) / user.cpu : Infinity;
  return Math.floor(Math.min(byMemory, byCpu));
}

function hubUser(plan: Plan): UserShape | undefined {
  const release = plan.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "jupyterhub");
  if (!release) return undefined;
  const singleuser = get(release.inputs, "values", "singleuser");
  return {
    cpu: num(get(singleuser, "cpu", "guarantee")),
    memoryGb: sizeInGb(get(singleuser, "memory", "guarantee")) ?? 0,
    storageGb: get(singleuser, "storage", "type") === "none" ? 0 : (sizeInGb(get(singleuser, "storage", "capacity")) ?? 10),
  };
}

function scopeOf(plan: Plan): CostScope {
  const types = new Set(plan.resources.map((r) => r.type));
  const hasRelease = types.has("kubernetes:helm.sh/v3:Release");
  const hasCloudCluster = types.has("gcp:container/cluster:Cluster") || types.has("digitalocean:index/kubernetesCluster:KubernetesCluster");
  if (hasCloudCluster && !hasRelease) return "shared cluster";
  if (types.has("pulumi:pulumi:StackReference") && !hasCloudCluster) return "tenant on a shared cluster (marginal)";
  const cloudy = plan.resources.some((r) => /^(gcp|aws|digitalocean):/.test(r.type));
  return cloudy ? "tenant" : "local";
}

function addPools(plan: Plan, scope: CostScope, options: CostOptions, ledger: Ledger): { idleNodes: number; busyNodes: number } {
  const tenantUser = hubUser(plan);
  const user = tenantUser ?? { ...options.sharedClusterUser, storageGb: 0 };
  let idleNodes = 0;
  let busyNodes = 0;
  const all = pools(plan, ledger);
  // Busy users go to the first CPU user pool (GPU pools wait for a GPU profile).
  const userPool = all.find((p) => p.purpose === USER_PURPOSE && p.gpus.length === 0);
  for (const pool of all) {
    const price = nodeMonthly(pool, ledger);
    if (!price) {
      ledger.notes.push(`${pool.resource}: no price for ${pool.machineName}${pool.region ? ` in ${pool.region}` : ""}; not counted`);
      continue;
    }
    let busy = pool.minNodes;
    if (pool === userPool && options.activeUsers > 0) {
      const perNode = usersPerNode(pool.machine, user);
      const needed = perNode > 0 ? Math.ceil(options.activeUsers / perNode) : Infinity;
      busy = Math.max(pool.minNodes, Math.min(needed, pool.maxNodes));
      if (needed > pool.maxNodes)
        ledger.notes.push(
          `${pool.resource}: ${options.activeUsers} users need ${needed === Infinity ? "a bigger machine" : `${needed} nodes`}, the pool stops at ${pool.maxNodes}`,
        );
      else
        ledger.notes.push(
          `${pool.resource}: ${perNode} users per ${pool.machineName} node at ${user.cpu} CPU and ${round(user.memoryGb)} GB each`,
        );
    }
    idleNodes += pool.minNodes;
    busyNodes += busy;
    const gpuText = pool.gpus.map((g) => ` + ${g.count} ${g.type}`).join("");
    ledger.add({
      category: "nodes",
      resource: pool.resource,
      what: `${pool.machineName}${gpuText}: ${pool.minNodes} idle, ${busy} busy`,
      idle: price.node * pool.minNodes,
      busy: price.node * busy,
    });
    if (price.disk > 0)
      ledger.add({
        category: "disks",
        resource: pool.resource,
        what: `${pool.diskGb} GB ${pool.diskType} boot disk per node`,
        idle: price.disk * pool.minNodes,
        busy: price.disk * busy,
      });
  }
  if (!userPool && tenantUser && scope === "tenant on a shared cluster (marginal)")
    ledger.notes.push("user servers run on the shared cluster's user pool: their nodes are in the cluster stack's busy cost");
  return { idleNodes, busyNodes };
}

function addCluster(plan: Plan, ledger: Ledger): void {
  for (const r of plan.resources) {
    if (r.type === "gcp:container/cluster:Cluster") {
      const fee = ledger.use(flatPrice("gke.clusterFee"));
      ledger.add({
        category: "cluster fee",
        resource: r.name,
        what: "GKE cluster management",
        idle: monthly(fee, 1),
        busy: monthly(fee, 1),
      });
    }
    if (r.type === "digitalocean:index/kubernetesCluster:KubernetesCluster") {
      const fee = ledger.use(flatPrice(r.inputs.ha === true ? "do.kubernetesHaControlPlane" : "do.kubernetesControlPlane"));
      ledger.add({
        category: "cluster fee",
        resource: r.name,
        what: r.inputs.ha === true ? "DOKS HA control plane" : "DOKS control plane (free)",
        idle: monthly(fee, 1),
        busy: monthly(fee, 1),
      });
    }
  }
}

function cloudSqlMonthly(r: PlanResource, ledger: Ledger): number | undefined {
  const region = gcpRegionOf(r.inputs.region);
  const diskType = String(get(r.inputs, "settings", "diskType") ?? "PD_SSD");
  if (!region || !hasGcpRegion(region) || !hasGcpPrice(region, `sql.storage.${diskType}`)) return undefined;
  const tier = String(get(r.inputs, "settings", "tier"));
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  let instance: number;
  if (custom) {
    const vcpu = ledger.use(gcpPrice(region, "sql.vcpu")).usd;
    const memory = ledger.use(gcpPrice(region, "sql.memoryGb")).usd;
    instance = (Number(custom[1]) * vcpu + (Number(custom[2]) / 1024) * memory) * HOURS_PER_MONTH;
  } else if (tier === "db-f1-micro" || tier === "db-g1-small") {
    instance = monthly(ledger.use(gcpPrice(region, `sql.${tier}`)), 1);
  } else return undefined;
  const diskGb = num(get(r.inputs, "settings", "diskSize"), 10);
  const storage = monthly(ledger.use(gcpPrice(region, `sql.storage.${diskType}` as GcpSku)), diskGb);
  const backups =
    get(r.inputs, "settings", "backupConfiguration", "enabled") === true
      ? monthly(ledger.use(gcpPrice(region, "sql.backup")), diskGb * ledger.use(flatPrice("usage.sqlBackupShareOfDisk")).usd)
      : 0;
  return instance + storage + backups;
}

function addDatabases(plan: Plan, ledger: Ledger): void {
  for (const r of plan.resources) {
    if (r.type === "gcp:sql/databaseInstance:DatabaseInstance") {
      const cost = cloudSqlMonthly(r, ledger);
      if (cost === undefined) ledger.notes.push(`${r.name}: tier or region not in the price model; not counted`);
      else
        ledger.add({
          category: "database",
          resource: r.name,
          what: `Cloud SQL ${String(get(r.inputs, "settings", "tier"))}, ${num(get(r.inputs, "settings", "diskSize"), 10)} GB ${String(get(r.inputs, "settings", "diskType") ?? "PD_SSD")}, backups`,
          idle: cost,
          busy: cost,
        });
    }
    if (r.type === "digitalocean:index/databaseCluster:DatabaseCluster") {
      const key = `do.database.${String(r.inputs.size)}`;
      const nodes = num(r.inputs.nodeCount, 1);
      if (!isFlatPriceKey(key)) ledger.notes.push(`${r.name}: database size ${String(r.inputs.size)} not in the price model; not counted`);
      else {
        const cost = monthly(ledger.use(flatPrice(key)), nodes);
        ledger.add({
          category: "database",
          resource: r.name,
          what: `DigitalOcean PostgreSQL ${String(r.inputs.size)} x ${nodes}`,
          idle: cost,
          busy: cost,
        });
      }
    }
  }
}

function addEndpoint(plan: Plan, ledger: Ledger): void {
  for (const r of plan.resources) {
    if (r.type === "gcp:compute/address:Address" && r.inputs.addressType !== "INTERNAL") {
      const cost = monthly(ledger.use(flatPrice("gcp.externalIpInUse")), 1);
      ledger.add({
        category: "load balancer and addresses",
        resource: r.name,
        what: "static external IPv4, in use",
        idle: cost,
        busy: cost,
      });
    }
    if (r.type === "digitalocean:index/loadBalancer:LoadBalancer") {
      const cost = monthly(ledger.use(flatPrice("do.loadBalancerNode")), num(r.inputs.sizeUnit, 1));
      ledger.add({
        category: "load balancer and addresses",
        resource: r.name,
        what: `DigitalOcean load balancer, ${num(r.inputs.sizeUnit, 1)} node`,
        idle: cost,
        busy: cost,
      });
    }
  }
  // On Google Cloud the proxy's LoadBalancer Service becomes a forwarding rule the plan does not show.
  const onGcp = plan.resources.some((r) => r.type === "pulumi:providers:gcp");
  const release = plan.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "jupyterhub");
  if (onGcp && release && get(release.inputs, "values", "proxy", "service", "type") === "LoadBalancer") {
    const cost = monthly(ledger.use(flatPrice("gcp.forwardingRule")), 1);
    ledger.add({
      category: "load balancer and addresses",
      resource: release.name,
      what: "forwarding rule of the proxy's LoadBalancer Service",
      idle: cost,
      busy: cost,
    });
  }
}

function addNetwork(plan: Plan, nodes: { idleNodes: number; busyNodes: number }, ledger: Ledger): void {
  for (const r of plan.resources) {
    if (r.type !== "gcp:compute/routerNat:RouterNat") continue;
    const price = ledger.use(flatPrice("gcp.natPerVm"));
    ledger.add({
      category: "network",
      resource: r.name,
      what: "Cloud NAT, per node behind it",
      idle: monthly(price, nodes.idleNodes),
      busy: monthly(price, nodes.busyNodes),
    });
  }
}

function addUserStorage(plan: Plan, scope: CostScope, options: CostOptions, ledger: Ledger): void {
  const user = hubUser(plan);
  const users = options.activeUsers;
  if (user && user.storageGb > 0 && scope !== "local") {
    const onDo = plan.resources.some((r) => r.type.startsWith("digitalocean:"));
    const region = providerRegion(plan, "pulumi:providers:gcp");
    const price = onDo
      ? ledger.use(flatPrice("do.volume"))
      : region && hasGcpRegion(region)
        ? ledger.use(gcpPrice(region, "disk.pd-balanced"))
        : undefined;
    if (price)
      ledger.add({
        category: "disks",
        resource: "user home volumes",
        what: `${users} x ${round(user.storageGb)} GB, one per active user`,
        idle: 0,
        busy: monthly(price, users * user.storageGb),
      });
  }
  const buckets = plan.resources.filter((r) => r.type === "aws:s3/bucket:Bucket");
  if (buckets.length > 0) {
    const price = ledger.use(flatPrice("aws.s3.standard"));
    const perUser = ledger.use(flatPrice("usage.s3GbPerActiveUser")).usd;
    ledger.add({
      category: "storage",
      resource: buckets.map((b) => b.name).join(", "),
      what: `S3 Standard: empty when idle, ${perUser} GB per active user when busy`,
      idle: 0,
      busy: monthly(price, users * perUser),
    });
  }
  const registries = plan.resources.filter((r) => r.type === "gcp:artifactregistry/repository:Repository");
  if (registries.length === 0) ledger.notes.push("registry: none in the plan; images come from public registries");
  for (const r of registries)
    ledger.add({
      category: "registry",
      resource: r.name,
      what: "Artifact Registry, priced by stored GB (not estimated)",
      idle: 0,
      busy: 0,
    });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function totals(lines: readonly CostLine[], pick: (line: CostLine) => number): CostTotals {
  const byCategory = Object.fromEntries(COST_CATEGORIES.map((c) => [c, 0])) as Record<CostCategory, number>;
  for (const line of lines) byCategory[line.category] += pick(line);
  for (const c of COST_CATEGORIES) byCategory[c] = round(byCategory[c]);
  return { total: round(lines.reduce((sum, line) => sum + pick(line), 0)), byCategory };
}

export function estimateCost(plan: Plan, options: CostOptions = DEFAULT_COST_OPTIONS): CostEstimate {
  const ledger = new Ledger();
  const scope = scopeOf(plan);
  if (scope === "local") ledger.notes.push("a local cluster: no cloud cost");
  addCluster(plan, ledger);
  const nodes = addPools(plan, scope, options, ledger);
  addDatabases(plan, ledger);
  addEndpoint(plan, ledger);
  addNetwork(plan, nodes, ledger);
  addUserStorage(plan, scope, options, ledger);
  if (scope === "shared cluster") ledger.notes.push("shared by its tenant stacks: each tenant's own cost is marginal to this one");
  if (scope === "tenant on a shared cluster (marginal)")
    ledger.notes.push("marginal: what this tenant adds to its shared cluster, whose own cost is in the cluster stack");
  const lines = ledger.lines.map((line) => ({ ...line, idle: round(line.idle), busy: round(line.busy) }));
  return {
    currency: "USD",
    scope,
    activeUsers: options.activeUsers,
    idle: totals(ledger.lines, (l) => l.idle),
    busy: totals(ledger.lines, (l) => l.busy),
    lines,
    notes: ledger.notes,
    prices: Object.fromEntries(Object.entries(ledger.prices).sort(([a], [b]) => a.localeCompare(b))),
  };
}
