'use client';
/**
 * The console's chart (card, caption, recharts, no animation): one or more series of numbers
 * over time or over steps, as lines, or as one filled area. The page-specific charts
 * (metric-chart, latency-chart, training-metric-chart) say what to draw; this draws it.
 */
import type { ReactNode } from 'react';
import { Area, AreaChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, type AxisDomain } from 'recharts';
import { formatClock } from '@/lib/format';

export interface ChartSeries {
  /** The column of `rows` it draws. */
  key: string;
  /** In the legend and the tooltip. */
  label: string;
  color: string;
}

const AXIS_TICK = { fontSize: 11, fill: 'var(--text-muted)' };

/** Axis ticks: as few digits as the value needs (0.75 → "0.75", 1.5 → "1.5", 300 → "300", 1500 → "1.5k"). */
function formatTick(value: number, decimals: number): string {
  if (Math.abs(value) >= 1000) return `${Math.round(value / 100) / 10}k`;
  const scale = 10 ** decimals;
  return String(Math.round(value * scale) / scale);
}

export function SeriesChart({
  id,
  title,
  unit,
  legend = false,
  rows,
  series,
  empty,
  attrs,
  x,
  area,
  yDomain = [0, 'auto'],
  tickDecimals = 2,
  allowDecimals = true,
  dots = true,
  connectNulls = false,
  formatValue,
  formatX = formatClock,
}: {
  /** `chart-<id>` is the figure's test id. */
  id: string;
  title: ReactNode;
  unit: string;
  /** A swatch and label per series in the caption. */
  legend?: boolean;
  rows: readonly object[];
  series: readonly ChartSeries[];
  /** Shown over the chart while there is nothing to draw. */
  empty: ReactNode;
  /** More `data-*` attributes of the figure (tests read counts there). */
  attrs: Record<`data-${string}`, string | number>;
  /** The x column: `t` (epoch ms, shown as a clock) or `step`. */
  x: 'time' | 'step';
  /** One filled area instead of lines (the first series), stepped for counts. */
  area?: 'smooth' | 'step';
  yDomain?: AxisDomain;
  tickDecimals?: number;
  allowDecimals?: boolean;
  /** Small dots on the lines' points. */
  dots?: boolean;
  connectNulls?: boolean;
  /** A value in the tooltip. */
  formatValue: (value: number) => string;
  /** An x value of a `time` chart, on the axis and in the tooltip (default: the clock, HH:MM:SS). */
  formatX?: (t: number) => string;
}) {
  const Chart = area ? AreaChart : LineChart;
  const gradient = `chart-fill-${id}`;
  return (
    <figure className="card chart" data-testid={`chart-${id}`} {...attrs}>
      <figcaption className="chart__head">
        <span className="chart__title">{title}</span>
        {legend ? (
          <span className="chart__legend">
            {series.map((s) => (
              <span key={s.key} className="chart__legend-item">
                <span className="chart__swatch" style={{ background: s.color }} aria-hidden />
                {s.label}
              </span>
            ))}
            <span className="chart__unit">{unit}</span>
          </span>
        ) : (
          <span className="chart__unit">{unit}</span>
        )}
      </figcaption>
      <div className="chart__body">
        {empty ? <div className="chart__empty">{empty}</div> : null}
        <ResponsiveContainer width="100%" height="100%">
          <Chart data={rows as object[]} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
            {area ? (
              <defs>
                <linearGradient id={gradient} x1="0" y1="0" x2="0" y2="1">
                  <stop offset="0%" stopColor={series[0].color} stopOpacity={0.35} />
                  <stop offset="100%" stopColor={series[0].color} stopOpacity={0.02} />
                </linearGradient>
              </defs>
            ) : null}
            <CartesianGrid stroke="var(--grid)" vertical={false} />
            {x === 'time' ? (
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={['dataMin', 'dataMax']}
                tickFormatter={(t: number) => formatX(t)}
                tick={AXIS_TICK}
                tickLine={false}
                axisLine={{ stroke: 'var(--border)' }}
                minTickGap={48}
              />
            ) : (
              <XAxis
                dataKey="step"
                type="number"
                domain={['dataMin', 'dataMax']}
                allowDecimals={false}
                tick={AXIS_TICK}
                tickLine={false}
                axisLine={{ stroke: 'var(--border)' }}
                minTickGap={32}
              />
            )}
            <YAxis
              width={48}
              tick={AXIS_TICK}
              tickLine={false}
              axisLine={false}
              tickFormatter={(value: number) => formatTick(value, tickDecimals)}
              domain={yDomain}
              tickCount={4}
              allowDecimals={allowDecimals}
            />
            <Tooltip
              labelFormatter={(label) => (x === 'time' ? formatX(Number(label)) : `step ${label}`)}
              formatter={(value, name) => [value == null ? '—' : formatValue(Number(value)), String(name)]}
              contentStyle={{ borderRadius: 8, border: '1px solid var(--border)', fontSize: 12 }}
            />
            {area ? (
              <Area
                type={area === 'step' ? 'stepAfter' : 'monotone'}
                dataKey={series[0].key}
                name={series[0].label}
                stroke={series[0].color}
                strokeWidth={2}
                fill={`url(#${gradient})`}
                isAnimationActive={false}
                dot={false}
              />
            ) : (
              series.map((s) => (
                <Line
                  key={s.key}
                  type="monotone"
                  dataKey={s.key}
                  name={s.label}
                  stroke={s.color}
                  strokeWidth={2}
                  // Small dots keep a lone point visible between gaps.
                  dot={dots ? { r: 1.5, strokeWidth: 0, fill: s.color } : false}
                  activeDot={{ r: 3 }}
                  isAnimationActive={false}
                  connectNulls={connectNulls}
                />
              ))
            )}
          </Chart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
