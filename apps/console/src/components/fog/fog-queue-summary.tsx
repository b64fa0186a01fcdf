/**
 * The queue by tier: how many of the namespace's newest jobs are in each status per tier
 * (Bronze queue-based, Silver priority, Gold dedicated, Platinum on demand). A count filters
 * the job list by its status.
 */
import type { FogJobStatus } from '@/gql/graphql';
import { Section } from '@/components/ui/section';
import { titleCase } from '@/lib/format';
import { TierChip } from './fog-badges';
import { JOB_STATUSES, TIERS, type TierCounts } from './fog-model';

const TIER_HINTS = { BRONZE: 'FIFO queue', SILVER: 'by priority', GOLD: 'dedicated nodes first', PLATINUM: 'on demand, jumps the queue' } as const;

export function FogQueueSummary({
  counts,
  loaded,
  truncated,
  error,
  onFilter,
}: {
  counts: TierCounts;
  /** Jobs counted (null while loading). */
  loaded: number | null;
  /** More jobs exist than were counted. */
  truncated: boolean;
  error: string | null;
  onFilter: (status: FogJobStatus) => void;
}) {
  return (
    <Section
      testId="fog-queue"
      title="Queue by tier"
      sub={truncated ? `Jobs per status, over the newest ${loaded} jobs of the namespace.` : 'Jobs per status and tier in this namespace.'}
      aside={<span className="muted" data-testid="fog-queue-loaded" data-value={loaded ?? ''} data-truncated={truncated}>{loaded == null ? 'Loading…' : `${loaded} jobs`}</span>}
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
              </tr>
            </thead>
            <tbody>
              {TIERS.map((tier) => (
                <tr key={tier} data-testid="fog-queue-tier" data-tier={tier}>
                  <td>
                    <TierChip tier={tier} /> <span className="muted small">{TIER_HINTS[tier]}</span>
                  </td>
                  {JOB_STATUSES.map((s) => {
                    const n = counts[tier][s];
                    return (
                      <td key={s} className="num" data-testid={`fog-queue-${tier}-${s}`} data-value={n}>
                        {n > 0 ? (
                          <button type="button" className="button button--link" onClick={() => onFilter(s)}>
                            {n}
                          </button>
                        ) : (
                          <span className="muted">0</span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </Section>
  );
}
