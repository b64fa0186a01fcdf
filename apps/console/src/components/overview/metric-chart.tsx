'use client';
/** A compact live time-series chart (recharts area) for one system metric. */
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock } from '@/lib/format';

export interface ChartPoint {
  t: number;
  v: number | null;
}

/** Axis ticks: as few digits as the value needs (0.75 → "0.75", 1.5 → "1.5", 300 → "300"). */
function formatTick(value: number): string {
  if (Math.abs(value) >= 1000) return `${Math.round(value / 100) / 10}k`;
  return String(Math.round(value * 100) / 100);
}

export function MetricChart({
  id,
  title,
  unit,
  color,
  data,
  format,
  integer = false,
}: {
  id: string;
  title: string;
  unit: string;
  color: string;
  data: ChartPoint[];
  format: (value: number) => string;
  /** Counts: no fractional ticks on the y axis. */
  integer?: boolean;
}) {
  const gradient = `chart-fill-${id}`;
  return (
    <figure className="card chart" data-testid={`chart-${id}`} data-points={data.length}>
      <figcaption className="chart__head">
        <span className="chart__title">{title}</span>
        <span className="chart__unit">{unit}</span>
      </figcaption>
      <div className="chart__body">
        {data.length === 0 ? <div className="chart__empty">Waiting for samples…</div> : null}
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
            <defs>
              <linearGradient id={gradient} x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={color} stopOpacity={0.35} />
                <stop offset="100%" stopColor={color} stopOpacity={0.02} />
              </linearGradient>
            </defs>
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
              allowDecimals={!integer}
            />
            <Tooltip
              labelFormatter={(t) => formatClock(Number(t))}
              formatter={(value) => [value == null ? '—' : `${format(Number(value))} ${unit}`, title]}
              contentStyle={{ borderRadius: 8, border: '1px solid var(--border)', fontSize: 12 }}
            />
            <Area
              type={integer ? 'stepAfter' : 'monotone'}
              dataKey="v"
              stroke={color}
              strokeWidth={2}
              fill={`url(#${gradient})`}
              isAnimationActive={false}
              dot={false}
            />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
