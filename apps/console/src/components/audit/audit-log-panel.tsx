'use client';
/**
 * The audit log (admins only): newest first, a page at a time — "Load more" follows the
 * cursor of the last page — optionally narrowed to one action. Pages are fetched
 * `network-only` and appended in component state; changing the filter or "Refresh" starts
 * again from the newest event.
 */
import { useState } from 'react';
import type { AuditEventsQuery } from '@/gql/graphql';
import { ListBody, ListError, LoadMore } from '@/components/ui/list-states';
import { StatusBadge, type Tone } from '@/components/ui/status-badge';
import { FilterSelect, RefreshButton } from '@/components/ui/toolbar';
import { useCursorList } from '@/components/ui/use-cursor-list';
import { formatClock, formatDateTime } from '@/lib/format';
import { auditEventsQuery } from './audit.operations';

export const AUDIT_PAGE_SIZE = 50;

/** Actions the platform records today; actions seen in loaded events are added to the filter. */
const KNOWN_ACTIONS = ['auth.signIn', 'user.create', 'user.update', 'membership.set', 'apiKey.create', 'apiKey.revoke'];

type AuditEvent = AuditEventsQuery['auditEvents']['nodes'][number];

const OUTCOME_TONE: Record<string, Tone> = { success: 'ok', denied: 'warn', failure: 'error' };

function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function detailValue(v: unknown): string {
  if (Array.isArray(v)) return v.join(', ');
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function detailEntries(details: unknown): [string, string][] {
  if (details == null) return [];
  if (typeof details !== 'object' || Array.isArray(details)) return [['value', detailValue(details)]];
  return Object.entries(details as Record<string, unknown>).map(([k, v]) => [k, detailValue(v)]);
}

function localDate(iso: string): string {
  return formatDateTime(iso).slice(0, 10);
}

export function AuditLogPanel() {
  const [action, setAction] = useState('');
  const [seenActions, setSeenActions] = useState<string[]>([]);
  const { list: log, refresh, loadMore } = useCursorList({
    query: auditEventsQuery,
    variables: { action: action || null },
    select: (data) => data.auditEvents,
    pageSize: AUDIT_PAGE_SIZE,
    onPage: (nodes: AuditEvent[]) =>
      setSeenActions((prev) => {
        const next = new Set(prev);
        for (const e of nodes) next.add(e.action);
        return next.size === prev.length ? prev : [...next];
      }),
  });
  const events = log.items;

  const actions = [...new Set([...KNOWN_ACTIONS, ...seenActions])].sort();

  return (
    <section className="card table-card" data-testid="audit-log" aria-labelledby="audit-title">
      <div className="table-card__head table-card__head--tools">
        <div>
          <h2 id="audit-title" className="table-card__title">
            Events
          </h2>
          <span className="muted" data-testid="audit-count" data-value={events.length}>
            {log.loading && events.length === 0
              ? 'Loading…'
              : `${events.length} shown${log.hasNextPage ? ', more available' : ''} · newest first`}
          </span>
        </div>
        <div className="toolbar">
          <FilterSelect
            label="Action"
            allLabel="All actions"
            value={action}
            options={actions}
            onChange={setAction}
            testId="audit-filter-action"
          />
          <RefreshButton onClick={refresh} testId="audit-refresh" />
        </div>
      </div>

      <ListError error={log.error} what="the audit log" testId="audit-error" />
      <ListBody
        list={log}
        empty={
          <p className="empty" data-testid="audit-empty">
            {action ? `No ${action} events.` : 'No events yet.'}
          </p>
        }
      >
        <div className="table-scroll">
          <table className="table table--audit" data-testid="audit-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Outcome</th>
                <th>Target</th>
                <th>Namespace</th>
                <th>From</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => {
                const details = detailEntries(e.details);
                return (
                  <tr key={e.id} data-testid="audit-row" data-action={e.action} data-outcome={e.outcome} data-id={e.id}>
                    <td title={e.at}>
                      <div className="mono">{formatClock(e.at)}</div>
                      <div className="muted small">{localDate(e.at)}</div>
                    </td>
                    <td>
                      <div className="cell-title">{e.actorLabel}</div>
                      <div className="muted small">{e.actorType}</div>
                    </td>
                    <td>
                      <span className="chip chip--mono">{e.action}</span>
                    </td>
                    <td>
                      <StatusBadge tone={OUTCOME_TONE[e.outcome] ?? 'neutral'}>{e.outcome}</StatusBadge>
                    </td>
                    <td>
                      {e.targetType ? (
                        <>
                          <span>{e.targetType}</span>{' '}
                          {e.targetId ? (
                            <span className="mono muted" title={e.targetId}>
                              {shortId(e.targetId)}
                            </span>
                          ) : null}
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>{e.namespace ?? <span className="muted">—</span>}</td>
                    <td title={e.userAgent ?? undefined}>
                      <span className="mono">{e.ip ?? '—'}</span>
                    </td>
                    <td className="cell-details">
                      {details.length ? (
                        details.map(([k, v]) => (
                          <span key={k} className="kv" title={`${k}: ${v}`}>
                            <span className="kv__key">{k}</span> <span className="mono">{v}</span>
                          </span>
                        ))
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </ListBody>
      {log.hasNextPage || (log.loading && events.length > 0) ? (
        <LoadMore list={log} onClick={loadMore} testId="audit-load-more" label={`Load ${AUDIT_PAGE_SIZE} more`} small={false} />
      ) : null}
    </section>
  );
}
