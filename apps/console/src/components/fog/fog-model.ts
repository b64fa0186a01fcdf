/**
 * Pure helpers of the Fog page: the tier and status vocabularies and their tones, queue
 * counts per tier, live log merging, money and base64.
 */
import type { FogJobStatus, FogNodeStatus, FogTier } from '@/gql/graphql';
import type { Tone } from '@/components/ui/status-badge';

export const TIERS: readonly FogTier[] = ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM'];
export const JOB_STATUSES: readonly FogJobStatus[] = ['QUEUED', 'SCHEDULED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
export const ACTIVE_STATUSES: readonly FogJobStatus[] = ['QUEUED', 'SCHEDULED', 'RUNNING'];
export const SLA_CLASSES = ['S', 'A', 'B'] as const;

/** Nodes, the queue and the listed jobs are re-read this often (agents heartbeat every FOG_HEARTBEAT_MS, 10 s by default). */
export const POLL_MS = 3000;

export const isActiveJob = (status: FogJobStatus) => ACTIVE_STATUSES.includes(status);

export function jobTone(status: FogJobStatus): Tone {
  if (status === 'SUCCEEDED') return 'ok';
  if (status === 'FAILED' || status === 'TIMED_OUT') return 'error';
  if (status === 'CANCELLED') return 'warn';
  return 'neutral';
}

export function nodeTone(status: FogNodeStatus): Tone {
  return status === 'ONLINE' ? 'ok' : status === 'DRAINING' ? 'warn' : 'error';
}

export type TierCounts = Record<FogTier, Record<FogJobStatus, number>>;

/** One tier's row of `fogQueueSummary`. */
export interface TierQueueRow {
  tier: FogTier;
  queued: number;
  scheduled: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  timedOut: number;
  oldestQueuedAt?: string | null;
}

const STATUS_FIELD: Record<FogJobStatus, Exclude<keyof TierQueueRow, 'tier' | 'oldestQueuedAt'>> = {
  QUEUED: 'queued', SCHEDULED: 'scheduled', RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', CANCELLED: 'cancelled', TIMED_OUT: 'timedOut',
};

/** The API's per-tier counts as a tier × status table (0 where a tier is missing). */
export function countByTier(rows: readonly TierQueueRow[]): TierCounts {
  const counts = Object.fromEntries(TIERS.map((t) => [t, Object.fromEntries(JOB_STATUSES.map((s) => [s, 0]))])) as TierCounts;
  for (const r of rows) for (const s of JOB_STATUSES) counts[r.tier][s] = r[STATUS_FIELD[s]];
  return counts;
}

/**
 * A log as shown: the stored text of the latest read plus the live increments that came after
 * that read was sent. Increments that arrived while the read was in flight may already be in
 * the stored text; the stored text then ends with them, so the longest end of `stored` that
 * begins `live` is counted once. (A log repeating the same characters could lose a repeat
 * here until the next read; the final read after the job ends is exact.)
 */
export function mergeLog(stored: string, live: string): string {
  if (!live) return stored;
  for (let k = Math.min(stored.length, live.length); k > 0; k--) {
    if (stored.endsWith(live.slice(0, k))) return stored + live.slice(k);
  }
  return stored + live;
}

/** µ$ as "$0.000042" (small amounts keep their digits) or "$12.34". */
export function formatMicros(micros: number): string {
  const usd = micros / 1_000_000;
  if (micros === 0) return '$0.00';
  if (Math.abs(usd) >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${usd.toFixed(6)}`;
}

export function formatPercent(value: number | null | undefined, digits = 0): string {
  return value == null || !Number.isFinite(value) ? '—' : `${value.toFixed(digits)} %`;
}

/** A small quantity of unit-hours: "0.000123", "1.25", "1,234". */
export function formatQuantity(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) < 0.01) return value.toPrecision(3);
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** Bytes to base64 in the browser, a chunk at a time (String.fromCharCode takes bounded argument lists). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** "YYYY-MM" of a date in UTC (the invoice's month). */
export const utcMonth = (at: Date) => at.toISOString().slice(0, 7);
