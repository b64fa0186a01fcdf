'use client';
/**
 * Platform status: version, uptime, overall health, every dependency measured by the API,
 * and the live worker processes. Re-queried every few seconds with `network-only` so each
 * refresh is a fresh probe rather than a cache hit.
 */
import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { formatAgo, formatClock, formatDuration } from '@/lib/format';
import { Section } from '@/components/ui/section';
import { StatusBadge } from '@/components/ui/status-badge';
import { useMounted } from '@/components/ui/use-mounted';
import { useNow } from '@/components/ui/use-now';
import type { PlatformStatusQuery } from '@/gql/graphql';
import { DependencyCard } from './dependency-card';
import { platformStatusQuery } from './overview.operations';

export const STATUS_REFRESH_MS = 3000;

export function PlatformStatusPanel() {
  const mounted = useMounted();
  const [result, reexecute] = useQuery({ query: platformStatusQuery, pause: !mounted });
  const [refreshedAt, setRefreshedAt] = useState<number | null>(null);

  useEffect(() => {
    if (!mounted) return;
    const timer = setInterval(() => reexecute({ requestPolicy: 'network-only' }), STATUS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [mounted, reexecute]);

  useEffect(() => {
    if (result.data && !result.fetching) setRefreshedAt(Date.now());
  }, [result.data, result.fetching]);

  const status = result.data?.platformStatus;
  const failed = Boolean(result.error) && !result.fetching;

  const health = failed ? 'unreachable' : !status ? 'loading' : status.healthy ? 'healthy' : 'degraded';
  const tone = health === 'healthy' ? 'ok' : health === 'loading' ? 'neutral' : health === 'degraded' ? 'warn' : 'error';
  const healthLabel = { healthy: 'Healthy', degraded: 'Degraded', unreachable: 'API unreachable', loading: 'Checking…' }[
    health
  ];

  return (
    <Section
      testId="platform-status"
      title="Platform"
      sub={
        status ? (
          <>
            <span data-testid="platform-version">v{status.version}</span>
            {' · up '}
            <span data-testid="platform-uptime" data-value={status.uptimeSeconds}>
              {formatDuration(status.uptimeSeconds)}
            </span>
            {refreshedAt ? ` · refreshed ${formatClock(refreshedAt)}` : null}
          </>
        ) : (
          'Version, uptime and measured health of every dependency'
        )
      }
      aside={
        <span data-testid="platform-health" data-state={health}>
          <StatusBadge tone={tone}>{healthLabel}</StatusBadge>
        </span>
      }
    >

      {failed ? (
        <div className="callout callout--error" data-testid="platform-status-error">
          Could not load platform status: {result.error?.message}. Retrying every {STATUS_REFRESH_MS / 1000}s.
        </div>
      ) : null}

      {status ? (
        <>
          <div className="grid grid--cards">
            <DependencyCard
              kind="Database"
              title={status.postgres.name}
              ok={status.postgres.ok}
              latencyMs={status.postgres.latencyMs}
              error={status.postgres.error}
              testId="status-postgres"
            />
            <DependencyCard
              kind="Cache & pub/sub"
              title={status.redis.name}
              ok={status.redis.ok}
              latencyMs={status.redis.latencyMs}
              error={status.redis.error}
              testId="status-redis"
            />
            {status.queues.map((q) => (
              <DependencyCard
                key={q.name}
                kind="Queue"
                title={q.name}
                ok={q.ok}
                latencyMs={q.latencyMs}
                error={q.error}
                testId={`status-queue-${q.name}`}
              >
                <dl className="depths">
                  <Depth label="Waiting" value={q.waiting} />
                  <Depth label="Active" value={q.active} />
                  <Depth label="Delayed" value={q.delayed} />
                  <Depth label="Failed" value={q.failed} tone={q.failed > 0 ? 'warn' : undefined} />
                  <Depth label="Done" value={q.completed} />
                  <Depth label="Workers" value={q.workers} tone={q.workers === 0 ? 'warn' : undefined} />
                </dl>
              </DependencyCard>
            ))}
          </div>

          <WorkersTable workers={status.workers} />
        </>
      ) : !failed ? (
        <div className="grid grid--cards" aria-busy>
          <div className="card skeleton" />
          <div className="card skeleton" />
          <div className="card skeleton" />
        </div>
      ) : null}
    </Section>
  );
}

function Depth({ label, value, tone }: { label: string; value: number; tone?: 'warn' }) {
  return (
    <div className={`depths__item${tone ? ` depths__item--${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd data-testid={`depth-${label.toLowerCase()}`}>{value.toLocaleString('en-US')}</dd>
    </div>
  );
}

type Worker = PlatformStatusQuery['platformStatus']['workers'][number];

function WorkersTable({ workers }: { workers: Worker[] }) {
  const now = useNow(1000);
  return (
    <div className="card table-card">
      <div className="table-card__head">
        <h3 className="table-card__title">Workers</h3>
        <span className="muted" data-testid="workers-count" data-value={workers.length}>
          {workers.length} live {workers.length === 1 ? 'process' : 'processes'}
        </span>
      </div>
      {workers.length === 0 ? (
        <p className="empty">No worker process has sent a heartbeat recently.</p>
      ) : (
        <table className="table" data-testid="workers-table">
          <thead>
            <tr>
              <th>Worker</th>
              <th>Host</th>
              <th className="num">PID</th>
              <th>Queues</th>
              <th>Started</th>
              <th>Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {workers.map((w) => (
              <tr key={w.id} data-testid="worker-row">
                <td className="mono">{w.id}</td>
                <td>{w.host}</td>
                <td className="num mono">{w.pid}</td>
                <td>
                  {w.queues.map((q) => (
                    <span key={q} className="chip">
                      {q}
                    </span>
                  ))}
                </td>
                <td>{formatAgo(w.startedAt, now)}</td>
                <td>{formatAgo(w.lastSeenAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
