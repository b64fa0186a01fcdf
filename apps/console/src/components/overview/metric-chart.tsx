'use client';
/** A compact live time-series chart (a filled area) for one system metric. */
import { SeriesChart } from '@/components/ui/series-chart';

export interface ChartPoint {
  t: number;
  v: number | null;
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
  return (
    <SeriesChart
      id={id}
      title={title}
      unit={unit}
      rows={data}
      series={[{ key: 'v', label: title, color }]}
      empty={data.length === 0 ? 'Waiting for samples…' : null}
      attrs={{ 'data-points': data.length }}
      x="time"
      area={integer ? 'step' : 'smooth'}
      allowDecimals={!integer}
      formatValue={(value) => `${format(value)} ${unit}`}
    />
  );
}
