'use client';
/**
 * Live system metrics from the `systemMetrics` subscription: the newest values as tiles and
 * the last MAX_SAMPLES samples (two minutes at 1 s) as charts (see use-sample-window.ts).
 */
import { useMemo } from 'react';
import type { SystemMetricsSubscription } from '@/gql/graphql';
import { bytesToMb, formatNumber } from '@/lib/format';
import { ConnectionBadge } from '@/components/ui/connection-badge';
import { LastSampleAt, SampleCount } from '@/components/ui/sample-count';
import { Section } from '@/components/ui/section';
import { NumberTile, StatTile } from '@/components/ui/stat-tile';
import { useSampleWindow } from '@/components/ui/use-sample-window';
import { MetricChart, type ChartPoint } from './metric-chart';
import { systemMetricsSubscription } from './overview.operations';

const SAMPLE_INTERVAL_MS = 1000;

type Sample = SystemMetricsSubscription['systemMetrics'];

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
  const { samples, received, last, state, error } = useSampleWindow({
    query: systemMetricsSubscription,
    variables: { intervalMs: SAMPLE_INTERVAL_MS },
    pick: (data) => data.systemMetrics,
  });

  const series = useMemo(
    () =>
      Object.fromEntries(
        CHARTS.map((c) => [c.id, samples.map((s): ChartPoint => ({ t: Date.parse(s.timestamp), v: c.pick(s) }))]),
      ),
    [samples],
  );

  const jobsWaiting = last?.queueDepths.reduce((sum, q) => sum + q.waiting + q.delayed, 0) ?? null;

  return (
    <Section
      testId="system-metrics"
      title="Live metrics"
      sub={
        <>
          API fleet, one sample per second · <SampleCount testId="metric-sample-count" received={received} />
          <LastSampleAt testId="metric-last-sample-at" at={last?.timestamp} />
        </>
      }
      aside={<ConnectionBadge state={state} testId="metrics-connection" />}
    >
      {error ? (
        <div className="callout callout--error" data-testid="metrics-error">
          Live metrics failed: {error.message}
        </div>
      ) : null}

      <div className="grid grid--tiles">
        <NumberTile testId="metric-requests-per-second" label="Requests / s" value={last?.requestsPerSecond} />
        <NumberTile
          testId="metric-p95-latency-ms"
          label="p95 latency"
          value={last?.p95LatencyMs}
          unit="ms"
          hint={last && last.p95LatencyMs == null ? 'idle' : undefined}
        />
        <NumberTile testId="metric-cpu-percent" label="CPU" value={last?.cpuPercent} unit="%" />
        <NumberTile
          testId="metric-rss-mb"
          label="Memory (RSS)"
          value={last ? bytesToMb(last.rssBytes) : null}
          digits={0}
          unit="MB"
          hint={last ? `heap ${formatNumber(bytesToMb(last.heapUsedBytes), 0)} MB` : undefined}
        />
        <NumberTile testId="metric-event-loop-lag-ms" label="Event-loop lag p99" value={last?.eventLoopLagP99Ms} unit="ms" />
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
    </Section>
  );
}
