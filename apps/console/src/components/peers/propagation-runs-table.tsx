'use client';
/**
 * Stored propagation simulations, newest first, side by side: the parameters that differ
 * between runs (mesh, TTL, failure rate, seed, fanout) and what each measured — average
 * propagation, time to reach 50/95/100% of the live peers, hops, duplicates, bandwidth
 * efficiency, reachability — and how long it took. A row opens the run below the table.
 */
import { TrainingStatusBadge } from '@/components/training/training-status-badge';
import { formatDurationMs, formatMs, formatNumber } from '@/lib/format';
import type { Simulation, Topology } from './simulation-model';

const pct = (v: number | null | undefined) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

export function PropagationRunsTable({
  runs,
  topologies,
  selectedId,
  onSelect,
}: {
  runs: readonly Simulation[];
  topologies: readonly Topology[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const meshName = (id: string | null | undefined) => (id ? (topologies.find((t) => t.id === id)?.name ?? `mesh ${id.slice(0, 8)}`) : 'registered peers');
  return (
    <div className="table-scroll">
      <table className="table table--runs" data-testid="simulation-runs-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Status</th>
            <th className="num">TTL</th>
            <th className="num">Failure</th>
            <th className="num">Seed</th>
            <th className="num">Fanout</th>
            <th className="num">Avg prop.</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">p100</th>
            <th className="num">Hops avg / max</th>
            <th className="num">Duplicates</th>
            <th className="num">BW eff.</th>
            <th className="num">Reach</th>
            <th className="num">Took</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((s) => {
            const r = s.report;
            return (
              <tr
                key={s.id}
                className={s.id === selectedId ? 'row--selected' : undefined}
                data-testid="simulation-row"
                data-id={s.id}
                data-status={s.status}
                data-topology={s.topologyId ?? ''}
                data-ttl={s.ttl}
                data-seed={s.seed}
                data-selected={s.id === selectedId}
              >
                <td className="cell-details">
                  <button type="button" className="button--link link cell-title" onClick={() => onSelect(s.id)} data-testid="simulation-open">
                    {meshName(s.topologyId)}
                  </button>
                  <div className="muted small cell-sub mono">
                    {s.id.slice(0, 8)}
                    {s.linkLoss ? ' · link loss' : ''}
                  </div>
                </td>
                <td>
                  <TrainingStatusBadge status={s.status} testId="simulation-status" />
                </td>
                <td className="num mono">{s.ttl}</td>
                <td className="num mono">{formatNumber(s.failureRate, 2)}</td>
                <td className="num mono">{s.seed}</td>
                <td className="num mono">{s.fanout ?? 'all'}</td>
                <td className="num mono" data-testid="simulation-avg-propagation" data-value={r?.avgPropagationMs ?? ''}>
                  {formatMs(r?.avgPropagationMs)}
                </td>
                <td className="num mono">{formatMs(r?.timeToLive.p50)}</td>
                <td className="num mono">{formatMs(r?.timeToLive.p95)}</td>
                <td className="num mono" data-testid="simulation-p100" data-value={r?.timeToLive.p100 ?? ''}>
                  {formatMs(r?.timeToLive.p100)}
                </td>
                <td className="num mono">{r ? `${formatNumber(r.hopsAvg, 2)} / ${r.hopsMax}` : '—'}</td>
                <td className="num mono">{r?.duplicates ?? '—'}</td>
                <td className="num mono">{pct(r?.bandwidthEfficiency)}</td>
                <td className="num mono" data-testid="simulation-reachability" data-value={r?.reachability ?? ''}>
                  {pct(r?.reachability)}
                </td>
                <td className="num mono">{formatDurationMs(s.durationMs)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
