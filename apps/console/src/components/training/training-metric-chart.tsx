'use client';
/**
 * One training metric over steps, a line per phase that logged it (steps count within a
 * phase). The number of points drawn goes to `data-points`.
 */
import type { TrainingPhase } from '@/gql/graphql';
import { SeriesChart } from '@/components/ui/series-chart';
import { phaseTitle } from './training-phases';
import type { MergedSeries } from './training-metrics';
import { chartRows } from './training-metrics';

export const PHASE_COLORS: Record<TrainingPhase, string> = {
  COGNATE: '#64748b',
  EVOMERGE: '#7c3aed',
  QUIET_STAR: '#0891b2',
  BITNET_COMPRESSION: '#ea580c',
  FORGE_TRAINING: '#4f46e5',
  TOOL_PERSONA_BAKING: '#db2777',
  ADAS: '#059669',
  FINAL_COMPRESSION: '#ca8a04',
};

function formatValue(value: number): string {
  return Math.abs(value) >= 1000 ? value.toFixed(0) : String(Number(value.toPrecision(4)));
}

export function TrainingMetricChart({ name, series }: { name: string; series: MergedSeries[] }) {
  const { phases, rows } = chartRows(series, name);
  // Accuracies on a 0–1 scale get the whole scale, so runs read alike.
  const mine = series.filter((s) => s.name === name);
  const fraction = /accuracy/.test(name) && mine.every((s) => s.points.every((p) => p.value >= 0 && p.value <= 1));
  const points = mine.reduce((sum, s) => sum + s.points.length, 0);
  return (
    <SeriesChart
      id={`training-${name}`}
      title={name}
      unit="by step"
      legend
      rows={rows}
      series={phases.map((p) => ({ key: p, label: phaseTitle(p), color: PHASE_COLORS[p] }))}
      empty={rows.length === 0 ? `No ${name} points yet` : null}
      attrs={{ 'data-points': points, 'data-phases': phases.join(',') }}
      x="step"
      yDomain={fraction ? [0, 1] : ['auto', 'auto']}
      tickDecimals={3}
      dots={rows.length <= 40}
      connectNulls
      formatValue={formatValue}
    />
  );
}
