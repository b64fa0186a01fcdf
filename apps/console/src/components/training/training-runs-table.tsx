'use client';
/** Training runs: name, status, namespace, the phase it is at, when it started, how long it ran, its model. */
import Link from 'next/link';
import { useNow } from '@/components/ui/use-now';
import { modelHref } from '@/components/models/model-links';
import { formatAgo, formatDateTime, formatDurationMs } from '@/lib/format';
import { trainingRunHref } from './training-links';
import { currentPhase, elapsedMs, phaseTitle, statusLabel } from './training-phases';
import type { TrainingRunRow } from './training-runs-panel';
import { TrainingStatusBadge } from './training-status-badge';

export function TrainingRunsTable({ runs }: { runs: TrainingRunRow[] }) {
  const now = useNow(1000);
  return (
    <div className="table-scroll">
      <table className="table table--training" data-testid="training-runs-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Status</th>
            <th>Namespace</th>
            <th>Phase</th>
            <th>Started</th>
            <th className="num">Duration</th>
            <th>Model</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const at = currentPhase(r.phases);
            const duration = elapsedMs(r, now);
            return (
              <tr key={r.id} data-testid="training-run-row" data-id={r.id} data-name={r.name} data-status={r.status}>
                <td className="cell-details">
                  <Link className="link cell-title" href={trainingRunHref(r.id)} data-testid="training-run-open">
                    {r.name}
                  </Link>
                  <div className="muted small cell-sub mono" title={r.id}>
                    {r.id.slice(0, 8)}
                    {r.generation > 1 ? ` · generation ${r.generation}` : ''}
                  </div>
                </td>
                <td>
                  <TrainingStatusBadge status={r.status} testId="training-run-status" />
                </td>
                <td>{r.namespace}</td>
                <td data-testid="training-run-phase" data-phase={at?.phase ?? ''} data-status={at?.status ?? ''}>
                  {at ? (
                    <>
                      <span className="cell-title">{phaseTitle(at.phase)}</span>{' '}
                      <span className={`training-phase-state training-phase-state--${at.status.toLowerCase()}`}>
                        {statusLabel(at.status).toLowerCase()}
                      </span>
                      {at.attempt > 1 ? <span className="muted small"> · attempt {at.attempt}</span> : null}
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td title={formatDateTime(r.startedAt ?? r.createdAt, true)}>
                  {r.startedAt ? formatAgo(r.startedAt, now) : <span className="muted">queued {formatAgo(r.createdAt, now)}</span>}
                </td>
                <td className="num mono" data-testid="training-run-duration" data-value={duration ?? ''}>
                  {formatDurationMs(duration)}
                </td>
                <td>
                  <Link className="link mono" href={modelHref(r.modelName, r.namespace)}>
                    {r.modelName}
                  </Link>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
