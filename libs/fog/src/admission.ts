/**
 * Admission at submit time: a fog job that no node could ever run — whatever else is running —
 * is rejected at once with the resource it asks too much of, instead of waiting forever.
 * Every registered node of the tier's pools counts, whatever its status: an offline node
 * may come back, and its absence is a wait, not a rejection.
 */
import { POOLS_FOR_TIER, type SchedulerNode } from './fog-node.js';
import { formatAmount, formatResources, RESOURCE_KEYS, type ResourceKey, type Resources } from './resources.js';
import type { Tier } from './tiers.js';

/** The part of a fog job admission looks at. */
export interface AdmissionRequest {
  readonly tier: Tier;
  readonly runtime: string;
  readonly request: Resources;
}

export type Admission =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** What is missing: a resource, the runtime, or any node of the tier's pools at all. */
      readonly resource: ResourceKey | 'runtime' | 'nodes';
      readonly reason: string;
    };

/** Whether some single node of the job's tier pools offers its runtime and has at least its request. */
export function admissible(job: AdmissionRequest, nodes: readonly SchedulerNode[]): Admission {
  const pools = POOLS_FOR_TIER[job.tier];
  // Fast path, no allocation: the scheduler calls this for every queued job.
  for (const n of nodes)
    if (
      pools.includes(n.pool) &&
      n.capacity.gpus >= job.request.gpus &&
      n.capacity.cpuCores >= job.request.cpuCores &&
      n.capacity.memoryMb >= job.request.memoryMb &&
      n.runtimes.includes(job.runtime)
    )
      return { ok: true };
  const inPools = nodes.filter((n) => pools.includes(n.pool));
  if (inPools.length === 0)
    return { ok: false, resource: 'nodes', reason: `no fog node in the ${pools.join(' or ')} pool${pools.length > 1 ? 's' : ''} that ${job.tier} jobs may use` };
  const candidates = inPools.filter((n) => n.runtimes.includes(job.runtime));
  if (candidates.length === 0) return { ok: false, resource: 'runtime', reason: `no fog node available to ${job.tier} jobs offers the runtime "${job.runtime}"` };

  const lacking = (n: SchedulerNode) => RESOURCE_KEYS.filter((k) => n.capacity[k] < job.request[k]);
  let closest: { node: SchedulerNode; lacks: ResourceKey[] } | undefined;
  for (const node of candidates) {
    const lacks = lacking(node);
    if (!closest || lacks.length < closest.lacks.length || (lacks.length === closest.lacks.length && node.id < closest.node.id))
      closest = { node, lacks };
  }
  for (const k of RESOURCE_KEYS) {
    const largest = Math.max(...candidates.map((n) => n.capacity[k]));
    if (job.request[k] > largest)
      return {
        ok: false,
        resource: k,
        reason: `requests ${formatAmount(k, job.request[k])} but the largest fog node available to ${job.tier} jobs with runtime "${job.runtime}" has ${largest}`,
      };
  }
  const { node, lacks } = closest!;
  return {
    ok: false,
    resource: lacks[0],
    reason: `no single fog node has ${formatResources(job.request)} together; the closest, ${node.id}, has ${formatAmount(lacks[0], node.capacity[lacks[0]])}`,
  };
}
