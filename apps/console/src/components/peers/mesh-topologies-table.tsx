'use client';
/** Generated meshes, newest first: parameters, status, what was generated (links, components, degree), and actions. */
import { TrainingStatusBadge } from '@/components/training/training-status-badge';
import { useNow } from '@/components/ui/use-now';
import { formatAgo, formatDateTime, formatDurationMs, formatNumber } from '@/lib/format';
import { DRAWABLE_MAX_PEERS, type Topology } from './simulation-model';

export function MeshTopologiesTable({
  topologies,
  shownId,
  onShow,
  onSimulate,
}: {
  topologies: readonly Topology[];
  /** The mesh the topology view shows. */
  shownId: string | null;
  onShow: (id: string) => void;
  onSimulate: (id: string) => void;
}) {
  const now = useNow(5000);
  return (
    <div className="table-scroll">
      <table className="table" data-testid="mesh-topologies-table">
        <thead>
          <tr>
            <th>Mesh</th>
            <th>Status</th>
            <th className="num">Peers</th>
            <th className="num">Degree</th>
            <th className="num">Seed</th>
            <th>Mix BLE / HTX / QUIC</th>
            <th className="num">Links</th>
            <th className="num">Components</th>
            <th className="num">Took</th>
          </tr>
        </thead>
        <tbody>
          {topologies.map((t) => {
            const done = t.status === 'SUCCEEDED';
            return (
              <tr key={t.id} data-testid="mesh-topology-row" data-id={t.id} data-name={t.name} data-status={t.status} data-nodes={t.nodes}>
                <td className="cell-details">
                  <span className="cell-title">{t.name}</span>
                  <div className="muted small cell-sub" title={formatDateTime(t.createdAt, true)}>
                    <span className="mono">{t.id.slice(0, 8)}</span> · {formatAgo(t.createdAt, now)}
                  </div>
                  {done ? (
                    <div className="cell-actions">
                      {t.nodes <= DRAWABLE_MAX_PEERS ? (
                        <button
                          type="button"
                          className="button button--secondary button--small"
                          disabled={shownId === t.id}
                          onClick={() => onShow(t.id)}
                          data-testid="mesh-topology-show"
                        >
                          {shownId === t.id ? 'Shown' : 'Show graph'}
                        </button>
                      ) : null}
                      <button type="button" className="button button--secondary button--small" onClick={() => onSimulate(t.id)} data-testid="mesh-topology-simulate">
                        Simulate
                      </button>
                    </div>
                  ) : null}
                </td>
                <td>
                  <TrainingStatusBadge status={t.status} testId="mesh-topology-status" />
                  {t.error ? (
                    <div className="small field__hint--warn" data-testid="mesh-topology-error">
                      {t.error}
                    </div>
                  ) : null}
                </td>
                <td className="num mono" title={t.stats ? `${t.stats.mobilePeers} mobile` : undefined}>
                  {t.nodes}
                </td>
                <td className="num mono">{t.stats ? `${formatNumber(t.stats.averageDegree, 2)}` : t.degree}</td>
                <td className="num mono">{t.seed}</td>
                <td className="mono small">
                  {[t.transportMix.ble, t.transportMix.htx, t.transportMix.quic].map((v) => formatNumber(v, 2)).join(' / ')}
                </td>
                <td className="num mono" data-testid="mesh-topology-links" data-value={t.stats?.links ?? ''}>
                  {t.stats?.links ?? '—'}
                </td>
                <td className="num mono">{t.stats?.components ?? '—'}</td>
                <td className="num mono">{formatDurationMs(t.durationMs)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
