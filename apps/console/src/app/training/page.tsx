/** Training: Agent Forge runs — the list, a form to start one, and each run's phases and live metrics. */
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TrainingPanel } from '@/components/training/training-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'Training' };

export default function TrainingPage() {
  return (
    <PageShell
      testId="page-training"
      title="Training"
      sub={
        <>
          Agent Forge pipeline runs in your namespaces: start one with per-phase executors and settings, follow its eight
          phases and live loss and accuracy, cancel it, retry a failed phase or resume a finished run from any phase.
        </>
      }
    >
      {/* The panel reads the run, the form or the filters from the URL (useSearchParams). */}
      <Suspense fallback={<div className="card skeleton" aria-busy />}>
        <TrainingPanel />
      </Suspense>
    </PageShell>
  );
}
