/**
 * Free capacity of the fog nodes during one planning pass (internal to the scheduler): nodes
 * sorted by id, amounts in integer milli-units (gpus, cpuCores, memoryMb, the RESOURCE_KEYS
 * order), best-fit search, reservations, and why nothing fits.
 */
import { isSchedulable, NODE_POOLS, POOLS_FOR_TIER, type NodePool, type SchedulerNode } from './fog-node.js';
import { formatAmount, formatResources, milli, RESOURCE_KEYS, type Resources } from './resources.js';
import type { Tier } from './tiers.js';

/** Number of resources per node in the flat arrays. */
export const R = RESOURCE_KEYS.length;

/** [gpus, cpuCores, memoryMb] in milli-units. */
export const toMilliVector = (r: Resources): number[] => RESOURCE_KEYS.map((k) => milli(r[k]));

/** What the capacity checks need of a fog job. */
export interface CapacityRequest {
  readonly id: string;
  readonly tier: Tier;
  readonly runtime: string;
  readonly request: Resources;
}

/** Node capacity bookkeeping for one plan, in milli-units; nodes sorted by id. */
export class ClusterCapacity {
  readonly ids: string[];
  readonly free: Float64Array;
  readonly capacity: Float64Array;
  readonly runtimes: Array<ReadonlySet<string>>;
  /** Schedulable node indices per pool, ascending id. */
  readonly byPool: ReadonlyMap<NodePool, number[]>;
  /** Capacity of all schedulable nodes. */
  readonly total = new Float64Array(R);
  readonly reservedBy: Array<string | null>;
  readonly schedulableCount: number;
  private readonly index = new Map<string, number>();

  constructor(nodes: readonly SchedulerNode[]) {
    const sorted = [...nodes].sort((a, b) => (a.id < b.id ? -1 : 1));
    this.ids = sorted.map((n) => n.id);
    this.free = new Float64Array(sorted.length * R);
    this.capacity = new Float64Array(sorted.length * R);
    this.runtimes = sorted.map((n) => new Set(n.runtimes));
    this.reservedBy = sorted.map(() => null);
    const byPool = new Map<NodePool, number[]>(NODE_POOLS.map((p) => [p, []]));
    sorted.forEach((n, i) => {
      this.index.set(n.id, i);
      const cap = toMilliVector(n.capacity);
      for (let r = 0; r < R; r++) this.free[i * R + r] = this.capacity[i * R + r] = cap[r];
      if (!isSchedulable(n)) return;
      byPool.get(n.pool)!.push(i);
      for (let r = 0; r < R; r++) this.total[r] += cap[r];
    });
    this.byPool = byPool;
    this.schedulableCount = [...byPool.values()].reduce((n, ids) => n + ids.length, 0);
  }

  /** Takes a running job's request off its node (unknown nodes are ignored). */
  take(nodeId: string, req: readonly number[]): void {
    const i = this.index.get(nodeId);
    if (i !== undefined) this.takeAt(i, req);
  }

  takeAt(i: number, req: readonly number[]): void {
    for (let r = 0; r < R; r++) this.free[i * R + r] -= req[r];
  }

  /** The resource the request takes the largest share of the cluster of (ties: scarcest first). */
  dominant(req: readonly number[]): number {
    let best = 1; // cpu for an all-zero request
    let bestShare = 0;
    for (let r = 0; r < R; r++) {
      const share = this.total[r] > 0 ? req[r] / this.total[r] : req[r] > 0 ? Infinity : 0;
      if (share > bestShare) [best, bestShare] = [r, share];
    }
    return best;
  }

  fits(i: number, req: readonly number[]): boolean {
    for (let r = 0; r < R; r++) if (this.free[i * R + r] < req[r]) return false;
    return true;
  }

  /** Best-fit node index for the request in one pool, or -1. */
  bestFit(pool: NodePool, runtime: string, req: readonly number[], dom: number): number {
    let best = -1;
    let bestLeft = Infinity;
    let bestRest = Infinity;
    for (const i of this.byPool.get(pool)!) {
      if (this.reservedBy[i] !== null || !this.runtimes[i].has(runtime) || !this.fits(i, req)) continue;
      const left = this.free[i * R + dom] - req[dom];
      if (left > bestLeft) continue;
      let rest = 0;
      for (let r = 0; r < R; r++) if (r !== dom && this.total[r] > 0) rest += (this.free[i * R + r] - req[r]) / this.total[r];
      if (left < bestLeft || rest < bestRest) [best, bestLeft, bestRest] = [i, left, rest];
    }
    return best;
  }

  /** Why nothing fits now (called only after bestFit failed in every pool). */
  noCapacityReason(job: CapacityRequest, req: readonly number[]): string {
    const pools = POOLS_FOR_TIER[job.tier];
    let eligible = 0;
    let open = 0;
    const most = [-Infinity, -Infinity, -Infinity];
    for (const pool of pools)
      for (const i of this.byPool.get(pool)!) {
        if (!this.runtimes[i].has(job.runtime)) continue;
        eligible++;
        if (this.reservedBy[i] !== null) continue;
        open++;
        for (let r = 0; r < R; r++) most[r] = Math.max(most[r], this.free[i * R + r]);
      }
    if (eligible === 0)
      return `no schedulable fog node (ONLINE, not cordoned) in the ${pools.join('/')} pool offers runtime "${job.runtime}"`;
    if (open === 0) return 'every eligible fog node is reserved for a longer-waiting job';
    for (let r = 0; r < R; r++)
      if (req[r] > most[r])
        return `needs ${formatAmount(RESOURCE_KEYS[r], req[r] / 1000)} free; the most on an eligible fog node is ${Math.max(0, most[r]) / 1000}`;
    return `no eligible fog node has ${formatResources(job.request)} free at once`;
  }

  /** Reserves, for a job that does not fit, the eligible node closest to fitting it on its dominant resource. */
  reserve(job: CapacityRequest, req: readonly number[], dom: number): string | null {
    for (const pool of POOLS_FOR_TIER[job.tier]) {
      let best = -1;
      for (const i of this.byPool.get(pool)!) {
        if (this.reservedBy[i] !== null || !this.runtimes[i].has(job.runtime)) continue;
        let big = true;
        for (let r = 0; r < R; r++) if (this.capacity[i * R + r] < req[r]) big = false;
        if (big && (best < 0 || this.free[i * R + dom] > this.free[best * R + dom])) best = i;
      }
      if (best >= 0) {
        this.reservedBy[best] = job.id;
        return this.ids[best];
      }
    }
    return null;
  }
}
