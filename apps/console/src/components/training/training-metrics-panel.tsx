'use client';
/**
 * A run's metrics: the latest loss and accuracy as tiles and a chart per metric (loss and
 * accuracy first, then whatever else the phases logged: validation_accuracy, fitness, …),
 * drawn from the stored history plus the points streamed since the page opened (merged by
 * the run panel, see training-metrics.ts). `training-metric-points` counts the points drawn,
 * `training-live-points` those the subscription delivered.
 */
import type { ApiErrorInfo } from '@/lib/errors';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { ConnectionBadge } from '@/components/ui/connection-badge';
import { Section } from '@/components/ui/section';
import { StatTile } from '@/components/ui/stat-tile';
import type { StreamState } from '@/components/ui/stream-state';
import { TrainingMetricChart } from './training-metric-chart';
import { chartNames, type MergedSeries } from './training-metrics';
import { phaseTitle } from './training-phases';

function latest(series: readonly MergedSeries[], name: string): { value: number; series: MergedSeries } | null {
  const of = series.filter((s) => s.name === name && s.points.length > 0);
  const last = of.at(-1); // pipeline order: the latest phase that logged it
  const point = last?.points.at(-1);
  return last && point ? { value: point.value, series: last } : null;
}

function show(value: number | undefined): string {
  return value == null ? '—' : String(Number(value.toPrecision(4)));
}

export function TrainingMetricsPanel({
  series,
  received,
  state,
  error,
  active,
}: {
  series: MergedSeries[];
  /** Points the subscription delivered since the page opened. */
  received: number;
  state: StreamState;
  error: ApiErrorInfo | null;
  /** The run is queued or running (points may still come). */
  active: boolean;
}) {
  const drawn = series.reduce((sum, s) => sum + s.points.length, 0);
  const stored = series.reduce((sum, s) => sum + s.total, 0);
  const loss = latest(series, 'loss');
  const accuracy = latest(series, 'accuracy');
  const validation = latest(series, 'validation_accuracy');
  const names = chartNames(series);

  return (
    <Section
      testId="training-metrics"
      heading="h3"
      title="Metrics"
      sub={
        <>
          Per step, a line per phase; history averaged to at most 500 points per series, then live ·{' '}
          <span data-testid="training-metric-points" data-value={drawn}>
            {drawn} {drawn === 1 ? 'point' : 'points'} drawn
          </span>
          {stored > drawn ? ` of ${stored} stored` : ''}
          {' · '}
          <span data-testid="training-live-points" data-value={received}>
            {received} live
          </span>
        </>
      }
      aside={
        <ConnectionBadge
          state={state}
          testId="training-metrics-connection"
          liveLabel={active ? 'Live' : 'Live · run finished'}
          pulse={state === 'live' && active}
        />
      }
    >
      {error ? <ApiErrorCallout error={error} testId="training-metrics-error" prefix="Live progress failed" /> : null}

      <div className="grid grid--tiles">
        <StatTile
          testId="training-latest-loss"
          label="Latest loss"
          value={loss?.value ?? null}
          display={show(loss?.value)}
          hint={loss ? `${phaseTitle(loss.series.phase)}, step ${loss.series.points.at(-1)?.step}` : undefined}
        />
        <StatTile
          testId="training-latest-accuracy"
          label="Latest accuracy"
          value={accuracy?.value ?? null}
          display={show(accuracy?.value)}
          hint={accuracy ? `${phaseTitle(accuracy.series.phase)}, step ${accuracy.series.points.at(-1)?.step}` : undefined}
        />
        <StatTile
          testId="training-latest-validation-accuracy"
          label="Validation accuracy"
          value={validation?.value ?? null}
          display={show(validation?.value)}
          hint={validation ? phaseTitle(validation.series.phase) : undefined}
        />
        <StatTile testId="training-series-count" label="Series" value={series.length} display={String(series.length)} hint="phase × metric" />
      </div>

      <div className="grid grid--charts">
        {names.map((name) => (
          <TrainingMetricChart key={name} name={name} series={series} />
        ))}
      </div>
    </Section>
  );
}
