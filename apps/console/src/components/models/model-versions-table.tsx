'use client';
/**
 * A model's versions, newest first: the aliases pointing at each, its signature (inputs and
 * outputs with dtype and shape), the artifact (sha256, size, opset, parameters, quantisation),
 * evaluation metrics and lineage; deletion behind a confirmation for developers (the API
 * refuses, with CONFLICT, to delete a version an alias points to).
 */
import { useState } from 'react';
import { ConfirmBar } from '@/components/ui/confirm-bar';
import { CopyButton } from '@/components/ui/copy-button';
import { useNow } from '@/components/ui/use-now';
import { formatAgo, formatBytes, formatCount, formatDateTime } from '@/lib/format';
import { AliasBadge } from './alias-badge';
import type { ModelVersionRow } from './model-detail-panel';
import { SignatureList } from './signature-list';

function metricEntries(metrics: unknown): [string, string][] {
  if (metrics == null || typeof metrics !== 'object' || Array.isArray(metrics)) {
    return metrics == null ? [] : [['value', JSON.stringify(metrics)]];
  }
  return Object.entries(metrics as Record<string, unknown>).map(([k, v]) => [
    k,
    typeof v === 'number' ? String(Number(v.toPrecision(4))) : typeof v === 'string' ? v : JSON.stringify(v),
  ]);
}

export function ModelVersionsTable({
  versions,
  canDelete,
  deletingVersion,
  onDelete,
}: {
  versions: ModelVersionRow[];
  canDelete: boolean;
  deletingVersion: number | null;
  onDelete: (version: ModelVersionRow) => Promise<boolean>;
}) {
  const now = useNow(10_000);
  const [confirming, setConfirming] = useState<ModelVersionRow | null>(null);

  return (
    <>
      {confirming ? (
        <ConfirmBar
          label="Delete version"
          title={`Delete version ${confirming.version}?`}
          action="Delete version"
          busyAction="Deleting…"
          busy={deletingVersion === confirming.version}
          onCancel={() => setConfirming(null)}
          onConfirm={async () => {
            await onDelete(confirming);
            setConfirming(null);
          }}
          testIdPrefix="model-version-delete"
        >
          Its number is never reused. The artifact is removed once no version uses it. Versions an alias points to cannot
          be deleted — move the alias first.
        </ConfirmBar>
      ) : null}
      {versions.length === 0 ? (
        <p className="empty" data-testid="model-versions-empty">
          This model has no versions left.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table table--versions" data-testid="model-versions-table">
            <thead>
              <tr>
                <th>Version</th>
                <th>Signature</th>
                <th>Artifact</th>
                <th className="num">Parameters</th>
                <th>Metrics</th>
                <th>Created</th>
                {canDelete ? <th aria-label="Actions" /> : null}
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => {
                const metrics = metricEntries(v.metrics);
                return (
                  <tr key={v.id} data-testid="model-version-row" data-version={v.version} data-aliases={v.aliases.join(',')}>
                    <td>
                      <div className="cell-title mono">v{v.version}</div>
                      {v.aliases.length ? (
                        <div className="aliases cell-sub">
                          {v.aliases.map((a) => (
                            <AliasBadge key={a} alias={a} />
                          ))}
                        </div>
                      ) : null}
                    </td>
                    <td className="cell-signature">
                      <SignatureList inputs={v.inputs} outputs={v.outputs} />
                    </td>
                    <td>
                      <div className="sha">
                        <span className="mono" title={v.sha256} data-testid="model-version-sha" data-value={v.sha256}>
                          {v.sha256.slice(0, 12)}…
                        </span>
                        <CopyButton text={v.sha256} small label="Copy" title="Copy the full sha256" testId="model-version-sha-copy" />
                      </div>
                      <div className="muted small cell-sub" title={`${v.sizeBytes.toLocaleString('en-US')} bytes · IR version ${v.irVersion}`}>
                        <span data-testid="model-version-size" data-value={v.sizeBytes}>
                          {formatBytes(v.sizeBytes)}
                        </span>{' '}
                        · opset <span data-testid="model-version-opset">{v.opset}</span> · {v.producer || 'unknown producer'}
                      </div>
                      {v.trainingRunId ? (
                        <div className="muted small cell-sub" title={v.trainingRunId}>
                          run <span className="mono">{v.trainingRunId.slice(0, 8)}</span>
                        </div>
                      ) : null}
                    </td>
                    <td className="num">
                      <div
                        title={v.parameterCount.toLocaleString('en-US')}
                        data-testid="model-version-parameters"
                        data-value={v.parameterCount}
                      >
                        {formatCount(v.parameterCount)}
                      </div>
                      <div className="muted small cell-sub" data-testid="model-version-quantisation" data-value={v.quantisation}>
                        {v.quantisation === 'none' ? 'not quantised' : v.quantisation}
                      </div>
                    </td>
                    <td className="cell-metrics">
                      {metrics.length ? (
                        metrics.map(([k, value]) => (
                          <span key={k} className="kv" title={`${k}: ${value}`}>
                            <span className="kv__key">{k}</span> <span className="mono">{value}</span>
                          </span>
                        ))
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td title={formatDateTime(v.createdAt, true)}>{formatAgo(v.createdAt, now)}</td>
                    {canDelete ? (
                      <td className="num">
                        <button
                          type="button"
                          className="button button--ghost-danger button--small"
                          onClick={() => setConfirming(v)}
                          title={v.aliases.length ? `Aliases point here (${v.aliases.join(', ')}); move them first` : undefined}
                          data-testid="model-version-delete"
                        >
                          Delete
                        </button>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
