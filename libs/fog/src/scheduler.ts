/**
 * Tiered fog-job scheduling as one pure function, `planAssignments`, over plain data: the
 * caller loads nodes, queued and running fog jobs and quota usage, and applies the plan.
 * Same input, same plan (input order does not matter).
 *
 * Which job goes next
 *   - Effective priority = tier base + SLA bonus + aging (points per minute waited). Platinum's
 *     large base is how it "jumps the queue"; aging is how nothing starves: a Bronze job that
 *     has waited longer than (Platinum base − Bronze base) / aging rate outranks any fresh
 *     Platinum job (2 h with the defaults).
 *   - Within a tier, namespaces share by dominant-resource fairness (DRF): the namespace whose
 *     largest share of the cluster (CPU, memory or GPUs, counting its running and already
 *     planned jobs) is smallest goes first. Each tier proposes the head job of its fairest
 *     namespace; the proposal with the highest effective priority is taken. We chose DRF over
 *     round robin because fog jobs differ wildly in size: one 8-GPU job is not one 1-core job.
 *   - Within a namespace: Bronze is FIFO; Silver by the job's own priority, then SLA, then age;
 *     Gold and Platinum by SLA, then age. A submitter's priority orders only its own
 *     namespace's jobs, so marking everything urgent cannot crowd out another namespace.
 *
 * Where it goes
 *   - Tier pools (fog-node.ts), then best fit on the job's dominant resource (the one it asks
 *     the largest share of the cluster of): among ONLINE, uncordoned nodes offering its runtime
 *     with room for all of cpu/memory/GPUs, the node that leaves the least of that resource
 *     free; ties by the least normalised leftover of the others, then node id.
 *   - Backfill: a job that does not fit now is held (NO_CAPACITY) and smaller jobs behind it
 *     may still start. So that a large job cannot be starved by backfill, a job that has waited
 *     `reserveAfterMs` and does not fit reserves the eligible node closest to fitting it: jobs
 *     considered after it in this plan are not placed there, so the node drains for it. At
 *     most `maxReservedFraction` of the nodes are reserved at once, so backfill goes on.
 *
 * Admission and quota
 *   - A job no node of its pools could ever run is held INADMISSIBLE (see `admissible`).
 *   - Per-namespace monthly GPU-hour quota: used + committed (the rest of running jobs'
 *     maxDuration, and jobs planned earlier in this pass) + this job's gpus × maxDuration must
 *     stay within it, else QUOTA_EXCEEDED. CPU-only jobs never count against it.
 */
import { admissible, type AdmissionRequest } from './admission.js';
import { NODE_POOLS, POOLS_FOR_TIER, type SchedulerNode } from './fog-node.js';
import { MinHeap } from './min-heap.js';
import { ClusterCapacity, R, toMilliVector } from './cluster-capacity.js';
import { checkResources, milli, validResources, type Resources } from './resources.js';
import { isSlaClass, isTier, TIER_RANK, TIERS, type SlaClass, type Tier } from './tiers.js';

export interface QueuedJob extends AdmissionRequest {
  readonly id: string;
  readonly namespace: string;
  readonly sla: SlaClass;
  /** Epoch ms. */
  readonly submittedAt: number;
  /** Silver only: higher runs earlier within its namespace. Default 0. */
  readonly priority?: number;
  /** Wall-time limit, seconds; what the GPU-hour quota commits. Default: policy.defaultMaxDurationS. */
  readonly maxDurationS?: number;
}

export interface RunningJob {
  readonly jobId: string;
  readonly nodeId: string;
  readonly namespace: string;
  readonly request: Resources;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly maxDurationS?: number;
}

export interface NamespaceUsage {
  readonly namespace: string;
  /** GPU-seconds used this calendar month, running jobs' elapsed time included. */
  readonly gpuSecondsUsed: number;
  /** Monthly GPU-hour quota; null = unlimited. */
  readonly gpuHourQuota: number | null;
}

export interface PlanState {
  readonly nodes: readonly SchedulerNode[];
  readonly queuedJobs: readonly QueuedJob[];
  readonly running: readonly RunningJob[];
  readonly usage: readonly NamespaceUsage[];
  /** Epoch ms. */
  readonly now: number;
}

export type HoldCode = 'INADMISSIBLE' | 'QUOTA_EXCEEDED' | 'NO_CAPACITY';

export interface Assignment {
  readonly jobId: string;
  readonly nodeId: string;
}
export interface Hold {
  readonly jobId: string;
  readonly code: HoldCode;
  readonly reason: string;
}
/** A node kept free of other jobs in this plan so that a long-waiting large job fits later. */
export interface Reservation {
  readonly jobId: string;
  readonly nodeId: string;
}

export interface Plan {
  /** In the order the jobs were chosen (highest effective priority first). */
  readonly assignments: readonly Assignment[];
  /** Every queued job not assigned, once. */
  readonly held: readonly Hold[];
  readonly reservations: readonly Reservation[];
}

export interface SchedulerPolicy {
  /** Priority points of each tier. */
  readonly tierBasePoints: Readonly<Record<Tier, number>>;
  /** Extra points of each SLA class. */
  readonly slaBonusPoints: Readonly<Record<SlaClass, number>>;
  /** Points a queued job gains per minute waited (> 0, or nothing is starvation-free). */
  readonly agingPointsPerMinute: number;
  /** Wait after which a job that does not fit reserves a node. */
  readonly reserveAfterMs: number;
  /**
   * Most nodes reserved in one plan, as a fraction of schedulable nodes (at least one node):
   * reservations stop backfill on those nodes, so only the longest-waiting blocked jobs get one.
   */
  readonly maxReservedFraction: number;
  /** GPU-hour quota commitment of a job without maxDurationS, seconds. */
  readonly defaultMaxDurationS: number;
}

/**
 * One point = one minute of waiting. Silver is worth 10 minutes over Bronze, Gold 30,
 * Platinum 2 hours; SLA S 5 minutes, A 2. Not from the guide: tune with queue-wait data
 * (the guide's target is < 30 s average wait).
 */
export const DEFAULT_SCHEDULER_POLICY: SchedulerPolicy = {
  tierBasePoints: { BRONZE: 0, SILVER: 10, GOLD: 30, PLATINUM: 120 },
  slaBonusPoints: { S: 5, A: 2, B: 0 },
  agingPointsPerMinute: 1,
  reserveAfterMs: 10 * 60_000,
  maxReservedFraction: 0.1,
  defaultMaxDurationS: 3_600,
};

/** The job's effective priority at `now`: tier base + SLA bonus + aging. */
export function effectivePriority(
  job: Pick<QueuedJob, 'tier' | 'sla' | 'submittedAt'>,
  now: number,
  policy: SchedulerPolicy = DEFAULT_SCHEDULER_POLICY,
): number {
  const waitedMin = Math.max(0, now - job.submittedAt) / 60_000;
  return policy.tierBasePoints[job.tier] + policy.slaBonusPoints[job.sla] + policy.agingPointsPerMinute * waitedMin;
}

const SLA_ORDER: Readonly<Record<SlaClass, number>> = { S: 0, A: 1, B: 2 };

/** Order of jobs inside one namespace's queue of one tier. */
function queueOrder(a: QueuedJob, b: QueuedJob): number {
  if (a.tier === 'SILVER' && (a.priority ?? 0) !== (b.priority ?? 0)) return (b.priority ?? 0) - (a.priority ?? 0);
  if (a.tier !== 'BRONZE' && a.sla !== b.sla) return SLA_ORDER[a.sla] - SLA_ORDER[b.sla];
  return a.submittedAt - b.submittedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** What is wrong with a queued job's fields, or null. */
function jobProblem(j: QueuedJob): string | null {
  if (!isTier(j.tier)) return `unknown tier ${String(j.tier)}`;
  if (!isSlaClass(j.sla)) return `unknown SLA class ${String(j.sla)}`;
  if (!Number.isFinite(j.submittedAt)) return 'submittedAt must be finite';
  if (j.priority !== undefined && !Number.isFinite(j.priority)) return 'priority must be finite';
  if (j.maxDurationS !== undefined && !(j.maxDurationS > 0)) return 'maxDurationS must be > 0';
  if (!validResources(j.request)) return 'request amounts must be finite numbers ≥ 0';
  return null;
}

function validate(state: PlanState): void {
  if (!Number.isFinite(state.now)) throw new RangeError(`now must be a finite epoch ms, got ${state.now}`);
  const nodeIds = new Set<string>();
  for (const n of state.nodes) {
    if (nodeIds.has(n.id)) throw new RangeError(`nodes: duplicate node id ${n.id}`);
    nodeIds.add(n.id);
    if (!NODE_POOLS.includes(n.pool)) throw new RangeError(`nodes.pool: unknown pool ${String(n.pool)} on ${n.id}`);
    checkResources(`nodes[${n.id}].capacity`, n.capacity);
  }
  const jobIds = new Set<string>();
  for (const j of state.queuedJobs) {
    const problem = jobIds.has(j.id) ? 'duplicate id' : jobProblem(j);
    if (problem !== null) throw new RangeError(`queuedJobs[${j.id}]: ${problem}`);
    jobIds.add(j.id);
  }
  for (const r of state.running)
    if (!validResources(r.request)) throw new RangeError(`running[${r.jobId}].request amounts must be finite numbers ≥ 0`);
}

/** A namespace during one pass: running + planned allocation (milli-units), DRF share, GPU-seconds. */
interface NamespaceState {
  readonly name: string;
  readonly alloc: Float64Array;
  /** DRF dominant share: its largest fraction of the cluster's CPU, memory or GPUs. */
  share: number;
  /** Used this month + committed by running and planned jobs. */
  gpuSeconds: number;
  readonly gpuHourQuota: number | null;
}

class Namespaces {
  private readonly byName = new Map<string, NamespaceState>();
  private readonly usage: ReadonlyMap<string, NamespaceUsage>;

  constructor(
    usage: readonly NamespaceUsage[],
    private readonly total: Float64Array,
  ) {
    this.usage = new Map(usage.map((u) => [u.namespace, u]));
  }

  get(name: string): NamespaceState {
    let ns = this.byName.get(name);
    if (!ns) {
      const u = this.usage.get(name);
      ns = { name, alloc: new Float64Array(R), share: 0, gpuSeconds: u?.gpuSecondsUsed ?? 0, gpuHourQuota: u?.gpuHourQuota ?? null };
      this.byName.set(name, ns);
    }
    return ns;
  }

  add(ns: NamespaceState, req: readonly number[], committedGpuSeconds: number): void {
    let s = 0;
    for (let r = 0; r < R; r++) {
      ns.alloc[r] += req[r];
      if (this.total[r] > 0) s = Math.max(s, ns.alloc[r] / this.total[r]);
    }
    ns.share = s;
    ns.gpuSeconds += committedGpuSeconds;
  }

  /** null when within quota, else the reason. */
  static quotaProblem(ns: NamespaceState, needGpuSeconds: number): string | null {
    const quota = ns.gpuHourQuota;
    if (quota === null || needGpuSeconds <= 0 || ns.gpuSeconds + needGpuSeconds <= quota * 3600 + 1e-6) return null;
    const h = (sec: number) => +(sec / 3600).toFixed(3);
    return `needs ${h(needGpuSeconds)} GPU-hours but ${h(ns.gpuSeconds)} of the namespace's ${quota} GPU-hour monthly quota are used or committed`;
  }
}

interface Pending {
  readonly job: QueuedJob;
  /** Effective priority at `now`. */
  readonly priority: number;
}

/** One namespace's queued jobs of one tier, in queue order; `share` is its heap key (ns.share when pushed). */
interface NsQueue {
  readonly tier: Tier;
  readonly ns: NamespaceState;
  readonly jobs: Pending[];
  next: number;
  share: number;
}

/** True when a should be chosen before b. */
function before({ job: a, priority: pa }: Pending, { job: b, priority: pb }: Pending): boolean {
  if (pa !== pb) return pa > pb;
  if (a.tier !== b.tier) return TIER_RANK[a.tier] > TIER_RANK[b.tier];
  if (a.submittedAt !== b.submittedAt) return a.submittedAt < b.submittedAt;
  return a.id < b.id;
}

/** DRF order of a tier's namespace queues: smallest share, then most urgent head, then name. */
function fairer(a: NsQueue, b: NsQueue): boolean {
  if (a.share !== b.share) return a.share < b.share;
  const pa = a.jobs[a.next].priority;
  const pb = b.jobs[b.next].priority;
  return pa !== pb ? pa > pb : a.ns.name < b.ns.name;
}

/** The state of one planning pass. */
class Planner {
  readonly assignments: Assignment[] = [];
  readonly held: Hold[] = [];
  readonly reservations: Reservation[] = [];
  private readonly cluster: ClusterCapacity;
  private readonly ns: Namespaces;
  /** One heap of namespace queues per tier, indexed like TIERS. */
  private readonly heaps: ReadonlyArray<MinHeap<NsQueue>>;
  private readonly maxReservations: number;
  /** The current job's request in milli-units, reused so a job costs no allocation. */
  private readonly req = [0, 0, 0];
  /** Request shape → why it did not fit. Free capacity only shrinks within a pass, so a shape that failed fails again. */
  private readonly failed = new Map<string, string>();

  constructor(
    private readonly state: PlanState,
    private readonly policy: SchedulerPolicy,
  ) {
    this.cluster = new ClusterCapacity(state.nodes);
    this.ns = new Namespaces(state.usage, this.cluster.total);
    for (const r of state.running) {
      const req = toMilliVector(r.request);
      this.cluster.take(r.nodeId, req);
      const leftS = Math.max(0, r.startedAt + (r.maxDurationS ?? policy.defaultMaxDurationS) * 1000 - state.now) / 1000;
      this.ns.add(this.ns.get(r.namespace), req, r.request.gpus * leftS);
    }
    this.maxReservations = Math.max(1, Math.floor(policy.maxReservedFraction * this.cluster.schedulableCount));
    this.heaps = TIERS.map(() => new MinHeap<NsQueue>(fairer));
    this.enqueue();
  }

  /** Holds inadmissible jobs, groups the rest into namespace queues. */
  private enqueue(): void {
    const queues = new Map<string, NsQueue>();
    const inadmissible: Hold[] = [];
    for (const job of this.state.queuedJobs) {
      const adm = admissible(job, this.state.nodes);
      if (!adm.ok) {
        inadmissible.push({ jobId: job.id, code: 'INADMISSIBLE', reason: adm.reason });
        continue;
      }
      const key = job.tier + '\u0000' + job.namespace;
      let q = queues.get(key);
      if (!q) queues.set(key, (q = { tier: job.tier, ns: this.ns.get(job.namespace), jobs: [], next: 0, share: 0 }));
      q.jobs.push({ job, priority: effectivePriority(job, this.state.now, this.policy) });
    }
    this.held.push(...inadmissible.sort((a, b) => (a.jobId < b.jobId ? -1 : 1)));
    for (const q of queues.values()) {
      q.jobs.sort((a, b) => queueOrder(a.job, b.job));
      q.share = q.ns.share;
      this.heaps[TIER_RANK[q.tier]].push(q);
    }
  }

  /** The fairest queue of a tier. Shares only grow within a pass, so a stale key is fixed when it surfaces. */
  private top(heap: MinHeap<NsQueue>): NsQueue | undefined {
    for (;;) {
      const q = heap.peek();
      if (!q) return undefined;
      if (q.ns.share === q.share) return q;
      heap.pop();
      q.share = q.ns.share;
      heap.push(q);
    }
  }

  /** Runs the pass: each step takes the best tier proposal and places or holds it. */
  run(): Plan {
    for (;;) {
      let pick: NsQueue | undefined;
      for (const heap of this.heaps) {
        const q = this.top(heap);
        if (q && (!pick || before(q.jobs[q.next], pick.jobs[pick.next]))) pick = q;
      }
      if (!pick) break;
      const heap = this.heaps[TIER_RANK[pick.tier]];
      heap.pop();
      this.process(pick.jobs[pick.next++].job, pick.ns);
      if (pick.next < pick.jobs.length) {
        pick.share = pick.ns.share;
        heap.push(pick);
      }
    }
    return { assignments: this.assignments, held: this.held, reservations: this.reservations };
  }

  private process(job: QueuedJob, ns: NamespaceState): void {
    const needGpuSeconds = job.request.gpus * (job.maxDurationS ?? this.policy.defaultMaxDurationS);
    const quotaProblem = Namespaces.quotaProblem(ns, needGpuSeconds);
    if (quotaProblem) {
      this.held.push({ jobId: job.id, code: 'QUOTA_EXCEEDED', reason: quotaProblem });
      return;
    }
    const { req, cluster } = this;
    req[0] = milli(job.request.gpus); // RESOURCE_KEYS order
    req[1] = milli(job.request.cpuCores);
    req[2] = milli(job.request.memoryMb);
    const dom = cluster.dominant(req);
    const shape = job.tier + '\u0000' + job.runtime + '\u0000' + req[0] + ',' + req[1] + ',' + req[2];
    let node = -1;
    if (!this.failed.has(shape))
      for (const pool of POOLS_FOR_TIER[job.tier]) if ((node = cluster.bestFit(pool, job.runtime, req, dom)) >= 0) break;
    if (node >= 0) {
      cluster.takeAt(node, req);
      this.ns.add(ns, req, needGpuSeconds);
      this.assignments.push({ jobId: job.id, nodeId: cluster.ids[node] });
      return;
    }
    let reason = this.failed.get(shape);
    if (reason === undefined) this.failed.set(shape, (reason = cluster.noCapacityReason(job, req)));
    this.held.push({ jobId: job.id, code: 'NO_CAPACITY', reason });
    if (this.state.now - job.submittedAt < this.policy.reserveAfterMs || this.reservations.length >= this.maxReservations) return;
    const nodeId = cluster.reserve(job, req, dom);
    if (nodeId === null) return;
    this.reservations.push({ jobId: job.id, nodeId });
    this.failed.clear(); // fewer open nodes: cached reasons may be out of date
  }
}

/** Plans which queued fog jobs start on which nodes now. Pure and deterministic. */
export function planAssignments(state: PlanState, policy: SchedulerPolicy = DEFAULT_SCHEDULER_POLICY): Plan {
  validate(state);
  return new Planner(state, policy).run();
}
