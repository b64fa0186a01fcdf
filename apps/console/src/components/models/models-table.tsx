'use client';
/** The registry's models: name, namespace, task, tags, aliases, latest version and how many versions. */
import Link from 'next/link';
import { useNow } from '@/components/ui/use-now';
import { formatAgo, formatDateTime } from '@/lib/format';
import { AliasBadge } from './alias-badge';
import { modelHref } from './model-links';
import type { ModelRow } from './models-list-panel';

export function ModelsTable({ models }: { models: ModelRow[] }) {
  const now = useNow(10_000);
  return (
    <div className="table-scroll">
      <table className="table table--models" data-testid="models-table">
        <thead>
          <tr>
            <th>Model</th>
            <th>Namespace</th>
            <th>Task</th>
            <th>Tags</th>
            <th>Aliases</th>
            <th className="num">Latest</th>
            <th className="num">Versions</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <tr key={m.id} data-testid="model-row" data-name={m.name} data-namespace={m.namespace}>
              <td className="cell-details">
                <Link className="link cell-title" href={modelHref(m.name, m.namespace)} data-testid="model-open">
                  {m.name}
                </Link>
                {m.description ? <div className="muted small cell-sub">{m.description}</div> : null}
              </td>
              <td>{m.namespace}</td>
              <td>
                <span className="task" data-testid="model-task">
                  {m.task}
                </span>
              </td>
              <td>
                {m.tags.length ? (
                  m.tags.map((t) => (
                    <span key={t} className="chip">
                      {t}
                    </span>
                  ))
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                {m.aliases.length ? (
                  <span className="aliases">
                    {m.aliases.map((a) => (
                      <AliasBadge key={a.alias} alias={a.alias} version={a.version} />
                    ))}
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="num mono" data-testid="model-latest-version" data-value={m.latestVersion?.version ?? ''}>
                {m.latestVersion ? `v${m.latestVersion.version}` : '—'}
              </td>
              <td className="num" data-testid="model-version-count" data-value={m.versions.length}>
                {m.versions.length}
              </td>
              <td title={formatDateTime(m.updatedAt, true)}>{formatAgo(m.updatedAt, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
