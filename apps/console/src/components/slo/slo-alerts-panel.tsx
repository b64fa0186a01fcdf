'use client';
/**
 * Alerts of the regression and memory-leak detectors: the latest page, kept current by
 * Subscription.alerts (new, acknowledged and resolved alerts replace their row live), with
 * Acknowledge and Resolve (DEVELOPER; the API refuses others and the error is shown).
 */
import { useMemo, useState } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import type { AlertFieldsFragment, SloAlertUpdatesSubscription } from '@/gql/graphql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { useSocketState } from '@/components/graphql/urql-provider';
import { ConnectionBadge } from '@/components/ui/connection-badge';
import { Section } from '@/components/ui/section';
import { StatusBadge } from '@/components/ui/status-badge';
import { streamState } from '@/components/ui/stream-state';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { formatDateTime, titleCase } from '@/lib/format';
import { acknowledgeAlertMutation, alertsQuery, alertsSubscription, resolveAlertMutation } from './slo.operations';

const PAGE = 50;

export function SloAlertsPanel() {
  const mounted = useMounted();
  const socket = useSocketState();
  const [list, reexecute] = useQuery({ query: alertsQuery, variables: { first: PAGE }, pause: !mounted });
  // Every update received, newest last; merged over the listed page by id.
  const [live] = useSubscription<SloAlertUpdatesSubscription, AlertFieldsFragment[]>(
    { query: alertsSubscription, pause: !mounted },
    (previous = [], data) => [...previous, data.alerts.alert],
  );
  const [, acknowledge] = useMutation(acknowledgeAlertMutation);
  const [, resolve] = useMutation(resolveAlertMutation);
  const [actionError, setActionError] = useState<ApiErrorInfo | null>(null);

  const alerts = useMemo(() => {
    const byId = new Map<string, AlertFieldsFragment>();
    for (const a of list.data?.alerts.nodes ?? []) byId.set(a.id, a);
    for (const a of live.data ?? []) byId.set(a.id, a);
    return [...byId.values()].sort((a, b) => Number(b.id) - Number(a.id));
  }, [list.data, live.data]);
  const open = alerts.filter((a) => a.status !== 'RESOLVED').length;

  const act = async (run: () => Promise<{ error?: Parameters<typeof apiError>[0] }>) => {
    setActionError(null);
    const outcome = await run();
    if (outcome.error) setActionError(apiError(outcome.error));
    reexecute({ requestPolicy: 'network-only' });
  };

  return (
    <Section
      testId="slo-alerts"
      title="Alerts"
      sub="An operation whose p95 is 20% above its baseline, a process whose memory grew 1.5×; one alert per subject until it is resolved."
      aside={
        <div className="toolbar">
          <span className="muted" data-testid="slo-alerts-open" data-value={open}>
            {list.data ? `${open} unresolved` : 'Loading…'}
          </span>
          <ConnectionBadge state={streamState(live.error, socket, 0, false)} testId="slo-alerts-live" />
        </div>
      }
    >
      {actionError ? <ApiErrorCallout error={actionError} testId="slo-alert-error" prefix="Could not change the alert" /> : null}
      {list.error ? (
        <div className="callout callout--error" role="alert">
          {list.error.message}
        </div>
      ) : null}
      {list.data && alerts.length === 0 ? (
        <p className="muted" data-testid="slo-alerts-empty">
          No alerts: no regression or memory leak has been detected.
        </p>
      ) : null}
      {alerts.length ? (
        <div className="table-scroll">
          <table className="table" data-testid="slo-alerts-table">
            <thead>
              <tr>
                <th>Opened</th>
                <th>Kind</th>
                <th>Subject</th>
                <th>Finding</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <tr key={a.id} data-testid="slo-alert" data-id={a.id} data-kind={a.kind} data-status={a.status}>
                  <td className="mono small">{formatDateTime(a.openedAt, true)}</td>
                  <td>
                    <StatusBadge tone={a.severity === 'CRITICAL' ? 'error' : 'warn'}>{a.kind === 'MEMORY_LEAK' ? 'Memory leak' : 'Regression'}</StatusBadge>
                  </td>
                  <td className="mono">{a.subject}</td>
                  <td className="cell-details">
                    {a.message}
                    {a.occurrences > 1 ? <span className="muted small"> · seen {a.occurrences}×</span> : null}
                  </td>
                  <td>
                    <StatusBadge tone={a.status === 'OPEN' ? 'error' : a.status === 'ACKNOWLEDGED' ? 'warn' : 'neutral'}>{titleCase(a.status)}</StatusBadge>
                    {a.acknowledgedBy && a.status === 'ACKNOWLEDGED' ? <div className="small muted">by {a.acknowledgedBy}</div> : null}
                    {a.resolvedBy && a.status === 'RESOLVED' ? <div className="small muted">by {a.resolvedBy}</div> : null}
                  </td>
                  <td className="actions">
                    {a.status === 'OPEN' ? (
                      <button type="button" className="button button--secondary button--small" data-testid="slo-alert-acknowledge" onClick={() => act(() => acknowledge({ id: a.id }))}>
                        Acknowledge
                      </button>
                    ) : null}
                    {a.status !== 'RESOLVED' ? (
                      <button type="button" className="button button--secondary button--small" data-testid="slo-alert-resolve" onClick={() => act(() => resolve({ id: a.id }))}>
                        Resolve
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Section>
  );
}
