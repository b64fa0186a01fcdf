'use client';
/**
 * One simulation run: its parameters, how far the message got (informed / reachable / live /
 * failed peers), the times to reach 50/95/100% of the live and of the reachable peers as bars
 * on one scale, the traffic it cost (transmissions, useful, duplicates, lost), and — on
 * 100-peer meshes — the guide's figures beside the simulated ones (`report.guideComparison`).
 */
import { TrainingStatusBadge } from '@/components/training/training-status-badge';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { StatTile } from '@/components/ui/stat-tile';
import { formatDurationMs, formatMs, formatNumber } from '@/lib/format';
import type { Simulation } from './simulation-model';

type Report = NonNullable<Simulation['report']>;
type GuideRow = NonNullable<Report['guideComparison']>[number];

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function timeBars(r: Report): { key: string; label: string; value: number | null }[] {
  return [
    { key: 'avg', label: 'Average', value: r.avgPropagationMs },
    { key: 'live-p50', label: '50% of live', value: r.timeToLive.p50 ?? null },
    { key: 'live-p95', label: '95% of live', value: r.timeToLive.p95 ?? null },
    { key: 'live-p100', label: '100% of live', value: r.timeToLive.p100 ?? null },
    { key: 'reachable-p50', label: '50% of reachable', value: r.timeToReachable.p50 ?? null },
    { key: 'reachable-p95', label: '95% of reachable', value: r.timeToReachable.p95 ?? null },
    { key: 'reachable-p100', label: '100% of reachable', value: r.timeToReachable.p100 ?? null },
  ];
}

function showGuide(value: number | null | undefined, unit: string): string {
  if (value == null) return '—';
  return unit === 'ms' ? formatMs(value) : unit === 'ratio' ? pct(value) : formatNumber(value, 2);
}

export function PropagationRunDetail({ run, meshName }: { run: Simulation; meshName: string }) {
  const r = run.report;
  return (
    <div className="card simulation-detail" data-testid="simulation-detail" data-id={run.id} data-status={run.status}>
      <div className="simulation-detail__head">
        <h3 className="table-card__title">
          Run on {meshName} <TrainingStatusBadge status={run.status} testId="simulation-detail-status" />
        </h3>
        <span className="muted small">
          source <span className="mono">{r?.source ?? run.source ?? 'first peer'}</span> · ttl {run.ttl} · failure rate{' '}
          {formatNumber(run.failureRate, 2)} · seed {run.seed} · fanout {run.fanout ?? 'all'} · {run.messageSize} B
          {run.linkLoss ? ' · link loss' : ''} · took {formatDurationMs(run.durationMs)}
        </span>
      </div>
      {run.error ? <ApiErrorCallout error={{ code: run.status, message: run.error }} testId="simulation-detail-error" /> : null}
      {!r ? (
        run.status === 'FAILED' ? null : (
          <p className="muted" data-testid="simulation-detail-pending">
            {run.status === 'QUEUED' ? 'Queued: waiting for a worker…' : 'Running…'}
          </p>
        )
      ) : (
        <>
          <div className="grid grid--tiles">
            <StatTile testId="simulation-informed" label="Informed" value={r.informedNodes} display={`${r.informedNodes} / ${r.liveNodes}`} hint={`${r.failedNodes} of ${r.nodes} down`} />
            <StatTile testId="simulation-reachable" label="Reachable" value={r.reachableNodes} display={String(r.reachableNodes)} hint={`reachability ${pct(r.reachability)}`} />
            <StatTile testId="simulation-transmissions" label="Transmissions" value={r.transmissions} display={String(r.transmissions)} hint={`${r.useful} useful · ${r.duplicates} duplicates · ${r.lost} lost`} />
            <StatTile testId="simulation-efficiency" label="Bandwidth efficiency" value={r.bandwidthEfficiency} display={pct(r.bandwidthEfficiency)} hint={`hops avg ${formatNumber(r.hopsAvg, 2)}, max ${r.hopsMax}`} />
            <StatTile testId="simulation-compute" label="Compute" value={r.simulateMs} display={formatMs(r.simulateMs)} hint={`graph ${formatMs(r.graphMs)}`} />
          </div>
          <TimeBars report={r} />
          {r.guideComparison && r.guideComparison.length > 0 ? <GuideComparison rows={r.guideComparison} /> : null}
        </>
      )}
    </div>
  );
}

function TimeBars({ report }: { report: Report }) {
  const bars = timeBars(report);
  const max = Math.max(1e-9, ...bars.map((b) => b.value ?? 0));
  return (
    <figure className="simulation-times" data-testid="simulation-times">
      <figcaption className="chart__head">
        <span className="chart__title">Time to inform</span>
        <span className="chart__unit">ms from the source sending</span>
      </figcaption>
      <ul className="bars">
        {bars.map((b) => (
          <li key={b.key} className="bars__row" data-testid="simulation-time" data-key={b.key} data-value={b.value ?? ''}>
            <span className="bars__label">{b.label}</span>
            <span className="bars__track" aria-hidden>
              {b.value != null ? <span className="bars__fill" style={{ width: `${Math.max(0.5, (b.value / max) * 100)}%` }} /> : null}
            </span>
            <span className="bars__value mono">{b.value == null ? 'never' : formatMs(b.value)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

function GuideComparison({ rows }: { rows: readonly GuideRow[] }) {
  return (
    <div className="table-scroll">
      <table className="table" data-testid="simulation-guide">
        <caption className="simulation-guide__caption">The performance guide&apos;s 100-node mesh beside this run</caption>
        <thead>
          <tr>
            <th>Figure</th>
            <th className="num">Guide</th>
            <th className="num">Simulated</th>
            <th className="num">Simulated / guide</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((g) => (
            <tr key={g.metric} data-testid="simulation-guide-row" data-metric={g.metric} data-guide={g.guide} data-simulated={g.simulated ?? ''}>
              <td>{g.metric}</td>
              <td className="num mono">{showGuide(g.guide, g.unit)}</td>
              <td className="num mono">{showGuide(g.simulated, g.unit)}</td>
              <td className="num mono">{g.simulated != null && g.guide !== 0 ? `${formatNumber(g.simulated / g.guide, 2)}×` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
