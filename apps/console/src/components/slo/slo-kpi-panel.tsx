'use client';
/**
 * The guide's KPIs over a window: target, the value measured on this deployment, how many
 * observations it rests on, and MET / MISSED / NO_DATA (with the reason). Re-read every 15 s.
 */
import { useState } from 'react';
import { useQuery } from 'urql';
import { Section } from '@/components/ui/section';
import { StatusBadge } from '@/components/ui/status-badge';
import { RefreshButton } from '@/components/ui/toolbar';
import { useInterval } from '@/components/ui/use-interval';
import { useMounted } from '@/components/ui/use-mounted';
import { formatCount, formatDateTime, titleCase } from '@/lib/format';
import { AREA_LABELS, formatKpiValue, statusTone, WINDOWS } from './slo-model';
import { sloReportQuery } from './slo.operations';

const POLL_MS = 15_000;

export function SloKpiPanel() {
  const mounted = useMounted();
  const [span, setSpan] = useState<string>('1h');
  const [result, reexecute] = useQuery({ query: sloReportQuery, variables: { window: span }, pause: !mounted });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  useInterval(refresh, POLL_MS);
  const report = result.data?.sloReport;
  const met = report?.kpis.filter((k) => k.status === 'MET').length ?? 0;
  const missed = report?.kpis.filter((k) => k.status === 'MISSED').length ?? 0;

  return (
    <Section
      testId="slo-kpis"
      title="Key performance indicators"
      sub={report ? `Measured from ${formatDateTime(report.from, true)} to ${formatDateTime(report.to, true)}, every API and worker instance together.` : 'Measured over the window, every API and worker instance together.'}
      aside={
        <div className="toolbar">
          <span className="muted" data-testid="slo-summary" data-met={met} data-missed={missed}>
            {report ? `${met} met · ${missed} missed` : 'Loading…'}
          </span>
          <label className="toolbar__field">
            <span className="muted">Window</span>
            <select className="input input--compact" value={span} onChange={(e) => setSpan(e.target.value)} data-testid="slo-window">
              {WINDOWS.map((w) => (
                <option key={w} value={w}>
                  last {w}
                </option>
              ))}
            </select>
          </label>
          <RefreshButton onClick={refresh} testId="slo-refresh" />
        </div>
      }
    >
      {result.error ? (
        <div className="callout callout--error" role="alert" data-testid="slo-error">
          {result.error.message}
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="table" data-testid="slo-table" data-window={report?.window ?? ''}>
          <thead>
            <tr>
              <th>KPI</th>
              <th>Target</th>
              <th className="num">Measured</th>
              <th className="num">Samples</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {(report?.kpis ?? []).map((k) => (
              <tr key={k.key} data-testid="slo-kpi" data-key={k.key} data-status={k.status}>
                <td className="cell-details" title={k.source}>
                  <div className="small muted">{AREA_LABELS[k.area] ?? k.area}</div>
                  {k.name}
                  {k.reason ? (
                    <div className="small muted" data-testid="slo-kpi-reason">
                      {k.reason}
                    </div>
                  ) : null}
                </td>
                <td>{k.target}</td>
                <td className="num mono" data-testid="slo-kpi-value">
                  {formatKpiValue(k.value, k.unit)}
                </td>
                <td className="num mono">{formatCount(k.samples)}</td>
                <td>
                  <StatusBadge tone={statusTone(k.status)}>{k.status === 'NO_DATA' ? 'No data' : titleCase(k.status)}</StatusBadge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
