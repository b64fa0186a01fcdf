/** Overview: platform health and live system metrics. */
import type { Metadata } from 'next';
import { PlatformStatusPanel } from '@/components/overview/platform-status-panel';
import { SystemMetricsPanel } from '@/components/overview/system-metrics-panel';

export const metadata: Metadata = { title: 'Overview' };

export default function OverviewPage() {
  return (
    <div className="page" data-testid="page-overview">
      <header className="page__head">
        <h1 className="page__title">Overview</h1>
        <p className="page__sub">Health of the platform and its live load.</p>
      </header>
      <PlatformStatusPanel />
      <SystemMetricsPanel />
    </div>
  );
}
