'use client';
/**
 * Live inference metrics of one model from the `inferenceMetrics` subscription (one sample
 * per second over the whole API fleet): the newest values as tiles, the last MAX_SAMPLES
 * samples as a latency chart (p50/p95/p99) and a requests/s chart. Samples live in component
 * state only; the panel is keyed by model, so another model starts a fresh window.
 */
import { useMemo } from 'react';
import { MetricChart, type ChartPoint } from '@/components/overview/metric-chart';
import { ConnectionBadge } from '@/components/ui/connection-badge';
import { LastSampleAt, SampleCount } from '@/components/ui/sample-count';
import { Section } from '@/components/ui/section';
import { NumberTile, StatTile } from '@/components/ui/stat-tile';
import { useSampleWindow } from '@/components/ui/use-sample-window';
import { apiError } from '@/lib/errors';
import { bytesToMb, formatNumber } from '@/lib/format';
import { ApiErrorCallout } from './api-error-callout';
import { LATENCY_SERIES, LatencyChart, type LatencyPoint } from './latency-chart';
import { inferenceMetricsSubscription } from './models.operations';

export function InferenceMetricsPanel({ name, namespace }: { name: string; namespace: string }) {
  const { samples, received, peak: peakRps, last, state, error } = useSampleWindow({
    query: inferenceMetricsSubscription,
    variables: { model: name, namespace },
    pick: (data) => data.inferenceMetrics,
    peakOf: (sample) => sample.requestsPerSecond,
  });

  const latency = useMemo(
    () =>
      samples.map(
        (s): LatencyPoint => ({ t: Date.parse(s.timestamp), p50: s.p50LatencyMs, p95: s.p95LatencyMs, p99: s.p99LatencyMs }),
      ),
    [samples],
  );
  const rps = useMemo(() => samples.map((s): ChartPoint => ({ t: Date.parse(s.timestamp), v: s.requestsPerSecond })), [samples]);
  const idle = last != null && last.p50LatencyMs == null;

  return (
    <Section
      testId="inference-metrics"
      heading="h3"
      title="Live inference"
      sub={
        <>
          {name} over every API instance, one sample per second ·{' '}
          <SampleCount testId="inference-sample-count" received={received} />
          {' · peak '}
          <span data-testid="inference-peak-rps" data-value={peakRps}>
            {formatNumber(peakRps)} req/s
          </span>
          <LastSampleAt testId="inference-last-sample-at" at={last?.timestamp} />
        </>
      }
      aside={<ConnectionBadge state={state} testId="inference-metrics-connection" />}
    >
      {error ? <ApiErrorCallout error={apiError(error)} testId="inference-metrics-error" prefix="Live metrics failed" /> : null}
      {last && last.workers === 0 ? (
        <div className="callout callout--warn" data-testid="inference-no-workers">
          No inference worker is running: requests fail with SERVICE_UNAVAILABLE until one starts (a worker process with
          WORKER_QUEUES including &quot;inference&quot;).
        </div>
      ) : null}

      <div className="grid grid--tiles">
        <NumberTile testId="inference-requests-per-second" label="Requests / s" value={last?.requestsPerSecond} />
        <NumberTile testId="inference-errors-per-second" label="Errors / s" value={last?.errorsPerSecond} />
        {LATENCY_SERIES.map((s) => (
          <NumberTile
            key={s.key}
            testId={`inference-${s.key}-latency-ms`}
            label={`${s.label} latency`}
            value={last?.[`${s.key}LatencyMs`]}
            unit="ms"
            hint={idle ? 'idle' : undefined}
          />
        ))}
        <NumberTile testId="inference-average-batch-size" label="Avg batch" value={last?.averageBatchSize} unit="rows" />
        <StatTile
          testId="inference-workers"
          label="Workers"
          value={last?.workers ?? null}
          display={last ? String(last.workers) : '—'}
          hint={last ? `largest RSS ${formatNumber(bytesToMb(last.workerRssBytes), 0)} MB` : undefined}
        />
      </div>

      <div className="grid grid--charts">
        <LatencyChart id="inference-latency" data={latency} />
        <MetricChart
          id="inference-requests-per-second"
          title="Requests"
          unit="req/s"
          color="#4f46e5"
          data={rps}
          format={(v) => formatNumber(v)}
        />
      </div>
    </Section>
  );
}
