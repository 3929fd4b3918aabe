/**
 * List prices (USD, on-demand, no discounts or free tiers) for what the example stacks
 * create, in the regions they use. Each price names its source page, the date it
 * refers to, and whether it is an assumption: a value not read as such from the source
 * (derived by a regional factor, or a usage guess). The table was written offline: check
 * the source pages before quoting a figure as a bill.
 */

export type PriceUnit = "hour" | "month" | "GB-month";

export interface Price {
  readonly usd: number;
  readonly unit: PriceUnit;
  readonly source: string;
  /** The month the price refers to. */
  readonly asOf: string;
  readonly assumption: boolean;
  readonly note?: string;
}

export const HOURS_PER_MONTH = 730;

const GCE = "https://cloud.google.com/compute/vm-instance-pricing";
const GPU = "https://cloud.google.com/compute/gpus-pricing";
const DISK = "https://cloud.google.com/compute/disks-image-pricing";
const GKE = "https://cloud.google.com/kubernetes-engine/pricing";
const SQL = "https://cloud.google.com/sql/pricing";
const NET = "https://cloud.google.com/vpc/network-pricing";
const NAT = "https://cloud.google.com/nat/pricing";
const LB = "https://cloud.google.com/vpc/network-pricing#lb";
const DO = "https://www.digitalocean.com/pricing";
const S3 = "https://aws.amazon.com/s3/pricing/";
const AS_OF = "2025-06";

function listed(usd: number, unit: PriceUnit, source: string, note?: string): Price {
  return { usd, unit, source, asOf: AS_OF, assumption: false, ...(note ? { note } : {}) };
}

/** Belgium and the Netherlands cost about a tenth more than Iowa for compute and Cloud SQL. */
const EUROPE_FACTOR = 1.1;
function inEurope(base: Price, region: string): Price {
  return {
    ...base,
    usd: Math.round(base.usd * EUROPE_FACTOR * 1e6) / 1e6,
    assumption: true,
    note: `us-central1 list price x ${EUROPE_FACTOR} for ${region}; read the ${region} column before relying on it`,
  };
}

const usCentral1 = {
  "e2.vcpu": listed(0.021811, "hour", GCE),
  "e2.memoryGb": listed(0.002923, "hour", GCE),
  "n1.vcpu": listed(0.031611, "hour", GCE),
  "n1.memoryGb": listed(0.004237, "hour", GCE),
  "gpu.nvidia-tesla-t4": listed(0.35, "hour", GPU),
  "disk.pd-standard": listed(0.04, "GB-month", DISK),
  "disk.pd-balanced": listed(0.1, "GB-month", DISK),
  "disk.pd-ssd": listed(0.17, "GB-month", DISK),
  "sql.vcpu": listed(0.0413, "hour", SQL, "Enterprise edition, dedicated core"),
  "sql.memoryGb": listed(0.007, "hour", SQL, "Enterprise edition"),
  "sql.db-f1-micro": listed(0.0105, "hour", SQL, "shared core"),
  "sql.db-g1-small": listed(0.035, "hour", SQL, "shared core"),
  "sql.storage.PD_SSD": listed(0.17, "GB-month", SQL),
  "sql.storage.PD_HDD": listed(0.09, "GB-month", SQL),
  "sql.backup": listed(0.08, "GB-month", SQL),
} as const;

type GcpSku = keyof typeof usCentral1;

const gcpRegions: Record<string, Record<GcpSku, Price>> = {
  "us-central1": usCentral1,
  "europe-west1": Object.fromEntries(Object.entries(usCentral1).map(([sku, p]) => [sku, inEurope(p, "europe-west1")])) as Record<
    GcpSku,
    Price
  >,
  "europe-west4": Object.fromEntries(Object.entries(usCentral1).map(([sku, p]) => [sku, inEurope(p, "europe-west4")])) as Record<
    GcpSku,
    Price
  >,
};

/** Prices that do not depend on the region among those the examples use. */
export const FLAT_PRICES = {
  "gke.clusterFee": listed(
    0.1,
    "hour",
    GKE,
    "per cluster, zonal or regional; the free tier's monthly credit for one zonal or Autopilot cluster is not subtracted",
  ),
  "gcp.externalIpInUse": listed(0.005, "hour", NET, "static or ephemeral external IPv4 address attached to a forwarding rule or VM"),
  "gcp.forwardingRule": listed(
    0.025,
    "hour",
    LB,
    "first five forwarding rules of a project and region: the LoadBalancer Service of the proxy",
  ),
  "gcp.natPerVm": listed(0.0014, "hour", NAT, "per VM using the gateway, up to 32 VMs; data processing ($0.045/GB) not counted"),
  "do.kubernetesControlPlane": listed(0, "month", DO, "free unless high availability is on"),
  "do.kubernetesHaControlPlane": listed(40, "month", DO),
  "do.droplet.s-2vcpu-4gb": listed(24, "month", DO, "basic droplet, same price in every region"),
  "do.droplet.s-4vcpu-8gb": listed(48, "month", DO, "basic droplet, same price in every region"),
  "do.database.db-s-1vcpu-1gb": listed(15, "month", DO, "managed PostgreSQL, one node"),
  "do.database.db-s-1vcpu-2gb": listed(30, "month", DO, "managed PostgreSQL, one node"),
  "do.loadBalancerNode": listed(12, "month", DO, "regional load balancer, per node (size unit)"),
  "do.volume": listed(0.1, "GB-month", DO, "block storage volumes (user home directories)"),
  "aws.s3.standard": listed(0.023, "GB-month", S3, "S3 Standard, first 50 TB, eu-west-1 and us-east-1"),
  "usage.s3GbPerActiveUser": {
    usd: 5,
    unit: "GB-month",
    source: "hubfleet estimate",
    asOf: AS_OF,
    assumption: true,
    note: "GB of lake and notebooks data an active user keeps in S3 (a usage guess, not a price)",
  },
  "usage.sqlBackupShareOfDisk": {
    usd: 1,
    unit: "GB-month",
    source: "hubfleet estimate",
    asOf: AS_OF,
    assumption: true,
    note: "backups and PITR logs kept take about as much as the disk (a usage guess)",
  },
} as const;

export type FlatPriceKey = keyof typeof FLAT_PRICES;

export function gcpPrice(region: string, sku: GcpSku): { key: string; price: Price } {
  const price = gcpRegions[region]?.[sku];
  if (!price) throw new Error(`no Google Cloud price ${sku} in ${region}; add it to scripts/estimate/prices.ts`);
  return { key: `${region}/${sku}`, price };
}

/** Whether the table prices this SKU (a machine family, GPU, disk or Cloud SQL tier) in the region. */
export function hasGcpPrice(region: string, sku: string): sku is GcpSku {
  return gcpRegions[region]?.[sku as GcpSku] !== undefined;
}

export function flatPrice(key: FlatPriceKey): { key: string; price: Price } {
  return { key, price: FLAT_PRICES[key] };
}

export function isFlatPriceKey(key: string): key is FlatPriceKey {
  return key in FLAT_PRICES;
}

export function hasGcpRegion(region: string): boolean {
  return region in gcpRegions;
}

export type { GcpSku };

/** Monthly cost of a quantity at a price: hours run all month, GB-months and months as they are. */
export function monthly(price: Price, quantity: number): number {
  return price.unit === "hour" ? price.usd * HOURS_PER_MONTH * quantity : price.usd * quantity;
}
