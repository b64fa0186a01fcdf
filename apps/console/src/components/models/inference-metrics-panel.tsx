'use client';
/**
 * Live inference metrics of one model from the `inferenceMetrics` subscription (one sample
 * per second over the whole API fleet): the newest values as tiles, the last MAX_SAMPLES
 * samples as a latency chart (p50/p95/p99) and a requests/s chart. Samples live in component
 * state only; the panel is keyed by model, so another model starts a fresh window.
 */
import { useMemo } from 'react';
import { useSubscription } from 'urql';
import type { InferenceMetricsSubscription } from '@/gql/graphql';
import { useSocketState } from '@/components/graphql/urql-provider';
import { MetricChart, type ChartPoint } from '@/components/overview/metric-chart';
import { StatTile } from '@/components/ui/stat-tile';
import { StatusBadge, type Tone } from '@/components/ui/status-badge';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { bytesToMb, formatClock, formatNumber } from '@/lib/format';
import { ApiErrorCallout } from './api-error-callout';
import { LatencyChart, type LatencyPoint } from './latency-chart';
import { inferenceMetricsSubscription } from './models.operations';

export const MAX_SAMPLES = 120;

type Sample = InferenceMetricsSubscription['inferenceMetrics'];

interface SampleWindow {
  samples: Sample[];
  /** Every sample received since the panel opened (the window above is capped). */
  received: number;
  /** Highest requests/s of any sample received. */
  peakRps: number;
}

type StreamState = 'connecting' | 'live' | 'error';

export function InferenceMetricsPanel({ name, namespace }: { name: string; namespace: string }) {
  const mounted = useMounted();
  const socket = useSocketState();
  const [result] = useSubscription(
    { query: inferenceMetricsSubscription, variables: { model: name, namespace }, pause: !mounted },
    (prev: SampleWindow | undefined, data): SampleWindow => ({
      samples: [...(prev?.samples ?? []), data.inferenceMetrics].slice(-MAX_SAMPLES),
      received: (prev?.received ?? 0) + 1,
      peakRps: Math.max(prev?.peakRps ?? 0, data.inferenceMetrics.requestsPerSecond),
    }),
  );

  const samples = result.data?.samples ?? [];
  const received = result.data?.received ?? 0;
  const peakRps = result.data?.peakRps ?? 0;
  const last = samples.at(-1);
  const state: StreamState =
    result.error || socket === 'error' ? 'error' : socket === 'connected' && received > 0 ? 'live' : 'connecting';

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
    <section className="section" data-testid="inference-metrics" aria-labelledby="inference-metrics-title">
      <header className="section__head">
        <div>
          <h3 id="inference-metrics-title" className="section__title">
            Live inference
          </h3>
          <p className="section__sub">
            {name} over every API instance, one sample per second ·{' '}
            <span data-testid="inference-sample-count" data-value={received}>
              {received} {received === 1 ? 'sample' : 'samples'}
            </span>
            {' · peak '}
            <span data-testid="inference-peak-rps" data-value={peakRps}>
              {formatNumber(peakRps)} req/s
            </span>
            {last ? (
              <>
                {' · last '}
                <span data-testid="inference-last-sample-at" data-value={last.timestamp}>
                  {formatClock(last.timestamp)}
                </span>
              </>
            ) : null}
          </p>
        </div>
        <ConnectionBadge state={state} />
      </header>

      {result.error ? (
        <ApiErrorCallout error={apiError(result.error)} testId="inference-metrics-error" prefix="Live metrics failed" />
      ) : null}
      {last && last.workers === 0 ? (
        <div className="callout callout--warn" data-testid="inference-no-workers">
          No inference worker is running: requests fail with SERVICE_UNAVAILABLE until one starts (a worker process with
          WORKER_QUEUES including &quot;inference&quot;).
        </div>
      ) : null}

      <div className="grid grid--tiles">
        <StatTile
          testId="inference-requests-per-second"
          label="Requests / s"
          value={last?.requestsPerSecond ?? null}
          display={formatNumber(last?.requestsPerSecond)}
        />
        <StatTile
          testId="inference-errors-per-second"
          label="Errors / s"
          value={last?.errorsPerSecond ?? null}
          display={formatNumber(last?.errorsPerSecond)}
        />
        <StatTile
          testId="inference-p50-latency-ms"
          label="p50 latency"
          value={last?.p50LatencyMs ?? null}
          display={formatNumber(last?.p50LatencyMs)}
          unit="ms"
          hint={idle ? 'idle' : undefined}
        />
        <StatTile
          testId="inference-p95-latency-ms"
          label="p95 latency"
          value={last?.p95LatencyMs ?? null}
          display={formatNumber(last?.p95LatencyMs)}
          unit="ms"
          hint={idle ? 'idle' : undefined}
        />
        <StatTile
          testId="inference-p99-latency-ms"
          label="p99 latency"
          value={last?.p99LatencyMs ?? null}
          display={formatNumber(last?.p99LatencyMs)}
          unit="ms"
          hint={idle ? 'idle' : undefined}
        />
        <StatTile
          testId="inference-average-batch-size"
          label="Avg batch"
          value={last?.averageBatchSize ?? null}
          display={formatNumber(last?.averageBatchSize)}
          unit="rows"
        />
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
    </section>
  );
}

function ConnectionBadge({ state }: { state: StreamState }) {
  const tone: Tone = state === 'live' ? 'ok' : state === 'error' ? 'error' : 'neutral';
  const label = state === 'live' ? 'Live' : state === 'error' ? 'Connection error' : 'Connecting…';
  return (
    <span data-testid="inference-metrics-connection" data-state={state} className={state === 'live' ? 'pulse' : undefined}>
      <StatusBadge tone={tone}>{label}</StatusBadge>
    </span>
  );
}
