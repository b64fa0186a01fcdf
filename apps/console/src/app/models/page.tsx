/** Models: the registry (versions, signatures, aliases), a "Try it" runner and live inference metrics. */
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ModelsPanel } from '@/components/models/models-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'Models' };

export default function ModelsPage() {
  return (
    <PageShell
      testId="page-models"
      title="Models"
      sub={
        <>
          Registered ONNX models in your namespaces: immutable versions with their signatures, movable aliases such as
          production and staging, a runner to try a version, and its live inference latency.
        </>
      }
    >
      {/* The panel reads the selected model from the URL (useSearchParams). */}
      <Suspense fallback={<div className="card skeleton" aria-busy />}>
        <ModelsPanel />
      </Suspense>
    </PageShell>
  );
}
