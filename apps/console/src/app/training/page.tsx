/** Training: Agent Forge runs — the list, a form to start one, and each run's phases and live metrics. */
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TrainingPanel } from '@/components/training/training-panel';

export const metadata: Metadata = { title: 'Training' };

export default function TrainingPage() {
  return (
    <div className="page" data-testid="page-training">
      <header className="page__head">
        <h1 className="page__title">Training</h1>
        <p className="page__sub">
          Agent Forge pipeline runs in your namespaces: start one with per-phase executors and settings, follow its eight
          phases and live loss and accuracy, cancel it, retry a failed phase or resume a finished run from any phase.
        </p>
      </header>
      {/* The panel reads the run, the form or the filters from the URL (useSearchParams). */}
      <Suspense fallback={<div className="card skeleton" aria-busy />}>
        <TrainingPanel />
      </Suspense>
    </div>
  );
}
