'use client';
/**
 * Inference latency percentiles over time: p50, p95 and p99 as lines on one chart, in the
 * overview's chart style (card, caption, recharts, no animation). Idle periods have no
 * latency and leave gaps.
 */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock, formatMs } from '@/lib/format';

export interface LatencyPoint {
  t: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export const LATENCY_SERIES = [
  { key: 'p50', label: 'p50', color: '#059669' },
  { key: 'p95', label: 'p95', color: '#0891b2' },
  { key: 'p99', label: 'p99', color: '#db2777' },
] as const;

function formatTick(value: number): string {
  if (Math.abs(value) >= 1000) return `${Math.round(value / 100) / 10}k`;
  return String(Math.round(value * 100) / 100);
}

export function LatencyChart({ id, data }: { id: string; data: LatencyPoint[] }) {
  const measured = data.filter((d) => d.p50 != null).length;
  return (
    <figure className="card chart" data-testid={`chart-${id}`} data-points={data.length} data-measured={measured}>
      <figcaption className="chart__head">
        <span className="chart__title">Latency</span>
        <span className="chart__legend">
          {LATENCY_SERIES.map((s) => (
            <span key={s.key} className="chart__legend-item">
              <span className="chart__swatch" style={{ background: s.color }} aria-hidden />
              {s.label}
            </span>
          ))}
          <span className="chart__unit">ms, end to end</span>
        </span>
      </figcaption>
      <div className="chart__body">
        {data.length === 0 ? (
          <div className="chart__empty">Waiting for samples…</div>
        ) : measured === 0 ? (
          <div className="chart__empty">Idle: no requests yet — run one with Try it</div>
        ) : null}
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--grid)" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={(t: number) => formatClock(t)}
              tick={{ fontSize: 11, fill: 'var(--text-muted)' }}
              tickLine={false}
              axisLine={{ stroke: 'var(--border)' }}
              minTickGap={48}
            />
            <YAxis
              width={48}
              tick={{ fontSize: 11, fill: 'var(--text-muted)' }}
              tickLine={false}
              axisLine={false}
              tickFormatter={formatTick}
              domain={[0, 'auto']}
              tickCount={4}
            />
            <Tooltip
              labelFormatter={(t) => formatClock(Number(t))}
              formatter={(value, name) => [value == null ? '—' : formatMs(Number(value)), String(name)]}
              contentStyle={{ borderRadius: 8, border: '1px solid var(--border)', fontSize: 12 }}
            />
            {LATENCY_SERIES.map((s) => (
              <Line
                key={s.key}
                type="monotone"
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                strokeWidth={2}
                // Small dots keep a lone busy second visible between idle gaps.
                dot={{ r: 1.5, strokeWidth: 0, fill: s.color }}
                activeDot={{ r: 3 }}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
