/**
 * A fog node's status, derived from its last heartbeat and its cordon flag, so the registry
 * stores facts (heartbeat times, cordoned) and never a status that can go stale.
 *
 *   OFFLINE   no heartbeat yet, or `missedBeforeOffline` intervals passed without one
 *   DRAINING  alive, but cordoned by an operator or shutting down by its own report:
 *             running fog jobs continue, no new ones are placed
 *   ONLINE    alive and accepting fog jobs
 */

export const NODE_STATUSES = ['ONLINE', 'DRAINING', 'OFFLINE'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

export interface HeartbeatPolicy {
  /** How often a node sends a heartbeat, ms. */
  readonly intervalMs: number;
  /** Whole intervals without a heartbeat after which the node is OFFLINE (≥ 1). */
  readonly missedBeforeOffline: number;
}

/** 10 s heartbeats, offline after 3 missed (30 s): not in the guide, a common default. */
export const DEFAULT_HEARTBEAT_POLICY: HeartbeatPolicy = { intervalMs: 10_000, missedBeforeOffline: 3 };

export interface NodeLiveness {
  /** Epoch ms of the last heartbeat; null if it never sent one. */
  readonly lastHeartbeatAt: number | null;
  /** Set by an operator: no new fog jobs. */
  readonly cordoned: boolean;
  /** Reported by the node itself in its last heartbeat (e.g. shutting down). */
  readonly draining?: boolean;
}

export interface NodeStatusView {
  readonly status: NodeStatus;
  /** Whether the scheduler may place new fog jobs on it (ONLINE only). */
  readonly schedulable: boolean;
  /** Whole heartbeat intervals missed so far (0 when fresh or never seen). */
  readonly missedHeartbeats: number;
  /** Epoch ms at which it becomes (or became) OFFLINE without a new heartbeat; null if never seen. */
  readonly offlineAt: number | null;
}

/** The status of a node at `now` (epoch ms). A heartbeat from the future (clock skew) counts as fresh. */
export function nodeStatus(node: NodeLiveness, now: number, policy: HeartbeatPolicy = DEFAULT_HEARTBEAT_POLICY): NodeStatusView {
  if (!(policy.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${policy.intervalMs}`);
  if (!Number.isInteger(policy.missedBeforeOffline) || policy.missedBeforeOffline < 1)
    throw new RangeError(`missedBeforeOffline must be an integer ≥ 1, got ${policy.missedBeforeOffline}`);
  if (node.lastHeartbeatAt === null) return { status: 'OFFLINE', schedulable: false, missedHeartbeats: 0, offlineAt: null };
  const silentMs = Math.max(0, now - node.lastHeartbeatAt);
  const missedHeartbeats = Math.floor(silentMs / policy.intervalMs);
  const offlineAt = node.lastHeartbeatAt + policy.intervalMs * policy.missedBeforeOffline;
  const status: NodeStatus =
    missedHeartbeats >= policy.missedBeforeOffline ? 'OFFLINE' : node.cordoned || node.draining ? 'DRAINING' : 'ONLINE';
  return { status, schedulable: status === 'ONLINE', missedHeartbeats, offlineAt };
}
