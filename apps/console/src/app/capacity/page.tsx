/** Capacity: the guide's scaling formulas for a target load, fed with measured per-instance capacity. */
import type { Metadata } from 'next';
import { CapacityPanel } from '@/components/capacity/capacity-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'Capacity' };

export default function CapacityPage() {
  return (
    <PageShell
      testId="page-capacity"
      title="Capacity"
      sub={
        <>
          How many API instances, database resources and workers a target load needs, by the performance guide&apos;s scaling
          formulas, with per-instance capacity measured by this repository&apos;s benchmarks. Every figure shows its formula
          and where each input comes from.
        </>
      }
    >
      <CapacityPanel />
    </PageShell>
  );
}
