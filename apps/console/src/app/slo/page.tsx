/** SLO: the guide's KPIs measured on this deployment over a window, and the detectors' alerts, live. */
import type { Metadata } from 'next';
import { SloAlertsPanel } from '@/components/slo/slo-alerts-panel';
import { SloKpiPanel } from '@/components/slo/slo-kpi-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'SLO' };

export default function SloPage() {
  return (
    <PageShell
      testId="page-slo"
      title="SLO"
      sub={
        <>
          Every key performance indicator of the performance guide with its target and the value measured on this deployment
          over the chosen window, from the samples each API and worker instance stores; and the alerts of the regression and
          memory-leak detectors as they happen.
        </>
      }
    >
      <SloKpiPanel />
      <SloAlertsPanel />
    </PageShell>
  );
}
