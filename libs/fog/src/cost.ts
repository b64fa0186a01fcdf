/**
 * Pricing of fog usage: the guide's price per GPU-hour for each tier against traditional cloud,
 * the cost of a usage record, a cost report (per tier, per UTC day) and a namespace's monthly
 * invoice. Money is integer micro-dollars (µ$; 1 $ = 1,000,000 µ$); quantities are summed as
 * integer thousandths of a unit-second, so nothing drifts, and each amount is rounded (half
 * up) once, from the exact product of its summed quantity and unit price.
 *
 * The guide prices only H100 GPU-hours. CPU and memory prices below are our assumptions,
 * derived from the same tier price so that every tier's saving against the cloud stays the
 * guide's (80 / 70 / 60 / 40 %). Replace them when real prices exist.
 */
import { TIERS, type Tier } from './tiers.js';

/** µ$ per H100 GPU-hour on traditional cloud (guide: $2.50). */
export const CLOUD_GPU_HOUR_MICROS = 2_500_000;

/** µ$ per GPU-hour per tier (guide: Bronze $0.50, Silver $0.75, Gold $1.00, Platinum $1.50). */
export const GPU_HOUR_PRICE_MICROS: Readonly<Record<Tier, number>> = {
  BRONZE: 500_000,
  SILVER: 750_000,
  GOLD: 1_000_000,
  PLATINUM: 1_500_000,
};

/**
 * ASSUMPTION: a CPU core-hour costs 1/32 of a GPU-hour of the same tier (a GPU server has
 * about 32 cores per GPU; on cloud this gives $0.078 per core-hour). Bronze: $0.015625.
 */
export const CPU_CORE_HOURS_PER_GPU_HOUR = 32;

/**
 * ASSUMPTION: a GB-hour of memory costs 1/256 of a GPU-hour of the same tier, i.e. 8 GB cost
 * one core-hour (the guide's fog node has 64 GB for 16 cores: 4 GB per core, rounded up to
 * make memory the cheaper resource). Bronze: $0.001953125.
 */
export const MEMORY_GB_HOURS_PER_GPU_HOUR = 256;

export const USAGE_RESOURCES = ['GPU', 'CPU', 'MEMORY'] as const;
export type UsageResource = (typeof USAGE_RESOURCES)[number];

/** A tier's prices, or the traditional cloud's. */
export type PriceList = Tier | 'CLOUD';

const DIVISOR: Readonly<Record<UsageResource, number>> = {
  GPU: 1,
  CPU: CPU_CORE_HOURS_PER_GPU_HOUR,
  MEMORY: MEMORY_GB_HOURS_PER_GPU_HOUR,
};

const UNIT: Readonly<Record<UsageResource, string>> = { GPU: 'GPU-hour', CPU: 'CPU core-hour', MEMORY: 'GB-hour' };

/** Metered usage of one fog job (or one slice of it) over [startedAt, endedAt). */
export interface UsageRecord {
  readonly namespace: string;
  readonly tier: Tier;
  readonly jobId?: string;
  /** Epoch ms. */
  readonly startedAt: number;
  /** Epoch ms, ≥ startedAt. */
  readonly endedAt: number;
  readonly cpuCoreSeconds: number;
  readonly gpuSeconds: number;
  readonly memoryGbSeconds: number;
}

/** µ$ per unit-hour; may be fractional (Bronze memory: 1953.125). */
export function unitPriceMicrosPerHour(list: PriceList, resource: UsageResource): number {
  return gpuHourPrice(list) / DIVISOR[resource];
}

function gpuHourPrice(list: PriceList): number {
  return list === 'CLOUD' ? CLOUD_GPU_HOUR_MICROS : GPU_HOUR_PRICE_MICROS[list];
}

/** Quantities in integer thousandths of a unit-second. */
interface Quantities {
  GPU: number;
  CPU: number;
  MEMORY: number;
}

const MS_PER_HOUR = 3_600_000n;

/** µ$ for `milli` thousandths of unit-seconds, rounded half up from the exact value. */
function amountMicros(milli: number, list: PriceList, resource: UsageResource): number {
  const num = BigInt(milli) * BigInt(gpuHourPrice(list));
  const den = MS_PER_HOUR * BigInt(DIVISOR[resource]);
  return Number((2n * num + den) / (2n * den));
}

function quantitiesOf(r: Pick<UsageRecord, 'cpuCoreSeconds' | 'gpuSeconds' | 'memoryGbSeconds'>): Quantities {
  const q = { GPU: r.gpuSeconds, CPU: r.cpuCoreSeconds, MEMORY: r.memoryGbSeconds };
  for (const [k, v] of Object.entries(q))
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`usage ${k} quantity must be a finite number ≥ 0, got ${v}`);
  return { GPU: Math.round(q.GPU * 1000), CPU: Math.round(q.CPU * 1000), MEMORY: Math.round(q.MEMORY * 1000) };
}

export interface CostBreakdown {
  readonly gpuMicros: number;
  readonly cpuMicros: number;
  readonly memoryMicros: number;
  /** gpu + cpu + memory. */
  readonly totalMicros: number;
  /** The same usage at traditional cloud prices. */
  readonly cloudMicros: number;
  /** cloud − total. */
  readonly savingMicros: number;
  /** 100 · saving / cloud, two decimals; null when the cloud price is 0 (no usage). */
  readonly savingPercent: number | null;
}

export interface CostSummary extends CostBreakdown {
  readonly gpuHours: number;
  readonly cpuCoreHours: number;
  readonly memoryGbHours: number;
}

function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((10_000 * part) / whole) / 100;
}

function breakdown(q: Quantities, list: Tier): CostBreakdown {
  const gpuMicros = amountMicros(q.GPU, list, 'GPU');
  const cpuMicros = amountMicros(q.CPU, list, 'CPU');
  const memoryMicros = amountMicros(q.MEMORY, list, 'MEMORY');
  const totalMicros = gpuMicros + cpuMicros + memoryMicros;
  const cloudMicros = USAGE_RESOURCES.reduce((s, r) => s + amountMicros(q[r], 'CLOUD', r), 0);
  return { gpuMicros, cpuMicros, memoryMicros, totalMicros, cloudMicros, savingMicros: cloudMicros - totalMicros, savingPercent: percent(cloudMicros - totalMicros, cloudMicros) };
}

/** Unit-hours from thousandths of unit-seconds. */
const hours = (milli: number) => milli / 3_600_000;

function summary(q: Quantities, list: Tier): CostSummary {
  return { ...breakdown(q, list), gpuHours: hours(q.GPU), cpuCoreHours: hours(q.CPU), memoryGbHours: hours(q.MEMORY) };
}

/** Adds summaries of different tiers (amounts add; percent recomputed). */
function addSummaries(parts: readonly CostSummary[]): CostSummary {
  const sum = (k: keyof CostSummary) => parts.reduce((s, p) => s + (p[k] as number), 0);
  const totalMicros = sum('totalMicros');
  const cloudMicros = sum('cloudMicros');
  return {
    gpuMicros: sum('gpuMicros'),
    cpuMicros: sum('cpuMicros'),
    memoryMicros: sum('memoryMicros'),
    totalMicros,
    cloudMicros,
    savingMicros: cloudMicros - totalMicros,
    savingPercent: percent(cloudMicros - totalMicros, cloudMicros),
    gpuHours: sum('gpuHours'),
    cpuCoreHours: sum('cpuCoreHours'),
    memoryGbHours: sum('memoryGbHours'),
  };
}

/**
 * Cost of one usage record at its tier's prices, and against the cloud. A CPU-only job pays
 * CPU core-hours and memory GB-hours at the assumed ratios; a GPU job pays all three.
 */
export function costOfUsage(record: Pick<UsageRecord, 'tier' | 'cpuCoreSeconds' | 'gpuSeconds' | 'memoryGbSeconds'>): CostBreakdown {
  return breakdown(quantitiesOf(record), record.tier);
}

const DAY_MS = 86_400_000;

/** A record with integer milli quantities. */
interface Slice {
  readonly record: UsageRecord;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly q: Quantities;
}

/** Splits at UTC midnights, sharing each quantity in proportion to time (the parts add up exactly). */
function slicesOf(record: UsageRecord): Slice[] {
  const { startedAt, endedAt } = record;
  if (!Number.isFinite(startedAt) || !Number.isFinite(endedAt) || endedAt < startedAt)
    throw new RangeError(`usage record ${record.jobId ?? ''}: need finite startedAt ≤ endedAt`);
  const q = quantitiesOf(record);
  if (endedAt === startedAt || Math.floor(startedAt / DAY_MS) === Math.floor((endedAt - 1) / DAY_MS))
    return [{ record, startedAt, endedAt, q }];
  const total = BigInt(endedAt - startedAt);
  const share = (v: number, elapsed: number) => Number((BigInt(v) * BigInt(elapsed)) / total);
  const out: Slice[] = [];
  for (let from = startedAt; from < endedAt; ) {
    const to = Math.min(endedAt, (Math.floor(from / DAY_MS) + 1) * DAY_MS);
    const a = from - startedAt;
    const b = to - startedAt;
    out.push({
      record,
      startedAt: from,
      endedAt: to,
      q: { GPU: share(q.GPU, b) - share(q.GPU, a), CPU: share(q.CPU, b) - share(q.CPU, a), MEMORY: share(q.MEMORY, b) - share(q.MEMORY, a) },
    });
    from = to;
  }
  return out;
}

/** A record crossing UTC midnight as one record per day, quantities shared in proportion to time. */
export function splitUsageAtUtcDays(record: UsageRecord): UsageRecord[] {
  return slicesOf(record).map((s) => ({
    ...record,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    gpuSeconds: s.q.GPU / 1000,
    cpuCoreSeconds: s.q.CPU / 1000,
    memoryGbSeconds: s.q.MEMORY / 1000,
  }));
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function emptyQuantities(): Quantities {
  return { GPU: 0, CPU: 0, MEMORY: 0 };
}
function addInto(into: Quantities, q: Quantities): void {
  into.GPU += q.GPU;
  into.CPU += q.CPU;
  into.MEMORY += q.MEMORY;
}

export interface CostReportOptions {
  /** Only this namespace's records. */
  readonly namespace?: string;
  /** Epoch ms, inclusive; usage before it is left out (records are cut at UTC days first). */
  readonly from?: number;
  /** Epoch ms, exclusive. */
  readonly to?: number;
}

export interface DailyCost {
  /** UTC date, YYYY-MM-DD. */
  readonly day: string;
  /** Tiers with usage that day. */
  readonly byTier: Partial<Record<Tier, CostSummary>>;
  /** Sum of byTier. */
  readonly total: CostSummary;
}

export interface CostReport {
  /** Tiers with usage in the period, each priced once from its summed quantities. */
  readonly byTier: Partial<Record<Tier, CostSummary>>;
  /** Days with usage, ascending. Priced per day and tier, so days can add up to the period's figures ± 1 µ$ per day and resource. */
  readonly byDay: readonly DailyCost[];
  /** Sum of byTier. */
  readonly total: CostSummary;
}

function priced(byTier: ReadonlyMap<Tier, Quantities>): { byTier: Partial<Record<Tier, CostSummary>>; total: CostSummary } {
  const out: Partial<Record<Tier, CostSummary>> = {};
  for (const t of TIERS) {
    const q = byTier.get(t);
    if (q) out[t] = summary(q, t);
  }
  return { byTier: out, total: addSummaries(Object.values(out)) };
}

/** Cost of usage per tier and per UTC day (records crossing midnight are split first). */
export function costReport(records: readonly UsageRecord[], options: CostReportOptions = {}): CostReport {
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  const period = new Map<Tier, Quantities>();
  const days = new Map<string, Map<Tier, Quantities>>();
  for (const record of records) {
    if (options.namespace !== undefined && record.namespace !== options.namespace) continue;
    for (const s of slicesOf(record)) {
      if (s.startedAt < from || s.startedAt >= to) continue;
      const day = utcDay(s.startedAt);
      let d = days.get(day);
      if (!d) days.set(day, (d = new Map()));
      for (const m of [period, d]) {
        let q = m.get(record.tier);
        if (!q) m.set(record.tier, (q = emptyQuantities()));
        addInto(q, s.q);
      }
    }
  }
  const byDay = [...days.keys()].sort().map((day) => ({ day, ...priced(days.get(day)!) }));
  return { ...priced(period), byDay };
}

export interface InvoiceLine {
  readonly tier: Tier;
  readonly resource: UsageResource;
  /** e.g. "Silver GPU-hours". */
  readonly description: string;
  readonly unit: string;
  /** Unit-hours, exact to the metered millisecond. */
  readonly quantity: number;
  readonly unitPriceMicros: number;
  readonly amountMicros: number;
  /** The same line at cloud prices. */
  readonly cloudAmountMicros: number;
}

export interface Invoice {
  readonly namespace: string;
  /** YYYY-MM. */
  readonly month: string;
  /** ISO timestamps of [start, end) of the month, UTC. */
  readonly periodStart: string;
  readonly periodEnd: string;
  /** Non-zero lines, by tier then GPU, CPU, memory. */
  readonly lines: readonly InvoiceLine[];
  /** Sum of the lines of each tier with usage. */
  readonly subtotalsByTier: Partial<Record<Tier, number>>;
  /** Sum of all lines, µ$. */
  readonly totalMicros: number;
  /** totalMicros rounded half up to cents: the amount to bill. */
  readonly totalCents: number;
  readonly cloudMicros: number;
  readonly savingMicros: number;
  readonly savingPercent: number | null;
}

const TIER_LABEL: Readonly<Record<Tier, string>> = { BRONZE: 'Bronze', SILVER: 'Silver', GOLD: 'Gold', PLATINUM: 'Platinum' };

/** [start, end) epoch ms of a UTC month written YYYY-MM. */
export function utcMonthRange(month: string): { start: number; end: number } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new RangeError(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  return { start: Date.UTC(y, mo, 1), end: Date.UTC(y, mo + 1, 1) };
}

/** A namespace's invoice for one UTC month: usage in the month (records cut at midnights), one line per tier and resource. */
export function monthlyInvoice(records: readonly UsageRecord[], namespace: string, month: string): Invoice {
  const { start, end } = utcMonthRange(month);
  const byTier = new Map<Tier, Quantities>();
  for (const record of records) {
    if (record.namespace !== namespace || record.endedAt < start || record.startedAt >= end) continue;
    for (const s of slicesOf(record)) {
      if (s.startedAt < start || s.startedAt >= end) continue;
      let q = byTier.get(record.tier);
      if (!q) byTier.set(record.tier, (q = emptyQuantities()));
      addInto(q, s.q);
    }
  }
  const lines: InvoiceLine[] = [];
  const subtotalsByTier: Partial<Record<Tier, number>> = {};
  for (const tier of TIERS) {
    const q = byTier.get(tier);
    if (!q) continue;
    for (const resource of USAGE_RESOURCES) {
      if (q[resource] === 0) continue;
      const amount = amountMicros(q[resource], tier, resource);
      lines.push({
        tier,
        resource,
        description: `${TIER_LABEL[tier]} ${UNIT[resource]}s`,
        unit: UNIT[resource],
        quantity: hours(q[resource]),
        unitPriceMicros: unitPriceMicrosPerHour(tier, resource),
        amountMicros: amount,
        cloudAmountMicros: amountMicros(q[resource], 'CLOUD', resource),
      });
      subtotalsByTier[tier] = (subtotalsByTier[tier] ?? 0) + amount;
    }
  }
  const totalMicros = lines.reduce((s, l) => s + l.amountMicros, 0);
  const cloudMicros = lines.reduce((s, l) => s + l.cloudAmountMicros, 0);
  return {
    namespace,
    month,
    periodStart: new Date(start).toISOString(),
    periodEnd: new Date(end).toISOString(),
    lines,
    subtotalsByTier,
    totalMicros,
    totalCents: Math.floor((totalMicros + 5_000) / 10_000),
    cloudMicros,
    savingMicros: cloudMicros - totalMicros,
    savingPercent: percent(cloudMicros - totalMicros, cloudMicros),
  };
}

/** "$1,234.57" from µ$ (rounded half up to `decimals`, 0..6). */
export function formatUsd(micros: number, decimals = 2): string {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 6) throw new RangeError(`decimals must be 0..6, got ${decimals}`);
  const step = 10 ** (6 - decimals);
  const sign = micros < 0 ? '-' : '';
  const units = Math.floor((Math.abs(micros) + step / 2) / step);
  const whole = Math.floor(units / 10 ** decimals);
  const frac = String(units % 10 ** decimals).padStart(decimals, '0');
  return `${sign}$${whole.toLocaleString('en-US')}${decimals > 0 ? `.${frac}` : ''}`;
}
