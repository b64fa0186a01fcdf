'use client';
/**
 * One training metric over steps, a line per phase that logged it (steps count within a
 * phase), in the overview's chart style (card, caption, recharts, no animation). The number
 * of points drawn goes to `data-points`.
 */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrainingPhase } from '@/gql/graphql';
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

function formatTick(value: number): string {
  if (Math.abs(value) >= 1000) return `${Math.round(value / 100) / 10}k`;
  return String(Math.round(value * 1000) / 1000);
}

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
    <figure className="card chart" data-testid={`chart-training-${name}`} data-points={points} data-phases={phases.join(',')}>
      <figcaption className="chart__head">
        <span className="chart__title">{name}</span>
        <span className="chart__legend">
          {phases.map((p) => (
            <span key={p} className="chart__legend-item">
              <span className="chart__swatch" style={{ background: PHASE_COLORS[p] }} aria-hidden />
              {phaseTitle(p)}
            </span>
          ))}
          <span className="chart__unit">by step</span>
        </span>
      </figcaption>
      <div className="chart__body">
        {rows.length === 0 ? <div className="chart__empty">No {name} points yet</div> : null}
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--grid)" vertical={false} />
            <XAxis
              dataKey="step"
              type="number"
              domain={['dataMin', 'dataMax']}
              allowDecimals={false}
              tick={{ fontSize: 11, fill: 'var(--text-muted)' }}
              tickLine={false}
              axisLine={{ stroke: 'var(--border)' }}
              minTickGap={32}
            />
            <YAxis
              width={48}
              tick={{ fontSize: 11, fill: 'var(--text-muted)' }}
              tickLine={false}
              axisLine={false}
              tickFormatter={formatTick}
              domain={fraction ? [0, 1] : ['auto', 'auto']}
              tickCount={4}
            />
            <Tooltip
              labelFormatter={(step) => `step ${step}`}
              formatter={(value, phase) => [value == null ? '—' : formatValue(Number(value)), phaseTitle(phase as TrainingPhase)]}
              contentStyle={{ borderRadius: 8, border: '1px solid var(--border)', fontSize: 12 }}
            />
            {phases.map((p) => (
              <Line
                key={p}
                type="monotone"
                dataKey={p}
                name={p}
                stroke={PHASE_COLORS[p]}
                strokeWidth={2}
                dot={rows.length <= 40 ? { r: 1.5, strokeWidth: 0, fill: PHASE_COLORS[p] } : false}
                activeDot={{ r: 3 }}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
