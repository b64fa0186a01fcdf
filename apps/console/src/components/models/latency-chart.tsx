'use client';
/**
 * Inference latency percentiles over time: p50, p95 and p99 as lines on one chart. Idle
 * periods have no latency and leave gaps.
 */
import { SeriesChart } from '@/components/ui/series-chart';
import { formatMs } from '@/lib/format';

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

export function LatencyChart({ id, data }: { id: string; data: LatencyPoint[] }) {
  const measured = data.filter((d) => d.p50 != null).length;
  return (
    <SeriesChart
      id={id}
      title="Latency"
      unit="ms, end to end"
      legend
      rows={data}
      series={LATENCY_SERIES}
      empty={
        data.length === 0 ? 'Waiting for samples…' : measured === 0 ? 'Idle: no requests yet — run one with Try it' : null
      }
      attrs={{ 'data-points': data.length, 'data-measured': measured }}
      x="time"
      formatValue={formatMs}
    />
  );
}
