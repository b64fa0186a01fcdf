/** Overview: platform health and live system metrics. */
import type { Metadata } from 'next';
import { PlatformStatusPanel } from '@/components/overview/platform-status-panel';
import { SystemMetricsPanel } from '@/components/overview/system-metrics-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'Overview' };

export default function OverviewPage() {
  return (
    <PageShell testId="page-overview" title="Overview" sub="Health of the platform and its live load.">
      <PlatformStatusPanel />
      <SystemMetricsPanel />
    </PageShell>
  );
}
