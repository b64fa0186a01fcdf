'use client';
/**
 * Live system metrics from the `systemMetrics` subscription: the newest values as tiles and
 * the last MAX_SAMPLES samples (two minutes at 1 s) as charts. Samples are kept in component
 * state only; the subscription sends one increment per period, never a history.
 */
import { useMemo } from 'react';
import { useSubscription } from 'urql';
import type { SystemMetricsSubscription } from '@/gql/graphql';
import { bytesToMb, formatClock, formatNumber } from '@/lib/format';
import { useSocketState } from '@/components/graphql/urql-provider';
import { StatTile } from '@/components/ui/stat-tile';
import { StatusBadge, type Tone } from '@/components/ui/status-badge';
import { useMounted } from '@/components/ui/use-mounted';
import { MetricChart, type ChartPoint } from './metric-chart';
import { systemMetricsSubscription } from './overview.operations';

export const MAX_SAMPLES = 120;
const SAMPLE_INTERVAL_MS = 1000;

type Sample = SystemMetricsSubscription['systemMetrics'];

interface SampleWindow {
  samples: Sample[];
  /** Every sample received since the page opened (the window above is capped). */
  received: number;
}

export type StreamState = 'connecting' | 'live' | 'error';

const CHARTS: {
  id: string;
  title: string;
  unit: string;
  color: string;
  pick: (s: Sample) => number | null;
  format: (v: number) => string;
  integer?: boolean;
}[] = [
  {
    id: 'requests-per-second',
    title: 'Requests',
    unit: 'req/s',
    color: '#4f46e5',
    pick: (s) => s.requestsPerSecond,
    format: (v) => formatNumber(v),
  },
  {
    id: 'p95-latency-ms',
    title: 'p95 latency',
    unit: 'ms',
    color: '#0891b2',
    pick: (s) => s.p95LatencyMs,
    format: (v) => formatNumber(v),
  },
  {
    id: 'cpu-percent',
    title: 'CPU',
    unit: '%',
    color: '#ea580c',
    pick: (s) => s.cpuPercent,
    format: (v) => formatNumber(v),
  },
  {
    id: 'rss-mb',
    title: 'Memory (RSS)',
    unit: 'MB',
    color: '#7c3aed',
    pick: (s) => bytesToMb(s.rssBytes),
    format: (v) => formatNumber(v, 0),
  },
  {
    id: 'event-loop-lag-ms',
    title: 'Event-loop lag p99',
    unit: 'ms',
    color: '#db2777',
    pick: (s) => s.eventLoopLagP99Ms,
    format: (v) => formatNumber(v),
  },
  {
    id: 'active-connections',
    title: 'Active connections',
    unit: 'conns',
    color: '#059669',
    pick: (s) => s.activeConnections,
    format: (v) => formatNumber(v, 0),
    integer: true,
  },
];

export function SystemMetricsPanel() {
  const mounted = useMounted();
  const socket = useSocketState();
  const [result] = useSubscription(
    { query: systemMetricsSubscription, variables: { intervalMs: SAMPLE_INTERVAL_MS }, pause: !mounted },
    (prev: SampleWindow | undefined, data): SampleWindow => ({
      samples: [...(prev?.samples ?? []), data.systemMetrics].slice(-MAX_SAMPLES),
      received: (prev?.received ?? 0) + 1,
    }),
  );

  const samples = result.data?.samples ?? [];
  const received = result.data?.received ?? 0;
  const last = samples.at(-1);

  const state: StreamState =
    result.error || socket === 'error' ? 'error' : socket === 'connected' && received > 0 ? 'live' : 'connecting';

  const series = useMemo(
    () =>
      Object.fromEntries(
        CHARTS.map((c) => [c.id, samples.map((s): ChartPoint => ({ t: Date.parse(s.timestamp), v: c.pick(s) }))]),
      ),
    [samples],
  );

  const jobsWaiting = last?.queueDepths.reduce((sum, q) => sum + q.waiting + q.delayed, 0) ?? null;

  return (
    <section className="section" data-testid="system-metrics" aria-labelledby="system-metrics-title">
      <header className="section__head">
        <div>
          <h2 id="system-metrics-title" className="section__title">
            Live metrics
          </h2>
          <p className="section__sub">
            API fleet, one sample per second ·{' '}
            <span data-testid="metric-sample-count" data-value={received}>
              {received} {received === 1 ? 'sample' : 'samples'}
            </span>
            {last ? (
              <>
                {' · last '}
                <span data-testid="metric-last-sample-at" data-value={last.timestamp}>
                  {formatClock(last.timestamp)}
                </span>
              </>
            ) : null}
          </p>
        </div>
        <ConnectionBadge state={state} />
      </header>

      {result.error ? (
        <div className="callout callout--error" data-testid="metrics-error">
          Live metrics failed: {result.error.message}
        </div>
      ) : null}

      <div className="grid grid--tiles">
        <StatTile
          testId="metric-requests-per-second"
          label="Requests / s"
          value={last?.requestsPerSecond ?? null}
          display={formatNumber(last?.requestsPerSecond)}
        />
        <StatTile
          testId="metric-p95-latency-ms"
          label="p95 latency"
          value={last?.p95LatencyMs ?? null}
          display={formatNumber(last?.p95LatencyMs)}
          unit="ms"
          hint={last && last.p95LatencyMs == null ? 'idle' : undefined}
        />
        <StatTile
          testId="metric-cpu-percent"
          label="CPU"
          value={last?.cpuPercent ?? null}
          display={formatNumber(last?.cpuPercent)}
          unit="%"
        />
        <StatTile
          testId="metric-rss-mb"
          label="Memory (RSS)"
          value={last ? bytesToMb(last.rssBytes) : null}
          display={last ? formatNumber(bytesToMb(last.rssBytes), 0) : '—'}
          unit="MB"
          hint={last ? `heap ${formatNumber(bytesToMb(last.heapUsedBytes), 0)} MB` : undefined}
        />
        <StatTile
          testId="metric-event-loop-lag-ms"
          label="Event-loop lag p99"
          value={last?.eventLoopLagP99Ms ?? null}
          display={formatNumber(last?.eventLoopLagP99Ms)}
          unit="ms"
        />
        <StatTile
          testId="metric-active-connections"
          label="Connections"
          value={last?.activeConnections ?? null}
          display={last ? String(last.activeConnections) : '—'}
          hint={last ? `${last.instances} API ${last.instances === 1 ? 'instance' : 'instances'}` : undefined}
        />
        <StatTile
          testId="metric-jobs-waiting"
          label="Jobs queued"
          value={jobsWaiting}
          display={jobsWaiting == null ? '—' : String(jobsWaiting)}
          hint="waiting + delayed"
        />
      </div>

      <div className="grid grid--charts">
        {CHARTS.map((c) => (
          <MetricChart
            key={c.id}
            id={c.id}
            title={c.title}
            unit={c.unit}
            color={c.color}
            data={series[c.id] ?? []}
            format={c.format}
            integer={c.integer}
          />
        ))}
      </div>
    </section>
  );
}

function ConnectionBadge({ state }: { state: StreamState }) {
  const tone: Tone = state === 'live' ? 'ok' : state === 'error' ? 'error' : 'neutral';
  const label = state === 'live' ? 'Live' : state === 'error' ? 'Connection error' : 'Connecting…';
  return (
    <span data-testid="metrics-connection" data-state={state} className={state === 'live' ? 'pulse' : undefined}>
      <StatusBadge tone={tone}>{label}</StatusBadge>
    </span>
  );
}
