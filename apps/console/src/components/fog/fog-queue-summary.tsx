/**
 * The queue by tier: how many of the namespace's jobs are in each status per tier (Bronze
 * queue-based, Silver priority, Gold dedicated, Platinum on demand), counted by the API
 * (`fogQueueSummary`), with how long the oldest queued job of each tier has waited. A count
 * filters the job list by its tier and status.
 */
import type { FogJobStatus, FogTier } from '@/gql/graphql';
import { Section } from '@/components/ui/section';
import { useNow } from '@/components/ui/use-now';
import { formatDurationMs, titleCase } from '@/lib/format';
import { TierChip } from './fog-badges';
import { JOB_STATUSES, TIERS, type TierCounts } from './fog-model';

const TIER_HINTS = { BRONZE: 'FIFO queue', SILVER: 'by priority', GOLD: 'dedicated nodes first', PLATINUM: 'on demand, jumps the queue' } as const;

export function FogQueueSummary({
  counts,
  oldestQueuedAt,
  error,
  onFilter,
}: {
  /** null while loading. */
  counts: TierCounts | null;
  /** Per tier, when its longest-waiting queued job was queued. */
  oldestQueuedAt: Partial<Record<FogTier, string | null>>;
  error: string | null;
  onFilter: (tier: FogTier, status: FogJobStatus) => void;
}) {
  const now = useNow(1000);
  const total = counts ? TIERS.reduce((n, t) => n + JOB_STATUSES.reduce((m, s) => m + counts[t][s], 0), 0) : null;
  return (
    <Section
      testId="fog-queue"
      title="Queue by tier"
      sub="Jobs per status and tier in this namespace; the oldest queued job's wait per tier (guide: queue wait under 30 s)."
      aside={<span className="muted" data-testid="fog-queue-loaded" data-value={total ?? ''}>{total == null ? 'Loading…' : `${total} jobs`}</span>}
    >
      {error ? (
        <div className="callout callout--error" role="alert" data-testid="fog-queue-error">
          Could not load the queue: {error}
        </div>
      ) : null}
      <div className="card table-card">
        <div className="table-scroll">
          <table className="table" data-testid="fog-queue-table">
            <thead>
              <tr>
                <th>Tier</th>
                {JOB_STATUSES.map((s) => (
                  <th key={s} className="num">{titleCase(s.replace('_', ' '))}</th>
                ))}
                <th className="num">Oldest waiting</th>
              </tr>
            </thead>
            <tbody>
              {TIERS.map((tier) => (
                <tr key={tier} data-testid="fog-queue-tier" data-tier={tier}>
                  <td>
                    <TierChip tier={tier} /> <span className="muted small">{TIER_HINTS[tier]}</span>
                  </td>
                  {JOB_STATUSES.map((s) => {
                    const n = counts?.[tier][s] ?? 0;
                    return (
                      <td key={s} className="num" data-testid={`fog-queue-${tier}-${s}`} data-value={counts ? n : ''}>
                        {n > 0 ? (
                          <button type="button" className="button button--link" onClick={() => onFilter(tier, s)}>
                            {n}
                          </button>
                        ) : (
                          <span className="muted">{counts ? 0 : '…'}</span>
                        )}
                      </td>
                    );
                  })}
                  {(() => {
                    const oldest = oldestQueuedAt[tier];
                    const waited = oldest ? Math.max(0, now - Date.parse(oldest)) : null;
                    return (
                      <td className="num mono" data-testid={`fog-queue-${tier}-oldest`} data-value={waited ?? ''}>
                        {waited == null ? <span className="muted">—</span> : formatDurationMs(waited)}
                      </td>
                    );
                  })()}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </Section>
  );
}
