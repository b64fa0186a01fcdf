'use client';
/**
 * A peer's links over time: every report of each link (its `history`, oldest first) as a line
 * on a latency chart and one on a success-rate chart, so links are compared at a glance. Links
 * report at their own times, so each row holds the links that reported then and lines join
 * across the gaps. At most MAX_CHARTED_LINKS links are drawn (the table lists them all).
 */
import { useMemo } from 'react';
import type { PeerDetailQuery } from '@/gql/graphql';
import { SeriesChart, type ChartSeries } from '@/components/ui/series-chart';
import { formatMs } from '@/lib/format';
import { TRANSPORT_COLORS } from './mesh-graph-model';

const MAX_CHARTED_LINKS = 8;
/** Lines of one transport are told apart by shade. */
const SHADES = [1, 0.75, 0.55, 0.4];

type Link = PeerDetailQuery['peer']['links'][number];

function shade(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export function linkChartData(links: readonly Link[]): {
  series: ChartSeries[];
  latency: Record<string, number>[];
  success: Record<string, number>[];
  samples: number;
} {
  const charted = links.slice(0, MAX_CHARTED_LINKS);
  const perTransport = new Map<string, number>();
  const series = charted.map((l, i): ChartSeries => {
    const nth = perTransport.get(l.transport) ?? 0;
    perTransport.set(l.transport, nth + 1);
    return { key: `l${i}`, label: `${l.to.displayName} · ${l.transport}`, color: shade(TRANSPORT_COLORS[l.transport], SHADES[nth % SHADES.length]) };
  });
  const latency = new Map<number, Record<string, number>>();
  const success = new Map<number, Record<string, number>>();
  let samples = 0;
  charted.forEach((l, i) => {
    for (const s of l.history) {
      const t = Date.parse(s.at);
      samples += 1;
      latency.set(t, { ...(latency.get(t) ?? { t }), [`l${i}`]: s.latencyMs });
      success.set(t, { ...(success.get(t) ?? { t }), [`l${i}`]: s.successRate * 100 });
    }
  });
  const byTime = (a: Record<string, number>, b: Record<string, number>) => a.t - b.t;
  return { series, latency: [...latency.values()].sort(byTime), success: [...success.values()].sort(byTime), samples };
}

export function PeerLinkCharts({ links }: { links: readonly Link[] }) {
  const { series, latency, success, samples } = useMemo(() => linkChartData(links), [links]);
  if (links.length === 0) return null;
  const empty = samples === 0 ? 'No reports yet' : null;
  const attrs = { 'data-links': series.length, 'data-points': samples };
  return (
    <div className="grid grid--charts" data-testid="peer-link-charts">
      <SeriesChart
        id="peer-link-latency"
        title="Link latency"
        unit={links.length > MAX_CHARTED_LINKS ? `ms · first ${MAX_CHARTED_LINKS} links` : 'ms'}
        legend
        rows={latency}
        series={series}
        empty={empty}
        attrs={attrs}
        x="time"
        connectNulls
        dots={latency.length <= 60}
        formatValue={formatMs}
      />
      <SeriesChart
        id="peer-link-success"
        title="Link success rate"
        unit="%"
        legend
        rows={success}
        series={series}
        empty={empty}
        attrs={attrs}
        x="time"
        yDomain={['auto', 100]}
        tickDecimals={1}
        connectNulls
        dots={success.length <= 60}
        formatValue={(v) => `${v.toFixed(1)}%`}
      />
    </div>
  );
}
