/**
 * Service tiers and SLA classes of fog jobs, as the performance guide names them.
 *
 *   BRONZE    "queue-based scheduling"  → FIFO within a namespace
 *   SILVER    "priority scheduling"     → the job's own priority orders its namespace's queue
 *   GOLD      "dedicated resources"     → nodes of the GOLD_DEDICATED pool, which only Gold
 *                                         (and on-demand Platinum) may use, then shared nodes
 *   PLATINUM  "on-demand scaling"       → jumps the queue; may use any free capacity
 *
 * SLA classes are not in the guide; we use three: S (latency-critical), A (standard),
 * B (best effort). They add a small priority bonus (see the scheduler's policy).
 */

export const TIERS = ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM'] as const;
export type Tier = (typeof TIERS)[number];

export const SLA_CLASSES = ['S', 'A', 'B'] as const;
export type SlaClass = (typeof SLA_CLASSES)[number];

/** Higher serves first on exact ties. */
export const TIER_RANK: Readonly<Record<Tier, number>> = { BRONZE: 0, SILVER: 1, GOLD: 2, PLATINUM: 3 };

export function isTier(v: unknown): v is Tier {
  return typeof v === 'string' && (TIERS as readonly string[]).includes(v);
}

export function isSlaClass(v: unknown): v is SlaClass {
  return typeof v === 'string' && (SLA_CLASSES as readonly string[]).includes(v);
}
