'use client';
/**
 * The audit log (admins only): newest first, a page at a time — "Load more" follows the
 * cursor of the last page — optionally narrowed to one action. Pages are fetched
 * `network-only` and appended in component state; changing the filter or "Refresh" starts
 * again from the newest event.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import type { AuditEventsQuery } from '@/gql/graphql';
import { StatusBadge, type Tone } from '@/components/ui/status-badge';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { formatClock, formatDateTime } from '@/lib/format';
import { auditEventsQuery } from './audit.operations';

export const AUDIT_PAGE_SIZE = 50;

/** Actions the platform records today; actions seen in loaded events are added to the filter. */
const KNOWN_ACTIONS = ['auth.signIn', 'user.create', 'user.update', 'membership.set', 'apiKey.create', 'apiKey.revoke'];

type AuditEvent = AuditEventsQuery['auditEvents']['nodes'][number];

const OUTCOME_TONE: Record<string, Tone> = { success: 'ok', denied: 'warn', failure: 'error' };

interface LogState {
  events: AuditEvent[];
  endCursor: string | null;
  hasNextPage: boolean;
  loading: boolean;
  error: string | null;
}

const EMPTY: LogState = { events: [], endCursor: null, hasNextPage: false, loading: true, error: null };

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
  const client = useClient();
  const mounted = useMounted();
  const [action, setAction] = useState('');
  const [log, setLog] = useState<LogState>(EMPTY);
  const [seenActions, setSeenActions] = useState<string[]>([]);
  const generation = useRef(0);

  const load = useCallback(
    async (after: string | null, filter: string) => {
      const mine = after ? generation.current : ++generation.current;
      setLog((prev) => (after ? { ...prev, loading: true, error: null } : { ...EMPTY }));
      const result = await client
        .query(auditEventsQuery, { first: AUDIT_PAGE_SIZE, after, action: filter || null }, { requestPolicy: 'network-only' })
        .toPromise();
      if (mine !== generation.current) return; // a newer filter or refresh started meanwhile
      if (result.error || !result.data) {
        const message = result.error ? apiError(result.error).message : 'No answer from the API';
        setLog((prev) => ({ ...prev, loading: false, error: message }));
        return;
      }
      const page = result.data.auditEvents;
      setLog((prev) => ({
        events: after ? [...prev.events, ...page.nodes] : page.nodes,
        endCursor: page.pageInfo.endCursor ?? null,
        hasNextPage: page.pageInfo.hasNextPage,
        loading: false,
        error: null,
      }));
      setSeenActions((prev) => {
        const next = new Set(prev);
        for (const e of page.nodes) next.add(e.action);
        return next.size === prev.length ? prev : [...next];
      });
    },
    [client],
  );

  useEffect(() => {
    if (mounted) void load(null, action);
  }, [mounted, action, load]);

  const actions = [...new Set([...KNOWN_ACTIONS, ...seenActions])].sort();

  return (
    <section className="card table-card" data-testid="audit-log" aria-labelledby="audit-title">
      <div className="table-card__head table-card__head--tools">
        <div>
          <h2 id="audit-title" className="table-card__title">
            Events
          </h2>
          <span className="muted" data-testid="audit-count" data-value={log.events.length}>
            {log.loading && log.events.length === 0
              ? 'Loading…'
              : `${log.events.length} shown${log.hasNextPage ? ', more available' : ''} · newest first`}
          </span>
        </div>
        <div className="toolbar">
          <label className="toolbar__field">
            <span className="muted">Action</span>
            <select
              className="input input--compact"
              value={action}
              onChange={(e) => setAction(e.target.value)}
              data-testid="audit-filter-action"
            >
              <option value="">All actions</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => void load(null, action)}
            data-testid="audit-refresh"
          >
            Refresh
          </button>
        </div>
      </div>

      {log.error ? (
        <div className="callout callout--error table-card__callout" role="alert" data-testid="audit-error">
          Could not load the audit log: {log.error}
        </div>
      ) : null}

      {log.events.length === 0 && log.loading ? (
        <div className="skeleton skeleton--rows" aria-busy />
      ) : log.events.length === 0 && !log.error ? (
        <p className="empty" data-testid="audit-empty">
          {action ? `No ${action} events.` : 'No events yet.'}
        </p>
      ) : log.events.length > 0 ? (
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
              {log.events.map((e) => {
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
      ) : null}

      {log.hasNextPage || (log.loading && log.events.length > 0) ? (
        <div className="table-card__foot">
          <button
            type="button"
            className="button button--secondary"
            disabled={log.loading}
            onClick={() => void load(log.endCursor, action)}
            data-testid="audit-load-more"
          >
            {log.loading ? 'Loading…' : `Load ${AUDIT_PAGE_SIZE} more`}
          </button>
        </div>
      ) : null}
    </section>
  );
}
