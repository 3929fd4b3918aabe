/**
 * Figures of a scale run, as numbers and as the Markdown table docs/fleet.md records.
 */
export interface Distribution {
  readonly count: number;
  readonly mean: number;
  readonly median: number;
  readonly p95: number;
  readonly max: number;
}

/** Nearest-rank percentiles: every figure is a time some stack really took. */
export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) throw new Error("no values to summarise");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
  return {
    count: sorted.length,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    median: rank(0.5),
    p95: rank(0.95),
    max: sorted[sorted.length - 1]!,
  };
}

export interface RoundFigures {
  readonly label: string;
  readonly wallMs: number;
  /** Render time of each stack inside its worker. */
  readonly stackMs: readonly number[];
  /** Peak resident memory of each worker, KiB. */
  readonly workerMaxRssKiB: readonly number[];
  /** Each worker's start-up: process start and loading the program and provider SDKs. */
  readonly workerStartupMs: readonly number[];
  /** CPU time of each worker, start-up included. */
  readonly workerCpuMs: readonly number[];
}

export interface ScaleFigures {
  readonly tenants: number;
  readonly stacks: number;
  readonly parallel: number;
  readonly resources: number;
  readonly rounds: readonly RoundFigures[];
  readonly totalWallMs: number;
  readonly parentMaxRssKiB: number;
  readonly budgetMs: number;
  /** The machine's 1-minute load average before and after, to read the wall times against. */
  readonly loadAverage: readonly [number, number];
  readonly cores: number;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const millis = (ms: number) => `${Math.round(ms)} ms`;
const mib = (kib: number) => `${Math.round(kib / 1024)} MiB`;

export function scaleReport(figures: ScaleFigures): string {
  const lines = [
    `${figures.stacks} stacks (${figures.tenants} tenants and their shared cluster), ${figures.resources} resources in one render of them all, ${figures.parallel} worker processes`,
    "",
    "| round | wall time | wall per stack | CPU time (per stack) | worker start-up | render per stack: median / p95 / max | peak memory per worker |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const round of figures.rounds) {
    const d = distribution(round.stackMs);
    lines.push(
      `| ${round.label} | ${seconds(round.wallMs)} | ${millis(round.wallMs / round.stackMs.length)} | ${seconds(sum(round.workerCpuMs))} (${millis(sum(round.workerCpuMs) / round.stackMs.length)}) | ${round.workerStartupMs.map(seconds).join(", ")} | ${millis(d.median)} / ${millis(d.p95)} / ${millis(d.max)} | ${round.workerMaxRssKiB.map(mib).join(", ")} |`,
    );
  }
  const peakWorkers = Math.max(...figures.rounds.map((round) => sum(round.workerMaxRssKiB)));
  lines.push(
    "",
    `total wall time: ${seconds(figures.totalWallMs)} (budget ${seconds(figures.budgetMs)}: ${figures.totalWallMs <= figures.budgetMs ? "within" : "OVER"})`,
    `peak memory: ${mib(peakWorkers)} for the workers of one round together, ${mib(figures.parentMaxRssKiB)} for the coordinating process`,
    `machine: ${figures.cores} cores, load average ${figures.loadAverage[0].toFixed(1)} before and ${figures.loadAverage[1].toFixed(1)} after`,
  );
  return lines.join("\n");
}
