/**
 * The guide's service tiers in one table (Performance Tiers). `null` means unlimited;
 * Platinum's "custom" rate is a per-key override (ApiKey.rateLimitPerMinute), unlimited
 * when unset. Depth and cost limits are ours: the guide names none, so they scale with the
 * tier, sit well above what the console's own queries need, and never exceed the API's
 * absolute MAX_QUERY_DEPTH (10).
 */
export type TierName = 'BRONZE' | 'SILVER' | 'GOLD' | 'PLATINUM';

export interface TierLimits {
  tier: TierName;
  requestsPerMinute: number | null;
  concurrentConnections: number | null;
  storageBytes: number | null;
  maxQueryDepth: number;
  maxQueryCost: number;
  modelTraining: string;
  support: string;
}

const GB = 1024 ** 3;

export const TIERS: Record<TierName, TierLimits> = {
  BRONZE: { tier: 'BRONZE', requestsPerMinute: 60, concurrentConnections: 10, storageBytes: 5 * GB, maxQueryDepth: 7, maxQueryCost: 1_000, modelTraining: 'Queue-based scheduling', support: 'Community' },
  SILVER: { tier: 'SILVER', requestsPerMinute: 200, concurrentConnections: 50, storageBytes: 50 * GB, maxQueryDepth: 8, maxQueryCost: 5_000, modelTraining: 'Priority scheduling', support: 'Email (24h response)' },
  GOLD: { tier: 'GOLD', requestsPerMinute: 500, concurrentConnections: 200, storageBytes: 500 * GB, maxQueryDepth: 10, maxQueryCost: 20_000, modelTraining: 'Dedicated resources', support: 'Priority support (4h response)' },
  PLATINUM: { tier: 'PLATINUM', requestsPerMinute: null, concurrentConnections: null, storageBytes: null, maxQueryDepth: 10, maxQueryCost: 100_000, modelTraining: 'On-demand scaling', support: '24/7 phone + dedicated engineer' },
};

export const TIER_NAMES = Object.keys(TIERS) as TierName[];
