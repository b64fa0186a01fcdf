/**
 * A fog node as the scheduler sees it, and which tiers may use which nodes.
 *
 * Gold's "dedicated resources" are a pool of nodes: GOLD_DEDICATED nodes take only Gold and
 * Platinum jobs. Gold tries its dedicated pool first and overflows onto shared nodes; Platinum
 * ("on-demand", may use any free capacity) tries shared nodes first, so that it borrows Gold's
 * capacity only when the shared pool is full.
 */
import type { NodeStatus } from './node-status.js';
import type { Resources } from './resources.js';
import type { Tier } from './tiers.js';

export const NODE_POOLS = ['SHARED', 'GOLD_DEDICATED'] as const;
export type NodePool = (typeof NODE_POOLS)[number];

export interface SchedulerNode {
  readonly id: string;
  readonly pool: NodePool;
  readonly capacity: Resources;
  /** Runtimes it can execute, e.g. `wasi`. */
  readonly runtimes: readonly string[];
  /** From `nodeStatus()`. Only ONLINE nodes that are not cordoned get new fog jobs. */
  readonly status: NodeStatus;
  readonly cordoned?: boolean;
}

/** Pools a tier may use, in the order it tries them. */
export const POOLS_FOR_TIER: Readonly<Record<Tier, readonly NodePool[]>> = {
  BRONZE: ['SHARED'],
  SILVER: ['SHARED'],
  GOLD: ['GOLD_DEDICATED', 'SHARED'],
  PLATINUM: ['SHARED', 'GOLD_DEDICATED'],
};

/** Whether new fog jobs may be placed on the node now. */
export function isSchedulable(node: Pick<SchedulerNode, 'status' | 'cordoned'>): boolean {
  return node.status === 'ONLINE' && !node.cordoned;
}
