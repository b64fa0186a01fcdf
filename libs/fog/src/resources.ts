/**
 * What a fog job requests and a fog node offers: CPU cores, memory (MB) and GPUs. Fractions
 * are allowed (0.5 core, a MIG slice of a GPU); the scheduler works in integer milli-units so
 * its sums and comparisons are exact.
 */

export interface Resources {
  readonly cpuCores: number;
  readonly memoryMb: number;
  readonly gpus: number;
}

/** The three resources, scarcest first: the order used to break ties between them. */
export const RESOURCE_KEYS = ['gpus', 'cpuCores', 'memoryMb'] as const;
export type ResourceKey = (typeof RESOURCE_KEYS)[number];

const UNIT: Readonly<Record<ResourceKey, [string, string]>> = {
  gpus: ['GPU', 'GPUs'],
  cpuCores: ['CPU core', 'CPU cores'],
  memoryMb: ['MB of memory', 'MB of memory'],
};

/** "2 GPUs", "0.5 CPU cores", "4096 MB of memory". */
export function formatAmount(key: ResourceKey, amount: number): string {
  return `${amount} ${UNIT[key][amount === 1 ? 0 : 1]}`;
}

/** "1 GPU, 4 CPU cores, 8192 MB of memory" (zero GPUs left out). */
export function formatResources(r: Resources): string {
  return RESOURCE_KEYS.filter((k) => k !== 'gpus' || r.gpus > 0)
    .map((k) => formatAmount(k, r[k]))
    .join(', ');
}

/** Whether every amount is a finite number ≥ 0. */
export function validResources(r: Resources): boolean {
  return r.gpus >= 0 && r.cpuCores >= 0 && r.memoryMb >= 0 && Number.isFinite(r.gpus + r.cpuCores + r.memoryMb);
}

/** Throws a RangeError unless every amount is finite and ≥ 0. */
export function checkResources(field: string, r: Resources): void {
  for (const k of RESOURCE_KEYS)
    if (!Number.isFinite(r[k]) || r[k] < 0) throw new RangeError(`${field}.${k} must be a finite number ≥ 0, got ${r[k]}`);
}

/** Integer thousandths: exact to add and compare. */
export const milli = (x: number): number => Math.round(x * 1000);
