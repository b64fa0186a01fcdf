/**
 * The scheduler's cache of queue heads. Reading the first K jobs of every (tier, namespace)
 * queue costs Postgres a pass over all queued rows (there is no index to walk each queue's
 * order), which at a backlog of thousands dominated every pass. But a queue's order never
 * changes while it waits (aging moves whole queues, not jobs within one), so between reads
 * the heads stay the heads, minus what was dispatched — unless jobs entered the queue (a
 * submit, a hand-back, a reclaim), another scheduler process ran a pass, or the cache ran
 * short. Those are what `usable` checks; a cancelled job still cached is caught by the
 * dispatch UPDATE's `status = 'QUEUED'` guard (and the pass then drops the cache).
 */
import type { Tier } from './tiers.js';

/** A queued job as the pass reads it. */
export interface CandidateRow {
  id: string;
  namespace_id: string;
  tier: Tier;
  sla: string;
  runtime: string;
  cpu_cores: number;
  memory_mb: number;
  gpus: number;
  queued_at: Date;
  priority: number;
  timeout_ms: number;
  hold_reason: string | null;
}

/** Where the cache stands against the world at the start of a pass. */
export interface HeadsStamp {
  /** Redis counter bumped whenever jobs enter the queue. */
  readonly queueVersion: string | null;
  /** Redis counter bumped by every pass of any scheduler process (this pass's value). */
  readonly passSeq: number;
  readonly now: number;
}

const queueKey = (r: Pick<CandidateRow, 'tier' | 'namespace_id'>) => `${r.tier}\u0000${r.namespace_id}`;

export class QueueHeads {
  private rows: CandidateRow[] = [];
  private stamp: HeadsStamp | null = null;
  /** Per queue: how many were read (`depth` each unless the queue is shorter) and how many are left. */
  private readonly left = new Map<string, number>();
  /** Queues that had fewer jobs than the depth read: every job of theirs is cached. */
  private readonly whole = new Set<string>();

  constructor(private readonly maxAgeMs = 5_000) {}

  /**
   * Called at the start of every pass: keeps the cache when nothing it cannot see happened
   * since the previous pass (no job entered the queue, no other process ran a pass, not too
   * old), else drops it.
   */
  begin(stamp: HeadsStamp): void {
    const prev = this.stamp;
    if (!prev || prev.queueVersion !== stamp.queueVersion || stamp.passSeq !== prev.passSeq + 1 || stamp.now - prev.now > this.maxAgeMs) this.invalidate();
    else this.stamp = { ...stamp, now: prev.now }; // age counts from the read
  }

  /**
   * The cached heads, if every queue not cached whole still has as many jobs as the free
   * capacity could take of the smallest cached request; else null (read again).
   */
  heads(free: readonly { cpuCores: number; memoryMb: number }[]): CandidateRow[] | null {
    if (!this.stamp) return null;
    let cpu = Infinity;
    let mem = Infinity;
    for (const r of this.rows) {
      cpu = Math.min(cpu, r.cpu_cores);
      mem = Math.min(mem, r.memory_mb);
    }
    let placeable = 0;
    if (this.rows.length) for (const f of free) placeable += Math.max(0, Math.min(Math.floor(f.cpuCores / cpu + 1e-9), Math.floor(f.memoryMb / mem + 1e-9)));
    // A queue read only in part needs at least one job left (its next one may be the one that fits).
    for (const [q, n] of this.left) if (!this.whole.has(q) && n < Math.max(1, placeable)) return null;
    return this.rows;
  }

  /** Keeps a fresh read of the first `depth` jobs of each queue, made by the pass begun at `stamp`. */
  store(rows: CandidateRow[], depth: number, stamp: HeadsStamp): void {
    this.rows = rows;
    this.stamp = stamp;
    this.left.clear();
    this.whole.clear();
    for (const r of rows) this.left.set(queueKey(r), (this.left.get(queueKey(r)) ?? 0) + 1);
    for (const [q, n] of this.left) if (n < depth) this.whole.add(q);
  }

  /** Drops jobs that left the queue (dispatched by this pass). */
  remove(ids: ReadonlySet<string>): void {
    if (ids.size === 0) return;
    this.rows = this.rows.filter((r) => {
      if (!ids.has(r.id)) return true;
      this.left.set(queueKey(r), this.left.get(queueKey(r))! - 1);
      return false;
    });
  }

  invalidate(): void {
    this.stamp = null;
    this.rows = [];
    this.left.clear();
    this.whole.clear();
  }
}
