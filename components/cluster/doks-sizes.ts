/**
 * DigitalOcean node sizes by name: PipalHub's presets, bigger presets for real
 * workshops, or any droplet size slug passed through. Pure and free of Pulumi, so
 * that the config schema can refuse a size DOKS would not run before anything is built.
 */

/**
 * Presets → droplet size slugs. `small`, `medium` and `large` are PipalHub's own
 * (its workshop machines); the rest fit a class on DOKS, where one node holds many users.
 */
export const DOKS_SIZE_PRESETS = {
  /** PipalHub's small machine: 1 vCPU, 1 GB. Too small for a DOKS node (see MIN_NODE_MEMORY_GB). */
  small: "s-1vcpu-1gb",
  /** 1 vCPU, 2 GB: the hub, the proxy and the chart's services of a small tenant. */
  medium: "s-1vcpu-2gb",
  /** 2 vCPU, 2 GB. */
  large: "s-2vcpu-2gb",
  /** 2 vCPU, 4 GB: about three users at 1 GB each, after the node's own reservations. */
  xlarge: "s-2vcpu-4gb",
  /** 4 vCPU, 8 GB: about six users at 1 GB each. */
  "2xlarge": "s-4vcpu-8gb",
  /** 8 vCPU, 16 GB: a class of a dozen on one node. */
  "4xlarge": "s-8vcpu-16gb",
  /** Memory-optimised, 2 vCPU, 16 GB: data-heavy notebooks. */
  highmem: "m-2vcpu-16gb",
  /** CPU-optimised, 4 dedicated vCPU, 8 GB: compute-heavy exercises. */
  highcpu: "c-4",
} as const;

export type DoksSizePreset = keyof typeof DOKS_SIZE_PRESETS;

/**
 * hubfleet's floor for a DOKS node. After the kubelet's reservations and DOKS's own
 * daemons (Cilium, the CSI node plugin, konnectivity, the DO agent), a 1 GB droplet
 * keeps a few hundred MB allocatable: not one notebook, nor the hub beside the proxy.
 */
export const MIN_NODE_MEMORY_GB = 2;

/** Droplet size slugs: a family, then `-`-separated parts (s-1vcpu-2gb, c-4, m-2vcpu-16gb, s-2vcpu-4gb-amd, so1_5-2vcpu-16gb). */
const SIZE_SLUG = /^[a-z0-9]+(_[a-z0-9]+)?(-[a-z0-9]+)+$/;

export function isDoksSizePreset(value: string): value is DoksSizePreset {
  return Object.prototype.hasOwnProperty.call(DOKS_SIZE_PRESETS, value);
}

/** A preset's slug, or the value itself when it is already a size slug; undefined when it is neither. */
export function resolveDropletSize(value: string): string | undefined {
  if (isDoksSizePreset(value)) return DOKS_SIZE_PRESETS[value];
  return SIZE_SLUG.test(value) ? value : undefined;
}

/**
 * A slug's memory in GB where the slug spells it (`-2gb`, `-512mb`) or implies it
 * (CPU-optimised `c-N` droplets have 2 GB per vCPU); undefined when it cannot tell.
 */
export function dropletMemoryGb(slug: string): number | undefined {
  // The first size in a slug is its memory; a disk size may follow (s-1vcpu-512mb-10gb).
  const size = /-(\d+)(gb|mb)(-|$)/.exec(slug);
  if (size) return size[2] === "gb" ? Number(size[1]) : Number(size[1]) / 1024;
  const cpuOptimised = /^c2?-(\d+)(-|$)/.exec(slug);
  if (cpuOptimised) return Number(cpuOptimised[1]) * 2;
  return undefined;
}

/** What is wrong with a node size for DOKS, in words a config error can carry; undefined when it fits. */
export function doksSizeProblem(value: string): string | undefined {
  const presets = Object.keys(DOKS_SIZE_PRESETS).join(", ");
  const slug = resolveDropletSize(value);
  if (slug === undefined) {
    return `${value} is neither a preset (${presets}) nor a DigitalOcean size slug such as s-2vcpu-4gb`;
  }
  const memory = dropletMemoryGb(slug);
  if (memory !== undefined && memory < MIN_NODE_MEMORY_GB) {
    const named = slug === value ? value : `${value} (${slug})`;
    return `${named} has ${memory} GB of memory; DOKS nodes need at least ${MIN_NODE_MEMORY_GB} GB: use medium (s-1vcpu-2gb) or larger`;
  }
  return undefined;
}
