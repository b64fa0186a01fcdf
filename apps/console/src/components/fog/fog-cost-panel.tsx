'use client';
/**
 * What the namespace's fog usage cost: per UTC day (chart, fog against the cloud price) and
 * per tier over a range, with the saving; and the monthly invoice, line by line. Amounts come
 * from the API in micro-dollars (µ$); tiny amounts keep their digits.
 */
import { useId, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { Section } from '@/components/ui/section';
import { SeriesChart } from '@/components/ui/series-chart';
import { StatTile } from '@/components/ui/stat-tile';
import { RefreshButton } from '@/components/ui/toolbar';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { titleCase } from '@/lib/format';
import { TierChip } from './fog-badges';
import { formatMicros, formatPercent, formatQuantity, utcMonth } from './fog-model';
import { fogCostReportQuery, fogInvoiceQuery } from './fog.operations';

const RANGES = [7, 30, 90] as const;
/** A UTC day on the chart's axis: "11-28". */
const formatDay = (t: number) => new Date(t).toISOString().slice(5, 10);
const DAY_MS = 86_400_000;

/** [from, to): whole UTC days, the last one being today. */
function rangeOf(days: number, now: number): { from: string; to: string } {
  const tomorrow = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
  return { from: new Date(tomorrow - days * DAY_MS).toISOString(), to: new Date(tomorrow).toISOString() };
}

export function FogCostPanel({ namespace }: { namespace: string }) {
  const id = useId();
  const mounted = useMounted();
  const [days, setDays] = useState<number>(7);
  const [month, setMonth] = useState(() => utcMonth(new Date()));
  // Fixed per choice so the variables (and the cache key) stay the same between renders.
  const range = useMemo(() => rangeOf(days, Date.now()), [days]);
  const [report, reexecuteReport] = useQuery({ query: fogCostReportQuery, variables: { namespace, ...range }, pause: !mounted });
  const [invoice, reexecuteInvoice] = useQuery({ query: fogInvoiceQuery, variables: { namespace, month }, pause: !mounted || !/^\d{4}-\d{2}$/.test(month) });
  const refresh = () => {
    reexecuteReport({ requestPolicy: 'network-only' });
    reexecuteInvoice({ requestPolicy: 'network-only' });
  };

  const r = report.data?.fogCostReport;
  const inv = invoice.data?.fogInvoice;
  // Fog jobs are cheap: chart in µ$ until the days reach a dollar.
  const peak = Math.max(0, ...(r?.byDay.map((d) => d.total.cloudMicros) ?? []));
  const scale = peak >= 1_000_000 ? { unit: 'USD', div: 1_000_000 } : { unit: 'µ$', div: 1 };
  const rows = (r?.byDay ?? []).map((d) => ({ t: Date.parse(`${d.day}T00:00:00Z`), fog: d.total.totalMicros / scale.div, cloud: d.total.cloudMicros / scale.div }));

  return (
    <Section
      testId="fog-cost"
      title="Cost"
      sub="Reserved resources × wall time of finished jobs, priced per tier, against the same usage at the cloud price ($2.50 per GPU-hour)."
      aside={
        <div className="toolbar">
          <label className="toolbar__field">
            <span className="muted">Range</span>
            <select className="input input--compact" value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="fog-cost-range">
              {RANGES.map((d) => (
                <option key={d} value={d}>
                  last {d} days
                </option>
              ))}
            </select>
          </label>
          <RefreshButton onClick={refresh} testId="fog-cost-refresh" />
        </div>
      }
    >
      {report.error ? (
        <div className="callout callout--error" role="alert" data-testid="fog-cost-error">
          Could not load the cost report: {apiError(report.error).message}
        </div>
      ) : null}
      <div className="grid grid--tiles" data-testid="fog-cost-totals" data-records={r?.records ?? ''}>
        <StatTile label="Fog cost" display={r ? formatMicros(r.total.totalMicros) : '—'} value={r?.total.totalMicros ?? null} testId="fog-cost-total" hint={r ? `billed ${r.total.totalUsd}` : undefined} />
        <StatTile label="Cloud price" display={r ? formatMicros(r.total.cloudMicros) : '—'} value={r?.total.cloudMicros ?? null} testId="fog-cost-cloud" hint={r ? r.total.cloudUsd : undefined} />
        <StatTile label="Saving" display={formatPercent(r?.total.savingPercent)} value={r?.total.savingPercent ?? null} testId="fog-cost-saving" hint={r ? formatMicros(r.total.savingMicros) : undefined} />
        <StatTile label="CPU core-hours" display={r ? formatQuantity(r.total.cpuCoreHours) : '—'} value={r?.total.cpuCoreHours ?? null} testId="fog-cost-cpu-hours" />
        <StatTile label="GPU-hours" display={r ? formatQuantity(r.total.gpuHours) : '—'} value={r?.total.gpuHours ?? null} testId="fog-cost-gpu-hours" />
        <StatTile label="Usage records" display={r?.records ?? '—'} value={r?.records ?? null} testId="fog-cost-records" />
      </div>
      <SeriesChart
        id="fog-cost"
        title="Cost per day"
        unit={scale.unit}
        legend
        rows={rows}
        series={[
          { key: 'fog', label: 'Fog', color: 'var(--accent, #2563eb)' },
          { key: 'cloud', label: 'Cloud price', color: '#98a2b3' },
        ]}
        empty={rows.length === 0 ? (r ? 'No usage in this range' : 'Loading…') : null}
        attrs={{ 'data-points': rows.length, 'data-total': r?.total.totalMicros ?? 0 }}
        x="time"
        formatX={formatDay}
        formatValue={(v) => (scale.div === 1 ? formatMicros(v) : `$${v.toFixed(2)}`)}
      />
      {r && r.byTier.length > 0 ? (
        <div className="card table-card">
          <table className="table" data-testid="fog-cost-tiers">
            <thead>
              <tr>
                <th>Tier</th>
                <th className="num">CPU core-h</th>
                <th className="num">Memory GB-h</th>
                <th className="num">GPU-h</th>
                <th className="num">Fog</th>
                <th className="num">Cloud</th>
                <th className="num">Saving</th>
              </tr>
            </thead>
            <tbody>
              {r.byTier.map((t) => (
                <tr key={t.tier ?? 'all'} data-testid="fog-cost-tier" data-tier={t.tier ?? ''} data-value={t.totalMicros} data-saving={t.savingPercent ?? ''}>
                  <td>{t.tier ? <TierChip tier={t.tier} /> : 'All'}</td>
                  <td className="num mono">{formatQuantity(t.cpuCoreHours)}</td>
                  <td className="num mono">{formatQuantity(t.memoryGbHours)}</td>
                  <td className="num mono">{formatQuantity(t.gpuHours)}</td>
                  <td className="num mono">{formatMicros(t.totalMicros)}</td>
                  <td className="num mono">{formatMicros(t.cloudMicros)}</td>
                  <td className="num">{formatPercent(t.savingPercent)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <section className="card table-card" data-testid="fog-invoice" data-month={inv?.month ?? ''} data-total={inv?.totalMicros ?? ''} data-lines={inv?.lines.length ?? ''} aria-labelledby={`${id}-invoice`}>
        <div className="table-card__head table-card__head--tools">
          <div>
            <h3 id={`${id}-invoice`} className="table-card__title">
              Invoice
            </h3>
            <span className="muted">{inv ? `${inv.namespace}, ${inv.month} (UTC)` : 'Loading…'}</span>
          </div>
          <label className="toolbar__field">
            <span className="muted">Month</span>
            <input className="input input--compact" type="month" value={month} onChange={(e) => setMonth(e.target.value)} data-testid="fog-invoice-month" />
          </label>
        </div>
        {invoice.error ? (
          <div className="callout callout--error table-card__callout" role="alert" data-testid="fog-invoice-error">
            Could not load the invoice: {apiError(invoice.error).message}
          </div>
        ) : null}
        {inv && inv.lines.length === 0 ? (
          <div className="empty" data-testid="fog-invoice-empty">
            No fog usage in {inv.month}.
          </div>
        ) : null}
        {inv && inv.lines.length > 0 ? (
          <table className="table" data-testid="fog-invoice-lines">
            <thead>
              <tr>
                <th>Tier</th>
                <th>Item</th>
                <th className="num">Quantity</th>
                <th className="num">Unit price</th>
                <th className="num">Amount</th>
                <th className="num">Cloud</th>
              </tr>
            </thead>
            <tbody>
              {inv.lines.map((l) => (
                <tr key={`${l.tier}-${l.resource}`} data-testid="fog-invoice-line" data-tier={l.tier} data-resource={l.resource} data-quantity={l.quantity} data-value={l.amountMicros}>
                  <td>
                    <TierChip tier={l.tier} />
                  </td>
                  <td>{l.description || titleCase(l.resource)}</td>
                  <td className="num mono">
                    {formatQuantity(l.quantity)} {l.unit}
                  </td>
                  <td className="num mono">{formatMicros(l.unitPriceMicros)}</td>
                  <td className="num mono">{formatMicros(l.amountMicros)}</td>
                  <td className="num mono">{formatMicros(l.cloudAmountMicros)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th colSpan={4}>Total</th>
                <th className="num mono" data-testid="fog-invoice-total" data-value={inv.totalMicros} data-cents={inv.totalCents}>
                  {inv.totalUsd}
                </th>
                <th className="num mono">
                  {formatMicros(inv.cloudMicros)}
                  <div className="muted small" data-testid="fog-invoice-saving" data-value={inv.savingPercent ?? ''}>
                    saving {formatPercent(inv.savingPercent)}
                  </div>
                </th>
              </tr>
            </tfoot>
          </table>
        ) : null}
      </section>
    </Section>
  );
}
