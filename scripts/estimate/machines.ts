/** vCPUs and memory of the machine types and droplet sizes the stacks name, read from their names. */

export interface MachineShape {
  readonly family: string;
  readonly vcpu: number;
  readonly memoryGb: number;
}

/** GB of memory per vCPU of Compute Engine's predefined classes. */
const GCE_MEMORY_PER_VCPU: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  e2: { standard: 4, highmem: 8, highcpu: 1 },
  n1: { standard: 3.75, highmem: 6.5, highcpu: 0.9 },
  n2: { standard: 4, highmem: 8, highcpu: 1 },
};

/** Shared-core E2 types, billed as a fraction of a vCPU (what the shape lists here). */
const SHARED_CORE: Readonly<Record<string, MachineShape>> = {
  "e2-micro": { family: "e2", vcpu: 0.25, memoryGb: 1 },
  "e2-small": { family: "e2", vcpu: 0.5, memoryGb: 2 },
  "e2-medium": { family: "e2", vcpu: 1, memoryGb: 4 },
};

/** `e2-highmem-2` → e2, 2 vCPU, 16 GB; undefined for shapes this table does not know. */
export function gceMachine(machineType: string): MachineShape | undefined {
  if (machineType in SHARED_CORE) return SHARED_CORE[machineType];
  const match = /^([a-z0-9]+)-(standard|highmem|highcpu)-(\d+)$/.exec(machineType);
  if (!match) return undefined;
  const [, family, shape, count] = match as unknown as [string, string, string, string];
  const perVcpu = GCE_MEMORY_PER_VCPU[family]?.[shape];
  if (perVcpu === undefined) return undefined;
  const vcpu = Number(count);
  return { family, vcpu, memoryGb: vcpu * perVcpu };
}

/** `s-4vcpu-8gb` → 4 vCPU, 8 GB. */
export function dropletSize(slug: string): MachineShape | undefined {
  const match = /^([a-z]+)-(\d+)vcpu-(\d+)gb/.exec(slug);
  if (!match) return undefined;
  return { family: match[1]!, vcpu: Number(match[2]), memoryGb: Number(match[3]) };
}

/** A Kubernetes or JupyterHub size ("1G", "512M", "10Gi") in GiB; JupyterHub's suffixes are powers of 1024. */
export function sizeInGb(size: unknown): number | undefined {
  if (typeof size === "number") return size / 1024 ** 3;
  if (typeof size !== "string") return undefined;
  const match = /^(\d+(?:\.\d+)?)([KMGT])i?$/.exec(size.trim());
  if (!match) return undefined;
  const power = { K: -2, M: -1, G: 0, T: 1 }[match[2] as "K" | "M" | "G" | "T"];
  return Number(match[1]) * 1024 ** power;
}
