/** Fog: fog nodes and their load, the job queue by tier, jobs with live logs, submitting jobs, and what they cost. */
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { FogPanel } from '@/components/fog/fog-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'Fog' };

export default function FogPage() {
  return (
    <PageShell
      testId="page-fog"
      title="Fog"
      sub={
        <>
          Fog compute in a namespace: the nodes running the fog agent and their load, the job queue by tier, each job&apos;s
          timings and live output, submitting WASI modules or command templates, and the cost against the cloud price.
        </>
      }
    >
      {/* The panel reads the namespace, filters and the open job from the URL (useSearchParams). */}
      <Suspense fallback={<div className="card skeleton" aria-busy />}>
        <FogPanel />
      </Suspense>
    </PageShell>
  );
}
